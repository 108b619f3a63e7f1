/**
 * The server's orders and executions, and how messages about them reach clients: to the owner's connection and to
 * bound connections, through the quirks that change what TWS sends (duplicate ORDER_STATUS, acknowledgements held
 * back until the first execution).
 * @module
 */
import type { Clients } from "./Clients.ts"
import {
  commissionOf,
  type ExecutionEntry,
  executionOf,
  openOrderOf,
  type OrderRecord,
  orderStatusOf
} from "./OrderRecord.ts"
import type { Quirks } from "./Quirks.ts"
import type { WireOrderState } from "./wire/Types.ts"
import type { WireFields } from "./wire/Values.ts"

/** Orders by id, executions in arrival order, and delivery. */
export class OrderState {
  readonly records = new Map<number, OrderRecord>()
  readonly executions: Array<ExecutionEntry> = []
  private readonly byExecId = new Map<string, ExecutionEntry>()
  private nextPermId: number
  private readonly clients: Clients
  private readonly quirks: () => Quirks

  constructor(clients: Clients, quirks: () => Quirks, firstPermId: number) {
    this.clients = clients
    this.quirks = quirks
    this.nextPermId = firstPermId
  }

  /** A fresh permId: unique and non-zero (IBApiNext matches order messages on it). */
  permId(): number {
    return this.nextPermId++
  }

  /** The quirks now in force. */
  get current(): Quirks {
    return this.quirks()
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
    if (this.byExecId.has(e.execution.execId)) return false
    this.byExecId.set(e.execution.execId, e)
    this.executions.push(e)
    return true
  }

  /** The execution with `execId`, if reported. */
  execution(execId: string): ExecutionEntry | undefined {
    return this.byExecId.get(execId)
  }

  /** EXECUTION_DATA (+ COMMISSION_REPORT when known) of an execution for `reqId`. */
  executionMessages(reqId: number, e: ExecutionEntry): ReadonlyArray<WireFields> {
    const c = commissionOf(e)
    return c === undefined ? [executionOf(reqId, e)] : [executionOf(reqId, e), c]
  }
}
