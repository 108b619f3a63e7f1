/**
 * The OrderBook: the one place where order state lives. It folds every broker event through the state machine,
 * journals it, keeps each order's event log, and publishes order updates to watchers.
 *
 * It absorbs what brokers really send: duplicates (ignored by execId / absorbed by the machine), out-of-order events
 * (stale statuses never move an order backwards), and events for an order it has not registered yet (buffered and
 * replayed when the order is created, so fills that beat the acknowledgement are never lost). Events that the machine
 * refuses are kept as anomalies, with the order left at its last good state.
 * @module
 */
import { Order, OrderEvent, OrderStatus, type OrderError } from "@spreads/domain"
import { Clock, Context, Deferred, Effect, Layer, Option, PubSub, Queue, Result, Semaphore, Stream } from "effect"
import { type Deadline, Deadlines } from "./Deadlines.ts"
import { type JournalError, OrderNotFound } from "./Errors.ts"
import * as Wakeups from "./Wakeups.ts"
import { Broker, type BrokerEvent } from "./ports/Broker.ts"
import { Settings } from "./Settings.ts"
import { type JournalEntry, OrderJournal } from "./ports/OrderJournal.ts"

/** An event the state machine refused, kept for inspection. */
export interface Anomaly {
  readonly orderId: number
  readonly event: OrderEvent.OrderEvent
  readonly error: OrderError
}

interface Entry {
  order: Order.Order
  readonly log: Array<OrderEvent.OrderEvent>
}

/** A caller waiting for an order to satisfy `done`. */
interface Waiter extends Deadline {
  readonly orderId: number
  readonly done: (o: Order.Order) => boolean
  readonly resume: (result: Effect.Effect<Option.Option<Order.Order>>) => void
  settled: boolean
}

/** The OrderBook service. */
export class OrderBook extends Context.Service<
  OrderBook,
  {
    /** Registers a new order (its Created event), journaled before it returns. Replays any buffered broker events. */
    readonly create: (
      orderId: number,
      created: Extract<OrderEvent.OrderEvent, { _tag: "Created" }>
    ) => Effect.Effect<Order.Order, JournalError>
    /** Applies one of our own events (a cancel or modify request). Strict: an illegal transition fails. */
    readonly record: (
      orderId: number,
      event: OrderEvent.OrderEvent
    ) => Effect.Effect<Order.Order, OrderError | OrderNotFound | JournalError>
    /** Applies a broker event. Lenient: refused events become anomalies, unknown orders are buffered. */
    readonly ingest: (event: BrokerEvent) => Effect.Effect<void, JournalError>
    /** The order, or OrderNotFound. */
    readonly get: (orderId: number) => Effect.Effect<Order.Order, OrderNotFound>
    /** The order placed under an orderRef, if any. */
    readonly findByRef: (orderRef: string) => Effect.Effect<Option.Option<Order.Order>>
    /** Orders that may still trade (not terminal), in no particular order. Cheap: kept as a set. */
    readonly openOrders: Effect.Effect<ReadonlyArray<Order.Order>>
    /** How many orders may still trade. */
    readonly openCount: Effect.Effect<number>
    /** Every open order and the most recent finished ones (Settings.retainFinishedOrders), by id. */
    readonly list: Effect.Effect<ReadonlyArray<Order.Order>>
    /** The events an order has seen, in arrival order (duplicates included). */
    readonly log: (orderId: number) => Effect.Effect<ReadonlyArray<OrderEvent.OrderEvent>, OrderNotFound>
    /** Events the machine refused. */
    readonly anomalies: Effect.Effect<ReadonlyArray<Anomaly>>
    /** Every order update, hot. */
    readonly changes: Stream.Stream<Order.Order>
    /** The order now, then each update, ending after it reaches a terminal state. */
    readonly watch: (orderId: number) => Stream.Stream<Order.Order, OrderNotFound>
    /**
     * The first state of the order, now or later, that satisfies `done`; None when `timeoutMs` (on the Clock the
     * OrderBook was built with) passes first, or when the order reaches a terminal state that does not satisfy it.
     * Cheap: a wait is a record the OrderBook completes, not a fiber or a stream.
     */
    readonly awaitOrder: (
      orderId: number,
      done: (o: Order.Order) => boolean,
      timeoutMs: number
    ) => Effect.Effect<Option.Option<Order.Order>, OrderNotFound>
  }
>()("@spreads/application/OrderBook") {}

const notFound = (orderId: number) =>
  new OrderNotFound({ orderId, message: `no order with id ${orderId} is known; check the id with \`spreads orders\`` })

/** A first-in first-out queue of ids: `shift` is O(1) (an array's is a copy of the rest once it is long). */
class IdQueue {
  private items: Array<number> = []
  private head = 0

  get size(): number {
    return this.items.length - this.head
  }

  push(id: number): void {
    this.items.push(id)
  }

  /** The oldest id; call only when size > 0. */
  shift(): number {
    const id = this.items[this.head++]!
    if (this.head > 1_024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return id
  }
}

/** Builds the OrderBook over the current Broker and OrderJournal, rebuilding state from the journal first. */
export const make = Effect.gen(function* () {
  const broker = yield* Broker
  const journal = yield* OrderJournal
  const orders = new Map<number, Entry>()
  const byRef = new Map<string, number>()
  const byPermId = new Map<number, number>()
  const orphans = new Map<number, Array<OrderEvent.OrderEvent>>()
  const { retainFinishedOrders } = yield* Settings
  // Finished orders in the order they finished; past the retention limit the oldest leave memory (the journal keeps
  // them). Orphan events are capped the same way, so another client's traffic cannot grow memory without bound.
  const finished = new IdQueue()
  // Ids of orders that may still trade, so risk checks and cancel-all do not scan every order.
  const open = new Set<number>()
  const track = (orderId: number, o: Order.Order) => {
    if (OrderStatus.isOpen(o.status)) open.add(orderId)
    else open.delete(orderId)
  }
  const MAX_ORPHAN_ORDERS = 10_000
  const anomalies: Array<Anomaly> = []
  const pubsub = yield* PubSub.unbounded<Order.Order>()
  const lock = yield* Semaphore.make(1)
  const clock = yield* Clock.Clock
  const scope = yield* Effect.scope

  // Rebuild from the journal: the order state after a restart is the fold of what was recorded.
  for (const j of yield* journal.loadAll) {
    const folded = Order.foldLenient(j.events)
    if (Result.isFailure(folded)) continue
    orders.set(j.orderId, { order: folded.success.order, log: [...j.events] })
    byRef.set(j.orderRef, j.orderId)
    if (OrderStatus.isTerminal(folded.success.order.status)) finished.push(j.orderId)
    track(j.orderId, folded.success.order)
    if (folded.success.order.permId !== undefined) byPermId.set(folded.success.order.permId, j.orderId)
  }

  // Watchers of one order get that order's updates only: with many orders in flight, each update reaches its own
  // watchers instead of being filtered by every watcher of every order.
  const watchers = new Map<number, Set<Queue.Queue<Order.Order>>>()
  const publish = (o: Order.Order): void => {
    const queues = watchers.get(o.orderId)
    if (queues !== undefined) for (const q of queues) Queue.offerUnsafe(q, o)
    const waits = waiting.get(o.orderId)
    if (waits !== undefined) {
      const ended = OrderStatus.isTerminal(o.status)
      for (const w of waits) {
        if (w.done(o)) settle(w, Option.some(o))
        else if (ended) settle(w, Option.none())
      }
    }
    PubSub.publishUnsafe(pubsub, o)
  }

  // Waits: per order, the callers waiting on it; their deadlines in one heap, watched by the sleepers of Wakeups.
  const waiting = new Map<number, Set<Waiter>>()
  const deadlines = new Deadlines<Waiter>()
  /** Takes a wait off the books (settled, or its caller interrupted). */
  const forget = (w: Waiter) => {
    w.settled = true
    deadlines.remove(w)
    const set = waiting.get(w.orderId)
    set?.delete(w)
    if (set?.size === 0) waiting.delete(w.orderId)
  }
  // Settled waits resume their callers only once the lock is released ({@link wakeAll}): a caller resumed inside a
  // critical section runs on at once, and its next OrderBook call would queue on the lock it is still inside of.
  const wakes: Array<{ readonly w: Waiter; readonly result: Option.Option<Order.Order> }> = []
  const settle = (w: Waiter, result: Option.Option<Order.Order>) => {
    if (w.settled) return
    forget(w)
    wakes.push({ w, result })
  }
  const wakeAll = (): void => {
    // A resumed caller runs inline and may settle more waits (and wake them itself): take them a batch at a time.
    while (wakes.length > 0) for (const { w, result } of wakes.splice(0)) w.resume(Effect.succeed(result))
  }
  const resumeWaiters = Effect.sync(wakeAll)
  /**
   * Runs a critical section under the lock, then resumes the callers it settled, whatever the section's exit (an
   * interrupted caller must not leave another's settled wait unresumed: its deadline is already off the books).
   */
  const exclusive = <A, E>(section: Effect.Effect<A, E>): Effect.Effect<A, E> =>
    Effect.ensuring(lock.withPermits(1)(section), resumeWaiters)
  const wakeups = Wakeups.make({
    clock,
    scope,
    now: () => clock.currentTimeMillisUnsafe(),
    wake: Effect.sync(() => {
      const now = clock.currentTimeMillisUnsafe()
      for (let w = deadlines.peek(); w !== undefined && w.at <= now; w = deadlines.peek()) settle(w, Option.none())
      wakeAll()
      return deadlines.peek()?.at
    })
  })

  const awaitOrder = (
    orderId: number,
    done: (o: Order.Order) => boolean,
    timeoutMs: number
  ): Effect.Effect<Option.Option<Order.Order>, OrderNotFound> =>
    Effect.suspend(() => {
      const current = orders.get(orderId)?.order
      if (current === undefined) return Effect.flatMap(get(orderId), (o) => awaitFrom(o, orderId, done, timeoutMs))
      return awaitFrom(current, orderId, done, timeoutMs)
    })

  // The wait itself, from the order's current state.
  const awaitFrom = (
    current: Order.Order,
    orderId: number,
    done: (o: Order.Order) => boolean,
    timeoutMs: number
  ): Effect.Effect<Option.Option<Order.Order>> => {
    if (done(current)) return Effect.succeed(Option.some(current))
    if (OrderStatus.isTerminal(current.status) || timeoutMs <= 0) return Effect.succeed(Option.none())
    const at = Number.isFinite(timeoutMs) ? clock.currentTimeMillisUnsafe() + timeoutMs : Number.POSITIVE_INFINITY
    const wait = Effect.callback<Option.Option<Order.Order>>((resume) => {
      // The runtime may have let another fiber run since `current` was read: judge the order as it is now.
      const latest = orders.get(orderId)?.order ?? current
      if (latest !== current) {
        if (done(latest)) return void resume(Effect.succeed(Option.some(latest)))
        if (OrderStatus.isTerminal(latest.status)) return void resume(Effect.succeed(Option.none()))
      }
      const w: Waiter = { orderId, done, resume, settled: false, at, index: -1 }
      const set = waiting.get(orderId) ?? new Set()
      set.add(w)
      waiting.set(orderId, set)
      if (Number.isFinite(at)) deadlines.push(w)
      // Interrupted: leave no trace.
      return Effect.sync(() => forget(w))
    })
    return Number.isFinite(at) ? Effect.andThen(wakeups.at(at), wait) : wait
  }

  // Moves an entry to its next state and keeps the indexes (permId, open set, finished queue) in step.
  const advance = (orderId: number, entry: Entry, next: Order.Order) => {
    const wasTerminal = OrderStatus.isTerminal(entry.order.status)
    entry.order = next
    if (next.permId !== undefined) byPermId.set(next.permId, orderId)
    if (!wasTerminal && OrderStatus.isTerminal(next.status)) finished.push(orderId)
    track(orderId, next)
  }

  // Applies one event to an entry and adds its journal row to `rows`. Pure bookkeeping, no IO.
  const applyOne = (orderId: number, entry: Entry, event: OrderEvent.OrderEvent, rows: Array<JournalEntry>) => {
    const next = Order.apply(entry.order, event)
    entry.log.push(event)
    rows.push({ orderId, event })
    if (Result.isFailure(next)) anomalies.push({ orderId, event, error: next.failure })
    else advance(orderId, entry, next.success)
  }

  const evict = () => {
    while (finished.size > retainFinishedOrders) {
      const id = finished.shift()
      const entry = orders.get(id)
      if (entry === undefined || !OrderStatus.isTerminal(entry.order.status)) continue
      orders.delete(id)
      byRef.delete(entry.order.combo.orderRef)
      if (entry.order.permId !== undefined) byPermId.delete(entry.order.permId)
    }
  }

  evict()

  // An order that left memory, read back from the journal.
  const recall = (orderId: number) =>
    Effect.gen(function* () {
      const j = yield* journal.loadOrder(orderId).pipe(Effect.orElseSucceed(() => undefined))
      if (j === undefined) return undefined
      const folded = Order.foldLenient(j.events)
      return Result.isSuccess(folded) ? { order: folded.success.order, log: j.events } : undefined
    })

  const resolve = (e: BrokerEvent): number | undefined => {
    if (orders.has(e.orderId)) return e.orderId
    if (e.orderRef !== undefined && e.orderRef !== "") {
      const id = byRef.get(e.orderRef)
      if (id !== undefined) return id
    }
    if (e.permId !== undefined && e.permId !== 0) return byPermId.get(e.permId)
    return undefined
  }

  // The critical sections below are plain code around one journal write: the state changes, the rows go to the
  // journal, then watchers hear of it. The lock keeps writes in the order the state changed.
  const create = (orderId: number, created: Extract<OrderEvent.OrderEvent, { _tag: "Created" }>) =>
    exclusive(
      Effect.suspend(() => {
        const existing = orders.get(orderId)
        if (existing !== undefined) return Effect.succeed(existing.order)
        // Buffered events are folded into the new entry only: the indexes, the anomalies and the orphan buffer change
        // once the journal holds the rows, so a refused write leaves no trace of the order (no phantom open order).
        const entry: Entry = { order: Order.create(created), log: [created] }
        const rows: Array<JournalEntry> = [{ orderId, event: created }]
        const refused: Array<Anomaly> = []
        for (const event of orphans.get(orderId) ?? []) {
          const next = Order.apply(entry.order, event)
          entry.log.push(event)
          rows.push({ orderId, event })
          if (Result.isFailure(next)) refused.push({ orderId, event, error: next.failure })
          else entry.order = next.success
        }
        return Effect.map(journal.append(rows), () => {
          orphans.delete(orderId)
          anomalies.push(...refused)
          orders.set(orderId, entry)
          byRef.set(created.order.orderRef, orderId)
          if (entry.order.permId !== undefined) byPermId.set(entry.order.permId, orderId)
          if (OrderStatus.isTerminal(entry.order.status)) finished.push(orderId)
          track(orderId, entry.order)
          evict()
          publish(entry.order)
          return entry.order
        })
      })
    )

  const record = (orderId: number, event: OrderEvent.OrderEvent) =>
    exclusive(
      Effect.suspend((): Effect.Effect<Order.Order, OrderError | OrderNotFound | JournalError> => {
        const entry = orders.get(orderId)
        if (entry === undefined) return Effect.fail(notFound(orderId))
        const next = Order.apply(entry.order, event)
        if (Result.isFailure(next)) return Effect.fail(next.failure)
        return Effect.map(journal.append([{ orderId, event }]), () => {
          entry.log.push(event)
          advance(orderId, entry, next.success)
          evict()
          publish(entry.order)
          return entry.order
        })
      })
    )

  // Broker events, a batch at a time: one lock, one journal write, then every update published in order.
  const ingestAll = (events: ReadonlyArray<BrokerEvent>) =>
    exclusive(
      Effect.suspend(() => {
        const rows: Array<JournalEntry> = []
        const updates: Array<Order.Order> = []
        for (const e of events) {
          const orderId = resolve(e)
          if (orderId === undefined) {
            // Not ours yet (the Created event is on its way) or another client's: keep it until the order appears.
            const list = orphans.get(e.orderId) ?? []
            list.push(e.event)
            orphans.set(e.orderId, list)
            if (orphans.size > MAX_ORPHAN_ORDERS) orphans.delete(orphans.keys().next().value!)
            continue
          }
          const entry = orders.get(orderId)!
          const before = entry.order
          applyOne(orderId, entry, e.event, rows)
          if (entry.order !== before) updates.push(entry.order)
        }
        if (rows.length === 0) return Effect.void
        return Effect.map(journal.append(rows), () => {
          evict()
          for (const o of updates) publish(o)
        })
      })
    )

  const ingest = (e: BrokerEvent) => ingestAll([e])

  const get = (orderId: number) =>
    Effect.suspend(() => {
      const entry = orders.get(orderId)
      if (entry !== undefined) return Effect.succeed(entry.order)
      return Effect.flatMap(recall(orderId), (r) =>
        r === undefined ? Effect.fail(notFound(orderId)) : Effect.succeed(r.order)
      )
    })

  const watch = (orderId: number): Stream.Stream<Order.Order, OrderNotFound> =>
    Stream.unwrap(
      Effect.gen(function* () {
        // Register before reading the current state, so no update between the two is missed.
        const queue = yield* Queue.unbounded<Order.Order>()
        yield* Effect.acquireRelease(
          Effect.sync(() => {
            const set = watchers.get(orderId) ?? new Set()
            set.add(queue)
            watchers.set(orderId, set)
          }),
          () =>
            Effect.sync(() => {
              const set = watchers.get(orderId)
              set?.delete(queue)
              if (set?.size === 0) watchers.delete(orderId)
            })
        )
        const current = yield* get(orderId)
        const updates = Stream.fromQueue(queue)
        return Stream.concat(Stream.make(current), updates).pipe(
          Stream.takeUntil((o) => OrderStatus.isTerminal(o.status))
        )
      })
    )

  // Consume the broker's events for as long as this layer lives, subscribed before the layer is handed out so that no
  // event published afterwards is missed. A broker with `subscribe` subscribes eagerly; for one with only `events`
  // (which subscribes on its first pull), the consumer fiber is started and given the turn before the layer returns.
  const source = broker.subscribe === undefined ? broker.events : yield* broker.subscribe
  const pull = yield* Stream.toPull(source)
  const started = yield* Deferred.make<void>()
  yield* Effect.forkScoped(
    Deferred.succeed(started, undefined).pipe(
      Effect.andThen(Effect.forever(Effect.flatMap(pull, ingestAll))),
      Effect.catchCause((cause) => Effect.logDebug("OrderBook: broker event stream ended", cause))
    )
  )
  yield* Deferred.await(started)
  yield* Effect.yieldNow

  return OrderBook.of({
    create,
    record,
    ingest,
    get,
    findByRef: (orderRef) =>
      Effect.gen(function* () {
        const id = byRef.get(orderRef)
        const entry = id === undefined ? undefined : orders.get(id)
        if (entry !== undefined) return Option.some(entry.order)
        const journaled = yield* journal.findByRef(orderRef).pipe(Effect.orElseSucceed(() => undefined))
        const recalled = journaled === undefined ? undefined : yield* recall(journaled)
        return recalled === undefined ? Option.none() : Option.some(recalled.order)
      }),
    openOrders: Effect.sync(() => {
      const out: Array<Order.Order> = []
      for (const id of open) {
        const entry = orders.get(id)
        if (entry !== undefined) out.push(entry.order)
      }
      return out
    }),
    openCount: Effect.sync(() => open.size),
    list: Effect.sync(() => [...orders.values()].map((e) => e.order).sort((a, b) => a.orderId - b.orderId)),
    log: (orderId) =>
      Effect.suspend(() => {
        const entry = orders.get(orderId)
        if (entry !== undefined) return Effect.succeed([...entry.log])
        return Effect.flatMap(recall(orderId), (r) =>
          r === undefined ? Effect.fail(notFound(orderId)) : Effect.succeed([...r.log])
        )
      }),
    anomalies: Effect.sync(() => [...anomalies]),
    changes: Stream.fromPubSub(pubsub),
    watch,
    awaitOrder
  })
})

/** The OrderBook as a layer; needs Broker and OrderJournal. */
export const layer = Layer.effect(OrderBook, make)
