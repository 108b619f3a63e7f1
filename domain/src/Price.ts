/**
 * Exact prices. Every price is a `BigDecimal`, so 2.85 - 3.25 is exactly -0.40 and an average over many fills carries
 * no float drift. A {@link NetPrice} says explicitly whether the trader pays (debit) or receives (credit).
 * @module
 */
import { BigDecimal, Result, Schema } from "effect"
import { invalid, showInput, type ValidationError } from "./Errors.ts"
import type { Action } from "./Values.ts"

/** A decimal amount. */
export type Decimal = BigDecimal.BigDecimal

/** Zero. */
export const ZERO: Decimal = BigDecimal.fromBigInt(0n)
/** One cent, the usual minimum increment of a combo's net price. */
export const CENT: Decimal = BigDecimal.fromStringUnsafe("0.01")

/**
 * Parses a decimal from text or a finite number. Numbers go through their shortest decimal text, so `2.85` is exactly
 * 2.85. Fails with a message that names `field`.
 */
export const parseDecimal = (input: unknown, field: string): Result.Result<Decimal, ValidationError> => {
  if (BigDecimal.isBigDecimal(input)) return Result.succeed(input)
  const text = typeof input === "number" && Number.isFinite(input) ? String(input) : input
  if (typeof text !== "string" || !/^-?(\d+(\.\d*)?|\.\d+)$/.test(text.trim())) {
    // A number is shown as JavaScript prints it (JSON would show NaN as "null"); nothing here may throw.
    return Result.fail(invalid(field, `expected a decimal number like 2.85, got ${showInput(input)}`))
  }
  const parsed = BigDecimal.fromString(text.trim())
  return parsed._tag === "Some"
    ? Result.succeed(BigDecimal.normalize(parsed.value))
    : Result.fail(invalid(field, "not a number"))
}

/** Parses a price: a decimal that is zero or more, with at most 4 decimal places. */
export const parsePrice = (input: unknown, field: string): Result.Result<Decimal, ValidationError> =>
  Result.flatMap(parseDecimal(input, field), (d) => {
    if (BigDecimal.isNegative(d)) return Result.fail(invalid(field, `must not be negative, got ${format(d)}`))
    if (BigDecimal.normalize(d).scale > 4) {
      return Result.fail(invalid(field, `has more than 4 decimal places: ${format(d)}`))
    }
    return Result.succeed(d)
  })

/** Parses a strictly positive price (strikes). */
export const parsePositivePrice = (input: unknown, field: string): Result.Result<Decimal, ValidationError> =>
  Result.flatMap(parsePrice(input, field), (d) =>
    BigDecimal.isPositive(d) ? Result.succeed(d) : Result.fail(invalid(field, `must be above zero, got ${format(d)}`))
  )

/** A decimal from a literal in code; throws on bad input. */
export const dec = (text: string | number): Decimal => {
  const r = parseDecimal(text, "decimal")
  if (Result.isFailure(r)) throw r.failure
  return r.success
}

/** Plain text of a decimal, at least `minScale` decimal places (2 by default): `2.85`, `-0.40`, `150.00`. */
export const format = (d: Decimal, minScale = 2): string =>
  Number.isSafeInteger(minScale) ? formatScaled(d.value, d.scale, minScale) : formatNormalized(d, minScale)

/**
 * {@link format} of the decimal `value` x 10^-`scale` (`minScale` a whole number), from its digits: trailing zeros
 * beyond `minScale` dropped, zeros added up to it. No normalized copy and no power of ten are built (this sits under
 * every price shown).
 */
export const formatScaled = (value: bigint, scale: number, minScale = 2): string => {
  const min = minScale > 0 ? minScale : 0
  const negative = value < 0n
  let digits = value === 0n ? "0" : (negative ? -value : value).toString()
  let places = value === 0n ? 0 : scale
  if (places > min) {
    let end = digits.length
    while (places > min && digits.charCodeAt(end - 1) === 48) {
      end--
      places--
    }
    if (end < digits.length) digits = digits.slice(0, end)
  }
  if (places < min) {
    digits += "0".repeat(min - places)
    places = min
  }
  if (digits.length <= places) digits = digits.padStart(places + 1, "0")
  const whole = places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`
  return negative ? `-${whole}` : whole
}

// The general form, for a `minScale` that is not a whole number (for NaN, Infinity or a fraction, BigInt throws).
const formatNormalized = (d: Decimal, minScale: number): string => {
  const n = BigDecimal.normalize(d)
  const scale = Math.max(n.scale, minScale, 0)
  const value = n.value * 10n ** BigInt(scale - n.scale)
  const digits = (value < 0n ? -value : value).toString().padStart(scale + 1, "0")
  const whole = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`
  return value < 0n ? `-${whole}` : whole
}

/** True when `price` is a whole multiple of `tick`. */
export const isOnTick = (price: Decimal, tick: Decimal): boolean => {
  // BigDecimal.remainderUnsafe's arithmetic (both at the larger scale), without building the decimals.
  if (tick.value === 0n) return true
  if (price.scale === tick.scale) return price.value % tick.value === 0n
  return price.scale > tick.scale
    ? price.value % (tick.value * 10n ** BigInt(price.scale - tick.scale)) === 0n
    : (price.value * 10n ** BigInt(tick.scale - price.scale)) % tick.value === 0n
}

/** Divides exactly when possible, else rounds half-even at `scale` places (10 by default). */
export const divide = (a: Decimal, b: Decimal, scale = 10): Decimal => {
  const exact = BigDecimal.divideUnsafe(a, b)
  return BigDecimal.normalize(BigDecimal.round(exact, { scale, mode: "half-even" }))
}

/** Decimals compare by value, not representation: 1.50 equals 1.5. */
export const equals = (a: Decimal, b: Decimal): boolean => BigDecimal.equals(a, b)

/** Schema of a decimal encoded as a string in JSON (journal rows, CLI output). */
export const DecimalSchema = Schema.BigDecimal

const Amount = Schema.BigDecimal.pipe(
  Schema.check(
    Schema.makeFilter((d: Decimal) =>
      BigDecimal.isNegative(d) ? `expected an amount of zero or more, got ${format(d)}` : true
    )
  )
)

/**
 * A combo's net price with its side made explicit: a debit is paid, a credit is received. The amount is never
 * negative; an amount of zero is an even (debit 0).
 */
export const NetPrice = Schema.TaggedUnion({
  Debit: { amount: Amount },
  Credit: { amount: Amount }
})
/** @see {@link NetPrice} */
export type NetPrice = typeof NetPrice.Type

/** A debit of `amount` (zero or more; throws a ValidationError on a negative amount). */
export const debit = (amount: Decimal | string | number): NetPrice =>
  NetPrice.cases.Debit.make({ amount: nonNegative(amount, "debit") })
/** A credit of `amount` (zero or more; throws a ValidationError on a negative amount). */
export const credit = (amount: Decimal | string | number): NetPrice =>
  NetPrice.cases.Credit.make({ amount: nonNegative(amount, "credit") })

// The side carries the sign: a negative debit is a credit, and letting one through would flip IB's signed limit.
const nonNegative = (amount: Decimal | string | number, side: "debit" | "credit"): Decimal => {
  const d = typeof amount === "object" ? amount : dec(amount)
  if (!BigDecimal.isNegative(d)) return d
  const other = side === "debit" ? "credit" : "debit"
  throw invalid(
    "price",
    `a ${side} must not be negative, got ${format(d)}; use a ${other} of ${format(BigDecimal.negate(d))}`
  )
}

/** Cash-flow view of a net price for the trader: positive = paid (debit), negative = received (credit). */
export const toSigned = (net: NetPrice): Decimal => (net._tag === "Debit" ? net.amount : BigDecimal.negate(net.amount))

/** Inverse of {@link toSigned}. */
export const fromSigned = (signed: Decimal): NetPrice =>
  BigDecimal.isNegative(signed) ? credit(BigDecimal.negate(signed)) : debit(signed)

/**
 * IB's signed BAG limit price. IB prices a combo per unit of the combo as defined (legs as given), for the order's
 * action: a BUY at +p pays p, a BUY at -p receives p; a SELL at +p receives p, a SELL at -p pays p.
 */
export const toIbLimit = (action: Action, net: NetPrice): Decimal => {
  const paying = net._tag === "Debit"
  const positive = action === "BUY" ? paying : !paying
  return positive ? net.amount : BigDecimal.negate(net.amount)
}

/** Inverse of {@link toIbLimit}: what an IB signed combo price means to the trader for that action. */
export const fromIbLimit = (action: Action, signed: Decimal): NetPrice => {
  const amount = BigDecimal.abs(signed)
  // Zero is an even, which NetPrice spells debit 0 whatever the action (a SELL at 0 is not a credit).
  if (BigDecimal.isZero(amount)) return debit(amount)
  const positive = !BigDecimal.isNegative(signed)
  const paying = action === "BUY" ? positive : !positive
  return paying ? debit(amount) : credit(amount)
}

/** "2.85 debit" / "0.40 credit". */
export const formatNet = (net: NetPrice): string => `${format(net.amount)} ${net._tag === "Debit" ? "debit" : "credit"}`
