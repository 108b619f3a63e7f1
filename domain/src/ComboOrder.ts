/**
 * A combo order: a spread, the direction (BUY or SELL the combo as defined), a quantity, and market or limit at an
 * explicit net debit or credit.
 * @module
 */
import { BigDecimal, Result, Schema } from "effect"
import { invalid, type ValidationError } from "./Errors.ts"
import { CENT, type Decimal, format, isOnTick, NetPrice } from "./Price.ts"
import { OptionSpread } from "./Strategy.ts"
import { Action, decodeField, isOrderRef, isQuantity, OrderRef, Quantity, TimeInForce } from "./Values.ts"

/** MARKET or LIMIT. */
export const OrderType = Schema.Literals(["MARKET", "LIMIT"])
/** @see {@link OrderType} */
export type OrderType = typeof OrderType.Type

/** The seed's direction words. LONG buys the spread as defined, SHORT sells it: the legs never change. */
export const Direction = Schema.Literals(["LONG", "SHORT"])
/** @see {@link Direction} */
export type Direction = typeof Direction.Type

/** LONG -> BUY, SHORT -> SELL. */
export const actionOf = (d: Direction): Action => (d === "LONG" ? "BUY" : "SELL")

/** A validated combo order. Build it with {@link makeComboOrder}; the schema decodes stored copies. */
export const ComboOrder = Schema.Struct({
  spread: OptionSpread,
  action: Action,
  quantity: Quantity,
  orderType: OrderType,
  limitPrice: Schema.optionalKey(NetPrice),
  tif: TimeInForce,
  orderRef: OrderRef,
  account: Schema.optionalKey(Schema.String)
})
/** @see {@link ComboOrder} */
export type ComboOrder = typeof ComboOrder.Type

const decodeQuantity = decodeField(Quantity, "quantity")

/** A valid input (nearly all of them) passes its check directly; only a bad one goes through the decoder, for the message. */
const checked = <A>(
  value: unknown,
  is: (value: unknown) => value is A,
  decode: (value: unknown) => Result.Result<A, ValidationError>
): Result.Result<A, ValidationError> => (is(value) ? Result.succeed(value) : decode(value))
const decodeOrderRef = decodeField(OrderRef, "orderRef")

/** Raw inputs to {@link makeComboOrder}; quantity and orderRef are decoded here. */
export interface ComboOrderInput {
  readonly spread: OptionSpread
  readonly action: Action
  readonly quantity: unknown
  readonly orderType: OrderType
  readonly limitPrice?: NetPrice | undefined
  readonly tif?: TimeInForce | undefined
  readonly orderRef: unknown
  readonly account?: string | undefined
  /** Minimum net-price increment for the combo (0.01 unless the caller knows better). */
  readonly tick?: Decimal | undefined
}

/**
 * Validates a combo order: quantity is a positive whole number, a LIMIT order has a net price (never negative: the
 * side says who pays) on the tick grid, a MARKET order carries no price.
 */
export const makeComboOrder = (input: ComboOrderInput): Result.Result<ComboOrder, ValidationError> => {
  const quantity = checked(input.quantity, isQuantity, decodeQuantity)
  if (Result.isFailure(quantity)) return Result.fail(quantity.failure)
  const orderRef = checked(input.orderRef, isOrderRef, decodeOrderRef)
  if (Result.isFailure(orderRef)) return Result.fail(orderRef.failure)
  const bad = checkPrice(input.orderType, input.limitPrice, input.tick ?? CENT)
  if (bad) return Result.fail(bad)
  return Result.succeed({
    spread: input.spread,
    action: input.action,
    quantity: quantity.success,
    orderType: input.orderType,
    ...(input.limitPrice === undefined ? {} : { limitPrice: input.limitPrice }),
    tif: input.tif ?? "DAY",
    orderRef: orderRef.success,
    ...(input.account === undefined ? {} : { account: input.account })
  })
}

/** The price rules of an order type, shared by placing and modifying. */
export const checkPrice = (
  orderType: OrderType,
  limitPrice: NetPrice | undefined,
  tick: Decimal = CENT
): ValidationError | undefined => {
  if (orderType === "LIMIT" && limitPrice === undefined) {
    return invalid("limitPrice", "a LIMIT order needs a net price (a debit or a credit)")
  }
  if (orderType === "MARKET" && limitPrice !== undefined) {
    return invalid("limitPrice", "a MARKET order takes no price; use a LIMIT order to name one")
  }
  if (limitPrice !== undefined && BigDecimal.isNegative(limitPrice.amount)) {
    const other = limitPrice._tag === "Debit" ? "credit" : "debit"
    return invalid(
      "limitPrice",
      `a ${limitPrice._tag.toLowerCase()} must not be negative, got ${format(limitPrice.amount)}; name it as a ${other} of ${format(BigDecimal.negate(limitPrice.amount))}`
    )
  }
  if (limitPrice !== undefined && !isOnTick(limitPrice.amount, tick)) {
    return invalid(
      "limitPrice",
      `${format(limitPrice.amount)} is not a multiple of the minimum increment ${format(tick)}`
    )
  }
  return undefined
}
