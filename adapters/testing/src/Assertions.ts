/**
 * Assertions for vitest (or any runner) that read like the trader's intent and wait in virtual time:
 * `yield* expectOrder(id).toReach("Filled")`. Each fails with a sentence saying what the order did instead.
 * @module
 */
import { getOrderStatus, type OrderBook, type OrderNotFound } from "@spreads/application"
import type { OrderStatus, OrderView } from "@spreads/domain"
import { Effect } from "effect"
import { advance } from "./VirtualTime.ts"

/** A failed expectation about an order. */
export class OrderExpectationFailed extends Error {
  override readonly name = "OrderExpectationFailed"
}

/**
 * Polls the order's view every `stepMs` of virtual time until `done` holds or `withinMs` passed, advancing the
 * TestClock meanwhile. Fails with OrderExpectationFailed describing the last view.
 */
export const eventually = (
  orderId: number,
  done: (v: OrderView.OrderView) => boolean,
  what: string,
  options: { readonly withinMs?: number; readonly stepMs?: number } = {}
): Effect.Effect<OrderView.OrderView, OrderNotFound | OrderExpectationFailed, OrderBook.OrderBook> =>
  Effect.gen(function* () {
    const within = options.withinMs ?? 30_000
    const step = options.stepMs ?? 50
    for (let t = 0; ; t += step) {
      const v = yield* getOrderStatus(orderId)
      if (done(v)) return v
      if (t >= within) {
        return yield* Effect.fail(
          new OrderExpectationFailed(
            `order ${orderId} did not ${what} within ${within} ms: it is ${v.status} with ${v.filled} of ${v.quantity} filled`
          )
        )
      }
      yield* advance(step, step)
    }
  })

/** Fluent expectations on one order. */
export const expectOrder = (orderId: number) => ({
  /** Waits until the order is in `status`. */
  toReach: (status: OrderStatus.OrderStatus, withinMs?: number) =>
    eventually(orderId, (v) => v.status === status, `reach ${status}`, withinMs === undefined ? {} : { withinMs }),
  /** Waits until at least `quantity` is filled. */
  toHaveFilled: (quantity: number, withinMs?: number) =>
    eventually(orderId, (v) => v.filled >= quantity, `fill ${quantity}`, withinMs === undefined ? {} : { withinMs }),
  /** Checks, without waiting, that the order is still working with nothing filled. */
  toBeResting: () =>
    Effect.flatMap(getOrderStatus(orderId), (v) =>
      (v.status === "Submitted" || v.status === "PreSubmitted") && v.filled === 0
        ? Effect.succeed(v)
        : Effect.fail(
            new OrderExpectationFailed(`order ${orderId} is not resting: it is ${v.status} with ${v.filled} filled`)
          )
    )
})
