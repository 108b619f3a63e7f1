/**
 * Timed work without a fiber per timer: the caller keeps its own agenda (timers, deadlines) as data and says when the
 * earliest item is due; a sleeper fiber wakes then, runs `wake` (which handles everything due and tells the next due
 * time), and stays on for that next time unless an earlier sleeper already covers it. In steady state one fiber sleeps
 * from item to item, and a fiber is forked only when something is due earlier than every sleeper. While `wake` runs,
 * its sleeper still covers its due time, so work scheduled from inside `wake` is left to it instead of forking another.
 * @module
 */
import { type Clock, Duration, Effect, type Scope } from "effect"

/** The sleepers of one agenda. */
export interface Wakeups {
  /** Makes sure a sleeper wakes at `due` or earlier; forks one into the scope only when none is due by then. */
  readonly at: (due: number) => Effect.Effect<void>
  /** Forgets every sleeper (a new agenda): sleepers already asleep still wake, and go on only if nothing covers them. */
  readonly clear: () => void
}

/**
 * Sleepers on `clock`, forked into `scope`. `now` is the agenda's time (it may run ahead of the clock by an offset);
 * `wake` handles what is due and returns the next due time, or undefined when nothing is left.
 */
export const make = (options: {
  readonly clock: Clock.Clock
  readonly scope: Scope.Scope
  readonly now: () => number
  readonly wake: Effect.Effect<number | undefined>
}): Wakeups => {
  const { clock, scope, now, wake } = options
  const sleepers = new Set<number>()
  const covered = (due: number) => {
    for (const s of sleepers) if (s <= due) return true
    return false
  }
  const sleepUntil = (due: number): Effect.Effect<void> =>
    Effect.suspend(() => clock.sleep(Duration.millis(Math.max(0, due - now())))).pipe(
      Effect.andThen(wake),
      Effect.flatMap((next) => {
        sleepers.delete(due)
        if (next === undefined || covered(next)) return Effect.void
        sleepers.add(next)
        return sleepUntil(next)
      })
    )
  return {
    at: (due) =>
      Effect.suspend(() => {
        if (covered(due)) return Effect.void
        sleepers.add(due)
        return Effect.asVoid(Effect.forkIn(sleepUntil(due), scope))
      }),
    clear: () => sleepers.clear()
  }
}
