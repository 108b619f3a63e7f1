/**
 * The simulated broker's own state (open orders, positions, its clock), kept as JSON documents by key in the
 * journal's database, so separate CLI runs against the embedded simulator behave like one paper account.
 *
 * Values are JSON: the simulator encodes its state with its own schema (`Schema.toCodecJson(S)`) and decodes what
 * `get` returns the same way. A stored value that is not valid JSON is reported as `Corrupt`, naming its key.
 * @module
 */
import { JournalError, OrderJournal, traced } from "@spreads/application"
import { Clock, Context, Effect, Layer, Option, Result, Schema, type Scope } from "effect"
import * as JournalDatabase from "./JournalDatabase.ts"
import * as SqliteJournal from "./SqliteJournal.ts"

/** Key/value store of JSON documents. Every write is one transaction. */
export class SimStateStore extends Context.Service<
  SimStateStore,
  {
    /** The value stored under `key`, if any. */
    readonly get: (key: string) => Effect.Effect<Option.Option<Schema.Json>, JournalError>
    /** Stores `value` under `key`, replacing what was there. */
    readonly put: (key: string, value: Schema.Json) => Effect.Effect<void, JournalError>
    /** Stores several values at once: all of them or none. */
    readonly putAll: (entries: ReadonlyArray<readonly [string, Schema.Json]>) => Effect.Effect<void, JournalError>
    /** Forgets `key` (nothing happens when it is absent). */
    readonly remove: (key: string) => Effect.Effect<void, JournalError>
    /** Every key, sorted. */
    readonly keys: Effect.Effect<ReadonlyArray<string>, JournalError>
  }
>()("@spreads/journal/SimStateStore") {}

const JsonText = Schema.fromJsonString(Schema.Json)
const encodeJson = Schema.encodeUnknownResult(JsonText)
const decodeJson = Schema.decodeUnknownResult(JsonText)
const oneLine = (s: string) => s.replace(/\s*\n\s*/g, " ")

/** The store on an open database. */
export const fromDatabase = (db: JournalDatabase.Database): SimStateStore["Service"] => {
  const file = db.path
  const sql = {
    get: "SELECT value FROM sim_state WHERE key = ?",
    put: `INSERT INTO sim_state (key, value, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    remove: "DELETE FROM sim_state WHERE key = ?",
    keys: "SELECT key FROM sim_state ORDER BY key"
  } as const

  const encode = (key: string, value: unknown): string => {
    const text = encodeJson(value)
    if (Result.isSuccess(text)) return text.success
    throw new JournalError({
      reason: "Corrupt",
      message: `refused to store the simulator's ${JSON.stringify(key)} in ${file}: it is not JSON (${oneLine(text.failure.message)}); nothing was written`
    })
  }

  const putAll = traced("SimStateStore.putAll")(
    Effect.fnUntraced(function* (entries: ReadonlyArray<readonly [string, Schema.Json]>) {
      const now = yield* Clock.currentTimeMillis
      yield* db.run(`store the simulator's state in`, () => {
        const rows = entries.map(([key, value]) => [key, encode(key, value)] as const)
        db.transaction(() => {
          for (const [key, text] of rows) db.statement(sql.put).run(key, text, now)
        })
      })
    })
  )

  return SimStateStore.of({
    get: (key) =>
      db.run(`read the simulator's ${JSON.stringify(key)} from`, () => {
        const text = db.statement(sql.get).get(key)?.["value"]
        if (text === undefined) return Option.none()
        const value = decodeJson(text)
        if (Result.isSuccess(value)) return Option.some(value.success)
        throw new JournalError({
          reason: "Corrupt",
          message: `could not read the simulator's ${JSON.stringify(key)} from ${file}: the stored value is not JSON (${oneLine(value.failure.message)}); it was left untouched — remove it with another --db or restore a backup`
        })
      }),
    put: (key, value) => putAll([[key, value]]),
    putAll,
    remove: (key) =>
      db.run(`remove the simulator's ${JSON.stringify(key)} from`, () => void db.statement(sql.remove).run(key)),
    keys: db.run("list the simulator's state in", () =>
      db
        .statement(sql.keys)
        .all()
        .map((r) => String(r["key"]))
    )
  })
}

/** Opens the store at `options.path` on its own connection; closed with the scope. */
export const make = (
  options: JournalDatabase.Options
): Effect.Effect<SimStateStore["Service"], JournalError, Scope.Scope> =>
  Effect.map(JournalDatabase.open(options), fromDatabase)

/** The store as a layer that owns its database. */
export const layer = (options: JournalDatabase.Options): Layer.Layer<SimStateStore, JournalError> =>
  Layer.effect(SimStateStore, make(options))

/** The store on a database opened elsewhere. */
export const layerFromDatabase: Layer.Layer<SimStateStore, never, JournalDatabase.JournalDatabase> = Layer.effect(
  SimStateStore,
  Effect.gen(function* () {
    return fromDatabase(yield* JournalDatabase.JournalDatabase)
  })
)

/** The order journal and the simulator's state on one database, one connection: what the CLI wires for `--db`. */
export const layerWithJournal = (
  options: JournalDatabase.Options
): Layer.Layer<OrderJournal | SimStateStore, JournalError> =>
  Layer.mergeAll(SqliteJournal.layerFromDatabase, layerFromDatabase).pipe(Layer.provide(JournalDatabase.layer(options)))
