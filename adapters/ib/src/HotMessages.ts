/**
 * The two messages that arrive by the thousand while orders trade, ORDER_STATUS (3) and EXECUTION_DATA (11), read
 * without @stoqey/ib 1.6.10's token queue (which copies its whole queue for every message and shifts tokens off the
 * front one by one). The result is exactly what the library's decoder emits: the same event name and arguments,
 * built with the same reading rules (`readInt`, `readDouble`, `readDecimal`, `readBool`, `validateOptionType` of
 * decoder.js), in the same key order, for the same server versions.
 *
 * Only a message this module reads completely is taken: the exact number of fields for the server version, from a
 * server version whose layout it knows. Anything else (another message, a short or long one, an old server) returns
 * undefined and goes to the library's decoder as before, with its own errors (505) for what it cannot read.
 * @module
 */
import { EventName, OptionType } from "@stoqey/ib"

/** Server versions that change these two layouts (min-server-version.js). */
const MODELS_SUPPORT = 103
const MARKET_CAP_PRICE = 131
const LAST_LIQUIDITY = 136
const PENDING_PRICE_REVISION = 178

/** One decoded message: what the library's decoder passes to `emitEvent`. */
export interface HotMessage {
  readonly name: EventName
  readonly args: ReadonlyArray<unknown>
}

// The library's reading rules, token by token (decoder.js 1.6.10).
const readInt = (token: string): number => (token === "" ? 0 : parseInt(token, 10))
const readDouble = (token: string): number | undefined => {
  if (token === "") return 0
  const value = parseFloat(token)
  return value === Number.MAX_VALUE ? undefined : value
}
const readDecimal = (token: string): number | undefined => {
  if (token === "") return undefined
  const value = parseFloat(token.includes(",") ? token.replaceAll(",", "") : token)
  return value === Number.MAX_VALUE || value === Infinity ? undefined : value
}
const readBool = (token: string): boolean => !!parseInt(token)
const optionTypes: ReadonlyArray<string> = Object.values(OptionType)
const validateOptionType = (token: string): string | undefined => (optionTypes.includes(token) ? token : undefined)

/** Fields of an EXECUTION_DATA message (message id included) from a server at or past LAST_LIQUIDITY. */
const executionFields = (serverVersion: number): number => (serverVersion >= PENDING_PRICE_REVISION ? 32 : 31)

/**
 * The event the library would emit for a message whose fields (split on NUL, message id first, without the empty
 * field after the last NUL) are `f`; undefined when this module does not read that message (see the module doc).
 */
export const decodeHot = (f: ReadonlyArray<string>, serverVersion: number): HotMessage | undefined => {
  const id = f[0]
  if (id === "3") {
    if (serverVersion < MARKET_CAP_PRICE || f.length !== 12) return undefined
    return {
      name: EventName.orderStatus,
      // id, status, filled, remaining, avgFillPrice, permId, parentId, lastFillPrice, clientId, whyHeld, mktCapPrice
      args: [
        readInt(f[1]!),
        f[2]!,
        readDecimal(f[3]!),
        readDecimal(f[4]!),
        readDouble(f[5]!),
        readInt(f[6]!),
        readInt(f[7]!),
        readDouble(f[8]!),
        readInt(f[9]!),
        f[10]!,
        readDouble(f[11]!)
      ]
    }
  }
  if (id === "11") {
    if (serverVersion < LAST_LIQUIDITY || f.length !== executionFields(serverVersion)) return undefined
    const reqId = readInt(f[1]!)
    const orderId = readInt(f[2]!)
    const contract = {
      conId: readInt(f[3]!),
      symbol: f[4]!,
      secType: f[5]!,
      lastTradeDateOrContractMonth: f[6]!,
      strike: readDouble(f[7]!),
      right: validateOptionType(f[8]!),
      multiplier: readDouble(f[9]!),
      exchange: f[10]!,
      currency: f[11]!,
      localSymbol: f[12]!,
      tradingClass: f[13]!
    }
    const exec: Record<string, unknown> = {
      orderId,
      execId: f[14]!,
      time: f[15]!,
      acctNumber: f[16]!,
      exchange: f[17]!,
      side: f[18]!,
      shares: readDecimal(f[19]!),
      price: readDouble(f[20]!),
      permId: readInt(f[21]!),
      clientId: readInt(f[22]!),
      liquidation: readInt(f[23]!),
      cumQty: readDecimal(f[24]!),
      avgPrice: readDouble(f[25]!),
      orderRef: f[26]!,
      evRule: f[27]!,
      evMultiplier: readDouble(f[28]!)
    }
    if (serverVersion >= MODELS_SUPPORT) exec["modelCode"] = f[29]!
    exec["lastLiquidity"] = readInt(f[30]!)
    if (serverVersion >= PENDING_PRICE_REVISION) exec["pendingPriceRevision"] = readBool(f[31]!)
    return { name: EventName.execDetails, args: [reqId, contract, exec] }
  }
  return undefined
}
