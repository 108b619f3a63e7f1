/**
 * Synthetic @stoqey/ib events for the reducer's unit tests, shaped as IBApi emits them (see IbEvent.fromApi), and a
 * qualified AAPL 150/155 bull call with its combo orders.
 * @module
 */
import { ComboOrder, Contract, Price, Strategy, Values } from "@spreads/domain"
import type { IbEvent } from "@spreads/ib"
import {
  type Contract as IbContract,
  type Execution,
  type OptionType,
  type Order,
  OrderAction,
  type OrderState,
  OrderType,
  SecType
} from "@stoqey/ib"
import { Result } from "effect"

export const CLIENT_ID = 7
export const LOW_CON_ID = 1001
export const HIGH_CON_ID = 1002
export const BAG_CON_ID = 28812380

const AAPL = Values.make.underlying("AAPL")
const EXPIRY = Contract.expiry("2026-12-18")

/** Buy the 150 call, sell the 155 call, both qualified. */
export const bullCall: Strategy.OptionSpread = (() => {
  const s = Result.getOrThrow(
    Strategy.makeSpread({
      strategy: "BULL_CALL",
      underlying: AAPL,
      expiry: EXPIRY,
      strikes: [Price.dec(150), Price.dec(155)]
    })
  )
  const ids = [LOW_CON_ID, HIGH_CON_ID]
  return { ...s, legs: s.legs.map((l, i) => ({ ...l, contract: { ...l.contract, conId: ids[i]! } })) }
})()

/** The same spread before qualification (no conIds). */
export const unqualified: Strategy.OptionSpread = {
  ...bullCall,
  legs: bullCall.legs.map((l) => {
    const { conId: _, ...contract } = l.contract
    return { ...l, contract }
  })
}

/** A combo order on the bull call. */
export const combo = (over: Partial<ComboOrder.ComboOrderInput> = {}): ComboOrder.ComboOrder =>
  Result.getOrThrow(
    ComboOrder.makeComboOrder({
      spread: bullCall,
      action: "BUY",
      quantity: 2,
      orderType: "LIMIT",
      limitPrice: Price.debit("2.85"),
      orderRef: "ref-1",
      ...over
    })
  )

/** The BAG contract as IB echoes it in openOrder. */
export const bagEcho: IbContract = {
  conId: BAG_CON_ID,
  symbol: "AAPL",
  secType: SecType.BAG,
  right: "?" as unknown as OptionType,
  exchange: "SMART",
  currency: "USD",
  comboLegs: [
    { conId: LOW_CON_ID, ratio: 1, action: OrderAction.BUY, exchange: "SMART" },
    { conId: HIGH_CON_ID, ratio: 1, action: OrderAction.SELL, exchange: "SMART" }
  ]
}

/** An option leg's contract as IB reports it in an execution. */
export const legContract = (conId: number): IbContract => ({
  conId,
  symbol: "AAPL",
  secType: SecType.OPT,
  exchange: "CBOE",
  currency: "USD"
})

export const openOrder = (
  orderId: number,
  status: string,
  over: Partial<Order> = {},
  contract: IbContract = bagEcho
): IbEvent.IbEvent => ({
  _tag: "OpenOrder",
  orderId,
  contract,
  order: {
    orderId,
    clientId: CLIENT_ID,
    permId: 5000 + orderId,
    action: OrderAction.BUY,
    totalQuantity: 2,
    orderType: OrderType.LMT,
    lmtPrice: 2.85,
    orderRef: "ref-1",
    ...over
  },
  orderState: { status } as OrderState
})

export const orderStatus = (
  orderId: number,
  status: string,
  filled = 0,
  remaining = 2,
  clientId: number = CLIENT_ID
): IbEvent.IbEvent => ({
  _tag: "OrderStatus",
  orderId,
  status,
  filled,
  remaining,
  avgFillPrice: 0,
  permId: 5000 + orderId,
  clientId
})

export const execution = (
  orderId: number,
  execId: string,
  contract: IbContract,
  side: "BOT" | "SLD",
  shares: number,
  price: number,
  over: Partial<Execution> = {}
): IbEvent.IbEvent => ({
  _tag: "ExecDetails",
  reqId: -1,
  contract,
  execution: {
    orderId,
    clientId: CLIENT_ID,
    execId,
    side,
    shares,
    price,
    permId: 5000 + orderId,
    orderRef: "ref-1",
    ...over
  }
})

/** The BAG's execution (conId 28812380, secType BAG). */
export const bagExecution = (orderId: number, execId: string, side: "BOT" | "SLD", shares: number, price: number) =>
  execution(orderId, execId, { ...bagEcho, comboLegs: [] }, side, shares, price)

export const commission = (execId: string, amount: number | undefined): IbEvent.IbEvent => ({
  _tag: "CommissionReport",
  report: amount === undefined ? { execId, currency: "USD" } : { execId, commission: amount, currency: "USD" }
})

export const error = (id: number, code: number, message = `IB says ${code}`): IbEvent.IbEvent => ({
  _tag: "Error",
  id,
  code,
  message,
  origin: "server"
})
