/**
 * Client -> server messages at server version 193, parsed field by field into a tagged union.
 *
 * {@link parseIncoming} never throws: every outcome is `{ ok: true, message }` or
 * `{ ok: false, error: { code, message, id? } }`, with texts such as "unknown message id 42",
 * "REQ_IDS expected 3 fields, got 4" or "PLACE_ORDER: field lmtPrice: 'abc' is not a number".
 * @module
 */
import { expectCount, FieldCursor, parseInteger, type ParseResult, safely, WireErrorCode } from "./Cursor.ts"
import { type PlaceOrder, readContractHead, readDeltaNeutralContract, readPlaceOrder } from "./PlaceOrder.ts"
import type { WireComboLeg, WireContract, WireDeltaNeutralContract } from "./Types.ts"

export type { PlaceOrder } from "./PlaceOrder.ts"

/** Message ids a client sends (the subset this server understands). */
export const OutMsgId = {
  REQ_MKT_DATA: 1,
  CANCEL_MKT_DATA: 2,
  PLACE_ORDER: 3,
  CANCEL_ORDER: 4,
  REQ_OPEN_ORDERS: 5,
  REQ_EXECUTIONS: 7,
  REQ_IDS: 8,
  REQ_CONTRACT_DATA: 9,
  REQ_AUTO_OPEN_ORDERS: 15,
  REQ_ALL_OPEN_ORDERS: 16,
  REQ_MANAGED_ACCTS: 17,
  REQ_CURRENT_TIME: 49,
  REQ_GLOBAL_CANCEL: 58,
  REQ_MARKET_DATA_TYPE: 59,
  START_API: 71,
  REQ_COMPLETED_ORDERS: 99
} as const

/** START_API (71): `71, 2, clientId, optionalCapabilities`. */
export interface StartApi {
  readonly _tag: "StartApi"
  readonly clientId: number
  readonly optionalCapabilities: string
}
/** REQ_IDS (8): `8, 1, numIds`. */
export interface ReqIds {
  readonly _tag: "ReqIds"
  readonly numIds: number
}
/** REQ_CURRENT_TIME (49). */
export interface ReqCurrentTime {
  readonly _tag: "ReqCurrentTime"
}
/** REQ_MANAGED_ACCTS (17). */
export interface ReqManagedAccts {
  readonly _tag: "ReqManagedAccts"
}
/** REQ_OPEN_ORDERS (5): this client's open orders. */
export interface ReqOpenOrders {
  readonly _tag: "ReqOpenOrders"
}
/** REQ_ALL_OPEN_ORDERS (16): every client's open orders. */
export interface ReqAllOpenOrders {
  readonly _tag: "ReqAllOpenOrders"
}
/** REQ_AUTO_OPEN_ORDERS (15): `15, 1, autoBind`. */
export interface ReqAutoOpenOrders {
  readonly _tag: "ReqAutoOpenOrders"
  readonly autoBind: boolean
}
/** REQ_COMPLETED_ORDERS (99): `99, apiOnly` (no version field). */
export interface ReqCompletedOrders {
  readonly _tag: "ReqCompletedOrders"
  /** Only orders placed through the API (every order of this server is). */
  readonly apiOnly: boolean
}
/** REQ_CONTRACT_DATA (9): `9, 8, reqId, contract..., includeExpired, secIdType, secId, issuerId`. */
export interface ReqContractData {
  readonly _tag: "ReqContractData"
  readonly reqId: number
  readonly contract: WireContract
  readonly includeExpired: boolean
  readonly issuerId: string
}
/** The filter of REQ_EXECUTIONS ("" / undefined = any). */
export interface ExecutionFilter {
  readonly clientId: number | undefined
  readonly acctCode: string
  readonly time: string
  readonly symbol: string
  readonly secType: string
  readonly exchange: string
  readonly side: string
}
/** REQ_EXECUTIONS (7): `7, 3, reqId, clientId, acctCode, time, symbol, secType, exchange, side`. */
export interface ReqExecutions {
  readonly _tag: "ReqExecutions"
  readonly reqId: number
  readonly filter: ExecutionFilter
}
/** CANCEL_ORDER (4): `4, orderId, manualOrderCancelTime, extOperator, manualOrderIndicator`. */
export interface CancelOrder {
  readonly _tag: "CancelOrder"
  readonly orderId: number
  readonly manualOrderCancelTime: string
  readonly extOperator: string
  readonly manualOrderIndicator: number | undefined
}
/** REQ_GLOBAL_CANCEL (58): `58, extOperator, manualOrderIndicator`. */
export interface ReqGlobalCancel {
  readonly _tag: "ReqGlobalCancel"
  readonly extOperator: string
  readonly manualOrderIndicator: number | undefined
}
/** REQ_MKT_DATA (1): `1, 11, reqId, contract..., [BAG legs], deltaNeutral, genericTickList, snapshot, regulatorySnapshot, options`. */
export interface ReqMktData {
  readonly _tag: "ReqMktData"
  readonly reqId: number
  /** For a BAG, `comboLegs` carries conId, ratio, action and exchange of each leg. */
  readonly contract: WireContract
  readonly deltaNeutralContract: WireDeltaNeutralContract | undefined
  readonly genericTickList: string
  readonly snapshot: boolean
  readonly regulatorySnapshot: boolean
  readonly mktDataOptions: string
}
/** CANCEL_MKT_DATA (2): `2, 1, reqId`. */
export interface CancelMktData {
  readonly _tag: "CancelMktData"
  readonly reqId: number
}
/** REQ_MARKET_DATA_TYPE (59): `59, 1, type` (1 live, 2 frozen, 3 delayed, 4 delayed frozen). */
export interface ReqMarketDataType {
  readonly _tag: "ReqMarketDataType"
  readonly marketDataType: number
}

/** Every client message this server understands. */
export type IncomingMessage =
  | StartApi
  | ReqIds
  | ReqCurrentTime
  | ReqManagedAccts
  | ReqOpenOrders
  | ReqAllOpenOrders
  | ReqAutoOpenOrders
  | ReqCompletedOrders
  | ReqContractData
  | ReqExecutions
  | CancelOrder
  | ReqGlobalCancel
  | ReqMktData
  | CancelMktData
  | ReqMarketDataType
  | PlaceOrder

/** The outcome of {@link parseIncoming}. */
export type IncomingResult = ParseResult<IncomingMessage>

/** A version-only message: `id, 1`. */
const versionOnly = <M extends IncomingMessage>(fields: ReadonlyArray<string>, name: string, message: M): M => {
  expectCount(fields, name, 2)
  new FieldCursor(fields, name).literal("version", "1")
  return message
}

const reqContractData = (fields: ReadonlyArray<string>): ReqContractData => {
  expectCount(fields, "REQ_CONTRACT_DATA", 19)
  const c = new FieldCursor(fields, "REQ_CONTRACT_DATA")
  c.literal("version", "8")
  const reqId = c.int("reqId")
  const head = readContractHead(c)
  const includeExpired = c.bool("includeExpired")
  const contract: WireContract = { ...head, secIdType: c.str("secIdType"), secId: c.str("secId") }
  return { _tag: "ReqContractData", reqId, contract, includeExpired, issuerId: c.str("issuerId") }
}

const reqMktData = (fields: ReadonlyArray<string>): ReqMktData => {
  const c = new FieldCursor(fields, "REQ_MKT_DATA")
  c.literal("version", "11")
  const reqId = c.int("reqId")
  const head = readContractHead(c)
  const legs: Array<WireComboLeg> = []
  const isBag = head.secType.toUpperCase() === "BAG"
  if (isBag) {
    const n = c.count("comboLegCount", 4)
    for (let i = 0; i < n; i++) {
      const f = (name: string): string => `comboLegs[${i}].${name}`
      legs.push({
        conId: c.int(f("conId")),
        ratio: c.int(f("ratio")),
        action: c.str(f("action")),
        exchange: c.str(f("exchange"))
      })
    }
  }
  const deltaNeutralContract = readDeltaNeutralContract(c)
  const message: ReqMktData = {
    _tag: "ReqMktData",
    reqId,
    contract: isBag ? { ...head, comboLegs: legs } : head,
    deltaNeutralContract,
    genericTickList: c.str("genericTickList"),
    snapshot: c.bool("snapshot"),
    regulatorySnapshot: c.bool("regulatorySnapshot"),
    mktDataOptions: c.str("mktDataOptions")
  }
  c.end()
  return message
}

const reqExecutions = (fields: ReadonlyArray<string>): ReqExecutions => {
  expectCount(fields, "REQ_EXECUTIONS", 10)
  const c = new FieldCursor(fields, "REQ_EXECUTIONS")
  c.literal("version", "3")
  const reqId = c.int("reqId")
  const filter: ExecutionFilter = {
    clientId: c.intOrUnset("clientId"),
    acctCode: c.str("acctCode"),
    time: c.str("time"),
    symbol: c.str("symbol"),
    secType: c.str("secType"),
    exchange: c.str("exchange"),
    side: c.str("side")
  }
  return { _tag: "ReqExecutions", reqId, filter }
}

const parseKnown = (id: number, fields: ReadonlyArray<string>): IncomingMessage | undefined => {
  switch (id) {
    case OutMsgId.START_API: {
      expectCount(fields, "START_API", 4)
      const c = new FieldCursor(fields, "START_API")
      c.literal("version", "2")
      return { _tag: "StartApi", clientId: c.int("clientId"), optionalCapabilities: c.str("optionalCapabilities") }
    }
    case OutMsgId.REQ_IDS: {
      expectCount(fields, "REQ_IDS", 3)
      const c = new FieldCursor(fields, "REQ_IDS")
      c.literal("version", "1")
      return { _tag: "ReqIds", numIds: c.int("numIds") }
    }
    case OutMsgId.REQ_CURRENT_TIME:
      return versionOnly(fields, "REQ_CURRENT_TIME", { _tag: "ReqCurrentTime" })
    case OutMsgId.REQ_MANAGED_ACCTS:
      return versionOnly(fields, "REQ_MANAGED_ACCTS", { _tag: "ReqManagedAccts" })
    case OutMsgId.REQ_OPEN_ORDERS:
      return versionOnly(fields, "REQ_OPEN_ORDERS", { _tag: "ReqOpenOrders" })
    case OutMsgId.REQ_ALL_OPEN_ORDERS:
      return versionOnly(fields, "REQ_ALL_OPEN_ORDERS", { _tag: "ReqAllOpenOrders" })
    case OutMsgId.REQ_AUTO_OPEN_ORDERS: {
      expectCount(fields, "REQ_AUTO_OPEN_ORDERS", 3)
      const c = new FieldCursor(fields, "REQ_AUTO_OPEN_ORDERS")
      c.literal("version", "1")
      return { _tag: "ReqAutoOpenOrders", autoBind: c.bool("autoBind") }
    }
    case OutMsgId.REQ_COMPLETED_ORDERS: {
      expectCount(fields, "REQ_COMPLETED_ORDERS", 2)
      return { _tag: "ReqCompletedOrders", apiOnly: new FieldCursor(fields, "REQ_COMPLETED_ORDERS").bool("apiOnly") }
    }
    case OutMsgId.REQ_CONTRACT_DATA:
      return reqContractData(fields)
    case OutMsgId.REQ_EXECUTIONS:
      return reqExecutions(fields)
    case OutMsgId.CANCEL_ORDER: {
      expectCount(fields, "CANCEL_ORDER", 5)
      const c = new FieldCursor(fields, "CANCEL_ORDER")
      return {
        _tag: "CancelOrder",
        orderId: c.int("orderId"),
        manualOrderCancelTime: c.str("manualOrderCancelTime"),
        extOperator: c.str("extOperator"),
        manualOrderIndicator: c.intOrUnset("manualOrderIndicator")
      }
    }
    case OutMsgId.REQ_GLOBAL_CANCEL: {
      expectCount(fields, "REQ_GLOBAL_CANCEL", 3)
      const c = new FieldCursor(fields, "REQ_GLOBAL_CANCEL")
      return {
        _tag: "ReqGlobalCancel",
        extOperator: c.str("extOperator"),
        manualOrderIndicator: c.intOrUnset("manualOrderIndicator")
      }
    }
    case OutMsgId.REQ_MKT_DATA:
      return reqMktData(fields)
    case OutMsgId.CANCEL_MKT_DATA: {
      expectCount(fields, "CANCEL_MKT_DATA", 3)
      const c = new FieldCursor(fields, "CANCEL_MKT_DATA")
      c.literal("version", "1")
      return { _tag: "CancelMktData", reqId: c.int("reqId") }
    }
    case OutMsgId.REQ_MARKET_DATA_TYPE: {
      expectCount(fields, "REQ_MARKET_DATA_TYPE", 3)
      const c = new FieldCursor(fields, "REQ_MARKET_DATA_TYPE")
      c.literal("version", "1")
      return { _tag: "ReqMarketDataType", marketDataType: c.int("marketDataType") }
    }
    case OutMsgId.PLACE_ORDER:
      return readPlaceOrder(new FieldCursor(fields, "PLACE_ORDER"))
    default:
      return undefined
  }
}

/** Index of the request/order id in each message that has one (to route an error back). */
const idIndex: Readonly<Record<number, number>> = {
  [OutMsgId.PLACE_ORDER]: 1,
  [OutMsgId.CANCEL_ORDER]: 1,
  [OutMsgId.REQ_CONTRACT_DATA]: 2,
  [OutMsgId.REQ_MKT_DATA]: 2,
  [OutMsgId.CANCEL_MKT_DATA]: 2,
  [OutMsgId.REQ_EXECUTIONS]: 2
}

/**
 * Parses one client message (the fields of one frame). Never throws.
 * Errors carry `id` (the order or request id) when the message has one and it is readable.
 */
export const parseIncoming = (fields: ReadonlyArray<string>): IncomingResult => {
  const first = fields[0]
  if (first === undefined) {
    return { ok: false, error: { code: WireErrorCode.BadMessage, message: "empty message (no message id)" } }
  }
  const id = parseInteger(first)
  if (id === undefined) {
    return {
      ok: false,
      error: { code: WireErrorCode.BadMessage, message: `message id '${first.slice(0, 40)}' is not an integer` }
    }
  }
  const at = idIndex[id]
  const reqId = at === undefined ? undefined : parseInteger(fields[at] ?? "")
  const result = safely(() => parseKnown(id, fields), reqId)
  if (!result.ok) return result
  if (result.message === undefined) {
    return { ok: false, error: { code: WireErrorCode.UnknownMessageId, message: `unknown message id ${id}` } }
  }
  return { ok: true, message: result.message }
}
