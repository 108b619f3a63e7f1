import { assert, describe, it } from "@effect/vitest"
import { Result, Schema } from "effect"
import * as fc from "fast-check"
import { isoTime, OrderView, priceView, toView } from "../../domain/src/OrderView.ts"
import { credit, dec, debit } from "../../domain/src/Price.ts"
import { withConIds } from "../../domain/src/Strategy.ts"
import { combo, ev, foldAll } from "./fixtures.ts"
import * as Order from "../../domain/src/Order.ts"
import { contractKey } from "../../domain/src/Contract.ts"

describe("OrderView", () => {
  describe("toView", () => {
    it("a fresh order: every field present, prices as text, nulls for what has not happened", () => {
      const v = toView(foldAll())
      assert.deepStrictEqual(v, {
        id: 7,
        orderRef: "seed-1",
        permId: null,
        symbol: "AAPL",
        strategy: "BULL_CALL",
        action: "BUY",
        quantity: 10,
        orderType: "LIMIT",
        limitPrice: { amount: "2.00", side: "debit" },
        tif: "DAY",
        status: "PendingSubmit",
        filled: 0,
        remaining: 10,
        avgFillPrice: null,
        commission: "0.00",
        submittedAt: "1970-01-01T00:00:01.000Z",
        filledAt: null,
        legs: [
          { right: "C", strike: "150.00", expiry: "2026-12-18", action: "BUY", ratio: 1 },
          { right: "C", strike: "155.00", expiry: "2026-12-18", action: "SELL", ratio: 1 }
        ],
        rejection: null,
        warnings: []
      })
    })

    it("a filled order: average, commission, fill time, permId", () => {
      const o = foldAll(
        ev.ack("Submitted", 2_000, 4242),
        ev.fill("a", 4, debit("2.00"), 1_795_600_000_000, dec("1.30")),
        ev.fill("b", 6, debit("2.05"), 1_795_600_060_000, dec("1.95"))
      )
      const v = toView(o)
      assert.strictEqual(v.status, "Filled")
      assert.strictEqual(v.permId, 4242)
      assert.strictEqual(v.filled, 10)
      assert.strictEqual(v.remaining, 0)
      // (4 x 2.00 + 6 x 2.05) / 10 = 2.03
      assert.deepStrictEqual(v.avgFillPrice, { amount: "2.03", side: "debit" })
      assert.strictEqual(v.commission, "3.25")
      assert.strictEqual(v.filledAt, new Date(1_795_600_060_000).toISOString())
    })

    it("a short credit order, modified, rejected with warnings", () => {
      const c = combo(5, { action: "SELL", limitPrice: credit("1.90"), tif: "GTC" })
      const o = Result.getOrThrow(
        Order.fold([
          ev.created(c),
          ev.ack("PreSubmitted"),
          ev.warning(399, "Order Message: Warning: held"),
          ev.modify({ quantity: 3, limitPrice: credit("1.85") }),
          ev.modified(),
          ev.rejected(201, "Order rejected - reason:Market is closed")
        ])
      )
      const v = toView(o)
      assert.strictEqual(v.action, "SELL")
      assert.strictEqual(v.tif, "GTC")
      assert.strictEqual(v.quantity, 3)
      assert.deepStrictEqual(v.limitPrice, { amount: "1.85", side: "credit" })
      assert.strictEqual(v.status, "Rejected")
      assert.deepStrictEqual(v.rejection, { code: 201, reason: "Order rejected - reason:Market is closed" })
      assert.deepStrictEqual(v.warnings, [{ code: 399, message: "Order Message: Warning: held" }])
    })

    it("a MARKET order shows no limit price; qualified legs show their conId", () => {
      const c = combo(1, { orderType: "MARKET", limitPrice: undefined })
      const spread = withConIds(c.spread, new Map([[contractKey(c.spread.legs[1]!.contract), 5001]]))
      const v = toView(Result.getOrThrow(Order.fold([ev.created({ ...c, spread })])))
      assert.isNull(v.limitPrice)
      assert.isFalse("conId" in v.legs[0]!)
      assert.strictEqual(v.legs[1]!.conId, 5001)
    })

    it("is plain JSON data that the OrderView schema accepts", () => {
      const v = toView(foldAll(ev.ack(), ev.fill("a", 3), ev.warning()))
      const roundTripped = JSON.parse(JSON.stringify(v)) as unknown
      assert.deepStrictEqual(roundTripped, v)
      assert.isTrue(Result.isSuccess(Schema.decodeUnknownResult(OrderView)(roundTripped)))
    })

    it.each([
      { net: debit("2.5"), view: { amount: "2.50", side: "debit" } },
      { net: credit("0.4"), view: { amount: "0.40", side: "credit" } },
      { net: debit("1.2345"), view: { amount: "1.2345", side: "debit" } }
    ])("priceView -> $view.amount $view.side", ({ net, view }) => {
      assert.deepStrictEqual(priceView(net), view)
    })
  })

  describe("isoTime", () => {
    it.each([
      { ms: 0, iso: "1970-01-01T00:00:00.000Z" },
      { ms: 1, iso: "1970-01-01T00:00:00.001Z" },
      { ms: 86_399_999, iso: "1970-01-01T23:59:59.999Z" },
      { ms: 1_795_600_000_000, iso: "2026-11-25T09:46:40.000Z" },
      { ms: 951_782_400_000, iso: "2000-02-29T00:00:00.000Z" },
      { ms: 1_709_208_000_123, iso: "2024-02-29T12:00:00.123Z" },
      { ms: 1_709_251_199_999, iso: "2024-02-29T23:59:59.999Z" },
      { ms: 1_709_251_200_000, iso: "2024-03-01T00:00:00.000Z" },
      { ms: 4_107_542_400_000, iso: "2100-03-01T00:00:00.000Z" },
      { ms: -1, iso: "1969-12-31T23:59:59.999Z" }
    ])("isoTime($ms) = $iso", ({ ms, iso }) => {
      assert.strictEqual(isoTime(ms), iso)
      assert.strictEqual(isoTime(ms), new Date(ms).toISOString())
    })

    it("agrees with Date#toISOString from 1970 to 2200 (property)", () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 7_258_118_400_000 }), (ms) => {
          assert.strictEqual(isoTime(ms), new Date(ms).toISOString())
        }),
        { numRuns: 1_000 }
      )
    })
  })
})
