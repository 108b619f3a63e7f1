/**
 * Losing and regaining contact, over the reducer's order records.
 *
 * - Socket loss: every live order gets ContactLost (the OrderBook shows it Unknown until the broker says more).
 * - After the reconnect the adapter lists IB's open orders, completed orders and executions (the executions flow
 *   through the reducer first, so missed fills are already published), then {@link reconciled} settles every order
 *   that lost contact, and every order IB reports final, with a Reconciled status.
 * - A listing speaks only for orders IB had when it was asked for: an order sent to IB, or reported working by IB,
 *   after the open-orders request was written (OrderInfo.lastSeen > ReconcileView.asOf) is never judged by its
 *   absence from that listing (IB handles one connection's messages in order, so an order sent before the request
 *   and still working at IB is in it).
 * - An order that lost contact before IB ever acknowledged it (written to a socket the server had already closed),
 *   and that IB lists nowhere after the reconnect, with no execution, ends Rejected with a reason that says so: it is
 *   not working at IB, and leaving it Unknown would leave it unresolved forever.
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

/** What the reconciliation says about one order: a status, a final rejection with its reason, or nothing. */
type Verdict =
  | { readonly _tag: "Status"; readonly status: OrderStatus.OrderStatus }
  | { readonly _tag: "NeverReached"; readonly reason: string }

const status = (s: OrderStatus.OrderStatus): Verdict => ({ _tag: "Status", status: s })

/**
 * What IB's view says about an order, or undefined when nothing needs saying:
 * - reported final by IB: that status;
 * - listed open: its status, for an order that lost contact (PendingCancel when its lost cancel was sent again);
 * - listed nowhere: Filled when its executions add up; nothing when the order was sent or reported working after the
 *   listing was asked for (the listing cannot speak for it), or was just placed and not yet acknowledged; else
 *   Cancelled when a cancel was asked, or when IB had acknowledged it and could not list completed orders (IB drops
 *   only finished orders from the open list); else, for an order that lost contact before IB ever acknowledged it,
 *   NeverReached (it is not working at IB); else Unknown.
 */
const verdictOf = (info: OrderInfo, view: ReconcileView, orderId: number): Verdict | undefined => {
  const open = find(view.open, orderId, info)
  const done = find(view.completed, orderId, info)
  if (done !== undefined && OrderStatus.isTerminal(done.status)) return status(done.status)
  if (open !== undefined) {
    if (!info.contactLost) return undefined
    return status(info.pending === "cancel" && OrderStatus.isWorking(open.status) ? "PendingCancel" : open.status)
  }
  if (info.quantity !== undefined && info.comboFilled >= info.quantity) return status("Filled")
  if (info.lastSeen > view.asOf) {
    // IB reported it working since the listing was asked for: that report is the evidence.
    const reported = toDomainStatus(info.ibStatus)
    return info.contactLost && OrderStatus.isWorking(reported) ? status(reported) : undefined
  }
  if (info.pending === "new" && !info.contactLost) return undefined
  if (info.cancelRequested) return status("Cancelled")
  const acknowledged = info.ibStatus !== undefined || info.permId !== undefined || info.lastAck !== undefined
  if (!view.completedFromIb && acknowledged) return status("Cancelled")
  if (info.contactLost && !acknowledged && info.comboFilled === 0) {
    return {
      _tag: "NeverReached",
      reason: view.completedFromIb
        ? "the order never reached IB: it was sent as the connection closed, and after the reconnect IB lists it neither open nor completed and reports no execution for it. Nothing is working; place it again if it is still wanted"
        : "the order never reached IB: it was sent as the connection closed, and after the reconnect IB does not list it among the open orders and reports no execution for it. Nothing is working; place it again if it is still wanted"
    }
  }
  return status("Unknown")
}

/**
 * Reconciled statuses from the broker's view (see {@link verdictOf}); an order that never reached IB is Rejected
 * with the reason; a modify IB never confirmed before the drop is reported as lost (a Warning: the old terms are
 * live).
 */
export const reconciled = (orders: Orders, view: ReconcileView, at: number): ReadonlyArray<BrokerEvent> => {
  const out: Array<BrokerEvent> = []
  for (const [orderId, info] of orders) {
    if (info.terminal !== undefined) continue
    const verdict = verdictOf(info, view, orderId)
    const lostModify = info.contactLost && info.pending === "modify"
    // An order the listing could not speak for keeps its mark: the next reconciliation settles it (see unsettled).
    if (verdict !== undefined || info.lastSeen <= view.asOf) info.contactLost = false
    if (lostModify) {
      info.pending = undefined
      info.modifyTo = undefined
    }
    if (verdict === undefined) continue
    if (verdict._tag === "NeverReached") {
      info.terminal = "Rejected"
      info.pending = undefined
      out.push(brokerEvent(orderId, info, { _tag: "Rejected", at, code: 0, reason: verdict.reason }))
      continue
    }
    if (OrderStatus.isTerminal(verdict.status)) info.terminal = verdict.status
    out.push(brokerEvent(orderId, info, { _tag: "Reconciled", at, status: verdict.status }))
    if (lostModify && !OrderStatus.isTerminal(verdict.status)) {
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

/** Orders that lost contact and are still waiting for a reconciliation that can speak for them. */
export const unsettled = (orders: Orders): number => {
  let n = 0
  for (const info of orders.values()) if (info.terminal === undefined && info.contactLost) n++
  return n
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
