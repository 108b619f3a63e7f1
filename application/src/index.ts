/**
 * @spreads/application — the ports (Broker, MarketData, OrderJournal), the OrderBook, and the use cases that are the
 * library's public API. Depends on @spreads/domain and effect only.
 *
 * Wire it with an adapter layer that provides Broker, MarketData and OrderJournal, plus `OrderBook.layer`:
 * `Effect.provide(OrderBook.layer.pipe(Layer.provideMerge(SimBroker.layer())))`.
 * @module
 */
export * from "./Errors.ts"
export * as InMemoryJournal from "./InMemoryJournal.ts"
export * as OrderBook from "./OrderBook.ts"
export * from "./ports/Broker.ts"
export * from "./ports/MarketData.ts"
export * from "./ports/OrderJournal.ts"
export * as Risk from "./Risk.ts"
export * as Settings from "./Settings.ts"
export * as SpreadsClient from "./Facade.ts"
export { traced } from "./Tracing.ts"
export * as Wakeups from "./Wakeups.ts"
export { cancelAll, type CancelOutcome, cancelOrder, type CancelResult } from "./usecases/CancelOrder.ts"
export { type ModifyInput, modifyOrder } from "./usecases/ModifyOrder.ts"
export {
  newOrderRef,
  type PlaceError,
  type PlaceSpreadInput,
  placeSpreadOrder,
  requireConnected,
  validateOrder
} from "./usecases/PlaceSpreadOrder.ts"
export { getOrderStatus, listOrders, nextOrderId, orderEvents, watchAll, watchOrder } from "./usecases/Queries.ts"
export { quoteSpread, type SpreadQuote } from "./usecases/QuoteSpread.ts"
export { reconcile, type ReconcileReport } from "./usecases/Reconcile.ts"
export { awaitOrder } from "./usecases/Waiting.ts"
export { whatIf } from "./usecases/WhatIf.ts"
