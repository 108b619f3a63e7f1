/**
 * cancelOrder and cancelAll. A cancel resolves to Cancelled, Filled (the fill won), PartiallyFilledThenCancelled, or
 * StillPending when the timeout passes first — a timeout is never reported as success. Terminal orders are refused
 * with a typed reason. Waiting holds no lock: other operations go on meanwhile.
 * @module
 */
import { type Order, OrderStatus, OrderView } from "@spreads/domain"
import { Clock, Effect, Option } from "effect"
import { CancelRefused } from "../Errors.ts"
import { OrderBook } from "../OrderBook.ts"
import { traced } from "../Tracing.ts"
import { Broker } from "../ports/Broker.ts"
import { Settings } from "../Settings.ts"
import { requireConnected } from "./PlaceSpreadOrder.ts"
import { awaitOrder } from "./Waiting.ts"

/** How a cancel ended. */
export type CancelOutcome = "Cancelled" | "Filled" | "PartiallyFilledThenCancelled" | "StillPending"

/** The outcome with the order as it stands. */
export interface CancelResult {
  readonly outcome: CancelOutcome
  readonly order: OrderView.OrderView
}

// Unknown (contact lost mid-cancel) is not an answer: keep waiting for the reconcile that resolves it.
const settled = (o: Order.Order) =>
  OrderStatus.isTerminal(o.status) || (o.status !== "PendingCancel" && o.status !== "Unknown")

/** Requests a cancel and waits (up to the cancel timeout) for the broker's answer. */
export const cancelOrder = traced("cancelOrder")(
  Effect.fnUntraced(function* (orderId: number) {
    const book = yield* OrderBook
    const broker = yield* Broker
    const settings = yield* Settings
    const order = yield* book.get(orderId)
    if (!OrderStatus.isCancellable(order.status)) {
      return yield* new CancelRefused({
        orderId,
        status: order.status,
        message: `order ${orderId} is ${order.status}; ${order.status === "Filled" ? "a filled order" : "it"} cannot be cancelled`
      })
    }
    yield* requireConnected
    const at = yield* Clock.currentTimeMillis
    yield* book.record(orderId, { _tag: "CancelRequested", at })
    yield* broker.cancel(orderId)
    const answer = yield* awaitOrder(orderId, settled, settings.cancelTimeoutMs)
    if (Option.isNone(answer))
      return { outcome: "StillPending", order: OrderView.toView(yield* book.get(orderId)) } as CancelResult
    const o = answer.value
    if (!OrderStatus.isTerminal(o.status)) {
      const refusal = o.lastRefusal
      return yield* new CancelRefused({
        orderId,
        status: o.status,
        message: `the broker refused to cancel order ${orderId}${refusal === undefined ? "" : ` (IB ${refusal.code}: ${refusal.reason})`}; it is ${o.status}`
      })
    }
    return { outcome: outcomeOf(o), order: OrderView.toView(o) } as CancelResult
  })
)

const outcomeOf = (o: Order.Order): CancelOutcome =>
  o.status === "Filled" ? "Filled" : o.filled > 0 ? "PartiallyFilledThenCancelled" : "Cancelled"

/**
 * Cancels every open order (IB's global cancel) and waits up to the cancel timeout for them to settle. Returns each
 * order that was open, as it then stands.
 */
export const cancelAll = traced("cancelAll")(
  Effect.fnUntraced(function* () {
    yield* requireConnected
    const book = yield* OrderBook
    const broker = yield* Broker
    const settings = yield* Settings
    const open = (yield* book.openOrders).filter(
      (o) => OrderStatus.isCancellable(o.status) && o.status !== "PendingCancel"
    )
    const at = yield* Clock.currentTimeMillis
    for (const o of open) yield* book.record(o.orderId, { _tag: "CancelRequested", at }).pipe(Effect.ignore)
    yield* broker.cancelAll
    return yield* Effect.forEach(
      open,
      (o) =>
        awaitOrder(o.orderId, (x) => OrderStatus.isTerminal(x.status), settings.cancelTimeoutMs).pipe(
          Effect.flatMap((r) => (Option.isSome(r) ? Effect.succeed(r.value) : book.get(o.orderId))),
          Effect.map(OrderView.toView)
        ),
      { concurrency: "unbounded" }
    )
  })
)
