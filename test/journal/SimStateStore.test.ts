/** The simulated broker's state, kept by key beside the journal. */
import { DatabaseSync } from "node:sqlite"
import { assert, describe, it } from "@effect/vitest"
import { OrderJournal } from "@spreads/application"
import { SimStateStore } from "@spreads/journal"
import { Effect, Layer, Option, type Schema } from "effect"
import { created, entries } from "./fixtures/events.ts"
import { tempDb } from "./fixtures/temp.ts"

const withStore = <A, E>(path: string, f: (s: SimStateStore.SimStateStore["Service"]) => Effect.Effect<A, E>) =>
  Effect.scoped(Effect.flatMap(SimStateStore.make({ path }), f))

const state = {
  clock: 1_767_225_600_000,
  openOrders: [{ orderId: 7, status: "Submitted", filled: 1, limit: "2.85" }],
  positions: { "AAPL 2026-12-18 150.00 C": 2, "AAPL 2026-12-18 155.00 C": -2 }
}

describe("SimStateStore", () => {
  it.effect("get of an unknown key is none; put then get returns the value; put again replaces it", () =>
    Effect.gen(function* () {
      const path = yield* tempDb
      yield* withStore(path, (s) =>
        Effect.gen(function* () {
          assert.isTrue(Option.isNone(yield* s.get("broker")))
          yield* s.put("broker", state)
          assert.deepStrictEqual(yield* s.get("broker"), Option.some<Schema.Json>(state))
          yield* s.put("broker", { clock: 1 })
          assert.deepStrictEqual(yield* s.get("broker"), Option.some<Schema.Json>({ clock: 1 }))
          yield* s.put("market", [1, "two", null, true])
          assert.deepStrictEqual(yield* s.keys, ["broker", "market"])
          yield* s.remove("market")
          yield* s.remove("never-there")
          assert.deepStrictEqual(yield* s.keys, ["broker"])
        })
      )
    })
  )

  it.effect("keeps its values across runs", () =>
    Effect.gen(function* () {
      const path = yield* tempDb
      yield* withStore(path, (s) =>
        s.putAll([
          ["broker", state],
          ["clock", 42]
        ])
      )
      yield* withStore(path, (s) =>
        Effect.gen(function* () {
          assert.deepStrictEqual(yield* s.get("broker"), Option.some<Schema.Json>(state))
          assert.deepStrictEqual(yield* s.get("clock"), Option.some<Schema.Json>(42))
        })
      )
    })
  )

  it.effect("putAll stores all values or none; a value that is not JSON is refused", () =>
    Effect.gen(function* () {
      const path = yield* tempDb
      yield* withStore(path, (s) =>
        Effect.gen(function* () {
          const notJson = { when: new Date(0) } as unknown as Schema.Json
          const e = yield* Effect.flip(
            s.putAll([
              ["a", 1],
              ["b", notJson]
            ])
          )
          assert.strictEqual(e.reason, "Corrupt")
          assert.include(e.message, `refused to store the simulator's "b"`)
          assert.include(e.message, "nothing was written")
          assert.deepStrictEqual(yield* s.keys, [])
          const nan = yield* Effect.flip(s.put("n", Number.NaN))
          assert.strictEqual(nan.reason, "Corrupt")
        })
      )
    })
  )

  it.effect("a stored value that is not JSON is Corrupt, naming its key", () =>
    Effect.gen(function* () {
      const path = yield* tempDb
      yield* withStore(path, (s) => s.put("broker", state))
      const raw = new DatabaseSync(path)
      raw.exec(`UPDATE sim_state SET value = '{"clock": 17' WHERE key = 'broker'`)
      raw.close()
      const e = yield* withStore(path, (s) => Effect.flip(s.get("broker")))
      assert.strictEqual(e.reason, "Corrupt")
      assert.include(e.message, `could not read the simulator's "broker" from ${path}: the stored value is not JSON`)
      assert.isFalse(e.message.includes("\n"))
    })
  )

  it.effect("layerWithJournal serves the journal and the store from one database", () =>
    Effect.gen(function* () {
      const path = yield* tempDb
      const program = Effect.gen(function* () {
        const journal = yield* OrderJournal
        const store = yield* SimStateStore.SimStateStore
        yield* journal.append(entries(1, created(1, "a")))
        yield* store.put("broker", { nextOrderId: 2 })
      })
      yield* Effect.provide(program, SimStateStore.layerWithJournal({ path }))
      const raw = new DatabaseSync(path)
      assert.strictEqual(raw.prepare("SELECT count(*) AS n FROM events").get()?.["n"], 1)
      assert.strictEqual(
        raw.prepare("SELECT value FROM sim_state WHERE key = 'broker'").get()?.["value"],
        `{"nextOrderId":2}`
      )
      raw.close()
      const reopened = yield* Effect.provide(
        Effect.gen(function* () {
          return yield* (yield* SimStateStore.SimStateStore).get("broker")
        }),
        Layer.fresh(SimStateStore.layer({ path }))
      )
      assert.deepStrictEqual(reopened, Option.some<Schema.Json>({ nextOrderId: 2 }))
    })
  )
})
