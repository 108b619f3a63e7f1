/**
 * Executions and prices from IB, read exactly: IB's floats become decimals of their shortest text, BOT/SLD become
 * actions, and an execution becomes the combo fill (the BAG: secType BAG or conId 28812380, at the NetPrice read from
 * IB's signed combo price for the order's action) or a leg fill (legIndex matched by conId).
 * @module
 */
import type { BrokerExecution } from "@spreads/application"
import { type OrderEvent, Price, type Values } from "@spreads/domain"
import type { Contract, Execution } from "@stoqey/ib"
import { BAG_CON_ID } from "./ComboBuilder.ts"
import type { KnownLeg, OrderInfo } from "./OrderInfo.ts"

/** BOT -> BUY, SLD -> SELL. */
export const sideAction = (side: string | undefined): Values.Action | undefined =>
  side === "BOT" || side === "BUY" ? "BUY" : side === "SLD" || side === "SELL" ? "SELL" : undefined

/** A float from IB as an exact decimal of its shortest text (2.85 stays 2.85). */
export const toDecimal = (n: number): Price.Decimal => {
  const known = decimals.get(n)
  if (known !== undefined) return known
  const text = String(n)
  const d = Price.dec(/e/i.test(text) ? n.toFixed(10) : text)
  remember(decimals, n, d)
  return d
}

// Prices repeat (a burst of fills at a handful of prices): parsed decimals and signed net prices are immutable
// values, so they are kept, a bounded few, instead of being parsed and validated again for every execution.
const MEMO_LIMIT = 4_096
const decimals = new Map<number, Price.Decimal>()
/** Signed combo prices already read, per action (keyed by the number itself: no key text built per execution). */
const netPrices: Record<Values.Action, Map<number, Price.NetPrice>> = { BUY: new Map(), SELL: new Map() }
const remember = <K, V>(memo: Map<K, V>, key: K, value: V): void => {
  if (memo.size >= MEMO_LIMIT) memo.clear()
  memo.set(key, value)
}

/** IB's signed combo price as the NetPrice of an order with `action` (see Price.fromIbLimit), memoised. */
const netPrice = (action: Values.Action, price: number): Price.NetPrice => {
  const memo = netPrices[action]
  const known = memo.get(price)
  if (known !== undefined) return known
  const p = Price.fromIbLimit(action, toDecimal(price))
  remember(memo, price, p)
  return p
}

/** The BAG itself (not a leg). */
export const isBag = (c: Contract): boolean => c.secType === "BAG" || c.conId === BAG_CON_ID

/** The legs of a BAG contract as IB echoes them, in order; undefined when they cannot all be read. */
export const legsOf = (c: Contract | undefined): ReadonlyArray<KnownLeg> | undefined => {
  const legs = c?.comboLegs
  if (legs === undefined || legs.length === 0) return undefined
  const known: Array<KnownLeg> = []
  for (const l of legs) {
    const action = sideAction(l.action)
    if (typeof l.conId !== "number" || action === undefined) return undefined
    known.push({ conId: l.conId, action, ratio: l.ratio ?? 1 })
  }
  return known
}

/** A commission IB really reported (not an unset double). */
export const usable = (commission: number | undefined): commission is number =>
  typeof commission === "number" && Number.isFinite(commission) && Math.abs(commission) < 1e300

/** An execution IB reports in a shape this adapter can use (a whole, positive number of contracts, a price). */
export const readable = (execution: Execution): boolean => {
  const execId = execution.execId ?? ""
  const shares = execution.shares ?? 0
  return (
    execId !== "" &&
    execId.length <= 128 &&
    Number.isInteger(shares) &&
    shares > 0 &&
    typeof execution.price === "number"
  )
}

type Fill = Extract<OrderEvent.OrderEvent, { _tag: "Filled" | "LegFilled" }>

/** The combo fill of a BAG execution; `action` is the order's (IB prices the combo for it). */
export const comboFill = (
  execution: Execution,
  action: Values.Action,
  at: number,
  commission: Price.Decimal | undefined
): Fill => {
  // Built without a spread: this runs for every combo execution read from the socket.
  const fill = {
    _tag: "Filled" as const,
    at,
    execId: execution.execId! as Values.ExecId,
    quantity: execution.shares! as Values.Quantity,
    price: netPrice(action, execution.price!)
  }
  return commission === undefined ? fill : { ...fill, commission }
}

/** The leg fill of an option execution; legIndex is -1 when the conId is not one of `legs`. */
export const legFill = (
  contract: Contract,
  execution: Execution,
  legs: ReadonlyArray<KnownLeg>,
  at: number,
  commission: Price.Decimal | undefined
): Fill => {
  const legIndex = legs.findIndex((l) => l.conId === contract.conId)
  return {
    _tag: "LegFilled",
    at,
    execId: execution.execId! as Values.ExecId,
    legIndex,
    ...(typeof contract.conId === "number" ? { conId: contract.conId } : {}),
    action: sideAction(execution.side) ?? legs[legIndex]?.action ?? "BUY",
    quantity: execution.shares! as Values.Quantity,
    price: toDecimal(execution.price!),
    ...(commission === undefined ? {} : { commission })
  }
}

/**
 * An execution as a reconciliation reports it. Undefined for unreadable executions, non-option legs, and legs of an
 * order whose legs are not known.
 */
export const describe = (
  info: OrderInfo | undefined,
  contract: Contract,
  execution: Execution,
  commission: number | undefined,
  at: number
): BrokerExecution | undefined => {
  if (!readable(execution)) return undefined
  const orderId = execution.orderId ?? 0
  const orderRef = info?.orderRef ?? execution.orderRef ?? ""
  const fee = usable(commission) ? toDecimal(commission) : undefined
  if (isBag(contract)) {
    const action = info?.action ?? sideAction(execution.side) ?? "BUY"
    return { orderId, orderRef, event: comboFill(execution, action, at, fee) }
  }
  if (contract.secType !== undefined && contract.secType !== "OPT") return undefined
  const legs = info?.legs
  if (legs === undefined || !legs.some((l) => l.conId === contract.conId)) return undefined
  return { orderId, orderRef, event: legFill(contract, execution, legs, at, fee) }
}
