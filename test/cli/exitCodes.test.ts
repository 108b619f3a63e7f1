/**
 * The exit codes are a contract: 3 when the broker rejects or refuses, 4 when it cannot be reached, 5 when the wait
 * ends with the order still working (the message says how to follow or cancel it). Errors are sentences on stderr.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { readFileSync, writeFileSync } from "node:fs"
import { EXPIRY, show, spreads, tempDb, view } from "./harness.ts"

const place = (...rest: ReadonlyArray<string>) => ["place", "AAPL", "bull-call", "210/215", "--expiry", EXPIRY, ...rest]

const inFreshDb = <A>(body: (db: string) => Effect.Effect<A>) =>
  Effect.gen(function* () {
    const { db, cleanup } = tempDb()
    try {
      return yield* body(db)
    } finally {
      cleanup()
    }
  })

describe.concurrent("exit codes", () => {
  it.effect("3: an order sent on a Saturday is rejected with IB 201, market closed", () =>
    inFreshDb((db) =>
      Effect.gen(function* () {
        const r = yield* spreads(
          place("--qty", "1", "--limit", "2.50", "--sim-clock", "2026-11-28T15:00:00Z", "--json"),
          { db }
        )
        assert.strictEqual(r.code, 3, show(r))
        assert.include(r.stderr, "IB 201")
        assert.include(r.stderr, "market is closed")
        const v = view(r)
        assert.strictEqual(v.status, "Rejected")
        assert.strictEqual(v.rejection?.code, 201)
        assert.notInclude(r.stderr, "    at ")
      })
    )
  )

  it.effect("3: a pre-trade risk limit refuses an order before anything is sent", () =>
    inFreshDb((db) =>
      Effect.gen(function* () {
        const r = yield* spreads(place("--qty", "101", "--market"), { db })
        assert.strictEqual(r.code, 3, show(r))
        assert.include(r.stderr, "over the limit of 100")
        assert.include(r.stderr, "nothing was sent")
      })
    )
  )

  it.effect("5: a limit that cannot fill is left working when --wait runs out", () =>
    inFreshDb((db) =>
      Effect.gen(function* () {
        const r = yield* spreads(place("--qty", "1", "--limit", "0.01", "--wait", "1s"), { db })
        assert.strictEqual(r.code, 5, show(r))
        const id = /#(\d+)/.exec(r.stdout)?.[1]
        assert.isDefined(id, show(r))
        assert.include(r.stderr, `order ${id} is still working`)
        assert.include(r.stderr, `spreads watch ${id}`)
        assert.include(r.stderr, `spreads cancel ${id}`)
        // Still live in the next run.
        const s = yield* spreads(["status", id!, "--json"], { db })
        assert.strictEqual(s.code, 0, show(s))
        assert.include(["Submitted", "PreSubmitted"], view(s).status)
      })
    )
  )

  it.effect("2: a --db that is not a spreads journal is refused and left untouched", () =>
    inFreshDb((db) =>
      Effect.gen(function* () {
        writeFileSync(db, "not a database\n")
        const r = yield* spreads(["orders"], { db })
        assert.strictEqual(r.code, 2, show(r))
        assert.include(r.stderr, db)
        assert.include(r.stderr, "--db")
        assert.strictEqual(readFileSync(db, "utf8"), "not a database\n")
      })
    )
  )

  it.effect("4: --broker ib with nothing to connect to", () =>
    inFreshDb((db) =>
      Effect.gen(function* () {
        const r = yield* spreads(["orders", "--broker", "ib", "--port", "1", "--client-id", "7"], { db })
        assert.strictEqual(r.code, 4, show(r))
        assert.match(r.stderr, /IB|broker|TWS/)
        assert.notInclude(r.stderr, "    at ")
      })
    )
  )
})
