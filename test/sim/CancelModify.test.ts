import { assert, describe, it } from "@effect/vitest"
import { Broker } from "@spreads/application"
import { Order, type OrderEvent, Price, Values, type ComboOrder } from "@spreads/domain"
import { SimConfig, SimControl } from "@spreads/sim"
import { Effect, Result } from "effect"
import { TestClock } from "effect/testing"
import { bullCall, comboFilled, net, of, only, order, place, record, tags, withSim } from "./fixtures.ts"

const START = SimConfig.DEFAULT_START_TIME
const fold = (id: number, o: ComboOrder.ComboOrder, events: ReadonlyArray<OrderEvent.OrderEvent>) =>
  Result.getOrThrow(Order.fold([{ _tag: "Created", at: START, orderId: Values.make.orderId(id), order: o }, ...events]))

/** The app journals ModifyRequested before it asks the broker: put it in front of the broker's answer. */
const requested = (
  events: ReadonlyArray<OrderEvent.OrderEvent>,
  quantity: number
): ReadonlyArray<OrderEvent.OrderEvent> => {
  const i = events.findIndex((e) => e._tag === "Modified")
  const ask: OrderEvent.OrderEvent = {
    _tag: "ModifyRequested",
    at: events[i]!.at,
    quantity: Values.make.quantity(quantity)
  }
  return [...events.slice(0, i), ask, ...events.slice(i)]
}

/** A resting order that never fills by itself. */
const resting = (quantity = 1) => order(bullCall(210, 215), { quantity, limit: Price.debit("0.50") })

describe("SimBroker cancel", () => {
  it.effect("reports nothing at once and Cancelled (api false, no reason) after cancelMs", () =>
    Effect.gen(function* () {
      const broker = yield* Broker
      const events = yield* record
      const id = yield* place(resting())
      yield* TestClock.adjust("1 second")
      yield* broker.cancel(id)
      assert.strictEqual((yield* broker.openOrders)[0]!.status, "PendingCancel")
      yield* TestClock.adjust("99 millis")
      assert.deepStrictEqual(tags(events, id), ["Acknowledged"])
      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual(of(events, id)[1], { _tag: "Cancelled", at: START + 1100, reason: "", api: false })
      yield* broker.cancel(id)
      yield* TestClock.adjust("1 second")
      const rejected = only(of(events, id), "CancelRejected")
      assert.deepStrictEqual(
        rejected.map((r) => r.code),
        [10148]
      )
      assert.include(rejected[0]!.reason, "Cancelled")
      assert.strictEqual((yield* broker.completedOrders)[0]!.status, "Cancelled")
    }).pipe(withSim())
  )

  it.effect(
    "a cancel that lands before the acknowledgement is an API cancel, and the order is never acknowledged",
    () =>
      Effect.gen(function* () {
        const broker = yield* Broker
        const control = yield* SimControl.SimControl
        const events = yield* record
        yield* control.setLatency({ cancelMs: 10 })
        const o = resting()
        const id = yield* place(o)
        yield* broker.cancel(id)
        yield* TestClock.adjust("1 second")
        assert.deepStrictEqual(of(events, id), [{ _tag: "Cancelled", at: START + 10, reason: "", api: true }])
        assert.strictEqual(fold(id, o, of(events, id)).status, "ApiCancelled")
      }).pipe(withSim())
  )

  it.effect("a repeated cancel is answered once; unknown ids get 10147 and filled orders 10148", () =>
    Effect.gen(function* () {
      const broker = yield* Broker
      const events = yield* record
      const id = yield* place(resting())
      const filled = yield* place(order(bullCall(210, 215)))
      yield* TestClock.adjust("1 second")
      yield* broker.cancel(id)
      yield* broker.cancel(id)
      yield* broker.cancel(4242)
      yield* broker.cancel(filled)
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(tags(events, id), ["Acknowledged", "Cancelled"])
      const unknown = events.filter((e) => e.orderId === 4242)
      assert.strictEqual(unknown.length, 1)
      assert.deepStrictEqual(unknown[0]!.event, {
        _tag: "CancelRejected",
        at: START + 1100,
        code: 10147,
        reason: "OrderId 4242 that needs to be cancelled is not found."
      })
      assert.deepStrictEqual(
        only(of(events, filled), "CancelRejected").map((r) => [r.code, r.reason]),
        [[10148, `OrderId ${filled} that needs to be cancelled can not be cancelled, state: Filled.`]]
      )
    }).pipe(withSim())
  )

  it.effect("a fill can land while the cancel is pending: the order ends partially filled then cancelled", () =>
    Effect.gen(function* () {
      const broker = yield* Broker
      const events = yield* record
      const o = resting(3)
      const id = yield* place(o)
      yield* TestClock.adjust("1 second")
      yield* broker.cancel(id)
      yield* TestClock.adjust("50 millis")
      assert.deepStrictEqual(
        only(of(events, id), "Filled").map((f) => [f.quantity, f.at]),
        [[1, START + 1050]]
      )
      yield* TestClock.adjust("50 millis")
      const folded = fold(id, o, of(events, id))
      assert.deepStrictEqual([folded.status, folded.filled], ["Cancelled", 1])
      assert.isTrue(Order.isPartiallyFilledThenCancelled(folded))
    }).pipe(withSim({ priceMotion: 0, faults: { fillDuringPendingCancel: true } }))
  )

  it.effect("a fill that completes the order during the pending cancel wins; the cancel is refused with 10148", () =>
    Effect.gen(function* () {
      const broker = yield* Broker
      const events = yield* record
      const o = resting(3)
      const id = yield* place(o)
      yield* TestClock.adjust("1 second")
      yield* broker.cancel(id)
      yield* TestClock.adjust("100 millis")
      assert.deepStrictEqual(
        tags(events, id).filter((t) => t !== "LegFilled" && t !== "CommissionReported"),
        ["Acknowledged", "Filled", "CancelRejected"]
      )
      assert.deepStrictEqual([fold(id, o, of(events, id)).status, comboFilled(of(events, id))], ["Filled", 3])
    }).pipe(withSim({ priceMotion: 0, faults: { fillDuringPendingCancel: "rest" } }))
  )

  it.effect("cancelAll cancels every open order", () =>
    Effect.gen(function* () {
      const broker = yield* Broker
      const events = yield* record
      const a = yield* place(resting())
      const b = yield* place(resting())
      yield* TestClock.adjust("1 second")
      yield* broker.cancelAll
      yield* TestClock.adjust("100 millis")
      assert.deepStrictEqual(
        [tags(events, a), tags(events, b)],
        [
          ["Acknowledged", "Cancelled"],
          ["Acknowledged", "Cancelled"]
        ]
      )
      assert.deepStrictEqual(yield* broker.openOrders, [])
    }).pipe(withSim())
  )
})

describe("SimBroker modify", () => {
  it.effect("replaces the terms after modifyMs; a now-marketable limit fills fillMs later", () =>
    Effect.gen(function* () {
      const broker = yield* Broker
      const events = yield* record
      const o = resting(2)
      const id = yield* place(o)
      yield* TestClock.adjust("1 second")
      const better = { ...o, limitPrice: Price.debit("4.00"), quantity: Values.make.quantity(3) }
      yield* broker.modify(id, better)
      yield* TestClock.adjust("99 millis")
      assert.deepStrictEqual(tags(events, id), ["Acknowledged"])
      yield* TestClock.adjust("1 millis")
      const [modified] = only(of(events, id), "Modified")
      assert.deepStrictEqual(
        [modified?.at, modified?.quantity, net(modified?.limitPrice)],
        [START + 1100, 3, "Debit 4.00"]
      )
      yield* TestClock.adjust("150 millis")
      assert.strictEqual(only(of(events, id), "Filled")[0]?.at, START + 1250)
      const folded = fold(id, o, requested(of(events, id), 3))
      assert.deepStrictEqual([folded.status, folded.quantity], ["Filled", 3])
    }).pipe(withSim())
  )

  it.effect("cutting the quantity down to what is filled completes the order", () =>
    Effect.gen(function* () {
      const broker = yield* Broker
      const control = yield* SimControl.SimControl
      const events = yield* record
      yield* control.scriptFills({ partial: [2] })
      const o = resting(5)
      const id = yield* place(o)
      yield* TestClock.adjust("1 second")
      yield* broker.modify(id, { ...o, quantity: Values.make.quantity(2) })
      yield* TestClock.adjust("100 millis")
      assert.deepStrictEqual(fold(id, o, requested(of(events, id), 2)).status, "Filled")
      assert.deepStrictEqual(
        (yield* broker.completedOrders).map((s) => [s.status, s.filled, s.remaining]),
        [["Filled", 2, 0]]
      )
    }).pipe(withSim())
  )

  it.effect("refuses with 104 (filled or unknown), 105 (other legs), 110 (off tick) and 201 (below filled)", () =>
    Effect.gen(function* () {
      const broker = yield* Broker
      const control = yield* SimControl.SimControl
      const events = yield* record
      const filled = yield* place(order(bullCall(210, 215)))
      yield* control.scriptFills({ partial: [2] }, { orders: 1 })
      const o = resting(5)
      const id = yield* place(o)
      yield* TestClock.adjust("1 second")
      yield* broker.modify(filled, order(bullCall(210, 215)))
      yield* broker.modify(777, o)
      yield* broker.modify(id, { ...o, spread: bullCall(210, 220) })
      yield* broker.modify(id, { ...o, limitPrice: Price.debit("0.505") })
      yield* broker.modify(id, { ...o, quantity: Values.make.quantity(1) })
      yield* TestClock.adjust("100 millis")
      const codes = events
        .filter((e) => e.event._tag === "ModifyRejected")
        .map((e) => [e.orderId, e.event._tag === "ModifyRejected" ? e.event.code : 0])
      assert.deepStrictEqual(codes, [
        [filled, 104],
        [777, 104],
        [id, 105],
        [id, 110],
        [id, 201]
      ])
      assert.strictEqual(fold(id, o, of(events, id)).status, "PartiallyFilled")
    }).pipe(withSim())
  )
})
