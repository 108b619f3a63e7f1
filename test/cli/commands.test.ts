/**
 * The read-only commands (chain, quote, whatif) and the demo, run as a user would.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { EXPIRY, show, spreads, start, tempDb, viewLines, views } from "./harness.ts"

describe.concurrent("commands", () => {
  it.effect("chain lists expiries and strikes; --json is one object", () =>
    Effect.gen(function* () {
      const { db, cleanup } = tempDb()
      const r = yield* spreads(["chain", "AAPL", "--expiry", EXPIRY, "--json"], { db })
      const human = yield* spreads(["chain", "aapl"], { db })
      cleanup()
      assert.strictEqual(r.code, 0, show(r))
      const c = JSON.parse(r.stdout) as {
        symbol: string
        expiry: string
        expiries: Array<string>
        strikes: Array<string>
      }
      assert.strictEqual(c.symbol, "AAPL")
      assert.strictEqual(c.expiry, EXPIRY)
      assert.include(c.expiries, EXPIRY)
      assert.include(c.strikes, "210.00")
      assert.strictEqual(human.code, 0, show(human))
      assert.include(human.stdout, "expiries")
      assert.include(human.stdout, "strikes")
    })
  )

  it.effect("quote shows leg quotes, natural and mid, max profit and loss, breakevens", () =>
    Effect.gen(function* () {
      const { db, cleanup } = tempDb()
      const r = yield* spreads(["quote", "AAPL", "iron-condor", "190/200/220/230", "--expiry", EXPIRY], { db })
      cleanup()
      assert.strictEqual(r.code, 0, show(r))
      for (const t of [
        "BUY AAPL iron-condor 2026-12-18 190/200/220/230",
        "natural",
        "mid",
        "max profit",
        "max loss",
        "breakevens",
        "BID",
        "ASK"
      ]) {
        assert.include(r.stdout, t, show(r))
      }
      assert.include(r.stdout, "credit")
    })
  )

  it.effect("whatif previews margin and commission, and sends nothing", () =>
    Effect.gen(function* () {
      const { db, cleanup } = tempDb()
      const r = yield* spreads(
        ["whatif", "AAPL", "bull-call", "210/215", "--expiry", EXPIRY, "--qty", "2", "--limit", "2.50", "--json"],
        { db }
      )
      const after = yield* spreads(["orders", "--json"], { db })
      cleanup()
      assert.strictEqual(r.code, 0, show(r))
      const w = JSON.parse(r.stdout) as Record<string, string>
      for (const k of ["initMarginChange", "maintMarginChange", "equityWithLoanAfter", "commission", "currency"]) {
        assert.isString(w[k], k)
      }
      assert.deepStrictEqual(views(after), [])
    })
  )

  it.effect("demo: four lifecycles in seconds — filled, filled at market, cancelled, rejected", () =>
    Effect.gen(function* () {
      const r = yield* spreads(["demo"])
      assert.strictEqual(r.code, 0, show(r))
      for (const t of [
        "1. A bull call spread at a limit",
        "2. A bear put spread at market",
        "3. A limit too low",
        "4. The market closes"
      ]) {
        assert.include(r.stdout, t)
      }
      assert.match(r.stdout, /#1000 Filled/)
      assert.match(r.stdout, /#1001 Filled/)
      assert.match(r.stdout, /#1002 PendingCancel/)
      assert.match(r.stdout, /#1002 Cancelled/)
      assert.match(r.stdout, /#1003 Rejected .*IB 201/)
      const j = yield* spreads(["demo", "--json"])
      assert.strictEqual(j.code, 0, show(j))
      assert.deepStrictEqual(
        views(j).map((v) => v.status),
        ["Filled", "Filled", "Cancelled", "Rejected"]
      )
    })
  )

  it.effect("watch without an id follows every order until Ctrl-C; meanwhile the account is locked (exit 4)", () =>
    Effect.gen(function* () {
      const { db, cleanup } = tempDb()
      yield* spreads(
        ["place", "AAPL", "bull-call", "210/215", "--expiry", EXPIRY, "--qty", "1", "--limit", "0.05", "--no-wait"],
        {
          db
        }
      )
      const watching = yield* start(["watch", "--json"], { db, readyWhen: /watching 1 open order/ })
      const busy = yield* spreads(["orders"], { db })
      const stopped = yield* watching.interrupt()
      const after = yield* spreads(["orders", "--open", "--json"], { db })
      cleanup()
      assert.strictEqual(busy.code, 4, show(busy))
      assert.include(busy.stderr, "is in use by another spreads process")
      assert.strictEqual(stopped.code, 130, show(stopped))
      assert.deepStrictEqual(
        viewLines(stopped).map((v) => v.status),
        ["Submitted"]
      )
      assert.strictEqual(after.code, 0, show(after))
      assert.strictEqual(views(after).length, 1)
    })
  )
})
