/**
 * Load over the wire, on 127.0.0.1:
 * - a burst of orders submitted at once through the IB adapter to the TWS simulator, which enforces IB's 50 messages
 *   per second per client (error 100 beyond): the adapter's pacing must keep every one of them under the limit;
 * - 20 raw @stoqey/ib clients (distinct client ids) on one server placing orders at the same time: every order is
 *   acknowledged and filled, ids never collide, and no client hears another's orders.
 */
import { assert, describe, it } from "@effect/vitest"
import { Broker, placeSpreadOrder } from "@spreads/application"
import { SimControl } from "@spreads/sim"
import { IbConfig } from "@spreads/ib"
import { Effect, Stream } from "effect"
import {
  assertNo505,
  bag,
  type Client,
  connect,
  listed,
  option,
  order,
  qualify,
  startServer,
  track,
  until
} from "../tws/server-harness.ts"
import { pick, report } from "./fixtures/mode.ts"
import { compare, input } from "./fixtures/orders.ts"
import { listedSpread, ourOrders, simTruth, startAdapter, startTws } from "./fixtures/wire.ts"

const BURST = pick(150, 1_000)
const CLIENTS = 20
const ORDERS_PER_CLIENT = pick(5, 25)

describe("reliability: load over the wire", () => {
  it.live(
    `a burst of ${BURST} orders through the IB adapter stays under 50 messages/s: no error 100`,
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const tws = yield* startTws()
          // The adapter as a user gets it: default pacing, gap timeout and waits.
          const adapter = yield* startAdapter(IbConfig.makeUnsafe({ clientId: 71, port: tws.port }))
          const spread = yield* adapter.run(listedSpread())
          // Legs qualified once before the burst: the burst is then one PLACE_ORDER per order (see the report on
          // concurrent qualifications of the same legs).
          yield* adapter.run(Effect.flatMap(Broker, (b) => b.qualify(spread)))
          // Every order rests (far limit, no fills): the burst is the client's own messages, nothing else.
          yield* tws.sim(Effect.flatMap(SimControl.SimControl, (c) => c.scriptFills("none")))
          const errors: Array<{ readonly code: number; readonly message: string }> = []
          const subscription = yield* adapter.session.connection.subscribe
          yield* Effect.forkScoped(
            Stream.runForEach(Stream.fromSubscription(subscription), (e) =>
              Effect.sync(() => {
                if (e._tag === "Error" && e.code !== 2104 && e.code !== 2106 && e.code !== 2158) {
                  errors.push({ code: e.code, message: e.message })
                }
              })
            )
          )
          const refs = Array.from({ length: BURST }, (_, i) => `burst-${i}`)
          const started = Date.now()
          const placed = yield* adapter.run(
            Effect.forEach(
              refs,
              (orderRef) =>
                Effect.result(
                  placeSpreadOrder(input({ spread, action: "BUY", quantity: 1, pricing: "resting", orderRef }))
                ),
              { concurrency: "unbounded" }
            )
          )
          const seconds = (Date.now() - started) / 1000
          const failures = placed.flatMap((r) => (r._tag === "Failure" ? [r.failure.message] : []))
          const ours = yield* ourOrders(adapter, refs)
          const result = compare(refs, ours, yield* simTruth(tws))
          const pacing = errors.filter((e) => e.code === 100)
          const acknowledged = [...ours.values()].filter((o) => o.status === "Submitted").length
          report("burst through the IB adapter", {
            orders: BURST,
            seconds: Math.round(seconds * 10) / 10,
            "orders/s": Math.round((BURST / seconds) * 10) / 10,
            "error 100": pacing.length,
            "other errors": errors.length - pacing.length,
            failures: failures.length,
            acknowledged,
            "orders checked": result.checked,
            "orders lost": result.lost,
            duplicates: result.duplicates
          })
          assert.deepStrictEqual(pacing, [], "the server refused messages for pacing (error 100)")
          assert.deepStrictEqual(errors, [])
          assert.deepStrictEqual(failures.slice(0, 5), [])
          assert.strictEqual(acknowledged, BURST)
          assert.deepStrictEqual(result.mismatches.slice(0, 10), [])
          // Pacing that works cannot beat the server's limit over the whole burst.
          assert.isAtMost(BURST / seconds, 50)
        })
      ),
    pick(60_000, 120_000)
  )

  it(`${CLIENTS} clients on one server place ${ORDERS_PER_CLIENT} orders each at the same time`, async () => {
    const h = await startServer({ sim: { marketOpen: true } })
    const clients: Array<Client> = []
    try {
      const spy = await listed(h)
      const started = Date.now()
      clients.push(...(await Promise.all(Array.from({ length: CLIENTS }, (_, i) => connect(h.port, 500 + i)))))
      const connectMs = Date.now() - started
      const connections = await h.run(h.server.connections)
      assert.strictEqual(connections.length, CLIENTS)
      const runs = await Promise.all(
        clients.map(async (c) => {
          const t = track(c)
          const [lo, hi] = await qualify(c, [
            option(spy.symbol, spy.expiry, spy.atm, "C"),
            option(spy.symbol, spy.expiry, spy.at(5), "C")
          ])
          const combo = bag(spy.symbol, [
            [lo!, 1, "BUY"],
            [hi!, 1, "SELL"]
          ])
          const first = c.nextValidId()
          const ids = Array.from({ length: ORDERS_PER_CLIENT }, (_, k) => first + k)
          for (const id of ids) c.api.placeOrder(id, combo, order("BUY", 1))
          await until(
            () => ids.every((id) => t.status(id).some((s) => s.status === "Filled")),
            15_000,
            `fills of client ${c.clientId}`
          )
          return { client: c, ids, track: t }
        })
      )
      const seconds = (Date.now() - started) / 1000
      const allIds = runs.flatMap((r) => r.ids)
      assert.strictEqual(new Set(allIds).size, allIds.length, "order ids collide between clients")
      for (const r of runs) {
        // A client hears only its own orders (none of them bound the others with REQ_AUTO_OPEN_ORDERS).
        const heard = allIds.filter((id) => r.track.status(id).length > 0)
        for (const id of heard) assert.include(r.ids, id, `client ${r.client.clientId} heard order ${id}`)
        const refused = r.client.errors.filter((e) => e.code !== 399)
        assert.deepStrictEqual(refused, [], `errors of client ${r.client.clientId}`)
      }
      assertNo505(...clients)
      const truth = await h.run(
        Effect.gen(function* () {
          const broker = yield* Broker
          return [...(yield* broker.openOrders), ...(yield* broker.completedOrders)]
        })
      )
      const filled = truth.filter((o) => o.status === "Filled")
      report("20 clients on one server", {
        clients: CLIENTS,
        "orders placed": allIds.length,
        "orders filled at the broker": filled.length,
        "distinct order ids": new Set(allIds).size,
        "connect ms": connectMs,
        seconds: Math.round(seconds * 10) / 10,
        "client errors": clients.reduce((n, c) => n + c.errors.length, 0)
      })
      assert.strictEqual(filled.length, CLIENTS * ORDERS_PER_CLIENT)
    } finally {
      for (const c of clients) c.close()
      await h.close()
    }
  }, 60_000)
})
