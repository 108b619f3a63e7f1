import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Result, Schema } from "effect"
import * as fc from "fast-check"
import * as Order from "../../domain/src/Order.ts"
import type { OrderEvent } from "../../domain/src/OrderEvent.ts"
import {
  CENT,
  credit,
  debit,
  dec,
  divide,
  equals,
  format,
  formatNet,
  fromIbLimit,
  fromSigned,
  isOnTick,
  type NetPrice,
  NetPrice as NetPriceSchema,
  parseDecimal,
  parsePositivePrice,
  parsePrice,
  toIbLimit,
  toSigned,
  ZERO
} from "../../domain/src/Price.ts"
import type { Action } from "../../domain/src/Values.ts"
import { combo, ev, failureOf } from "./fixtures.ts"

/** A decimal from a count of cents, built with bigint arithmetic only. */
const cents = (c: bigint): BigDecimal.BigDecimal => BigDecimal.make(c, 2)

/** Round-half-even of num/den at `scale` decimals, as an integer count of 10^-scale units. Pure bigint. */
const roundHalfEven = (num: bigint, den: bigint): bigint => {
  const sign = num < 0n !== den < 0n ? -1n : 1n
  const [n, d] = [num < 0n ? -num : num, den < 0n ? -den : den]
  const q = n / d
  const r2 = (n % d) * 2n
  const up = r2 > d || (r2 === d && q % 2n === 1n)
  return sign * (up ? q + 1n : q)
}

/** Same side and same amount by value (BigDecimals cache their normal form, so deep equality is too strict). */
const assertSameNet = (actual: NetPrice, expected: NetPrice): void => {
  assert.strictEqual(actual._tag, expected._tag)
  assert.isTrue(equals(actual.amount, expected.amount), `${formatNet(actual)} != ${formatNet(expected)}`)
}

const scaled = (d: BigDecimal.BigDecimal, scale: number): bigint => {
  const n = BigDecimal.normalize(d)
  assert.isAtMost(n.scale, scale)
  return n.value * 10n ** BigInt(scale - n.scale)
}

describe("Price", () => {
  describe("exactness", () => {
    it("2.85 - 3.25 is exactly -0.40", () => {
      const diff = BigDecimal.subtract(dec("2.85"), dec("3.25"))
      assert.isTrue(equals(diff, dec("-0.40")))
      assert.strictEqual(format(diff), "-0.40")
      const n = BigDecimal.normalize(diff)
      assert.strictEqual(n.value, -4n)
      assert.strictEqual(n.scale, 1)
    })

    it("numbers go through their shortest text: 2.85 and 3.25 from floats subtract exactly", () => {
      const diff = BigDecimal.subtract(dec(2.85), dec(3.25))
      assert.strictEqual(format(diff), "-0.40")
      assert.notStrictEqual(2.85 - 3.25, -0.4)
    })

    it("sums and differences of cent prices equal bigint cent arithmetic (property)", () => {
      const price = fc.bigInt({ min: -10_000_000n, max: 10_000_000n })
      fc.assert(
        fc.property(price, price, (a, b) => {
          assert.isTrue(equals(BigDecimal.sum(cents(a), cents(b)), cents(a + b)))
          assert.isTrue(equals(BigDecimal.subtract(cents(a), cents(b)), cents(a - b)))
          assert.strictEqual(format(BigDecimal.subtract(cents(a), cents(b))), format(cents(a - b)))
        }),
        { numRuns: 300 }
      )
    })

    it("the average over 1000 fills at random cent prices equals the exact rational average", () => {
      fc.assert(
        fc.property(
          fc.array(fc.record({ c: fc.bigInt({ min: -99_999n, max: 99_999n }), q: fc.integer({ min: 1, max: 9 }) }), {
            minLength: 1000,
            maxLength: 1000
          }),
          (raw) => {
            // Arrange: one order sized to take exactly every fill.
            const total = raw.reduce((n, f) => n + f.q, 0)
            const fills: Array<OrderEvent> = raw.map((f, i) => ev.fill(`e${i}`, f.q, fromSigned(cents(f.c)), 3_000 + i))
            // Act
            const order = Result.getOrThrow(Order.fold([ev.created(combo(total)), ...fills]))
            const avg = Order.averageFillPrice(order)
            // Assert: sum(q x c) / total, rounded half-even at 10 decimals, by bigint arithmetic.
            const sumCents = raw.reduce((s, f) => s + f.c * BigInt(f.q), 0n)
            const expected = roundHalfEven(sumCents * 10n ** 8n, BigInt(total))
            assert.isDefined(avg)
            assert.strictEqual(scaled(toSigned(avg!), 10), expected)
            assert.isTrue(equals(order.notional, cents(sumCents)))
            assert.strictEqual(order.filled, total)
          }
        ),
        { numRuns: 5 }
      )
    })

    it("an average that terminates is exact with no rounding at all: 1000 single-lot fills", () => {
      const prices = Array.from({ length: 1000 }, (_, i) => BigInt((i * 7919) % 100_000))
      const fills = prices.map((c, i) => ev.fill(`e${i}`, 1, debit(cents(c))))
      const order = Result.getOrThrow(Order.fold([ev.created(combo(1000)), ...fills]))
      const sum = prices.reduce((a, b) => a + b, 0n)
      // sum / 1000 cents = sum / 100000 dollars: at most 5 decimals, so no rounding is allowed.
      assert.isTrue(equals(toSigned(Order.averageFillPrice(order)!), BigDecimal.make(sum, 5)))
    })

    it.each([
      { a: "1", b: "3", expected: "0.3333333333" },
      { a: "2", b: "3", expected: "0.6666666667" },
      { a: "10", b: "4", expected: "2.50" },
      { a: "-1", b: "8", expected: "-0.125" },
      { a: "0.05", b: "2", expected: "0.025" }
    ])("divide($a, $b) = $expected (exact, else half-even at 10 places)", ({ a, b, expected }) => {
      assert.strictEqual(format(divide(dec(a), dec(b))), expected)
    })

    it("divide rounds at the scale it is given", () => {
      assert.strictEqual(format(divide(dec("2.005"), dec("1"), 2)), "2.00")
      assert.strictEqual(format(divide(dec("2.015"), dec("1"), 2)), "2.02")
    })
  })

  describe("format", () => {
    it.each([
      { input: "-0.4", minScale: 2, expected: "-0.40" },
      { input: "0", minScale: 2, expected: "0.00" },
      { input: "-0", minScale: 2, expected: "0.00" },
      { input: "150", minScale: 2, expected: "150.00" },
      { input: "150", minScale: 0, expected: "150" },
      { input: "1500", minScale: 0, expected: "1500" },
      { input: "2.85", minScale: 2, expected: "2.85" },
      { input: "2.8500", minScale: 2, expected: "2.85" },
      { input: "0.05", minScale: 2, expected: "0.05" },
      { input: "-0.05", minScale: 2, expected: "-0.05" },
      { input: "-0.001", minScale: 2, expected: "-0.001" },
      { input: "1234.5678", minScale: 2, expected: "1234.5678" },
      { input: "412.5", minScale: 3, expected: "412.500" },
      { input: "0.0001", minScale: 0, expected: "0.0001" }
    ])("format($input, $minScale) = $expected", ({ input, minScale, expected }) => {
      assert.strictEqual(format(dec(input), minScale), expected)
    })

    it("format then parse gives the same value (property)", () => {
      fc.assert(
        fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.integer({ min: -3, max: 6 }), (v, s) => {
          const d = BigDecimal.make(v, s)
          assert.isTrue(equals(dec(format(d)), d))
        }),
        { numRuns: 300 }
      )
    })

    it.each([
      { net: debit("2.85"), expected: "2.85 debit" },
      { net: credit("0.4"), expected: "0.40 credit" },
      { net: debit(0), expected: "0.00 debit" }
    ])("formatNet -> $expected", ({ net, expected }) => {
      assert.strictEqual(formatNet(net), expected)
    })
  })

  describe("parsing prices gives messages that name the field", () => {
    it.each([
      { input: "-1", parse: parsePrice, message: "limitPrice: must not be negative, got -1.00" },
      { input: -0.05, parse: parsePrice, message: "limitPrice: must not be negative, got -0.05" },
      { input: "1.23456", parse: parsePrice, message: "limitPrice: has more than 4 decimal places: 1.23456" },
      {
        input: 0.1 + 0.2,
        parse: parsePrice,
        message: "limitPrice: has more than 4 decimal places: 0.30000000000000004"
      },
      { input: "abc", parse: parsePrice, message: 'limitPrice: expected a decimal number like 2.85, got "abc"' },
      { input: "", parse: parsePrice, message: 'limitPrice: expected a decimal number like 2.85, got ""' },
      { input: "1e5", parse: parsePrice, message: 'limitPrice: expected a decimal number like 2.85, got "1e5"' },
      { input: "2,85", parse: parsePrice, message: 'limitPrice: expected a decimal number like 2.85, got "2,85"' },
      { input: undefined, parse: parsePrice, message: "limitPrice: expected a decimal number like 2.85, got nothing" },
      { input: null, parse: parsePrice, message: "limitPrice: expected a decimal number like 2.85, got null" },
      { input: Number.NaN, parse: parsePrice, message: "limitPrice: expected a decimal number like 2.85, got NaN" },
      { input: Infinity, parse: parsePrice, message: "limitPrice: expected a decimal number like 2.85, got Infinity" },
      { input: "0", parse: parsePositivePrice, message: "limitPrice: must be above zero, got 0.00" },
      { input: "-3", parse: parsePositivePrice, message: "limitPrice: must not be negative, got -3.00" }
    ])("$input -> $message", ({ input, parse, message }) => {
      const error = failureOf(parse(input, "limitPrice"))
      assert.strictEqual(error.field, "limitPrice")
      assert.strictEqual(error.message, message)
    })

    it.each([
      { input: "2.85", expected: "2.85" },
      { input: 2.85, expected: "2.85" },
      { input: "2.8500", expected: "2.85" },
      { input: " 2.5 ", expected: "2.50" },
      { input: ".5", expected: "0.50" },
      { input: "0", expected: "0.00" },
      { input: "1.2345", expected: "1.2345" },
      { input: "1.23450", expected: "1.2345" },
      { input: dec("3.10"), expected: "3.10" }
    ])("parsePrice($input) = $expected", ({ input, expected }) => {
      const r = parsePrice(input, "price")
      assert.isTrue(Result.isSuccess(r))
      assert.strictEqual(format(Result.getOrThrow(r)), expected)
    })

    it("parseDecimal accepts negatives (prices refuse them)", () => {
      assert.strictEqual(format(Result.getOrThrow(parseDecimal("-2.5", "x"))), "-2.50")
    })

    it("dec throws on bad literals", () => {
      assert.throws(() => dec("two"), /decimal: expected a decimal number like 2.85, got "two"/)
    })
  })

  describe("tick grid", () => {
    it.each([
      { price: "2.85", tick: "0.01", on: true },
      { price: "2.855", tick: "0.01", on: false },
      { price: "2.05", tick: "0.05", on: true },
      { price: "2.03", tick: "0.05", on: false },
      { price: "150", tick: "0.05", on: true },
      { price: "-0.05", tick: "0.05", on: true },
      { price: "0", tick: "0.01", on: true },
      { price: "0.0001", tick: "0", on: true }
    ])("isOnTick($price, $tick) = $on", ({ price, tick, on }) => {
      assert.strictEqual(isOnTick(dec(price), dec(tick)), on)
    })

    it("CENT is 0.01 and ZERO is 0", () => {
      assert.strictEqual(format(CENT), "0.01")
      assert.isTrue(BigDecimal.isZero(ZERO))
    })
  })

  describe("NetPrice and IB's signed BAG limit", () => {
    const table: ReadonlyArray<{ action: Action; net: NetPrice; ib: string; meaning: string }> = [
      { action: "BUY", net: debit("2.85"), ib: "2.85", meaning: "a BUY at +p pays p" },
      { action: "BUY", net: credit("0.40"), ib: "-0.40", meaning: "a BUY at -p receives p" },
      { action: "SELL", net: credit("0.40"), ib: "0.40", meaning: "a SELL at +p receives p" },
      { action: "SELL", net: debit("2.85"), ib: "-2.85", meaning: "a SELL at -p pays p" },
      { action: "BUY", net: debit("0"), ib: "0.00", meaning: "an even BUY" },
      { action: "SELL", net: debit("0"), ib: "0.00", meaning: "an even SELL" }
    ]
    it.each(table)("$action $net._tag -> $ib ($meaning)", ({ action, net, ib }) => {
      assert.strictEqual(format(toIbLimit(action, net)), ib)
    })
    it.each(table)("$action $ib -> back to the same net price", ({ action, net, ib }) => {
      assertSameNet(fromIbLimit(action, dec(ib)), net)
    })

    it("round trip: fromIbLimit(a, toIbLimit(a, p)) = p and toIbLimit(a, fromIbLimit(a, s)) = s (property)", () => {
      const action = fc.constantFrom<Action>("BUY", "SELL")
      const amount = fc.bigInt({ min: 1n, max: 10n ** 8n }).map(cents)
      const net = fc.oneof(amount.map(debit), amount.map(credit), fc.constant(debit(0)))
      fc.assert(
        fc.property(action, net, (a, p) => {
          assertSameNet(fromIbLimit(a, toIbLimit(a, p)), p)
        }),
        { numRuns: 300 }
      )
      fc.assert(
        fc.property(action, fc.bigInt({ min: -(10n ** 8n), max: 10n ** 8n }).map(cents), (a, s) => {
          assert.isTrue(equals(toIbLimit(a, fromIbLimit(a, s)), s))
        }),
        { numRuns: 300 }
      )
    })

    it("the same IB price means opposite things for BUY and SELL", () => {
      assert.strictEqual(formatNet(fromIbLimit("BUY", dec("1.25"))), "1.25 debit")
      assert.strictEqual(formatNet(fromIbLimit("SELL", dec("1.25"))), "1.25 credit")
      assert.strictEqual(formatNet(fromIbLimit("BUY", dec("-1.25"))), "1.25 credit")
      assert.strictEqual(formatNet(fromIbLimit("SELL", dec("-1.25"))), "1.25 debit")
    })

    it.each([
      { net: debit("2.85"), signed: "2.85" },
      { net: credit("0.40"), signed: "-0.40" },
      { net: debit("0"), signed: "0.00" }
    ])("toSigned($net._tag) = $signed and fromSigned inverts it", ({ net, signed }) => {
      assert.strictEqual(format(toSigned(net)), signed)
      assertSameNet(fromSigned(dec(signed)), net)
    })

    it("a net amount is never negative: debit(-1) and credit(-1) are refused with a hint", () => {
      assert.throws(() => debit("-1"), /a debit must not be negative, got -1\.00; use a credit of 1\.00/)
      assert.throws(() => credit(-0.4), /a credit must not be negative, got -0\.40; use a debit of 0\.40/)
    })

    it("the NetPrice schema refuses a negative amount from stored or wire copies", () => {
      const decode = Schema.decodeUnknownResult(NetPriceSchema)
      const bad = decode({ _tag: "Credit", amount: dec("-1") })
      assert.isTrue(Result.isFailure(bad))
      assert.include(failureOf(bad).message, "expected an amount of zero or more, got -1.00")
      assertSameNet(Result.getOrThrow(decode({ _tag: "Debit", amount: dec("1") })), debit("1"))
    })
  })
})
