/**
 * Soak: a long run of order lifecycles through the use cases on the in-process simulator (zero latencies, so the run
 * is bound by the library, not by waiting), journaled to a real SQLite file, with the heap read at intervals after a
 * full collection. Finished orders leave memory (the OrderBook keeps Settings.retainFinishedOrders of them, the
 * simulator its historyLimit), so once those windows are full the heap must stay flat: no growth trend beyond a bound.
 */
import { assert, describe, it } from "@effect/vitest"
import { awaitOrder, cancelOrder, getOrderStatus, OrderBook, placeSpreadOrder, Settings } from "@spreads/application"
import { SqliteJournal } from "@spreads/journal"
import { SimBroker } from "@spreads/sim"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { gcExposed, heapUsed, mib, slope } from "./fixtures/heap.ts"
import { pick, report } from "./fixtures/mode.ts"
import { input, SPREADS } from "./fixtures/orders.ts"
import { noRiskLimits } from "./fixtures/wire.ts"

const ORDERS = pick(10_000, 100_000)
const SAMPLES = 20
const RETAIN = 500

/** One lifecycle: four in five are market orders that fill; the fifth rests at a far limit and is cancelled. */
const lifecycle = (i: number) =>
  Effect.gen(function* () {
    const resting = i % 5 === 4
    const view = yield* placeSpreadOrder(
      input({
        spread: SPREADS[i % SPREADS.length]!,
        action: i % 2 === 0 ? "BUY" : "SELL",
        quantity: 1 + (i % 3),
        pricing: resting ? "resting" : "market",
        orderRef: `soak-${i}`
      })
    )
    if (resting) {
      const r = yield* cancelOrder(view.id)
      if (r.outcome !== "Cancelled") return yield* Effect.die(new Error(`order ${view.id}: cancel ended ${r.outcome}`))
      return "Cancelled" as const
    }
    yield* awaitOrder(view.id, (o) => o.status === "Filled", 5_000)
    const done = yield* getOrderStatus(view.id)
    if (done.status !== "Filled") return yield* Effect.die(new Error(`order ${view.id} ended ${done.status}`))
    return "Filled" as const
  })

describe("reliability: soak on the in-process simulator", () => {
  it.effect(
    `${ORDERS.toLocaleString("en-US")} orders: every one completes and the heap stays flat`,
    () =>
      Effect.gen(function* () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spreads-soak-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
        const layer = OrderBook.layer.pipe(
          Layer.provideMerge(
            Layer.mergeAll(
              SimBroker.layer({
                ackMs: 0,
                fillMs: 0,
                cancelMs: 0,
                modifyMs: 0,
                priceMotion: 0,
                partialFills: false,
                marketOpen: true,
                historyLimit: RETAIN
              }),
              SqliteJournal.layer({ path: path.join(dir, "soak.db") })
            )
          ),
          Layer.provideMerge(Settings.layer({ retainFinishedOrders: RETAIN, risk: noRiskLimits }))
        )
        const { samples, counts, millis } = yield* Effect.gen(function* () {
          const counts = { Filled: 0, Cancelled: 0 }
          const samples: Array<{ readonly orders: number; readonly heap: number; readonly rss: number }> = []
          const every = ORDERS / SAMPLES
          const started = Date.now()
          for (let i = 0; i < ORDERS; i++) {
            counts[yield* lifecycle(i)]++
            if ((i + 1) % every === 0) {
              // Time passes between readings as it would in a real session: the simulator's timers of finished orders
              // (re-evaluations due at the next minute) run out, as they do on a live clock.
              yield* TestClock.adjust("61 seconds")
              samples.push({ orders: i + 1, heap: heapUsed(), rss: process.memoryUsage().rss })
            }
          }
          const inMemory = (yield* (yield* OrderBook.OrderBook).list).length
          assert.isAtMost(inMemory, RETAIN, "the OrderBook keeps only the retained finished orders in memory")
          return { samples, counts, millis: Date.now() - started }
        }).pipe(Effect.provide(layer))

        // The first quarter fills the retention windows (book, simulator history, caches); the rest must be flat.
        const steady = samples.slice(Math.floor(SAMPLES / 4))
        const perOrder = slope(
          steady.map((s) => s.orders),
          steady.map((s) => s.heap)
        )
        const heaps = steady.map((s) => s.heap)
        const growth = heaps[heaps.length - 1]! - heaps[0]!
        const span = steady[steady.length - 1]!.orders - steady[0]!.orders
        report("soak", {
          orders: ORDERS,
          filled: counts.Filled,
          cancelled: counts.Cancelled,
          "orders/s": Math.round(ORDERS / (millis / 1000)),
          "heap samples": samples.length,
          "gc before each sample": gcExposed ? "yes" : "no",
          "heap first MiB": mib(samples[0]!.heap),
          "heap min MiB (steady)": mib(Math.min(...heaps)),
          "heap max MiB (steady)": mib(Math.max(...heaps)),
          "heap last MiB": mib(heaps[heaps.length - 1]!),
          "trend bytes/order (steady)": Math.round(perOrder * 10) / 10,
          "rss last MiB": mib(samples[samples.length - 1]!.rss)
        })
        assert.strictEqual(counts.Filled + counts.Cancelled, ORDERS)
        // A leak of even one small object per order is hundreds of bytes per order; a flat heap wobbles by far less.
        assert.isBelow(perOrder, 64, `the heap grows by ${perOrder.toFixed(1)} bytes per order once steady`)
        assert.isBelow(growth, Math.max(16 * 1024 * 1024, span * 64), "heap growth over the steady part of the run")
      }).pipe(Effect.scoped),
    pick(60_000, 600_000)
  )
})
