/**
 * modifyOrder: replace the limit price and/or quantity of a working order, under the same id.
 * @module
 */
import { ComboOrder, OrderStatus, OrderView, type Price } from "@spreads/domain"
import { Clock, Effect, Option } from "effect"
import { ModifyRefused } from "../Errors.ts"
import { OrderBook } from "../OrderBook.ts"
import { traced } from "../Tracing.ts"
import { Broker } from "../ports/Broker.ts"
import { Settings } from "../Settings.ts"
import { requireConnected } from "./PlaceSpreadOrder.ts"
import { awaitOrder } from "./Waiting.ts"

/** New terms; give at least one. */
export interface ModifyInput {
  readonly limitPrice?: Price.NetPrice | undefined
  readonly quantity?: number | undefined
}

/**
 * Sends the new terms and waits (up to the modify timeout) for the broker to confirm them. A refused modify fails
 * with ModifyRefused carrying IB's code; the old terms stay live. On timeout the order is returned still
 * PendingReplace.
 */
export const modifyOrder = traced("modifyOrder")(
  Effect.fnUntraced(function* (orderId: number, input: ModifyInput) {
    const book = yield* OrderBook
    const broker = yield* Broker
    const settings = yield* Settings
    const order = yield* book.get(orderId)
    const refuse = (message: string) => new ModifyRefused({ orderId, status: order.status, message })
    if (input.limitPrice === undefined && input.quantity === undefined) {
      return yield* refuse("nothing to modify: give a new limit price, a new quantity, or both")
    }
    if (!OrderStatus.isModifiable(order.status)) {
      return yield* refuse(`order ${orderId} is ${order.status}; only working orders can be modified`)
    }
    const bad = ComboOrder.checkPrice(order.combo.orderType, input.limitPrice ?? order.limitPrice)
    if (bad !== undefined) return yield* refuse(bad.message)
    yield* requireConnected
    const at = yield* Clock.currentTimeMillis
    yield* book
      .record(orderId, {
        _tag: "ModifyRequested",
        at,
        ...(input.limitPrice === undefined ? {} : { limitPrice: input.limitPrice }),
        ...(input.quantity === undefined ? {} : { quantity: input.quantity as never })
      })
      .pipe(Effect.mapError((e) => (e._tag === "OrderNotFound" || e._tag === "JournalError" ? e : refuse(e.message))))
    const terms: ComboOrder.ComboOrder = {
      ...order.combo,
      quantity: (input.quantity ?? order.quantity) as ComboOrder.ComboOrder["quantity"],
      ...((input.limitPrice ?? order.limitPrice) ? { limitPrice: (input.limitPrice ?? order.limitPrice)! } : {})
    }
    yield* broker.modify(orderId, terms)
    const answer = yield* awaitOrder(
      orderId,
      (o) => o.status !== "PendingReplace" && o.status !== "Unknown",
      settings.modifyTimeoutMs
    )
    const now = Option.isSome(answer) ? answer.value : yield* book.get(orderId)
    if (now.lastRefusal?.of === "modify" && now.lastRefusal.at >= at && now.status !== "PendingReplace") {
      return yield* new ModifyRefused({
        orderId,
        status: now.status,
        message: `the broker refused the modify of order ${orderId} (IB ${now.lastRefusal.code}: ${now.lastRefusal.reason}); the old terms stay live`
      })
    }
    return OrderView.toView(now)
  })
)
