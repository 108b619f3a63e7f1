/**
 * The durable OrderJournal on node:sqlite. Same contract as the in-memory journal (InMemoryJournal.ts), plus:
 * - an append is one transaction: all of its entries are stored, or none (an entry that does not encode, a refused
 *   orderRef or a full disk leaves the journal as it was);
 * - every event is stored as JSON by the event schema and decoded by it on load; a row that does not decode is
 *   reported as `Corrupt`, naming its seq — never skipped, never rewritten;
 * - an orderRef belongs to one order: journaling a second order under it is refused as `Conflict`, as the in-memory
 *   journal does. That is the last guard of exactly-once submission.
 * @module
 */
import { JournalError, type JournaledOrder, type JournalEntry, OrderJournal, traced } from "@spreads/application"
import { OrderEvent } from "@spreads/domain"
import type { SQLInputValue, SQLOutputValue, StatementSync } from "node:sqlite"
import { Clock, Effect, Layer, Result, Schema, type Scope } from "effect"
import { SchemaJITCompiler } from "effect/schema"
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

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, " ")
const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`

// The event schema's JSON codec, with JSON text handled apart: faster than Schema.fromJsonString on the hot paths.
const EventJson = Schema.toCodecJson(OrderEvent.OrderEvent)
const encodeJson = Schema.encodeUnknownResult(EventJson)
const decodeJson = Schema.decodeUnknownResult(EventJson)

const encodeEvent = (event: unknown): Result.Result<string, string> => {
  const json = encodeJson(event)
  return Result.isSuccess(json) ? Result.succeed(JSON.stringify(json.success)) : Result.fail(json.failure.message)
}

type Tag = OrderEvent.OrderEventTag

/**
 * One decoder per event tag, built once: the JSON codec of that member of the union, compiled by Schema's JIT compiler
 * (generated code for the same decoding, about a third faster than the interpreter; where `new Function` is blocked
 * it keeps interpreting). A row's `tag` column picks the decoder, so a load skips the union's dispatch. Each is
 * Schema's synchronous decoder, its fastest path; it throws on a value that does not decode, and only then is the
 * row decoded again through the union for Schema's readable message.
 */
const memberDecoders: ReadonlyMap<string, (json: unknown) => OrderEvent.OrderEvent> = new Map(
  (Object.keys(OrderEvent.OrderEvent.cases) as Array<Tag>).map((tag) => {
    const member: Schema.Codec<OrderEvent.OrderEvent, unknown> = OrderEvent.OrderEvent.cases[tag]
    const codec = Schema.toCodecJson(member)
    SchemaJITCompiler.enable(codec.ast)
    return [tag, Schema.decodeUnknownSync(codec)] as const
  })
)

/** The event stored in `body` under `tag`; throws a {@link Refusal} saying why the row is not one. */
const decodeEvent = (tag: unknown, body: string): OrderEvent.OrderEvent => {
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch (e) {
    throw new Refusal(`does not decode: it is not JSON (${e instanceof Error ? e.message : String(e)})`)
  }
  const decode = typeof tag === "string" ? memberDecoders.get(tag) : undefined
  if (decode !== undefined && typeof json === "object" && json !== null && "_tag" in json && json._tag === tag) {
    try {
      return decode(json)
    } catch {
      // Decoded again below, through the union, for Schema's full message.
    }
  }
  const event = decodeJson(json)
  if (Result.isFailure(event)) throw new Refusal(`does not decode: ${oneLine(event.failure.message)}`)
  if (event.success._tag === tag) return event.success
  throw new Refusal(`is filed as ${String(tag)} but holds a ${event.success._tag} event`)
}

/** Why a stored row is not an event; the loader turns it into a `Corrupt` JournalError naming the row. */
class Refusal {
  readonly why: string
  constructor(why: string) {
    this.why = why
  }
}

/** An entry ready to store. */
interface Row {
  readonly orderId: number
  readonly tag: string
  readonly ref: string | null
  readonly body: string
}

/** Rows read per call when loading everything. */
const PAGE = 4096

/** An order being loaded. */
interface Loaded {
  readonly orderId: number
  readonly orderRef: string
  readonly sent: boolean
  readonly events: Array<OrderEvent.OrderEvent>
}

/** Builds the journal on an open database. */
export function fromDatabase(db: JournalDatabase.Database): SqliteJournal {
  const file = db.path
  const sql = {
    insertOrder: `INSERT INTO orders (order_id, order_ref, sent, created_at) VALUES (?, ?, 0, ?)
      ON CONFLICT (order_id) DO NOTHING`,
    insertEvent: "INSERT INTO events (order_id, tag, body) VALUES (?, ?, ?)",
    markSent: "UPDATE orders SET sent = 1 WHERE order_id = ?",
    // Reads: events in append order (a plain scan of the table), grouped by order in memory.
    allOrders: "SELECT order_id, order_ref, sent FROM orders",
    allEvents: `SELECT order_id, seq, tag, body FROM events WHERE seq >= ? ORDER BY seq LIMIT ${PAGE}`,
    unsentOrders: "SELECT order_id, order_ref, sent FROM orders WHERE sent = 0",
    unsentEvents: `SELECT e.order_id, e.seq, e.tag, e.body FROM orders o
      JOIN events e ON e.order_id = o.order_id WHERE o.sent = 0 ORDER BY e.seq`,
    oneOrder: "SELECT order_id, order_ref, sent FROM orders WHERE order_id = ?",
    oneOrderEvents: "SELECT order_id, seq, tag, body FROM events WHERE order_id = ? ORDER BY seq",
    findByRef: "SELECT order_id FROM orders WHERE order_ref = ?",
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
      reason: "Conflict",
      message: `refused to journal order ${r.orderId} in ${file}: its orderRef ${JSON.stringify(r.ref)} already belongs to order ${String(owner)}, and an orderRef is placed only once; nothing was written`
    })
  }

  /**
   * Reads events (`order_id, seq, tag, body` rows, in append order, page by page) into orders, decoding each row as
   * it comes: rows as arrays from prepared statements, one decoder per tag, no Effect per row. `owners` gives each
   * order's orderRef and sent flag; orders come out in the order each first appears.
   */
  const collect = (
    pages: Iterable<ReadonlyArray<ReadonlyArray<SQLOutputValue>>>,
    owners: ReadonlyMap<number, { readonly orderRef: string; readonly sent: boolean }>
  ): Array<JournaledOrder> => {
    const orders = new Map<number, Loaded>()
    let last: Loaded | undefined
    for (const page of pages) {
      for (const row of page) {
        const orderId = row[0]
        const body = row[3]
        let o = last !== undefined && last.orderId === orderId ? last : undefined
        if (o === undefined) {
          if (typeof orderId !== "number") throw corruptRow(row, "is not a stored event")
          o = orders.get(orderId)
          if (o === undefined) {
            const owner = owners.get(orderId)
            if (owner === undefined) {
              throw corruptRow(row, `belongs to order ${orderId}, which the journal does not record`)
            }
            o = { orderId, orderRef: owner.orderRef, sent: owner.sent, events: [] }
            orders.set(orderId, o)
          }
          last = o
        }
        if (typeof body !== "string") throw corruptRow(row, "is not a stored event")
        try {
          o.events.push(decodeEvent(row[2], body))
        } catch (e) {
          throw e instanceof Refusal ? corruptRow(row, e.why) : e
        }
      }
    }
    return [...orders.values()]
  }

  const corruptRow = (row: ReadonlyArray<SQLOutputValue>, why: string) =>
    new JournalError({
      reason: "Corrupt",
      message: `could not load orders from ${file}: event seq ${String(row[1])} (order ${String(row[0])}, ${String(row[2])}) ${oneLine(why)}; the journal was left untouched — restore it from a backup, or move it aside and use another --db`
    })

  /** A statement that returns rows as arrays (cheaper than one object per row). */
  const arrays = (query: string): StatementSync => {
    const s = db.statement(query)
    s.setReturnArrays(true)
    return s
  }
  /** Every row of a statement. */
  const rowsOf = (s: StatementSync, ...params: Array<SQLInputValue>): ReadonlyArray<ReadonlyArray<SQLOutputValue>> =>
    // setReturnArrays(true) makes each row an array; node's typings still describe objects.
    s.all(...params) as Array<unknown> as ReadonlyArray<ReadonlyArray<SQLOutputValue>>

  /**
   * Every event in append order, a page at a time (a page per call is cheaper than a call per row, and holds little
   * memory). Run inside one read transaction, so that the pages are one snapshot.
   */
  function* allEventPages(): Iterable<ReadonlyArray<ReadonlyArray<SQLOutputValue>>> {
    const s = arrays(sql.allEvents)
    // seq is an integer rowid: start below any, then continue after the last one read.
    let from: number | bigint = -(2n ** 63n)
    for (;;) {
      const page = rowsOf(s, from)
      if (page.length > 0) yield page
      const last = page[page.length - 1]?.[1]
      if (page.length < PAGE || typeof last !== "number") return
      from = last + 1
    }
  }

  /** Runs `body` in a read transaction (one snapshot of the file), unless a transaction is already open. */
  const snapshot = <A>(body: () => A): A => {
    const conn = db.connection
    if (conn.isTransaction) return body()
    conn.exec("BEGIN")
    let a: A
    try {
      a = body()
    } catch (e) {
      try {
        if (conn.isTransaction) conn.exec("ROLLBACK")
      } catch {
        // The first error is the one to report.
      }
      throw e
    }
    conn.exec("COMMIT")
    return a
  }

  /** The orderRef and sent flag of the orders a query selects (`order_id, order_ref, sent` rows). */
  const ownersOf = (rows: ReadonlyArray<ReadonlyArray<SQLOutputValue>>) => {
    const owners = new Map<number, { readonly orderRef: string; readonly sent: boolean }>()
    for (const [orderId, ref, sent] of rows) {
      if (typeof orderId === "number")
        owners.set(orderId, { orderRef: typeof ref === "string" ? ref : "", sent: sent === 1 })
    }
    return owners
  }

  const loadAll = (): ReadonlyArray<JournaledOrder> =>
    snapshot(() => collect(allEventPages(), ownersOf(rowsOf(arrays(sql.allOrders))))).sort(
      (a, b) => a.orderId - b.orderId
    )

  const append = traced("SqliteJournal.append")(
    Effect.fnUntraced(function* (entries: ReadonlyArray<JournalEntry>) {
      if (entries.length === 0) return
      const now = yield* Clock.currentTimeMillis
      yield* db.run(`append ${plural(entries.length, "event")} to`, () => {
        const rows = encode(entries)
        db.transaction(() => write(rows, now))
      })
    })
  )

  const appendMany = traced("SqliteJournal.appendMany")(
    Effect.fnUntraced(function* (batches: ReadonlyArray<ReadonlyArray<JournalEntry>>) {
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
  )

  return {
    database: db,
    append,
    appendMany,
    markSent: (orderId) => db.run(`mark order ${orderId} sent in`, () => void db.statement(sql.markSent).run(orderId)),
    loadOrder: (orderId) =>
      db.run(
        `load order ${orderId} from`,
        (): JournaledOrder | undefined =>
          collect([rowsOf(arrays(sql.oneOrderEvents), orderId)], ownersOf(rowsOf(arrays(sql.oneOrder), orderId)))[0]
      ),
    loadAll: db.run("load orders from", loadAll).pipe(Effect.withSpan("SqliteJournal.loadAll")),
    unsent: db
      .run("load unsent orders from", () =>
        collect([rowsOf(arrays(sql.unsentEvents))], ownersOf(rowsOf(arrays(sql.unsentOrders))))
      )
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
