/**
 * Turns what node:sqlite and node:fs throw into a {@link JournalError} with a sentence a trader can act on. Every
 * message names the file and says what to do; none carries a stack trace or SQLite's raw error object.
 * @module
 */
import { JournalError } from "@spreads/application"

type Reason = JournalError["reason"]

/** SQLite primary result codes we explain (the low byte of node:sqlite's extended `errcode`). */
const SQLITE = {
  PERM: 3,
  BUSY: 5,
  LOCKED: 6,
  NOMEM: 7,
  READONLY: 8,
  IOERR: 10,
  CORRUPT: 11,
  FULL: 13,
  CANTOPEN: 14,
  CONSTRAINT: 19,
  AUTH: 23,
  NOTADB: 26
} as const

/** The extended code of a UNIQUE constraint violation. */
export const SQLITE_CONSTRAINT_UNIQUE = 2067

/** What a node:sqlite error carries besides its message. */
export interface SqliteFailure {
  readonly code: "ERR_SQLITE_ERROR"
  readonly errcode: number
  readonly errstr: string
}

/** True for an error thrown by node:sqlite for a failed SQLite call. */
export const isSqliteFailure = (e: unknown): e is SqliteFailure =>
  typeof e === "object" && e !== null && (e as { code?: unknown }).code === "ERR_SQLITE_ERROR"

const detail = (e: unknown): string => {
  if (isSqliteFailure(e)) return e.errstr
  if (e instanceof Error) return (e.message.split("\n")[0] ?? e.message).trim()
  return String(e)
}

/**
 * The failure of `doing` (a phrase like "append 3 events to") on the journal at `file`, as a JournalError.
 * A JournalError thrown on purpose by our own code passes through unchanged.
 */
export const toJournalError = (file: string, doing: string, e: unknown): JournalError => {
  if (e instanceof JournalError) return e
  const [reason, why] = explain(e)
  return new JournalError({ reason, message: `could not ${doing} ${file}: ${why}` })
}

const explain = (e: unknown): readonly [Reason, string] => {
  if (isSqliteFailure(e)) {
    switch (e.errcode & 0xff) {
      case SQLITE.BUSY:
      case SQLITE.LOCKED:
        return [
          "Unavailable",
          "another process holds its write lock (is another spreads running on it?); try again, or use another --db"
        ]
      case SQLITE.READONLY:
        return [
          "Io",
          "it is read-only (check the permissions of the file and its folder, or whether the disk is mounted read-only)"
        ]
      case SQLITE.FULL:
        return ["Io", "the disk is full; nothing was written — free some space and try again"]
      case SQLITE.IOERR:
        return [
          "Io",
          `the disk reported an I/O error (${e.errstr}); nothing was written — check the disk and try again`
        ]
      case SQLITE.CORRUPT:
      case SQLITE.NOTADB:
        return ["Corrupt", corrupt(e.errstr)]
      case SQLITE.CANTOPEN:
        return ["Unavailable", "the file cannot be opened; check that its folder exists and that you may write there"]
      case SQLITE.PERM:
      case SQLITE.AUTH:
        return ["Unavailable", "permission denied; check the permissions of the file and its folder"]
      case SQLITE.NOMEM:
        return ["Unavailable", "SQLite ran out of memory"]
      default:
        return ["Io", `SQLite said: ${e.errstr}`]
    }
  }
  const code = typeof e === "object" && e !== null ? (e as { code?: unknown }).code : undefined
  switch (code) {
    case "ERR_INVALID_STATE":
      return ["Unavailable", "the journal has been closed"]
    case "ENOENT":
      return ["Unavailable", "its folder does not exist; create it or use another --db"]
    case "EACCES":
    case "EPERM":
      return ["Unavailable", "permission denied; check the permissions of the file and its folder"]
    case "EISDIR":
      return ["Unavailable", "it is a directory; give the path of a file, or use another --db"]
    case "ENOSPC":
      return ["Io", "the disk is full; free some space and try again"]
    case "EROFS":
      return ["Io", "the disk is mounted read-only"]
    default:
      return ["Io", detail(e)]
  }
}

/** The clause for a damaged or foreign file: what is wrong, that it was not touched, and what to do. */
export const corrupt = (why: string): string =>
  `it is damaged or is not a spreads journal (${why}); it was left untouched — restore it from a backup, or move it aside and use another --db`
