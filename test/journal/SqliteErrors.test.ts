/** node:sqlite and node:fs failures read as sentences with the right reason, never as raw errors. */
import { assert, describe, it } from "@effect/vitest"
import { JournalError } from "@spreads/application"
import { toJournalError } from "../../adapters/journal/src/SqliteErrors.ts"

const sqlite = (errcode: number, errstr: string) =>
  Object.assign(new Error(errstr), { code: "ERR_SQLITE_ERROR", errcode, errstr })
const system = (code: string, message: string) => Object.assign(new Error(message), { code })

const cases: ReadonlyArray<readonly [string, unknown, JournalError["reason"], string]> = [
  ["SQLITE_BUSY", sqlite(5, "database is locked"), "Unavailable", "another process holds its write lock"],
  ["SQLITE_BUSY_SNAPSHOT", sqlite(517, "database is locked"), "Unavailable", "another process holds its write lock"],
  ["SQLITE_LOCKED", sqlite(6, "database table is locked"), "Unavailable", "another process holds its write lock"],
  ["SQLITE_READONLY", sqlite(8, "attempt to write a readonly database"), "Io", "it is read-only"],
  ["SQLITE_FULL", sqlite(13, "database or disk is full"), "Io", "the disk is full; nothing was written"],
  ["SQLITE_IOERR_WRITE", sqlite(778, "disk I/O error"), "Io", "the disk reported an I/O error (disk I/O error)"],
  [
    "SQLITE_CORRUPT",
    sqlite(11, "database disk image is malformed"),
    "Corrupt",
    "it is damaged or is not a spreads journal"
  ],
  ["SQLITE_NOTADB", sqlite(26, "file is not a database"), "Corrupt", "left untouched"],
  ["SQLITE_CANTOPEN", sqlite(14, "unable to open database file"), "Unavailable", "the file cannot be opened"],
  ["SQLITE_PERM", sqlite(3, "access permission denied"), "Unavailable", "permission denied"],
  ["SQLITE_NOMEM", sqlite(7, "out of memory"), "Unavailable", "out of memory"],
  ["another SQLite error", sqlite(1, "no such table: orders"), "Io", "SQLite said: no such table: orders"],
  [
    "closed database",
    system("ERR_INVALID_STATE", "database is not open"),
    "Unavailable",
    "the journal has been closed"
  ],
  ["ENOENT", system("ENOENT", "no such file or directory, open '/x/y.db'"), "Unavailable", "its folder does not exist"],
  ["EACCES", system("EACCES", "permission denied"), "Unavailable", "permission denied"],
  ["ENOSPC", system("ENOSPC", "no space left on device"), "Io", "the disk is full"],
  ["EROFS", system("EROFS", "read-only file system"), "Io", "mounted read-only"],
  ["an unknown error", new TypeError("boom\n    at somewhere (file.ts:1:2)"), "Io", "boom"],
  ["a thrown string", "weird", "Io", "weird"]
]

describe("SqliteErrors.toJournalError", () => {
  for (const [name, error, reason, says] of cases) {
    it(`${name} -> ${reason}`, () => {
      const e = toJournalError("/data/journal.db", "append 3 events to", error)
      assert.strictEqual(e.reason, reason)
      assert.isTrue(e.message.startsWith("could not append 3 events to /data/journal.db: "), e.message)
      assert.include(e.message, says)
      assert.isFalse(e.message.includes("\n"), e.message)
      assert.isFalse(e.message.includes("[object Object]"), e.message)
    })
  }

  it("passes a JournalError of ours through unchanged", () => {
    const ours = new JournalError({ reason: "TooNew", message: "newer" })
    assert.strictEqual(toJournalError("/x", "open", ours), ours)
  })
})
