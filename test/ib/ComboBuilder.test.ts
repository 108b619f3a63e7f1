import { assert, describe, it } from "@effect/vitest"
import { Price } from "@spreads/domain"
import { ComboBuilder } from "@spreads/ib"
import { OrderAction, SecType } from "@stoqey/ib"
import { Result } from "effect"
import { bullCall, combo, HIGH_CON_ID, LOW_CON_ID, unqualified } from "./fixtures.ts"

const build = (...args: Parameters<typeof ComboBuilder.build>) => Result.getOrThrow(ComboBuilder.build(...args))

describe("ComboBuilder", () => {
  it.each([
    ["BUY", Price.debit("2.85"), 2.85],
    ["BUY", Price.credit("0.40"), -0.4],
    ["SELL", Price.credit("1.20"), 1.2],
    ["SELL", Price.debit("0.30"), -0.3],
    ["BUY", Price.debit("0"), 0]
  ] as const)("%s at %o is IB's signed limit %d", (action, net, signed) => {
    const { order } = build(combo({ action, limitPrice: net }))
    assert.strictEqual(order.lmtPrice, signed)
    assert.strictEqual<string>(order.orderType, "LMT")
    assert.strictEqual<string | undefined>(order.action, action)
  })

  it("builds the BAG from the qualified legs; the order action carries direction, never the legs", () => {
    const { contract, order } = build(combo({ action: "SELL", limitPrice: Price.credit("1.00") }))
    assert.deepStrictEqual(contract, {
      symbol: "AAPL",
      secType: SecType.BAG,
      currency: "USD",
      exchange: "SMART",
      comboLegs: [
        { conId: LOW_CON_ID, ratio: 1, action: OrderAction.BUY, exchange: "SMART" },
        { conId: HIGH_CON_ID, ratio: 1, action: OrderAction.SELL, exchange: "SMART" }
      ]
    })
    assert.strictEqual<string | undefined>(order.action, "SELL")
  })

  it("always sets transmit, carries orderRef, tif, quantity, and never orderMiscOptions or scale fields", () => {
    const { order } = build(combo({ quantity: 3, tif: "GTC", orderRef: "spr-abc" }))
    assert.strictEqual(order.transmit, true)
    assert.strictEqual(order.orderRef, "spr-abc")
    assert.strictEqual<string | undefined>(order.tif, "GTC")
    assert.strictEqual(order.totalQuantity, 3)
    for (const key of [
      "orderMiscOptions",
      "scalePriceIncrement",
      "scaleInitLevelSize",
      "scaleSubsLevelSize",
      "whatIf"
    ]) {
      assert.isFalse(key in order, `${key} must not be set`)
    }
  })

  it("a MARKET order is MKT with no limit price", () => {
    const { order } = build(combo({ orderType: "MARKET", limitPrice: undefined }))
    assert.strictEqual<string>(order.orderType, "MKT")
    assert.isFalse("lmtPrice" in order)
  })

  it("takes the account from the order, else from the config", () => {
    assert.strictEqual(build(combo({ account: "U1" }), { account: "U2" }).order.account, "U1")
    assert.strictEqual(build(combo(), { account: "U2" }).order.account, "U2")
    assert.isFalse("account" in build(combo()).order)
  })

  it("marks a what-if preview", () => {
    assert.strictEqual(build(combo(), { whatIf: true }).order.whatIf, true)
  })

  describe("NonGuaranteed", () => {
    const mixed = (change: Partial<(typeof bullCall.legs)[number]["contract"]>) => ({
      ...bullCall,
      legs: [bullCall.legs[0]!, { ...bullCall.legs[1]!, contract: { ...bullCall.legs[1]!.contract, ...change } }]
    })

    it("a one-class spread stays guaranteed", () => {
      assert.isFalse(ComboBuilder.needsNonGuaranteed(bullCall))
      assert.isFalse("smartComboRoutingParams" in build(combo()).order)
    })

    it.each([
      ["exchange", { exchange: "CBOE" }],
      ["multiplier", { multiplier: 10 }],
      ["currency", { currency: "CAD" }]
    ] as const)("legs that differ in %s need NonGuaranteed=1", (_what, change) => {
      const spread = mixed(change)
      assert.isTrue(ComboBuilder.needsNonGuaranteed(spread))
      const { order } = build(combo({ spread }))
      assert.deepStrictEqual(order.smartComboRoutingParams, [{ tag: "NonGuaranteed", value: "1" }])
    })

    it("the policy can force it on or off", () => {
      assert.deepStrictEqual(build(combo(), { policy: "always" }).order.smartComboRoutingParams, [
        ComboBuilder.NON_GUARANTEED
      ])
      assert.isFalse(
        "smartComboRoutingParams" in build(combo({ spread: mixed({ exchange: "CBOE" }) }), { policy: "never" }).order
      )
    })
  })

  it("refuses a leg without a conId, naming it", () => {
    const r = ComboBuilder.build(combo({ spread: unqualified }))
    assert.isTrue(Result.isFailure(r))
    if (Result.isFailure(r)) {
      assert.strictEqual(r.failure.reason, "NoSecurityDefinition")
      assert.include(r.failure.message, "leg 1 (AAPL 2026-12-18 150.00 C)")
    }
  })
})
