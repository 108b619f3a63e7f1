/**
 * A JSON-able snapshot of the simulated broker, so it can be persisted (a later issue stores it in SQLite) and
 * restored: orders (open and retained completed ones), the next order id, positions, executions, the market's
 * anchors and the simulated time. Restoring sets the simulated clock to the snapshot's time and re-creates the
 * timers of open orders (acknowledgements, pending cancels, evaluations); in-flight modifies and fill scripts are
 * not kept, and events that were due but not yet reported are re-derived, not replayed.
 * @module
 */
import { ComboOrder, OrderEvent } from "@spreads/domain"
import { Result, Schema } from "effect"
import type { SimEngine } from "./SimEngine.ts"
import { isDone, type SimOrder } from "./SimOrder.ts"
import * as V from "./Validation.ts"

const OrderState = Schema.Struct({
  orderId: Schema.Number,
  permId: Schema.Number,
  orderRef: Schema.String,
  order: ComboOrder.ComboOrder,
  quantity: Schema.Number,
  filled: Schema.Number,
  notional: Schema.Number,
  status: Schema.Literals([
    "PendingSubmit",
    "PreSubmitted",
    "Submitted",
    "Filled",
    "Cancelled",
    "ApiCancelled",
    "Rejected"
  ]),
  accepted: Schema.Boolean,
  held: Schema.Boolean,
  pendingCancel: Schema.Boolean,
  executions: Schema.Number,
  draws: Schema.Number,
  placedAt: Schema.Number,
  sessionEnd: Schema.optionalKey(Schema.Number),
  doneAt: Schema.optionalKey(Schema.Number)
})

/** The snapshot, version 1. */
export const SimState = Schema.Struct({
  version: Schema.Literal(1),
  seed: Schema.Number,
  /** Simulated epoch ms when the snapshot was taken. */
  now: Schema.Number,
  nextOrderId: Schema.Number,
  permSeq: Schema.Number,
  marketOpen: Schema.Union([Schema.Boolean, Schema.Literal("auto")]),
  orders: Schema.Array(OrderState),
  positions: Schema.Array(
    Schema.Struct({ key: Schema.String, conId: Schema.Number, quantity: Schema.Number, cost: Schema.Number })
  ),
  executions: Schema.Array(
    Schema.Struct({ orderId: Schema.Number, orderRef: Schema.String, event: OrderEvent.OrderEvent })
  ),
  underlyings: Schema.Array(
    Schema.Struct({
      symbol: Schema.String,
      price: Schema.Number,
      vol: Schema.Number,
      strikeStep: Schema.optionalKey(Schema.Number),
      minute: Schema.Number
    })
  )
})
/** @see {@link SimState} */
export type SimState = typeof SimState.Type

const Codec = Schema.toCodecJson(SimState)

/** The snapshot as plain JSON (decimals as strings), ready for JSON.stringify or a database column. */
export type SimStateJson = Schema.Json

/** A snapshot that cannot be restored: not a version-1 snapshot, or not well formed. */
export class SimStateError extends Schema.TaggedError<SimStateError>()("SimStateError", {
  message: Schema.String
}) {}

/** Takes a snapshot of `engine` at simulated time `now`. */
export const capture = (engine: SimEngine, now: number): SimStateJson => {
  const orders = [...engine.completed.flatMap((id) => engine.orders.get(id) ?? []), ...engine.open.values()]
  const state: SimState = {
    version: 1,
    seed: engine.config.seed,
    now,
    nextOrderId: engine.nextId,
    permSeq: engine.permSeq,
    marketOpen: engine.marketOpen,
    orders: orders.map((o) => ({
      orderId: o.orderId,
      permId: o.permId,
      orderRef: o.orderRef,
      order: o.order,
      quantity: o.quantity,
      filled: o.filled,
      notional: o.notional,
      status: o.status,
      accepted: o.accepted,
      held: o.held,
      pendingCancel: o.pendingCancel,
      executions: o.executions,
      draws: o.draws,
      placedAt: o.placedAt,
      ...(o.sessionEnd === undefined ? {} : { sessionEnd: o.sessionEnd }),
      ...(o.doneAt === undefined ? {} : { doneAt: o.doneAt })
    })),
    positions: [...engine.positions.values()].map((p) => ({ ...p })),
    executions: engine.executions.map((e) => ({ orderId: e.orderId, orderRef: e.orderRef, event: e.event })),
    underlyings: engine.market.anchors().map((a) => ({ ...a }))
  }
  return Schema.encodeSync(Codec)(state)
}

/** Decodes a snapshot, with a readable message when it is not one. */
export const decode = (input: unknown): Result.Result<SimState, SimStateError> => {
  const r = Schema.decodeUnknownResult(Codec)(input)
  return Result.isSuccess(r)
    ? Result.succeed(r.success)
    : Result.fail(new SimStateError({ message: `not a simulator snapshot: ${r.failure.message}` }))
}

/** Replaces the engine's state with `state` and re-creates the timers of its open orders, at simulated time `now`. */
export const restore = (engine: SimEngine, state: SimState, now: number): void => {
  engine.orders.clear()
  engine.open.clear()
  engine.completed.length = 0
  engine.executions.length = 0
  engine.positions.clear()
  engine.timers.clear()
  engine.nextId = state.nextOrderId
  engine.permSeq = state.permSeq
  engine.marketOpen = state.marketOpen
  engine.market.restore(state.underlyings)
  for (const p of state.positions) engine.positions.set(p.key, { ...p })
  for (const e of state.executions) {
    if (e.event._tag === "Filled" || e.event._tag === "LegFilled") {
      engine.executions.push({ orderId: e.orderId, orderRef: e.orderRef, event: e.event })
    }
  }
  for (const s of state.orders) {
    const o: SimOrder = {
      ...s,
      legs: V.legsOf(s.order),
      limit: V.limitOf(s.order),
      script: "auto",
      scripted: 0,
      token: 0,
      nextEvalAt: Number.POSITIVE_INFINITY,
      sessionEnd: s.sessionEnd,
      doneAt: s.doneAt
    }
    engine.orders.set(o.orderId, o)
    if (isDone(o.status)) engine.completed.push(o.orderId)
    else engine.open.set(o.orderId, o)
  }
  for (const o of engine.open.values()) engine.resume(o, now)
}
