/**
 * The simulated account's time. The embedded simulator is live (it sleeps on the real clock), but its calendar is
 * its own: a fresh account starts on a weekday morning (or at `--sim-clock`), a saved one where it was left. This
 * Clock runs at real speed from that start, and everything in the command uses it — the simulator, the OrderBook and
 * the use cases — so an order's submit and fill times are on one calendar.
 * @module
 */
import { Clock, Effect, Layer } from "effect"

/** A Clock that reads `start` now and advances with the real one; sleeping is real sleeping. */
export const make = (start: number): Effect.Effect<Clock.Clock> =>
  Effect.gen(function* () {
    const base = yield* Clock.Clock
    const offset = start - base.currentTimeMillisUnsafe()
    const nanos = BigInt(offset) * 1_000_000n
    return {
      currentTimeMillisUnsafe: () => base.currentTimeMillisUnsafe() + offset,
      currentTimeMillis: Effect.sync(() => base.currentTimeMillisUnsafe() + offset),
      currentTimeNanosUnsafe: () => base.currentTimeNanosUnsafe() + nanos,
      currentTimeNanos: Effect.sync(() => base.currentTimeNanosUnsafe() + nanos),
      monotonicTimeNanosUnsafe: () => base.monotonicTimeNanosUnsafe(),
      monotonicTimeNanos: base.monotonicTimeNanos,
      sleep: (duration) => base.sleep(duration)
    } satisfies Clock.Clock
  })

/** The clock as a layer: provide it under the simulator and over the command. */
export const layer = (start: number): Layer.Layer<never> => Layer.effect(Clock.Clock, make(start))
