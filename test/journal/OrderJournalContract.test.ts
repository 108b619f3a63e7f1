/**
 * The OrderJournal contract, run against every implementation: the in-memory reference and the SQLite journal must
 * answer every question the same way.
 */
import { assert, describe, it } from "@effect/vitest"
import { InMemoryJournal, type JournaledOrder, type OrderJournal } from "@spreads/application"
import { SqliteJournal } from "@spreads/journal"
import { Effect, type Scope } from "effect"
import { acknowledged, canonical, created, entries, filled, warning } from "./fixtures/events.ts"
import { tempDb } from "./fixtures/temp.ts"

type Journal = OrderJournal["Service"]

const implementations: ReadonlyArray<readonly [string, Effect.Effect<Journal, unknown, Scope.Scope>]> = [
  ["InMemoryJournal", InMemoryJournal.make],
  ["SqliteJournal", Effect.flatMap(tempDb, (path) => SqliteJournal.make({ path }))]
]

/** What a test compares: ids, refs, sent flags and the events' canonical JSON. */
const summary = (orders: ReadonlyArray<JournaledOrder>) =>
  orders.map((o) => ({ orderId: o.orderId, orderRef: o.orderRef, sent: o.sent, events: canonical(o.events) }))

for (const [name, make] of implementations) {
  describe(`OrderJournal contract: ${name}`, () => {
    it.effect("starts empty", () =>
      Effect.gen(function* () {
        const j = yield* make
        assert.deepStrictEqual(yield* j.loadAll, [])
        assert.deepStrictEqual(yield* j.unsent, [])
        assert.strictEqual(yield* j.highestOrderId, 0)
        assert.strictEqual(yield* j.findByRef("nope"), undefined)
      })
    )

    it.effect("loadAll returns orders by id, each with its events in append order", () =>
      Effect.gen(function* () {
        const j = yield* make
        yield* j.append([...entries(3, created(3, "c")), ...entries(1, created(1, "a"))])
        yield* j.append(entries(2, created(2, "b"), acknowledged()))
        yield* j.append([...entries(1, acknowledged(), filled("x1", 1)), ...entries(3, warning(399))])
        yield* j.append(entries(1, filled("x2", 1)))
        assert.deepStrictEqual(summary(yield* j.loadAll), [
          {
            orderId: 1,
            orderRef: "a",
            sent: false,
            events: canonical([created(1, "a"), acknowledged(), filled("x1", 1), filled("x2", 1)])
          },
          { orderId: 2, orderRef: "b", sent: false, events: canonical([created(2, "b"), acknowledged()]) },
          { orderId: 3, orderRef: "c", sent: false, events: canonical([created(3, "c"), warning(399)]) }
        ])
      })
    )

    it.effect("an empty append changes nothing", () =>
      Effect.gen(function* () {
        const j = yield* make
        yield* j.append([])
        assert.deepStrictEqual(yield* j.loadAll, [])
        assert.strictEqual(yield* j.highestOrderId, 0)
      })
    )

    it.effect("unsent lists intents not marked sent, in the order they were first journaled", () =>
      Effect.gen(function* () {
        const j = yield* make
        yield* j.append(entries(7, created(7, "g")))
        yield* j.append(entries(2, created(2, "b")))
        yield* j.append(entries(5, created(5, "e")))
        assert.deepStrictEqual(
          (yield* j.unsent).map((o) => o.orderId),
          [7, 2, 5]
        )
        yield* j.markSent(2)
        yield* j.markSent(2)
        yield* j.markSent(99)
        const unsent = yield* j.unsent
        assert.deepStrictEqual(
          unsent.map((o) => [o.orderId, o.orderRef, o.sent]),
          [
            [7, "g", false],
            [5, "e", false]
          ]
        )
        assert.deepStrictEqual(
          (yield* j.loadAll).map((o) => [o.orderId, o.sent]),
          [
            [2, true],
            [5, false],
            [7, false]
          ]
        )
      })
    )

    it.effect("unsent orders carry their whole history", () =>
      Effect.gen(function* () {
        const j = yield* make
        yield* j.append(entries(1, created(1, "a")))
        yield* j.append(entries(2, created(2, "b")))
        yield* j.append(entries(1, acknowledged(), warning(399)))
        const [first] = yield* j.unsent
        assert.deepStrictEqual(
          first === undefined ? [] : canonical(first.events),
          canonical([created(1, "a"), acknowledged(), warning(399)])
        )
      })
    )

    it.effect("findByRef finds the order journaled under an orderRef", () =>
      Effect.gen(function* () {
        const j = yield* make
        yield* j.append([...entries(4, created(4, "alpha")), ...entries(9, created(9, "beta"))])
        assert.strictEqual(yield* j.findByRef("alpha"), 4)
        assert.strictEqual(yield* j.findByRef("beta"), 9)
        assert.strictEqual(yield* j.findByRef("gamma"), undefined)
        assert.strictEqual(yield* j.findByRef(""), undefined)
      })
    )

    it.effect("highestOrderId is the highest id ever journaled", () =>
      Effect.gen(function* () {
        const j = yield* make
        yield* j.append(entries(12, created(12, "l")))
        yield* j.append(entries(3, created(3, "c")))
        assert.strictEqual(yield* j.highestOrderId, 12)
        yield* j.markSent(12)
        assert.strictEqual(yield* j.highestOrderId, 12)
      })
    )

    it.effect("an order first seen without its Created event has no orderRef, and keeps none", () =>
      Effect.gen(function* () {
        const j = yield* make
        yield* j.append(entries(6, acknowledged()))
        yield* j.append(entries(6, created(6, "late")))
        const [o] = yield* j.loadAll
        assert.strictEqual(o?.orderRef, "")
        assert.strictEqual(o?.events.length, 2)
        assert.strictEqual(yield* j.findByRef("late"), undefined)
        assert.strictEqual(yield* j.highestOrderId, 6)
      })
    )

    it.effect("a second Created for a known order does not change its orderRef", () =>
      Effect.gen(function* () {
        const j = yield* make
        yield* j.append(entries(1, created(1, "first")))
        yield* j.append(entries(1, created(1, "second")))
        assert.strictEqual(yield* j.findByRef("first"), 1)
        assert.strictEqual(yield* j.findByRef("second"), undefined)
        assert.strictEqual((yield* j.loadAll)[0]?.orderRef, "first")
      })
    )

    it.effect(
      "a second order under a journaled orderRef is refused as Conflict, and nothing of the append is stored",
      () =>
        Effect.gen(function* () {
          const j = yield* make
          yield* j.append(entries(1, created(1, "same"), acknowledged()))
          const before = summary(yield* j.loadAll)
          const e = yield* Effect.flip(
            j.append([...entries(1, filled("x1", 1)), ...entries(3, warning(1)), ...entries(2, created(2, "same"))])
          )
          assert.strictEqual(e._tag, "JournalError")
          assert.strictEqual(e.reason, "Conflict")
          assert.include(e.message, `orderRef "same" already belongs to order 1`)
          assert.include(e.message, "nothing was written")
          assert.deepStrictEqual(summary(yield* j.loadAll), before)
          assert.strictEqual(yield* j.findByRef("same"), 1)
          assert.strictEqual(yield* j.highestOrderId, 1)
          assert.deepStrictEqual(
            (yield* j.unsent).map((o) => o.orderId),
            [1]
          )
        })
    )

    it.effect("two new orders under one orderRef in the same append are refused as Conflict", () =>
      Effect.gen(function* () {
        const j = yield* make
        const e = yield* Effect.flip(j.append([...entries(4, created(4, "twice")), ...entries(5, created(5, "twice"))]))
        assert.strictEqual(e.reason, "Conflict")
        assert.include(e.message, `orderRef "twice" already belongs to order 4`)
        assert.deepStrictEqual(yield* j.loadAll, [])
        assert.strictEqual(yield* j.findByRef("twice"), undefined)
        assert.strictEqual(yield* j.highestOrderId, 0)
      })
    )

    it.effect("after a refused append the journal carries on, and the orderRef still belongs to its order", () =>
      Effect.gen(function* () {
        const j = yield* make
        yield* j.append(entries(1, created(1, "a")))
        yield* Effect.flip(j.append(entries(2, created(2, "a"))))
        yield* j.append(entries(2, created(2, "b")))
        assert.deepStrictEqual(
          (yield* j.loadAll).map((o) => [o.orderId, o.orderRef]),
          [
            [1, "a"],
            [2, "b"]
          ]
        )
        assert.strictEqual(yield* j.findByRef("a"), 1)
        assert.strictEqual(yield* j.findByRef("b"), 2)
      })
    )

    it.effect("a Created under another order's orderRef, for an order already journaled, changes nothing", () =>
      Effect.gen(function* () {
        const j = yield* make
        yield* j.append(entries(1, created(1, "a")))
        yield* j.append(entries(2, created(2, "b")))
        yield* j.append(entries(2, created(2, "a")))
        assert.strictEqual(yield* j.findByRef("a"), 1)
        assert.strictEqual(yield* j.findByRef("b"), 2)
        assert.deepStrictEqual(
          (yield* j.loadAll).map((o) => [o.orderId, o.orderRef, o.events.length]),
          [
            [1, "a", 1],
            [2, "b", 2]
          ]
        )
      })
    )
  })
}
