/**
 * What the reducer knows about one order: its identity at IB (orderRef, permId, legs, the contract IB echoed), what
 * was last asked of it, and what has been published for it. Shared by the reducer, the reconciliation and the
 * execution mapping.
 * @module
 */
import type { BrokerEvent } from "@spreads/application"
import type { ComboOrder, OrderStatus, Values } from "@spreads/domain"
import type { Contract } from "@stoqey/ib"

/** What was last asked of an order: the context its errors are read in. */
export type Pending = "new" | "modify" | "cancel"

/** A combo leg as IB knows it: legIndex is the position in this list. */
export interface KnownLeg {
  readonly conId: number
  readonly action: Values.Action
  readonly ratio: number
}

/** Everything the reducer knows about one order. */
export interface OrderInfo {
  orderRef?: string | undefined
  permId?: number | undefined
  action?: Values.Action | undefined
  quantity?: number | undefined
  legs?: ReadonlyArray<KnownLeg> | undefined
  /** The combo order as placed (or last modified) from this session. */
  combo?: ComboOrder.ComboOrder | undefined
  /** The contract IB echoed in openOrder: what a modify must re-send. */
  contract?: Contract | undefined
  pending?: Pending | undefined
  /** IB's signed limit and quantity a modify in flight asks for. */
  modifyTo?:
    | {
        readonly lmtPrice?: number
        readonly quantity: number
        /** The terms asked for; they become `combo` only once IB shows them. */
        readonly combo: ComboOrder.ComboOrder
      }
    | undefined
  cancelRequested: boolean
  lastAck?: "PreSubmitted" | "Submitted" | undefined
  /** A terminal status already published. */
  terminal?: OrderStatus.OrderStatus | undefined
  lastError?: { readonly code: number; readonly message: string } | undefined
  ibStatus?: string | undefined
  comboFilled: number
  /** Contact was lost while the order was live: the next reconciliation settles it. */
  contactLost: boolean
  /**
   * The reducer's sequence number when the order was last sent to IB (placed or modified) or last reported working
   * by IB: a listing asked for before that cannot speak for the order (see Reconciliation).
   */
  lastSeen: number
  /** The execIds of the order's executions seen, forgotten with the order (see Reducer's retention). */
  execIds?: Array<string> | undefined
  /** When the reducer first found the order finished (its clock); it is forgotten some time after. */
  finishedAt?: number | undefined
}

/** A record with nothing known yet. */
export const blank = (): OrderInfo => ({ cancelRequested: false, comboFilled: 0, contactLost: false, lastSeen: 0 })

/** A BrokerEvent for the order, carrying its orderRef and permId when known (the OrderBook matches on them too). */
export const brokerEvent = (orderId: number, info: OrderInfo, event: BrokerEvent["event"]): BrokerEvent => {
  // Built without spreads: this runs for every order event read from the socket.
  const { orderRef, permId } = info
  if (orderRef === undefined) return permId === undefined ? { orderId, event } : { orderId, permId, event }
  return permId === undefined ? { orderId, orderRef, event } : { orderId, orderRef, permId, event }
}
