/**
 * Side-by-side timing: candidates run interleaved (A, B, A, B, ...) after a warm-up, so machine noise hits each alike;
 * reports the median and the spread (min-max) of each.
 */
export interface Timing {
  readonly median: number
  readonly spread: string
  readonly samples: ReadonlyArray<number>
}

const collect: () => void = (globalThis as { gc?: () => void }).gc ?? (() => {})

/** Times each candidate `rounds` times, interleaved, after one warm-up run of each. */
export const measure = async (
  candidates: ReadonlyArray<() => Promise<void> | void>,
  rounds: number
): Promise<ReadonlyArray<Timing>> => {
  for (const c of candidates) await c()
  const samples = candidates.map(() => [] as Array<number>)
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < candidates.length; i++) {
      // Each sample starts from a collected heap (bench runs with --expose-gc), so none pays for another's garbage.
      collect()
      const t0 = performance.now()
      await candidates[i]!()
      samples[i]!.push(performance.now() - t0)
    }
  }
  return samples.map((s) => {
    const sorted = [...s].sort((a, b) => a - b)
    const median = sorted[Math.floor(sorted.length / 2)]!
    return { median, spread: `${sorted[0]!.toFixed(1)}-${sorted.at(-1)!.toFixed(1)} ms`, samples: s }
  })
}
