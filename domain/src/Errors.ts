/**
 * The domain's typed failures. Each carries a sentence a trader can act on in `message`.
 * @module
 */
import { Schema } from "effect"

/**
 * Input that breaks a rule of the domain. `field` names what was wrong (`expiry`, `quantity`, `strikes`, ...).
 */
export class ValidationError extends Schema.TaggedError<ValidationError>()("ValidationError", {
  field: Schema.String,
  message: Schema.String
}) {}

/**
 * An event that the order-status machine does not allow in the order's current state, e.g. a cancel request on a
 * filled order. The order is left unchanged.
 */
export class IllegalTransition extends Schema.TaggedError<IllegalTransition>()("IllegalTransition", {
  from: Schema.String,
  event: Schema.String,
  message: Schema.String
}) {}

/**
 * A fill that would take the filled quantity above the order's quantity. The fill is not applied.
 */
export class Overfill extends Schema.TaggedError<Overfill>()("Overfill", {
  execId: Schema.String,
  quantity: Schema.Number,
  filled: Schema.Number,
  orderQuantity: Schema.Number,
  message: Schema.String
}) {}

/** Everything folding an event into an order can fail with. */
export type OrderError = IllegalTransition | Overfill | ValidationError

/** Builds a {@link ValidationError} whose message starts with the field's name. */
export const invalid = (field: string, message: string): ValidationError =>
  new ValidationError({ field, message: `${field}: ${message}` })

/**
 * A short rendering of any input for an error message. Never throws: bigints, null-prototype objects and cycles
 * (which make `String` or `JSON.stringify` throw) are shown too, and an object never shows as "[object Object]".
 */
export const showInput = (input: unknown, max = 80): string => {
  if (input === undefined) return "nothing"
  if (typeof input === "string") return JSON.stringify(input.slice(0, max))
  if (typeof input === "number" || typeof input === "boolean" || typeof input === "bigint") return String(input)
  if (typeof input === "symbol" || typeof input === "function") return `a ${typeof input}`
  try {
    const json = JSON.stringify(input, (_key, v: unknown) => (typeof v === "bigint" ? String(v) : v))
    if (json !== undefined) return json.length > max ? `${json.slice(0, max)}...` : json
  } catch {
    // A cycle: fall through to a description.
  }
  return Array.isArray(input) ? "a list" : "an object"
}
