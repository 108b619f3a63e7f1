/**
 * Everything that happens to an order, as data. An order is the fold of its events (see Order.ts); the journal stores
 * these and replays them. Times are epoch milliseconds supplied by the caller.
 * @module
 */
import { Schema } from "effect"
import { ComboOrder } from "./ComboOrder.ts"
import { NetPrice } from "./Price.ts"
import { OrderStatus } from "./OrderStatus.ts"
import { Action, ExecId, OrderId, Quantity } from "./Values.ts"

const At = Schema.Number

/** The events of an order's life. */
export const OrderEvent = Schema.TaggedUnion({
  /** The order exists: intent recorded, about to be (or being) sent. Status PendingSubmit. */
  Created: { at: At, orderId: OrderId, order: ComboOrder },
  /** IB acknowledged the order (openOrder / orderStatus PreSubmitted or Submitted). */
  Acknowledged: {
    at: At,
    status: Schema.Literals(["PreSubmitted", "Submitted"]),
    permId: Schema.optionalKey(Schema.Number)
  },
  /** A combo-level execution: `quantity` combos at `price` net per combo. Counts toward filled. */
  Filled: {
    at: At,
    execId: ExecId,
    quantity: Quantity,
    price: NetPrice,
    commission: Schema.optionalKey(Schema.BigDecimal)
  },
  /** A per-leg execution. Kept apart from combo fills; it does not change the filled quantity. */
  LegFilled: {
    at: At,
    execId: ExecId,
    legIndex: Schema.Number,
    conId: Schema.optionalKey(Schema.Number),
    action: Action,
    quantity: Quantity,
    price: Schema.BigDecimal,
    commission: Schema.optionalKey(Schema.BigDecimal)
  },
  /** A commission report for an execution already seen (IB sends them separately, before or after). */
  CommissionReported: { at: At, execId: ExecId, commission: Schema.BigDecimal },
  CancelRequested: { at: At },
  CancelRejected: { at: At, code: Schema.Number, reason: Schema.String },
  /** Cancelled by IB or the exchange (`api` false) or confirmed after an API cancel before acknowledgement (true). */
  Cancelled: { at: At, reason: Schema.String, api: Schema.Boolean },
  ModifyRequested: { at: At, limitPrice: Schema.optionalKey(NetPrice), quantity: Schema.optionalKey(Quantity) },
  Modified: { at: At, limitPrice: Schema.optionalKey(NetPrice), quantity: Schema.optionalKey(Quantity) },
  ModifyRejected: { at: At, code: Schema.Number, reason: Schema.String },
  Rejected: { at: At, code: Schema.Number, reason: Schema.String },
  Inactive: { at: At, code: Schema.Number, reason: Schema.String },
  /** A warning from IB (399 and friends): recorded on the order, no change of state. */
  Warning: { at: At, code: Schema.Number, message: Schema.String },
  /** Contact with the broker was lost while the order was live. */
  ContactLost: { at: At },
  /** The broker's own view after a reconnect or restart; it overrides ours for live orders. */
  Reconciled: { at: At, status: OrderStatus },
  /**
   * The order's terms as the broker holds them, found by reconciliation after a reconnect or restart: a modify it
   * confirmed while its confirmation could not reach us. They replace ours (a pending modify they match is
   * settled); an order our fills completed under the old, smaller quantity is working again (Filled -> PartiallyFilled).
   * Fills arrive as their own events.
   */
  TermsReconciled: { at: At, quantity: Schema.optionalKey(Quantity), limitPrice: Schema.optionalKey(NetPrice) }
})
/** @see {@link OrderEvent} */
export type OrderEvent = typeof OrderEvent.Type

/** The tag of an event. */
export type OrderEventTag = OrderEvent["_tag"]

/** An event addressed to an order, as the broker and the journal carry them. */
export const OrderEventEnvelope = Schema.Struct({ orderId: OrderId, event: OrderEvent })
/** @see {@link OrderEventEnvelope} */
export type OrderEventEnvelope = typeof OrderEventEnvelope.Type
