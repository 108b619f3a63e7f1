/**
 * Losing and regaining contact, over the reducer's order records.
 *
 * - Socket loss: every live order gets ContactLost (the OrderBook shows it Unknown until the broker says more).
 * - After the reconnect the adapter lists IB's open orders, completed orders and executions (the executions flow
 *   through the reducer first, so missed fills are already published), then {@link reconciled} settles every order
 *   that lost contact, and every order IB reports final, with a Reconciled status.
 * - A cancel asked just before the drop may have died with the socket: {@link lostCancels} names the orders IB still
 *   lists as working, for the adapter to cancel again.
 * @module
 */
import type { BrokerEvent, BrokerOrderSnapshot } from "@spreads/application"
import { OrderStatus } from "@spreads/domain"
import type { ReconcileView } from "./IbEvent.ts"
import { brokerEvent, type OrderInfo } from "./OrderInfo.ts"
import { toDomainStatus } from "./Snapshots.ts"

type Orders = ReadonlyMap<number, OrderInfo>

/** ContactLost for every live order not already marked. */
export const contactLost = (orders: Orders, at: number): ReadonlyArray<BrokerEvent> => {
  const out: Array<BrokerEvent> = []
  for (const [orderId, info] of orders) {
    if (info.terminal !== undefined || info.contactLost) continue
    info.contactLost = true
    out.push(brokerEvent(orderId, info, { _tag: "ContactLost", at }))
  }
  return out
}

/**
 * Orders IB lists as working although a cancel was asked before contact was lost: the cancel died with the socket
 * and must be sent again (a cancel is safe to repeat; one IB already holds shows as PendingCancel and is left alone).
 */
export const lostCancels = (orders: Orders, open: ReadonlyArray<BrokerOrderSnapshot>): ReadonlyArray<number> =>
  open
    .filter((s) => {
      const info = orders.get(s.orderId)
      return (
        info !== undefined &&
        info.terminal === undefined &&
        info.contactLost &&
        info.pending === "cancel" &&
        OrderStatus.isWorking(s.status)
      )
    })
    .map((s) => s.orderId)

const find = (list: ReadonlyArray<BrokerOrderSnapshot>, orderId: number, info: OrderInfo) =>
  list.find((s) => s.orderId === orderId) ??
  (info.orderRef === undefined ? undefined : list.find((s) => s.orderRef !== "" && s.orderRef === info.orderRef))

/**
 * What IB's view says an order's status is, or undefined when nothing needs saying:
 * - reported final by IB: that status;
 * - listed open: its status, for an order that lost contact (PendingCancel when its lost cancel was sent again);
 * - listed nowhere: Filled when its executions add up; else Cancelled when a cancel was asked, or when IB had
 *   acknowledged it and could not list completed orders (IB drops only finished orders from the open list); else
 *   Unknown (it may never have reached IB). An order just placed and not yet acknowledged is left alone.
 */
const statusOf = (info: OrderInfo, view: ReconcileView, orderId: number): OrderStatus.OrderStatus | undefined => {
  const open = find(view.open, orderId, info)
  const done = find(view.completed, orderId, info)
  if (done !== undefined && OrderStatus.isTerminal(done.status)) return done.status
  if (open !== undefined) {
    if (!info.contactLost) return undefined
    return info.pending === "cancel" && OrderStatus.isWorking(open.status) ? "PendingCancel" : open.status
  }
  if (info.quantity !== undefined && info.comboFilled >= info.quantity) return "Filled"
  if (info.pending === "new" && !info.contactLost) return undefined
  if (info.cancelRequested) return "Cancelled"
  return !view.completedFromIb && info.ibStatus !== undefined ? "Cancelled" : "Unknown"
}

/**
 * Reconciled statuses from the broker's view (see {@link statusOf}); a modify IB never confirmed before the drop is
 * reported as lost (a Warning: the old terms are live).
 */
export const reconciled = (orders: Orders, view: ReconcileView, at: number): ReadonlyArray<BrokerEvent> => {
  const out: Array<BrokerEvent> = []
  for (const [orderId, info] of orders) {
    if (info.terminal !== undefined) continue
    const status = statusOf(info, view, orderId)
    const lostModify = info.contactLost && info.pending === "modify"
    info.contactLost = false
    if (lostModify) {
      info.pending = undefined
      info.modifyTo = undefined
    }
    if (status === undefined) continue
    if (OrderStatus.isTerminal(status)) info.terminal = status
    out.push(brokerEvent(orderId, info, { _tag: "Reconciled", at, status }))
    if (lostModify && !OrderStatus.isTerminal(status)) {
      out.push(
        brokerEvent(orderId, info, {
          _tag: "Warning",
          at,
          code: 0,
          message:
            "a modify sent just before the connection dropped was never confirmed by IB; the old terms are live: send it again"
        })
      )
    }
  }
  return out
}

/** Orders this session saw reach a final state, for when IB cannot list completed orders itself. */
export const completed = (orders: Orders): ReadonlyArray<BrokerOrderSnapshot> => {
  const out: Array<BrokerOrderSnapshot> = []
  for (const [orderId, info] of orders) {
    const status = info.terminal ?? toDomainStatus(info.ibStatus)
    if (!OrderStatus.isTerminal(status)) continue
    const quantity = info.quantity ?? info.comboFilled
    out.push({
      orderId,
      orderRef: info.orderRef ?? "",
      ...(info.permId === undefined ? {} : { permId: info.permId }),
      status,
      filled: info.comboFilled,
      remaining: status === "Filled" ? 0 : Math.max(0, quantity - info.comboFilled),
      ...(info.combo === undefined ? {} : { order: info.combo })
    })
  }
  return out.sort((a, b) => a.orderId - b.orderId)
}
