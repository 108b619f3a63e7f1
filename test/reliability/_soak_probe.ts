import {
  awaitOrder,
  cancelOrder,
  getOrderStatus,
  InMemoryJournal,
  OrderBook,
  OrderJournal,
  placeSpreadOrder,
  Settings
} from "@spreads/application"
import { SqliteJournal } from "@spreads/journal"
import { SimBroker } from "@spreads/sim"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { heapUsed } from "./fixtures/heap.ts"
import { input, SPREADS } from "./fixtures/orders.ts"

const which = process.argv[2] ?? "sqlite"
const N = Number(process.argv[3] ?? 5000)
const nullJournal = Layer.succeed(
  OrderJournal,
  OrderJournal.of({
    append: () => Effect.void,
    markSent: () => Effect.void,
    loadOrder: () => Effect.succeed(undefined),
    loadAll: Effect.succeed([]),
    unsent: Effect.succeed([]),
    findByRef: () => Effect.succeed(undefined),
    highestOrderId: Effect.succeed(0)
  })
)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "probe-"))
const journal =
  which === "sqlite"
    ? SqliteJournal.layer({ path: path.join(dir, "x.db") })
    : which === "mem"
      ? InMemoryJournal.layer
      : nullJournal
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
        historyLimit: 500
      }),
      journal
    )
  ),
  Layer.provideMerge(Settings.layer({ retainFinishedOrders: 500, risk: { maxOpenOrders: 1e6 } }))
)
const lifecycle = (i: number) =>
  Effect.gen(function* () {
    const resting = process.argv[4] === "cancel" ? i % 5 === 4 : false
    const view = yield* placeSpreadOrder(
      input({
        spread: SPREADS[i % 4]!,
        action: i % 2 === 0 ? "BUY" : "SELL",
        quantity: 1,
        pricing: resting ? "resting" : "market",
        orderRef: `p-${i}`
      })
    )
    if (resting) {
      yield* cancelOrder(view.id)
      return
    }
    yield* awaitOrder(view.id, (o) => o.status === "Filled", 5_000)
    yield* getOrderStatus(view.id)
  })
await Effect.runPromise(
  Effect.gen(function* () {
    const t = Date.now()
    const C = Number(process.argv[5] ?? 1)
    for (let b = 0; b < N; b += N / 20) {
      yield* Effect.forEach(
        Array.from({ length: N / 20 }, (_, k) => b + k),
        lifecycle,
        { concurrency: C, discard: true }
      )
      if (process.env.ADV) yield* TestClock.adjust("61 seconds")
      console.log(b + N / 20, process.env.NOGC ? 0 : (heapUsed() / 1048576).toFixed(1), Date.now() - t)
    }
  }).pipe(Effect.provide(layer), Effect.provide(process.env.TC ? TestClock.layer() : Layer.empty))
)
fs.rmSync(dir, { recursive: true, force: true })
