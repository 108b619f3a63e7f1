/**
 * The MarketData port over TWS: snapshot quotes (reqMktData with snapshot=true) and the option chain.
 *
 * - quote: the option's conId (cached qualification), then one snapshot: bid/ask/last with sizes, live or delayed tick
 *   types, greeks from the model computation (13/83, else the bid/ask ones). IB's -1 (no bid) reads as 0. No bid and
 *   no ask at all fails as Unavailable rather than inventing a price.
 * - underlyingPrice: a stock snapshot: last, else close, else the mid of bid and ask.
 * - chain: by default one contract-details request for the underlying's options (every server answers it; with an
 *   expiry it is one expiry's listings), or reqSecDefOptParams (config `chainSource`), which lists all strikes of
 *   all expiries at once (IB does not give strikes per expiry there).
 * @module
 */
import { BrokerError, type Greeks, MarketData, type OptionChain, type OptionQuote } from "@spreads/application"
import { Contract as DomainContract, type Price, type Values } from "@spreads/domain"
import { type Contract, SecType } from "@stoqey/ib"
import { BigDecimal, Effect, Result } from "effect"
import type { IbConnection } from "./IbConnection.ts"
import type { IbEvent } from "./IbEvent.ts"
import { optionContract, type Qualifier } from "./Qualify.ts"
import { toDecimal } from "./Executions.ts"
import * as Requests from "./Requests.ts"

/** IB tick types this adapter reads (live, and delayed in parentheses). */
export const Tick = {
  BID_SIZE: [0, 69],
  BID: [1, 66],
  ASK: [2, 67],
  ASK_SIZE: [3, 70],
  LAST: [4, 68],
  CLOSE: [9, 75],
  BID_OPTION: [10, 80],
  ASK_OPTION: [11, 81],
  MODEL_OPTION: [13, 83]
} as const

const is = (field: number, tick: readonly [number, number]): boolean => field === tick[0] || field === tick[1]

/** What a snapshot delivered. */
export interface Ticks {
  bid?: number
  ask?: number
  last?: number
  close?: number
  bidSize?: number
  askSize?: number
  greeks?: Greeks
  greeksFrom?: number
}

/** Folds one tick event into `t` (pure bookkeeping, exported for tests). */
export const addTick = (t: Ticks, event: IbEvent): void => {
  if (event._tag === "TickPrice") {
    if (is(event.field, Tick.BID)) t.bid = event.value
    else if (is(event.field, Tick.ASK)) t.ask = event.value
    else if (is(event.field, Tick.LAST)) t.last = event.value
    else if (is(event.field, Tick.CLOSE)) t.close = event.value
  } else if (event._tag === "TickSize") {
    if (is(event.field, Tick.BID_SIZE)) t.bidSize = event.value
    else if (is(event.field, Tick.ASK_SIZE)) t.askSize = event.value
  } else if (event._tag === "TickOptionComputation") {
    const rank = is(event.field, Tick.MODEL_OPTION)
      ? 2
      : is(event.field, Tick.BID_OPTION) || is(event.field, Tick.ASK_OPTION)
        ? 1
        : 0
    const { impliedVol, delta, gamma, theta, vega } = event
    const known = (n: number | undefined): n is number => n !== undefined && n !== -1 && n !== -2
    if (rank === 0 || (t.greeksFrom ?? 0) > rank) return
    if (known(impliedVol) && known(delta) && known(gamma) && known(theta) && known(vega)) {
      t.greeks = { impliedVol, delta, gamma, theta, vega }
      t.greeksFrom = rank
    }
  }
}

const price = (n: number | undefined): Price.Decimal | undefined =>
  n === undefined || !Number.isFinite(n) ? undefined : n < 0 ? BigDecimal.fromBigInt(0n) : toDecimal(n)

/** A quote from a snapshot's ticks; fails when the snapshot had neither bid nor ask. */
export const toQuote = (t: Ticks, what: string): Result.Result<OptionQuote, BrokerError> => {
  const bid = price(t.bid)
  const ask = price(t.ask)
  if (bid === undefined && ask === undefined) {
    return Result.fail(
      new BrokerError({
        reason: "Unavailable",
        message: `no bid or ask for ${what}: TWS sent no quote (market data permissions, or the market is closed; a delayed market data type may help)`
      })
    )
  }
  const last = price(t.last)
  return Result.succeed({
    bid: bid ?? BigDecimal.fromBigInt(0n),
    ask: ask ?? BigDecimal.fromBigInt(0n),
    bidSize: Math.max(0, t.bidSize ?? 0),
    askSize: Math.max(0, t.askSize ?? 0),
    ...(last === undefined || t.last! <= 0 ? {} : { last }),
    ...(t.greeks === undefined ? {} : { greeks: t.greeks })
  })
}

const stock = (underlying: string): Contract => ({
  symbol: underlying,
  secType: SecType.STK,
  exchange: "SMART",
  currency: "USD"
})

/** The MarketData service over `connection`. */
export const make = (connection: IbConnection, qualifier: Qualifier): MarketData["Service"] => {
  const snapshot = (contract: Contract, what: string) =>
    Requests.run<Ticks>(connection, {
      what,
      send: (api, reqId) => api.reqMktData(reqId, contract, "", true, false),
      cancel: (api, reqId) => api.cancelMktData(reqId),
      handler: (reqId) => {
        const ticks: Ticks = {}
        return (event) => {
          if ("reqId" in event && event.reqId === reqId) {
            if (event._tag === "TickSnapshotEnd") return Requests.done(ticks)
            addTick(ticks, event)
          }
          return Requests.next
        }
      }
    })

  const quote = (c: DomainContract.OptionContract) =>
    Effect.gen(function* () {
      const label = DomainContract.contractKey(c)
      const conId = yield* qualifier.conId(c, label)
      const ticks = yield* snapshot({ ...optionContract(c), conId }, `a quote for ${label}`)
      const q = toQuote(ticks, label)
      return Result.isSuccess(q) ? q.success : yield* q.failure
    }).pipe(Effect.withSpan("IbMarketData.quote"))

  const underlyingPrice = (u: Values.Underlying) =>
    Effect.gen(function* () {
      const t = yield* snapshot(stock(u), `a quote for ${u}`)
      const value =
        t.last !== undefined && t.last > 0
          ? t.last
          : t.close !== undefined && t.close > 0
            ? t.close
            : t.bid !== undefined && t.ask !== undefined && t.bid > 0 && t.ask > 0
              ? (t.bid + t.ask) / 2
              : undefined
      if (value === undefined) {
        return yield* new BrokerError({
          reason: "Unavailable",
          message: `no price for ${u}: TWS sent no last, close or bid/ask`
        })
      }
      return toDecimal(value)
    }).pipe(Effect.withSpan("IbMarketData.underlyingPrice"))

  const fromDetails = (u: Values.Underlying, expiry: DomainContract.Expiry | undefined) =>
    Effect.gen(function* () {
      const details = yield* qualifier.details(
        {
          symbol: u,
          secType: SecType.OPT,
          exchange: "SMART",
          currency: "USD",
          ...(expiry === undefined ? {} : { lastTradeDateOrContractMonth: DomainContract.toIbExpiry(expiry) })
        },
        `the option chain of ${u}`
      )
      const byExpiry = new Map<string, Map<string, Price.Decimal>>()
      for (const d of details) {
        const e = d.contract.lastTradeDateOrContractMonth ?? ""
        if (!/^\d{8}$/.test(e) || typeof d.contract.strike !== "number") continue
        const strikes = byExpiry.get(e) ?? new Map<string, Price.Decimal>()
        const k = toDecimal(d.contract.strike)
        strikes.set(BigDecimal.format(BigDecimal.normalize(k)), k)
        byExpiry.set(e, strikes)
      }
      const expiries = [...byExpiry.keys()].sort()
      const nearest = expiry === undefined ? expiries[0] : DomainContract.toIbExpiry(expiry)
      return { expiries, strikes: [...(byExpiry.get(nearest ?? "")?.values() ?? [])] }
    })

  const fromSecDef = (u: Values.Underlying) =>
    Effect.gen(function* () {
      const found = yield* qualifier.details(stock(u), `contract details for ${u}`)
      const conId = found[0]?.contract.conId
      if (conId === undefined) {
        return yield* new BrokerError({ reason: "NoSecurityDefinition", message: `${u}: IB has no such stock` })
      }
      return yield* Requests.run(connection, {
        what: `the option parameters of ${u}`,
        mayBeUnsupported: true,
        send: (api, reqId) => api.reqSecDefOptParams(reqId, u, "", "STK", conId),
        handler: (reqId) => {
          const expiries = new Set<string>()
          const strikes = new Map<string, Price.Decimal>()
          return (event) => {
            if (
              event._tag === "SecDefOptParams" &&
              event.reqId === reqId &&
              (event.exchange === "SMART" || strikes.size === 0)
            ) {
              for (const e of event.expirations) expiries.add(e)
              for (const k of event.strikes) strikes.set(String(k), toDecimal(k))
            }
            if (event._tag === "SecDefOptParamsEnd" && event.reqId === reqId) {
              return Requests.done({ expiries: [...expiries].sort(), strikes: [...strikes.values()] })
            }
            return Requests.next
          }
        }
      })
    })

  const chain = (u: Values.Underlying, expiry?: DomainContract.Expiry) =>
    Effect.gen(function* () {
      const raw =
        connection.config.chainSource === "secDefOptParams" ? yield* fromSecDef(u) : yield* fromDetails(u, expiry)
      const expiries: Array<DomainContract.Expiry> = []
      for (const e of raw.expiries) {
        const parsed = DomainContract.parseExpiry(e, "0000-00-00")
        if (Result.isSuccess(parsed)) expiries.push(parsed.success)
      }
      const strikes = [...raw.strikes].sort((a, b) =>
        BigDecimal.isLessThan(a, b) ? -1 : BigDecimal.equals(a, b) ? 0 : 1
      )
      return { underlying: u, expiries, strikes } satisfies OptionChain
    }).pipe(Effect.withSpan("IbMarketData.chain"))

  return MarketData.of({ quote, underlyingPrice, chain })
}
