/**
 * Reading typed values out of a message's fields, with clear errors.
 *
 * A {@link FieldCursor} walks the fields of one client message. Each read names the field it expects, so a bad
 * value gives "field lmtPrice: 'abc' is not a number" and a short message gives the field that was missing.
 * Reads fail by throwing a {@link WireParseFailure}; only `Incoming.parseIncoming` catches them, and it never
 * throws itself.
 * @module
 */
import { UNSET_DOUBLE, UNSET_INTEGER } from "./Values.ts"

/** Error codes the codec reports (IB's own numbers where one fits). */
export const WireErrorCode = {
  /** A message could not be read: wrong field count, a malformed value (IB 320, "error reading request"). */
  BadMessage: 320,
  /** A message was read but asks for something this server does not accept (IB 321, "error validating request"). */
  Unsupported: 321,
  /** The message id is not one this server knows (IB 505, "unknown message id"). */
  UnknownMessageId: 505,
  /** The byte stream is broken: bad greeting, oversized frame, non-UTF-8 payload (IB 507, "bad message"). */
  BadFrame: 507
} as const

/** A codec error: an IB-style code and a readable message. */
export interface WireError {
  readonly code: number
  readonly message: string
  /** The request or order id the message carried, when it could be read (to route an ERR_MSG back). */
  readonly id?: number
}

/** Thrown by {@link FieldCursor} reads; caught at the parser's boundary. */
export class WireParseFailure extends Error {
  readonly error: WireError
  constructor(error: WireError) {
    super(error.message)
    this.error = error
    this.name = "WireParseFailure"
  }
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const INTEGER = /^[+-]?\d+$/

/** Parses a decimal number as JavaScript writes it (also Java's `1.7976931348623157E308`); `undefined` if malformed. */
export const parseDecimal = (text: string): number | undefined => {
  if (!DECIMAL.test(text)) return undefined
  const n = Number(text)
  return Number.isNaN(n) ? undefined : n
}

/** Parses an integer (digits with an optional sign, within the safe range); `undefined` if malformed. */
export const parseInteger = (text: string): number | undefined => {
  if (!INTEGER.test(text)) return undefined
  const n = Number(text)
  return Number.isSafeInteger(n) ? n : undefined
}

/** Sequential, typed reads over one message's fields. */
export class FieldCursor {
  /** The message, field 0 being the message id. */
  readonly fields: ReadonlyArray<string>
  /** The message name used in errors, e.g. "PLACE_ORDER". */
  readonly name: string
  private index: number

  /**
   * @param fields the message, field 0 being the message id
   * @param name the message name used in errors, e.g. "PLACE_ORDER"
   */
  constructor(fields: ReadonlyArray<string>, name: string, start = 1) {
    this.fields = fields
    this.name = name
    this.index = start
  }

  /** Index of the next field to read. */
  get position(): number {
    return this.index
  }

  /** Fails with `error` (adds this message's name to the text). */
  fail(message: string, code: number = WireErrorCode.BadMessage): never {
    throw new WireParseFailure({ code, message: `${this.name}: ${message}` })
  }

  /** The next raw field. */
  str(field: string): string {
    const value = this.fields[this.index]
    if (value === undefined) {
      throw new WireParseFailure({
        code: WireErrorCode.BadMessage,
        message: `${this.name} expected more than ${this.fields.length} fields, got ${this.fields.length} (field ${field} missing at index ${this.index})`
      })
    }
    this.index++
    return value
  }

  /** The next field, which must be `expected` (e.g. a version number). */
  literal(field: string, expected: string): void {
    const value = this.str(field)
    if (value !== expected) this.fail(`field ${field}: expected '${expected}', got '${value}'`)
  }

  /** An int; "" reads as `empty` (0 unless told). */
  int(field: string, empty = 0): number {
    const value = this.str(field)
    if (value === "") return empty
    const n = parseInteger(value)
    return n === undefined ? this.fail(`field ${field}: '${value}' is not an integer`) : n
  }

  /** An int that may be unset: "" or 2147483647 read as `undefined`. */
  intOrUnset(field: string): number | undefined {
    const value = this.str(field)
    if (value === "") return undefined
    const n = parseInteger(value)
    if (n === undefined) return this.fail(`field ${field}: '${value}' is not an integer`)
    return n === UNSET_INTEGER ? undefined : n
  }

  /** A double that may be unset: "" or `Double.MAX_VALUE` read as `undefined`. */
  doubleOrUnset(field: string): number | undefined {
    const value = this.str(field)
    if (value === "") return undefined
    const n = parseDecimal(value)
    if (n === undefined) return this.fail(`field ${field}: '${value}' is not a number`)
    return n === UNSET_DOUBLE ? undefined : n
  }

  /** A double; "" reads as 0. */
  double(field: string): number {
    return this.doubleOrUnset(field) ?? 0
  }

  /** A boolean written as 1/0; "" reads as false. */
  bool(field: string): boolean {
    const value = this.str(field)
    if (value === "" || value === "0") return false
    if (value === "1") return true
    return this.fail(`field ${field}: '${value}' is not a boolean (1 or 0)`)
  }

  /** A boolean that may be absent: "" reads as `undefined`. */
  boolOrUnset(field: string): boolean | undefined {
    if (this.fields[this.index] !== "") return this.bool(field)
    this.index++
    return undefined
  }

  /** A count of repeated blocks, bounded by the fields left (each block has `perItem` fields). */
  count(field: string, perItem: number): number {
    const n = this.int(field)
    if (n < 0) return this.fail(`field ${field}: negative count ${n}`)
    const left = this.fields.length - this.index
    if (n * perItem > left) {
      return this.fail(`field ${field}: ${n} entries need ${n * perItem} more fields, only ${left} left`)
    }
    return n
  }

  /** Fails unless every field was consumed. */
  end(): void {
    if (this.index !== this.fields.length) {
      throw new WireParseFailure({
        code: WireErrorCode.BadMessage,
        message: `${this.name} expected ${this.index} fields, got ${this.fields.length}`
      })
    }
  }
}

/** Fails unless `fields` has exactly `expected` fields ("REQ_IDS expected 3 fields, got 4"). */
export const expectCount = (fields: ReadonlyArray<string>, name: string, expected: number): void => {
  if (fields.length !== expected) {
    throw new WireParseFailure({
      code: WireErrorCode.BadMessage,
      message: `${name} expected ${expected} fields, got ${fields.length}`
    })
  }
}

/** A parse outcome: the message, or an error with an IB-style code and a readable text. */
export type ParseResult<A> =
  { readonly ok: true; readonly message: A } | { readonly ok: false; readonly error: WireError }

/**
 * Runs a parser that reads with a {@link FieldCursor}, turning its failures (and, defensively, anything else it
 * throws) into an error result. `id` is the request/order id attached to errors, when it can be read.
 */
export const safely = <A>(run: () => A, id?: number): ParseResult<A> => {
  try {
    return { ok: true, message: run() }
  } catch (e) {
    const error: WireError =
      e instanceof WireParseFailure
        ? e.error
        : {
            code: WireErrorCode.BadMessage,
            message: `unreadable message: ${e instanceof Error ? e.message : String(e)}`
          }
    return { ok: false, error: id === undefined ? error : { ...error, id } }
  }
}
