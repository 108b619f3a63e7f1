/**
 * Wire values of the TWS API: how a field is written (the client's encoding) and IB's "unset" sentinels.
 *
 * Every field on the wire is a string. The @stoqey/ib client writes `undefined`/`null` as "", booleans as 1/0 and
 * numbers with JavaScript's `toString`. IB marks an unset double with `Double.MAX_VALUE` (written by Java as
 * `1.7976931348623157E308`) and an unset int with `Integer.MAX_VALUE` (2147483647).
 * @module
 */

/** A value that can be put into a field: encoded by {@link encodeValue}. */
export type WireValue = string | number | boolean | undefined | null

/** A message as a list of field values, not yet framed (see `Frame.encodeFrame`). */
export type WireFields = ReadonlyArray<WireValue>

/** IB's "unset" double, `Double.MAX_VALUE`. */
export const UNSET_DOUBLE: number = Number.MAX_VALUE

/** {@link UNSET_DOUBLE} spelled the way Java (and so TWS) writes it. */
export const UNSET_DOUBLE_WIRE = "1.7976931348623157E308"

/** IB's "unset" int, `Integer.MAX_VALUE`. */
export const UNSET_INTEGER = 2147483647

/**
 * Encodes one field the way the @stoqey/ib client does: undefined/null -> "", booleans -> "1"/"0", numbers with
 * `toString`. NUL characters are removed from strings: they would split the field.
 */
export const encodeValue = (value: WireValue): string => {
  if (value === undefined || value === null) return ""
  if (typeof value === "boolean") return value ? "1" : "0"
  if (typeof value === "number") return String(value)
  return value.includes("\0") ? value.replaceAll("\0", "") : value
}

/** A double that may be unset: `undefined` becomes IB's {@link UNSET_DOUBLE_WIRE}. */
export const doubleOrUnset = (value: number | undefined): string =>
  value === undefined || value === UNSET_DOUBLE ? UNSET_DOUBLE_WIRE : String(value)

/** An int that may be unset: `undefined` becomes IB's {@link UNSET_INTEGER}. */
export const intOrUnset = (value: number | undefined): number => value ?? UNSET_INTEGER

/** A double that may be unset, written as "" when unset (what the client reads as `undefined` too). */
export const doubleOrEmpty = (value: number | undefined): string =>
  value === undefined || value === UNSET_DOUBLE ? "" : String(value)

/** True when `text` is the wire spelling of an unset double (either Java's or JavaScript's). */
export const isUnsetDouble = (text: string): boolean => text !== "" && Number(text) === UNSET_DOUBLE

/** True when `text` is the wire spelling of an unset int. */
export const isUnsetInteger = (text: string): boolean => text === String(UNSET_INTEGER)
