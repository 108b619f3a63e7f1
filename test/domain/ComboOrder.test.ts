import { assert, describe, it } from "@effect/vitest"
import { Result, Schema } from "effect"
import { actionOf, checkPrice, ComboOrder, type ComboOrderInput, makeComboOrder } from "../../domain/src/ComboOrder.ts"
import { credit, dec, debit, format, formatNet, type NetPrice } from "../../domain/src/Price.ts"
import { getOrThrow } from "../../domain/src/Values.ts"
import { bullCall, failureOf, spread } from "./fixtures.ts"

const base: ComboOrderInput = {
  spread: bullCall,
  action: "BUY",
  quantity: 1,
  orderType: "LIMIT",
  limitPrice: debit("2.00"),
  orderRef: "seed-1"
}

describe("ComboOrder", () => {
  describe("invalid orders say what is wrong", () => {
    it.each([
      {
        name: "LIMIT without a price",
        over: { limitPrice: undefined },
        field: "limitPrice",
        message: "limitPrice: a LIMIT order needs a net price (a debit or a credit)"
      },
      {
        name: "MARKET with a price",
        over: { orderType: "MARKET" },
        field: "limitPrice",
        message: "limitPrice: a MARKET order takes no price; use a LIMIT order to name one"
      },
      {
        name: "quantity 0",
        over: { quantity: 0 },
        field: "quantity",
        message: "quantity: expected a positive whole number of contracts (1 to 1000000), got 0"
      },
      {
        name: "quantity -1",
        over: { quantity: -1 },
        field: "quantity",
        message: "quantity: expected a positive whole number of contracts (1 to 1000000), got -1"
      },
      {
        name: "quantity 1.5",
        over: { quantity: 1.5 },
        field: "quantity",
        message: "quantity: expected a positive whole number of contracts (1 to 1000000), got 1.5"
      },
      {
        name: 'quantity "x"',
        over: { quantity: "x" },
        field: "quantity",
        message: 'quantity: expected a number, got "x"'
      },
      {
        name: "no quantity",
        over: { quantity: undefined },
        field: "quantity",
        message: "quantity: expected a number, got nothing"
      },
      {
        name: "off-tick debit 2.005",
        over: { limitPrice: debit("2.005") },
        field: "limitPrice",
        message: "limitPrice: 2.005 is not a multiple of the minimum increment 0.01"
      },
      {
        name: "off-tick credit 0.403",
        over: { limitPrice: credit("0.403") },
        field: "limitPrice",
        message: "limitPrice: 0.403 is not a multiple of the minimum increment 0.01"
      },
      {
        name: "off a nickel tick",
        over: { limitPrice: debit("2.03"), tick: dec("0.05") },
        field: "limitPrice",
        message: "limitPrice: 2.03 is not a multiple of the minimum increment 0.05"
      },
      {
        name: "a negative credit smuggled in as data",
        over: { limitPrice: { _tag: "Credit", amount: dec("-1") } as NetPrice },
        field: "limitPrice",
        message: "limitPrice: a credit must not be negative, got -1.00; name it as a debit of 1.00"
      },
      {
        name: "orderRef with a space",
        over: { orderRef: "my order" },
        field: "orderRef",
        message: 'orderRef: expected 1-64 printable characters without spaces, got "my order"'
      },
      {
        name: "empty orderRef",
        over: { orderRef: "" },
        field: "orderRef",
        message: 'orderRef: expected 1-64 printable characters without spaces, got ""'
      }
    ] as ReadonlyArray<{ name: string; over: Partial<ComboOrderInput>; field: string; message: string }>)(
      "$name",
      ({ over, field, message }) => {
        const error = failureOf(makeComboOrder({ ...base, ...over }))
        assert.strictEqual(error._tag, "ValidationError")
        assert.strictEqual(error.field, field)
        assert.strictEqual(error.message, message)
      }
    )

    it("checks quantity before the orderRef before the price: the first problem is the one reported", () => {
      const error = failureOf(makeComboOrder({ ...base, quantity: 0, orderRef: "", limitPrice: undefined }))
      assert.strictEqual(error.field, "quantity")
    })
  })

  describe("valid orders", () => {
    it.each([
      { name: "LIMIT debit", over: {}, type: "LIMIT", price: "2.00 debit", tif: "DAY" },
      { name: "LIMIT credit", over: { limitPrice: credit("0.40") }, type: "LIMIT", price: "0.40 credit", tif: "DAY" },
      {
        name: "LIMIT at an even 0.00",
        over: { limitPrice: debit("0") },
        type: "LIMIT",
        price: "0.00 debit",
        tif: "DAY"
      },
      {
        name: "MARKET",
        over: { orderType: "MARKET", limitPrice: undefined },
        type: "MARKET",
        price: undefined,
        tif: "DAY"
      },
      { name: "GTC", over: { tif: "GTC" }, type: "LIMIT", price: "2.00 debit", tif: "GTC" },
      {
        name: "on a nickel tick",
        over: { limitPrice: debit("2.05"), tick: dec("0.05") },
        type: "LIMIT",
        price: "2.05 debit",
        tif: "DAY"
      },
      {
        name: "sub-penny when the tick allows",
        over: { limitPrice: debit("2.005"), tick: dec("0.005") },
        type: "LIMIT",
        price: "2.005 debit",
        tif: "DAY"
      }
    ] as ReadonlyArray<{
      name: string
      over: Partial<ComboOrderInput>
      type: string
      price: string | undefined
      tif: string
    }>)("$name", ({ over, type, price, tif }) => {
      const o = getOrThrow(makeComboOrder({ ...base, ...over }))
      assert.strictEqual(o.orderType, type)
      assert.strictEqual(o.limitPrice === undefined ? undefined : formatNet(o.limitPrice), price)
      assert.strictEqual(o.tif, tif)
      assert.strictEqual(o.quantity, 1)
      assert.strictEqual(o.orderRef, "seed-1")
      assert.strictEqual(o.spread, bullCall)
      if (price === undefined) assert.isFalse("limitPrice" in o)
    })

    it("keeps the account only when given", () => {
      assert.strictEqual(getOrThrow(makeComboOrder({ ...base, account: "DU123456" })).account, "DU123456")
      assert.isFalse("account" in getOrThrow(makeComboOrder(base)))
    })

    it("a SHORT order sells the same spread: only the order's action changes", () => {
      const short = getOrThrow(makeComboOrder({ ...base, action: actionOf("SHORT"), limitPrice: credit("1.90") }))
      assert.strictEqual(short.action, "SELL")
      assert.deepStrictEqual(
        short.spread.legs.map((l) => l.action),
        ["BUY", "SELL"],
        "the legs keep the strategy's actions"
      )
    })

    it.each([
      { direction: "LONG", action: "BUY" },
      { direction: "SHORT", action: "SELL" }
    ] as const)("actionOf($direction) = $action", ({ direction, action }) => {
      assert.strictEqual(actionOf(direction), action)
    })

    it("round-trips through the ComboOrder schema (a journal copy decodes to the same order)", () => {
      const o = getOrThrow(makeComboOrder({ ...base, spread: spread("IRON_CONDOR", ["140", "145", "155", "160"]) }))
      const json = Schema.encodeUnknownSync(Schema.toCodecJson(ComboOrder))(o)
      const back = Result.getOrThrow(
        Schema.decodeUnknownResult(Schema.toCodecJson(ComboOrder))(JSON.parse(JSON.stringify(json)))
      )
      assert.strictEqual(back.orderRef, o.orderRef)
      assert.strictEqual(back.quantity, o.quantity)
      assert.strictEqual(formatNet(back.limitPrice!), "2.00 debit")
      assert.deepStrictEqual(
        back.spread.legs.map((l) => `${l.action} ${format(l.contract.strike)}${l.contract.right}`),
        ["BUY 140.00P", "SELL 145.00P", "SELL 155.00C", "BUY 160.00C"]
      )
    })
  })

  describe("checkPrice, shared by place and modify", () => {
    it.each([
      { type: "LIMIT", price: debit("1.00"), ok: true },
      { type: "LIMIT", price: undefined, ok: false },
      { type: "MARKET", price: undefined, ok: true },
      { type: "MARKET", price: debit("1.00"), ok: false },
      { type: "LIMIT", price: credit("1.001"), ok: false }
    ] as const)("$type with $price -> ok=$ok", ({ type, price, ok }) => {
      assert.strictEqual(checkPrice(type, price) === undefined, ok)
    })
  })
})
