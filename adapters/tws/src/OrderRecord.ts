/**
 * One order as this server shows it to TWS clients: the contract and order as OPEN_ORDER echoes them, the TWS
 * status, fills, and the executions sent so far. Builders here turn a record into OPEN_ORDER, ORDER_STATUS and
 * EXECUTION_DATA fields.
 *
 * Invariants: `filled` only grows and never passes the quantity; an execId counts once; a terminal status
 * (Filled, Cancelled, ApiCancelled, Inactive) never changes again.
 * @module
 */
import type { ComboOrder } from "@spreads/domain"
import { BigDecimal } from "effect"
import type { Quirks } from "./Quirks.ts"
import { completedOrder, openOrder } from "./wire/OpenOrder.ts"
import { orderStatus } from "./wire/Outgoing.ts"
import { commissionReport, executionData } from "./wire/Reports.ts"
import { formatTwsTime } from "./wire/Time.ts"
import type { WireCommissionReport, WireContract, WireExecution, WireOrder, WireOrderState } from "./wire/Types.ts"
import type { WireFields } from "./wire/Values.ts"

/** Statuses TWS reports. */
export type TwsStatus =
  | "PendingSubmit"
  | "PreSubmitted"
  | "Submitted"
  | "PendingCancel"
  | "Filled"
  | "Cancelled"
  | "ApiCancelled"
  | "Inactive"

/** True for statuses after which nothing changes. */
export const isDone = (s: TwsStatus): boolean =>
  s === "Filled" || s === "Cancelled" || s === "ApiCancelled" || s === "Inactive"

/** An execution the server reported, kept for REQ_EXECUTIONS. */
export interface ExecutionEntry {
  readonly at: number
  readonly clientId: number
  readonly contract: WireContract
  readonly execution: WireExecution
  commission: WireCommissionReport | undefined
}

/** The server's record of an order. Mutated only by the OrderRouter. */
export interface OrderRecord {
  readonly orderId: number
  readonly clientId: number
  readonly permId: number
  readonly isBag: boolean
  readonly contract: WireContract
  readonly signature: string
  order: WireOrder
  combo: ComboOrder.ComboOrder
  /** Terms sent with a modify, applied when the broker confirms it. */
  pending: { readonly order: WireOrder; readonly combo: ComboOrder.ComboOrder } | undefined
  status: TwsStatus
  /** The status to go back to when a cancel is refused. */
  beforeCancel: TwsStatus | undefined
  filled: number
  /** Sum of quantity x IB signed price over combo fills. */
  notional: BigDecimal.BigDecimal
  lastFillPrice: number
  /** Combo execIds already counted. */
  readonly execIds: Set<string>
  /** Leg executions reported since the last combo fill (a single option without them gets one from the fill). */
  legExecutions: number
  /** Per leg conId: contracts executed and their notional, for each execution's cumQty and avgPrice. */
  readonly legTotals: Map<number, { qty: number; notional: number }>
  /** Under `executionsBeforeOpenOrder`: messages held until the first execution went out. */
  held: Array<WireFields> | undefined
  /** OPEN_ORDER was sent at least once. */
  announced: boolean
  readonly placedAt: number
  /** Why the order ended, in IB's words for COMPLETED_ORDER (set by a cancel or a rejection). */
  endReason: string | undefined
}

/** Current quantity of the order (a modify can change it). */
export const quantityOf = (r: OrderRecord): number => r.order.totalQuantity

/** Average IB price of the combo fills, 0 before the first. */
export const avgFillPrice = (r: OrderRecord): number =>
  r.filled === 0
    ? 0
    : BigDecimal.toNumberUnsafe(
        BigDecimal.round(BigDecimal.divideUnsafe(r.notional, BigDecimal.fromBigInt(BigInt(r.filled))), { scale: 8 })
      )

/** The status a client is told, after the `noSubmittedForCombos` quirk. */
export const reportedStatus = (r: OrderRecord, quirks: Quirks): TwsStatus =>
  quirks.noSubmittedForCombos && r.isBag && r.status === "Submitted" ? "PreSubmitted" : r.status

/** OPEN_ORDER for the record, in `status` (default: its reported status). */
export const openOrderOf = (r: OrderRecord, quirks: Quirks, state?: Partial<WireOrderState>): WireFields =>
  openOrder(
    r.contract,
    { ...r.order, orderId: r.orderId, clientId: r.clientId, permId: r.permId },
    { status: reportedStatus(r, quirks), ...state }
  )

/** ORDER_STATUS for the record. */
export const orderStatusOf = (r: OrderRecord, quirks: Quirks): WireFields =>
  orderStatus({
    orderId: r.orderId,
    status: reportedStatus(r, quirks),
    filled: r.filled,
    remaining: Math.max(0, quantityOf(r) - r.filled),
    avgFillPrice: avgFillPrice(r),
    permId: r.permId,
    lastFillPrice: r.lastFillPrice,
    clientId: r.clientId
  })

/** IB's completedStatus text of a finished order: "Filled Size: 2", "Cancelled by Trader", the rejection reason. */
export const completedStatusText = (r: OrderRecord): string => {
  switch (r.status) {
    case "Filled":
      return `Filled Size: ${r.filled}`
    case "Cancelled":
    case "ApiCancelled":
      return r.endReason === undefined || r.endReason === "" ? "Cancelled by Trader" : `Cancelled: ${r.endReason}`
    default:
      return r.endReason === undefined || r.endReason === "" ? r.status : `Rejected: ${r.endReason}`
  }
}

/** COMPLETED_ORDER for a finished record that ended at `finishedAt` (Clock ms). */
export const completedOrderOf = (r: OrderRecord, finishedAt: number): WireFields =>
  completedOrder(
    r.contract,
    { ...r.order, orderId: r.orderId, clientId: r.clientId, permId: r.permId },
    {
      status: r.status,
      filledQuantity: r.filled,
      completedTime: formatTwsTime(finishedAt),
      completedStatus: completedStatusText(r)
    }
  )

/** EXECUTION_DATA of an entry for `reqId` (-1 for a live fill). */
export const executionOf = (reqId: number, e: ExecutionEntry): WireFields =>
  executionData(reqId, e.contract, e.execution)

/** COMMISSION_REPORT of an entry, if it has one. */
export const commissionOf = (e: ExecutionEntry): WireFields | undefined =>
  e.commission === undefined ? undefined : commissionReport(e.commission)
