/**
 * The simulated market: underlyings whose spot follows a seeded random walk in virtual time, and an option chain per
 * underlying priced by Black-Scholes with a smile, quoted on IB's tick grid with seeded displayed sizes.
 *
 * Invariants:
 * - Deterministic: the spot at minute m is a pure function of (seed, symbol, anchor, m); quotes and sizes are pure
 *   functions of (seed, contract, minute, spot). Nothing depends on the order in which things were asked.
 * - The spot is evaluated lazily from the anchor (the initial price, or the last `setSpot`), one GBM step per virtual
 *   minute, so a jump of the clock costs one step per skipped minute and nothing when no one looks.
 * - Listing: weekly and monthly expiries (see MarketHours.listedExpiries); strikes on the underlying's grid (1 under
 *   $50, 2.50 under $300, 5 above, or the underlying's own step) within 30% of the anchor price or the current spot.
 * @module
 */
import { BigDecimal } from "effect"
import { Contract } from "@spreads/domain"
import { dayOfDate, expiryClose, listedExpiries, nyTime } from "./MarketHours.ts"
import { bidAsk, blackScholes, type ModelValue, smile, YEAR_MS } from "./Pricing.ts"
import * as Random from "./Random.ts"

/** An underlying of the universe: its starting price, its at-the-money volatility and, optionally, a fixed strike step. */
export interface UnderlyingSpec {
  readonly price: number
  readonly vol: number
  readonly strikeStep?: number
}

/** The default universe. Index ETFs list $1 strikes; single names use the price-banded grid. */
export const DEFAULT_UNIVERSE: Readonly<Record<string, UnderlyingSpec>> = {
  AAPL: { price: 212.4, vol: 0.28 },
  MSFT: { price: 415.2, vol: 0.25 },
  SPY: { price: 560.1, vol: 0.15, strikeStep: 1 },
  QQQ: { price: 480.3, vol: 0.2, strikeStep: 1 },
  TSLA: { price: 245.6, vol: 0.55 },
  NVDA: { price: 120.8, vol: 0.5 },
  IWM: { price: 220.5, vol: 0.22, strikeStep: 1 }
}

/** An option contract as the simulator indexes it: whole-cent strike, epoch-day expiry, stable conId. */
export interface SimContract {
  readonly key: string
  readonly underlying: string
  readonly expiry: string
  readonly expiryDay: number
  /** Strike in cents; NaN when the strike is not a whole number of cents (never listed). */
  readonly strikeCents: number
  readonly right: "C" | "P"
  readonly multiplier: number
  readonly conId: number
  /** The conId the caller supplied, if any. */
  readonly givenConId: number | undefined
  readonly hash: number
}

/** A quote in cents with displayed sizes and the model behind it. */
export interface SimQuote {
  readonly bid: number
  readonly ask: number
  readonly bidSize: number
  readonly askSize: number
  readonly model: ModelValue
  readonly spot: number
}

/** A quote set by hand (SimControl.setQuote), in cents. */
export interface QuoteOverride {
  readonly bid: number
  readonly ask: number
  readonly bidSize: number
  readonly askSize: number
}

/** Why a contract cannot be traded. */
export type Listing = "ok" | "unknown-underlying" | "expired" | "unlisted"

/** The exportable state of one underlying's path. */
export interface PathAnchor {
  readonly symbol: string
  readonly price: number
  readonly vol: number
  readonly strikeStep?: number
  readonly minute: number
}

const MINUTE = 60_000
const PATH = Random.purpose("spot-path")
const SIZE = Random.purpose("displayed-size")

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n))
const centsText = (c: number) => `${Math.floor(c / 100)}.${pad2(c % 100)}`

const strikeCentsOf = (d: BigDecimal.BigDecimal): number => {
  if (d.scale <= 2) return Number(d.value) * 10 ** (2 - d.scale)
  const div = 10n ** BigInt(d.scale - 2)
  return d.value % div === 0n ? Number(d.value / div) : Number.NaN
}

const contracts = new WeakMap<Contract.OptionContract, SimContract>()

/** The same contract with the simulator's conId on it, sharing the cached view (so a qualified leg is not re-parsed). */
export const qualified = (c: Contract.OptionContract): Contract.OptionContract => {
  const known = qualifiedOf.get(c)
  if (known !== undefined) return known
  const sc = simContract(c)
  if (c.conId === sc.conId) return c
  const q = { ...c, conId: sc.conId }
  contracts.set(q, sc)
  qualifiedOf.set(c, q)
  return q
}

/** The qualified copy of each contract object asked about, so asking again allocates nothing. */
const qualifiedOf = new WeakMap<Contract.OptionContract, Contract.OptionContract>()

/** The simulator's view of a contract (cached per contract object). The conId is a hash of the contract key. */
export const simContract = (c: Contract.OptionContract): SimContract => {
  const cached = contracts.get(c)
  if (cached !== undefined) return cached
  const strikeCents = strikeCentsOf(c.strike)
  const key = Number.isFinite(strikeCents)
    ? `${c.underlying} ${c.expiry} ${centsText(strikeCents)} ${c.right}`
    : Contract.contractKey(c)
  const hash = Random.hashString(key)
  const sc: SimContract = {
    key,
    underlying: c.underlying,
    expiry: c.expiry,
    expiryDay: dayOfDate(c.expiry),
    strikeCents,
    right: c.right,
    multiplier: c.multiplier,
    conId: conIdOf(key),
    givenConId: c.conId,
    hash
  }
  contracts.set(c, sc)
  return sc
}

/** The simulator's stable contract id for a contract key: the same key always gets the same id, in any session. */
export const conIdOf = (key: string): number => 100_000_000 + (Random.hashString(key) % 900_000_000)

const bandStep = (cents: number): number => (cents < 5_000 ? 100 : cents < 30_000 ? 250 : 500)

interface Path {
  readonly symbol: string
  readonly hash: number
  readonly vol: number
  readonly stepCents: number | undefined
  readonly anchorMinute: number
  readonly anchorLog: number
  readonly ref: number
  cacheMinute: number
  cacheLog: number
}

/** Market parameters the simulator is built with. */
export interface MarketParams {
  readonly seed: number
  readonly priceMotion: number
  readonly riskFreeRate: number
  readonly underlyings: Readonly<Record<string, UnderlyingSpec>>
  /** Simulated epoch ms at which the universe's prices hold. */
  readonly start: number
}

/** The market. Mutable only through `setSpot`, `setOverride` and `restore`. */
export class SimMarket {
  private readonly paths = new Map<string, Path>()
  private readonly overrides = new Map<string, QuoteOverride>()
  private readonly quotes = new Map<
    string,
    { readonly minute: number; readonly version: number; readonly quote: SimQuote }
  >()
  private version = 0
  private readonly params: MarketParams

  constructor(params: MarketParams) {
    this.params = params
    for (const [symbol, spec] of Object.entries(params.underlyings))
      this.setSpot(symbol, spec.price, params.start, spec)
  }

  /** True when `symbol` is in the universe. */
  knows(symbol: string): boolean {
    return this.paths.has(symbol)
  }

  /** Spot of `symbol` at `ms`, or undefined for an unknown symbol. */
  spot(symbol: string, ms: number): number | undefined {
    const p = this.paths.get(symbol)
    return p === undefined ? undefined : Math.exp(this.logSpot(p, Math.floor(ms / MINUTE)))
  }

  /** Moves `symbol` to `price` at `ms` (adding it to the universe, at 30% volatility, when unknown); the walk continues from there. */
  setSpot(symbol: string, price: number, ms: number, spec?: UnderlyingSpec): void {
    const old = this.paths.get(symbol)
    const minute = Math.floor(ms / MINUTE)
    const vol = spec?.vol ?? old?.vol ?? 0.3
    const step =
      spec === undefined
        ? old?.stepCents
        : spec.strikeStep === undefined
          ? undefined
          : Math.round(spec.strikeStep * 100)
    const log = Math.log(price)
    this.version++
    this.paths.set(symbol, {
      symbol,
      hash: Random.hashString(symbol),
      vol,
      stepCents: step,
      anchorMinute: minute,
      anchorLog: log,
      ref: price,
      cacheMinute: minute,
      cacheLog: log
    })
  }

  private logSpot(p: Path, minute: number): number {
    const sigma = p.vol * this.params.priceMotion
    if (minute <= p.anchorMinute || sigma === 0) return p.anchorLog
    if (minute < p.cacheMinute) {
      p.cacheMinute = p.anchorMinute
      p.cacheLog = p.anchorLog
    }
    const sd = sigma * Math.sqrt(MINUTE / YEAR_MS)
    const drift = -0.5 * sd * sd
    let log = p.cacheLog
    for (let m = p.cacheMinute; m < minute; m++) log += drift + sd * Random.normalAt(this.params.seed, PATH, p.hash, m)
    p.cacheMinute = minute
    p.cacheLog = log
    return log
  }

  private stepOf(p: Path, cents: number): number {
    return p.stepCents ?? bandStep(cents)
  }

  private range(p: Path, ms: number): readonly [number, number] {
    const s = Math.exp(this.logSpot(p, Math.floor(ms / MINUTE)))
    return [Math.min(p.ref, s) * 70, Math.max(p.ref, s) * 130]
  }

  /** Whether `c` can be traded at `ms`. */
  listing(c: SimContract, ms: number): Listing {
    const p = this.paths.get(c.underlying)
    if (p === undefined) return "unknown-underlying"
    const today = nyTime(ms).day
    if (c.expiryDay < today) return "expired"
    if (!listedExpiries(today).includes(c.expiryDay)) return "unlisted"
    if (c.multiplier !== 100 || (c.givenConId !== undefined && c.givenConId !== c.conId)) return "unlisted"
    if (!Number.isFinite(c.strikeCents) || c.strikeCents % this.stepOf(p, c.strikeCents) !== 0) return "unlisted"
    const [lo, hi] = this.range(p, ms)
    return c.strikeCents >= lo && c.strikeCents <= hi ? "ok" : "unlisted"
  }

  /** Listed expiries (epoch days) and strikes (cents) of `symbol` at `ms`, or undefined for an unknown symbol. */
  chain(
    symbol: string,
    ms: number
  ): { readonly expiries: ReadonlyArray<number>; readonly strikes: ReadonlyArray<number> } | undefined {
    const p = this.paths.get(symbol)
    if (p === undefined) return undefined
    const [lo, hi] = this.range(p, ms)
    const strikes: Array<number> = []
    let k = Math.ceil(lo / this.stepOf(p, lo)) * this.stepOf(p, lo)
    while (k <= hi) {
      if (k % this.stepOf(p, k) === 0) strikes.push(k)
      k += this.stepOf(p, k)
    }
    return { expiries: listedExpiries(nyTime(ms).day), strikes }
  }

  /**
   * The quote of a listed contract at `ms` (a hand-set quote wins over the model's). Quotes move once a virtual
   * minute, with the spot: within a minute the market only changes by a control call.
   */
  quote(c: SimContract, ms: number): SimQuote {
    const minute = Math.floor(ms / MINUTE)
    const cached = this.quotes.get(c.key)
    if (cached !== undefined && cached.minute === minute && cached.version === this.version) return cached.quote
    const quote = this.price(c, minute)
    if (this.quotes.size > 100_000) this.quotes.clear()
    this.quotes.set(c.key, { minute, version: this.version, quote })
    return quote
  }

  private price(c: SimContract, minute: number): SimQuote {
    const p = this.paths.get(c.underlying)!
    const s = Math.exp(this.logSpot(p, minute))
    const k = c.strikeCents / 100
    const t = (expiryClose(c.expiryDay) - minute * MINUTE) / YEAR_MS
    const model = blackScholes(c.right, s, k, t, this.params.riskFreeRate, smile(p.vol, s, k))
    const override = this.overrides.get(c.key)
    if (override !== undefined) return { ...override, model, spot: s }
    const { bid, ask } = bidAsk(model.price)
    const seed = this.params.seed
    return {
      bid,
      ask,
      bidSize: 1 + Math.floor(Random.uniformAt(seed, SIZE, c.hash, minute, 0) * 50),
      askSize: 1 + Math.floor(Random.uniformAt(seed, SIZE, c.hash, minute, 1) * 50),
      model,
      spot: s
    }
  }

  /** Pins the quote of a contract until {@link clearOverride}. */
  setOverride(key: string, q: QuoteOverride): void {
    this.overrides.set(key, q)
    this.version++
  }

  /** Returns a contract to model quotes. */
  clearOverride(key: string): void {
    this.overrides.delete(key)
    this.version++
  }

  /** The anchors of every path, for export: replaying them (and the clock) gives the same spots. */
  anchors(): ReadonlyArray<PathAnchor> {
    return [...this.paths.values()].map((p) => ({
      symbol: p.symbol,
      price: p.ref,
      vol: p.vol,
      minute: p.anchorMinute,
      ...(p.stepCents === undefined ? {} : { strikeStep: p.stepCents / 100 })
    }))
  }

  /** Replaces every path with the exported anchors. */
  restore(anchors: ReadonlyArray<PathAnchor>): void {
    this.paths.clear()
    for (const a of anchors) {
      const spec: UnderlyingSpec = a.strikeStep === undefined ? { price: a.price, vol: a.vol } : a
      this.setSpot(a.symbol, a.price, a.minute * MINUTE, spec)
    }
  }
}
