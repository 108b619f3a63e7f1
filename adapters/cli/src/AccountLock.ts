/**
 * One process at a time on a simulated account. Each run loads the simulator's state when it starts and saves it
 * when it ends, so two runs on one `--db` at once would each save their own copy and the later one would silently
 * drop the other's orders. A lock file beside the database (`<db>.lock`, holding the owner's pid) serialises them: a
 * second run waits a few seconds for the first, then gives up with a sentence naming the process that holds it.
 * A lock left by a process that no longer exists is taken over.
 * @module
 */
import { Effect, Schedule, type Scope } from "effect"
import { readFileSync, rmSync, writeFileSync } from "node:fs"
import { AdapterUnavailable } from "./Errors.ts"

/** How long a run waits for another run on the same account. */
export const WAIT_MS = 5_000

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as { code?: unknown }).code === "EPERM"
  }
}

const owner = (file: string): number | undefined => {
  try {
    const pid = Number(readFileSync(file, "utf8").trim())
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

class Held extends Error {
  readonly pid: number | undefined
  constructor(pid: number | undefined) {
    super("held")
    this.pid = pid
  }
}

/** Takes the lock, or throws Held naming the live process that has it; a stale lock is removed and taken. */
const tryTake = (file: string): void => {
  try {
    writeFileSync(file, `${process.pid}\n`, { flag: "wx", mode: 0o600 })
  } catch (e) {
    if ((e as { code?: unknown }).code !== "EEXIST") throw e
    const pid = owner(file)
    if (pid !== undefined && pid !== process.pid && isAlive(pid)) throw new Held(pid)
    // Stale (its process is gone) or unreadable: replace it, then re-check that we won any race to do so.
    rmSync(file, { force: true })
    writeFileSync(file, `${process.pid}\n`, { flag: "wx", mode: 0o600 })
  }
}

/**
 * Holds the account's lock for the current scope. Fails with AdapterUnavailable (exit 4) when another live process
 * keeps it for longer than {@link WAIT_MS}.
 */
export const hold = (dbPath: string): Effect.Effect<void, AdapterUnavailable, Scope.Scope> => {
  const file = `${dbPath}.lock`
  const take = Effect.try({ try: () => tryTake(file), catch: (e) => e }).pipe(
    Effect.retry({
      while: (e) => e instanceof Held || (e as { code?: unknown }).code === "EEXIST",
      schedule: Schedule.spaced("100 millis"),
      times: Math.ceil(WAIT_MS / 100)
    }),
    Effect.mapError(
      (e) =>
        new AdapterUnavailable({
          message:
            e instanceof Held
              ? `the simulated account in ${dbPath} is in use by another spreads process${e.pid === undefined ? "" : ` (pid ${e.pid})`}; wait for it to finish (a \`spreads watch\` runs until Ctrl-C) or use another --db`
              : `could not lock the simulated account in ${dbPath}: ${e instanceof Error ? e.message : String(e)}`
        })
    )
  )
  return Effect.acquireRelease(take, () =>
    Effect.sync(() => {
      if (owner(file) === process.pid) rmSync(file, { force: true })
    })
  )
}
