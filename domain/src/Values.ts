/**
 * Value objects of the domain, each a Schema so every boundary (CLI, config, wire, journal) decodes them the same way
 * and reports a readable message that names the field.
 * @module
 */
import { Result, Schema } from "effect"
import { invalid, showInput, type ValidationError } from "./Errors.ts"

const filter = <T>(predicate: (value: T) => true | string) => Schema.makeFilter((value: T) => predicate(value))

/** An underlying symbol as IB spells it: upper-case letters, digits, dots or spaces, 1 to 12 characters (`AAPL`, `BRK B`). */
export const Underlying = Schema.String.pipe(
  Schema.check(
    filter((s: string) =>
      /^[A-Z][A-Z0-9. ]{0,11}$/.test(s) && !s.endsWith(" ")
        ? true
        : `expected 1-12 upper-case letters, digits, dots or spaces starting with a letter (like AAPL or BRK B), got ${JSON.stringify(s)}`
    )
  ),
  Schema.brand("Underlying")
)
/** @see {@link Underlying} */
export type Underlying = typeof Underlying.Type

/** Option right: call or put, as IB writes it. */
export const Right = Schema.Literals(["C", "P"])
/** @see {@link Right} */
export type Right = typeof Right.Type

/** Direction of an order or of a leg. */
export const Action = Schema.Literals(["BUY", "SELL"])
/** @see {@link Action} */
export type Action = typeof Action.Type

/** The opposite action. */
export const opposite = (action: Action): Action => (action === "BUY" ? "SELL" : "BUY")

/** Time in force supported for combos. */
export const TimeInForce = Schema.Literals(["DAY", "GTC"])
/** @see {@link TimeInForce} */
export type TimeInForce = typeof TimeInForce.Type

// The checks of Quantity and OrderRef, shared by their schemas and the guards below (which cannot be used here: their
// types name the schemas').
const quantityOk = (n: number): boolean => Number.isInteger(n) && n > 0 && n <= 1_000_000
const orderRefOk = (s: string): boolean => /^[\x21-\x7e]{1,64}$/.test(s)

/** Number of contracts (or combo units): a positive integer, at most 1,000,000. */
export const Quantity = Schema.Number.pipe(
  Schema.check(
    filter((n: number) =>
      quantityOk(n) ? true : `expected a positive whole number of contracts (1 to 1000000), got ${n}`
    )
  ),
  Schema.brand("Quantity")
)
/** @see {@link Quantity} */
export type Quantity = typeof Quantity.Type

/** The {@link Quantity} check alone, without a decoder: true when `n` decodes as a Quantity. */
export const isQuantity = (n: unknown): n is Quantity => typeof n === "number" && quantityOk(n)

/** IB order id: a positive 31-bit integer, unique per client across sessions. */
export const OrderId = Schema.Number.pipe(
  Schema.check(
    filter((n: number) =>
      Number.isInteger(n) && n > 0 && n <= 2_147_483_647 ? true : `expected a positive whole order id, got ${n}`
    )
  ),
  Schema.brand("OrderId")
)
/** @see {@link OrderId} */
export type OrderId = typeof OrderId.Type

/**
 * The project's own reference for an order, sent to IB as `orderRef`, so callbacks can be matched and an order is never
 * placed twice. 1-64 printable ASCII characters without spaces.
 */
export const OrderRef = Schema.String.pipe(
  Schema.check(
    filter((s: string) =>
      orderRefOk(s) ? true : `expected 1-64 printable characters without spaces, got ${JSON.stringify(s.slice(0, 80))}`
    )
  ),
  Schema.brand("OrderRef")
)
/** @see {@link OrderRef} */
export type OrderRef = typeof OrderRef.Type

/** The {@link OrderRef} check alone, without a decoder: true when `s` decodes as an OrderRef. */
export const isOrderRef = (s: unknown): s is OrderRef => typeof s === "string" && orderRefOk(s)

/** An execution id as IB assigns it; unique per fill, so duplicates can be dropped. */
export const ExecId = Schema.String.pipe(
  Schema.check(filter((s: string) => (s.length > 0 && s.length <= 128 ? true : "expected a non-empty execution id"))),
  Schema.brand("ExecId")
)
/** @see {@link ExecId} */
export type ExecId = typeof ExecId.Type

/** Epoch milliseconds. The domain never reads a clock: callers pass time in. */
export type Millis = number

/**
 * Decodes `input` with `schema`, turning a Schema failure into a {@link ValidationError} that names `field`.
 * Use at every boundary that takes outside input.
 */
export const decodeField = <S extends Schema.Decoder<unknown>>(schema: S, field: string) => {
  // Build the decoder once per call site, not once per input: decoding sits on every order's path.
  const decode = Schema.decodeUnknownResult(schema)
  return (input: unknown): Result.Result<S["Type"], ValidationError> => {
    const result = decode(input)
    return Result.isSuccess(result)
      ? Result.succeed(result.success)
      : Result.fail(invalid(field, describe(result.failure.message, input)))
  }
}

/** Unwraps a Result for constants in code and tests; throws the error when it is a failure. */
export const getOrThrow = <A, E>(result: Result.Result<A, E>): A => {
  if (Result.isSuccess(result)) return result.success
  throw result.failure
}

const describe = (message: string, input: unknown): string => {
  // Schema messages can nest ("Expected ...\n  at [path]"); the first line is the sentence a user needs, and a bare
  // type mismatch gets the offending value appended so the user sees what they typed.
  const line = (message.split("\n")[0] ?? message).trim()
  return /^Expected [a-z]+$/.test(line) ? `${line.replace("Expected", "expected a")}, got ${show(input)}` : line
}

const show = (input: unknown): string => showInput(input)

/** Makes a branded value from a literal in code, throwing a ValidationError when it is invalid. */
export const make = {
  underlying: (s: string): Underlying => getOrThrow(decodeField(Underlying, "underlying")(s)),
  quantity: (n: number): Quantity => getOrThrow(decodeField(Quantity, "quantity")(n)),
  orderId: (n: number): OrderId => getOrThrow(decodeField(OrderId, "orderId")(n)),
  orderRef: (s: string): OrderRef => getOrThrow(decodeField(OrderRef, "orderRef")(s)),
  execId: (s: string): ExecId => getOrThrow(decodeField(ExecId, "execId")(s))
}
