/**
 * One paper account across separate runs, as a trader uses it: each step is its own `spreads` process on the same
 * SPREADS_DB, so an order placed by one run is followed, modified and cancelled by the next. Every --json output is
 * decoded against the OrderView schema.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { EXPIRY, show, spreads, tempDb, view, viewLines, views } from "./harness.ts"

const spread = ["AAPL", "bull-call", "210/215", "--expiry", EXPIRY] as const

describe("an order's life across runs (one database)", () => {
  it.effect("quote, place, status, modify, orders, watch, cancel, cancel-all", () =>
    Effect.gen(function* () {
      const { db, cleanup } = tempDb()
      const run = (...args: ReadonlyArray<string>) => spreads(args, { db })
      try {
        // quote: the natural price to fill at.
        const q = yield* run("quote", ...spread, "--json")
        assert.strictEqual(q.code, 0, show(q))
        const quote = JSON.parse(q.stdout) as {
          natural: { amount: string; side: string }
          legs: Array<unknown>
          payoff: unknown
        }
        assert.strictEqual(quote.natural.side, "debit")
        assert.strictEqual(quote.legs.length, 2)
        assert.isNotNull(quote.payoff)

        // place at the natural: followed live until filled, one JSON object with the OrderView fields.
        const filled = yield* run("place", ...spread, "--qty", "2", "--limit", quote.natural.amount, "--json")
        assert.strictEqual(filled.code, 0, show(filled))
        const f = view(filled)
        assert.strictEqual(f.status, "Filled")
        assert.strictEqual(f.filled, 2)
        assert.strictEqual(f.remaining, 0)
        assert.strictEqual(f.symbol, "AAPL")
        assert.strictEqual(f.strategy, "BULL_CALL")
        assert.strictEqual(f.action, "BUY")
        assert.deepStrictEqual(f.limitPrice, { amount: quote.natural.amount, side: "debit" })
        assert.isNotNull(f.avgFillPrice)
        assert.isNotNull(f.filledAt)
        assert.deepStrictEqual(
          f.legs.map((l) => [l.action, l.right, l.strike, l.expiry, l.ratio]),
          [
            ["BUY", "C", "210.00", EXPIRY, 1],
            ["SELL", "C", "215.00", EXPIRY, 1]
          ]
        )

        // place --no-wait: returns at the acknowledgement, the order still working.
        const resting = yield* run("place", ...spread, "--qty", "1", "--limit", "0.05", "--no-wait", "--json")
        assert.strictEqual(resting.code, 0, show(resting))
        const r = view(resting)
        assert.include(["Submitted", "PreSubmitted"], r.status)
        const id = String(r.id)

        // The next run sees it: status, human and JSON.
        const st = yield* run("status", id, "--json")
        assert.strictEqual(st.code, 0, show(st))
        assert.strictEqual(view(st).orderRef, r.orderRef)
        assert.strictEqual(view(st).status, r.status)
        const human = yield* run("status", id)
        assert.strictEqual(human.code, 0, show(human))
        assert.include(human.stdout, `#${id}`)
        assert.include(human.stdout, "0.05 debit")

        // modify: new price (same side) and quantity, same id.
        const mod = yield* run("modify", id, "--limit", "0.10", "--qty", "3", "--json")
        assert.strictEqual(mod.code, 0, show(mod))
        const m = view(mod)
        assert.strictEqual(m.id, r.id)
        assert.strictEqual(m.quantity, 3)
        assert.deepStrictEqual(m.limitPrice, { amount: "0.10", side: "debit" })

        // orders: a JSON array; --open keeps only the working one; the human blotter has a header.
        const all = yield* run("orders", "--json")
        assert.strictEqual(all.code, 0, show(all))
        assert.deepStrictEqual(
          views(all).map((v) => [v.id, v.status]),
          [
            [f.id, "Filled"],
            [r.id, m.status]
          ]
        )
        const open = yield* run("orders", "--open", "--json")
        assert.deepStrictEqual(
          views(open).map((v) => v.id),
          [r.id]
        )
        const blotter = yield* run("orders")
        assert.match(blotter.stdout, /ID\s+STATUS\s+SIDE\s+QTY\s+FILLED/)
        assert.include(blotter.stdout, "AAPL bull-call 2026-12-18 210/215")

        // cancel: Cancelled, with the outcome next to the view.
        const cancelled = yield* run("cancel", id, "--json")
        assert.strictEqual(cancelled.code, 0, show(cancelled))
        const c = JSON.parse(cancelled.stdout) as { outcome: string }
        assert.strictEqual(c.outcome, "Cancelled")
        assert.strictEqual(view(cancelled).status, "Cancelled")

        // A cancelled order cannot be cancelled or modified again: refused, exit 3.
        const again = yield* run("cancel", id)
        assert.strictEqual(again.code, 3, show(again))
        assert.include(again.stderr, "cannot be cancelled")
        const late = yield* run("modify", id, "--limit", "0.20")
        assert.strictEqual(late.code, 3, show(late))
        assert.include(late.stderr, "only working orders can be modified")

        // watch ID on a finished order prints it and ends.
        const watched = yield* run("watch", String(f.id), "--json")
        assert.strictEqual(watched.code, 0, show(watched))
        assert.deepStrictEqual(
          viewLines(watched).map((v) => v.status),
          ["Filled"]
        )

        // An order acknowledged in one run fills in the next, and `watch` sees it happen.
        const quick = yield* run(
          "place",
          ...spread,
          "--qty",
          "1",
          "--limit",
          quote.natural.amount,
          "--no-wait",
          "--json"
        )
        assert.strictEqual(quick.code, 0, show(quick))
        const followed = yield* run("watch", String(view(quick).id), "--json")
        assert.strictEqual(followed.code, 0, show(followed))
        const seen = viewLines(followed).map((v) => v.status)
        assert.strictEqual(seen[seen.length - 1], "Filled", show(followed))

        // cancel-all: every open order, as a JSON array.
        yield* run("place", ...spread, "--qty", "1", "--limit", "0.05", "--no-wait")
        yield* run(
          "place",
          "AAPL",
          "bear-call",
          "220/225",
          "--expiry",
          EXPIRY,
          "--qty",
          "1",
          "--limit",
          "4.00",
          "--credit",
          "--short",
          "--no-wait"
        )
        const everything = yield* run("cancel-all", "--json")
        assert.strictEqual(everything.code, 0, show(everything))
        const gone = views(everything)
        assert.strictEqual(gone.length, 2)
        for (const v of gone) assert.strictEqual(v.status, "Cancelled")
        assert.deepStrictEqual(
          gone.map((v) => v.limitPrice?.side),
          ["debit", "credit"]
        )
        const none = yield* run("orders", "--open", "--json")
        assert.deepStrictEqual(views(none), [])
      } finally {
        cleanup()
      }
    })
  )
})
