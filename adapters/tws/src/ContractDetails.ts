/**
 * REQ_CONTRACT_DATA: which contracts a request matches and the CONTRACT_DATA fields TWS sends for each.
 *
 * Options may be asked fully (symbol, expiry, strike, right), by conId (once qualified here), or partly (no strike,
 * no right, an expiry month YYYYMM): partial requests are expanded from the MarketData chain, as TWS lists every
 * match. Stocks (the underlyings) are answered when MarketData prices them. A BAG cannot be qualified (321);
 * anything that matches nothing gets 200.
 * @module
 */
import type { MarketData } from "@spreads/application"
import { Contract, Price } from "@spreads/domain"
import { BigDecimal, Effect } from "effect"
import {
  type ContractBook,
  type ContractProblem,
  expiryOf,
  optionToWire,
  parseRight,
  stockConId,
  strikeOf,
  underlyingOf
} from "./ContractBook.ts"
import type { WireContract, WireContractDetails } from "./wire/Types.ts"

/** Most contracts one partial request returns (TWS returns thousands; a simulator does not need to). */
export const MAX_MATCHES = 2000

const OPTION_ORDER_TYPES =
  "ACTIVETIM,AD,ADJUST,ALERT,ALLOC,AVGCOST,BASKET,COND,CONDORDER,DAY,DEACT,DEACTDIS,DEACTEOD,GAT,GTC,GTD,GTT,HID," +
  "IOC,LIT,LMT,MIT,MKT,MTL,NGCOMB,NONALGO,OCA,OPENCLOSE,PEGMIDVOL,PEGMKTVOL,PEGPRMVOL,PEGSRFVOL,POSTONLY,PRICECHK," +
  "REL,RELPCTOFS,RELSTK,SCALE,SCALERST,SIZECHK,SNAPMID,SNAPMKT,SNAPREL,STP,STPLMT,TRAIL,TRAILLIT,TRAILLMT,TRAILMIT," +
  "VOLAT,WHATIF"
const OPTION_EXCHANGES =
  "SMART,AMEX,BATS,BOX,CBOE,CBOE2,EDGX,EMERALD,GEMINI,IBUSOPT,ISE,MERCURY,MIAX,NASDAQBX,NASDAQOM,PEARL,PHLX,PSE"
const STOCK_ORDER_TYPES =
  "ACTIVETIM,AD,ADJUST,ALERT,ALGO,ALLOC,AVGCOST,BASKET,BENCHPX,COND,CONDORDER,DARKONLY,DARKPOLL,DAY,DEACT,DEACTDIS," +
  "DEACTEOD,DIS,GAT,GTC,GTD,GTT,HID,IBKRATS,ICE,IMB,IOC,LIT,LMT,LOC,MIDPX,MIT,MKT,MOC,MTL,NGCOMB,NODARK,NONALGO,OCA," +
  "OPG,OPGREROUT,PEGBENCH,PEGMID,POSTATS,POSTONLY,PREOPGRTH,PRICECHK,REL,REL2MID,RELPCTOFS,RPI,RTH,SCALE,SCALEODD," +
  "SCALERST,SIZECHK,SNAPMID,SNAPMKT,SNAPREL,STP,STPLMT,SWEEP,TRAIL,TRAILLIT,TRAILLMT,TRAILMIT,WHATIF"
const STOCK_EXCHANGES = "SMART,AMEX,NYSE,CBOE,PHLX,ISE,CHX,ARCA,NASDAQ,DRCTEDGE,BEX,BATS,EDGEA,BYX,IEX,EDGX,PEARL"
const ETFS: Readonly<Record<string, string>> = { SPY: "ARCA", IWM: "ARCA", QQQ: "NASDAQ" }

const nyDate = new Intl.DateTimeFormat("en-CA", {
  timeZone: "America/New_York",
  year: "numeric",
  month: "2-digit",
  day: "2-digit"
})
const DAY = 86_400_000

/** New York date of `ms` as YYYYMMDD. */
export const nyYmd = (ms: number): string => nyDate.format(ms).replaceAll("-", "")

/**
 * A week of TWS trading-hours text from the New York date of `now`: `20261130:0930-20261130:1600;20261205:CLOSED`
 * (weekends closed, no holiday calendar), as TWS writes tradingHours and liquidHours for US options.
 */
export const tradingHours = (now: number, open = "0930", close = "1600"): string => {
  const days: Array<string> = []
  for (let i = 0; i < 7; i++) {
    const ms = now + i * DAY
    const ymd = nyYmd(ms)
    // 1970-01-01 was a Thursday: weekday 0 is Sunday.
    const weekday = (((Contract.epochDay(`${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6)}`) + 4) % 7) + 7) % 7
    days.push(weekday === 0 || weekday === 6 ? `${ymd}:CLOSED` : `${ymd}:${open}-${ymd}:${close}`)
  }
  return days.join(";")
}

/** IB's option tick at a price: 0.01 under $3, 0.05 from $3. */
export const optionTick = (price: number | undefined): number => (price !== undefined && price >= 3 ? 0.05 : 0.01)

/** CONTRACT_DATA fields of a qualified option. `price` (the ask) picks the minimum tick. */
export const optionDetails = (c: Contract.OptionContract, now: number, price?: number): WireContractDetails => {
  const expiry = Contract.toIbExpiry(c.expiry)
  const hours = tradingHours(now)
  return {
    contract: optionToWire(c),
    marketName: c.underlying,
    minTick: optionTick(price),
    orderTypes: OPTION_ORDER_TYPES,
    validExchanges: OPTION_EXCHANGES,
    priceMagnifier: 1,
    underConId: stockConId(c.underlying),
    longName: c.underlying,
    contractMonth: expiry.slice(0, 6),
    timeZoneId: "US/Eastern",
    tradingHours: hours,
    liquidHours: hours,
    aggGroup: 2,
    underSymbol: c.underlying,
    underSecType: "STK",
    marketRuleIds: "32,109,109,109,109,109,109,109,32,109,109,109,109,109,109,109,109,32",
    realExpirationDate: expiry,
    lastTradeDate: expiry,
    minSize: 1,
    sizeIncrement: 1,
    suggestedSizeIncrement: 1
  }
}

/** CONTRACT_DATA fields of a stock. */
export const stockDetails = (symbol: string, now: number): WireContractDetails => {
  const primaryExch = ETFS[symbol] ?? "NASDAQ"
  return {
    contract: {
      conId: stockConId(symbol),
      symbol,
      secType: "STK",
      lastTradeDateOrContractMonth: "",
      strike: 0,
      right: "",
      multiplier: "",
      exchange: "SMART",
      primaryExch,
      currency: "USD",
      localSymbol: symbol,
      tradingClass: ETFS[symbol] === undefined ? "NMS" : symbol
    },
    marketName: ETFS[symbol] === undefined ? "NMS" : symbol,
    minTick: 0.01,
    orderTypes: STOCK_ORDER_TYPES,
    validExchanges: STOCK_EXCHANGES,
    priceMagnifier: 1,
    longName: symbol,
    timeZoneId: "US/Eastern",
    tradingHours: tradingHours(now, "0400", "2000"),
    liquidHours: tradingHours(now),
    aggGroup: 1,
    marketRuleIds: "26,26,26,26,26,26,26,26,26,26,26,26,26,26,26,26,26,26",
    stockType: ETFS[symbol] === undefined ? "COMMON" : "ETF",
    minSize: 1,
    sizeIncrement: 1,
    suggestedSizeIncrement: 1
  }
}

const fail = (code: 200 | 321, message: string): Effect.Effect<never, ContractProblem> => Effect.fail({ code, message })

const askOf = (md: MarketData["Service"], c: Contract.OptionContract): Effect.Effect<number | undefined> =>
  md.quote(c).pipe(
    Effect.map((q) => BigDecimal.toNumberUnsafe(q.ask)),
    Effect.orElseSucceed(() => undefined)
  )

/** The options a partial OPT request names, expanded from the chain (at most {@link MAX_MATCHES}). */
const expand = Effect.fnUntraced(function* (
  md: MarketData["Service"],
  req: WireContract
): Effect.fn.Return<ReadonlyArray<Contract.OptionContract>, ContractProblem> {
  const underlying = underlyingOf(req.symbol)
  if (underlying === undefined) return yield* fail(200, `symbol ${JSON.stringify(req.symbol)} is not valid`)
  const exp = req.lastTradeDateOrContractMonth.trim()
  if (exp !== "" && !/^\d{6}(\d{2})?$/.test(exp)) return yield* fail(200, `expiry ${JSON.stringify(exp)} is not valid`)
  const right = req.right.trim() === "" ? undefined : parseRight(req.right)
  if (req.right.trim() !== "" && right === undefined) return yield* fail(200, `right ${JSON.stringify(req.right)}`)
  const strike = req.strike > 0 ? strikeOf(req.strike) : undefined
  if (req.strike > 0 && strike === undefined) return yield* fail(200, `strike ${req.strike} is not valid`)
  const chainError = (e: { readonly message: string }): ContractProblem => ({ code: 200, message: e.message })
  const full = exp.length === 8 ? expiryOf(exp) : undefined
  const first = yield* Effect.mapError(md.chain(underlying, full), chainError)
  const expiries = first.expiries.filter((e) => Contract.toIbExpiry(e).startsWith(exp))
  const out: Array<Contract.OptionContract> = []
  for (const expiry of expiries) {
    // `first` lists the strikes of the requested expiry, or of the nearest one when none was named.
    const chain = full !== undefined ? first : yield* Effect.orElseSucceed(md.chain(underlying, expiry), () => first)
    for (const k of chain.strikes) {
      if (strike !== undefined && !Price.equals(k, strike)) continue
      for (const r of right === undefined ? (["C", "P"] as const) : [right]) {
        if (out.length >= MAX_MATCHES) return out
        out.push(Contract.optionContract(underlying, expiry, k, r))
      }
    }
  }
  return out
})

/**
 * The contract details a REQ_CONTRACT_DATA asks for, qualified with the broker and remembered in `book`.
 * Fails with 321 for a BAG and 200 when nothing matches.
 */
export const lookup = Effect.fnUntraced(function* (
  book: ContractBook,
  md: MarketData["Service"],
  req: WireContract,
  now: number
): Effect.fn.Return<ReadonlyArray<WireContractDetails>, ContractProblem> {
  const secType = req.secType.trim().toUpperCase()
  if (secType === "BAG") {
    return yield* fail(321, "Error validating request.-'bW' : cause - Invalid security type - BAG; qualify the legs")
  }
  if (secType === "STK") {
    const symbol = req.symbol.trim().toUpperCase()
    const underlying = underlyingOf(symbol)
    if (underlying === undefined) return yield* fail(200, `symbol ${JSON.stringify(req.symbol)} is not valid`)
    yield* Effect.mapError(md.underlyingPrice(underlying), (e) => ({ code: 200 as const, message: e.message }))
    return [stockDetails(symbol, now)]
  }
  if (secType !== "OPT" && !(secType === "" && req.conId > 0)) {
    return yield* fail(200, `security type ${JSON.stringify(req.secType)} is not simulated`)
  }
  const byConId = req.conId > 0 ? book.get(req.conId) : undefined
  if (req.conId > 0 && byConId === undefined) return yield* fail(200, `conId ${req.conId} is not known`)
  const complete =
    req.strike > 0 && parseRight(req.right) !== undefined && /^\d{8}$/.test(req.lastTradeDateOrContractMonth)
  const wanted =
    byConId !== undefined
      ? [byConId]
      : complete
        ? [yield* book.resolve(req)]
        : yield* Effect.flatMap(expand(md, req), (list) =>
            list.length === 0
              ? fail(200, "no listed option matches")
              : Effect.mapError(book.qualify(list), (e): ContractProblem => ({ code: 200, message: e.message }))
          )
  const out: Array<WireContractDetails> = []
  for (const c of wanted) out.push(optionDetails(c, now, yield* askOf(md, c)))
  return out
})
