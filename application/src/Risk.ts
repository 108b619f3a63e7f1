/**
 * Pre-trade risk checks, run before anything is journaled or sent: max contracts per order, max open orders, max loss
 * per order, buying power. Each refusal names the rule, the number it saw and the limit.
 * @module
 */
import { type ComboOrder, Order, Payoff, Price } from "@spreads/domain"
import { BigDecimal, Effect } from "effect"
import { RiskRefused } from "./Errors.ts"
import type { RiskLimits } from "./Settings.ts"

/**
 * The worst loss of an order at expiry in dollars, at `price` (the limit, or the natural price for a market order).
 * Undefined when it cannot be bounded (selling a straddle, or a calendar for a credit).
 */
export const maxLossDollars = (
  order: ComboOrder.ComboOrder,
  price: Price.NetPrice,
  quantity: number
): number | undefined => {
  const multiplier = order.spread.legs[0]?.contract.multiplier ?? 100
  const p = Payoff.payoff(order.spread, order.action, price)
  if (p === undefined) {
    // Several expiries: a debit is the most a long calendar can lose; anything else is unbounded here.
    return price._tag === "Debit" ? Number(Price.format(Payoff.dollars(price.amount, quantity, multiplier))) : undefined
  }
  return p.maxLoss === "unlimited"
    ? undefined
    : BigDecimal.toNumberUnsafe(Payoff.dollars(p.maxLoss, quantity, multiplier))
}

/**
 * The orders currently live, as risk needs them: how many, and (only when buying power is checked) which. Building the
 * list costs a pass over every open order, so a caller passes it only when {@link needsOpenOrders} says so.
 */
export interface OpenOrders {
  readonly count: number
  readonly orders: ReadonlyArray<Order.Order>
}

/** True when the limits judge an order against the orders already open (buying power), not just their number. */
export const needsOpenOrders = (limits: RiskLimits): boolean => limits.buyingPower !== undefined

/** True when the limits need a price to judge an order at (max loss, buying power). */
export const needsPrice = (limits: RiskLimits): boolean =>
  limits.maxLossPerOrder !== undefined || limits.buyingPower !== undefined

/**
 * The first configured check the order fails, as the refusal to report; undefined when it passes them all. `open` are
 * the orders currently live, `price` the price risk is judged at. Plain code, for callers that count steps.
 */
export const riskRefusal = (
  limits: RiskLimits,
  order: ComboOrder.ComboOrder,
  price: Price.NetPrice | undefined,
  open: OpenOrders
): RiskRefused | undefined => {
  if (limits.maxContractsPerOrder !== undefined && order.quantity > limits.maxContractsPerOrder) {
    return new RiskRefused({
      rule: "MaxContracts",
      message: `order for ${order.quantity} contracts is over the limit of ${limits.maxContractsPerOrder} per order`
    })
  }
  if (limits.maxOpenOrders !== undefined && open.count >= limits.maxOpenOrders) {
    return new RiskRefused({
      rule: "MaxOpenOrders",
      message: `${open.count} orders are already open, the limit is ${limits.maxOpenOrders}; cancel some first`
    })
  }
  if (!needsPrice(limits)) return undefined
  if (price === undefined) {
    return new RiskRefused({
      rule: "MaxLoss",
      message: "no price to judge the order's risk at: no quotes for its legs"
    })
  }
  const loss = maxLossDollars(order, price, order.quantity)
  if (loss === undefined) {
    return new RiskRefused({
      rule: "MaxLoss",
      message: "this order's loss is not bounded (it sells options without a covering wing); risk limits refuse it"
    })
  }
  if (limits.maxLossPerOrder !== undefined && loss > limits.maxLossPerOrder) {
    return new RiskRefused({
      rule: "MaxLoss",
      message: `max loss of $${loss.toFixed(2)} is over the limit of $${limits.maxLossPerOrder.toFixed(2)} per order`
    })
  }
  if (limits.buyingPower !== undefined) {
    const committed = open.orders.reduce((acc, o) => {
      const p = o.limitPrice ?? o.combo.limitPrice
      const l = p === undefined ? undefined : maxLossDollars(o.combo, p, Order.remaining(o))
      return acc + (l ?? 0)
    }, 0)
    if (committed + loss > limits.buyingPower) {
      return new RiskRefused({
        rule: "BuyingPower",
        message: `needs $${loss.toFixed(2)} of buying power with $${committed.toFixed(2)} committed to open orders; only $${limits.buyingPower.toFixed(2)} available`
      })
    }
  }
  return undefined
}

/** Runs every configured check ({@link riskRefusal}) as an Effect that fails with the refusal. */
export const checkRisk = (
  limits: RiskLimits,
  order: ComboOrder.ComboOrder,
  price: Price.NetPrice | undefined,
  open: OpenOrders
): Effect.Effect<void, RiskRefused> => {
  const refused = riskRefusal(limits, order, price, open)
  return refused === undefined ? Effect.void : Effect.fail(refused)
}
