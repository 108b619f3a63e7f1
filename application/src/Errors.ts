/**
 * The application's typed failures: one error per port boundary with a tagged reason, plus the use cases' refusals.
 * Every one carries a `message` a trader can read and act on.
 * @module
 */
import { Schema } from "effect"

/** Why the broker could not do what was asked. */
export const BrokerErrorReason = Schema.Literals([
  "NotConnected",
  "Timeout",
  "Rejected",
  "NoSecurityDefinition",
  "Pacing",
  "Protocol",
  "Unavailable"
])
/** @see {@link BrokerErrorReason} */
export type BrokerErrorReason = typeof BrokerErrorReason.Type

/** A failure at the Broker or MarketData port. `code` is IB's error code when there is one. */
export class BrokerError extends Schema.TaggedError<BrokerError>()("BrokerError", {
  reason: BrokerErrorReason,
  message: Schema.String,
  code: Schema.optionalKey(Schema.Number)
}) {}

/**
 * Why the OrderJournal failed:
 * - `Unavailable`: it cannot be reached now (locked by another process, closed, no permission); try again later;
 * - `Corrupt`: what is stored, or what was given to store, does not decode; nothing was changed;
 * - `TooNew`: it was written by a newer version;
 * - `Io`: the disk failed (full, read-only, I/O error);
 * - `Conflict`: the append contradicts what is already journaled — a second order under an orderRef that belongs
 *   to another order. The journal is fine and nothing was written; the caller holds a duplicate, not a fault.
 */
export const JournalErrorReason = Schema.Literals(["Unavailable", "Corrupt", "TooNew", "Io", "Conflict"])
/** @see {@link JournalErrorReason} */
export type JournalErrorReason = typeof JournalErrorReason.Type

/** A failure at the OrderJournal port. Nothing was half-written: the append either happened whole or not at all. */
export class JournalError extends Schema.TaggedError<JournalError>()("JournalError", {
  reason: JournalErrorReason,
  message: Schema.String
}) {}

/** No order with that id is known (the seed returned an empty record here). */
export class OrderNotFound extends Schema.TaggedError<OrderNotFound>()("OrderNotFound", {
  orderId: Schema.Number,
  message: Schema.String
}) {}

/** The order is in a state that cannot be cancelled (Filled, Cancelled, ApiCancelled, Rejected, Inactive). */
export class CancelRefused extends Schema.TaggedError<CancelRefused>()("CancelRefused", {
  orderId: Schema.Number,
  status: Schema.String,
  message: Schema.String
}) {}

/** The order cannot be modified in its state, or the new terms are invalid. */
export class ModifyRefused extends Schema.TaggedError<ModifyRefused>()("ModifyRefused", {
  orderId: Schema.Number,
  status: Schema.String,
  message: Schema.String
}) {}

/** A pre-trade risk rule refused the order before anything was sent. */
export class RiskRefused extends Schema.TaggedError<RiskRefused>()("RiskRefused", {
  rule: Schema.Literals(["MaxContracts", "MaxOpenOrders", "MaxLoss", "BuyingPower"]),
  message: Schema.String
}) {}

/** The broker rejected the order (IB code and reason). The order exists, with status Rejected or Inactive. */
export class OrderRejected extends Schema.TaggedError<OrderRejected>()("OrderRejected", {
  orderId: Schema.Number,
  code: Schema.Number,
  reason: Schema.String,
  message: Schema.String
}) {}
