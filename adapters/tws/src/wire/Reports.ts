/**
 * Server -> client reports at server version 193: EXECUTION_DATA (32 fields), COMMISSION_REPORT (8 fields) and
 * CONTRACT_DATA (42 fields plus sec-id and ineligibility pairs), as @stoqey/ib 1.6.10's decoder consumes them.
 * @module
 */
import { InMsgId } from "./Outgoing.ts"
import type { WireCommissionReport, WireContract, WireContractDetails, WireExecution } from "./Types.ts"
import { doubleOrUnset as dbl, type WireFields, type WireValue } from "./Values.ts"

/**
 * EXECUTION_DATA: `11, reqId, orderId, conId, symbol, secType, lastTradeDateOrContractMonth, strike, right,
 * multiplier, exchange, currency, localSymbol, tradingClass, execId, time, acctNumber, exchange, side, shares,
 * price, permId, clientId, liquidation, cumQty, avgPrice, orderRef, evRule, evMultiplier, modelCode,
 * lastLiquidity, pendingPriceRevision`. `reqId` is -1 for a live fill, the request's id when answering
 * REQ_EXECUTIONS.
 */
export const executionData = (reqId: number, contract: WireContract, e: WireExecution): WireFields => [
  InMsgId.EXECUTION_DATA,
  reqId,
  e.orderId,
  contract.conId,
  contract.symbol,
  contract.secType,
  contract.lastTradeDateOrContractMonth,
  contract.strike,
  contract.right,
  contract.multiplier,
  contract.exchange,
  contract.currency,
  contract.localSymbol,
  contract.tradingClass,
  e.execId,
  e.time,
  e.acctNumber,
  e.exchange,
  e.side,
  e.shares,
  e.price,
  e.permId,
  e.clientId,
  e.liquidation ?? 0,
  e.cumQty,
  e.avgPrice,
  e.orderRef ?? "",
  e.evRule ?? "",
  dbl(e.evMultiplier),
  e.modelCode ?? "",
  e.lastLiquidity ?? 0,
  e.pendingPriceRevision ?? false
]

/**
 * COMMISSION_REPORT: `59, 1, execId, commission, currency, realizedPNL, yield, yieldRedemptionDate`.
 * An unset realizedPNL / yield is sent as IB's unset double (the client reads `undefined`).
 */
export const commissionReport = (r: WireCommissionReport): WireFields => [
  InMsgId.COMMISSION_REPORT,
  1,
  r.execId,
  r.commission,
  r.currency,
  dbl(r.realizedPNL),
  dbl(r.yield),
  r.yieldRedemptionDate ?? 0
]

/** Fields 1.6.10 reads after suggestedSizeIncrement for a FUND contract (sent empty). */
const FUND_FIELDS: ReadonlyArray<WireValue> = [
  "",
  "",
  "",
  "",
  "",
  "",
  "",
  false,
  false,
  false,
  "",
  "",
  "",
  "",
  "",
  "",
  ""
]

/**
 * CONTRACT_DATA (no version field at 193): `10, reqId, symbol, secType, lastTradeDateOrContractMonth,
 * lastTradeDate, strike, right, exchange, currency, localSymbol, marketName, tradingClass, conId, minTick,
 * multiplier, orderTypes, validExchanges, priceMagnifier, underConId, longName, primaryExch, contractMonth,
 * industry, category, subcategory, timeZoneId, tradingHours, liquidHours, evRule, evMultiplier, secIdCount
 * [+pairs], aggGroup, underSymbol, underSecType, marketRuleIds, realExpirationDate, stockType, minSize,
 * sizeIncrement, suggestedSizeIncrement, ineligibilityCount [+pairs]`.
 */
export const contractData = (reqId: number, d: WireContractDetails): WireFields => {
  const c = d.contract
  const f: Array<WireValue> = [InMsgId.CONTRACT_DATA, reqId, c.symbol, c.secType, c.lastTradeDateOrContractMonth]
  f.push(d.lastTradeDate ?? "", c.strike, c.right, c.exchange, c.currency, c.localSymbol, d.marketName)
  f.push(c.tradingClass, c.conId, d.minTick, c.multiplier, d.orderTypes ?? "", d.validExchanges ?? "")
  f.push(d.priceMagnifier ?? 1, d.underConId ?? 0, d.longName ?? "", c.primaryExch, d.contractMonth ?? "")
  f.push(d.industry ?? "", d.category ?? "", d.subcategory ?? "", d.timeZoneId ?? "", d.tradingHours ?? "")
  f.push(d.liquidHours ?? "", d.evRule ?? "", dbl(d.evMultiplier))
  const secIds = d.secIdList ?? []
  f.push(secIds.length)
  for (const s of secIds) f.push(s.tag, s.value)
  f.push(d.aggGroup ?? 0, d.underSymbol ?? "", d.underSecType ?? "", d.marketRuleIds ?? "")
  f.push(d.realExpirationDate ?? "", d.stockType ?? "", d.minSize ?? "", d.sizeIncrement ?? "")
  f.push(d.suggestedSizeIncrement ?? "")
  if (c.secType === "FUND") f.push(...FUND_FIELDS)
  const reasons = d.ineligibilityReasons ?? []
  f.push(reasons.length)
  for (const r of reasons) f.push(r.id, r.description)
  return f
}
