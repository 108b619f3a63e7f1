import { assert, describe, it } from "@effect/vitest"
import { Broker, type BrokerExecution, type BrokerOrderSnapshot, MarketData } from "@spreads/application"
import { Price, Strategy } from "@spreads/domain"
import { SimControl } from "@spreads/sim"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { AAPL, bullCall, net, order, place, record, tags, withSim } from "./fixtures.ts"

/** Snapshots compared by value (decimals by value, not by representation). */
const orders = (xs: ReadonlyArray<BrokerOrderSnapshot>) =>
  xs.map((s) => [
    s.orderId,
    s.orderRef,
    s.permId,
    s.status,
    s.filled,
    s.remaining,
    s.order === undefined
      ? ""
      : `${Strategy.describeSpread(s.order.spread)} ${s.order.quantity} ${net(s.order.limitPrice)}`
  ])
const executions = (xs: ReadonlyArray<BrokerExecution>) =>
  xs.map((e) => [
    e.orderId,
    e.event._tag,
    e.event.execId,
    e.event.at,
    e.event.quantity,
    e.event._tag === "Filled" ? net(e.event.price) : Price.format(e.event.price)
  ])

describe("SimControl export / import", () => {
  it.effect("a snapshot survives JSON and restores orders, ids, executions, positions, the market and the time", () =>
    Effect.gen(function* () {
      const saved = yield* Effect.gen(function* () {
        const control = yield* SimControl.SimControl
        yield* control.setUnderlyingPrice("AAPL", "220.00")
        yield* place(order(bullCall(210, 215), { quantity: 2 }))
        yield* control.scriptFills({ partial: [1] }, { orders: 1 })
        yield* place(order(bullCall(210, 215), { quantity: 3, limit: Price.debit("0.50") }))
        yield* place(order(bullCall(210, 215), { limit: Price.debit("0.50"), tif: "GTC" }))
        yield* TestClock.adjust("90 seconds")
        const broker = yield* Broker
        return {
          json: JSON.parse(JSON.stringify(yield* control.exportState)) as unknown,
          now: yield* control.now,
          open: yield* broker.openOrders,
          done: yield* broker.completedOrders,
          executions: yield* broker.executions,
          spot: yield* (yield* MarketData).underlyingPrice(AAPL)
        }
      }).pipe(withSim())

      yield* Effect.gen(function* () {
        yield* TestClock.adjust("3 days")
        const control = yield* SimControl.SimControl
        const broker = yield* Broker
        yield* control.importState(saved.json)
        assert.strictEqual(yield* control.now, saved.now)
        assert.deepStrictEqual(orders(yield* broker.openOrders), orders(saved.open))
        assert.deepStrictEqual(orders(yield* broker.completedOrders), orders(saved.done))
        assert.deepStrictEqual(executions(yield* broker.executions), executions(saved.executions))
        assert.strictEqual(saved.open.length, 2)
        assert.strictEqual(saved.executions.length, 6)
        assert.strictEqual(Price.format(yield* (yield* MarketData).underlyingPrice(AAPL)), Price.format(saved.spot))
        assert.deepStrictEqual(JSON.parse(JSON.stringify(yield* control.exportState)), saved.json)
        assert.strictEqual(yield* broker.nextOrderId, 1003)
        const events = yield* record
        const [partial, gtc] = saved.open.map((s) => s.orderId)
        yield* broker.cancel(partial!)
        yield* TestClock.adjust("100 millis")
        assert.deepStrictEqual(tags(events, partial!), ["Cancelled"])
        assert.deepStrictEqual(
          (yield* broker.openOrders).map((s) => s.orderId),
          [gtc]
        )
      }).pipe(withSim())
    })
  )

  it.effect("a malformed snapshot is refused with a readable message and changes nothing", () =>
    Effect.gen(function* () {
      const control = yield* SimControl.SimControl
      const broker = yield* Broker
      yield* place(order(bullCall(210, 215), { limit: Price.debit("0.50") }))
      const error = yield* Effect.flip(control.importState({ version: 2 }))
      assert.strictEqual(error._tag, "SimStateError")
      assert.include(error.message, "not a simulator snapshot")
      assert.strictEqual((yield* broker.openOrders).length, 1)
    }).pipe(withSim())
  )
})
