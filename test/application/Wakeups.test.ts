import { assert, describe, it } from "@effect/vitest"
import { Wakeups } from "@spreads/application"
import { Clock, Effect } from "effect"
import { TestClock } from "effect/testing"

describe("Wakeups", () => {
  it.effect("wakes at each due time of the agenda, the earliest first, and stops when nothing is left", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const clock = yield* Clock.Clock
        const scope = yield* Effect.scope
        const agenda = [300, 100, 200]
        const woke: Array<number> = []
        const wakeups = Wakeups.make({
          clock,
          scope,
          now: () => clock.currentTimeMillisUnsafe(),
          wake: Effect.sync(() => {
            const now = clock.currentTimeMillisUnsafe()
            woke.push(now)
            agenda.splice(0, agenda.length, ...agenda.filter((t) => t > now))
            return agenda.length === 0 ? undefined : Math.min(...agenda)
          })
        })
        yield* wakeups.at(300)
        // Something earlier than every sleeper: a second sleeper covers it.
        yield* wakeups.at(100)
        // Covered by the sleeper due at 100: nothing more is forked.
        yield* wakeups.at(200)
        yield* TestClock.adjust(1_000)
        // The 100 sleeper handled 100 and went on to 200; 300 was the first sleeper's, so it stopped there. One wake
        // per due time, none twice.
        assert.deepStrictEqual(woke, [100, 200, 300])
        assert.deepStrictEqual(agenda, [])
      })
    )
  )
})
