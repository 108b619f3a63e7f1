/**
 * Side-by-side timing on tinybench. {@link compare} runs the candidates in `blocks` tinybench runs, one after another,
 * the task order alternating per block (A, B, then B, A, ...), with tinybench's warm-up in the first block only; so
 * drift and noise on a shared machine hit every candidate alike, and the ratio of their medians holds even when the
 * absolute times do not. Each iteration's setup and teardown (tinybench's beforeEach/afterEach) run outside the timed
 * region, and by default every sample starts from a collected heap (`globalThis.gc`; bench runs with `--expose-gc`), so
 * no sample pays for another's garbage. The samples of each task are pooled across blocks; the figures are their median, p99,
 * min, max and mean, with a printable spread that says what it is (min-max of N samples).
 */
import { Bench } from "tinybench"

/** Where a hook is called: in tinybench's warm-up (first block only) or in a timed run. */
export type Phase = "warmup" | "run"

/** One candidate. `fn` is the timed region (awaited when it returns a promise); the hooks run around each iteration. */
export interface Task {
  readonly name: string
  readonly fn: () => unknown
  /** Runs before each iteration, outside the timing; the heap is collected after it, just before `fn`. */
  readonly beforeEach?: (phase: Phase) => Promise<void> | void
  /** Runs after each iteration, outside the timing. */
  readonly afterEach?: (phase: Phase) => Promise<void> | void
}

/** How many samples {@link compare} takes. */
export interface CompareOptions {
  /** tinybench runs, one after another; the task order alternates per block (as given, reversed, as given, ...). */
  readonly blocks: number
  /** Timed iterations of each task in each block (exactly this many: the time budget is zero). */
  readonly iterationsPerBlock: number
  /** Warm-up iterations of each task, in the first block only (default 1; 0 for none). */
  readonly warmupIterations?: number
  /**
   * Collect the heap before each sample (default true). Off for samples of a millisecond or so, which a full
   * collection before each would time on cold caches rather than spare from garbage.
   */
  readonly collectBetween?: boolean
}

/** The pooled timed samples of one task, in milliseconds. */
export interface Timing {
  readonly name: string
  readonly median: number
  readonly p99: number
  readonly min: number
  readonly max: number
  readonly mean: number
  /** Number of timed samples (blocks x iterationsPerBlock). */
  readonly count: number
  /** The samples, sorted ascending. */
  readonly samples: ReadonlyArray<number>
  /** e.g. "min-max 1.23-4.56 ms of 12 samples". */
  readonly spread: string
}

const collect: () => void = (globalThis as { gc?: () => void }).gc ?? (() => {})

/** The `q` quantile (0..1) of sorted samples, interpolated linearly between neighbours (as tinybench does). */
export const quantile = (sorted: ReadonlyArray<number>, q: number): number => {
  const at = (sorted.length - 1) * q
  const lo = Math.floor(at)
  const hi = Math.ceil(at)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo)
}

/**
 * The spread of a timing in another unit: `convert` maps milliseconds to the unit (a rate maps the slowest sample to
 * the lowest value), `format` prints a value, `unit` follows the pair. E.g. "min-max 19,400-22,900/s of 12 samples".
 */
export const spreadOf = (
  t: Timing,
  convert: (ms: number) => number,
  format: (value: number) => string,
  unit: string
): string => {
  const [lo, hi] = [convert(t.min), convert(t.max)].sort((a, b) => a - b) as [number, number]
  return `min-max ${format(lo)}-${format(hi)}${unit} of ${t.count} samples`
}

/** Units per second at the median, when one sample handles `perSample` units. */
export const medianRate = (t: Timing, perSample: number): number => perSample / (t.median / 1000)

/** The spread of the rate when one sample handles `perSample` units, e.g. "min-max 19,400-22,900/s of 12 samples". */
export const rateSpread = (t: Timing, perSample: number): string =>
  spreadOf(
    t,
    (ms) => perSample / (ms / 1000),
    (v) => Math.round(v).toLocaleString("en-US"),
    "/s"
  )

const msDigits = (ms: number) => (ms >= 100 ? 0 : ms >= 10 ? 1 : 2)

/**
 * Times the tasks side by side: `blocks` tinybench runs of `iterationsPerBlock` timed iterations of each task, the
 * order alternating per block, warm-up (`warmupIterations` of each) in the first block. Returns one {@link Timing} per
 * task, in the order given. A task that throws (in `fn` or a hook) fails the comparison.
 */
export const compare = async (
  tasks: ReadonlyArray<Task>,
  { blocks, iterationsPerBlock, warmupIterations = 1, collectBetween = true }: CompareOptions
): Promise<ReadonlyArray<Timing>> => {
  if (blocks < 1 || iterationsPerBlock < 1) throw new Error("compare needs at least one block and one iteration")
  if (new Set(tasks.map((t) => t.name)).size !== tasks.length) throw new Error("compare needs distinct task names")
  const pooled = new Map<string, Array<number>>(tasks.map((t) => [t.name, []]))
  for (let block = 0; block < blocks; block++) {
    const bench = new Bench({
      name: `block ${block + 1} of ${blocks}`,
      iterations: iterationsPerBlock,
      time: 0,
      warmup: block === 0 && warmupIterations > 0,
      warmupIterations,
      warmupTime: 0,
      retainSamples: true,
      throws: true
    })
    for (const task of block % 2 === 0 ? tasks : [...tasks].reverse()) {
      bench.add(task.name, task.fn, {
        // Always awaited: tinybench would otherwise call `fn` once, outside the hooks, to find out whether it is async.
        async: true,
        beforeEach: async (phase) => {
          await task.beforeEach?.(phase ?? "run")
          if (collectBetween) collect()
        },
        afterEach: async (phase) => {
          await task.afterEach?.(phase ?? "run")
        }
      })
    }
    for (const done of await bench.run()) {
      const result = done.result
      if (result.state !== "completed") throw new Error(`bench task ${done.name} ended ${result.state}`)
      const samples = result.latency.samples
      if (samples === undefined || samples.length !== iterationsPerBlock)
        throw new Error(`bench task ${done.name}: expected ${iterationsPerBlock} samples`)
      pooled.get(done.name)!.push(...samples)
    }
  }
  return tasks.map((task) => {
    const samples = [...pooled.get(task.name)!].sort((a, b) => a - b)
    const min = samples[0]!
    const max = samples.at(-1)!
    const digits = msDigits(min)
    return {
      name: task.name,
      median: quantile(samples, 0.5),
      p99: quantile(samples, 0.99),
      min,
      max,
      mean: samples.reduce((a, b) => a + b, 0) / samples.length,
      count: samples.length,
      samples,
      spread: `min-max ${min.toFixed(digits)}-${max.toFixed(digits)} ms of ${samples.length} samples`
    }
  })
}
