/**
 * What the durable journal promises beyond the shared contract: persistence across reopen, all-or-nothing appends,
 * refusal of unreadable rows, and failures that read as sentences.
 */
import * as fs from "node:fs"
import { DatabaseSync } from "node:sqlite"
import { assert, describe, it } from "@effect/vitest"
import type { JournalEntry, JournalError } from "@spreads/application"
import { SqliteJournal } from "@spreads/journal"
import { Effect, Result } from "effect"
import { acknowledged, canonical, created, entries, filled, warning } from "./fixtures/events.ts"
import { bytes, tempDb } from "./fixtures/temp.ts"

/** Opens the journal at `path`, runs `f`, and closes it. */
const withJournal = <A, E>(
  path: string,
  f: (j: SqliteJournal.SqliteJournal) => Effect.Effect<A, E>,
  options: Partial<SqliteJournal.Options> = {}
) => Effect.scoped(Effect.flatMap(SqliteJournal.make({ path, ...options }), f))

const assertSentence = (e: JournalError) => {
  assert.isFalse(e.message.includes("\n"), `one line: ${e.message}`)
  assert.isFalse(/\bat .+:\d+:\d+/.test(e.message), `no stack trace: ${e.message}`)
  assert.isFalse(e.message.includes("[object Object]"), e.message)
}

describe("SqliteJournal", () => {
  it.effect("keeps everything across close and reopen", () =>
    Effect.gen(function* () {
      const path = yield* tempDb
      yield* withJournal(path, (j) =>
        Effect.gen(function* () {
          yield* j.append([...entries(1, created(1, "a"), acknowledged(5, 777)), ...entries(2, created(2, "b"))])
          yield* j.append(entries(1, filled("x1", 2)))
          yield* j.markSent(1)
        })
      )
      yield* withJournal(path, (j) =>
        Effect.gen(function* () {
          const all = yield* j.loadAll
          assert.deepStrictEqual(
            all.map((o) => [o.orderId, o.orderRef, o.sent, canonical(o.events)]),
            [
              [1, "a", true, canonical([created(1, "a"), acknowledged(5, 777), filled("x1", 2)])],
              [2, "b", false, canonical([created(2, "b")])]
            ]
          )
          assert.deepStrictEqual(
            (yield* j.unsent).map((o) => o.orderId),
            [2]
          )
          assert.strictEqual(yield* j.findByRef("b"), 2)
          assert.strictEqual(yield* j.highestOrderId, 2)
        })
      )
    })
  )

  it.effect("an append whose second entry cannot be encoded stores nothing", () =>
    Effect.gen(function* () {
      const path = yield* tempDb
      yield* withJournal(path, (j) =>
        Effect.gen(function* () {
          yield* j.append(entries(1, created(1, "a")))
          const bad = {
            orderId: 2,
            event: { _tag: "Filled", at: 1, execId: "", quantity: -3 }
          } as unknown as JournalEntry
          const e = yield* Effect.flip(j.append([...entries(2, created(2, "b")), bad, ...entries(1, acknowledged())]))
          assert.strictEqual(e.reason, "Corrupt")
          assert.include(e.message, "entry 2 of 3 (order 2, Filled)")
          assert.include(e.message, "nothing was written")
          assertSentence(e)
          assert.deepStrictEqual(
            (yield* j.loadAll).map((o) => [o.orderId, o.events.length]),
            [[1, 1]]
          )
          assert.strictEqual(yield* j.highestOrderId, 1)
          assert.strictEqual(yield* j.findByRef("b"), undefined)
        })
      )
    })
  )

  it.effect("an append with an order id that is not a positive whole number stores nothing", () =>
    Effect.gen(function* () {
      const path = yield* tempDb
      yield* withJournal(path, (j) =>
        Effect.gen(function* () {
          for (const orderId of [0, -1, 1.5, Number.NaN]) {
            const e = yield* Effect.flip(j.append([...entries(1, created(1, "a")), { orderId, event: warning(1) }]))
            assert.strictEqual(e.reason, "Corrupt")
            assert.include(e.message, "positive whole number")
          }
          assert.deepStrictEqual(yield* j.loadAll, [])
        })
      )
    })
  )

  it.effect("refuses a second order under an orderRef already journaled, storing nothing of that append", () =>
    Effect.gen(function* () {
      const path = yield* tempDb
      yield* withJournal(path, (j) =>
        Effect.gen(function* () {
          yield* j.append(entries(1, created(1, "same")))
          const e = yield* Effect.flip(j.append([...entries(3, warning(1)), ...entries(2, created(2, "same"))]))
          assert.strictEqual(e.reason, "Conflict")
          assert.include(e.message, `orderRef "same" already belongs to order 1`)
          assertSentence(e)
          assert.deepStrictEqual(
            (yield* j.loadAll).map((o) => o.orderId),
            [1]
          )
          assert.strictEqual(yield* j.findByRef("same"), 1)
        })
      )
    })
  )

  it.effect("appendMany commits many batches at once; a refused batch is reported and the others are stored", () =>
    Effect.gen(function* () {
      const path = yield* tempDb
      yield* withJournal(path, (j) =>
        Effect.gen(function* () {
          yield* j.append(entries(1, created(1, "taken")))
          const results = yield* j.appendMany([
            entries(2, created(2, "b"), acknowledged()),
            entries(3, created(3, "taken")),
            [{ orderId: 4, event: { _tag: "Nope" } as unknown as JournalEntry["event"] }],
            entries(5, created(5, "e"))
          ])
          assert.deepStrictEqual(
            results.map((r) => (Result.isSuccess(r) ? "ok" : r.failure.reason)),
            ["ok", "Conflict", "Corrupt", "ok"]
          )
          assert.deepStrictEqual(
            (yield* j.loadAll).map((o) => [o.orderId, o.events.length]),
            [
              [1, 1],
              [2, 2],
              [5, 1]
            ]
          )
        })
      )
    })
  )

  it.effect("a row that does not decode is reported as Corrupt with its seq, and left as it is", () =>
    Effect.gen(function* () {
      const path = yield* tempDb
      yield* withJournal(path, (j) => j.append(entries(1, created(1, "a"), acknowledged(), filled("x1", 1))))
      const raw = new DatabaseSync(path)
      raw
        .prepare("UPDATE events SET body = ? WHERE seq = 3")
        .run(JSON.stringify({ _tag: "Filled", at: 1, quantity: 1 }))
      raw.close()
      const before = bytes(path)
      const e = yield* withJournal(path, (j) => Effect.flip(j.loadAll))
      assert.strictEqual(e.reason, "Corrupt")
      assert.include(e.message, "event seq 3 (order 1, Filled) does not decode")
      assert.include(e.message, "execId")
      assertSentence(e)
      assert.deepStrictEqual(bytes(path), before)
      const again = yield* withJournal(path, (j) => Effect.flip(j.unsent))
      assert.strictEqual(again.reason, "Corrupt")
    })
  )

  it.effect("a row whose body is not JSON, or is filed under another tag, is Corrupt", () =>
    Effect.gen(function* () {
      const path = yield* tempDb
      yield* withJournal(path, (j) => j.append(entries(1, created(1, "a"), acknowledged())))
      const raw = new DatabaseSync(path)
      raw.exec("UPDATE events SET tag = 'Filled' WHERE seq = 2")
      raw.close()
      const misfiled = yield* withJournal(path, (j) => Effect.flip(j.loadAll))
      assert.include(
        misfiled.message,
        "event seq 2 (order 1, Filled) is filed as Filled but holds a Acknowledged event"
      )
      const raw2 = new DatabaseSync(path)
      raw2.exec(`UPDATE events SET body = '{"_tag": "Acknowl' WHERE seq = 2`)
      raw2.close()
      const truncated = yield* withJournal(path, (j) => Effect.flip(j.loadAll))
      assert.strictEqual(truncated.reason, "Corrupt")
      assert.include(truncated.message, "event seq 2")
      assertSentence(truncated)
    })
  )

  it.effect("10,000 events appended in batches of 100 load back whole", () =>
    Effect.gen(function* () {
      const path = yield* tempDb
      yield* withJournal(path, (j) =>
        Effect.gen(function* () {
          for (let b = 0; b < 100; b++) {
            const orderId = b + 1
            yield* j.append(
              entries(orderId, created(orderId, `r${orderId}`), ...Array.from({ length: 99 }, (_, i) => warning(i)))
            )
          }
        })
      )
      const all = yield* withJournal(path, (j) => j.loadAll)
      assert.strictEqual(all.length, 100)
      assert.strictEqual(
        all.reduce((n, o) => n + o.events.length, 0),
        10_000
      )
      assert.isTrue(all.every((o) => o.events[0]?._tag === "Created" && o.events.length === 100))
    })
  )

  it.effect("a full disk fails the append as Io, stores nothing of it, and the journal carries on", () =>
    Effect.gen(function* () {
      const path = yield* tempDb
      yield* withJournal(path, (j) =>
        Effect.gen(function* () {
          yield* j.append(entries(1, created(1, "a")))
          const conn = j.database.connection
          const pages = conn.prepare("PRAGMA page_count").get()?.["page_count"]
          conn.exec(`PRAGMA max_page_count = ${Number(pages)}`)
          const big = entries(2, created(2, "b"), ...Array.from({ length: 2000 }, (_, i) => warning(i)))
          const e = yield* Effect.flip(j.append(big))
          assert.strictEqual(e.reason, "Io")
          assert.include(e.message, "the disk is full")
          assertSentence(e)
          conn.exec("PRAGMA max_page_count = 1073741823")
          assert.deepStrictEqual(
            (yield* j.loadAll).map((o) => o.orderId),
            [1]
          )
          yield* j.append(entries(3, created(3, "c")))
          assert.strictEqual(yield* j.highestOrderId, 3)
        })
      )
    })
  )

  it.effect("a write lock held by another process fails the append as Unavailable once the wait is over", () =>
    Effect.gen(function* () {
      const path = yield* tempDb
      yield* withJournal(
        path,
        (j) =>
          Effect.gen(function* () {
            yield* j.append(entries(1, created(1, "a")))
            const other = new DatabaseSync(path)
            other.exec("BEGIN IMMEDIATE")
            const e = yield* Effect.flip(j.append(entries(2, created(2, "b"))))
            other.exec("ROLLBACK")
            other.close()
            assert.strictEqual(e.reason, "Unavailable")
            assert.strictEqual(
              e.message,
              `could not append 1 event to ${path}: another process holds its write lock (is another spreads running on it?); try again, or use another --db`
            )
            yield* j.append(entries(2, created(2, "b")))
            assert.strictEqual(yield* j.highestOrderId, 2)
          }),
        { busyTimeoutMillis: 20 }
      )
    })
  )

  it.effect("a closed journal says so", () =>
    Effect.gen(function* () {
      const path = yield* tempDb
      const j = yield* withJournal(path, (j) => Effect.succeed(j))
      const e = yield* Effect.flip(j.loadAll)
      assert.strictEqual(e.reason, "Unavailable")
      assert.strictEqual(e.message, `could not load orders from ${path}: the journal has been closed`)
    })
  )

  it.effect("synchronous=FULL is accepted and persists the same", () =>
    Effect.gen(function* () {
      const path = yield* tempDb
      yield* withJournal(path, (j) => j.append(entries(1, created(1, "a"))), { synchronous: "FULL" })
      const conn = new DatabaseSync(path)
      assert.strictEqual(conn.prepare("PRAGMA journal_mode").get()?.["journal_mode"], "wal")
      conn.close()
      assert.strictEqual(fs.existsSync(path), true)
      assert.strictEqual((yield* withJournal(path, (j) => j.loadAll)).length, 1)
    })
  )
})
