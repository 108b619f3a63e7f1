/**
 * Server -> client messages at server version 193, as field arrays (frame them with `Frame.encodeFrame`).
 *
 * This module has the small messages (hello, ids, accounts, time, errors, order status, ends, ticks); OPEN_ORDER
 * and COMPLETED_ORDER are in `OpenOrder.ts`, EXECUTION_DATA / COMMISSION_REPORT / CONTRACT_DATA in `Reports.ts`. Layouts follow what
 * @stoqey/ib 1.6.10's decoder consumes at server version 193 (no version field where it reads none).
 * Unset doubles are written as IB's `1.7976931348623157E308`, unset ints as 2147483647.
 * @module
 */
import { formatTwsTime } from "./Time.ts"
import type { WireFields } from "./Values.ts"

/** The server version this codec speaks and announces. */
export const SERVER_VERSION = 193

/** Message ids a server sends (the subset this codec writes). */
export const InMsgId = {
  TICK_PRICE: 1,
  TICK_SIZE: 2,
  ORDER_STATUS: 3,
  ERR_MSG: 4,
  OPEN_ORDER: 5,
  NEXT_VALID_ID: 9,
  CONTRACT_DATA: 10,
  EXECUTION_DATA: 11,
  MANAGED_ACCTS: 15,
  TICK_OPTION_COMPUTATION: 21,
  CURRENT_TIME: 49,
  CONTRACT_DATA_END: 52,
  OPEN_ORDER_END: 53,
  EXECUTION_DATA_END: 55,
  TICK_SNAPSHOT_END: 57,
  MARKET_DATA_TYPE: 58,
  COMMISSION_REPORT: 59,
  COMPLETED_ORDER: 101,
  COMPLETED_ORDERS_END: 102
} as const

/**
 * The server's first frame: `[193, connectionTime]`. A number is epoch milliseconds, formatted as
 * "YYYYMMDD HH:MM:SS US/Eastern".
 */
export const serverHello = (connectionTime: string | number): WireFields => [
  SERVER_VERSION,
  typeof connectionTime === "number" ? formatTwsTime(connectionTime) : connectionTime
]

/** NEXT_VALID_ID: `9, 1, orderId`. */
export const nextValidId = (orderId: number): WireFields => [InMsgId.NEXT_VALID_ID, 1, orderId]

/** MANAGED_ACCTS: `15, 1, "DU1,DU2"`. */
export const managedAccounts = (accounts: ReadonlyArray<string>): WireFields => [
  InMsgId.MANAGED_ACCTS,
  1,
  accounts.join(",")
]

/** CURRENT_TIME: `49, 1, epochSeconds`. */
export const currentTime = (epochSeconds: number): WireFields => [InMsgId.CURRENT_TIME, 1, Math.floor(epochSeconds)]

/** Mirrors @stoqey/ib's `decodeUnicodeEscapedString`, which runs on the JSON before `JSON.parse`. */
const unescapeLikeClient = (text: string): string => {
  let v = text
  for (;;) {
    const at = v.indexOf("\\u")
    if (at === -1 || v.length - at < 6) return v
    const escape = v.substring(at, at + 6)
    v = v.replace(escape, String.fromCharCode(parseInt(escape.replace("\\u", ""), 16)))
  }
}

/** True when @stoqey/ib 1.6.10 can parse `json` as an advanced order reject (invalid JSON crashes it). */
export const isSafeAdvancedOrderRejectJson = (json: string): boolean => {
  if (json === "") return true
  try {
    JSON.parse(unescapeLikeClient(json))
    return true
  } catch {
    return false
  }
}

/** An ERR_MSG. `id` -1 is a notice (the client's `info` event); `advancedOrderRejectJson` must be valid JSON. */
export interface WireErrorMessage {
  readonly id: number
  readonly code: number
  readonly message: string
  readonly advancedOrderRejectJson?: string
}

/**
 * ERR_MSG: `4, 2, id, code, message, advancedOrderRejectJson`. An advancedOrderRejectJson the client could not
 * parse is replaced by "" (it would crash @stoqey/ib 1.6.10).
 */
export const errorMessage = (e: WireErrorMessage): WireFields => {
  const json = e.advancedOrderRejectJson ?? ""
  return [InMsgId.ERR_MSG, 2, e.id, e.code, e.message, isSafeAdvancedOrderRejectJson(json) ? json : ""]
}

/** An ORDER_STATUS update. */
export interface WireOrderStatus {
  readonly orderId: number
  /** "PendingSubmit", "PreSubmitted", "Submitted", "PendingCancel", "Cancelled", "Filled", "Inactive", ... */
  readonly status: string
  readonly filled: number
  readonly remaining: number
  readonly avgFillPrice: number
  readonly permId: number
  readonly parentId?: number
  readonly lastFillPrice: number
  readonly clientId: number
  readonly whyHeld?: string
  readonly mktCapPrice?: number
}

/** ORDER_STATUS: `3, orderId, status, filled, remaining, avgFillPrice, permId, parentId, lastFillPrice, clientId, whyHeld, mktCapPrice`. */
export const orderStatus = (s: WireOrderStatus): WireFields => [
  InMsgId.ORDER_STATUS,
  s.orderId,
  s.status,
  s.filled,
  s.remaining,
  s.avgFillPrice,
  s.permId,
  s.parentId ?? 0,
  s.lastFillPrice,
  s.clientId,
  s.whyHeld ?? "",
  s.mktCapPrice ?? 0
]

/** OPEN_ORDER_END: `53, 1`. */
export const openOrderEnd = (): WireFields => [InMsgId.OPEN_ORDER_END, 1]

/** COMPLETED_ORDERS_END: `102` (no version field, nothing else). */
export const completedOrdersEnd = (): WireFields => [InMsgId.COMPLETED_ORDERS_END]

/** EXECUTION_DATA_END: `55, 1, reqId`. */
export const executionDataEnd = (reqId: number): WireFields => [InMsgId.EXECUTION_DATA_END, 1, reqId]

/** CONTRACT_DATA_END: `52, 1, reqId`. */
export const contractDataEnd = (reqId: number): WireFields => [InMsgId.CONTRACT_DATA_END, 1, reqId]

/** TICK_SNAPSHOT_END: `57, 1, reqId`. */
export const tickSnapshotEnd = (reqId: number): WireFields => [InMsgId.TICK_SNAPSHOT_END, 1, reqId]

/** MARKET_DATA_TYPE: `58, 1, reqId, type` (1 live, 2 frozen, 3 delayed, 4 delayed frozen). */
export const marketDataType = (reqId: number, type: number): WireFields => [InMsgId.MARKET_DATA_TYPE, 1, reqId, type]

/** IB tick types used with market data (a subset). */
export const TickType = {
  BID_SIZE: 0,
  BID: 1,
  ASK: 2,
  ASK_SIZE: 3,
  LAST: 4,
  LAST_SIZE: 5,
  HIGH: 6,
  LOW: 7,
  VOLUME: 8,
  CLOSE: 9,
  BID_OPTION: 10,
  ASK_OPTION: 11,
  LAST_OPTION: 12,
  MODEL_OPTION: 13,
  OPEN: 14,
  DELAYED_BID: 66,
  DELAYED_ASK: 67,
  DELAYED_LAST: 68
} as const

/** A TICK_PRICE. `size` goes with bid/ask/last; `attrMask` bit 0 canAutoExecute, 1 pastLimit, 2 preOpen. */
export interface WireTickPrice {
  readonly tickerId: number
  readonly tickType: number
  readonly price: number
  readonly size?: number | undefined
  readonly attrMask?: number
}

/**
 * TICK_PRICE: `1, 3, tickerId, tickType, price, size, attrMask`. @stoqey/ib 1.6.10 drops the size of a bid
 * (its BID_SIZE is 0, a falsy tick type): send a {@link tickSize} of type 0 as well.
 */
export const tickPrice = (t: WireTickPrice): WireFields => [
  InMsgId.TICK_PRICE,
  3,
  t.tickerId,
  t.tickType,
  t.price,
  t.size ?? "",
  t.attrMask ?? 0
]

/** TICK_SIZE: `2, 1, tickerId, tickType, size`. */
export const tickSize = (tickerId: number, tickType: number, size: number): WireFields => [
  InMsgId.TICK_SIZE,
  1,
  tickerId,
  tickType,
  size
]

/** A TICK_OPTION_COMPUTATION; undefined values are sent as IB's "not computed" (-1 or -2). */
export interface WireOptionComputation {
  readonly tickerId: number
  /** 10 bid, 11 ask, 12 last, 13 model. */
  readonly tickType: number
  /** 0 return-based, 1 price-based. */
  readonly tickAttrib?: number
  readonly impliedVol?: number | undefined
  readonly delta?: number | undefined
  readonly optPrice?: number | undefined
  readonly pvDividend?: number | undefined
  readonly gamma?: number | undefined
  readonly vega?: number | undefined
  readonly theta?: number | undefined
  readonly undPrice?: number | undefined
}

/**
 * TICK_OPTION_COMPUTATION (no version field at 193):
 * `21, tickerId, tickType, tickAttrib, impliedVol, delta, optPrice, pvDividend, gamma, vega, theta, undPrice`.
 */
export const tickOptionComputation = (t: WireOptionComputation): WireFields => [
  InMsgId.TICK_OPTION_COMPUTATION,
  t.tickerId,
  t.tickType,
  t.tickAttrib ?? 0,
  t.impliedVol ?? -1,
  t.delta ?? -2,
  t.optPrice ?? -1,
  t.pvDividend ?? -1,
  t.gamma ?? -2,
  t.vega ?? -2,
  t.theta ?? -2,
  t.undPrice ?? -1
]
