/**
 * IB error codes and what they mean to an order, in one versioned table shared by the live adapter and the TWS
 * simulator. Codes and texts follow shared/IB-PROTOCOL.md; texts vary by TWS version, so match on codes only.
 * @module
 */

/**
 * Bump when a code's outcome changes, so journals and tests can tell which mapping produced an event.
 * 2: 492, 10090 and 10167 are warnings (IB-PROTOCOL.md lists them as non-fatal); before, on a new order they rejected it.
 */
export const IB_ERROR_TABLE_VERSION = 2

/** What an IB code does to the order it names (or to the connection, for id -1). */
export type IbOutcome =
  /** The new order is refused; it never worked (or stopped working). */
  | "Rejected"
  /** The order was cancelled (202). */
  | "Cancelled"
  /** A cancel request failed; the order keeps its state. */
  | "CancelRejected"
  /** A modify request failed; the old terms stay live. */
  | "ModifyRejected"
  /** The order id was already used (103): nothing was placed under that id. */
  | "DuplicateOrderId"
  /** Recorded on the order, no change of state. */
  | "Warning"
  /** Contract lookup found nothing. */
  | "NoSecurityDefinition"
  | "ConnectionLost"
  | "ConnectionRestoredDataLost"
  | "ConnectionRestored"
  | "Pacing"
  | "ClientIdInUse"
  | "Info"

/** One row of the table. `onCancel`/`onModify` override the outcome when the code answers such a request. */
export interface IbErrorEntry {
  readonly code: number
  readonly outcome: IbOutcome
  readonly text: string
  readonly onModify?: IbOutcome
}

/** The table. Order: by code. */
export const IB_ERRORS: ReadonlyArray<IbErrorEntry> = [
  { code: 100, outcome: "Pacing", text: "Max rate of messages per second has been exceeded." },
  { code: 103, outcome: "DuplicateOrderId", text: "Duplicate order ID." },
  { code: 104, outcome: "ModifyRejected", text: "Can't modify a filled order." },
  { code: 105, outcome: "ModifyRejected", text: "Order being modified does not match original order." },
  {
    code: 110,
    outcome: "Rejected",
    text: "The price does not conform to the minimum price variation for this contract.",
    onModify: "ModifyRejected"
  },
  { code: 161, outcome: "CancelRejected", text: "Cancel attempted when order is not in a cancellable state." },
  { code: 200, outcome: "NoSecurityDefinition", text: "No security definition has been found for the request." },
  { code: 201, outcome: "Rejected", text: "Order rejected - reason:", onModify: "ModifyRejected" },
  { code: 202, outcome: "Cancelled", text: "Order Canceled - reason:" },
  { code: 203, outcome: "Rejected", text: "The security is not available or allowed for this account." },
  { code: 312, outcome: "Rejected", text: "The combo details are invalid." },
  { code: 313, outcome: "Rejected", text: "The combo details for leg are invalid." },
  { code: 314, outcome: "Rejected", text: "Security type 'BAG' requires combo leg details." },
  { code: 321, outcome: "Rejected", text: "Error validating request." },
  { code: 326, outcome: "ClientIdInUse", text: "Unable to connect as the client id is already in use." },
  { code: 399, outcome: "Warning", text: "Order Message: Warning" },
  {
    code: 492,
    outcome: "Warning",
    text: "You must subscribe for additional permissions to obtain precise results for scanner."
  },
  { code: 1100, outcome: "ConnectionLost", text: "Connectivity between IB and Trader Workstation has been lost." },
  { code: 1101, outcome: "ConnectionRestoredDataLost", text: "Connectivity restored - data lost." },
  { code: 1102, outcome: "ConnectionRestored", text: "Connectivity restored - data maintained." },
  { code: 2104, outcome: "Info", text: "Market data farm connection is OK" },
  { code: 2106, outcome: "Info", text: "HMDS data farm connection is OK" },
  { code: 2158, outcome: "Info", text: "Sec-def data farm connection is OK" },
  { code: 10002, outcome: "Rejected", text: "Invalid non-guaranteed legs." },
  { code: 10015, outcome: "Rejected", text: "Trading is not allowed in the API." },
  { code: 10090, outcome: "Warning", text: "Part of requested market data is not subscribed." },
  { code: 10147, outcome: "CancelRejected", text: "OrderId that needs to be cancelled is not found." },
  { code: 10148, outcome: "CancelRejected", text: "OrderId that needs to be cancelled can not be cancelled." },
  { code: 10167, outcome: "Warning", text: "Requested market data is not subscribed. Displaying delayed market data." }
]

const byCode = new Map(IB_ERRORS.map((e) => [e.code, e]))

/** The entry for a code, if the table knows it. */
export const ibError = (code: number): IbErrorEntry | undefined => byCode.get(code)

/**
 * What `code` means for an order, given what was last asked of it. Unknown codes in IB's warning range (2100-2999) and
 * texts containing "Warning:" are warnings; other unknown codes on a new order are rejections.
 */
export const classifyIbError = (
  code: number,
  context: "new" | "modify" | "cancel" | "none" = "none",
  text = ""
): IbOutcome => {
  const entry = byCode.get(code)
  if (entry !== undefined) return context === "modify" && entry.onModify !== undefined ? entry.onModify : entry.outcome
  if ((code >= 2100 && code <= 2999) || text.includes("Warning:")) return "Warning"
  if (context === "cancel") return "CancelRejected"
  if (context === "modify") return "ModifyRejected"
  return context === "new" ? "Rejected" : "Info"
}

/** IB's text for a code with its variable part, e.g. `Order rejected - reason:Market is closed`. */
export const ibErrorText = (code: number, detail = ""): string => {
  switch (code) {
    case 201:
      return `Order rejected - reason:${detail}`
    case 202:
      return `Order Canceled - reason:${detail}`
    case 10147:
      return `OrderId ${detail} that needs to be cancelled is not found.`
    case 10148:
      return `OrderId ${detail} that needs to be cancelled can not be cancelled, state: Filled.`
    default:
      return byCode.get(code)?.text ?? detail
  }
}
