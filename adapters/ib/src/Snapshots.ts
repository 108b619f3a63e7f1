/**
 * IB order statuses as domain statuses, and the broker's view of orders (for reconciliation) built from openOrder,
 * orderStatus and completedOrder events.
 * @module
 */
import type { BrokerOrderSnapshot } from "@spreads/application"
import type { ComboOrder, OrderStatus } from "@spreads/domain"
import type { Contract, Order, OrderState } from "@stoqey/ib"

/**
 * IB's status text as a domain status. `filled` > 0 turns a working status into PartiallyFilled. IB's ApiPending is
 * our PendingSubmit; anything unknown is Unknown (to be reconciled), never guessed.
 */
export const toDomainStatus = (status: string | undefined, filled = 0): OrderStatus.OrderStatus => {
  switch (status) {
    case "PendingSubmit":
    case "ApiPending":
      return "PendingSubmit"
    case "PreSubmitted":
      return filled > 0 ? "PartiallyFilled" : "PreSubmitted"
    case "Submitted":
      return filled > 0 ? "PartiallyFilled" : "Submitted"
    case "PendingCancel":
      return "PendingCancel"
    case "Cancelled":
      return "Cancelled"
    case "ApiCancelled":
      return "ApiCancelled"
    case "Filled":
      return "Filled"
    case "Inactive":
      return "Inactive"
    default:
      return "Unknown"
  }
}

/** IB's words for a completed order's final state ("Filled", "Cancelled", ...) as a domain status. */
export const completedStatus = (state: OrderState, filled: number, quantity: number): OrderStatus.OrderStatus => {
  const s = toDomainStatus(state.completedStatus ?? state.status, filled)
  if (s !== "Unknown") return s
  const text = `${state.completedStatus ?? ""} ${state.status ?? ""}`.toLowerCase()
  if (text.includes("fill")) return "Filled"
  if (text.includes("cancel")) return filled >= quantity ? "Filled" : "Cancelled"
  if (text.includes("reject") || text.includes("inactive")) return "Inactive"
  return "Unknown"
}

/** Collects snapshots from the events of one reqAllOpenOrders / reqCompletedOrders answer. */
export class Collector {
  private readonly byId = new Map<number, Mutable>()

  private readonly clientId: number
  private readonly comboOf: (orderId: number) => ComboOrder.ComboOrder | undefined
  private readonly idOf: (permId: number | undefined, orderRef: string | undefined) => number | undefined
  /** Keys of completed orders this session does not know (a previous session's): listed with order id 0. */
  private unknownKey = 0

  constructor(
    clientId: number,
    comboOf: (orderId: number) => ComboOrder.ComboOrder | undefined,
    idOf: (permId: number | undefined, orderRef: string | undefined) => number | undefined = () => undefined
  ) {
    this.clientId = clientId
    this.comboOf = comboOf
    this.idOf = idOf
  }

  /** An openOrder of this client (others are skipped: their ids live in their own number space). */
  openOrder(orderId: number, order: Order, state: OrderState): void {
    if (!this.mine(orderId, order.clientId)) return
    if (order.whatIf === true) return
    const s = this.entry(orderId)
    s.orderRef = order.orderRef ?? s.orderRef
    if (typeof order.permId === "number" && order.permId > 0) s.permId = order.permId
    s.ibStatus = state.status ?? s.ibStatus
    s.quantity = order.totalQuantity ?? s.quantity
  }

  orderStatus(
    orderId: number,
    status: string,
    filled: number,
    remaining: number,
    permId?: number,
    clientId?: number
  ): void {
    if (!this.mine(orderId, clientId)) return
    const s = this.byId.get(orderId)
    if (s === undefined) return
    s.ibStatus = status
    s.filled = filled
    s.remaining = remaining
    if (typeof permId === "number" && permId > 0) s.permId = permId
  }

  /**
   * A completedOrder: status and filled quantity are in the order itself. IB's decoder reads neither the order id nor
   * the client id of a completed order, so it is recognised by permId or orderRef; one this session never saw (placed
   * by a previous run) is still listed, under order id 0, for reconcile to match by its orderRef.
   */
  completedOrder(contract: Contract, order: Order, state: OrderState): void {
    void contract
    const given = order.orderId ?? 0
    const orderId = given > 0 && this.mine(given, order.clientId) ? given : this.idOf(order.permId, order.orderRef)
    if (orderId === undefined && (order.orderRef ?? "") === "") return
    const s = this.entry(orderId ?? --this.unknownKey)
    s.orderRef = order.orderRef ?? s.orderRef
    if (typeof order.permId === "number" && order.permId > 0) s.permId = order.permId
    const quantity = order.totalQuantity ?? 0
    const filled = order.filledQuantity ?? 0
    s.quantity = quantity
    s.filled = filled
    s.remaining = Math.max(0, quantity - filled)
    s.final = completedStatus(state, filled, quantity)
  }

  snapshots(): ReadonlyArray<BrokerOrderSnapshot> {
    return [...this.byId.entries()]
      .sort(([a], [b]) => a - b)
      .map(([key, s]) => {
        const orderId = Math.max(0, key)
        const quantity = s.quantity ?? s.filled + s.remaining
        const remaining = s.ibStatus === undefined && s.final === undefined ? quantity - s.filled : s.remaining
        const combo = this.comboOf(orderId)
        return {
          orderId,
          orderRef: s.orderRef ?? "",
          ...(s.permId === undefined ? {} : { permId: s.permId }),
          status: s.final ?? toDomainStatus(s.ibStatus, s.filled),
          filled: s.filled,
          remaining: s.filled === 0 && remaining === 0 ? quantity : remaining,
          ...(combo === undefined ? {} : { order: combo })
        }
      })
  }

  private mine(orderId: number, clientId: number | undefined): boolean {
    return orderId > 0 && (clientId === undefined || clientId === this.clientId)
  }

  private entry(orderId: number): Mutable {
    let s = this.byId.get(orderId)
    if (s === undefined) {
      s = { filled: 0, remaining: 0 }
      this.byId.set(orderId, s)
    }
    return s
  }
}

interface Mutable {
  orderRef?: string | undefined
  permId?: number | undefined
  ibStatus?: string | undefined
  final?: OrderStatus.OrderStatus | undefined
  quantity?: number | undefined
  filled: number
  remaining: number
}
