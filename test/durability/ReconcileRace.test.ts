/**
 * reconcile reads the broker's lists first and corrects statuses afterwards; live events keep arriving in between
 * (over the wire each list is a round trip). A snapshot taken before an acknowledgement must not undo it: the broker
 * answered "PendingSubmit" for its list, then acknowledged the order live, and the order stays acknowledged. The
 * state machine has the same rule for live events ("late PreSubmitted: never move backwards").
 */
import { assert, describe, it } from "@effect/vitest"
import {
  Broker,
  type BrokerEvent,
  type BrokerOrderSnapshot,
  InMemoryJournal,
  MarketData,
  OrderBook,
  OrderJournal,
  reconcile
} from "@spreads/application"
import { ComboOrder, type OrderStatus, Price, Values } from "@spreads/domain"
import { Context, Effect, Layer, PubSub, Stream } from "effect"
import { spread } from "./fixtures/scenario.ts"

const order = Values.getOrThrow(
  ComboOrder.makeComboOrder({
    spread,
    action: "BUY",
    quantity: 1,
    orderType: "LIMIT",
    limitPrice: Price.debit("0.05"),
    orderRef: "race-1"
  })
)

/**
 * A broker whose lists report order 1 as `listed`, and which publishes `live` for it while reconcile is reading
 * its executions — after the lists were taken, before any status is corrected.
 */
const brokerWith = (listed: OrderStatus.OrderStatus, live: BrokerEvent["event"], seen: () => boolean) =>
  Effect.gen(function* () {
    const pubsub = yield* PubSub.unbounded<BrokerEvent>()
    const snapshot: BrokerOrderSnapshot = { orderId: 1, orderRef: "race-1", status: listed, filled: 0, remaining: 1 }
    const never = Effect.die("not used in this test")
    return Broker.of({
      connectionState: Effect.succeed("Connected"),
      connectionChanges: Stream.make("Connected"),
      nextOrderId: never,
      qualify: () => never,
      place: () => never,
      modify: () => never,
      cancel: () => never,
      cancelAll: never,
      openOrders: Effect.succeed([snapshot]),
      completedOrders: Effect.succeed([]),
      executions: PubSub.publish(pubsub, { orderId: 1, orderRef: "race-1", event: live }).pipe(
        // The OrderBook takes the live event before the broker's answer comes back.
        Effect.andThen(Effect.repeat(Effect.yieldNow, { until: seen })),
        Effect.as([])
      ),
      whatIf: () => never,
      events: Stream.fromPubSub(pubsub)
    })
  })

const run = (listed: OrderStatus.OrderStatus, live: BrokerEvent["event"]) =>
  Effect.gen(function* () {
    let seen = false
    const journal = yield* InMemoryJournal.make
    yield* journal.append([{ orderId: 1, event: { _tag: "Created", at: 0, orderId: Values.make.orderId(1), order } }])
    yield* journal.markSent(1)
    const broker = yield* brokerWith(listed, live, () => seen)
    const services = Context.make(Broker, broker).pipe(
      Context.add(OrderJournal, journal),
      Context.add(
        MarketData,
        MarketData.of({
          quote: () => Effect.die(""),
          underlyingPrice: () => Effect.die(""),
          chain: () => Effect.die("")
        })
      )
    )
    const ctx = yield* Layer.build(OrderBook.layer.pipe(Layer.provideMerge(Layer.succeedContext(services))))
    const book = Context.get(ctx, OrderBook.OrderBook)
    yield* Effect.forkScoped(Stream.runForEach(book.changes, () => Effect.sync(() => (seen = true))))
    yield* Effect.yieldNow
    const report = yield* reconcile().pipe(Effect.provideContext(ctx))
    return { report, order: yield* book.get(1) }
  })

describe("reconcile against live events that overtake its snapshot", () => {
  it.live("an acknowledgement that lands while reconcile reads the broker is not undone by the older list", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { order: o, report } = yield* run("PendingSubmit", { _tag: "Acknowledged", at: 1, status: "Submitted" })
        assert.strictEqual(o.status, "Submitted")
        assert.strictEqual(report.statusesCorrected, 0)
      })
    )
  )

  it.live("a stale PreSubmitted in the list does not move a Submitted order back", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { order: o } = yield* run("PreSubmitted", { _tag: "Acknowledged", at: 1, status: "Submitted" })
        assert.strictEqual(o.status, "Submitted")
      })
    )
  )

  it.live("the broker's word still wins when it is ahead of ours", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { order: o, report } = yield* run("Cancelled", { _tag: "Warning", at: 1, code: 399, message: "noise" })
        assert.strictEqual(o.status, "Cancelled")
        assert.strictEqual(report.statusesCorrected, 1)
      })
    )
  )
})
