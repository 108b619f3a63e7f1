/**
 * The timers of the simulated broker: what is due to happen to which order. An evaluation carries the order's token
 * at scheduling time, so re-scheduling an order makes its older evaluation timers stale without searching the heap.
 * @module
 */
import type { ComboOrder, OrderEvent } from "@spreads/domain"
import type { SimOrder } from "./SimOrder.ts"
import { TimerQueue } from "./TimerQueue.ts"

/** One pending happening. */
export type Timer =
  /** The acknowledgement latency is over: accept (or hold) the order. */
  | { readonly kind: "ack"; readonly o: SimOrder }
  /** The order was refused at placement: report it once the acknowledgement latency is over. */
  | { readonly kind: "reject"; readonly o: SimOrder; readonly code: number; readonly reason: string }
  /** Re-evaluate a working order against the market. */
  | { readonly kind: "eval"; readonly o: SimOrder; readonly token: number }
  /** A cancel request lands. */
  | { readonly kind: "cancel"; readonly o: SimOrder }
  /** Fault injection: a fill that races a pending cancel. */
  | { readonly kind: "forcedFill"; readonly o: SimOrder }
  /** A modify request lands with these terms. */
  | { readonly kind: "modify"; readonly o: SimOrder; readonly order: ComboOrder.ComboOrder }
  /** A refusal (CancelRejected, ModifyRejected) is reported. */
  | {
      readonly kind: "answer"
      readonly orderId: number
      readonly o: SimOrder | undefined
      readonly event: OrderEvent.OrderEvent
    }

/** The agenda of timers. */
export class Timers extends TimerQueue<Timer> {}
