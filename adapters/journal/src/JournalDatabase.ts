/**
 * The journal's SQLite database: one connection to one file, shared by the order journal and the simulator's state.
 *
 * Opening it is careful with the file it is given:
 * - a new file (or an existing empty one, where a new journal starts) is made readable and writable by its owner
 *   only (0600), and so are its -wal and -shm companions;
 * - a file that is not SQLite, or a SQLite database that is not a spreads journal, is refused as `Corrupt` before
 *   SQLite writes anything to it;
 * - a journal from a newer spreads is refused as `TooNew` before anything is written;
 * - an older journal is migrated in one transaction (see Migrations.ts).
 * It then runs in WAL mode with `synchronous=NORMAL` (a process crash loses nothing committed; a power cut may lose
 * the last transactions) or `FULL` (nothing committed is ever lost, at the cost of an fsync per commit).
 * @module
 */
import * as fs from "node:fs"
import { DatabaseSync, type StatementSync } from "node:sqlite"
import { JournalError } from "@spreads/application"
import { Context, Effect, Layer, type Scope } from "effect"
import { latestVersion, migrations } from "./Migrations.ts"
import { corrupt, isSqliteFailure, toJournalError } from "./SqliteErrors.ts"

/** Where the journal lives and how hard it syncs. */
export interface Options {
  /** The database file, created when missing (its folder must exist). */
  readonly path: string
  /** `NORMAL` (default) survives a process crash; `FULL` also survives a power cut, and is slower. */
  readonly synchronous?: "NORMAL" | "FULL" | undefined
  /** How long a write waits for another process's lock before failing as `Unavailable` (default 5000 ms). */
  readonly busyTimeoutMillis?: number | undefined
}

/** An open journal database. Its methods are synchronous and throw; {@link Database.run} makes them Effects. */
export interface Database {
  /** The path as given, for messages. */
  readonly path: string
  /** The schema version the file is at (always {@link latestVersion} once open). */
  readonly schemaVersion: number
  /** The raw connection: an escape hatch for tools and tests. Writing through it bypasses every check here. */
  readonly connection: DatabaseSync
  /** A prepared statement, prepared once per connection. */
  readonly statement: (sql: string) => StatementSync
  /** Runs `body` in `BEGIN IMMEDIATE ... COMMIT`; any throw rolls everything back and is rethrown. */
  readonly transaction: <A>(body: () => A) => A
  /** Runs `body` in a savepoint inside the current transaction: a throw undoes only what `body` did. */
  readonly savepoint: <A>(body: () => A) => A
  /** Runs `body` as an Effect; a throw becomes a JournalError saying what could not be done ("append 3 events to"). */
  readonly run: <A>(doing: string, body: () => A) => Effect.Effect<A, JournalError>
  /** Closes the connection (idempotent). */
  readonly close: () => void
}

/** The open database as a service, so the journal and the simulator's state share one connection. */
export class JournalDatabase extends Context.Service<JournalDatabase, Database>()("@spreads/journal/JournalDatabase") {}

/** Opens (creating or migrating) the database; it is closed when the scope closes. */
export const open = (options: Options): Effect.Effect<Database, JournalError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.try({ try: () => openSync(options), catch: (e) => toJournalError(options.path, "open", e) }),
    (db) => Effect.sync(() => db.close())
  ).pipe(Effect.withSpan("JournalDatabase.open", { attributes: { path: options.path } }))

/** The database as a layer, open for as long as the layer. */
export const layer = (options: Options): Layer.Layer<JournalDatabase, JournalError> =>
  Layer.effect(JournalDatabase, open(options))

const SQLITE_HEADER = "SQLite format 3\0"
const COMPANIONS = ["-wal", "-shm", "-journal"] as const

const openSync = (options: Options): Database => {
  const file = options.path
  const timeout = options.busyTimeoutMillis ?? 5000
  const created = prepareFile(file)
  if (!created) probe(file, timeout)
  let conn: DatabaseSync | undefined
  try {
    conn = new DatabaseSync(file, {
      timeout,
      enableForeignKeyConstraints: true,
      enableDoubleQuotedStringLiterals: false
    })
    const found = readVersion(conn, file)
    if (found > latestVersion) throw tooNew(file, found)
    const mode = conn.prepare("PRAGMA journal_mode = WAL").get()?.["journal_mode"]
    if (mode !== "wal") {
      throw new JournalError({
        reason: "Io",
        message: `could not open ${file}: SQLite cannot use write-ahead logging there (journal mode stays ${String(mode)}); put the journal on a local disk`
      })
    }
    conn.exec(`PRAGMA synchronous = ${options.synchronous === "FULL" ? "FULL" : "NORMAL"}`)
    const db = makeDatabase(conn, file)
    if (found < latestVersion) db.transaction(() => migrate(conn!, file))
    // A journal started here (a new file, or an empty one that already existed, say made with `touch`) is the
    // owner's only; SQLite gives the -wal and -shm the file's mode.
    if (created || found === 0) restrictToOwner(file)
    return db
  } catch (e) {
    try {
      conn?.close()
    } catch {
      // Already failing: the first error is the one to report.
    }
    if (created) removeCreated(file)
    throw e
  }
}

/** Creates a missing file with mode 0600, or checks an existing one's header. True when this call created it. */
const prepareFile = (file: string): boolean => {
  const stat = fs.statSync(file, { throwIfNoEntry: false })
  if (stat?.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" })
  if (stat === undefined) {
    try {
      fs.closeSync(fs.openSync(file, "wx", 0o600))
      return true
    } catch (e) {
      // Another process created it between our stat and open: treat it as existing.
      if ((e as { code?: unknown }).code !== "EEXIST") throw e
    }
  }
  if (fs.statSync(file).size > 0) checkHeader(file)
  return false
}

const checkHeader = (file: string): void => {
  const fd = fs.openSync(file, "r")
  const head = Buffer.alloc(SQLITE_HEADER.length)
  try {
    fs.readSync(fd, head, 0, head.length, 0)
  } finally {
    fs.closeSync(fd)
  }
  if (head.toString("latin1") !== SQLITE_HEADER) {
    throw new JournalError({
      reason: "Corrupt",
      message: `could not open ${file}: ${corrupt("it does not start with SQLite's header, so it is not a SQLite database")}`
    })
  }
}

/**
 * When a -wal is left beside the file (a crash, or another process using it), checks the file through a read-only
 * connection first: a read-write one would checkpoint that -wal into the file when it closes, so refusing a newer or
 * foreign journal would rewrite it. Without a -wal the read-write connection reads the version before writing
 * anything, and SQLite removes the companions it made. Failures other than a refusal are left to that open to report.
 */
const probe = (file: string, timeout: number): void => {
  if (!fs.existsSync(`${file}-wal`)) return
  let found = 0
  try {
    const ro = new DatabaseSync(file, { readOnly: true, timeout })
    try {
      found = readVersion(ro, file)
    } finally {
      ro.close()
    }
  } catch (e) {
    if (
      e instanceof JournalError ||
      (isSqliteFailure(e) && [SQLITE_CORRUPT, SQLITE_NOTADB].includes(e.errcode & 0xff))
    ) {
      throw e
    }
  }
  if (found > latestVersion) throw tooNew(file, found)
}

const SQLITE_CORRUPT = 11
const SQLITE_NOTADB = 26

/** The version recorded in `meta`: 0 for an empty database; a foreign or unreadable database is refused. */
const readVersion = (conn: DatabaseSync, file: string): number => {
  const tables = conn
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all()
    .map((r) => String(r["name"]))
  const refuse = (why: string) =>
    new JournalError({ reason: "Corrupt", message: `could not open ${file}: ${corrupt(why)}` })
  if (!tables.includes("meta")) {
    if (tables.length === 0) return 0
    throw refuse(`it is a SQLite database with the tables ${tables.join(", ")} but no schema version`)
  }
  let value: unknown
  try {
    value = conn.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()?.["value"]
  } catch {
    throw refuse("its meta table is not the one spreads writes")
  }
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw refuse(`its schema version is ${value === undefined ? "missing" : JSON.stringify(value)}`)
  }
  return value
}

const tooNew = (file: string, found: number) =>
  new JournalError({
    reason: "TooNew",
    message: `${file} was written by a newer spreads (schema ${found}; this one knows up to ${latestVersion}); upgrade spreads or use another --db`
  })

/** Runs the missing steps. Called under the write lock, so it re-reads the version another process may have moved. */
const migrate = (conn: DatabaseSync, file: string): void => {
  const current = readVersion(conn, file)
  if (current > latestVersion) throw tooNew(file, current)
  for (const m of migrations) if (m.version > current) conn.exec(m.sql)
  conn
    .prepare(
      "INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
    )
    .run(latestVersion)
}

const restrictToOwner = (file: string): void => {
  for (const f of [file, ...COMPANIONS.map((s) => file + s)]) {
    if (fs.existsSync(f)) fs.chmodSync(f, 0o600)
  }
}

const removeCreated = (file: string): void => {
  for (const f of [file, ...COMPANIONS.map((s) => file + s)]) fs.rmSync(f, { force: true })
}

const makeDatabase = (conn: DatabaseSync, file: string): Database => {
  const statements = new Map<string, StatementSync>()
  const statement = (sql: string): StatementSync => {
    let s = statements.get(sql)
    if (s === undefined) {
      s = conn.prepare(sql)
      statements.set(sql, s)
    }
    return s
  }
  const undo = (sql: string) => {
    try {
      if (conn.isTransaction) conn.exec(sql)
    } catch {
      // SQLite may already have rolled back (disk full, I/O error); the original error is the one to report.
    }
  }
  let savepoints = 0
  return {
    path: file,
    schemaVersion: latestVersion,
    connection: conn,
    statement,
    transaction: (body) => {
      conn.exec("BEGIN IMMEDIATE")
      try {
        const a = body()
        conn.exec("COMMIT")
        return a
      } catch (e) {
        undo("ROLLBACK")
        throw e
      }
    },
    savepoint: (body) => {
      const name = `sp${++savepoints}`
      conn.exec(`SAVEPOINT ${name}`)
      try {
        const a = body()
        conn.exec(`RELEASE ${name}`)
        return a
      } catch (e) {
        undo(`ROLLBACK TO ${name}`)
        undo(`RELEASE ${name}`)
        throw e
      }
    },
    run: (doing, body) => Effect.try({ try: body, catch: (e) => toJournalError(file, doing, e) }),
    close: () => {
      if (conn.isOpen) conn.close()
    }
  }
}
