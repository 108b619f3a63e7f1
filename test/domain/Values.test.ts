import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import * as fc from "fast-check"
import { invalid, ValidationError } from "../../domain/src/Errors.ts"
import {
  decodeField,
  ExecId,
  getOrThrow,
  make,
  opposite,
  OrderId,
  OrderRef,
  Quantity,
  Underlying
} from "../../domain/src/Values.ts"
import { failureOf } from "./fixtures.ts"

describe("Values", () => {
  describe("decode failures name the field, what was expected and what was got", () => {
    const UNDERLYING_RULE = "expected 1-12 upper-case letters, digits, dots or spaces starting with a letter"
    const QUANTITY_RULE = "expected a positive whole number of contracts (1 to 1000000)"
    const REF_RULE = "expected 1-64 printable characters without spaces"
    const cases: ReadonlyArray<{
      readonly name: string
      readonly decode: (u: unknown) => Result.Result<unknown, ValidationError>
      readonly field: string
      readonly input: unknown
      readonly message: string
    }> = [
      {
        name: "lower-case symbol",
        decode: decodeField(Underlying, "underlying"),
        field: "underlying",
        input: "aapl",
        message: `underlying: ${UNDERLYING_RULE} (like AAPL or BRK B), got "aapl"`
      },
      {
        name: "empty symbol",
        decode: decodeField(Underlying, "underlying"),
        field: "underlying",
        input: "",
        message: `underlying: ${UNDERLYING_RULE} (like AAPL or BRK B), got ""`
      },
      {
        name: "13-letter symbol",
        decode: decodeField(Underlying, "underlying"),
        field: "underlying",
        input: "ABCDEFGHIJKLM",
        message: `underlying: ${UNDERLYING_RULE} (like AAPL or BRK B), got "ABCDEFGHIJKLM"`
      },
      {
        name: "symbol starting with a digit",
        decode: decodeField(Underlying, "underlying"),
        field: "underlying",
        input: "1AB",
        message: `underlying: ${UNDERLYING_RULE} (like AAPL or BRK B), got "1AB"`
      },
      {
        name: "symbol with a trailing space",
        decode: decodeField(Underlying, "underlying"),
        field: "underlying",
        input: "BRK ",
        message: `underlying: ${UNDERLYING_RULE} (like AAPL or BRK B), got "BRK "`
      },
      {
        name: "symbol that is a number",
        decode: decodeField(Underlying, "underlying"),
        field: "underlying",
        input: 42,
        message: "underlying: expected a string, got 42"
      },
      {
        name: "missing symbol",
        decode: decodeField(Underlying, "underlying"),
        field: "underlying",
        input: undefined,
        message: "underlying: expected a string, got nothing"
      },
      {
        name: "quantity 0",
        decode: decodeField(Quantity, "quantity"),
        field: "quantity",
        input: 0,
        message: `quantity: ${QUANTITY_RULE}, got 0`
      },
      {
        name: "quantity -1",
        decode: decodeField(Quantity, "quantity"),
        field: "quantity",
        input: -1,
        message: `quantity: ${QUANTITY_RULE}, got -1`
      },
      {
        name: "quantity 1.5",
        decode: decodeField(Quantity, "quantity"),
        field: "quantity",
        input: 1.5,
        message: `quantity: ${QUANTITY_RULE}, got 1.5`
      },
      {
        name: "quantity above the cap",
        decode: decodeField(Quantity, "quantity"),
        field: "quantity",
        input: 1_000_001,
        message: `quantity: ${QUANTITY_RULE}, got 1000001`
      },
      {
        name: "quantity NaN",
        decode: decodeField(Quantity, "quantity"),
        field: "quantity",
        input: Number.NaN,
        message: `quantity: ${QUANTITY_RULE}, got NaN`
      },
      {
        name: 'quantity "x"',
        decode: decodeField(Quantity, "quantity"),
        field: "quantity",
        input: "x",
        message: 'quantity: expected a number, got "x"'
      },
      {
        name: "missing quantity",
        decode: decodeField(Quantity, "quantity"),
        field: "quantity",
        input: undefined,
        message: "quantity: expected a number, got nothing"
      },
      {
        name: "orderRef with a space",
        decode: decodeField(OrderRef, "orderRef"),
        field: "orderRef",
        input: "my ref",
        message: `orderRef: ${REF_RULE}, got "my ref"`
      },
      {
        name: "empty orderRef",
        decode: decodeField(OrderRef, "orderRef"),
        field: "orderRef",
        input: "",
        message: `orderRef: ${REF_RULE}, got ""`
      },
      {
        name: "orderRef of 65 characters",
        decode: decodeField(OrderRef, "orderRef"),
        field: "orderRef",
        input: "r".repeat(65),
        message: `orderRef: ${REF_RULE}, got "${"r".repeat(65)}"`
      },
      {
        name: "orderRef with a tab",
        decode: decodeField(OrderRef, "orderRef"),
        field: "orderRef",
        input: "a\tb",
        message: `orderRef: ${REF_RULE}, got "a\\tb"`
      },
      {
        name: "orderRef that is a number",
        decode: decodeField(OrderRef, "orderRef"),
        field: "orderRef",
        input: 12,
        message: "orderRef: expected a string, got 12"
      },
      {
        name: "orderId 0",
        decode: decodeField(OrderId, "orderId"),
        field: "orderId",
        input: 0,
        message: "orderId: expected a positive whole order id, got 0"
      },
      {
        name: "orderId 2.5",
        decode: decodeField(OrderId, "orderId"),
        field: "orderId",
        input: 2.5,
        message: "orderId: expected a positive whole order id, got 2.5"
      },
      {
        name: "orderId past 31 bits",
        decode: decodeField(OrderId, "orderId"),
        field: "orderId",
        input: 2 ** 31,
        message: "orderId: expected a positive whole order id, got 2147483648"
      },
      {
        name: "empty execId",
        decode: decodeField(ExecId, "execId"),
        field: "execId",
        input: "",
        message: "execId: expected a non-empty execution id"
      }
    ]
    it.each(cases)("$name", ({ decode, field, input, message }) => {
      const error = failureOf(decode(input))
      assert.strictEqual(error._tag, "ValidationError")
      assert.strictEqual(error.field, field)
      assert.strictEqual(error.message, message)
    })

    it("cuts a long bad value to 80 characters so the message stays readable", () => {
      const message = failureOf(decodeField(OrderRef, "orderRef")("x ".repeat(200))).message
      assert.isTrue(message.endsWith(`got ${JSON.stringify("x ".repeat(40))}`))
      assert.isBelow(message.length, 150)
    })
  })

  describe("valid values decode to themselves", () => {
    const cases: ReadonlyArray<{
      readonly name: string
      readonly ok: Result.Result<unknown, ValidationError>
      readonly value: unknown
    }> = [
      { name: "AAPL", ok: decodeField(Underlying, "underlying")("AAPL"), value: "AAPL" },
      { name: "BRK B (a space inside)", ok: decodeField(Underlying, "underlying")("BRK B"), value: "BRK B" },
      { name: "BF.B (a dot)", ok: decodeField(Underlying, "underlying")("BF.B"), value: "BF.B" },
      { name: "12-character symbol", ok: decodeField(Underlying, "underlying")("ABCDEFGHIJKL"), value: "ABCDEFGHIJKL" },
      { name: "quantity 1", ok: decodeField(Quantity, "quantity")(1), value: 1 },
      { name: "quantity 1000000", ok: decodeField(Quantity, "quantity")(1_000_000), value: 1_000_000 },
      {
        name: "orderRef of 64 characters",
        ok: decodeField(OrderRef, "orderRef")("r".repeat(64)),
        value: "r".repeat(64)
      },
      {
        name: "orderRef with punctuation",
        ok: decodeField(OrderRef, "orderRef")("spread:2026-12-18#1"),
        value: "spread:2026-12-18#1"
      },
      { name: "orderId 1", ok: decodeField(OrderId, "orderId")(1), value: 1 },
      {
        name: "orderId 2^31 - 1 (the largest 31-bit id)",
        ok: decodeField(OrderId, "orderId")(2_147_483_647),
        value: 2_147_483_647
      },
      { name: "execId", ok: decodeField(ExecId, "execId")("0000e0d5.6553a3b2.01.01"), value: "0000e0d5.6553a3b2.01.01" }
    ]
    it.each(cases)("$name", ({ ok, value }) => {
      assert.isTrue(Result.isSuccess(ok))
      assert.strictEqual(getOrThrow(ok), value)
    })
  })

  it("quantity accepts exactly the whole numbers 1..1000000 (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -5, max: 1_000_005 }), fc.double({ noNaN: true })), (n) => {
        const ok = Result.isSuccess(decodeField(Quantity, "quantity")(n))
        assert.strictEqual(ok, Number.isInteger(n) && n >= 1 && n <= 1_000_000)
      }),
      { numRuns: 300 }
    )
  })

  it("make.* throws the ValidationError with the readable message", () => {
    const thrown = (() => {
      try {
        make.quantity(0)
      } catch (e) {
        return e
      }
      return undefined
    })()
    assert.instanceOf(thrown, ValidationError)
    assert.strictEqual((thrown as ValidationError).field, "quantity")
    assert.match((thrown as ValidationError).message, /^quantity: expected a positive whole number/)
  })

  it.each([
    { name: "underlying", run: () => make.underlying("msft"), field: "underlying" },
    { name: "orderId", run: () => make.orderId(-3), field: "orderId" },
    { name: "orderRef", run: () => make.orderRef(""), field: "orderRef" },
    { name: "execId", run: () => make.execId(""), field: "execId" }
  ])("make.$name refuses bad input with its field", ({ run, field }) => {
    assert.throws(run, new RegExp(`^${field}: `))
  })

  it("invalid() prefixes the message with the field", () => {
    const e = invalid("strikes", "must go up")
    assert.strictEqual(e._tag, "ValidationError")
    assert.strictEqual(e.field, "strikes")
    assert.strictEqual(e.message, "strikes: must go up")
  })

  it.each([
    { action: "BUY", expected: "SELL" },
    { action: "SELL", expected: "BUY" }
  ] as const)("opposite($action) = $expected", ({ action, expected }) => {
    assert.strictEqual(opposite(action), expected)
    assert.strictEqual(opposite(opposite(action)), action)
  })
})
