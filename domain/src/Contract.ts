/**
 * Option contracts and their expiry dates.
 * @module
 */
import { BigDecimal, Result, Schema } from "effect"
import { invalid, showInput, type ValidationError } from "./Errors.ts"
import { type Decimal, format, parsePositivePrice } from "./Price.ts"
import { Right, Underlying } from "./Values.ts"

/** A calendar date `YYYY-MM-DD` that exists (no 2026-02-30). Whether it is in the past depends on "today": see {@link parseExpiry}. */
export const Expiry = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter((s: string) => {
      const problem = dateProblem(s)
      return problem === undefined ? true : `expected a date as YYYY-MM-DD, got ${JSON.stringify(s)}${problem}`
    })
  ),
  Schema.brand("Expiry")
)
/** @see {@link Expiry} */
export type Expiry = typeof Expiry.Type

/**
 * Why `s` is not a calendar date: undefined when it is one, "" when it is not shaped like YYYY-MM-DD, else a short
 * reason in parentheses, so "2026-02-30" is not answered with "expected YYYY-MM-DD" alone.
 */
function dateProblem(s: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  if (m === null) return ""
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (mo < 1 || mo > 12) return ` (there is no month ${m[2]})`
  if (d < 1) return ` (there is no day ${m[3]})`
  return d <= daysInMonth(y, mo) ? undefined : ` (${m[1]}-${m[2]} has ${daysInMonth(y, mo)} days)`
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
const daysInMonth = (y: number, m: number): number =>
  m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31

/** Days since 1970-01-01 of a `YYYY-MM-DD` date (Howard Hinnant's days_from_civil), pure arithmetic, no clock. */
export const epochDay = (date: string): number => {
  const y0 = Number(date.slice(0, 4))
  const m = Number(date.slice(5, 7))
  const d = Number(date.slice(8, 10))
  const y = m <= 2 ? y0 - 1 : y0
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/** The `YYYY-MM-DD` date of a day since 1970-01-01 (Howard Hinnant's civil_from_days): the inverse of {@link epochDay}. */
export const dateOfEpochDay = (day: number): string => {
  const z = day + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp < 10 ? mp + 3 : mp - 9
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0)
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`
}

/**
 * Parses an expiry, accepting `YYYY-MM-DD` or IB's `YYYYMMDD`, and refuses a date before `today` (`YYYY-MM-DD`,
 * supplied by the caller since the domain reads no clock). `field` names the input in the message.
 */
export const parseExpiry = (
  input: unknown,
  today: string,
  field = "expiry"
): Result.Result<Expiry, ValidationError> => {
  const expected = "expected a date as YYYY-MM-DD or YYYYMMDD, got"
  if (typeof input !== "string") {
    return Result.fail(invalid(field, `${expected} ${showInput(input)}`))
  }
  const text = /^\d{8}$/.test(input) ? `${input.slice(0, 4)}-${input.slice(4, 6)}-${input.slice(6)}` : input
  const problem = dateProblem(text)
  if (problem !== undefined) return Result.fail(invalid(field, `${expected} ${JSON.stringify(input)}${problem}`))
  // Callers may pass a full ISO timestamp for today; only its date counts (an expiry today is not past).
  const day = today.slice(0, 10)
  if (text < day) return Result.fail(invalid(field, `${text} is in the past (today is ${day})`))
  return Result.succeed(text as Expiry)
}

/** An expiry from a literal in code, without the past-date check. Throws on a malformed date. */
export const expiry = (s: string): Expiry => {
  const r = parseExpiry(s, "0000-00-00")
  if (Result.isFailure(r)) throw r.failure
  return r.success
}

/** IB's `lastTradeDateOrContractMonth` form: `YYYYMMDD`. */
export const toIbExpiry = (e: Expiry): string => e.replaceAll("-", "")

/** Days from `from` (YYYY-MM-DD) to the expiry; negative when expired. */
export const daysToExpiry = (e: Expiry, from: string): number => epochDay(e) - epochDay(from.slice(0, 10))

/** Parses a strike: a positive price with at most 4 decimals. */
export const parseStrike = (input: unknown, field = "strike"): Result.Result<Decimal, ValidationError> =>
  parsePositivePrice(input, field)

/**
 * One listed option. `conId` is IB's contract id, known once the contract has been qualified with the broker.
 */
export const OptionContract = Schema.Struct({
  underlying: Underlying,
  expiry: Expiry,
  strike: Schema.BigDecimal,
  right: Right,
  multiplier: Schema.Number,
  exchange: Schema.String,
  currency: Schema.String,
  conId: Schema.optionalKey(Schema.Number)
})
/** @see {@link OptionContract} */
export type OptionContract = typeof OptionContract.Type

/** An option on `underlying` with US equity-option defaults: multiplier 100, SMART, USD. */
export const optionContract = (
  underlying: Underlying,
  expiry: Expiry,
  strike: Decimal,
  right: Right,
  extra: Partial<Pick<OptionContract, "multiplier" | "exchange" | "currency" | "conId">> = {}
): OptionContract => ({
  underlying,
  expiry,
  strike,
  right,
  multiplier: extra.multiplier ?? 100,
  exchange: extra.exchange ?? "SMART",
  currency: extra.currency ?? "USD",
  ...(extra.conId === undefined ? {} : { conId: extra.conId })
})

/** A stable key for a contract, whether or not it has a conId: `AAPL 2026-12-18 150.00 C`. */
export const contractKey = (c: OptionContract): string => `${c.underlying} ${c.expiry} ${format(c.strike)} ${c.right}`

/**
 * IB's local symbol (OCC style): `AAPL  261218C00150000`. The strike is written in thousandths (8 digits); OCC has no
 * place for a fourth decimal, so a strike such as 12.3455 is written as its thousandths, 12.345.
 */
export const occSymbol = (c: OptionContract): string => {
  const n = BigDecimal.normalize(c.strike)
  const thousandths = n.scale <= 3 ? n.value * 10n ** BigInt(3 - n.scale) : n.value / 10n ** BigInt(n.scale - 3)
  const strike = thousandths.toString().padStart(8, "0")
  return `${c.underlying.padEnd(6, " ")}${toIbExpiry(c.expiry).slice(2)}${c.right}${strike}`
}
