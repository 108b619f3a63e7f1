/**
 * The server's orders and executions, and how messages about them reach clients.
 *
 * {@link OrderStore} is what the server knows about orders: records by id, executions by execId, permIds, and the
 * queue of finished orders. It belongs to the server's {@link ServerMemory}, so it outlives one listening socket:
 * a server restarted in front of the same broker picks it up again. Finished orders are kept up to a cap, oldest
 * evicted first (with their executions), so a long run holds a bounded number of orders.
 *
 * {@link OrderState} is one running server's view of the store: delivery to the owner's connection and to bound
 * connections, through the quirks that change what TWS sends (duplicate ORDER_STATUS, acknowledgements held back
 * until the first execution).
 * @module
 */
import type { Clients } from "./Clients.ts"
import {
  commissionOf,
  type ExecutionEntry,
  executionOf,
  isDone,
  openOrderOf,
  type OrderRecord,
  orderStatusOf
} from "./OrderRecord.ts"
import type { Quirks } from "./Quirks.ts"
import type { WireOrderState } from "./wire/Types.ts"
import type { WireFields } from "./wire/Values.ts"

/** Finished orders a store keeps by default (oldest evicted first). */
export const DEFAULT_MAX_FINISHED_ORDERS = 10_000

/**
 * Orders by id and executions by execId, kept across server restarts. Invariants: an execution is kept only while
 * its order is; at most `maxFinished` finished orders are kept; a permId is never handed out twice.
 */
export class OrderStore {
  /** Every order kept, by order id. */
  readonly records = new Map<number, OrderRecord>()
  private readonly byExecId = new Map<string, ExecutionEntry>()
  private readonly execIdsByOrder = new Map<number, Array<string>>()
  /** Finished order ids, oldest first, with the time each finished. */
  private readonly finished = new Map<number, number>()
  private nextPermId: number
  private readonly maxFinished: number

  /**
   * @param firstPermId the first permId handed out
   * @param maxFinished finished orders kept at most (at least 0); the oldest finished is evicted first
   */
  constructor(firstPermId: number, maxFinished: number = DEFAULT_MAX_FINISHED_ORDERS) {
    this.nextPermId = firstPermId
    this.maxFinished = Math.max(0, Math.floor(maxFinished))
  }

  /** A fresh permId: unique and non-zero (IBApiNext matches order messages on it). */
  permId(): number {
    return this.nextPermId++
  }

  /** Executions kept, in arrival order. */
  executions(): IterableIterator<ExecutionEntry> {
    return this.byExecId.values()
  }

  /** Records an execution (once per execId); false when the execId was already seen. */
  addExecution(e: ExecutionEntry): boolean {
    const execId = e.execution.execId
    if (this.byExecId.has(execId)) return false
    this.byExecId.set(execId, e)
    const list = this.execIdsByOrder.get(e.execution.orderId)
    if (list === undefined) this.execIdsByOrder.set(e.execution.orderId, [execId])
    else list.push(execId)
    return true
  }

  /** The execution with `execId`, if kept. */
  execution(execId: string): ExecutionEntry | undefined {
    return this.byExecId.get(execId)
  }

  /** When the order finished (Clock ms), if it has. */
  finishedAt(orderId: number): number | undefined {
    return this.finished.get(orderId)
  }

  /** Finished orders kept, oldest first. */
  finishedOrders(): ReadonlyArray<OrderRecord> {
    const out: Array<OrderRecord> = []
    for (const id of this.finished.keys()) {
      const r = this.records.get(id)
      if (r !== undefined) out.push(r)
    }
    return out
  }

  /**
   * Notes that `r` may have finished (at `now`): a finished order joins the queue once, and the oldest finished
   * orders beyond the cap are forgotten with their executions. Returns the ids evicted.
   */
  settle(r: OrderRecord, now: number): ReadonlyArray<number> {
    if (!isDone(r.status) || this.finished.has(r.orderId) || this.records.get(r.orderId) !== r) return []
    this.finished.set(r.orderId, now)
    const evicted: Array<number> = []
    for (const id of this.finished.keys()) {
      if (this.finished.size <= this.maxFinished) break
      this.forget(id)
      evicted.push(id)
    }
    return evicted
  }

  private forget(orderId: number): void {
    this.finished.delete(orderId)
    this.records.delete(orderId)
    for (const execId of this.execIdsByOrder.get(orderId) ?? []) this.byExecId.delete(execId)
    this.execIdsByOrder.delete(orderId)
  }
}

/** One running server's view of the store, and delivery. */
export class OrderState {
  private readonly store: OrderStore
  private readonly clients: Clients
  private readonly quirks: () => Quirks

  constructor(store: OrderStore, clients: Clients, quirks: () => Quirks) {
    this.store = store
    this.clients = clients
    this.quirks = quirks
  }

  /** Orders by id. */
  get records(): Map<number, OrderRecord> {
    return this.store.records
  }

  /** Executions kept, in arrival order. */
  executions(): IterableIterator<ExecutionEntry> {
    return this.store.executions()
  }

  /** A fresh permId: unique and non-zero (IBApiNext matches order messages on it). */
  permId(): number {
    return this.store.permId()
  }

  /** The quirks now in force. */
  get current(): Quirks {
    return this.quirks()
  }

  /** See {@link OrderStore.settle}. */
  settle(r: OrderRecord, now: number): ReadonlyArray<number> {
    return this.store.settle(r, now)
  }

  /** Finished orders kept, oldest first. */
  finishedOrders(): ReadonlyArray<OrderRecord> {
    return this.store.finishedOrders()
  }

  /** When the order finished (Clock ms), if it has. */
  finishedAt(orderId: number): number | undefined {
    return this.store.finishedAt(orderId)
  }

  /** Sends order messages to the order's audience, or holds them (executions-before-OPEN_ORDER quirk). */
  deliver(r: OrderRecord, messages: ReadonlyArray<WireFields>): void {
    if (r.held !== undefined) {
      r.held.push(...messages)
      return
    }
    for (const peer of this.clients.audience(r.clientId)) for (const m of messages) peer.sendOrder(m)
  }

  /** Sends execution messages, never held: they are what a held acknowledgement waits for. */
  deliverNow(r: OrderRecord, messages: ReadonlyArray<WireFields>): void {
    for (const peer of this.clients.audience(r.clientId)) for (const m of messages) peer.sendOrder(m)
  }

  /** Releases held messages, if any. */
  release(r: OrderRecord): void {
    const held = r.held
    if (held === undefined) return
    r.held = undefined
    this.deliver(r, held)
  }

  /** ORDER_STATUS (twice under the duplicate quirk). */
  statusMessages(r: OrderRecord): ReadonlyArray<WireFields> {
    const status = orderStatusOf(r, this.quirks())
    return this.quirks().duplicateOrderStatus ? [status, status] : [status]
  }

  /** OPEN_ORDER then ORDER_STATUS, as TWS reports a change of an order. */
  openAndStatus(r: OrderRecord, state?: Partial<WireOrderState>): ReadonlyArray<WireFields> {
    r.announced = true
    return [openOrderOf(r, this.quirks(), state), ...this.statusMessages(r)]
  }

  /** Records an execution (once per execId); false when the execId was already seen. */
  addExecution(e: ExecutionEntry): boolean {
    return this.store.addExecution(e)
  }

  /** The execution with `execId`, if kept. */
  execution(execId: string): ExecutionEntry | undefined {
    return this.store.execution(execId)
  }

  /** EXECUTION_DATA (+ COMMISSION_REPORT when known) of an execution for `reqId`. */
  executionMessages(reqId: number, e: ExecutionEntry): ReadonlyArray<WireFields> {
    const c = commissionOf(e)
    return c === undefined ? [executionOf(reqId, e)] : [executionOf(reqId, e), c]
  }
}
