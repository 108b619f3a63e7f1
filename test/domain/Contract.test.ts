import { assert, describe, it } from "@effect/vitest"
import { Result, Schema } from "effect"
import * as fc from "fast-check"
import {
  contractKey,
  daysToExpiry,
  epochDay,
  Expiry,
  expiry,
  occSymbol,
  optionContract,
  parseExpiry,
  parseStrike,
  toIbExpiry
} from "../../domain/src/Contract.ts"
import { decodeField, make } from "../../domain/src/Values.ts"
import { format } from "../../domain/src/Price.ts"
import { AAPL, failureOf, ks } from "./fixtures.ts"

const TODAY = "2026-06-01"

describe("Contract", () => {
  describe("parseExpiry: bad dates say what was expected and what was got", () => {
    it.each([
      {
        input: "2026-13-01",
        message: 'expiry: expected a date as YYYY-MM-DD or YYYYMMDD, got "2026-13-01" (there is no month 13)'
      },
      {
        input: "2026-00-10",
        message: 'expiry: expected a date as YYYY-MM-DD or YYYYMMDD, got "2026-00-10" (there is no month 00)'
      },
      {
        input: "2026-02-30",
        message: 'expiry: expected a date as YYYY-MM-DD or YYYYMMDD, got "2026-02-30" (2026-02 has 28 days)'
      },
      {
        input: "2027-02-29",
        message: 'expiry: expected a date as YYYY-MM-DD or YYYYMMDD, got "2027-02-29" (2027-02 has 28 days)'
      },
      {
        input: "2026-04-31",
        message: 'expiry: expected a date as YYYY-MM-DD or YYYYMMDD, got "2026-04-31" (2026-04 has 30 days)'
      },
      {
        input: "2026-12-00",
        message: 'expiry: expected a date as YYYY-MM-DD or YYYYMMDD, got "2026-12-00" (there is no day 00)'
      },
      {
        input: "20261301",
        message: 'expiry: expected a date as YYYY-MM-DD or YYYYMMDD, got "20261301" (there is no month 13)'
      },
      { input: "tomorrow", message: 'expiry: expected a date as YYYY-MM-DD or YYYYMMDD, got "tomorrow"' },
      {
        input: "2026-12-18T00:00",
        message: 'expiry: expected a date as YYYY-MM-DD or YYYYMMDD, got "2026-12-18T00:00"'
      },
      { input: "18/12/2026", message: 'expiry: expected a date as YYYY-MM-DD or YYYYMMDD, got "18/12/2026"' },
      { input: "", message: 'expiry: expected a date as YYYY-MM-DD or YYYYMMDD, got ""' },
      { input: 20261218, message: "expiry: expected a date as YYYY-MM-DD or YYYYMMDD, got 20261218" },
      { input: undefined, message: "expiry: expected a date as YYYY-MM-DD or YYYYMMDD, got nothing" },
      { input: "2026-01-16", message: "expiry: 2026-01-16 is in the past (today is 2026-06-01)" },
      { input: "20260531", message: "expiry: 2026-05-31 is in the past (today is 2026-06-01)" }
    ])("$input -> $message", ({ input, message }) => {
      const error = failureOf(parseExpiry(input, TODAY))
      assert.strictEqual(error.field, "expiry")
      assert.strictEqual(error.message, message)
    })

    it("names the field the caller gives", () => {
      const error = failureOf(parseExpiry("2026-02-30", TODAY, "backExpiry"))
      assert.strictEqual(error.field, "backExpiry")
      assert.match(error.message, /^backExpiry: /)
    })
  })

  describe("parseExpiry: good dates", () => {
    it.each([
      { input: "2026-12-18", expected: "2026-12-18" },
      { input: "20261218", expected: "2026-12-18" },
      { input: "2026-06-01", expected: "2026-06-01" },
      { input: "2028-02-29", expected: "2028-02-29" },
      { input: "20000229", expected: "2000-02-29" }
    ])("$input -> $expected", ({ input, expected }) => {
      const r = parseExpiry(input, input.startsWith("2000") ? "1999-01-01" : TODAY)
      assert.isTrue(Result.isSuccess(r))
      assert.strictEqual(Result.getOrThrow(r), expected)
    })

    it("today is not in the past, whether today is a date or a full timestamp", () => {
      assert.isTrue(Result.isSuccess(parseExpiry("2026-06-01", "2026-06-01")))
      assert.isTrue(Result.isSuccess(parseExpiry("2026-06-01", "2026-06-01T15:30:00.000Z")))
      assert.isTrue(Result.isFailure(parseExpiry("2026-05-31", "2026-06-01T00:00:00.000Z")))
    })

    it("1900 is not a leap year, 2000 is", () => {
      assert.isTrue(Result.isFailure(parseExpiry("1900-02-29", "1800-01-01")))
      assert.isTrue(Result.isSuccess(parseExpiry("2000-02-29", "1800-01-01")))
    })

    it("YYYYMMDD and YYYY-MM-DD agree on every valid date (property)", () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 200_000 }), (days) => {
          const iso = new Date(days * 86_400_000).toISOString().slice(0, 10)
          const dashed = parseExpiry(iso, "1970-01-01")
          const compact = parseExpiry(iso.replaceAll("-", ""), "1970-01-01")
          assert.strictEqual(Result.getOrThrow(dashed), iso)
          assert.strictEqual(Result.getOrThrow(compact), iso)
          assert.strictEqual(epochDay(iso), days)
        }),
        { numRuns: 300 }
      )
    })
  })

  describe("the Expiry schema (stored copies)", () => {
    it.each([
      { input: "2026-02-30", message: 'expiry: expected a date as YYYY-MM-DD, got "2026-02-30" (2026-02 has 28 days)' },
      { input: "20261218", message: 'expiry: expected a date as YYYY-MM-DD, got "20261218"' },
      { input: 5, message: "expiry: expected a string, got 5" }
    ])("$input -> $message", ({ input, message }) => {
      assert.strictEqual(failureOf(decodeField(Expiry, "expiry")(input)).message, message)
    })

    it("accepts a real date", () => {
      assert.strictEqual(Result.getOrThrow(Schema.decodeUnknownResult(Expiry)("2026-12-18")), "2026-12-18")
    })

    it("expiry() skips the past-date check but not the calendar", () => {
      assert.strictEqual(expiry("1999-01-15"), "1999-01-15")
      assert.throws(() => expiry("1999-02-29"), /expiry: /)
    })
  })

  describe("date arithmetic", () => {
    it.each([
      { date: "1970-01-01", day: 0 },
      { date: "1970-01-02", day: 1 },
      { date: "1969-12-31", day: -1 },
      { date: "2000-03-01", day: 11_017 },
      { date: "2024-02-29", day: 19_782 },
      { date: "2026-12-18", day: 20_805 }
    ])("epochDay($date) = $day", ({ date, day }) => {
      assert.strictEqual(epochDay(date), day)
    })

    it.each([
      { from: "2026-12-01", days: 17 },
      { from: "2026-12-18", days: 0 },
      { from: "2026-12-19T10:00:00Z", days: -1 },
      { from: "2025-12-18", days: 365 }
    ])("daysToExpiry(2026-12-18, $from) = $days", ({ from, days }) => {
      assert.strictEqual(daysToExpiry(expiry("2026-12-18"), from), days)
    })

    it("toIbExpiry is IB's YYYYMMDD", () => {
      assert.strictEqual(toIbExpiry(expiry("2026-12-18")), "20261218")
    })
  })

  describe("parseStrike", () => {
    it.each([
      { input: "0", message: "strike: must be above zero, got 0.00" },
      { input: -5, message: "strike: must not be negative, got -5.00" },
      { input: "150.123456", message: "strike: has more than 4 decimal places: 150.123456" },
      { input: "one fifty", message: 'strike: expected a decimal number like 2.85, got "one fifty"' },
      { input: undefined, message: "strike: expected a decimal number like 2.85, got nothing" }
    ])("$input -> $message", ({ input, message }) => {
      const error = failureOf(parseStrike(input))
      assert.strictEqual(error.field, "strike")
      assert.strictEqual(error.message, message)
    })

    it.each([
      { input: "150", expected: "150.00" },
      { input: 412.5, expected: "412.50" },
      { input: "0.5", expected: "0.50" },
      { input: "22.125", expected: "22.125" }
    ])("$input -> $expected", ({ input, expected }) => {
      assert.strictEqual(format(Result.getOrThrow(parseStrike(input))), expected)
    })
  })

  describe("OptionContract", () => {
    it("has US equity-option defaults and no conId until qualified", () => {
      const [k] = ks("150")
      const c = optionContract(AAPL, expiry("2026-12-18"), k!, "C")
      assert.strictEqual(c.multiplier, 100)
      assert.strictEqual(c.exchange, "SMART")
      assert.strictEqual(c.currency, "USD")
      assert.isFalse("conId" in c)
    })

    it("takes overrides", () => {
      const [k] = ks("150")
      const c = optionContract(AAPL, expiry("2026-12-18"), k!, "P", { conId: 5, multiplier: 10, exchange: "CBOE" })
      assert.strictEqual(c.conId, 5)
      assert.strictEqual(c.multiplier, 10)
      assert.strictEqual(c.exchange, "CBOE")
      assert.strictEqual(c.currency, "USD")
    })

    it.each([
      { symbol: "AAPL", strike: "150", right: "C", key: "AAPL 2026-12-18 150.00 C", occ: "AAPL  261218C00150000" },
      { symbol: "BRK B", strike: "412.5", right: "P", key: "BRK B 2026-12-18 412.50 P", occ: "BRK B 261218P00412500" },
      { symbol: "SPY", strike: "0.5", right: "P", key: "SPY 2026-12-18 0.50 P", occ: "SPY   261218P00000500" },
      { symbol: "NDX", strike: "21000", right: "C", key: "NDX 2026-12-18 21000.00 C", occ: "NDX   261218C21000000" },
      { symbol: "XYZ", strike: "12.345", right: "C", key: "XYZ 2026-12-18 12.345 C", occ: "XYZ   261218C00012345" },
      { symbol: "XYZ", strike: "12.3456", right: "P", key: "XYZ 2026-12-18 12.3456 P", occ: "XYZ   261218P00012345" }
    ] as const)("$symbol $strike $right -> key '$key', OCC '$occ'", ({ symbol, strike, right, key, occ }) => {
      const [k] = ks(strike)
      const c = optionContract(make.underlying(symbol), expiry("2026-12-18"), k!, right)
      assert.strictEqual(contractKey(c), key)
      assert.strictEqual(occSymbol(c), occ)
    })

    it("150 and 150.0 are the same contract", () => {
      const [a, b] = ks("150", "150.000")
      const e = expiry("2026-12-18")
      assert.strictEqual(contractKey(optionContract(AAPL, e, a!, "C")), contractKey(optionContract(AAPL, e, b!, "C")))
    })
  })
})
