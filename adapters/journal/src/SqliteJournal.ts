/**
 * The durable OrderJournal on node:sqlite. Same contract as the in-memory journal (InMemoryJournal.ts), plus:
 * - an append is one transaction: all of its entries are stored, or none (an entry that does not encode, a refused
 *   orderRef or a full disk leaves the journal as it was);
 * - every event is stored as JSON by the event schema and decoded by it on load; a row that does not decode is
 *   reported as `Corrupt`, naming its seq — never skipped, never rewritten;
 * - an orderRef belongs to one order: journaling a second order under it is refused (the in-memory journal lets the
 *   later one win). That is the last guard of exactly-once submission.
 * @module
 */
import { JournalError, type JournaledOrder, type JournalEntry, OrderJournal } from "@spreads/application"
import { OrderEvent } from "@spreads/domain"
import { Clock, Effect, Layer, Result, Schema, type Scope } from "effect"
import * as JournalDatabase from "./JournalDatabase.ts"
import { isSqliteFailure, SQLITE_CONSTRAINT_UNIQUE, toJournalError } from "./SqliteErrors.ts"

type Journal = OrderJournal["Service"]

/** The journal, with what only the durable one can do. */
export interface SqliteJournal extends Journal {
  /**
   * Appends many independent batches in one transaction (one commit, so many times faster than one append each).
   * Each batch is atomic on its own: a batch that is refused is reported in its slot and the others are stored. A
   * failure of the whole transaction (disk full, lock timeout) fails the call and stores nothing.
   */
  readonly appendMany: (
    batches: ReadonlyArray<ReadonlyArray<JournalEntry>>
  ) => Effect.Effect<ReadonlyArray<Result.Result<void, JournalError>>, JournalError>
  /** The database underneath. */
  readonly database: JournalDatabase.Database
}

/** Options: see {@link JournalDatabase.Options}. */
export type Options = JournalDatabase.Options

/** Opens the journal at `options.path` (creating or migrating it); it is closed when the scope closes. */
export const make = (options: Options): Effect.Effect<SqliteJournal, JournalError, Scope.Scope> =>
  Effect.map(JournalDatabase.open(options), fromDatabase)

/** The journal as a layer that owns its database. */
export const layer = (options: Options): Layer.Layer<OrderJournal, JournalError> =>
  Layer.effect(OrderJournal, make(options))

/** The journal on a database opened elsewhere (shared with the simulator's state, see SimStateStore.layerWithJournal). */
export const layerFromDatabase: Layer.Layer<OrderJournal, never, JournalDatabase.JournalDatabase> = Layer.effect(
  OrderJournal,
  Effect.gen(function* () {
    return fromDatabase(yield* JournalDatabase.JournalDatabase)
  })
)

// The event schema's JSON codec, with JSON text handled apart: faster than Schema.fromJsonString on the hot paths.
const EventJson = Schema.toCodecJson(OrderEvent.OrderEvent)
const encodeJson = Schema.encodeUnknownResult(EventJson)
const decodeJson = Schema.decodeUnknownResult(EventJson)

const encodeEvent = (event: unknown): Result.Result<string, string> => {
  const json = encodeJson(event)
  return Result.isSuccess(json) ? Result.succeed(JSON.stringify(json.success)) : Result.fail(json.failure.message)
}

const decodeEvent = (body: string): Result.Result<OrderEvent.OrderEvent, string> => {
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch (e) {
    return Result.fail(`it is not JSON (${e instanceof Error ? e.message : String(e)})`)
  }
  const event = decodeJson(json)
  return Result.isSuccess(event) ? Result.succeed(event.success) : Result.fail(event.failure.message)
}

/** An entry ready to store. */
interface Row {
  readonly orderId: number
  readonly tag: string
  readonly ref: string | null
  readonly body: string
}

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, " ")
const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`

/** Builds the journal on an open database. */
export function fromDatabase(db: JournalDatabase.Database): SqliteJournal {
  const file = db.path
  const sql = {
    insertOrder: `INSERT INTO orders (order_id, order_ref, sent, created_at) VALUES (?, ?, 0, ?)
      ON CONFLICT (order_id) DO NOTHING`,
    insertEvent: "INSERT INTO events (order_id, tag, body) VALUES (?, ?, ?)",
    markSent: "UPDATE orders SET sent = 1 WHERE order_id = ?",
    loadAll: `SELECT e.seq, e.order_id, e.tag, e.body, o.order_ref, o.sent FROM events e
      JOIN orders o ON o.order_id = e.order_id ORDER BY e.order_id, e.seq`,
    unsent: `SELECT e.seq, e.order_id, e.tag, e.body, o.order_ref, o.sent FROM orders o
      JOIN events e ON e.order_id = o.order_id WHERE o.sent = 0 ORDER BY e.seq`,
    findByRef: "SELECT order_id FROM orders WHERE order_ref = ?",
    loadOrder: `SELECT e.seq, e.order_id, e.tag, e.body, o.order_ref, o.sent FROM events e
      JOIN orders o ON o.order_id = e.order_id WHERE e.order_id = ? ORDER BY e.seq`,
    highest: "SELECT MAX(order_id) AS highest FROM orders"
  } as const

  const encode = (entries: ReadonlyArray<JournalEntry>): ReadonlyArray<Row> =>
    entries.map(({ orderId, event }, i) => {
      const refuse = (why: string) =>
        new JournalError({
          reason: "Corrupt",
          message: `refused to journal entry ${i + 1} of ${entries.length} (order ${orderId}, ${event?._tag ?? "no event"}) in ${file}: ${why}; nothing was written`
        })
      if (!Number.isSafeInteger(orderId) || orderId <= 0) throw refuse(`the order id must be a positive whole number`)
      const body = encodeEvent(event)
      if (Result.isFailure(body)) throw refuse(`the event is invalid: ${oneLine(body.failure)}`)
      return {
        orderId,
        tag: event._tag,
        ref: event._tag === "Created" ? event.order.orderRef : null,
        body: body.success
      }
    })

  /** Inserts the rows; the caller holds the transaction. */
  const write = (rows: ReadonlyArray<Row>, now: number): void => {
    const insertOrder = db.statement(sql.insertOrder)
    const insertEvent = db.statement(sql.insertEvent)
    const known = new Set<number>()
    for (const r of rows) {
      if (!known.has(r.orderId)) {
        try {
          insertOrder.run(r.orderId, r.ref, now)
        } catch (e) {
          if (isSqliteFailure(e) && e.errcode === SQLITE_CONSTRAINT_UNIQUE) throw refusedRef(r)
          throw e
        }
        known.add(r.orderId)
      }
      insertEvent.run(r.orderId, r.tag, r.body)
    }
  }

  const refusedRef = (r: Row): JournalError => {
    const owner = db.statement(sql.findByRef).get(r.ref)?.["order_id"]
    return new JournalError({
      reason: "Io",
      message: `refused to journal order ${r.orderId} in ${file}: its orderRef ${JSON.stringify(r.ref)} already belongs to order ${String(owner)}, and an orderRef is placed only once; nothing was written`
    })
  }

  const decodeRow = (
    row: Record<string, unknown>
  ): { readonly orderId: number; readonly event: OrderEvent.OrderEvent } => {
    const { seq, order_id: orderId, tag, body } = row
    const bad = (why: string) =>
      new JournalError({
        reason: "Corrupt",
        message: `could not load orders from ${file}: event seq ${String(seq)} (order ${String(orderId)}, ${String(tag)}) ${why}; the journal was left untouched — restore it from a backup, or move it aside and use another --db`
      })
    if (typeof orderId !== "number" || typeof body !== "string") throw bad("is not a stored event")
    const decoded = decodeEvent(body)
    if (Result.isFailure(decoded)) throw bad(`does not decode: ${oneLine(decoded.failure)}`)
    if (decoded.success._tag !== tag) throw bad(`is filed as ${String(tag)} but holds a ${decoded.success._tag} event`)
    return { orderId, event: decoded.success }
  }

  /** Groups rows into orders, in the order each order first appears. */
  const collect = (rows: Iterable<Record<string, unknown>>): Array<JournaledOrder> => {
    const orders = new Map<
      number,
      { orderId: number; orderRef: string; sent: boolean; events: Array<OrderEvent.OrderEvent> }
    >()
    for (const row of rows) {
      const { orderId, event } = decodeRow(row)
      let o = orders.get(orderId)
      if (o === undefined) {
        const ref = row["order_ref"]
        o = { orderId, orderRef: typeof ref === "string" ? ref : "", sent: row["sent"] === 1, events: [] }
        orders.set(orderId, o)
      }
      o.events.push(event)
    }
    return [...orders.values()]
  }

  const append = Effect.fn("SqliteJournal.append")(function* (entries: ReadonlyArray<JournalEntry>) {
    if (entries.length === 0) return
    const now = yield* Clock.currentTimeMillis
    yield* db.run(`append ${plural(entries.length, "event")} to`, () => {
      const rows = encode(entries)
      db.transaction(() => write(rows, now))
    })
  })

  const appendMany = Effect.fn("SqliteJournal.appendMany")(function* (
    batches: ReadonlyArray<ReadonlyArray<JournalEntry>>
  ) {
    const now = yield* Clock.currentTimeMillis
    return yield* db.run(`append ${plural(batches.length, "batch")} of events to`, () => {
      const encoded = batches.map((b) =>
        Result.try({ try: () => encode(b), catch: (e) => toJournalError(file, "append to", e) })
      )
      return db.transaction(() =>
        encoded.map((rows): Result.Result<void, JournalError> => {
          if (Result.isFailure(rows)) return Result.fail(rows.failure)
          try {
            db.savepoint(() => write(rows.success, now))
            return Result.void
          } catch (e) {
            // A refusal of ours undoes only this batch; anything else (disk full, I/O) has ended the transaction.
            if (e instanceof JournalError && db.connection.isTransaction) return Result.fail(e)
            throw e
          }
        })
      )
    })
  })

  return {
    database: db,
    append,
    appendMany,
    markSent: (orderId) => db.run(`mark order ${orderId} sent in`, () => void db.statement(sql.markSent).run(orderId)),
    loadOrder: (orderId) =>
      db
        .run(`load order ${orderId} from`, () => collect(db.statement(sql.loadOrder).iterate(orderId)))
        .pipe(Effect.map((found) => found[0])),
    loadAll: db
      .run("load orders from", () => collect(db.statement(sql.loadAll).iterate()))
      .pipe(Effect.withSpan("SqliteJournal.loadAll")),
    unsent: db
      .run("load unsent orders from", () => collect(db.statement(sql.unsent).iterate()))
      .pipe(Effect.withSpan("SqliteJournal.unsent")),
    findByRef: (orderRef) =>
      db.run("look up an orderRef in", () => {
        const id = db.statement(sql.findByRef).get(orderRef)?.["order_id"]
        return typeof id === "number" ? id : undefined
      }),
    highestOrderId: db.run("read the highest order id from", () => {
      const h = db.statement(sql.highest).get()?.["highest"]
      return typeof h === "number" && h > 0 ? h : 0
    })
  }
}
