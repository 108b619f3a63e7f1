/**
 * OPEN_ORDER (5) and COMPLETED_ORDER (101), server -> client, exactly the fields @stoqey/ib 1.6.10's decoder (and
 * IB's Java EDecoder.processCompletedOrderMsg) consumes at server version 193 (no version field). A short or long message shows up on the client as error 505, so the layout here
 * follows its `OrderDecoder` read for read: 133 fields for a plain order with no delta-neutral order type,
 * plus 8N + M + 2K for a BAG (N legs, M leg prices, K smart combo routing params), plus the conditional blocks
 * (delta-neutral order, scale, hedge, delta-neutral contract, algo params, PEG BENCH, conditions).
 * @module
 */
import { InMsgId } from "./Outgoing.ts"
import type {
  WireComboLeg,
  WireCompletedOrderState,
  WireContract,
  WireOrder,
  WireOrderCondition,
  WireOrderState,
  WireTagValue
} from "./Types.ts"
import { doubleOrUnset as dbl, intOrUnset as int, type WireFields, type WireValue } from "./Values.ts"

/** The conId IB gives every BAG contract in OPEN_ORDER and BAG executions. */
export const BAG_CON_ID = 28812380

/** "conId|ratio,..." with the ratio negative for a SELL leg, e.g. "9408|-1,43645865|1". */
export const comboLegsDescrip = (legs: ReadonlyArray<WireComboLeg>): string =>
  legs.map((l) => `${l.conId}|${l.action.toUpperCase() === "SELL" ? -l.ratio : l.ratio}`).join(",")

const tagValues = (out: Array<WireValue>, list: ReadonlyArray<WireTagValue>): void => {
  out.push(list.length)
  for (const tv of list) out.push(tv.tag, tv.value)
}

/** Writes one condition as the 1.6.10 decoder reads it (type, conjunction, then the type's fields). */
const condition = (out: Array<WireValue>, c: WireOrderCondition): void => {
  out.push(c.type, c.conjunction)
  switch (c.type) {
    case 1:
      out.push(c.isMore, c.price, c.conId, c.exchange, c.triggerMethod)
      break
    case 3:
      out.push(c.isMore, c.time)
      break
    case 4:
      out.push(c.isMore, Math.round(c.percent))
      break
    case 5:
      out.push(c.secType, c.exchange, c.symbol)
      break
    case 6:
      out.push(c.isMore, Math.round(c.value), c.conId, c.exchange)
      break
    case 7:
      out.push(c.isMore, c.value, c.conId, c.exchange)
      break
  }
}

const isPegBench = (t: string): boolean => t === "PEG BENCH" || t === "PEGBENCH"

/** The PEG BENCH fields (for that order type) and the conditions: alike in OPEN_ORDER and COMPLETED_ORDER. */
const pegBenchAndConditions = (f: Array<WireValue>, o: WireOrder): void => {
  if (isPegBench(o.orderType)) {
    const p = o.pegBench
    f.push(p?.referenceContractId ?? 0, p?.isPeggedChangeAmountDecrease ?? false, p?.peggedChangeAmount ?? 0)
    f.push(p?.referenceChangeAmount ?? 0, p?.referenceExchangeId ?? "")
  }
  const conditions = o.conditions ?? []
  f.push(conditions.length)
  for (const c of conditions) condition(f, c)
  if (conditions.length > 0) f.push(o.conditionsIgnoreRth ?? false, o.conditionsCancelOrder ?? false)
}

/** The combo legs, leg prices, smart combo routing params and scale block: alike in OPEN_ORDER and COMPLETED_ORDER. */
const legsAndScale = (
  f: Array<WireValue>,
  o: WireOrder,
  contract: WireContract,
  legs: ReadonlyArray<WireComboLeg>
): void => {
  f.push(contract.comboLegsDescrip ?? comboLegsDescrip(legs), legs.length)
  for (const l of legs) {
    f.push(l.conId, l.ratio, l.action, l.exchange, l.openClose ?? 0, l.shortSaleSlot ?? 0)
    f.push(l.designatedLocation ?? "", l.exemptCode ?? -1)
  }
  const legPrices = o.orderComboLegPrices ?? []
  f.push(legPrices.length, ...legPrices.map(dbl))
  tagValues(f, o.smartComboRoutingParams ?? [])
  f.push(int(o.scaleInitLevelSize), int(o.scaleSubsLevelSize), dbl(o.scalePriceIncrement))
  if (o.scalePriceIncrement !== undefined && o.scalePriceIncrement > 0 && o.scalePriceIncrement !== Number.MAX_VALUE) {
    const s = o.scale
    f.push(dbl(s?.priceAdjustValue), int(s?.priceAdjustInterval), dbl(s?.profitOffset), s?.autoReset ?? false)
    f.push(int(s?.initPosition), int(s?.initFillQty), s?.randomPercent ?? false)
  }
}

/** The hedge type, and its parameter when there is one: alike in OPEN_ORDER and COMPLETED_ORDER. */
const hedge = (f: Array<WireValue>, o: WireOrder): void => {
  const hedgeType = o.hedgeType ?? ""
  f.push(hedgeType)
  if (hedgeType !== "") f.push(o.hedgeParam ?? "")
}

/** The delta-neutral contract and the algo with its parameters: alike in OPEN_ORDER and COMPLETED_ORDER. */
const deltaNeutralAndAlgo = (f: Array<WireValue>, o: WireOrder, contract: WireContract): void => {
  const dnc = contract.deltaNeutralContract
  if (dnc === undefined) f.push(false)
  else f.push(true, dnc.conId, dnc.delta, dnc.price)
  const algo = o.algoStrategy ?? ""
  f.push(algo)
  if (algo !== "") tagValues(f, o.algoParams ?? [])
}

/**
 * OPEN_ORDER for `order` on `contract` in `state`. For a BAG pass the BAG contract (conId {@link BAG_CON_ID},
 * right "?" as IB sends it) with its `comboLegs`; `comboLegsDescrip` is derived from the legs unless given.
 */
export const openOrder = (contract: WireContract, order: WireOrder, state: WireOrderState): WireFields => {
  const o = order
  const legs = contract.comboLegs ?? []
  const f: Array<WireValue> = [InMsgId.OPEN_ORDER, o.orderId]
  // contract
  f.push(contract.conId, contract.symbol, contract.secType, contract.lastTradeDateOrContractMonth, contract.strike)
  f.push(contract.right, contract.multiplier, contract.exchange, contract.currency, contract.localSymbol)
  f.push(contract.tradingClass)
  // main order fields
  f.push(o.action, o.totalQuantity, o.orderType, dbl(o.lmtPrice), dbl(o.auxPrice), o.tif ?? "", o.ocaGroup ?? "")
  f.push(o.account ?? "", o.openClose ?? "", o.origin ?? 0, o.orderRef ?? "", o.clientId ?? 0, o.permId ?? 0)
  f.push(o.outsideRth ?? false, o.hidden ?? false, o.discretionaryAmt ?? 0, o.goodAfterTime ?? "")
  f.push("") // deprecated sharesAllocation
  f.push(o.faGroup ?? "", o.faMethod ?? "", o.faPercentage ?? "", o.modelCode ?? "", o.goodTillDate ?? "")
  f.push(o.rule80A ?? "", dbl(o.percentOffset), o.settlingFirm ?? "")
  f.push(o.shortSaleSlot ?? 0, o.designatedLocation ?? "", o.exemptCode ?? -1)
  f.push(o.auctionStrategy ?? 0, dbl(o.startingPrice), dbl(o.stockRefPrice), dbl(o.delta))
  f.push(dbl(o.stockRangeLower), dbl(o.stockRangeUpper), int(o.displaySize))
  f.push(o.blockOrder ?? false, o.sweepToFill ?? false, o.allOrNone ?? false, int(o.minQty), o.ocaType ?? 0)
  f.push(o.eTradeOnly ?? false, o.firmQuoteOnly ?? false, dbl(o.nbboPriceCap), o.parentId ?? 0, o.triggerMethod ?? 0)
  // volatility / delta-neutral order
  const dnType = o.deltaNeutralOrderType ?? ""
  f.push(dbl(o.volatility), o.volatilityType ?? 0, dnType, dbl(o.deltaNeutralAuxPrice))
  if (dnType !== "") {
    const dn = o.deltaNeutral
    f.push(dn?.conId ?? 0, dn?.settlingFirm ?? "", dn?.clearingAccount ?? "", dn?.clearingIntent ?? "")
    f.push(dn?.openClose ?? "", dn?.shortSale ?? false, dn?.shortSaleSlot ?? 0, dn?.designatedLocation ?? "")
  }
  f.push(o.continuousUpdate ?? false, o.referencePriceType ?? 0)
  f.push(dbl(o.trailStopPrice), dbl(o.trailingPercent), dbl(o.basisPoints), int(o.basisPointsType))
  legsAndScale(f, o, contract, legs)
  // hedge, clearing, delta-neutral contract, algo
  hedge(f, o)
  f.push(o.optOutSmartRouting ?? false, o.clearingAccount ?? "", o.clearingIntent ?? "", o.notHeld ?? false)
  deltaNeutralAndAlgo(f, o, contract)
  // what-if and state
  f.push(o.solicited ?? false, o.whatIf ?? false, state.status)
  f.push(dbl(state.initMarginBefore), dbl(state.maintMarginBefore), dbl(state.equityWithLoanBefore))
  f.push(dbl(state.initMarginChange), dbl(state.maintMarginChange), dbl(state.equityWithLoanChange))
  f.push(dbl(state.initMarginAfter), dbl(state.maintMarginAfter), dbl(state.equityWithLoanAfter))
  f.push(dbl(state.commission), dbl(state.minCommission), dbl(state.maxCommission))
  f.push(state.commissionCurrency ?? "", state.warningText ?? "")
  f.push(o.randomizeSize ?? false, o.randomizePrice ?? false)
  pegBenchAndConditions(f, o)
  // adjusted orders
  f.push(o.adjustedOrderType || "None", dbl(o.triggerPrice), dbl(o.trailStopPrice), dbl(o.lmtPriceOffset))
  f.push(dbl(o.adjustedStopPrice), dbl(o.adjustedStopLimitPrice), dbl(o.adjustedTrailingAmount))
  f.push(o.adjustableTrailingUnit ?? 0)
  // soft dollar tier .. end
  const sdt = o.softDollarTier
  f.push(sdt?.name ?? "", sdt?.value ?? "", sdt?.displayName ?? "", dbl(o.cashQty))
  f.push(o.dontUseAutoPriceForHedge ?? false, o.isOmsContainer ?? false, o.discretionaryUpToLimitPrice ?? false)
  f.push(o.usePriceMgmtAlgo ?? false, int(o.duration), int(o.postToAts), o.autoCancelParent ?? false)
  f.push(int(o.minTradeQty), int(o.minCompeteSize), dbl(o.competeAgainstBestOffset))
  f.push(dbl(o.midOffsetAtWhole), dbl(o.midOffsetAtHalf))
  f.push(o.customerAccount ?? "", o.professionalCustomer ?? false, o.bondAccruedInterest ?? "")
  f.push(o.includeOvernight ?? false, o.extOperator ?? "", int(o.manualOrderIndicator))
  return f
}

/**
 * COMPLETED_ORDER for a finished `order` on `contract`. No order id and no clientId travel in this message (IB's
 * decoders read none): clients match a completed order by permId or orderRef. The layout differs from OPEN_ORDER:
 * no clientId, sharesAllocation, auctionStrategy, blockOrder, eTradeOnly/firmQuoteOnly/nbboPriceCap, parentId,
 * basis points, optOutSmartRouting, what-if block or adjusted-order block; the delta-neutral order omits its
 * settlingFirm/clearing/openClose fields; and it ends with the order's completion fields (autoCancelDate,
 * filledQuantity, refFuturesConId, autoCancelParent, shareholder, imbalanceOnly, routeMarketableToBbo,
 * parentPermId, completedTime, completedStatus) before the PEG BEST/MID offsets and the customer fields.
 */
export const completedOrder = (
  contract: WireContract,
  order: WireOrder,
  state: WireCompletedOrderState
): WireFields => {
  const o = order
  const legs = contract.comboLegs ?? []
  const f: Array<WireValue> = [InMsgId.COMPLETED_ORDER]
  // contract
  f.push(contract.conId, contract.symbol, contract.secType, contract.lastTradeDateOrContractMonth, contract.strike)
  f.push(contract.right, contract.multiplier, contract.exchange, contract.currency, contract.localSymbol)
  f.push(contract.tradingClass)
  // main order fields
  f.push(o.action, o.totalQuantity, o.orderType, dbl(o.lmtPrice), dbl(o.auxPrice), o.tif ?? "", o.ocaGroup ?? "")
  f.push(o.account ?? "", o.openClose ?? "", o.origin ?? 0, o.orderRef ?? "", o.permId ?? 0)
  f.push(o.outsideRth ?? false, o.hidden ?? false, o.discretionaryAmt ?? 0, o.goodAfterTime ?? "")
  f.push(o.faGroup ?? "", o.faMethod ?? "", o.faPercentage ?? "", o.modelCode ?? "", o.goodTillDate ?? "")
  f.push(o.rule80A ?? "", dbl(o.percentOffset), o.settlingFirm ?? "")
  f.push(o.shortSaleSlot ?? 0, o.designatedLocation ?? "", o.exemptCode ?? -1)
  f.push(dbl(o.startingPrice), dbl(o.stockRefPrice), dbl(o.delta), dbl(o.stockRangeLower), dbl(o.stockRangeUpper))
  f.push(int(o.displaySize), o.sweepToFill ?? false, o.allOrNone ?? false, int(o.minQty), o.ocaType ?? 0)
  f.push(o.triggerMethod ?? 0)
  // volatility / delta-neutral order (without the open-order attributes)
  const dnType = o.deltaNeutralOrderType ?? ""
  f.push(dbl(o.volatility), o.volatilityType ?? 0, dnType, dbl(o.deltaNeutralAuxPrice))
  if (dnType !== "") {
    const dn = o.deltaNeutral
    f.push(dn?.conId ?? 0, dn?.shortSale ?? false, dn?.shortSaleSlot ?? 0, dn?.designatedLocation ?? "")
  }
  f.push(o.continuousUpdate ?? false, o.referencePriceType ?? 0)
  f.push(dbl(o.trailStopPrice), dbl(o.trailingPercent))
  legsAndScale(f, o, contract, legs)
  // hedge, clearing, delta-neutral contract, algo
  hedge(f, o)
  f.push(o.clearingAccount ?? "", o.clearingIntent ?? "", o.notHeld ?? false)
  deltaNeutralAndAlgo(f, o, contract)
  f.push(o.solicited ?? false, state.status, o.randomizeSize ?? false, o.randomizePrice ?? false)
  pegBenchAndConditions(f, o)
  f.push(dbl(o.trailStopPrice), dbl(o.lmtPriceOffset), dbl(o.cashQty))
  f.push(o.dontUseAutoPriceForHedge ?? false, o.isOmsContainer ?? false)
  // completion: autoCancelDate, filledQuantity, refFuturesConId, autoCancelParent, shareholder, imbalanceOnly,
  // routeMarketableToBbo, parentPermId, completedTime, completedStatus
  f.push("", state.filledQuantity, 0, o.autoCancelParent ?? false, "", false, false, 0)
  f.push(state.completedTime, state.completedStatus)
  f.push(int(o.minTradeQty), int(o.minCompeteSize), dbl(o.competeAgainstBestOffset))
  f.push(dbl(o.midOffsetAtWhole), dbl(o.midOffsetAtHalf))
  f.push(o.customerAccount ?? "", o.professionalCustomer ?? false)
  return f
}
