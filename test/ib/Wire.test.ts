/**
 * The adapter over the wire: @stoqey/ib 1.6.10 talking to the TWS simulator server on 127.0.0.1 (OS-chosen port),
 * the simulated broker behind it on the live clock with tens of milliseconds of latency.
 */
import { assert, describe, it } from "@effect/vitest"
import {
  Broker,
  cancelOrder,
  InMemoryJournal,
  MarketData,
  modifyOrder,
  OrderBook,
  OrderJournal,
  placeSpreadOrder,
  reconcile,
  whatIf
} from "@spreads/application"
import { type Order, type OrderEvent, Price, type Strategy, Values } from "@spreads/domain"
import { IbBroker } from "@spreads/ib"
import { SimControl } from "@spreads/sim"
import { Effect, Layer, Option } from "effect"
import * as net from "node:net"
import { combo } from "./fixtures.ts"
import {
  type Adapter,
  eventually,
  listedBullCall,
  quietly,
  recordHub,
  startAdapter,
  startTws,
  testConfig,
  type Tws
} from "./harness.ts"

const sim = (tws: Tws) => tws.sim(SimControl.SimControl)

/** The order as the OrderBook holds it. */
const orderOf = (a: Adapter, id: number) => a.run(Effect.flatMap(OrderBook.OrderBook, (b) => b.get(id)))
const logOf = (a: Adapter, id: number) => a.run(Effect.flatMap(OrderBook.OrderBook, (b) => b.log(id)))
/** Polls the order until `predicate` holds (watchers stop at a terminal state; commissions may come after it). */
const until = (a: Adapter, id: number, predicate: (o: Order.Order) => boolean, ms = 3_000) =>
  Effect.gen(function* () {
    for (let i = 0; i < ms / 10; i++) {
      const o = yield* orderOf(a, id).pipe(Effect.option)
      if (Option.isSome(o) && predicate(o.value)) return o.value
      yield* Effect.sleep(10)
    }
    return yield* Effect.die(
      new Error(`order ${id} never got there: ${JSON.stringify(yield* logOf(a, id).pipe(Effect.option))}`)
    )
  })

/** The first event with `tag` in the order's log, waiting for it up to 3 s. */
const logEntry = (a: Adapter, id: number, tag: OrderEvent.OrderEvent["_tag"]) =>
  Effect.gen(function* () {
    for (let i = 0; i < 300; i++) {
      const found = (yield* logOf(a, id)).find((e) => e._tag === tag)
      if (found !== undefined) return found
      yield* Effect.sleep(10)
    }
    return yield* Effect.die(new Error(`order ${id} never logged ${tag}`))
  })

/** No message from the server was unreadable (the client's 505), and the OrderBook refused nothing. */
const clean = (a: Adapter) =>
  Effect.gen(function* () {
    assert.deepStrictEqual(yield* a.session.connection.protocolErrors, [])
    assert.deepStrictEqual(yield* a.run(Effect.flatMap(OrderBook.OrderBook, (b) => b.anomalies)), [])
  })

const freePort = Effect.callback<number>((resume) => {
  const server = net.createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

describe("IbBroker over the wire: connection", () => {
  it.live("connects with the fixed client id, after nextValidId, and hands out order ids above it", () =>
    quietly(
      Effect.gen(function* () {
        const tws = yield* startTws()
        const a = yield* startAdapter(testConfig(tws.port, 31))
        const broker = yield* a.run(Broker)
        assert.strictEqual(yield* broker.connectionState, "Connected")
        const first = yield* broker.nextOrderId
        assert.isAtLeast(first, 1000)
        assert.strictEqual(yield* broker.nextOrderId, first + 1)
        assert.deepStrictEqual(yield* a.session.connection.accounts, ["DU1234567"])
        const connections = yield* tws.server.connections
        assert.deepStrictEqual(
          connections.map((c) => c.clientId),
          [31]
        )
        yield* clean(a)
      })
    )
  )

  it.live("order ids stay above every id the journal has used, even ones IB never saw", () =>
    quietly(
      Effect.gen(function* () {
        const tws = yield* startTws()
        const journal = Layer.effect(
          OrderJournal,
          Effect.tap(InMemoryJournal.make, (j) =>
            j.append([
              { orderId: 5000, event: { _tag: "Created", at: 0, orderId: Values.make.orderId(5000), order: combo() } }
            ])
          )
        )
        const a = yield* startAdapter(testConfig(tws.port, 30), { journal })
        assert.isAbove(yield* a.run(Effect.flatMap(Broker, (b) => b.nextOrderId)), 5000)
      })
    )
  )

  it.live("a client id already in use is refused (326) with a sentence saying so", () =>
    quietly(
      Effect.gen(function* () {
        const tws = yield* startTws()
        yield* startAdapter(testConfig(tws.port, 32))
        const e = yield* Effect.flip(startAdapter(testConfig(tws.port, 32)))
        assert.deepInclude(e, { _tag: "BrokerError", reason: "NotConnected" })
        assert.include(e.message, "client id 32 is already in use")
      })
    )
  )

  it.live("raw settings are validated when the layer is built", () =>
    quietly(
      Effect.gen(function* () {
        const e = yield* Effect.flip(Layer.build(IbBroker.layer({ clientId: 1, port: 0 })))
        assert.deepInclude(e, { _tag: "ValidationError", field: "port" })
      })
    )
  )

  it.live("nothing listening: NotConnected naming host and port", () =>
    quietly(
      Effect.gen(function* () {
        const port = yield* freePort
        const e = yield* Effect.flip(startAdapter(testConfig(port, 33, { connectTimeout: "1 second" })))
        assert.deepInclude(e, { _tag: "BrokerError", reason: "NotConnected" })
        assert.include(e.message, `127.0.0.1:${port}`)
      })
    )
  )
})

describe("IbBroker over the wire: contracts and market data", () => {
  it.live("qualifies each leg (never the BAG) and caches the conIds", () =>
    quietly(
      Effect.gen(function* () {
        const tws = yield* startTws()
        const a = yield* startAdapter(testConfig(tws.port, 34))
        const spread = yield* a.run(listedBullCall())
        const hub = yield* recordHub(a)
        const broker = yield* a.run(Broker)
        const q = yield* broker.qualify(spread)
        assert.isTrue(q.legs.every((l) => typeof l.contract.conId === "number" && l.contract.conId > 0))
        assert.notStrictEqual(q.legs[0]!.contract.conId, q.legs[1]!.contract.conId)
        const asked = () => hub.filter((e) => e._tag === "ContractDetailsEnd").length
        yield* eventually(() => asked() === 2, "two contract-details answers")
        const again = yield* broker.qualify(spread)
        assert.deepStrictEqual(again, q)
        yield* Effect.sleep(50)
        assert.strictEqual(asked(), 2)
      })
    )
  )

  it.live("concurrent placements of a spread not qualified yet share one contract-details request per leg", () =>
    quietly(
      Effect.gen(function* () {
        const tws = yield* startTws()
        const a = yield* startAdapter(testConfig(tws.port, 39))
        const spread = yield* a.run(listedBullCall())
        const hub = yield* recordHub(a)
        const views = yield* a.run(
          Effect.forEach(
            [1, 2, 3, 4, 5],
            (i) =>
              placeSpreadOrder({ spread, action: "BUY", quantity: 1, orderType: "MARKET", orderRef: `shared-q-${i}` }),
            { concurrency: "unbounded" }
          )
        )
        assert.strictEqual(new Set(views.map((v) => v.id)).size, 5)
        assert.isTrue(views.every((v) => v.legs.every((l) => typeof l.conId === "number" && l.conId > 0)))
        yield* Effect.sleep(50)
        const asked = new Set(hub.flatMap((e) => (e._tag === "ContractDetailsEnd" ? [e.reqId] : [])))
        assert.strictEqual(asked.size, 2, "one contract-details request per leg, whatever the number of placements")
      })
    )
  )

  it.live("a leg IB does not list fails NoSecurityDefinition, naming the leg", () =>
    quietly(
      Effect.gen(function* () {
        const tws = yield* startTws()
        const a = yield* startAdapter(testConfig(tws.port, 35))
        const spread = yield* a.run(listedBullCall())
        const bad: Strategy.OptionSpread = {
          ...spread,
          legs: [
            spread.legs[0]!,
            { ...spread.legs[1]!, contract: { ...spread.legs[1]!.contract, strike: Price.dec("9999") } }
          ]
        }
        const e = yield* Effect.flip(a.run(Effect.flatMap(Broker, (b) => b.qualify(bad))))
        assert.strictEqual(e.reason, "NoSecurityDefinition")
        assert.include(e.message, "leg 2 (SPY")
        assert.include(e.message, "9999.00 C")
      })
    )
  )

  it.live("quotes an option with sizes and greeks, prices the underlying, lists the chain", () =>
    quietly(
      Effect.gen(function* () {
        const tws = yield* startTws()
        const a = yield* startAdapter(testConfig(tws.port, 36))
        const spread = yield* a.run(listedBullCall())
        const md = yield* a.run(MarketData)
        const q = yield* md.quote(spread.legs[0]!.contract)
        assert.isAtMost(Number(Price.format(q.bid)), Number(Price.format(q.ask)))
        assert.isAbove(Number(Price.format(q.ask)), 0)
        assert.isAbove(q.bidSize, 0)
        assert.isAbove(q.askSize, 0)
        assert.isDefined(q.greeks)
        const spot = yield* md.underlyingPrice(spread.underlying)
        assert.isAbove(Number(Price.format(spot)), 0)
        const chain = yield* md.chain(spread.underlying, spread.legs[0]!.contract.expiry)
        assert.isTrue(chain.strikes.some((k) => Price.equals(k, spread.legs[0]!.contract.strike)))
        yield* clean(a)
      })
    )
  )
})

describe("IbBroker over the wire: orders", () => {
  it.live("places a combo: acknowledged, leg fills and the combo fill kept apart, commissions", () =>
    quietly(
      Effect.gen(function* () {
        const tws = yield* startTws()
        const a = yield* startAdapter(testConfig(tws.port, 37))
        const spread = yield* a.run(listedBullCall())
        const view = yield* a.run(
          placeSpreadOrder({ spread, action: "BUY", quantity: 2, orderType: "MARKET", orderRef: "wire-fill" })
        )
        assert.include(["PreSubmitted", "Submitted", "PartiallyFilled", "Filled"], view.status)
        const o = yield* until(a, view.id, (o) => o.status === "Filled" && o.commission.value > 0n)
        assert.strictEqual(o.filled, 2)
        assert.strictEqual(o.fills.length, 1)
        assert.strictEqual(o.fills[0]!.quantity, 2)
        assert.strictEqual(o.fills[0]!.price._tag, "Debit")
        assert.deepStrictEqual(o.legFills.map((l) => [l.legIndex, l.conId, l.action, l.quantity]).sort(), [
          [0, o.combo.spread.legs[0]!.contract.conId, "BUY", 2],
          [1, o.combo.spread.legs[1]!.contract.conId, "SELL", 2]
        ])
        assert.isDefined(o.permId)
        yield* clean(a)
      })
    )
  )

  it.live("partial fills of a SELL are credits at IB's signed price", () =>
    quietly(
      Effect.gen(function* () {
        const tws = yield* startTws()
        const control = yield* sim(tws)
        yield* tws.sim(control.scriptFills({ partial: [1, 1] }))
        const a = yield* startAdapter(testConfig(tws.port, 38))
        const spread = yield* a.run(listedBullCall())
        const view = yield* a.run(
          placeSpreadOrder({ spread, action: "SELL", quantity: 2, orderType: "MARKET", orderRef: "wire-sell" })
        )
        const o = yield* until(a, view.id, (o) => o.status === "Filled")
        assert.deepStrictEqual(
          o.fills.map((f) => [f.quantity, f.price._tag]),
          [
            [1, "Credit"],
            [1, "Credit"]
          ]
        )
        yield* clean(a)
      })
    )
  )

  it.live("cancel: confirmed (Cancelled, then 202); a cancel of a filled order is refused (10148)", () =>
    quietly(
      Effect.gen(function* () {
        const tws = yield* startTws()
        const control = yield* sim(tws)
        const a = yield* startAdapter(testConfig(tws.port, 39))
        const spread = yield* a.run(listedBullCall())
        yield* tws.sim(control.scriptFills("none"))
        const resting = yield* a.run(
          placeSpreadOrder({
            spread,
            action: "BUY",
            quantity: 1,
            orderType: "LIMIT",
            limitPrice: Price.debit("0.50"),
            orderRef: "wire-cancel"
          })
        )
        const result = yield* a.run(cancelOrder(resting.id))
        assert.strictEqual(result.outcome, "Cancelled")
        assert.strictEqual((yield* orderOf(a, resting.id)).status, "Cancelled")

        yield* tws.sim(control.scriptFills("full"))
        const filled = yield* a.run(
          placeSpreadOrder({ spread, action: "BUY", quantity: 1, orderType: "MARKET", orderRef: "wire-filled" })
        )
        yield* until(a, filled.id, (o) => o.status === "Filled")
        yield* a.run(Effect.flatMap(Broker, (b) => b.cancel(filled.id)))
        assert.deepInclude(yield* logEntry(a, filled.id, "CancelRejected"), { code: 10148 })
        assert.strictEqual((yield* orderOf(a, filled.id)).status, "Filled")
        yield* clean(a)
      })
    )
  )

  it.live(
    "modify: the new price and quantity are confirmed under the same id; IB refuses one of a filled order (104)",
    () =>
      quietly(
        Effect.gen(function* () {
          const tws = yield* startTws()
          const control = yield* sim(tws)
          const a = yield* startAdapter(testConfig(tws.port, 40))
          const spread = yield* a.run(listedBullCall())
          yield* tws.sim(control.scriptFills("none"))
          const view = yield* a.run(
            placeSpreadOrder({
              spread,
              action: "BUY",
              quantity: 2,
              orderType: "LIMIT",
              limitPrice: Price.debit("0.50"),
              orderRef: "wire-modify"
            })
          )
          const modified = yield* a.run(modifyOrder(view.id, { limitPrice: Price.debit("0.55"), quantity: 3 }))
          assert.strictEqual(modified.status, "Submitted")
          assert.strictEqual(modified.quantity, 3)
          const o = yield* orderOf(a, view.id)
          assert.isTrue(o.limitPrice !== undefined && Price.equals(o.limitPrice.amount, Price.dec("0.55")))
          assert.isTrue((yield* logOf(a, view.id)).some((e) => e._tag === "Modified"))

          yield* tws.sim(control.scriptFills("full"))
          const filled = yield* a.run(
            placeSpreadOrder({ spread, action: "BUY", quantity: 1, orderType: "MARKET", orderRef: "wire-filled-2" })
          )
          const done = yield* until(a, filled.id, (o) => o.status === "Filled")
          yield* a.run(
            Effect.flatMap(Broker, (b) => b.modify(filled.id, { ...done.combo, quantity: Values.make.quantity(2) }))
          )
          assert.deepInclude(yield* logEntry(a, filled.id, "ModifyRejected"), { code: 104 })
          assert.strictEqual((yield* orderOf(a, filled.id)).status, "Filled")
          yield* clean(a)
        })
      )
  )

  it.live("a rejection reaches the caller with IB's code", () =>
    quietly(
      Effect.gen(function* () {
        const tws = yield* startTws()
        const control = yield* sim(tws)
        const a = yield* startAdapter(testConfig(tws.port, 41))
        const spread = yield* a.run(listedBullCall())
        yield* tws.sim(control.rejectNext({ code: 201, reason: "insufficient margin" }))
        const e = yield* Effect.flip(
          a.run(placeSpreadOrder({ spread, action: "BUY", quantity: 1, orderType: "MARKET", orderRef: "wire-reject" }))
        )
        assert.strictEqual(e._tag, "OrderRejected")
        if (e._tag === "OrderRejected") {
          assert.strictEqual(e.code, 201)
          assert.include(e.reason, "insufficient margin")
        }
      })
    )
  )

  it.live("what-if: margin and commission come back, nothing is placed", () =>
    quietly(
      Effect.gen(function* () {
        const tws = yield* startTws()
        const a = yield* startAdapter(testConfig(tws.port, 42))
        const spread = yield* a.run(listedBullCall())
        const preview = yield* a.run(
          whatIf({ spread, action: "BUY", quantity: 1, orderType: "LIMIT", limitPrice: Price.debit("1.00") })
        )
        assert.isAbove(Number(preview.initMarginChange), 0)
        assert.isAbove(Number(preview.commission), 0)
        assert.strictEqual(preview.currency, "USD")
        assert.deepStrictEqual(yield* a.run(Effect.flatMap(Broker, (b) => b.openOrders)), [])
        yield* clean(a)
      })
    )
  )

  it.live("open orders, executions and completed orders for reconciliation; the reconcile use case agrees", () =>
    quietly(
      Effect.gen(function* () {
        const tws = yield* startTws()
        const control = yield* sim(tws)
        const a = yield* startAdapter(testConfig(tws.port, 43))
        const spread = yield* a.run(listedBullCall())
        const filled = yield* a.run(
          placeSpreadOrder({ spread, action: "BUY", quantity: 1, orderType: "MARKET", orderRef: "rec-filled" })
        )
        yield* until(a, filled.id, (o) => o.status === "Filled")
        yield* tws.sim(control.scriptFills("none"))
        const resting = yield* a.run(
          placeSpreadOrder({
            spread,
            action: "BUY",
            quantity: 1,
            orderType: "LIMIT",
            limitPrice: Price.debit("0.50"),
            orderRef: "rec-open"
          })
        )
        const broker = yield* a.run(Broker)
        const open = yield* broker.openOrders
        assert.deepStrictEqual(
          open.map((s) => [s.orderId, s.orderRef, s.status, s.filled, s.remaining]),
          [[resting.id, "rec-open", "Submitted", 0, 1]]
        )
        const executions = yield* broker.executions
        assert.deepStrictEqual(executions.map((x) => [x.orderId, x.orderRef, x.event._tag]).sort(), [
          [filled.id, "rec-filled", "Filled"],
          [filled.id, "rec-filled", "LegFilled"],
          [filled.id, "rec-filled", "LegFilled"]
        ])
        const completed = yield* broker.completedOrders
        assert.deepStrictEqual(
          completed.map((s) => [s.orderId, s.status]),
          [[filled.id, "Filled"]]
        )
        const report = yield* a.run(reconcile())
        assert.strictEqual(report.statusesCorrected, 0)
        yield* clean(a)
      })
    )
  )

  it.live(
    "after a restart, the leg executions of an order an earlier session placed are read with the journal's legs",
    () =>
      quietly(
        Effect.gen(function* () {
          const tws = yield* startTws()
          const journal = Layer.succeedContext(yield* Layer.build(InMemoryJournal.layer))
          const placed = yield* Effect.scoped(
            Effect.gen(function* () {
              const first = yield* startAdapter(testConfig(tws.port, 46), { journal })
              const spread = yield* first.run(listedBullCall())
              const view = yield* first.run(
                placeSpreadOrder({
                  spread,
                  action: "BUY",
                  quantity: 1,
                  orderType: "MARKET",
                  orderRef: "before-restart"
                })
              )
              return yield* until(first, view.id, (o) => o.status === "Filled" && o.commission.value > 0n)
            })
          )
          const second = yield* startAdapter(testConfig(tws.port, 46), { journal })
          const executions = yield* second.run(Effect.flatMap(Broker, (b) => b.executions))
          assert.deepStrictEqual(
            executions
              .map((x) => [x.orderId, x.orderRef, x.event._tag, x.event._tag === "LegFilled" ? x.event.legIndex : -1])
              .sort(),
            [
              [placed.orderId, "before-restart", "Filled", -1],
              [placed.orderId, "before-restart", "LegFilled", 0],
              [placed.orderId, "before-restart", "LegFilled", 1]
            ]
          )
          assert.isTrue(executions.every((x) => x.event.commission !== undefined))
          yield* clean(second)
        })
      )
  )

  it.live(
    "a quirky TWS (executions before openOrder, duplicate statuses, no Submitted for combos) still folds cleanly",
    () =>
      quietly(
        Effect.gen(function* () {
          const tws = yield* startTws({
            server: {
              quirks: { executionsBeforeOpenOrder: true, duplicateOrderStatus: true, noSubmittedForCombos: true }
            }
          })
          const a = yield* startAdapter(testConfig(tws.port, 44))
          const spread = yield* a.run(listedBullCall())
          const view = yield* a.run(
            placeSpreadOrder({ spread, action: "BUY", quantity: 2, orderType: "MARKET", orderRef: "quirky" })
          )
          const o = yield* until(a, view.id, (o) => o.status === "Filled")
          assert.deepStrictEqual([o.filled, o.fills.length, o.legFills.length], [2, 1, 2])
          yield* clean(a)
        })
      )
  )

  it.live("pacing: a burst of 60 requests never trips the server's 50 messages/s", () =>
    quietly(
      Effect.gen(function* () {
        const tws = yield* startTws()
        const a = yield* startAdapter(testConfig(tws.port, 45))
        const hub = yield* recordHub(a)
        const broker = yield* a.run(Broker)
        const started = Date.now()
        yield* Effect.forEach(Array.from({ length: 60 }), () => broker.executions, {
          concurrency: "unbounded",
          discard: true
        })
        const elapsed = Date.now() - started
        assert.isFalse(
          hub.some((e) => e._tag === "Error" && e.code === 100),
          "the server reported pacing (100)"
        )
        // 5 at once, then 40 per second: the 60th goes out after about (60 - 5) / 40 s.
        assert.isAtLeast(elapsed, 1_100)
        yield* clean(a)
      })
    )
  )
})
