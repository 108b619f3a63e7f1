/**
 * A scripted Broker for application tests: records every call and lets the test publish broker events by hand, so
 * OrderBook and use-case behaviour can be pinned down without the simulator.
 */
import { Broker, type BrokerEvent, BrokerError, type ConnectionState, MarketData } from "@spreads/application"
import { type ComboOrder, Contract, Price, Strategy, Values } from "@spreads/domain"
import { Context, Effect, Layer, PubSub, Result, Stream, SubscriptionRef } from "effect"

export interface FakeBroker {
  readonly publish: (e: BrokerEvent) => Effect.Effect<void>
  readonly calls: Array<{ op: string; orderId?: number; order?: ComboOrder.ComboOrder }>
  readonly setConnection: (s: ConnectionState) => Effect.Effect<void>
}

/** The test's handle on the fake broker. */
export class Fake extends Context.Service<Fake, FakeBroker>()("test/Fake") {}

export const makeFake = Effect.gen(function* () {
  const pubsub = yield* PubSub.unbounded<BrokerEvent>()
  const connection = yield* SubscriptionRef.make<ConnectionState>("Connected")
  const calls: FakeBroker["calls"] = []
  let nextId = 100
  const notConnected = Effect.gen(function* () {
    const s = yield* SubscriptionRef.get(connection)
    if (s !== "Connected") return yield* new BrokerError({ reason: "NotConnected", message: "fake broker is down" })
  })
  const broker = Broker.of({
    connectionState: SubscriptionRef.get(connection),
    connectionChanges: SubscriptionRef.changes(connection),
    nextOrderId: Effect.sync(() => nextId++),
    qualify: (spread) => Effect.succeed(spread),
    place: (orderId, order) =>
      notConnected.pipe(Effect.tap(() => Effect.sync(() => calls.push({ op: "place", orderId, order })))),
    modify: (orderId, order) => Effect.sync(() => void calls.push({ op: "modify", orderId, order })),
    cancel: (orderId) => Effect.sync(() => void calls.push({ op: "cancel", orderId })),
    cancelAll: Effect.sync(() => void calls.push({ op: "cancelAll" })),
    openOrders: Effect.succeed([]),
    completedOrders: Effect.succeed([]),
    executions: Effect.succeed([]),
    whatIf: () =>
      Effect.succeed({
        initMarginChange: "500",
        maintMarginChange: "500",
        equityWithLoanAfter: "0",
        commission: "1.30",
        currency: "USD"
      }),
    events: Stream.fromPubSub(pubsub)
  })
  const md = MarketData.of({
    quote: () => Effect.succeed({ bid: Price.dec("1.00"), ask: Price.dec("1.10"), bidSize: 10, askSize: 10 }),
    underlyingPrice: () => Effect.succeed(Price.dec("212.40")),
    chain: (underlying) => Effect.succeed({ underlying, expiries: [], strikes: [] })
  })
  const control: FakeBroker = {
    publish: (e) => PubSub.publish(pubsub, e).pipe(Effect.asVoid),
    calls,
    setConnection: (s) => SubscriptionRef.set(connection, s)
  }
  return { broker, md, control }
})

/** Broker + MarketData + Fake control + in-memory journal + OrderBook. */
export const fakeLayer = Layer.effectContext(
  Effect.map(makeFake, ({ broker, md, control }) =>
    Context.make(Broker, broker).pipe(Context.add(MarketData, md), Context.add(Fake, control))
  )
)

/** A bull call 210/215 on AAPL for tests. */
export const bullCall = Result.getOrThrow(
  Strategy.makeSpread({
    strategy: "BULL_CALL",
    underlying: Values.make.underlying("AAPL"),
    expiry: Contract.expiry("2026-12-18"),
    strikes: [Price.dec("210"), Price.dec("215")]
  })
)
