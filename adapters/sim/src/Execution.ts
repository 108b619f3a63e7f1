/**
 * How one combo execution is priced and reported: the per-leg prices that add up to the combo price, IB-style
 * execution ids, and commissions. Amounts are integer "pips" (1/10,000 of a dollar) so leg prices that split a combo
 * price are exact; they become BigDecimal only when an event is built.
 * @module
 */
import { BigDecimal } from "effect"
import { Price } from "@spreads/domain"

/** Pips in a dollar and in a cent. */
export const PIPS_PER_DOLLAR = 10_000
/** @see {@link PIPS_PER_DOLLAR} */
export const PIPS_PER_CENT = 100

/** One leg as the allocation sees it: the trader's direction (+1 buys, -1 sells), ratio, natural and far prices (pips). */
export interface LegSide {
  readonly dir: 1 | -1
  readonly ratio: number
  /** Price the trader gets at the natural side: the ask when buying, the bid when selling. */
  readonly nat: number
  /** The other side. */
  readonly far: number
}

/** Trader's cash flow per combo (positive = paid) when every leg trades at `pick`. */
export const costOf = (legs: ReadonlyArray<LegSide>, prices: ReadonlyArray<number>): number => {
  let total = 0
  for (let i = 0; i < legs.length; i++) total += legs[i]!.dir * legs[i]!.ratio * prices[i]!
  return total
}

const natural = (legs: ReadonlyArray<LegSide>) =>
  costOf(
    legs,
    legs.map((l) => l.nat)
  )
const farSide = (legs: ReadonlyArray<LegSide>) =>
  costOf(
    legs,
    legs.map((l) => l.far)
  )

/**
 * Leg prices (pips) for a combo execution at trader cost `target` per combo. Between the far and natural prices each
 * leg moves the same fraction of its spread (rounded in the trader's favour); beyond the natural price (slippage) the
 * extra lands on one leg. Any rounding residual that cannot be placed exactly is left with the trader, so the combo
 * price is the returned `total` = sum of dir x ratio x leg price, never worse than `target`.
 */
export const allocate = (
  legs: ReadonlyArray<LegSide>,
  target: number
): { readonly prices: ReadonlyArray<number>; readonly total: number } => {
  const nat = natural(legs)
  const far = farSide(legs)
  const goal = Math.max(target, far)
  const prices = legs.map((l) => l.nat)
  if (goal < nat && nat > far) {
    const f = (nat - goal) / (nat - far)
    for (let i = 0; i < legs.length; i++) {
      const l = legs[i]!
      const p = l.nat + f * (l.far - l.nat)
      prices[i] = l.dir > 0 ? Math.floor(p + 1e-9) : Math.ceil(p - 1e-9)
    }
  }
  const residual = goal - costOf(legs, prices)
  if (residual > 0) placeResidual(legs, prices, residual)
  return { prices, total: costOf(legs, prices) }
}

const placeResidual = (legs: ReadonlyArray<LegSide>, prices: Array<number>, r: number): void => {
  for (const wantDir of [1, -1] as const) {
    for (let i = 0; i < legs.length; i++) {
      const l = legs[i]!
      if (l.dir !== wantDir || r % l.ratio !== 0) continue
      const delta = r / l.ratio
      if (l.dir > 0) {
        prices[i] = prices[i]! + delta
        return
      }
      if (prices[i]! >= delta) {
        prices[i] = prices[i]! - delta
        return
      }
    }
  }
}

/** An exact decimal from pips. */
export const decimalOfPips = (pips: number): Price.Decimal => {
  if (pips === 0) return Price.ZERO
  let value = pips
  let scale = 4
  while (value % 10 === 0) {
    value /= 10
    scale--
  }
  return BigDecimal.make(BigInt(value), scale)
}

/** A net price from a trader cost in pips: positive is a debit, negative a credit. */
export const netPriceOfPips = (pips: number): Price.NetPrice =>
  pips < 0 ? { _tag: "Credit", amount: decimalOfPips(-pips) } : { _tag: "Debit", amount: decimalOfPips(pips) }

/** Pips of a decimal, or NaN when it has more than 4 decimal places. */
export const pipsOf = (d: Price.Decimal): number => {
  if (d.scale <= 4) return Number(d.value) * 10 ** (4 - d.scale)
  const div = 10n ** BigInt(d.scale - 4)
  return d.value % div === 0n ? Number(d.value / div) : Number.NaN
}

/** A trader cost in pips from a net price (debit positive, credit negative); NaN past 4 decimals. */
export const costOfNetPrice = (net: Price.NetPrice): number =>
  net._tag === "Debit" ? pipsOf(net.amount) : -pipsOf(net.amount)

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0")

/** IB-shaped execution id: `<permId>.<execution>.<leg>.01` in hex; leg 0 is the combo itself. Unique per simulator. */
export const execIdOf = (permId: number, execution: number, leg: number): string =>
  `${hex(permId, 8)}.${hex(execution, 8)}.${hex(leg, 2)}.01`

/** Commission of one leg execution of `contracts` contracts, in pips: a rate per contract with a minimum. */
export const commissionPips = (contracts: number, perContract: number, minimum: number): number =>
  Math.max(Math.round(minimum * PIPS_PER_DOLLAR), Math.round(perContract * PIPS_PER_DOLLAR) * contracts)
