/**
 * Journal benchmarks: durable appends per second, batched in transactions of 100 and 1000 events against one event
 * per transaction, at synchronous=NORMAL and FULL; and the time to recover a journal (open + loadAll + fold every
 * order) against folding the same events in memory. Quick: 20,000 events recovered; full: 1,000,000.
 * Goals: journal.append (transactions of 100) >= 20,000 events/s; journal.recover of 1,000,000 events <= 10 s.
 * Every journal lives in a fresh temp folder, removed afterwards.
 * The appends are timed side by side, one tinybench task per configuration (see stats.ts): each sample appends to a
 * fresh journal, opened (and its batches built) before and closed and removed after, outside the timing. Recovery is
 * timed side by side with the fold alone, whose sample folds orders loaded beforehand, outside its timing. Rates are
 * the count over the median sample; the warm-up (first block) appends at most 2,000 events.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { JournalEntry } from "@spreads/application"
import { ComboOrder, Contract, Order, type OrderEvent, Price, Strategy, Values } from "@spreads/domain"
import { SqliteJournal } from "@spreads/journal"
import { Effect, Exit, Scope } from "effect"
import type { Metric } from "./run.ts"
import { compare, medianRate, rateSpread, spreadOf, type Task, type Timing } from "./stats.ts"

const EVENTS_PER_ORDER = 20

const combo = (orderRef: string): ComboOrder.ComboOrder =>
  Values.getOrThrow(
    ComboOrder.makeComboOrder({
      spread: Values.getOrThrow(
        Strategy.makeSpread({
          strategy: "BULL_CALL",
          underlying: Values.make.underlying("AAPL"),
          expiry: Contract.expiry("2026-12-18"),
          strikes: [Price.dec("150"), Price.dec("155")]
        })
      ),
      action: "BUY",
      quantity: EVENTS_PER_ORDER,
      orderType: "LIMIT",
      limitPrice: Price.debit("2.85"),
      orderRef
    })
  )

/** The `i`-th event of a journal made of orders of 20 events: Created, Acknowledged, then fills of one contract. */
export const entryAt = (i: number): JournalEntry => {
  const orderId = Math.floor(i / EVENTS_PER_ORDER) + 1
  const step = i % EVENTS_PER_ORDER
  const at = 1_767_225_600_000 + i
  const event: OrderEvent.OrderEvent =
    step === 0
      ? { _tag: "Created", at, orderId: Values.make.orderId(orderId), order: combo(`bench-${orderId}`) }
      : step === 1
        ? { _tag: "Acknowledged", at, status: "Submitted", permId: 1_000_000 + orderId }
        : {
            _tag: "Filled",
            at,
            execId: Values.make.execId(`0001f4e8.${orderId}.${step}`),
            quantity: Values.make.quantity(1),
            price: Price.debit(`2.${80 + (step % 10)}`),
            commission: Price.dec("0.65")
          }
  return { orderId, event }
}

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "spreads-bench-journal-"))
const removeDir = (dir: string) => fs.rmSync(dir, { recursive: true, force: true })

/** Opens a journal in `scope`. */
const open = (scope: Scope.Closeable, file: string, synchronous: "NORMAL" | "FULL") =>
  Effect.runPromise(Scope.provide(scope)(SqliteJournal.make({ path: file, synchronous })))

/** A task that appends `total` events in transactions of `perTx` to a fresh journal (2,000 at most in warm-up). */
const appendTask = (name: string, total: number, perTx: number, synchronous: "NORMAL" | "FULL"): Task => {
  let current: { dir: string; scope: Scope.Closeable; append: Effect.Effect<void, unknown> } | undefined
  return {
    name,
    beforeEach: async (phase) => {
      const dir = tempDir()
      const scope = await Effect.runPromise(Scope.make())
      const journal = await open(scope, path.join(dir, "journal.db"), synchronous)
      const count = phase === "warmup" ? Math.min(total, 2_000) : total
      const batches: Array<Array<JournalEntry>> = []
      for (let i = 0; i < count; i += perTx)
        batches.push(Array.from({ length: Math.min(perTx, count - i) }, (_, k) => entryAt(i + k)))
      current = { dir, scope, append: Effect.forEach(batches, (batch) => journal.append(batch), { discard: true }) }
    },
    fn: () => Effect.runPromise(current!.append),
    afterEach: async () => {
      if (current === undefined) return
      await Effect.runPromise(Scope.close(current.scope, Exit.void))
      removeDir(current.dir)
      current = undefined
    }
  }
}

const foldAll = (orders: ReadonlyArray<{ readonly events: ReadonlyArray<OrderEvent.OrderEvent> }>) => {
  let filled = 0
  for (const o of orders) {
    const r = Order.foldLenient(o.events)
    if (r._tag === "Success") filled += r.success.order.filled
  }
  return filled
}

/** Writes `total` events, then times open + loadAll + fold of every order side by side with the fold alone. */
const recovery = async (total: number, blocks: number) => {
  const dir = tempDir()
  try {
    const file = path.join(dir, "journal.db")
    await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const journal = yield* SqliteJournal.make({ path: file })
          for (let i = 0; i < total; i += 1000) {
            yield* journal.append(Array.from({ length: Math.min(1000, total - i) }, (_, k) => entryAt(i + k)))
          }
        })
      )
    )
    const loadAll = () =>
      Effect.runPromise(Effect.scoped(Effect.flatMap(SqliteJournal.make({ path: file }), (j) => j.loadAll)))
    const check = (orders: ReadonlyArray<{ readonly events: ReadonlyArray<OrderEvent.OrderEvent> }>) => {
      const events = orders.reduce((n, o) => n + o.events.length, 0)
      if (events !== total) throw new Error(`recovered ${events} of ${total} events`)
    }
    const filledBy = new Set<number>()
    let recovered: Awaited<ReturnType<typeof loadAll>> | undefined
    let loaded: Awaited<ReturnType<typeof loadAll>> | undefined
    const [recover, fold] = (await compare(
      [
        {
          name: "recover",
          fn: async () => {
            recovered = await loadAll()
            filledBy.add(foldAll(recovered))
          },
          afterEach: () => {
            if (recovered !== undefined) check(recovered)
            recovered = undefined
          }
        },
        {
          name: "fold",
          beforeEach: async () => {
            loaded = await loadAll()
            check(loaded)
          },
          fn: () => filledBy.add(foldAll(loaded!)),
          afterEach: () => {
            loaded = undefined
          }
        }
      ],
      { blocks, iterationsPerBlock: 1 }
    )) as [Timing, Timing]
    if (filledBy.size !== 1) throw new Error("recovery and the fold alone disagree on the filled quantity")
    return { recover, fold }
  } finally {
    removeDir(dir)
  }
}

/** Runs the journal benchmarks: each rate is the median of 3 samples, taken side by side with what it is compared to. */
export async function run(opts: { quick: boolean }): Promise<ReadonlyArray<Metric>> {
  const n = opts.quick
    ? { single: 2_000, batched: 20_000, fullSingle: 500, fullBatched: 20_000, recover: 20_000 }
    : { single: 20_000, batched: 200_000, fullSingle: 5_000, fullBatched: 200_000, recover: 1_000_000 }
  const blocks = 3

  const [single, by100, by1000, fullSingle, full100] = (await compare(
    [
      appendTask("1 per tx, NORMAL", n.single, 1, "NORMAL"),
      appendTask("100 per tx, NORMAL", n.batched, 100, "NORMAL"),
      appendTask("1000 per tx, NORMAL", n.batched, 1000, "NORMAL"),
      appendTask("1 per tx, FULL", n.fullSingle, 1, "FULL"),
      appendTask("100 per tx, FULL", n.fullBatched, 100, "FULL")
    ],
    { blocks, iterationsPerBlock: 1 }
  )) as [Timing, Timing, Timing, Timing, Timing]
  const { recover, fold } = await recovery(n.recover, blocks)

  const rate = (name: string, t: Timing, events: number, comparedTo: string, base: [Timing, number] | null) => ({
    name,
    value: Math.round(medianRate(t, events)),
    unit: "events/s",
    spread: rateSpread(t, events),
    comparedTo,
    ratio: base === null ? null : medianRate(t, events) / medianRate(base[0], base[1])
  })
  const count = n.recover.toLocaleString("en-US")
  const seconds = (ms: number) => (ms / 1000).toFixed(2)
  const secondsSpread = (t: Timing) => spreadOf(t, (ms) => ms, seconds, " s")
  const recoverS = recover.median / 1000
  const projectedS = (recoverS * 1_000_000) / n.recover
  const appendRate100 = medianRate(by100, n.batched)
  return [
    rate("journal append, 1 event per transaction (synchronous=NORMAL)", single, n.single, "baseline", null),
    {
      ...rate("journal.append", by100, n.batched, "1 event per transaction", [single, n.single]),
      unit: "events/s in transactions of 100 (synchronous=NORMAL)",
      goal: ">= 20,000/s",
      met: appendRate100 >= 20_000
    },
    rate("journal append, 1000 events per transaction (NORMAL)", by1000, n.batched, "1 event per transaction", [
      single,
      n.single
    ]),
    rate("journal append, 1 event per transaction (synchronous=FULL)", fullSingle, n.fullSingle, "baseline", null),
    rate(
      "journal append, 100 events per transaction (FULL)",
      full100,
      n.fullBatched,
      "1 event per transaction (FULL)",
      [fullSingle, n.fullSingle]
    ),
    {
      name: "journal.recover",
      value: recoverS,
      // The goal is for 1,000,000 events: a quick run recovers fewer and is judged on its linear projection.
      unit:
        n.recover === 1_000_000
          ? `s to recover ${count} events (open + loadAll + fold)`
          : `s to recover ${count} events (open + loadAll + fold; 1,000,000 projected: ${projectedS.toFixed(1)} s)`,
      spread: secondsSpread(recover),
      comparedTo: `folding the same events in memory: median ${seconds(fold.median)} s (${secondsSpread(fold)})`,
      ratio: recover.median / fold.median,
      goal: "<= 10 s",
      met: projectedS <= 10
    },
    rate(`journal recovery rate (${count} events)`, recover, n.recover, "baseline", null)
  ]
}
