/**
 * Broker events -> what TWS sends. One function per event kind; each updates the order's record and delivers the
 * messages a TWS client would see, in TWS's order:
 * - Acknowledged: OPEN_ORDER + ORDER_STATUS (PreSubmitted / Submitted), only ORDER_STATUS when nothing changed;
 * - LegFilled: EXECUTION_DATA for the leg (OPT, leg conId); Filled: EXECUTION_DATA for the BAG (conId 28812380),
 *   its COMMISSION_REPORT, then OPEN_ORDER + ORDER_STATUS (Filled, or Submitted with filled > 0);
 * - CommissionReported: COMMISSION_REPORT of the leg execution;
 * - Cancelled: ORDER_STATUS Cancelled then ERR_MSG 202; CancelRejected: the error, and the status before the cancel;
 * - Modified: OPEN_ORDER + ORDER_STATUS with the new terms; ModifyRejected: the error;
 * - Rejected / Inactive: ERR_MSG (201 "Order rejected - reason:...") then OPEN_ORDER + ORDER_STATUS Inactive;
 * - Warning: ERR_MSG with its code (399).
 * Duplicate executions (same execId) are dropped; statuses never move back from a terminal one.
 * @module
 */
import type { BrokerEvent } from "@spreads/application"
import { IbErrors, type OrderEvent, Price } from "@spreads/domain"
import { BigDecimal } from "effect"
import { optionToWire } from "./ContractBook.ts"
import { avgFillPrice, type ExecutionEntry, isDone, type OrderRecord } from "./OrderRecord.ts"
import type { OrderState } from "./OrderState.ts"
import { formatTwsTime } from "./wire/Time.ts"
import { errorMessage } from "./wire/Outgoing.ts"
import type { WireContract } from "./wire/Types.ts"
import type { ContractBook } from "./ContractBook.ts"

type Ev<T extends OrderEvent.OrderEvent["_tag"]> = Extract<OrderEvent.OrderEvent, { _tag: T }>

/** Codes that refuse an order before it exists at IB: TWS answers them with the error alone, no status. */
const VALIDATION_CODES = new Set([103, 110, 200, 312, 313, 314, 321, 387])

/** What the translation needs besides the order state. */
export interface EventContext {
  readonly orders: OrderState
  readonly book: ContractBook
  readonly account: string
  /** Clock time, for when an order finished. */
  readonly now: () => number
}

const num = (d: BigDecimal.BigDecimal): number => BigDecimal.toNumberUnsafe(d)

const errorTo = (ctx: EventContext, r: OrderRecord, code: number, message: string) =>
  ctx.orders.deliver(r, [errorMessage({ id: r.orderId, code, message })])

const acknowledged = (ctx: EventContext, r: OrderRecord, e: Ev<"Acknowledged">): void => {
  const before = r.status
  if (r.status === "PendingSubmit" || (r.status === "PreSubmitted" && e.status === "Submitted")) r.status = e.status
  if (r.status !== before || !r.announced) ctx.orders.deliver(r, ctx.orders.openAndStatus(r))
  else if (!isDone(r.status)) ctx.orders.deliver(r, ctx.orders.statusMessages(r))
}

const execution = (
  ctx: EventContext,
  r: OrderRecord,
  contract: WireContract,
  fields: { execId: string; at: number; side: string; shares: number; price: number; cumQty: number; avgPrice: number }
): ExecutionEntry => ({
  at: fields.at,
  clientId: r.clientId,
  contract,
  execution: {
    orderId: r.orderId,
    execId: fields.execId,
    time: formatTwsTime(fields.at),
    acctNumber: r.order.account ?? ctx.account,
    exchange: contract.secType === "BAG" ? "SMART" : "CBOE",
    side: fields.side,
    shares: fields.shares,
    price: fields.price,
    permId: r.permId,
    clientId: r.clientId,
    cumQty: fields.cumQty,
    avgPrice: fields.avgPrice,
    orderRef: r.order.orderRef ?? "",
    lastLiquidity: 2
  },
  commission: undefined
})

const legFilled = (ctx: EventContext, r: OrderRecord, e: Ev<"LegFilled">): void => {
  const leg = r.combo.spread.legs[e.legIndex]
  const conId = e.conId ?? leg?.contract.conId ?? 0
  const option = ctx.book.get(conId) ?? leg?.contract
  const contract: WireContract =
    option === undefined ? { ...r.contract, conId } : { ...optionToWire(option), conId, exchange: "CBOE" }
  const price = num(e.price)
  const prior = r.legTotals.get(conId) ?? { qty: 0, notional: 0 }
  const total = { qty: prior.qty + e.quantity, notional: prior.notional + e.quantity * price }
  const entry = execution(ctx, r, contract, {
    execId: e.execId,
    at: e.at,
    side: e.action === "BUY" ? "BOT" : "SLD",
    shares: e.quantity,
    price,
    cumQty: total.qty,
    avgPrice: Math.round((total.notional / total.qty) * 1e8) / 1e8
  })
  if (e.commission !== undefined)
    entry.commission = { execId: e.execId, commission: num(e.commission), currency: "USD" }
  if (!ctx.orders.addExecution(entry)) return
  r.legTotals.set(conId, total)
  r.legExecutions++
  ctx.orders.deliverNow(r, ctx.orders.executionMessages(-1, entry))
}

const filled = (ctx: EventContext, r: OrderRecord, e: Ev<"Filled">): void => {
  const signed = Price.toIbLimit(r.combo.action, e.price)
  const legsSeen = r.legExecutions
  r.legExecutions = 0
  if (r.execIds.has(e.execId)) return
  r.execIds.add(e.execId)
  r.filled = Math.min(r.order.totalQuantity, r.filled + e.quantity)
  r.notional = BigDecimal.sum(r.notional, BigDecimal.multiply(signed, BigDecimal.fromBigInt(BigInt(e.quantity))))
  r.lastFillPrice = num(signed)
  const side = r.combo.action === "BUY" ? "BOT" : "SLD"
  const commission = e.commission === undefined ? 0 : num(e.commission)
  const common = { execId: e.execId, at: e.at, side, shares: e.quantity, cumQty: r.filled, avgPrice: avgFillPrice(r) }
  if (r.isBag) {
    const entry = execution(ctx, r, r.contract, { ...common, price: num(signed) })
    entry.commission = { execId: e.execId, commission, currency: "USD" }
    if (ctx.orders.addExecution(entry)) ctx.orders.deliverNow(r, ctx.orders.executionMessages(-1, entry))
  } else if (legsSeen === 0) {
    // A broker that reports single options without a leg execution: the fill is the option's execution.
    const entry = execution(ctx, r, r.contract, { ...common, price: num(signed) })
    if (e.commission !== undefined) entry.commission = { execId: e.execId, commission, currency: "USD" }
    if (ctx.orders.addExecution(entry)) ctx.orders.deliverNow(r, ctx.orders.executionMessages(-1, entry))
  }
  ctx.orders.release(r)
  if (isDone(r.status)) return
  if (r.filled >= r.order.totalQuantity) r.status = "Filled"
  else if (r.status === "PendingSubmit" || r.status === "PreSubmitted") r.status = "Submitted"
  ctx.orders.deliver(r, ctx.orders.openAndStatus(r))
}

const commissionReported = (ctx: EventContext, r: OrderRecord, e: Ev<"CommissionReported">): void => {
  const entry = ctx.orders.execution(e.execId)
  if (entry === undefined || entry.commission !== undefined) return
  entry.commission = { execId: e.execId, commission: num(e.commission), currency: "USD" }
  ctx.orders.deliverNow(r, ctx.orders.executionMessages(-1, entry).slice(1))
}

const cancelled = (ctx: EventContext, r: OrderRecord, e: Ev<"Cancelled">): void => {
  if (isDone(r.status)) return
  r.status = e.api ? "ApiCancelled" : "Cancelled"
  r.endReason = e.reason
  r.beforeCancel = undefined
  ctx.orders.release(r)
  ctx.orders.deliver(r, ctx.orders.statusMessages(r))
  errorTo(ctx, r, 202, IbErrors.ibErrorText(202, e.reason))
}

const cancelRejected = (ctx: EventContext, r: OrderRecord, e: Ev<"CancelRejected">): void => {
  errorTo(ctx, r, e.code, e.reason)
  if (r.status !== "PendingCancel") return
  r.status = r.beforeCancel ?? "Submitted"
  r.beforeCancel = undefined
  ctx.orders.deliver(r, ctx.orders.statusMessages(r))
}

const modified = (ctx: EventContext, r: OrderRecord, e: Ev<"Modified">): void => {
  const pending = r.pending
  r.pending = undefined
  if (pending !== undefined) {
    r.order = pending.order
    r.combo = pending.combo
  } else {
    const lmtPrice = e.limitPrice === undefined ? r.order.lmtPrice : num(Price.toIbLimit(r.combo.action, e.limitPrice))
    r.order = { ...r.order, totalQuantity: e.quantity ?? r.order.totalQuantity, lmtPrice }
  }
  if (isDone(r.status)) return
  if (r.filled >= r.order.totalQuantity) r.status = "Filled"
  ctx.orders.deliver(r, ctx.orders.openAndStatus(r))
}

const rejected = (ctx: EventContext, r: OrderRecord, code: number, reason: string): void => {
  const text = code === 201 && !reason.startsWith("Order rejected") ? IbErrors.ibErrorText(201, reason) : reason
  ctx.orders.release(r)
  errorTo(ctx, r, code, text)
  if (!isDone(r.status)) r.endReason = reason
  if (isDone(r.status) || VALIDATION_CODES.has(code)) {
    if (!isDone(r.status)) r.status = "Inactive"
    return
  }
  r.status = "Inactive"
  ctx.orders.deliver(r, ctx.orders.openAndStatus(r))
}

/**
 * Applies one broker event to the order it names (events for orders this server did not place, or has forgotten,
 * are ignored); an order that finished joins the store's finished queue.
 */
export const applyBrokerEvent = (ctx: EventContext, be: BrokerEvent): void => {
  const r = ctx.orders.records.get(be.orderId)
  if (r === undefined) return
  apply(ctx, r, be.event)
  ctx.orders.settle(r, ctx.now())
}

const apply = (ctx: EventContext, r: OrderRecord, e: OrderEvent.OrderEvent): void => {
  switch (e._tag) {
    case "Acknowledged":
      return acknowledged(ctx, r, e)
    case "LegFilled":
      return legFilled(ctx, r, e)
    case "Filled":
      return filled(ctx, r, e)
    case "CommissionReported":
      return commissionReported(ctx, r, e)
    case "Cancelled":
      return cancelled(ctx, r, e)
    case "CancelRejected":
      return cancelRejected(ctx, r, e)
    case "Modified":
      return modified(ctx, r, e)
    case "ModifyRejected":
      r.pending = undefined
      return errorTo(ctx, r, e.code, e.reason)
    case "Rejected":
      return rejected(ctx, r, e.code, e.reason)
    case "Inactive":
      return rejected(ctx, r, e.code, e.reason)
    case "Warning":
      return errorTo(ctx, r, e.code, e.message)
    case "Created":
    case "CancelRequested":
    case "ModifyRequested":
    case "ContactLost":
    case "Reconciled":
      return
  }
}
