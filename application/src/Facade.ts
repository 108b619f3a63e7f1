/**
 * A Promise-based facade for callers that do not use Effect: the same operations as the use cases, so the library
 * embeds in any Node system. Typed failures become rejected promises carrying the same `_tag` and `message`
 * (`err._tag === "OrderNotFound"`); watchOrder is an async iterator.
 *
 * ```ts
 * const client = await SpreadsClient.make(SimBroker.layer())
 * const order = await client.placeSpreadOrder({ spread, action: "BUY", quantity: 1, orderType: "LIMIT", limitPrice })
 * for await (const view of client.watchOrder(order.id)) console.log(view.status)
 * await client.dispose()
 * ```
 * @module
 */
import type { OrderView, Strategy, Values } from "@spreads/domain"
import { Cause, Effect, Exit, Layer, ManagedRuntime, Stream } from "effect"
import * as InMemoryJournal from "./InMemoryJournal.ts"
import * as OrderBook from "./OrderBook.ts"
import type { Broker } from "./ports/Broker.ts"
import type { MarketData } from "./ports/MarketData.ts"
import type { OrderJournal } from "./ports/OrderJournal.ts"
import { cancelAll, cancelOrder } from "./usecases/CancelOrder.ts"
import { type ModifyInput, modifyOrder } from "./usecases/ModifyOrder.ts"
import { type PlaceSpreadInput, placeSpreadOrder } from "./usecases/PlaceSpreadOrder.ts"
import { getOrderStatus, listOrders, nextOrderId, orderEvents, watchOrder } from "./usecases/Queries.ts"
import { quoteSpread } from "./usecases/QuoteSpread.ts"
import { reconcile } from "./usecases/Reconcile.ts"
import { whatIf } from "./usecases/WhatIf.ts"

type Services = Broker | MarketData | OrderJournal | OrderBook.OrderBook

/** The facade's operations. */
export interface SpreadsClient {
  readonly nextOrderId: () => Promise<number>
  readonly placeSpreadOrder: (input: PlaceSpreadInput) => Promise<OrderView.OrderView>
  readonly getOrderStatus: (orderId: number) => Promise<OrderView.OrderView>
  readonly cancelOrder: (orderId: number) => Promise<Effect.Success<ReturnType<typeof cancelOrder>>>
  readonly modifyOrder: (orderId: number, input: ModifyInput) => Promise<OrderView.OrderView>
  readonly cancelAll: () => Promise<ReadonlyArray<OrderView.OrderView>>
  readonly listOrders: (options?: { readonly open?: boolean }) => Promise<ReadonlyArray<OrderView.OrderView>>
  readonly orderEvents: (orderId: number) => Promise<Effect.Success<ReturnType<typeof orderEvents>>>
  readonly quoteSpread: (
    spread: Strategy.OptionSpread,
    action?: Values.Action
  ) => Promise<Effect.Success<ReturnType<typeof quoteSpread>>>
  readonly whatIf: (input: PlaceSpreadInput) => Promise<Effect.Success<ReturnType<typeof whatIf>>>
  readonly reconcile: () => Promise<Effect.Success<ReturnType<typeof reconcile>>>
  /** Views of the order as it changes, ending once it is terminal. Breaking out of the loop unsubscribes. */
  readonly watchOrder: (orderId: number) => AsyncIterable<OrderView.OrderView>
  /** Releases the broker connection and everything else the layer holds. */
  readonly dispose: () => Promise<void>
}

/**
 * Builds a client over a layer that provides Broker and MarketData (the simulator's, or the IB adapter's), with an
 * OrderJournal layer (in memory unless given: pass @spreads/journal's for durability).
 */
export const make = async <E, E2 = never>(
  layer: Layer.Layer<Broker | MarketData, E, never>,
  journal: Layer.Layer<OrderJournal, E2, never> = InMemoryJournal.layer as Layer.Layer<OrderJournal, E2, never>
): Promise<SpreadsClient> => {
  const runtime = ManagedRuntime.make(OrderBook.layer.pipe(Layer.provideMerge(Layer.merge(layer, journal))))
  const run = async <A, X>(effect: Effect.Effect<A, X, Services>): Promise<A> => {
    const exit = await runtime.runPromiseExit(effect)
    if (Exit.isSuccess(exit)) return exit.value
    // Reject with the typed failure itself (an Error with _tag and message), else with the defect.
    const failure = Cause.findErrorOption(exit.cause)
    throw failure._tag === "Some" ? failure.value : Cause.squash(exit.cause)
  }
  const context = await runtime.context()
  return {
    nextOrderId: () => run(nextOrderId()),
    placeSpreadOrder: (input) => run(placeSpreadOrder(input)),
    getOrderStatus: (id) => run(getOrderStatus(id)),
    cancelOrder: (id) => run(cancelOrder(id)),
    modifyOrder: (id, input) => run(modifyOrder(id, input)),
    cancelAll: () => run(cancelAll()),
    listOrders: (options) => run(listOrders(options)),
    orderEvents: (id) => run(orderEvents(id)),
    quoteSpread: (spread, action) => run(quoteSpread(spread, action)),
    whatIf: (input) => run(whatIf(input)),
    reconcile: () => run(reconcile()),
    watchOrder: (id) => Stream.toAsyncIterableWith(watchOrder(id), context),
    dispose: () => runtime.dispose()
  }
}
