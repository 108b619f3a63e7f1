/**
 * Losing the link, over the wire: the TWS simulator drops the adapter's socket (or reports IB's own connectivity loss,
 * 1100 / 1101 / 1102) in the middle of a fill or of a cancel; the adapter reconnects with the same client id,
 * reconciles, and the order ends in the state the broker holds.
 */
import { assert, describe, it } from "@effect/vitest"
import { Broker, cancelOrder, OrderBook, placeSpreadOrder } from "@spreads/application"
import { type Order, Price } from "@spreads/domain"
import { SimControl } from "@spreads/sim"
import { Effect, Fiber, Option, Schedule } from "effect"
import {
  type Adapter,
  awaitConnection,
  eventually,
  listedBullCall,
  quietly,
  recordHub,
  startAdapter,
  startTws,
  testConfig
} from "./harness.ts"

const orderOf = (a: Adapter, id: number) => a.run(Effect.flatMap(OrderBook.OrderBook, (b) => b.get(id)))
const logOf = (a: Adapter, id: number) => a.run(Effect.flatMap(OrderBook.OrderBook, (b) => b.log(id)))
const until = (a: Adapter, id: number, predicate: (o: Order.Order) => boolean, ms = 4_000) =>
  Effect.gen(function* () {
    for (let i = 0; i < ms / 10; i++) {
      const o = yield* orderOf(a, id).pipe(Effect.option)
      if (Option.isSome(o) && predicate(o.value)) return o.value
      yield* Effect.sleep(10)
    }
    return yield* Effect.die(new Error(`order ${id} never got there: ${JSON.stringify(yield* logOf(a, id))}`))
  })

/** The order's log as tags, Reconciled with its status. */
const story = (a: Adapter, id: number) =>
  Effect.map(logOf(a, id), (log) => log.map((e) => (e._tag === "Reconciled" ? `Reconciled:${e.status}` : e._tag)))

describe("IbBroker: reconnect and reconcile", () => {
  it.live(
    "socket dropped in the middle of a fill: the fills made while down are recovered, the order ends Filled",
    () =>
      quietly(
        Effect.gen(function* () {
          // One combo fills every 250 ms; the adapter stays away 600 ms, so fills happen while it is gone.
          const tws = yield* startTws({ sim: { evaluationIntervalMs: 250 } })
          const control = yield* tws.sim(SimControl.SimControl)
          const a = yield* startAdapter(testConfig(tws.port, 51, { reconnect: Schedule.spaced("600 millis") }))
          const spread = yield* a.run(listedBullCall())
          yield* tws.sim(control.scriptFills({ partial: [1, 1, 1] }))
          const view = yield* a.run(
            placeSpreadOrder({ spread, action: "BUY", quantity: 3, orderType: "MARKET", orderRef: "drop-fill" })
          )
          yield* until(a, view.id, (o) => o.filled >= 1)
          yield* tws.server.dropConnection(51)
          yield* a.run(awaitConnection("Disconnected"))
          const o = yield* until(a, view.id, (o) => o.status === "Filled")
          assert.strictEqual(o.filled, 3)
          assert.strictEqual(new Set(o.fills.map((f) => f.execId)).size, 3)
          const tags = yield* story(a, view.id)
          const lost = tags.indexOf("ContactLost")
          assert.isAbove(lost, 0)
          assert.isAtLeast(tags.slice(lost).filter((t) => t === "Filled").length, 1, "fills recovered after the drop")
          // Same client id after the reconnect, and the link is back.
          assert.deepStrictEqual(
            (yield* tws.server.connections).map((c) => c.clientId),
            [51]
          )
          assert.strictEqual(yield* a.run(Effect.flatMap(Broker, (b) => b.connectionState)), "Connected")
          assert.deepStrictEqual(yield* a.session.connection.protocolErrors, [])
        })
      )
  )

  it.live("socket dropped in the middle of a cancel: after the reconnect the order is Cancelled", () =>
    quietly(
      Effect.gen(function* () {
        const tws = yield* startTws()
        const control = yield* tws.sim(SimControl.SimControl)
        const a = yield* startAdapter(testConfig(tws.port, 52, { reconnect: Schedule.spaced("500 millis") }))
        const spread = yield* a.run(listedBullCall())
        yield* tws.sim(control.scriptFills("none"))
        yield* tws.sim(control.setLatency({ cancelMs: 250 }))
        const view = yield* a.run(
          placeSpreadOrder({
            spread,
            action: "BUY",
            quantity: 1,
            orderType: "LIMIT",
            limitPrice: Price.debit("0.50"),
            orderRef: "drop-cancel"
          })
        )
        const cancelling = yield* Effect.forkChild(a.run(Effect.result(cancelOrder(view.id))))
        yield* until(a, view.id, (o) => o.status === "PendingCancel")
        yield* tws.server.dropConnection(52)
        const o = yield* until(a, view.id, (o) => o.status === "Cancelled")
        assert.strictEqual(o.filled, 0)
        const tags = yield* story(a, view.id)
        assert.include(tags, "ContactLost")
        yield* Fiber.join(cancelling)
        assert.deepStrictEqual(yield* a.run(Effect.flatMap(Broker, (b) => b.openOrders)), [])
      })
    )
  )

  it.live(
    "a reconnect while the cancel is still pending at the broker: the order lists as open, then its cancel lands",
    () =>
      quietly(
        Effect.gen(function* () {
          const tws = yield* startTws()
          const control = yield* tws.sim(SimControl.SimControl)
          const a = yield* startAdapter(testConfig(tws.port, 53, { reconnect: Schedule.spaced("50 millis") }))
          const spread = yield* a.run(listedBullCall())
          yield* tws.sim(control.scriptFills("none"))
          yield* tws.sim(control.setLatency({ cancelMs: 700 }))
          const view = yield* a.run(
            placeSpreadOrder({
              spread,
              action: "BUY",
              quantity: 1,
              orderType: "LIMIT",
              limitPrice: Price.debit("0.50"),
              orderRef: "drop-cancel-2"
            })
          )
          yield* Effect.forkChild(a.run(Effect.result(cancelOrder(view.id))))
          yield* until(a, view.id, (o) => o.status === "PendingCancel")
          yield* tws.server.dropConnection(53)
          yield* until(a, view.id, (o) => o.status === "Cancelled")
          const tags = yield* story(a, view.id)
          assert.include(tags, "Reconciled:PendingCancel")
          assert.strictEqual(tags[tags.length - 1], "Cancelled")
        })
      )
  )

  it.live("IB loses its own connectivity (1100): Degraded, commands wait; 1102 restores and reconciles", () =>
    quietly(
      Effect.gen(function* () {
        const tws = yield* startTws()
        const a = yield* startAdapter(testConfig(tws.port, 54, { commandWait: "2 seconds" }))
        const hub = yield* recordHub(a)
        const broker = yield* a.run(Broker)
        const window = yield* Effect.forkChild(
          tws.server.connectivityWindow({ lengthMs: 400, restore: "DataMaintained" })
        )
        yield* a.run(awaitConnection("Degraded"))
        const started = Date.now()
        const open = yield* broker.openOrders
        assert.deepStrictEqual(open, [])
        assert.isAtLeast(Date.now() - started, 200, "the command waited for the link")
        yield* Fiber.join(window)
        assert.strictEqual(yield* broker.connectionState, "Connected")
        yield* eventually(() => hub.some((e) => e._tag === "Reconcile"), "a reconciliation after 1102")
      })
    )
  )

  it.live("a degraded link that outlasts the command wait fails the command with NotConnected, in a sentence", () =>
    quietly(
      Effect.gen(function* () {
        const tws = yield* startTws()
        const a = yield* startAdapter(testConfig(tws.port, 55, { commandWait: "200 millis" }))
        const broker = yield* a.run(Broker)
        const window = yield* Effect.forkChild(tws.server.connectivityWindow({ lengthMs: 800, restore: "DataLost" }))
        yield* a.run(awaitConnection("Degraded"))
        const e = yield* Effect.flip(broker.cancel(999))
        assert.strictEqual(e.reason, "NotConnected")
        assert.include(e.message, "1100")
        assert.include(e.message, "was not sent")
        yield* Fiber.join(window)
        yield* a.run(awaitConnection("Connected"))
      })
    )
  )
})
