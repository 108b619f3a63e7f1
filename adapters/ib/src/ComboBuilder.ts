/**
 * The IB BAG contract and order for a combo order.
 *
 * Invariants of what is built:
 * - The BAG is `secType BAG`, exchange SMART, the underlying's symbol and the legs' currency, with one combo leg per
 *   spread leg (its qualified conId, ratio, the strategy's leg action, the leg's exchange). Leg actions never carry
 *   the trade's direction: the ORDER action does (a short bull call is a SELL of the same two legs).
 * - The limit is IB's signed BAG price, `Price.toIbLimit(action, net)`, as a number built from the exact decimal's
 *   text (so 2.85 is sent as 2.85, never 2.8499999).
 * - `transmit` is always set to true (1.6.10 sends an unset transmit as "", which TWS reads as "do not transmit").
 * - `orderMiscOptions` is never set (1.6.10 flattens it into "[object Object]" tokens and corrupts PLACE_ORDER), and
 *   neither are the scale fields (1.6.10 sends 7 extra fields whenever they are defined).
 * - NonGuaranteed=1 only where IB requires it, see {@link needsNonGuaranteed}.
 * @module
 */
import { BrokerError } from "@spreads/application"
import { type ComboOrder, Contract as DomainContract, Price, type Strategy } from "@spreads/domain"
import { type ComboLeg, type Contract, type Order, OrderAction, OrderType, SecType, type TagValue } from "@stoqey/ib"
import { Result } from "effect"
import type { NonGuaranteedPolicy } from "./IbConfig.ts"

/** IB's contract id for every BAG in executions and open orders. */
export const BAG_CON_ID = 28812380

/** The routing parameter that makes a SMART combo non-guaranteed. */
export const NON_GUARANTEED: TagValue = { tag: "NonGuaranteed", value: "1" }

/**
 * True when IB needs the combo routed non-guaranteed: the legs do not form one option class that an exchange can
 * trade as a native combo, i.e. they differ in underlying, exchange, currency or multiplier (an adjusted or
 * mini option next to a standard one). IB guarantees a SMART combo only when it can route all legs together;
 * otherwise it refuses the guaranteed order (313/10002). One-class spreads, every named strategy of the domain on a
 * single exchange, stay guaranteed, so the trader never risks legging in unknowingly.
 */
export const needsNonGuaranteed = (spread: Strategy.OptionSpread): boolean => {
  const [first, ...rest] = spread.legs
  if (first === undefined) return false
  const c = first.contract
  return rest.some(
    (l) =>
      l.contract.underlying !== c.underlying ||
      l.contract.exchange !== c.exchange ||
      l.contract.currency !== c.currency ||
      l.contract.multiplier !== c.multiplier
  )
}

/** Applies the configured policy. */
export const nonGuaranteed = (spread: Strategy.OptionSpread, policy: NonGuaranteedPolicy): boolean =>
  policy === "always" ? true : policy === "never" ? false : needsNonGuaranteed(spread)

const missingConId = (spread: Strategy.OptionSpread): BrokerError | undefined => {
  const i = spread.legs.findIndex((l) => l.contract.conId === undefined)
  if (i < 0) return undefined
  return new BrokerError({
    reason: "NoSecurityDefinition",
    message: `leg ${i + 1} (${DomainContract.contractKey(spread.legs[i]!.contract)}) has no IB contract id; qualify the spread before placing it`
  })
}

/** The BAG contract of a qualified spread. Fails when a leg has no conId. */
export const bagContract = (
  spread: Strategy.OptionSpread,
  policy: NonGuaranteedPolicy = "auto"
): Result.Result<{ readonly contract: Contract; readonly nonGuaranteed: boolean }, BrokerError> => {
  const missing = missingConId(spread)
  if (missing !== undefined) return Result.fail(missing)
  const comboLegs: Array<ComboLeg> = spread.legs.map((l) => ({
    conId: l.contract.conId!,
    ratio: l.ratio,
    action: l.action === "BUY" ? OrderAction.BUY : OrderAction.SELL,
    exchange: l.contract.exchange
  }))
  return Result.succeed({
    contract: {
      symbol: spread.underlying,
      secType: SecType.BAG,
      currency: spread.legs[0]?.contract.currency ?? "USD",
      exchange: "SMART",
      comboLegs
    },
    nonGuaranteed: nonGuaranteed(spread, policy)
  })
}

/** IB's signed limit price of a combo order, as the number sent on the wire. */
export const ibLimitPrice = (action: ComboOrder.ComboOrder["action"], net: Price.NetPrice): number =>
  Number(Price.format(Price.toIbLimit(action, net), 0))

/** Options of {@link order}. */
export interface OrderOptions {
  /** Account from the config, used when the order names none. */
  readonly account?: string | undefined
  readonly nonGuaranteed?: boolean | undefined
  /** A margin/commission preview: IB answers with openOrder and places nothing. */
  readonly whatIf?: boolean | undefined
}

/** The IB order for a combo order (see the module's invariants). */
export const order = (o: ComboOrder.ComboOrder, options: OrderOptions = {}): Order => {
  const account = o.account ?? options.account
  return {
    action: o.action === "BUY" ? OrderAction.BUY : OrderAction.SELL,
    totalQuantity: o.quantity,
    orderType: o.orderType === "LIMIT" ? OrderType.LMT : OrderType.MKT,
    ...(o.orderType === "LIMIT" && o.limitPrice !== undefined
      ? { lmtPrice: ibLimitPrice(o.action, o.limitPrice) }
      : {}),
    tif: o.tif,
    orderRef: o.orderRef,
    transmit: true,
    ...(account === undefined ? {} : { account }),
    ...(options.nonGuaranteed === true ? { smartComboRoutingParams: [NON_GUARANTEED] } : {}),
    ...(options.whatIf === true ? { whatIf: true } : {})
  }
}

/** The BAG contract and the order, ready for `placeOrder`. Fails when a leg has no conId. */
export const build = (
  o: ComboOrder.ComboOrder,
  options: {
    readonly policy?: NonGuaranteedPolicy
    readonly account?: string | undefined
    readonly whatIf?: boolean
  } = {}
): Result.Result<{ readonly contract: Contract; readonly order: Order }, BrokerError> =>
  Result.map(bagContract(o.spread, options.policy ?? "auto"), ({ contract, nonGuaranteed }) => ({
    contract,
    order: order(o, { account: options.account, nonGuaranteed, whatIf: options.whatIf })
  }))
