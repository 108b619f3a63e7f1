/**
 * The order-status state machine: one table of `(from, event) -> to`, checkable line by line against IB's order
 * statuses. Modelled on Nautilus Trader's `OrderStatus::transition`: every unusual edge says why it exists.
 *
 * Invariants the table encodes:
 * - PendingCancel and PendingReplace are live: fills may still arrive, and a full fill wins over the cancel.
 * - A rejected cancel or modify resumes the working state the order had (PartiallyFilled if fills came meanwhile).
 * - Fills are accepted before the acknowledgement (IB can send executions before openOrder).
 * - Stale or duplicate broker events never move an order backwards: they leave the state as it is.
 * - Terminal states absorb every broker event; only the trader's own requests on them are illegal.
 * - One way leads out of a terminal state: Filled --Reopened--> PartiallyFilled, when reconciliation finds the broker
 *   still working more than we counted filled (a quantity raise it confirmed while contact was lost: our Filled was
 *   reached under terms the broker had already replaced). No broker event reopens an order; only that finding does.
 * - Unknown means contact was lost; any report from the broker resolves it.
 * @module
 */
import { Result, Schema } from "effect"
import { IllegalTransition } from "./Errors.ts"

/** IB's order statuses plus Unknown (contact lost: to be reconciled). */
export const OrderStatus = Schema.Literals([
  "PendingSubmit",
  "PreSubmitted",
  "Submitted",
  "PartiallyFilled",
  "PendingCancel",
  "PendingReplace",
  "Filled",
  "Cancelled",
  "ApiCancelled",
  "Rejected",
  "Inactive",
  "Unknown"
])
/** @see {@link OrderStatus} */
export type OrderStatus = typeof OrderStatus.Type

/** The events the machine reacts to. Fills are split by whether they complete the order. */
export const StatusEvent = Schema.Literals([
  "PreSubmitted",
  "Submitted",
  "PartialFill",
  "FullFill",
  "CancelRequested",
  "CancelRejected",
  "Cancelled",
  "ApiCancelled",
  "ModifyRequested",
  "Modified",
  "ModifyRejected",
  "Rejected",
  "Inactive",
  "ContactLost",
  "Reopened"
])
/** @see {@link StatusEvent} */
export type StatusEvent = typeof StatusEvent.Type

/** A target: a status, `same` (absorbed, no change) or `resume` (back to the working state before the request). */
export type Target = OrderStatus | "same" | "resume"

/** One edge of the machine. */
export interface Edge {
  readonly from: OrderStatus
  readonly on: StatusEvent
  readonly to: Target
  readonly why?: string
}

const TERMINAL: ReadonlyArray<OrderStatus> = ["Filled", "Cancelled", "ApiCancelled", "Rejected", "Inactive"]
/** Events the broker reports. Not the trader's requests, nor Reopened (a conclusion of reconciliation). */
const BROKER_EVENTS: ReadonlyArray<StatusEvent> = StatusEvent.literals.filter(
  (e) => e !== "CancelRequested" && e !== "ModifyRequested" && e !== "Reopened"
)

const e = (from: OrderStatus, on: StatusEvent, to: Target, why?: string): Edge =>
  why === undefined ? { from, on, to } : { from, on, to, why }

/** Edges shared by every live state: how it ends. */
const endings = (from: OrderStatus): ReadonlyArray<Edge> => [
  e(from, "FullFill", "Filled"),
  e(from, "Cancelled", "Cancelled"),
  e(from, "ApiCancelled", "ApiCancelled"),
  e(from, "Inactive", "Inactive"),
  e(from, "ContactLost", "Unknown")
]

/** The whole machine. A pair that is not listed is an {@link IllegalTransition}. */
export const TABLE: ReadonlyArray<Edge> = [
  // Sent, not yet acknowledged.
  e("PendingSubmit", "PreSubmitted", "PreSubmitted"),
  e("PendingSubmit", "Submitted", "Submitted"),
  e("PendingSubmit", "PartialFill", "PartiallyFilled", "IB can send executions before openOrder/orderStatus"),
  e(
    "PendingSubmit",
    "CancelRequested",
    "PendingCancel",
    "cancelling before the ack is allowed; IB answers ApiCancelled"
  ),
  e("PendingSubmit", "CancelRejected", "same", "stale"),
  e("PendingSubmit", "Modified", "same", "stale"),
  e("PendingSubmit", "ModifyRejected", "same", "stale"),
  e("PendingSubmit", "Rejected", "Rejected"),
  ...endings("PendingSubmit"),
  // Accepted by IB, held until the order can go to the exchange (outside hours, or a combo waiting to route).
  e("PreSubmitted", "PreSubmitted", "same", "duplicate status"),
  e("PreSubmitted", "Submitted", "Submitted"),
  e("PreSubmitted", "PartialFill", "PartiallyFilled"),
  e("PreSubmitted", "CancelRequested", "PendingCancel"),
  e("PreSubmitted", "ModifyRequested", "PendingReplace"),
  e("PreSubmitted", "CancelRejected", "same", "stale"),
  e("PreSubmitted", "Modified", "same", "stale"),
  e("PreSubmitted", "ModifyRejected", "same", "stale"),
  e("PreSubmitted", "Rejected", "Rejected"),
  ...endings("PreSubmitted"),
  // Working at the exchange.
  e("Submitted", "PreSubmitted", "same", "late PreSubmitted: never move backwards"),
  e("Submitted", "Submitted", "same", "duplicate status"),
  e("Submitted", "PartialFill", "PartiallyFilled"),
  e("Submitted", "CancelRequested", "PendingCancel"),
  e("Submitted", "ModifyRequested", "PendingReplace"),
  e("Submitted", "CancelRejected", "same", "stale"),
  e("Submitted", "Modified", "same", "stale"),
  e("Submitted", "ModifyRejected", "same", "stale"),
  e("Submitted", "Rejected", "Rejected", "an exchange can reject after IB accepted the order"),
  ...endings("Submitted"),
  // Some filled, the rest working.
  e("PartiallyFilled", "PreSubmitted", "same", "stale status"),
  e("PartiallyFilled", "Submitted", "same", "IB reports Submitted with filled > 0; the fills decide"),
  e("PartiallyFilled", "PartialFill", "same"),
  e("PartiallyFilled", "CancelRequested", "PendingCancel"),
  e("PartiallyFilled", "ModifyRequested", "PendingReplace"),
  e("PartiallyFilled", "CancelRejected", "same", "stale"),
  e("PartiallyFilled", "Modified", "same", "stale"),
  e("PartiallyFilled", "ModifyRejected", "same", "stale"),
  ...endings("PartiallyFilled"),
  // Cancel sent, not confirmed: still live.
  e("PendingCancel", "PreSubmitted", "same", "status echo while the cancel is in flight"),
  e("PendingCancel", "Submitted", "same", "status echo while the cancel is in flight"),
  e("PendingCancel", "PartialFill", "same", "real world: fills keep arriving until the cancel lands"),
  e("PendingCancel", "CancelRequested", "same", "a repeated cancel is idempotent"),
  e("PendingCancel", "CancelRejected", "resume", "10147/10148/161: the order is still working (or done)"),
  e("PendingCancel", "Modified", "same", "stale"),
  e("PendingCancel", "ModifyRejected", "same", "stale"),
  e(
    "PendingCancel",
    "Rejected",
    "Rejected",
    "real world: IB or the exchange refuses the order (201) before the cancel lands"
  ),
  ...endings("PendingCancel"),
  // Modify sent, not confirmed: still live with the old terms.
  e("PendingReplace", "PreSubmitted", "same", "status echo while the replace is in flight"),
  e("PendingReplace", "Submitted", "same", "status echo while the replace is in flight"),
  e("PendingReplace", "PartialFill", "same", "fills at the old terms can still arrive"),
  e("PendingReplace", "CancelRequested", "PendingCancel", "a cancel overrides a pending replace"),
  e("PendingReplace", "Modified", "resume", "the new terms are live"),
  e("PendingReplace", "ModifyRejected", "resume", "the old terms stay live"),
  e("PendingReplace", "CancelRejected", "same", "stale"),
  ...endings("PendingReplace"),
  // Terminal states absorb every broker event (late fills are still recorded on the order, the state stays).
  ...TERMINAL.flatMap((t) => BROKER_EVENTS.map((ev) => e(t, ev, "same", "terminal: absorbed"))),
  e(
    "Filled",
    "Reopened",
    "PartiallyFilled",
    "reconcile: the broker still works a larger quantity (a raise confirmed while contact was lost); our Filled came from the old terms"
  ),
  // Contact lost: whatever the broker reports next is the truth.
  e("Unknown", "PreSubmitted", "PreSubmitted"),
  e("Unknown", "Submitted", "Submitted"),
  e("Unknown", "PartialFill", "PartiallyFilled"),
  e("Unknown", "CancelRequested", "PendingCancel", "cancelling is always safe to ask"),
  e("Unknown", "CancelRejected", "same"),
  e("Unknown", "Modified", "same"),
  e("Unknown", "ModifyRejected", "same"),
  e("Unknown", "Rejected", "Rejected"),
  e("Unknown", "FullFill", "Filled"),
  e("Unknown", "Cancelled", "Cancelled"),
  e("Unknown", "ApiCancelled", "ApiCancelled"),
  e("Unknown", "Inactive", "Inactive"),
  e("Unknown", "ContactLost", "same")
]

// Two levels of maps: a lookup builds no key string (it sits on every event an order takes).
const index = new Map<OrderStatus, Map<StatusEvent, Edge>>()
for (const edge of TABLE) {
  const byEvent = index.get(edge.from) ?? new Map<StatusEvent, Edge>()
  byEvent.set(edge.on, edge)
  index.set(edge.from, byEvent)
}

/** The edge for `(from, on)`, if the machine has one. */
export const edge = (from: OrderStatus, on: StatusEvent): Edge | undefined => index.get(from)?.get(on)

/**
 * Applies one event. `resumeTo` is the working state a rejected cancel or modify returns to (the caller knows it,
 * since it depends on fills). Returns the new status, or IllegalTransition when the table has no such edge.
 */
export const transition = (
  from: OrderStatus,
  on: StatusEvent,
  resumeTo: OrderStatus
): Result.Result<OrderStatus, IllegalTransition> => {
  const to = nextStatus(from, on, resumeTo)
  return to === undefined ? Result.fail(illegalTransition(from, on)) : Result.succeed(to)
}

/**
 * {@link transition} without the Result, for hot paths: the new status, or undefined when the table has no such edge
 * (then {@link illegalTransition} is the error `transition` reports).
 */
export const nextStatus = (from: OrderStatus, on: StatusEvent, resumeTo: OrderStatus): OrderStatus | undefined => {
  const found = edge(from, on)
  return found === undefined ? undefined : found.to === "same" ? from : found.to === "resume" ? resumeTo : found.to
}

/** The IllegalTransition {@link transition} reports for a `(from, on)` pair the table does not list. */
export const illegalTransition = (from: OrderStatus, on: StatusEvent): IllegalTransition =>
  new IllegalTransition({ from, event: on, message: `an order that is ${from} cannot take ${describeEvent(on)}` })

const describeEvent = (on: StatusEvent): string =>
  on === "CancelRequested" ? "a cancel request" : on === "ModifyRequested" ? "a modify request" : `the event ${on}`

/**
 * Filled, Cancelled, ApiCancelled, Rejected, Inactive: nothing more will happen (save a Filled order that
 * reconciliation reopens, see {@link TABLE}).
 */
export const isTerminal = (s: OrderStatus): boolean =>
  s === "Filled" || s === "Cancelled" || s === "ApiCancelled" || s === "Rejected" || s === "Inactive"
/** Live at the broker, or possibly so (Unknown): may still fill. */
export const isOpen = (s: OrderStatus): boolean => !isTerminal(s)
/** A cancel request is allowed (the table has an edge for it). */
export const isCancellable = (s: OrderStatus): boolean => edge(s, "CancelRequested") !== undefined
/** A modify request is allowed. */
export const isModifiable = (s: OrderStatus): boolean => edge(s, "ModifyRequested") !== undefined
/** Working states a pending request can resume to. */
export const isWorking = (s: OrderStatus): boolean =>
  s === "PendingSubmit" || s === "PreSubmitted" || s === "Submitted" || s === "PartiallyFilled"

/**
 * The table as a Mermaid state diagram (absorbed and duplicate edges left out, so it stays readable). The README's
 * diagram is generated from this and a test checks they match.
 */
export const toMermaid = (): string => {
  const lines = ["stateDiagram-v2", "    [*] --> PendingSubmit"]
  const seen = new Set<string>()
  for (const edge of TABLE) {
    if (edge.to === "same") continue
    const to = edge.to === "resume" ? "Working" : edge.to
    const key = `${edge.from}|${to}|${edge.on}`
    if (seen.has(key)) continue
    seen.add(key)
    lines.push(`    ${edge.from} --> ${to}: ${edge.on}`)
  }
  lines.push("    Working: Working (resume: the state before the request)")
  for (const t of TERMINAL) lines.push(`    ${t} --> [*]`)
  return lines.join("\n")
}
