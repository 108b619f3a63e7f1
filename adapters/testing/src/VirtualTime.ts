/**
 * Running an effect in virtual time: the TestClock only moves when someone moves it, so a use case that waits for an
 * acknowledgement or a cancel timeout would wait forever. `runVirtual` forks the effect and advances the clock in
 * small steps until the effect completes (or `maxMs` of virtual time passed), so scenarios cost no wall-clock time
 * while every latency and timeout still happens in order.
 * @module
 */
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"

let virtualElapsedMs = 0

/** Virtual milliseconds advanced by {@link runVirtual} and {@link advance} in this process (for benchmarks). */
export const virtualTimeElapsed = (): number => virtualElapsedMs

/** Options of {@link runVirtual}. */
export interface VirtualOptions {
  /** Virtual milliseconds per step (default 10). */
  readonly stepMs?: number
  /** Give up after this much virtual time (default 120 s): the effect is interrupted and a defect raised. */
  readonly maxMs?: number
}

/** Runs `effect`, advancing the TestClock until it completes. */
export const runVirtual = <A, E, R>(effect: Effect.Effect<A, E, R>, options: VirtualOptions = {}) =>
  Effect.gen(function* () {
    const step = options.stepMs ?? 10
    const max = options.maxMs ?? 120_000
    const fiber = yield* Effect.forkChild(effect)
    let elapsed = 0
    for (;;) {
      yield* Effect.yieldNow
      const exit = fiber.pollUnsafe()
      if (exit !== undefined) return yield* exit
      if (elapsed >= max) {
        yield* Fiber.interrupt(fiber)
        return yield* Effect.die(new Error(`still running after ${max} ms of virtual time`))
      }
      yield* TestClock.adjust(step)
      elapsed += step
      virtualElapsedMs += step
    }
  })

/** Moves virtual time forward by `ms`, in steps, letting everything scheduled meanwhile run in order. */
export const advance = (ms: number, stepMs = 50) =>
  Effect.gen(function* () {
    for (let t = 0; t < ms; t += stepMs) {
      yield* TestClock.adjust(Math.min(stepMs, ms - t))
      virtualElapsedMs += Math.min(stepMs, ms - t)
      yield* Effect.yieldNow
    }
  })
