/**
 * Reading orders: status, lists, the event log, and live views.
 * @module
 */
import { OrderStatus, OrderView } from "@spreads/domain"
import { Effect, Stream } from "effect"
import { OrderBook } from "../OrderBook.ts"
import { traced } from "../Tracing.ts"
import { Broker } from "../ports/Broker.ts"

/** The next order id from the broker (the seed's get_next_order_id). */
export const nextOrderId = traced("nextOrderId")(
  Effect.fnUntraced(function* () {
    const broker = yield* Broker
    return yield* broker.nextOrderId
  })
)

/** The order's view (the seed's order record). An unknown id fails with OrderNotFound, never an empty record. */
export const getOrderStatus = traced("getOrderStatus")((orderId: number) =>
  OrderBook.use((book) => Effect.map(book.get(orderId), OrderView.toView))
)

/** Every order known, by id; `open: true` keeps only orders that may still trade. */
export const listOrders = traced("listOrders")(
  Effect.fnUntraced(function* (options: { readonly open?: boolean } = {}) {
    const book = yield* OrderBook
    const all = yield* book.list
    return all.filter((o) => !options.open || OrderStatus.isOpen(o.status)).map(OrderView.toView)
  })
)

/** The events an order has seen, in arrival order. */
export const orderEvents = traced("orderEvents")(
  Effect.fnUntraced(function* (orderId: number) {
    const book = yield* OrderBook
    return yield* book.log(orderId)
  })
)

/**
 * The order's view now, then after every change, ending once it is terminal. Consecutive identical views are
 * dropped, so a duplicate broker event does not wake a watcher.
 */
export const watchOrder = (orderId: number) =>
  Stream.unwrap(
    Effect.gen(function* () {
      const book = yield* OrderBook
      return book.watch(orderId).pipe(
        Stream.map(OrderView.toView),
        Stream.changesWith((a, b) => JSON.stringify(a) === JSON.stringify(b))
      )
    })
  )

/** Every order update, for blotters (`spreads watch` without an id). Never ends on its own. */
export const watchAll = Stream.unwrap(
  Effect.gen(function* () {
    const book = yield* OrderBook
    return book.changes.pipe(Stream.map(OrderView.toView))
  })
)
