/**
 * Replay: long random histories written to the journal, closed, reopened and folded again give the very orders the
 * original events give — same views, same refused events, same canonical JSON for every event.
 */
import { assert, describe, it } from "@effect/vitest"
import { SqliteJournal } from "@spreads/journal"
import { Order, type OrderEvent, OrderView } from "@spreads/domain"
import { Effect } from "effect"
import * as fc from "fast-check"
import { canonical, type History, history, orThrow } from "./fixtures/events.ts"
import { tempDb } from "./fixtures/temp.ts"

const rebuild = (events: ReadonlyArray<OrderEvent.OrderEvent>) => {
  const { order, refused } = orThrow(Order.foldLenient(events))
  return { view: OrderView.toView(order), refused: refused.map((r) => `${r.event._tag}: ${r.error.message}`) }
}

const roundTrip = (h: History) =>
  Effect.scoped(
    Effect.gen(function* () {
      const path = yield* tempDb
      yield* Effect.scoped(
        Effect.gen(function* () {
          const j = yield* SqliteJournal.make({ path })
          for (const batch of h.batches) yield* j.append(batch)
        })
      )
      const loaded = yield* Effect.scoped(Effect.flatMap(SqliteJournal.make({ path }), (j) => j.loadAll))
      assert.deepStrictEqual(
        loaded.map((o) => o.orderId),
        [...h.orders.keys()]
      )
      for (const o of loaded) {
        const original = h.orders.get(o.orderId)!
        assert.strictEqual(o.orderRef, `ref-${o.orderId}`)
        assert.deepStrictEqual(canonical(o.events), canonical(original))
        assert.deepStrictEqual(rebuild(o.events), rebuild(original))
      }
    })
  )

describe("SqliteJournal replay", () => {
  it.effect(
    "rebuilt orders equal the live ones for random histories of up to 50 orders x 40 events",
    () =>
      Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(history(50, 40), (h) => Effect.runPromise(roundTrip(h))),
          { numRuns: 25 }
        )
      ),
    120_000
  )

  it.effect("the generated histories exercise the fold: fills, refusals and terminal states all occur", () =>
    Effect.sync(() => {
      const samples = fc.sample(history(50, 40), { numRuns: 5, seed: 42 })
      const views = samples.flatMap((h) => [...h.orders.values()].map(rebuild))
      assert.isTrue(views.some((v) => v.view.filled > 0))
      assert.isTrue(views.some((v) => v.refused.length > 0))
      assert.isTrue(
        views.some((v) => ["Filled", "Cancelled", "Rejected", "Inactive", "ApiCancelled"].includes(v.view.status))
      )
      assert.isTrue(samples.some((h) => h.batches.length > 20))
    })
  )
})
