/**
 * Opening the journal's file: created private, migrated forward, and refused — untouched — when it is newer than this
 * build, not SQLite, or somebody else's database.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { DatabaseSync } from "node:sqlite"
import { assert, describe, it } from "@effect/vitest"
import { JournalDatabase, Migrations, SqliteJournal } from "@spreads/journal"
import { Effect } from "effect"
import { created, entries } from "./fixtures/events.ts"
import { bytes, tempDb, tempDir } from "./fixtures/temp.ts"

const openAndClose = (file: string) => Effect.scoped(JournalDatabase.open({ path: file }))
const mode = (file: string) => fs.statSync(file).mode & 0o777

/** Asserts that opening `file` fails with `reason`, leaves its bytes as they were, and creates no companion files. */
const refused = (file: string, reason: string) =>
  Effect.gen(function* () {
    const before = bytes(file)
    const listing = fs.readdirSync(path.dirname(file)).sort()
    const e = yield* Effect.flip(openAndClose(file))
    assert.strictEqual(e.reason, reason, e.message)
    assert.deepStrictEqual(bytes(file), before)
    assert.deepStrictEqual(fs.readdirSync(path.dirname(file)).sort(), listing)
    return e
  })

describe("JournalDatabase", () => {
  it.effect("creates the file, its -wal and its -shm readable by their owner only", () =>
    Effect.gen(function* () {
      const file = yield* tempDb
      yield* Effect.scoped(
        Effect.gen(function* () {
          const j = yield* SqliteJournal.make({ path: file })
          yield* j.append(entries(1, created(1, "a")))
          for (const f of [file, `${file}-wal`, `${file}-shm`]) {
            assert.isTrue(fs.existsSync(f), `${f} exists while open`)
            assert.strictEqual(mode(f).toString(8), "600", f)
          }
        })
      )
      assert.strictEqual(mode(file).toString(8), "600")
    })
  )

  it.effect("runs in WAL mode with foreign keys on, at the latest schema version", () =>
    Effect.gen(function* () {
      const file = yield* tempDb
      yield* Effect.scoped(
        Effect.gen(function* () {
          const db = yield* JournalDatabase.open({ path: file })
          const pragma = (p: string) => db.connection.prepare(`PRAGMA ${p}`).get()?.[p]
          assert.strictEqual(pragma("journal_mode"), "wal")
          assert.strictEqual(pragma("foreign_keys"), 1)
          assert.strictEqual(pragma("synchronous"), 1)
          assert.strictEqual(db.schemaVersion, Migrations.latestVersion)
          const version = db.connection.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()?.["value"]
          assert.strictEqual(version, Migrations.latestVersion)
        })
      )
    })
  )

  it.effect("migrates a version 1 journal forward, keeping its orders", () =>
    Effect.gen(function* () {
      const file = yield* tempDb
      const raw = new DatabaseSync(file)
      raw.exec(Migrations.migrations[0]!.sql)
      raw.exec("INSERT INTO meta (key, value) VALUES ('schema_version', 1)")
      raw.close()
      yield* Effect.scoped(
        Effect.gen(function* () {
          const j = yield* SqliteJournal.make({ path: file })
          yield* j.append(entries(1, created(1, "a")))
        })
      )
      const check = new DatabaseSync(file)
      assert.strictEqual(check.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()?.["value"], 2)
      assert.strictEqual(check.prepare("SELECT count(*) AS n FROM sim_state").get()?.["n"], 0)
      assert.strictEqual(check.prepare("SELECT count(*) AS n FROM events").get()?.["n"], 1)
      check.close()
    })
  )

  it.effect("refuses a journal from a newer spreads, naming both versions, and leaves it untouched", () =>
    Effect.gen(function* () {
      const file = yield* tempDb
      const raw = new DatabaseSync(file)
      raw.exec(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value ANY) STRICT; INSERT INTO meta VALUES ('schema_version', 99)"
      )
      raw.close()
      const e = yield* refused(file, "TooNew")
      assert.strictEqual(
        e.message,
        `${file} was written by a newer spreads (schema 99; this one knows up to ${Migrations.latestVersion}); upgrade spreads or use another --db`
      )
    })
  )

  it.effect("refuses a newer journal in WAL mode too, leaving its bytes as they were", () =>
    Effect.gen(function* () {
      const file = yield* tempDb
      yield* Effect.scoped(
        Effect.flatMap(SqliteJournal.make({ path: file }), (j) => j.append(entries(1, created(1, "a"))))
      )
      const raw = new DatabaseSync(file)
      raw.exec("UPDATE meta SET value = 7 WHERE key = 'schema_version'")
      raw.close()
      const e = yield* refused(file, "TooNew")
      assert.include(e.message, "(schema 7; this one knows up to 2)")
    })
  )

  it.effect("refuses a newer journal left with a -wal by a crash, without checkpointing it into the file", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const live = path.join(dir, "live.db")
      const crashed = path.join(dir, "crashed.db")
      const writer = new DatabaseSync(live)
      writer.exec("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0")
      writer.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value ANY) STRICT")
      writer.exec("INSERT INTO meta VALUES ('schema_version', 42)")
      for (const suffix of ["", "-wal", "-shm"]) fs.copyFileSync(live + suffix, crashed + suffix)
      writer.close()
      const wal = bytes(`${crashed}-wal`)
      assert.isAbove(wal.length, 0)
      const e = yield* refused(crashed, "TooNew")
      assert.include(e.message, "(schema 42;")
      assert.deepStrictEqual(bytes(`${crashed}-wal`), wal)
    })
  )

  it.effect("refuses a file that is not SQLite, naming it, and leaves it untouched", () =>
    Effect.gen(function* () {
      const file = yield* tempDb
      fs.writeFileSync(file, "positions:\n  AAPL 150/155 bull call x2\n".repeat(50), { mode: 0o644 })
      const e = yield* refused(file, "Corrupt")
      assert.include(e.message, file)
      assert.include(e.message, "not a SQLite database")
      assert.include(e.message, "left untouched")
      assert.strictEqual(mode(file).toString(8), "644")
    })
  )

  it.effect("refuses a file of random bytes, and one that is SQLite's header followed by garbage", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const noise = path.join(dir, "noise.db")
      fs.writeFileSync(noise, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251)))
      yield* refused(noise, "Corrupt")
      const fake = path.join(dir, "fake.db")
      fs.writeFileSync(fake, Buffer.concat([Buffer.from("SQLite format 3\0", "latin1"), Buffer.alloc(4080, 0xab)]))
      const e = yield* refused(fake, "Corrupt")
      assert.include(e.message, fake)
    })
  )

  it.effect("refuses somebody else's SQLite database", () =>
    Effect.gen(function* () {
      const file = yield* tempDb
      const raw = new DatabaseSync(file)
      raw.exec("CREATE TABLE trades (id INTEGER PRIMARY KEY, symbol TEXT); INSERT INTO trades VALUES (1, 'AAPL')")
      raw.close()
      const e = yield* refused(file, "Corrupt")
      assert.include(e.message, "the tables trades but no schema version")
    })
  )

  it.effect("refuses a journal whose schema version is missing", () =>
    Effect.gen(function* () {
      const file = yield* tempDb
      const raw = new DatabaseSync(file)
      raw.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value ANY) STRICT")
      raw.close()
      const e = yield* refused(file, "Corrupt")
      assert.include(e.message, "its schema version is missing")
    })
  )

  it.effect("a damaged page is reported as Corrupt when it is read", () =>
    Effect.gen(function* () {
      const file = yield* tempDb
      yield* Effect.scoped(
        Effect.flatMap(SqliteJournal.make({ path: file }), (j) =>
          j.append(Array.from({ length: 200 }, (_, i) => entries(i + 1, created(i + 1, `r${i + 1}`))).flat())
        )
      )
      const data = bytes(file)
      const pageSize = data.readUInt16BE(16)
      data.fill(0x5a, pageSize * 3, pageSize * 6)
      fs.writeFileSync(file, data)
      const e = yield* Effect.flip(Effect.scoped(Effect.flatMap(SqliteJournal.make({ path: file }), (j) => j.loadAll)))
      assert.strictEqual(e.reason, "Corrupt", e.message)
      assert.include(e.message, file)
    })
  )

  it.effect("an empty file is taken as a new journal", () =>
    Effect.gen(function* () {
      const file = yield* tempDb
      fs.writeFileSync(file, "", { mode: 0o600 })
      yield* openAndClose(file)
      assert.isTrue(bytes(file).subarray(0, 15).equals(Buffer.from("SQLite format 3")))
    })
  )

  it.effect("a missing folder or a directory is Unavailable, with the path in the message", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const missing = path.join(dir, "nope", "journal.db")
      const e1 = yield* Effect.flip(openAndClose(missing))
      assert.strictEqual(e1.reason, "Unavailable")
      assert.strictEqual(
        e1.message,
        `could not open ${missing}: its folder does not exist; create it or use another --db`
      )
      const e2 = yield* Effect.flip(openAndClose(dir))
      assert.strictEqual(e2.reason, "Unavailable")
      assert.include(e2.message, "is a directory")
      assert.deepStrictEqual(fs.readdirSync(dir), [])
    })
  )

  it.effect("two connections to one file (journal and simulator state opened apart) work side by side", () =>
    Effect.gen(function* () {
      const file = yield* tempDb
      yield* Effect.scoped(
        Effect.gen(function* () {
          const a = yield* SqliteJournal.make({ path: file })
          const b = yield* SqliteJournal.make({ path: file })
          yield* a.append(entries(1, created(1, "a")))
          assert.strictEqual(yield* b.findByRef("a"), 1)
        })
      )
    })
  )
})
