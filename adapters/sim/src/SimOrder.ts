/**
 * An order as the simulated broker holds it: mutable working state behind the events it reports. Only SimEngine
 * changes it. Invariants: `filled <= quantity`; every leg execution is `ratio x` its combo execution; once `status`
 * is terminal nothing more is reported except answers to cancel and modify requests.
 * @module
 */
import type { BrokerOrderSnapshot } from "@spreads/application"
import type { ComboOrder, OrderStatus, Values } from "@spreads/domain"
import type { RiskLeg } from "./Risk.ts"
import type { Rejection } from "./Validation.ts"
import type { SimContract } from "./SimMarket.ts"

/** The broker-side status. `Submitted` covers partially filled orders too (IB reports them so). */
export type SimStatus =
  "PendingSubmit" | "PreSubmitted" | "Submitted" | "Filled" | "Cancelled" | "ApiCancelled" | "Rejected"

/** How the fills of an order are scripted (SimControl.scriptFills). */
export type FillScript =
  /** The market decides: marketable orders fill by displayed size, resting limits by chance. */
  | "auto"
  /** The whole quantity fills at the first fill attempt (at the limit or better), whatever the market. */
  | "full"
  /** Never fills. */
  | "none"
  /** Fills exactly these quantities, one per fill attempt, then nothing more. */
  | { readonly partial: ReadonlyArray<number> }

/** A leg of a working order: the contract, the trader's direction on it, and its ratio. */
export interface SimLeg extends RiskLeg {
  readonly contract: SimContract
  readonly action: Values.Action
}

/** A simulated order. */
export interface SimOrder {
  readonly orderId: number
  readonly permId: number
  readonly orderRef: string
  order: ComboOrder.ComboOrder
  legs: ReadonlyArray<SimLeg>
  /** Trader cost limit per combo in pips (positive = pay at most, negative = receive at least); undefined = market. */
  limit: number | undefined
  quantity: number
  filled: number
  /** Sum of execution quantity x trader cost (pips). */
  notional: number
  status: SimStatus
  /** The broker accepted the order (its acknowledgement time has come, whether or not the ack was reported). */
  accepted: boolean
  /** Accepted while the market was closed: waits for the open. */
  held: boolean
  pendingCancel: boolean
  script: FillScript
  /** Fill attempts consumed by a partial script. */
  scripted: number
  /** Token of the live evaluation timer; older timers are stale. */
  token: number
  nextEvalAt: number
  /** Counter of random draws made for this order (latencies, resting fills). */
  draws: number
  executions: number
  /** Close of the session a DAY order works in; undefined when it does not expire. */
  sessionEnd: number | undefined
  placedAt: number
  doneAt: number | undefined
}

/** True for statuses after which the order never works again. */
export const isDone = (s: SimStatus): boolean =>
  s === "Filled" || s === "Cancelled" || s === "ApiCancelled" || s === "Rejected"

/** The status the broker reports for reconciliation, in the domain's terms. */
export const reportedStatus = (o: SimOrder): OrderStatus.OrderStatus => {
  if (isDone(o.status)) return o.status
  if (o.pendingCancel) return "PendingCancel"
  if (o.status === "Submitted" && o.filled > 0) return "PartiallyFilled"
  return o.status
}

/** The broker's snapshot of an order. */
export const snapshot = (o: SimOrder): BrokerOrderSnapshot => ({
  orderId: o.orderId,
  orderRef: o.orderRef,
  permId: o.permId,
  status: reportedStatus(o),
  filled: o.filled,
  remaining: o.quantity - o.filled,
  order: o.order
})

/** What a test scripted for the orders to come: how they fill, and whether the next one is rejected. */
export class Scripts {
  private fills: FillScript = "auto"
  private left: number | undefined = undefined
  private rejection: Rejection | undefined = undefined

  /** The fill script for the next `count` orders, or for every order until changed when `count` is undefined. */
  setFills(script: FillScript, count: number | undefined): void {
    this.fills = script
    this.left = count
  }

  /** The script of the order being placed now. */
  takeFills(): FillScript {
    const s = this.fills
    if (this.left !== undefined && --this.left <= 0) {
      this.fills = "auto"
      this.left = undefined
    }
    return s
  }

  /** Rejects the next order placed with this code and reason. */
  rejectNext(r: Rejection): void {
    this.rejection = r
  }

  /** The scripted rejection of the order being placed now, if any. */
  takeRejection(): Rejection | undefined {
    const r = this.rejection
    this.rejection = undefined
    return r
  }
}
