import { assert, describe, it } from "@effect/vitest"
import { Broker, MarketData } from "@spreads/application"
import { type ComboOrder, Order, type OrderEvent, Price, Values } from "@spreads/domain"
import { SimConfig, SimControl } from "@spreads/sim"
import { Effect, Fiber, Result, Stream } from "effect"
import { TestClock } from "effect/testing"
import { AAPL, bullCall, comboFilled, of, only, order, place, record, tags, withSim } from "./fixtures.ts"

const START = SimConfig.DEFAULT_START_TIME
const fold = (id: number, o: ComboOrder.ComboOrder, events: ReadonlyArray<OrderEvent.OrderEvent>) =>
  Result.getOrThrow(Order.fold([{ _tag: "Created", at: START, orderId: Values.make.orderId(id), order: o }, ...events]))
const statusAndCombo = (events: ReadonlyArray<OrderEvent.OrderEvent>) =>
  events.filter((e) => e._tag !== "LegFilled" && e._tag !== "CommissionReported").map((e) => e._tag)

describe("SimBroker fault injection", () => {
  it.effect("duplicateStatus: every status and combo execution twice; the domain fold is unchanged", () =>
    Effect.gen(function* () {
      const broker = yield* Broker
      const events = yield* record
      const o = order(bullCall(210, 215))
      const id = yield* place(o)
      const resting = order(bullCall(210, 215), { limit: Price.debit("0.50") })
      const r = yield* place(resting)
      yield* TestClock.adjust("1 second")
      yield* broker.cancel(r)
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(statusAndCombo(of(events, id)), ["Acknowledged", "Acknowledged", "Filled", "Filled"])
      const [f1, f2] = only(of(events, id), "Filled")
      assert.strictEqual(f1!.execId, f2!.execId)
      assert.deepStrictEqual(tags(events, r), ["Acknowledged", "Acknowledged", "Cancelled", "Cancelled"])
      assert.deepStrictEqual([fold(id, o, of(events, id)).status, fold(id, o, of(events, id)).filled], ["Filled", 1])
      assert.strictEqual(fold(r, resting, of(events, r)).status, "Cancelled")
    }).pipe(withSim({ priceMotion: 0, faults: { duplicateStatus: true } }))
  )

  it.effect("outOfOrder: a stale Submitted follows the fill and the cancellation, and changes nothing", () =>
    Effect.gen(function* () {
      const events = yield* record
      const broker = yield* Broker
      const o = order(bullCall(210, 215))
      const id = yield* place(o)
      const r = order(bullCall(210, 215), { limit: Price.debit("0.50") })
      const rid = yield* place(r)
      yield* TestClock.adjust("1 second")
      yield* broker.cancel(rid)
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(statusAndCombo(of(events, id)), ["Acknowledged", "Filled", "Acknowledged"])
      assert.strictEqual(fold(id, o, of(events, id)).status, "Filled")
      assert.deepStrictEqual(tags(events, rid), ["Acknowledged", "Cancelled", "Acknowledged"])
      assert.strictEqual(fold(rid, r, of(events, rid)).status, "Cancelled")
    }).pipe(withSim({ priceMotion: 0, faults: { outOfOrder: true } }))
  )

  it.effect("execBeforeAck: the executions arrive before the acknowledgement", () =>
    Effect.gen(function* () {
      const events = yield* record
      const o = order(bullCall(210, 215))
      const id = yield* place(o)
      yield* TestClock.adjust("50 millis")
      assert.deepStrictEqual(tags(events, id), [
        "LegFilled",
        "LegFilled",
        "Filled",
        "CommissionReported",
        "CommissionReported",
        "Acknowledged"
      ])
      assert.strictEqual(fold(id, o, of(events, id)).status, "Filled")
    }).pipe(withSim({ priceMotion: 0, faults: { execBeforeAck: true } }))
  )

  it.effect("dropAck: no acknowledgement ever comes, the fills still do", () =>
    Effect.gen(function* () {
      const events = yield* record
      const o = order(bullCall(210, 215))
      const id = yield* place(o)
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(statusAndCombo(of(events, id)), ["Filled"])
      assert.strictEqual(fold(id, o, of(events, id)).status, "Filled")
    }).pipe(withSim({ priceMotion: 0, faults: { dropAck: true } }))
  )

  it.effect("faults can be switched at run time", () =>
    Effect.gen(function* () {
      const control = yield* SimControl.SimControl
      const events = yield* record
      const a = yield* place(order(bullCall(210, 215)))
      yield* TestClock.adjust("1 second")
      yield* control.setFaults({ dropAck: true })
      const b = yield* place(order(bullCall(210, 215)))
      yield* TestClock.adjust("1 second")
      assert.strictEqual(tags(events, a)[0], "Acknowledged")
      assert.strictEqual(tags(events, b)[0], "LegFilled")
    }).pipe(withSim())
  )
})

describe("SimBroker connection", () => {
  it.effect(
    "a disconnect fails commands with NotConnected; orders keep working; reconnect replays fills then reconciles",
    () =>
      Effect.gen(function* () {
        const broker = yield* Broker
        const md = yield* MarketData
        const control = yield* SimControl.SimControl
        const events = yield* record
        const states = yield* broker.connectionChanges.pipe(
          Stream.take(3),
          Stream.runCollect,
          Effect.forkChild({ startImmediately: true })
        )
        yield* control.scriptFills({ partial: [1, 1] }, { orders: 1 })
        const o = order(bullCall(210, 215), { quantity: 2 })
        const id = yield* place(o)
        const r = order(bullCall(210, 215), { limit: Price.debit("0.50") })
        const idle = yield* place(r)
        yield* TestClock.adjust("60 millis")
        yield* control.disconnect
        assert.strictEqual(yield* broker.connectionState, "Disconnected")
        for (const failed of [
          yield* Effect.flip(broker.nextOrderId),
          yield* Effect.flip(broker.place(5000, o)),
          yield* Effect.flip(broker.cancel(id)),
          yield* Effect.flip(broker.openOrders),
          yield* Effect.flip(md.underlyingPrice(AAPL))
        ]) {
          assert.strictEqual(failed.reason, "NotConnected")
        }
        assert.deepStrictEqual(tags(events, id), ["Acknowledged", "ContactLost"])
        yield* TestClock.adjust("5 seconds")
        assert.deepStrictEqual(tags(events, id), ["Acknowledged", "ContactLost"])
        yield* control.reconnect
        assert.deepStrictEqual(statusAndCombo(of(events, id)), [
          "Acknowledged",
          "ContactLost",
          "Filled",
          "Filled",
          "Reconciled"
        ])
        assert.deepStrictEqual(of(events, idle).slice(-1), [
          { _tag: "Reconciled", at: START + 5060, status: "Submitted" }
        ])
        const folded = fold(id, o, of(events, id))
        assert.deepStrictEqual([folded.status, folded.filled], ["Filled", 2])
        assert.strictEqual(fold(idle, r, of(events, idle)).status, "Submitted")
        assert.deepStrictEqual(Array.from(yield* Fiber.join(states)), ["Connected", "Disconnected", "Connected"])
        assert.deepStrictEqual(
          (yield* broker.openOrders).map((s) => s.orderId),
          [idle]
        )
        assert.strictEqual(comboFilled(of(events, id)), 2)
        yield* broker.cancel(idle)
        yield* TestClock.adjust("100 millis")
        assert.strictEqual(tags(events, idle).at(-1), "Cancelled")
      }).pipe(withSim())
  )
})
