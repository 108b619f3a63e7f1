import { assert, describe, it } from "@effect/vitest"
import { Broker, MarketData } from "@spreads/application"
import { Order, type OrderEvent, Price, Values } from "@spreads/domain"
import { SimConfig, SimControl } from "@spreads/sim"
import { BigDecimal, Effect, Result, Stream } from "effect"
import { TestClock } from "effect/testing"
import {
  bullCall,
  butterfly,
  comboFilled,
  net,
  of,
  only,
  order,
  place,
  record,
  still,
  tags,
  withSim
} from "./fixtures.ts"

const START = SimConfig.DEFAULT_START_TIME
const sum = (xs: ReadonlyArray<Price.Decimal>) => xs.reduce((a, b) => BigDecimal.sum(a, b), Price.ZERO)

/** Folds an order's broker events through the domain, as the OrderBook would. */
const fold = (
  id: number,
  o: Parameters<typeof Order.create>[0]["order"],
  events: ReadonlyArray<OrderEvent.OrderEvent>
) =>
  Result.getOrThrow(Order.fold([{ _tag: "Created", at: START, orderId: Values.make.orderId(id), order: o }, ...events]))

describe("SimBroker order lifecycle", () => {
  it.effect("a market order: acknowledged after ackMs, filled fillMs later (legs, combo, then commissions)", () =>
    Effect.gen(function* () {
      const md = yield* MarketData
      const events = yield* record
      const spread = bullCall(210, 215)
      const o = order(spread, { quantity: 2 })
      const id = yield* place(o)
      yield* TestClock.adjust("49 millis")
      assert.deepStrictEqual(tags(events, id), [])
      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual(of(events, id), [
        { _tag: "Acknowledged", at: START + 50, status: "Submitted", permId: events[0]!.permId! }
      ])
      const lo = yield* md.quote(spread.legs[0]!.contract)
      const hi = yield* md.quote(spread.legs[1]!.contract)
      yield* TestClock.adjust("149 millis")
      assert.strictEqual(tags(events, id).length, 1)
      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual(tags(events, id), [
        "Acknowledged",
        "LegFilled",
        "LegFilled",
        "Filled",
        "CommissionReported",
        "CommissionReported"
      ])
      const [leg0, leg1] = only(of(events, id), "LegFilled")
      assert.deepStrictEqual([leg0!.action, leg0!.quantity, leg0!.legIndex, leg0!.at], ["BUY", 2, 0, START + 200])
      assert.deepStrictEqual([leg1!.action, leg1!.quantity, leg1!.legIndex], ["SELL", 2, 1])
      assert.strictEqual(leg0!.conId, spread.legs[0]!.contract.conId ?? leg0!.conId)
      assert.isTrue(Price.equals(leg0!.price, lo.ask) && Price.equals(leg1!.price, hi.bid))
      const fill = only(of(events, id), "Filled")[0]!
      assert.strictEqual(fill.quantity, 2)
      assert.strictEqual(net(fill.price), net(Price.debit(BigDecimal.subtract(lo.ask, hi.bid))))
      assert.notStrictEqual(fill.execId, leg0!.execId)
      const commissions = only(of(events, id), "CommissionReported")
      assert.deepStrictEqual(
        commissions.map((c) => [c.execId, Price.format(c.commission)]),
        [
          [leg0!.execId, "1.30"],
          [leg1!.execId, "1.30"]
        ]
      )
      const folded = fold(id, o, of(events, id))
      assert.strictEqual(folded.status, "Filled")
      assert.strictEqual(Price.format(folded.commission), "2.60")
      const broker = yield* Broker
      assert.deepStrictEqual((yield* broker.openOrders).length, 0)
      const done = yield* broker.completedOrders
      assert.deepStrictEqual(
        [done[0]!.orderId, done[0]!.status, done[0]!.filled, done[0]!.remaining],
        [id, "Filled", 2, 0]
      )
      assert.strictEqual((yield* broker.executions).length, 3)
    }).pipe(withSim())
  )

  it.effect("selling the combo takes the bid of the bought leg and pays the ask of the sold one, as a credit", () =>
    Effect.gen(function* () {
      const md = yield* MarketData
      const events = yield* record
      const spread = bullCall(210, 215)
      const id = yield* place(order(spread, { action: "SELL" }))
      const lo = yield* md.quote(spread.legs[0]!.contract)
      const hi = yield* md.quote(spread.legs[1]!.contract)
      yield* TestClock.adjust("200 millis")
      const legs = only(of(events, id), "LegFilled")
      assert.deepStrictEqual(
        legs.map((l) => l.action),
        ["SELL", "BUY"]
      )
      assert.strictEqual(
        net(only(of(events, id), "Filled")[0]!.price),
        net(Price.credit(BigDecimal.subtract(lo.bid, hi.ask)))
      )
      assert.strictEqual(Price.format(only(of(events, id), "CommissionReported")[0]!.commission), "1.00")
    }).pipe(withSim())
  )

  it.effect("market orders pay slippage in combo ticks, and the legs still add up to the combo price", () =>
    Effect.gen(function* () {
      const md = yield* MarketData
      const events = yield* record
      const spread = bullCall(210, 215)
      const id = yield* place(order(spread))
      const lo = yield* md.quote(spread.legs[0]!.contract)
      const hi = yield* md.quote(spread.legs[1]!.contract)
      yield* TestClock.adjust("200 millis")
      const fill = only(of(events, id), "Filled")[0]!
      const natural = BigDecimal.subtract(lo.ask, hi.bid)
      assert.strictEqual(net(fill.price), net(Price.debit(BigDecimal.sum(natural, Price.dec("0.03")))))
      const [a, b] = only(of(events, id), "LegFilled")
      assert.isTrue(Price.equals(BigDecimal.subtract(a!.price, b!.price), fill.price.amount))
    }).pipe(withSim({ ...still, slippageTicks: 3 }))
  )

  it.effect("a marketable limit fills at the natural price, which is better than the limit", () =>
    Effect.gen(function* () {
      const events = yield* record
      const id = yield* place(order(bullCall(210, 215), { limit: Price.debit("5.00") }))
      yield* TestClock.adjust("200 millis")
      const fill = only(of(events, id), "Filled")[0]!
      assert.strictEqual(fill.price._tag, "Debit")
      assert.isTrue(BigDecimal.isLessThan(fill.price.amount, Price.dec("5.00")))
    }).pipe(withSim())
  )

  it.effect("a limit resting inside the spread fills later, at its limit, on an evaluation tick", () =>
    Effect.gen(function* () {
      const md = yield* MarketData
      const events = yield* record
      const spread = bullCall(210, 215)
      const lo = yield* md.quote(spread.legs[0]!.contract)
      const hi = yield* md.quote(spread.legs[1]!.contract)
      const bid = BigDecimal.subtract(lo.bid, hi.ask)
      const limit = Price.debit(BigDecimal.sum(bid, Price.CENT))
      const id = yield* place(order(spread, { limit }))
      let waited = 0
      while (comboFilled(of(events, id)) === 0 && waited < 120) {
        yield* TestClock.adjust("1 second")
        waited++
      }
      const fill = only(of(events, id), "Filled")[0]!
      assert.isTrue(fill.at > START + 200, "missed at least once before filling")
      assert.strictEqual(net(fill.price), net(limit))
      assert.strictEqual((fill.at - (START + 200)) % 1000, 0)
      const legs = only(of(events, id), "LegFilled")
      assert.isTrue(Price.equals(BigDecimal.subtract(legs[0]!.price, legs[1]!.price), limit.amount))
    }).pipe(withSim({ ...still, restingFillProbability: 0.25, seed: 2 }))
  )

  it.effect("a limit below the bid waits for the market to come to it, then fills at the market", () =>
    Effect.gen(function* () {
      const control = yield* SimControl.SimControl
      const events = yield* record
      const spread = bullCall(210, 215)
      const id = yield* place(order(spread, { limit: Price.debit("0.50") }))
      yield* TestClock.adjust("10 minutes")
      assert.deepStrictEqual(tags(events, id), ["Acknowledged"])
      yield* control.setQuote(spread.legs[0]!.contract, { bid: "1.00", ask: "1.10", bidSize: 10, askSize: 10 })
      yield* control.setQuote(spread.legs[1]!.contract, { bid: "0.70", ask: "0.75", bidSize: 10, askSize: 10 })
      yield* TestClock.adjust("1 second")
      assert.strictEqual(net(only(of(events, id), "Filled")[0]?.price), "Debit 0.40")
    }).pipe(withSim({ ...still, restingFillProbability: 0 }))
  )

  it.effect(
    "an order larger than the displayed size fills in parts, each at most min(size / ratio) over the legs",
    () =>
      Effect.gen(function* () {
        const control = yield* SimControl.SimControl
        const events = yield* record
        const fly = butterfly(205, 210, 215)
        yield* control.setQuote(fly.legs[0]!.contract, { bid: "9.00", ask: "9.20", bidSize: 50, askSize: 3 })
        yield* control.setQuote(fly.legs[1]!.contract, { bid: "6.00", ask: "6.20", bidSize: 5, askSize: 50 })
        yield* control.setQuote(fly.legs[2]!.contract, { bid: "3.50", ask: "3.70", bidSize: 50, askSize: 9 })
        const o = order(fly, { quantity: 5 })
        const id = yield* place(o)
        yield* TestClock.adjust("200 millis")
        assert.deepStrictEqual(
          only(of(events, id), "Filled").map((f) => f.quantity),
          [2]
        )
        yield* TestClock.adjust("1 second")
        assert.deepStrictEqual(
          only(of(events, id), "Filled").map((f) => f.quantity),
          [2, 2]
        )
        yield* TestClock.adjust("1 second")
        const fills = only(of(events, id), "Filled")
        assert.deepStrictEqual(
          fills.map((f) => [f.quantity, f.at]),
          [
            [2, START + 200],
            [2, START + 1200],
            [1, START + 2200]
          ]
        )
        assert.deepStrictEqual(
          only(of(events, id), "LegFilled").map((l) => l.quantity),
          [2, 4, 2, 2, 4, 2, 1, 2, 1]
        )
        assert.strictEqual(net(fills[0]!.price), "Debit 0.90")
        const folded = fold(id, o, of(events, id))
        assert.deepStrictEqual([folded.status, folded.filled], ["Filled", 5])
      }).pipe(withSim())
  )

  it.effect("scripted fills: full ignores size, partial fills exactly what it lists, none never fills", () =>
    Effect.gen(function* () {
      const control = yield* SimControl.SimControl
      const events = yield* record
      const spread = bullCall(210, 215)
      yield* control.scriptFills("full", { orders: 1 })
      const full = yield* place(order(spread, { quantity: 400 }))
      yield* control.scriptFills({ partial: [1, 2] })
      const partial = yield* place(order(spread, { quantity: 5 }))
      yield* control.scriptFills("none")
      const none = yield* place(order(spread, { quantity: 1 }))
      yield* control.scriptFills("auto")
      const auto = yield* place(order(spread, { quantity: 1 }))
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(
        only(of(events, full), "Filled").map((f) => f.quantity),
        [400]
      )
      assert.deepStrictEqual(
        only(of(events, partial), "Filled").map((f) => f.quantity),
        [1, 2]
      )
      assert.deepStrictEqual(only(of(events, none), "Filled"), [])
      assert.strictEqual(comboFilled(of(events, auto)), 1)
      const open = yield* (yield* Broker).openOrders
      assert.deepStrictEqual(
        open.map((s) => [s.orderId, s.status, s.filled, s.remaining]),
        [
          [partial, "PartiallyFilled", 3, 2],
          [none, "Submitted", 0, 1]
        ]
      )
    }).pipe(withSim())
  )

  it.effect.each([
    ["default latencies", {}],
    ["zero latencies", { ackMs: 0, fillMs: 0, cancelMs: 0 }]
  ] as const)("a subscriber may call the broker from its event handler (%s)", ([, latencies]) =>
    Effect.gen(function* () {
      const broker = yield* Broker
      const events = yield* record
      const chained: Array<number> = []
      yield* Stream.runForEach(broker.events, (e) =>
        e.event._tag === "Filled" && chained.length < 3
          ? Effect.gen(function* () {
              const id = yield* broker.nextOrderId
              chained.push(id)
              yield* broker.place(id, order(bullCall(210, 215)))
              yield* broker.cancel(e.orderId)
            })
          : Effect.void
      ).pipe(Effect.forkChild({ startImmediately: true }))
      const first = yield* place(order(bullCall(210, 215)))
      yield* TestClock.adjust("5 seconds")
      assert.strictEqual(chained.length, 3)
      for (const id of [first, ...chained]) assert.strictEqual(comboFilled(of(events, id)), 1)
      assert.deepStrictEqual(tags(events, first).slice(-1), ["CancelRejected"])
      assert.strictEqual(events.filter((e) => e.event._tag === "Filled").length, 4)
    }).pipe(withSim({ ...still, ...latencies }))
  )

  it.effect("order ids are monotonic from the configured base, and a reused id is refused with 103", () =>
    Effect.gen(function* () {
      const broker = yield* Broker
      assert.strictEqual(yield* broker.nextOrderId, 500)
      assert.strictEqual(yield* broker.nextOrderId, 501)
      yield* broker.place(900, order(bullCall(210, 215)))
      assert.strictEqual(yield* broker.nextOrderId, 901)
      const dup = yield* Effect.flip(broker.place(900, order(bullCall(210, 215))))
      assert.deepStrictEqual([dup.reason, dup.code], ["Rejected", 103])
      const q = yield* broker.qualify(bullCall(210, 215))
      const again = yield* broker.qualify(bullCall(210, 215))
      assert.isTrue(q.legs.every((l) => typeof l.contract.conId === "number"))
      assert.deepStrictEqual(q, again)
      assert.notStrictEqual(q.legs[0]!.contract.conId, q.legs[1]!.contract.conId)
      assert.strictEqual(sum([]).value, 0n)
    }).pipe(withSim({ ...still, firstOrderId: 500 }))
  )
})
