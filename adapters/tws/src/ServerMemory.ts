/**
 * What a TWS simulator server knows that must outlive its listening socket: its orders (records, permIds, the
 * clientId that owns each, executions), its order ids and its contract book. A real TWS keeps orders when its API
 * clients reconnect, and resolves every conId; so a server restarted in front of the same broker takes over the
 * memory of the one before it ({@link ServerMemory.lease}), and then catches up with what the broker did while no
 * server was listening ({@link catchUp}).
 *
 * One memory serves one running server at a time: a second server started in front of the same broker while the
 * first still runs gets a fresh memory of its own (as before there was any memory).
 * @module
 */
import type { Broker, BrokerExecution, BrokerOrderSnapshot } from "@spreads/application"
import { type ComboOrder, Price } from "@spreads/domain"
import { applyBrokerEvent, type EventContext } from "./BrokerEvents.ts"
import { ContractBook } from "./ContractBook.ts"
import { OrderIds } from "./OrderIds.ts"
import { isDone, type OrderRecord, type TwsStatus } from "./OrderRecord.ts"
import { OrderStore } from "./OrderState.ts"

/** How a memory is made, when a broker has none yet. */
export interface MemorySettings {
  readonly firstOrderId: number
  readonly idBlockSize: number
  readonly firstPermId: number
  readonly maxFinishedOrders: number
}

const memories = new WeakMap<Broker["Service"], ServerMemory>()

/** Orders, ids and contracts of the servers in front of one broker. */
export class ServerMemory {
  readonly store: OrderStore
  readonly ids: OrderIds
  readonly book: ContractBook
  private holder: symbol | undefined

  constructor(broker: Broker["Service"], settings: MemorySettings) {
    this.store = new OrderStore(settings.firstPermId, settings.maxFinishedOrders)
    this.ids = new OrderIds(settings.firstOrderId, settings.idBlockSize)
    this.book = new ContractBook(broker)
  }

  /**
   * The memory of the servers in front of `broker`, leased to one server until `release` is called: the one left
   * by the last server that stopped, or a new one (`settings` apply only then). When another server holds it, a
   * fresh, unshared memory is returned. `restored` tells whether an earlier server's memory was taken over.
   */
  static lease(
    broker: Broker["Service"],
    settings: MemorySettings
  ): { readonly memory: ServerMemory; readonly restored: boolean; readonly release: () => void } {
    const existing = memories.get(broker)
    if (existing !== undefined && existing.holder !== undefined) {
      return { memory: new ServerMemory(broker, settings), restored: false, release: () => undefined }
    }
    const memory = existing ?? new ServerMemory(broker, settings)
    if (existing === undefined) memories.set(broker, memory)
    const token = Symbol("lease")
    memory.holder = token
    return {
      memory,
      restored: existing !== undefined,
      release: () => {
        if (memory.holder === token) memory.holder = undefined
      }
    }
  }
}

/** The TWS status a broker's final status stands for. */
const finalStatus = (s: BrokerOrderSnapshot["status"]): TwsStatus | undefined => {
  switch (s) {
    case "Filled":
      return "Filled"
    case "Cancelled":
      return "Cancelled"
    case "ApiCancelled":
      return "ApiCancelled"
    case "Rejected":
    case "Inactive":
      return "Inactive"
    default:
      return undefined
  }
}

const sameTerms = (a: ComboOrder.ComboOrder, b: ComboOrder.ComboOrder): boolean =>
  a.quantity === b.quantity &&
  a.orderType === b.orderType &&
  (a.limitPrice === undefined || b.limitPrice === undefined
    ? a.limitPrice === b.limitPrice
    : Price.formatNet(a.limitPrice) === Price.formatNet(b.limitPrice))

/** What a catch-up changed, for the log. */
export interface CatchUp {
  readonly orders: number
  readonly executions: number
  readonly statuses: number
}

/**
 * Brings a restored memory up to date with the broker: executions reported while no server listened are recorded
 * (once per execId), orders that finished meanwhile take their final status, an acknowledgement or a modify the
 * broker confirmed meanwhile is applied; the legs of the broker's orders join the contract book. Messages held by a stopped server (quirks) are dropped: their
 * connections are gone. Nothing is sent (no client is connected yet); clients learn the state when they ask
 * (REQ_OPEN_ORDERS, REQ_EXECUTIONS, REQ_COMPLETED_ORDERS). Idempotent: events the running server also receives
 * are deduplicated.
 */
export const catchUp = (
  ctx: EventContext,
  view: { readonly snapshots: ReadonlyArray<BrokerOrderSnapshot>; readonly executions: ReadonlyArray<BrokerExecution> }
): CatchUp => {
  const { orders } = ctx
  let executions = 0
  let statuses = 0
  for (const r of orders.records.values()) r.held = undefined
  // The legs of every order the broker holds are listed contracts: their conIds resolve from now on.
  for (const s of view.snapshots) for (const leg of s.order?.spread.legs ?? []) ctx.book.remember(leg.contract)
  for (const x of view.executions) {
    const r = orders.records.get(x.orderId)
    if (r === undefined) continue
    const before = r.filled
    const seen =
      x.event._tag === "Filled" ? r.execIds.has(x.event.execId) : orders.execution(x.event.execId) !== undefined
    if (seen) continue
    applyBrokerEvent(ctx, { orderId: x.orderId, orderRef: x.orderRef, event: x.event })
    executions++
    if (r.filled !== before) statuses++
  }
  for (const s of view.snapshots) {
    const r: OrderRecord | undefined = orders.records.get(s.orderId)
    if (r === undefined || isDone(r.status)) continue
    if (r.pending !== undefined && s.order !== undefined && sameTerms(r.pending.combo, s.order)) {
      r.order = r.pending.order
      r.combo = r.pending.combo
      r.pending = undefined
    }
    const final = finalStatus(s.status)
    if (final !== undefined) {
      if (final === "Filled") r.filled = Math.max(r.filled, Math.min(s.filled, r.order.totalQuantity))
      r.status = final
      r.beforeCancel = undefined
      r.pending = undefined
      statuses++
    } else if (r.status === "PendingSubmit" && (s.status === "PreSubmitted" || s.status === "Submitted")) {
      r.status = s.status
      statuses++
    } else if (r.status === "PendingSubmit" && (s.status === "PartiallyFilled" || s.filled > 0)) {
      r.status = "Submitted"
      statuses++
    }
    orders.settle(r, ctx.now())
  }
  return { orders: orders.records.size, executions, statuses }
}
