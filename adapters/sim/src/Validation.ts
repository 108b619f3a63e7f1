/**
 * The checks a simulated broker runs on an order before it works, each answered with IB's code and text:
 * 200 no security definition, 201 rejected (expired contract, size limit, buying power, market closed),
 * 110 price off the increment, 321 missing limit price, 105 a modify that changes more than price and size.
 * @module
 */
import { IbErrors, type ComboOrder } from "@spreads/domain"
import { allocate, costOf, costOfNetPrice, type LegSide, PIPS_PER_CENT, PIPS_PER_DOLLAR } from "./Execution.ts"
import { marginPips } from "./Risk.ts"
import type { SimConfig } from "./SimConfig.ts"
import { type SimContract, simContract, type SimMarket, type SimQuote } from "./SimMarket.ts"
import type { SimLeg } from "./SimOrder.ts"

/** An IB error code and the text IB sends with it. */
export interface Rejection {
  readonly code: number
  readonly reason: string
}

const rejected = (detail: string): Rejection => ({ code: 201, reason: IbErrors.ibErrorText(201, detail) })

/** IB's answer for a contract the market cannot trade, or undefined when it can. */
export const contractProblem = (market: SimMarket, c: SimContract, now: number): Rejection | undefined => {
  switch (market.listing(c, now)) {
    case "ok":
      return undefined
    case "expired":
      return rejected(`the contract ${c.key} expired on ${c.expiry}`)
    case "unknown-underlying":
    case "unlisted":
      return { code: 200, reason: `${IbErrors.ibErrorText(200)} (${c.key})` }
  }
}

/** The order's legs as the broker works them: each leg's contract, the trader's direction on it, and its ratio. */
export const legsOf = (order: ComboOrder.ComboOrder): ReadonlyArray<SimLeg> =>
  order.spread.legs.map((leg) => {
    const contract = simContract(leg.contract)
    const dir = (order.action === "BUY") === (leg.action === "BUY") ? 1 : -1
    return {
      contract,
      dir,
      ratio: leg.ratio,
      right: contract.right,
      strikeCents: contract.strikeCents,
      action: dir > 0 ? "BUY" : "SELL"
    }
  })

/** The order's legs, or the reason (200 or 201) one of them cannot trade at `now`. */
export const resolveLegs = (
  market: SimMarket,
  order: ComboOrder.ComboOrder,
  now: number
): ReadonlyArray<SimLeg> | Rejection => {
  const legs = legsOf(order)
  for (const leg of legs) {
    const bad = contractProblem(market, leg.contract, now)
    if (bad !== undefined) return bad
  }
  return legs
}

/** The trader-cost limit of an order in pips, undefined for a market order. */
export const limitOf = (order: ComboOrder.ComboOrder): number | undefined =>
  order.orderType === "LIMIT" && order.limitPrice !== undefined ? costOfNetPrice(order.limitPrice) : undefined

/** Price and size rules: 321 for a LIMIT without a price, 110 off the combo tick, 201 above the size limit. */
export const termsProblem = (order: ComboOrder.ComboOrder, config: SimConfig): Rejection | undefined => {
  if (order.orderType === "LIMIT") {
    if (order.limitPrice === undefined) {
      return { code: 321, reason: `${IbErrors.ibErrorText(321)} A LIMIT order needs a limit price.` }
    }
    const pips = limitOf(order)!
    const tick = Math.round(config.comboTick * PIPS_PER_DOLLAR)
    if (!Number.isFinite(pips) || pips % tick !== 0) return { code: 110, reason: IbErrors.ibErrorText(110) }
  }
  if (order.quantity > config.maxOrderSize) {
    return rejected(`the order size ${order.quantity} exceeds the maximum of ${config.maxOrderSize} for this account`)
  }
  return undefined
}

/** Natural and far prices of each leg (pips) from its quote, for the trader's direction. */
export const sidesOf = (legs: ReadonlyArray<SimLeg>, quotes: ReadonlyArray<SimQuote>): ReadonlyArray<LegSide> =>
  legs.map((l, i) => {
    const q = quotes[i]!
    return l.dir > 0
      ? { dir: 1, ratio: l.ratio, nat: q.ask * PIPS_PER_CENT, far: q.bid * PIPS_PER_CENT }
      : { dir: -1, ratio: l.ratio, nat: q.bid * PIPS_PER_CENT, far: q.ask * PIPS_PER_CENT }
  })

/** Margin of `quantity` combos in dollars: at the limit for a limit order, at the natural price for a market order. */
export const marginDollars = (
  market: SimMarket,
  legs: ReadonlyArray<SimLeg>,
  limit: number | undefined,
  quantity: number,
  now: number
): number => {
  const quotes = legs.map((l) => market.quote(l.contract, now))
  const sides = sidesOf(legs, quotes)
  const cost =
    limit ??
    allocate(
      sides,
      costOf(
        sides,
        sides.map((s) => s.nat)
      )
    ).total
  const spot = Math.round((quotes[0]?.spot ?? 0) * 100)
  const multiplier = legs[0]?.contract.multiplier ?? 100
  return (marginPips(legs, cost, spot) * multiplier * quantity) / PIPS_PER_DOLLAR
}

/** 201 when the order's margin exceeds the account's buying power. */
export const buyingPowerProblem = (
  market: SimMarket,
  legs: ReadonlyArray<SimLeg>,
  limit: number | undefined,
  quantity: number,
  config: SimConfig,
  now: number
): Rejection | undefined => {
  const margin = marginDollars(market, legs, limit, quantity, now)
  return margin > config.buyingPower
    ? rejected(
        `insufficient buying power: the order needs ${margin.toFixed(2)} USD of margin and ${config.buyingPower.toFixed(2)} USD is available`
      )
    : undefined
}

/** 105 when a modify changes anything but the limit price and the quantity. */
export const sameShape = (a: ComboOrder.ComboOrder, b: ComboOrder.ComboOrder): Rejection | undefined => {
  const same =
    a.action === b.action &&
    a.orderType === b.orderType &&
    a.spread.legs.length === b.spread.legs.length &&
    a.spread.legs.every((l, i) => {
      const m = b.spread.legs[i]!
      return l.action === m.action && l.ratio === m.ratio && simContract(l.contract).key === simContract(m.contract).key
    })
  return same ? undefined : { code: 105, reason: IbErrors.ibErrorText(105) }
}
