/**
 * Waiting for an order to reach a condition, on Effect's Clock (virtual in tests), without holding any lock: other
 * operations go on while a caller waits.
 * @module
 */
import type { Order } from "@spreads/domain"
import { Effect, type Option } from "effect"
import type { OrderNotFound } from "../Errors.ts"
import { OrderBook } from "../OrderBook.ts"

/**
 * The first state of the order that satisfies `done`, or None when `timeoutMs` passes first (or the order ended
 * without satisfying it: then the last state is returned as Some only if it satisfies `done`).
 */
export const awaitOrder = (
  orderId: number,
  done: (o: Order.Order) => boolean,
  timeoutMs: number
): Effect.Effect<Option.Option<Order.Order>, OrderNotFound, OrderBook> =>
  OrderBook.use((book) => book.awaitOrder(orderId, done, timeoutMs))
