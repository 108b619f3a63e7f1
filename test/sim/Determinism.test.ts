import { assert, describe, it } from "@effect/vitest"
import { Broker, type BrokerEvent } from "@spreads/application"
import { OrderEvent, Price, Values } from "@spreads/domain"
import { SimControl } from "@spreads/sim"
import { Effect, Schema } from "effect"
import { TestClock } from "effect/testing"
import { bullCall, butterfly, order, place, record, withSim } from "./fixtures.ts"

const encode = Schema.encodeSync(Schema.toCodecJson(OrderEvent.OrderEvent))
const show = (e: BrokerEvent) => `${e.orderId} ${e.permId ?? "-"} ${JSON.stringify(encode(e.event))}`

/** A busy session: size-limited market orders, resting limits, a cancel, a modify, a spot move, random latencies. */
const session = (seed: number) =>
  Effect.gen(function* () {
    const broker = yield* Broker
    const control = yield* SimControl.SimControl
    const events = yield* record
    yield* place(order(bullCall(210, 215), { quantity: 120 }))
    const inside = order(bullCall(205, 220), { quantity: 4, limit: Price.debit("5.00") })
    const b = yield* place(inside)
    const c = yield* place(order(butterfly(205, 210, 215), { quantity: 3, limit: Price.debit("0.05") }))
    yield* place(order(bullCall(210, 215), { action: "SELL", quantity: 7 }))
    yield* TestClock.adjust("3 seconds")
    yield* broker.cancel(c)
    yield* broker.modify(b, { ...inside, limitPrice: Price.debit("5.60"), quantity: Values.make.quantity(6) })
    yield* TestClock.adjust("2 minutes")
    yield* control.setUnderlyingPrice("AAPL", 214)
    yield* place(order(butterfly(205, 210, 215), { quantity: 9 }))
    yield* TestClock.adjust("30 minutes")
    return events.map(show)
  }).pipe(
    withSim({
      seed,
      ackMs: { min: 10, max: 90 },
      fillMs: { min: 50, max: 300 },
      cancelMs: { min: 20, max: 200 },
      modifyMs: { min: 20, max: 200 },
      restingFillProbability: 0.1
    })
  )

describe("determinism", () => {
  it.effect("the same seed gives the same events, byte for byte; another seed does not", () =>
    Effect.gen(function* () {
      const a = yield* session(5)
      const b = yield* session(5)
      const c = yield* session(6)
      assert.isAbove(a.length, 40)
      assert.deepStrictEqual(a, b)
      assert.notDeepEqual(a, c)
    })
  )

  it.effect("events are stamped with the time they were due, whatever the size of the clock's steps", () =>
    Effect.gen(function* () {
      const stepped = yield* Effect.gen(function* () {
        const events = yield* record
        yield* place(order(bullCall(210, 215), { quantity: 80 }))
        for (let i = 0; i < 100; i++) yield* TestClock.adjust("100 millis")
        return events.map(show)
      }).pipe(withSim({ seed: 9 }))
      const jumped = yield* Effect.gen(function* () {
        const events = yield* record
        yield* place(order(bullCall(210, 215), { quantity: 80 }))
        yield* TestClock.adjust("10 seconds")
        return events.map(show)
      }).pipe(withSim({ seed: 9 }))
      assert.deepStrictEqual(stepped, jumped)
    })
  )
})
