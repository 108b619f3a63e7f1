/**
 * A token bucket that paces every outgoing IB message below IB's 50 messages per second (error 100 beyond, and
 * repeated violations disconnect the client).
 *
 * Invariant: over any window of `t` seconds at most `burst + rate * t` tokens are taken, so with the defaults
 * (40/s, burst 5) no one-second window carries more than 45 messages: below IB's 50, with room for arrival jitter.
 * Waiters are served first come, first served.
 * Time is Effect Clock time, so TestClock drives it in tests.
 * @module
 */
import { Clock, Effect, Semaphore } from "effect"

/** A shared bucket. `take` waits (without failing) until a token is free. */
export interface TokenBucket {
  /** Takes one token, sleeping until one is available. */
  readonly take: Effect.Effect<void>
  /** Tokens available now (fractional while refilling). */
  readonly available: Effect.Effect<number>
}

/**
 * A bucket refilled at `ratePerSecond`, holding at most `burst` tokens, starting full. Taking a token that is there
 * while nobody waits is synchronous (no lock, no sleep); otherwise takers queue in order behind the one sleeping.
 */
export const make = (ratePerSecond: number, burst: number): Effect.Effect<TokenBucket> =>
  Effect.gen(function* () {
    const clock = yield* Clock.Clock
    const perMilli = ratePerSecond / 1000
    let tokens = burst
    let last = clock.currentTimeMillisUnsafe()
    let waiting = 0
    // One taker at a time: the one holding the permit sleeps for its token, the others queue behind it in order.
    const lock = yield* Semaphore.make(1)

    const refillUnsafe = () => {
      const now = clock.currentTimeMillisUnsafe()
      tokens = Math.min(burst, tokens + Math.max(0, now - last) * perMilli)
      last = now
      return tokens
    }

    const slow: Effect.Effect<void> = lock.withPermits(1)(
      Effect.gen(function* () {
        for (;;) {
          const have = refillUnsafe()
          if (have >= 1) {
            tokens = have - 1
            return
          }
          yield* Effect.sleep(Math.max(1, Math.ceil((1 - have) / perMilli)))
        }
      })
    )

    const take: Effect.Effect<void> = Effect.suspend(() => {
      if (waiting === 0 && refillUnsafe() >= 1) {
        tokens -= 1
        return Effect.void
      }
      waiting++
      return Effect.ensuring(
        slow,
        Effect.sync(() => void waiting--)
      )
    })

    return { take, available: Effect.sync(refillUnsafe) }
  })
