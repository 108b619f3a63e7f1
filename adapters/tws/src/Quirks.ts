/**
 * IB's quirks, as switches. Each is off by default, so a fresh server behaves like a well-mannered TWS; tests turn
 * on the ones a client must survive. They can be changed while the server runs (`TwsServer.setQuirks`).
 *
 * - `duplicateOrderStatus`: every ORDER_STATUS is sent twice (TWS does this routinely).
 * - `executionsBeforeOpenOrder`: a new order's first OPEN_ORDER / ORDER_STATUS are held back until its first
 *   executions went out (or `ackHoldMs` passed), so a client sees execDetails for an order it has not seen yet.
 * - `noSubmittedForCombos`: BAG orders stay PreSubmitted until filled (Submitted is never reported for them).
 * - `fillsDuringPendingCancel`: a cancel races a fill. With the simulator's SimControl present, its own fault is
 *   switched on (part of the order fills while the cancel is pending); with a plain Broker the cancel reaches the
 *   broker only after `cancelHoldMs`, so fills that were coming land while the client sees PendingCancel.
 * - `connectivity`: periodic windows of lost connectivity: 1100, then after `lengthMs` 1101 (data lost: market data
 *   subscriptions are dropped) or 1102 (data maintained). Order messages are held during the window and delivered
 *   after the restore notice.
 * - `dropConnections`: every `everyMs`, one client's socket is closed (the oldest session).
 * - `noCompletedOrders`: the server is a TWS older than 976 (API server version < 150), which does not know
 *   REQ_COMPLETED_ORDERS: the request is answered as an unknown message (ERR_MSG -1, 505), so a client must work out
 *   finished orders from what it saw itself.
 * @module
 */

/** A periodic connectivity outage. */
export interface ConnectivityWindows {
  /** Time between the start of two windows, ms of Clock time. */
  readonly everyMs: number
  /** Length of one window, ms. */
  readonly lengthMs: number
  /** "DataLost" ends the window with 1101, "DataMaintained" with 1102. */
  readonly restore: "DataLost" | "DataMaintained"
}

/** The switches. */
export interface Quirks {
  readonly duplicateOrderStatus: boolean
  readonly executionsBeforeOpenOrder: boolean
  /** How long an acknowledgement waits for the first execution under `executionsBeforeOpenOrder`, ms. */
  readonly ackHoldMs: number
  readonly noSubmittedForCombos: boolean
  readonly fillsDuringPendingCancel: boolean
  /** Without SimControl: how long a cancel is held before it reaches the broker, ms. */
  readonly cancelHoldMs: number
  readonly connectivity: ConnectivityWindows | undefined
  readonly dropConnections: { readonly everyMs: number } | undefined
  readonly noCompletedOrders: boolean
}

/** Everything off. */
export const none: Quirks = {
  duplicateOrderStatus: false,
  executionsBeforeOpenOrder: false,
  ackHoldMs: 250,
  noSubmittedForCombos: false,
  fillsDuringPendingCancel: false,
  cancelHoldMs: 300,
  connectivity: undefined,
  dropConnections: undefined,
  noCompletedOrders: false
}

/** Overrides of {@link none}. A key present with `undefined` switches a schedule off (`{ connectivity: undefined }`). */
export type QuirksInput = Partial<Quirks>

/** Merges `input` onto `base`: every key present in `input` wins, even when its value is undefined. */
export const merge = (base: Quirks, input: QuirksInput): Quirks => ({ ...base, ...input })

/** Problems with a quirks value (empty when it is usable). */
export const problems = (q: Quirks): ReadonlyArray<string> => {
  const out: Array<string> = []
  if (!(q.ackHoldMs >= 0)) out.push(`ackHoldMs must be 0 or more, got ${q.ackHoldMs}`)
  if (!(q.cancelHoldMs >= 0)) out.push(`cancelHoldMs must be 0 or more, got ${q.cancelHoldMs}`)
  const c = q.connectivity
  if (c !== undefined && !(c.everyMs > 0 && c.lengthMs >= 0 && c.lengthMs < c.everyMs)) {
    out.push(`connectivity windows need everyMs > lengthMs >= 0, got every ${c.everyMs} ms, length ${c.lengthMs} ms`)
  }
  const d = q.dropConnections
  if (d !== undefined && !(d.everyMs > 0)) out.push(`dropConnections.everyMs must be above 0, got ${d.everyMs}`)
  return out
}
