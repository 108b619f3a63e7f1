/**
 * sim.lifecycle: full place -> ack -> fill -> status lifecycles per second through the use cases on the in-process
 * simulator (zero latencies, 64 in flight), against the same event sequence folded through the pure domain alone.
 * The ratio is the use-case overhead (goal: <= 5x), the rate the throughput (goal: >= 50,000/s).
 * Each sample is one batch of lifecycles (20,000; quick: 2,000), timed side by side with a batch of folds (see
 * stats.ts); every use-case sample runs on a fresh runtime built and disposed outside the timing, so the in-memory
 * journal and order book of one sample do not weigh on the next. The rate is the batch over the median sample.
 *
 * acceptance.virtual is measured in features (see acceptance.bench.ts).
 */
import {
  awaitOrder,
  getOrderStatus,
  InMemoryJournal,
  OrderBook,
  placeSpreadOrder,
  Settings
} from "@spreads/application"
import { Order, type OrderEvent } from "@spreads/domain"
import { SimBroker } from "@spreads/sim"
import { Effect, Layer, ManagedRuntime, Result } from "effect"
import { bullCall } from "./fixtures.ts"
import type { Metric } from "./run.ts"
import { compare, medianRate, rateSpread, type Timing } from "./stats.ts"

const spread = bullCall

const instant = { ackMs: 0, fillMs: 0, cancelMs: 0, modifyMs: 0 }

/** One lifecycle through the public use cases. */
const lifecycle = Effect.gen(function* () {
  const placed = yield* placeSpreadOrder({ spread, action: "BUY", quantity: 1, orderType: "MARKET" })
  yield* awaitOrder(placed.id, (o) => o.status === "Filled", 5_000)
  const view = yield* getOrderStatus(placed.id)
  if (view.status !== "Filled") return yield* Effect.die(new Error(`expected Filled, got ${view.status}`))
  return placed.id
})

// Zero latencies: every reply is due at once, so no clock needs to move (the sim's own start time keeps its market
// open). The OrderBook and the simulator run exactly as in production.
const makeRuntime = () =>
  ManagedRuntime.make(
    OrderBook.layer.pipe(
      Layer.provideMerge(
        Layer.merge(SimBroker.layer({ ...instant, historyLimit: 100, priceMotion: 0 }), InMemoryJournal.layer)
      ),
      Layer.provideMerge(Settings.layer({ risk: { maxOpenOrders: 1_000, maxContractsPerOrder: 100 } }))
    )
  )

export const run = async ({ quick }: { quick: boolean }): Promise<ReadonlyArray<Metric>> => {
  const n = quick ? 2_000 : 20_000
  const blocks = quick ? 2 : 4
  const iterationsPerBlock = quick ? 2 : 3
  // The event history of one real lifecycle, to fold through the pure domain the same number of times.
  const first = makeRuntime()
  const events: ReadonlyArray<OrderEvent.OrderEvent> = await first.runPromise(
    Effect.gen(function* () {
      const id = yield* lifecycle
      return yield* (yield* OrderBook.OrderBook).log(id)
    })
  )
  await first.dispose()

  let runtime: ReturnType<typeof makeRuntime> | undefined
  // Many lifecycles in flight at once, as a busy trading system has them: the simulator's zero-latency replies still
  // cross a timer hop, which concurrency amortises.
  const useCases = async () => {
    await runtime!.runPromise(
      Effect.forEach(Array.from({ length: n }), () => lifecycle, { concurrency: 64, discard: true })
    )
  }
  const pure = () => {
    for (let i = 0; i < n; i++) {
      const r = Order.fold(events)
      if (Result.isFailure(r) || r.success.status !== "Filled") throw new Error("pure fold did not fill")
    }
  }
  const [uc, fold] = (await compare(
    [
      {
        name: "use cases",
        fn: useCases,
        beforeEach: async () => {
          runtime = makeRuntime()
          await runtime.context()
        },
        afterEach: async () => {
          await runtime?.dispose()
          runtime = undefined
        }
      },
      { name: "pure fold", fn: pure }
    ],
    { blocks, iterationsPerBlock }
  )) as [Timing, Timing]
  const rate = medianRate(uc, n)
  const ratio = uc.median / fold.median
  return [
    {
      name: "sim.lifecycle",
      value: rate,
      unit: "lifecycles/s",
      spread: rateSpread(uc, n),
      comparedTo: `pure domain fold of the same ${events.length} events (${Math.round(medianRate(fold, n)).toLocaleString("en-US")}/s, ${rateSpread(fold, n)})`,
      ratio,
      goal: ">= 50,000/s; overhead <= 5x",
      met: rate >= 50_000 && ratio <= 5
    }
  ]
}
