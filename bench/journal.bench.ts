/**
 * Journal benchmarks: durable appends per second, batched in transactions of 100 and 1000 events against one event
 * per transaction, at synchronous=NORMAL and FULL; and the time to recover a journal (open + loadAll + fold every
 * order) against folding the same events in memory. Quick: 20,000 events recovered; full: 1,000,000.
 * Goals: journal.append (transactions of 100) >= 20,000 events/s; journal.recover of 1,000,000 events <= 10 s.
 * Every journal lives in a fresh temp folder, removed afterwards.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { JournalEntry } from "@spreads/application"
import { ComboOrder, Contract, Order, type OrderEvent, Price, Strategy, Values } from "@spreads/domain"
import { SqliteJournal } from "@spreads/journal"
import { Effect } from "effect"
import type { Metric } from "./run.ts"

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

const withTempDir = async <A>(f: (dir: string) => Promise<A>): Promise<A> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spreads-bench-journal-"))
  try {
    return await f(dir)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** Appends `total` events in transactions of `perTx` to a fresh journal; returns events per second. */
const appendRate = (total: number, perTx: number, synchronous: "NORMAL" | "FULL") =>
  withTempDir(async (dir) => {
    const program = Effect.scoped(
      Effect.gen(function* () {
        const journal = yield* SqliteJournal.make({ path: path.join(dir, "journal.db"), synchronous })
        const batches: Array<Array<JournalEntry>> = []
        for (let i = 0; i < total; i += perTx)
          batches.push(Array.from({ length: Math.min(perTx, total - i) }, (_, k) => entryAt(i + k)))
        const started = performance.now()
        for (const batch of batches) yield* journal.append(batch)
        return total / ((performance.now() - started) / 1000)
      })
    )
    return Effect.runPromise(program)
  })

/** Writes `total` events, then times open + loadAll + fold of every order, and the fold alone, `repeats` times. */
const recovery = (total: number, repeats: number) =>
  withTempDir(async (dir) => {
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
    const foldAll = (orders: ReadonlyArray<{ readonly events: ReadonlyArray<OrderEvent.OrderEvent> }>) => {
      let filled = 0
      for (const o of orders) {
        const r = Order.foldLenient(o.events)
        if (r._tag === "Success") filled += r.success.order.filled
      }
      return filled
    }
    const recoverMs: Array<number> = []
    const foldMs: Array<number> = []
    for (let r = 0; r < repeats; r++) {
      const started = performance.now()
      const orders = await Effect.runPromise(
        Effect.scoped(Effect.flatMap(SqliteJournal.make({ path: file }), (j) => j.loadAll))
      )
      const filled = foldAll(orders)
      recoverMs.push(performance.now() - started)
      const foldStarted = performance.now()
      const again = foldAll(orders)
      foldMs.push(performance.now() - foldStarted)
      const events = orders.reduce((n, o) => n + o.events.length, 0)
      if (events !== total || again !== filled) throw new Error(`recovered ${events} of ${total} events`)
    }
    return { recoverMs, foldMs }
  })

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}
const spread = (xs: ReadonlyArray<number>): string =>
  `${Math.round(Math.min(...xs)).toLocaleString("en-US")}-${Math.round(Math.max(...xs)).toLocaleString("en-US")}`

/** Runs the journal benchmarks: each rate is the median of 3 runs, interleaved with what it is compared to. */
export async function run(opts: { quick: boolean }): Promise<ReadonlyArray<Metric>> {
  const n = opts.quick
    ? { single: 2_000, batched: 20_000, fullSingle: 500, fullBatched: 20_000, recover: 20_000 }
    : { single: 20_000, batched: 200_000, fullSingle: 5_000, fullBatched: 200_000, recover: 1_000_000 }
  const repeats = 3
  await appendRate(2_000, 100, "NORMAL") // warm-up: JIT, schema compilation

  const runs = { single: [] as Array<number>, by100: [] as Array<number>, by1000: [] as Array<number> }
  const full = { single: [] as Array<number>, by100: [] as Array<number> }
  for (let r = 0; r < repeats; r++) {
    runs.single.push(await appendRate(n.single, 1, "NORMAL"))
    runs.by100.push(await appendRate(n.batched, 100, "NORMAL"))
    runs.by1000.push(await appendRate(n.batched, 1000, "NORMAL"))
    full.single.push(await appendRate(n.fullSingle, 1, "FULL"))
    full.by100.push(await appendRate(n.fullBatched, 100, "FULL"))
  }
  const { recoverMs, foldMs } = await recovery(n.recover, repeats)

  const rate = (name: string, xs: ReadonlyArray<number>, comparedTo: string, base: ReadonlyArray<number> | null) => ({
    name,
    value: Math.round(median(xs)),
    unit: "events/s",
    spread: spread(xs),
    comparedTo,
    ratio: base === null ? null : median(xs) / median(base)
  })
  const count = n.recover.toLocaleString("en-US")
  const seconds = (ms: number) => (ms / 1000).toFixed(2)
  const secondsSpread = (xs: ReadonlyArray<number>) => `${seconds(Math.min(...xs))}-${seconds(Math.max(...xs))} s`
  const recoverRates = recoverMs.map((ms) => n.recover / (ms / 1000))
  const recoverS = median(recoverMs) / 1000
  const projectedS = (recoverS * 1_000_000) / n.recover
  const appendRate100 = median(runs.by100)
  return [
    rate("journal append, 1 event per transaction (synchronous=NORMAL)", runs.single, "baseline", null),
    {
      ...rate("journal.append", runs.by100, "1 event per transaction", runs.single),
      unit: "events/s in transactions of 100 (synchronous=NORMAL)",
      goal: ">= 20,000/s",
      met: appendRate100 >= 20_000
    },
    rate("journal append, 1000 events per transaction (NORMAL)", runs.by1000, "1 event per transaction", runs.single),
    rate("journal append, 1 event per transaction (synchronous=FULL)", full.single, "baseline", null),
    rate(
      "journal append, 100 events per transaction (FULL)",
      full.by100,
      "1 event per transaction (FULL)",
      full.single
    ),
    {
      name: "journal.recover",
      value: recoverS,
      // The goal is for 1,000,000 events: a quick run recovers fewer and is judged on its linear projection.
      unit:
        n.recover === 1_000_000
          ? `s to recover ${count} events (open + loadAll + fold)`
          : `s to recover ${count} events (open + loadAll + fold; 1,000,000 projected: ${projectedS.toFixed(1)} s)`,
      spread: secondsSpread(recoverMs),
      comparedTo: `folding the same events in memory: median ${seconds(median(foldMs))} s (${secondsSpread(foldMs)})`,
      ratio: median(recoverMs) / median(foldMs),
      goal: "<= 10 s",
      met: projectedS <= 10
    },
    rate(`journal recovery rate (${count} events)`, recoverRates, "baseline", null)
  ]
}
