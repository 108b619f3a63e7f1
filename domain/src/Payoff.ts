/**
 * What a trader asks of a spread before sending it: width, max profit, max loss and breakevens at expiry, and the
 * combo's natural / mid / bid-ask from leg quotes. All exact, per share (multiply by the multiplier for dollars).
 * @module
 */
import { BigDecimal } from "effect"
import { type Decimal, divide, fromSigned, type NetPrice, toSigned, ZERO } from "./Price.ts"
import { isSingleExpiry, type OptionSpread, type SpreadLeg } from "./Strategy.ts"
import type { Action } from "./Values.ts"

const { sum, subtract, multiply, negate } = BigDecimal
const n = (x: number): Decimal => BigDecimal.fromBigInt(BigInt(x))
const max = (a: Decimal, b: Decimal) => (BigDecimal.isGreaterThan(a, b) ? a : b)
const min = (a: Decimal, b: Decimal) => (BigDecimal.isLessThan(a, b) ? a : b)

/** Bid and ask of one leg (and sizes when known). */
export interface LegQuote {
  readonly bid: Decimal
  readonly ask: Decimal
  readonly bidSize?: number
  readonly askSize?: number
}

/**
 * A combo's market, in IB's terms: signed prices per unit of the combo as defined, positive = paid when buying.
 * `ask` is what buying costs at the legs' natural prices, `bid` what selling brings, `mid` halfway.
 */
export interface ComboQuote {
  readonly bid: Decimal
  readonly ask: Decimal
  readonly mid: Decimal
}

const sign = (l: SpreadLeg): Decimal => n(l.action === "BUY" ? l.ratio : -l.ratio)

/** Combo bid / ask / mid from leg quotes given in the spread's leg order. */
export const comboQuote = (spread: OptionSpread, quotes: ReadonlyArray<LegQuote>): ComboQuote => {
  let bid = ZERO
  let ask = ZERO
  spread.legs.forEach((l, i) => {
    const q = quotes[i]
    if (q === undefined) throw new Error(`comboQuote: no quote for leg ${i}`)
    const r = n(l.ratio)
    if (l.action === "BUY") {
      ask = sum(ask, multiply(q.ask, r))
      bid = sum(bid, multiply(q.bid, r))
    } else {
      ask = subtract(ask, multiply(q.bid, r))
      bid = subtract(bid, multiply(q.ask, r))
    }
  })
  return { bid, ask, mid: divide(sum(bid, ask), n(2), 4) }
}

/** The natural price for trading the combo with `action`: pay the ask to buy, take the bid to sell. */
export const naturalPrice = (q: ComboQuote, action: Action): NetPrice =>
  action === "BUY" ? fromSigned(q.ask) : fromSigned(negate(q.bid))

/** The mid price for `action`, as a debit or credit for the trader. */
export const midPrice = (q: ComboQuote, action: Action): NetPrice =>
  action === "BUY" ? fromSigned(q.mid) : fromSigned(negate(q.mid))

/** Distance between strikes that bounds the risk: the vertical's width, the wider wing of a condor or butterfly. */
export const width = (spread: OptionSpread): Decimal => {
  const ks = [...new Set(spread.legs.map((l) => BigDecimal.format(BigDecimal.normalize(l.contract.strike))))]
    .map((s) => BigDecimal.fromStringUnsafe(s))
    .sort((a, b) => (BigDecimal.isLessThan(a, b) ? -1 : 1))
  if (ks.length < 2) return ZERO
  // A condor's risk is bounded by its wings; the gap between the short strikes is the profit zone, not a width.
  if (spread.strategy === "IRON_CONDOR" && ks.length === 4) {
    return max(subtract(ks[1]!, ks[0]!), subtract(ks[3]!, ks[2]!))
  }
  let w = ZERO
  for (let i = 1; i < ks.length; i++) w = max(w, subtract(ks[i]!, ks[i - 1]!))
  return spread.strategy === "BULL_CALL" ||
    spread.strategy === "BEAR_PUT" ||
    spread.strategy === "BEAR_CALL" ||
    spread.strategy === "BULL_PUT"
    ? subtract(ks[ks.length - 1]!, ks[0]!)
    : w
}

/** Profit at expiry per share: a number, or unlimited in that direction. */
export type Bound = Decimal | "unlimited"

/** Risk profile at expiry of a single-expiry spread traded with `action` at `price`. */
export interface Payoff {
  readonly maxProfit: Bound
  readonly maxLoss: Bound
  readonly breakevens: ReadonlyArray<Decimal>
}

const intrinsic = (l: SpreadLeg, s: Decimal): Decimal => {
  const k = l.contract.strike
  const v = l.contract.right === "C" ? subtract(s, k) : subtract(k, s)
  return BigDecimal.isNegative(v) ? ZERO : v
}

/**
 * Max profit, max loss (as a positive amount) and breakevens at expiry, per share, for `action` at `price`.
 * Undefined for spreads over several expiries (calendars): their value at the front expiry depends on a model.
 */
export const payoff = (spread: OptionSpread, action: Action, price: NetPrice): Payoff | undefined => {
  if (!isSingleExpiry(spread)) return undefined
  const dir = n(action === "BUY" ? 1 : -1)
  const cash = toSigned(price)
  const value = (s: Decimal) =>
    subtract(
      multiply(
        dir,
        spread.legs.reduce((acc, l) => sum(acc, multiply(sign(l), intrinsic(l, s))), ZERO)
      ),
      cash
    )
  const strikes = [
    ...new Map(
      spread.legs.map((l) => [BigDecimal.format(BigDecimal.normalize(l.contract.strike)), l.contract.strike])
    ).values()
  ].sort((a, b) => (BigDecimal.isLessThan(a, b) ? -1 : 1))
  const points = [ZERO, ...strikes]
  const values = points.map(value)
  // Above the highest strike only calls move the payoff: slope = sum of signed call ratios.
  const slope = multiply(
    dir,
    spread.legs.filter((l) => l.contract.right === "C").reduce((acc, l) => sum(acc, sign(l)), ZERO)
  )
  let hi = values[0]!
  let lo = values[0]!
  for (const v of values) {
    hi = max(hi, v)
    lo = min(lo, v)
  }
  const breakevens: Array<Decimal> = []
  const push = (x: Decimal) => {
    if (!breakevens.some((b) => BigDecimal.equals(b, x))) breakevens.push(x)
  }
  for (let i = 0; i < points.length - 1; i++) {
    const [a, b, va, vb] = [points[i]!, points[i + 1]!, values[i]!, values[i + 1]!]
    if (BigDecimal.isZero(va) && BigDecimal.isZero(vb)) continue
    // Where the payoff reaches zero at a strike and stays there (a vertical bought at its width or at zero), that
    // strike is the breakeven, from whichever side the flat stretch lies.
    if (BigDecimal.isZero(va) && i > 0) push(a)
    if (BigDecimal.isZero(vb)) push(b)
    if (BigDecimal.sign(va) * BigDecimal.sign(vb) < 0) {
      push(sum(a, divide(multiply(subtract(b, a), negate(va)), subtract(vb, va), 4)))
    }
  }
  const last = points[points.length - 1]!
  const vLast = values[values.length - 1]!
  if (BigDecimal.isZero(vLast) && !BigDecimal.isZero(slope)) push(last)
  if (BigDecimal.sign(vLast) * BigDecimal.sign(slope) < 0) push(sum(last, divide(negate(vLast), slope, 4)))
  return {
    maxProfit: BigDecimal.isPositive(slope) ? "unlimited" : hi,
    maxLoss: BigDecimal.isNegative(slope) ? "unlimited" : negate(lo),
    breakevens
  }
}

/** Scales a per-share amount to dollars for `quantity` combos of `multiplier` (100 for US equity options). */
export const dollars = (perShare: Decimal, quantity: number, multiplier = 100): Decimal =>
  multiply(perShare, n(quantity * multiplier))
