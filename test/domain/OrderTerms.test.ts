/**
 * The order fold under TermsReconciled: the broker's terms (quantity, limit price) found by reconciliation after an
 * outage or a restart, typically a modify confirmed while its confirmation could not reach us.
 */
import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import * as Order from "../../domain/src/Order.ts"
import { toView } from "../../domain/src/OrderView.ts"
import { formatNet } from "../../domain/src/Price.ts"
import { applyTo, combo, debit, ev, failureOf, foldAll, foldQty } from "./fixtures.ts"

/** The issue #9 history: a 1-lot, raised to 2 just before the link dropped; the execution of 1 is replayed. */
const raisedThenLost = [ev.ack(), ev.modify({ quantity: 2 }), ev.contactLost(), ev.fill("a", 1, debit("2.00"), 6_200)]

describe("Order: the broker's terms found by reconciliation", () => {
  describe("a quantity raise confirmed while the link was down", () => {
    it("without the broker's terms, the fill of the old size completes the order (the gap)", () => {
      const o = foldQty(1, ...raisedThenLost)
      assert.deepStrictEqual([o.status, o.filled, o.quantity], ["Filled", 1, 1])
      assert.deepStrictEqual(o.pendingModify, { quantity: 2 })
    })

    it("reopens the order we counted Filled: PartiallyFilled 1/2, the modify settled, no fill or done time", () => {
      const filled = foldQty(1, ...raisedThenLost)
      const o = Result.getOrThrow(applyTo(filled, ev.terms({ quantity: 2, limitPrice: debit("2.00") })))
      assert.deepStrictEqual(
        [o.status, o.working, o.filled, o.quantity, Order.remaining(o)],
        ["PartiallyFilled", "PartiallyFilled", 1, 2, 1]
      )
      assert.isUndefined(o.pendingModify)
      assert.isUndefined(o.filledAt)
      assert.isUndefined(o.doneAt)
      // The fill stays as it was: its execution, its price, its time.
      assert.deepStrictEqual(o.fills, filled.fills)
      assert.strictEqual(o.firstFillAt, 6_200)
      assert.strictEqual(formatNet(Order.averageFillPrice(o)!), "2.00 debit")
      assert.strictEqual(o.version, filled.version + 1)
      const view = toView(o)
      assert.deepStrictEqual([view.status, view.quantity, view.filled, view.remaining], ["PartiallyFilled", 2, 1, 1])
    })

    it("the reopened order lives on: cancellable, and it fills or cancels as the broker's order does", () => {
      const reopened = foldQty(1, ...raisedThenLost, ev.terms({ quantity: 2 }))
      const more = Result.getOrThrow(applyTo(reopened, ev.fill("b", 1, debit("2.10"), 8_000)))
      assert.deepStrictEqual([more.status, more.filled, more.filledAt, more.doneAt], ["Filled", 2, 8_000, 8_000])
      assert.strictEqual(formatNet(Order.averageFillPrice(more)!), "2.05 debit")
      const cancelled = foldQty(1, ...raisedThenLost, ev.terms({ quantity: 2 }), ev.cancel(8_000), ev.cancelled())
      assert.deepStrictEqual([cancelled.status, cancelled.filled, cancelled.quantity], ["Cancelled", 1, 2])
      assert.isTrue(Order.isPartiallyFilledThenCancelled(cancelled))
    })

    it("the terms before the replayed execution: nothing is completed early and nothing overfills", () => {
      const lost = foldQty(1, ev.ack(), ev.modify({ quantity: 2 }), ev.contactLost())
      // Without the terms, an execution of the new size is an overfill and is lost.
      assert.strictEqual(failureOf(applyTo(lost, ev.fill("a", 2)))._tag, "Overfill")
      const termsFirst = Result.getOrThrow(applyTo(lost, ev.terms({ quantity: 2 })))
      assert.deepStrictEqual(
        [termsFirst.status, termsFirst.quantity, termsFirst.pendingModify],
        ["Unknown", 2, undefined]
      )
      const o = Result.getOrThrow(applyTo(termsFirst, ev.fill("a", 2)))
      assert.deepStrictEqual([o.status, o.filled, o.quantity], ["Filled", 2, 2])
    })

    it("replaying the journal (terms included) rebuilds the same order", () => {
      const events = [ev.created(combo(1)), ...raisedThenLost, ev.terms({ quantity: 2 }), ev.reconciled("Submitted")]
      const once = Result.getOrThrow(Order.fold(events))
      assert.deepStrictEqual(Result.getOrThrow(Order.fold(events)), once)
      assert.deepStrictEqual([once.status, once.filled, once.quantity], ["PartiallyFilled", 1, 2])
    })
  })

  describe("settling a pending modify", () => {
    it("in PendingReplace the terms act as the lost Modified: the order resumes; a late Modified changes nothing", () => {
      const pending = foldAll(ev.ack(), ev.modify({ quantity: 5, limitPrice: debit("2.10") }))
      assert.strictEqual(pending.status, "PendingReplace")
      const o = Result.getOrThrow(applyTo(pending, ev.terms({ quantity: 5, limitPrice: debit("2.10") })))
      assert.deepStrictEqual([o.status, o.quantity, formatNet(o.limitPrice!)], ["Submitted", 5, "2.10 debit"])
      assert.isUndefined(o.pendingModify)
      const late = Result.getOrThrow(applyTo(o, ev.modified({ quantity: 5, limitPrice: debit("2.10") })))
      assert.deepStrictEqual({ ...late, version: o.version }, o)
    })

    it("a price-only modify settles when the broker's price is the requested one", () => {
      const o = foldAll(
        ev.ack(),
        ev.modify({ limitPrice: debit("2.25") }),
        ev.contactLost(),
        ev.terms({ limitPrice: debit("2.25") })
      )
      assert.deepStrictEqual([o.status, o.quantity, formatNet(o.limitPrice!)], ["Unknown", 10, "2.25 debit"])
      assert.isUndefined(o.pendingModify)
    })

    it("terms the pending modify does not match replace ours and leave the modify pending (its answer may come)", () => {
      const o = foldAll(ev.ack(), ev.modify({ quantity: 5 }), ev.terms({ quantity: 7 }))
      assert.deepStrictEqual([o.status, o.quantity, o.pendingModify], ["PendingReplace", 7, { quantity: 5 }])
      const confirmed = Result.getOrThrow(applyTo(o, ev.modified({ quantity: 5 })))
      assert.deepStrictEqual([confirmed.status, confirmed.quantity], ["Submitted", 5])
    })
  })

  describe("edges and refusals", () => {
    it("terms equal to ours with no modify pending change nothing but the version (idempotent)", () => {
      const o = foldAll(ev.ack(), ev.fill("a", 4))
      const again = Result.getOrThrow(applyTo(o, ev.terms({ quantity: 10, limitPrice: debit("2.00") })))
      assert.deepStrictEqual({ ...again, version: o.version }, o)
      assert.strictEqual(again.version, o.version + 1)
    })

    it("an order the broker reported Filled before its executions came stays Filled under larger terms", () => {
      const o = foldQty(1, ev.ack(), ev.modify({ quantity: 2 }), ev.contactLost(), ev.reconciled("Filled"))
      assert.deepStrictEqual([o.status, o.filled], ["Filled", 0])
      const raised = Result.getOrThrow(applyTo(o, ev.terms({ quantity: 2 })))
      assert.deepStrictEqual([raised.status, raised.filled, raised.quantity, raised.doneAt], ["Filled", 0, 2, 7_000])
      const filled = Result.getOrThrow(applyTo(raised, ev.fill("a", 2, debit("2.00"), 7_500)))
      assert.deepStrictEqual([filled.status, filled.filled, filled.filledAt], ["Filled", 2, 7_500])
    })

    it("a Filled order whose terms match stays Filled", () => {
      const o = foldAll(ev.ack(), ev.fill("a", 10), ev.terms({ quantity: 10 }))
      assert.deepStrictEqual([o.status, o.filledAt, o.doneAt], ["Filled", 3_000, 3_000])
    })

    it("a live order cut down to what is filled is complete", () => {
      const o = foldAll(
        ev.ack(),
        ev.fill("a", 4),
        ev.modify({ quantity: 4 }),
        ev.contactLost(),
        ev.terms({ quantity: 4 })
      )
      assert.deepStrictEqual([o.status, o.filled, o.quantity, o.filledAt, o.doneAt], ["Filled", 4, 4, 6_500, 6_500])
    })

    it("a finished order other than Filled takes the terms as a record and stays as it is", () => {
      const o = foldAll(
        ev.ack(),
        ev.fill("a", 4),
        ev.modify({ quantity: 12 }),
        ev.cancelled(),
        ev.terms({ quantity: 12 })
      )
      assert.deepStrictEqual([o.status, o.filled, o.quantity, o.doneAt], ["Cancelled", 4, 12, 5_000])
    })

    it("a finished order keeps its fill time only while its fills make the quantity (found by the properties)", () => {
      // Inactive, then a late fill of the whole quantity, then larger terms: no longer completely filled.
      const raised = foldQty(1, ev.inactive(), ev.fill("a", 1), ev.terms({ quantity: 2 }))
      assert.deepStrictEqual(
        [raised.status, raised.filled, raised.quantity, raised.filledAt],
        ["Inactive", 1, 2, undefined]
      )
      // Cancelled with 4 of 12 filled, then terms cut to the 4: completely filled, from the terms' time.
      const cut = foldQty(12, ev.ack(), ev.fill("a", 4), ev.cancelled(), ev.terms({ quantity: 4 }, 7_000))
      assert.deepStrictEqual([cut.status, cut.filled, cut.quantity, cut.filledAt], ["Cancelled", 4, 4, 7_000])
    })

    it("refuses a quantity below the fills we hold, and leaves the order as it was", () => {
      const o = foldAll(ev.ack(), ev.fill("a", 6))
      const error = failureOf(applyTo(o, ev.terms({ quantity: 5 })))
      assert.strictEqual(error._tag, "ValidationError")
      assert.strictEqual(error.message, "quantity: the broker's quantity 5 is below the 6 we hold filled")
    })

    it("refuses a limit price for a MARKET order", () => {
      const o = Result.getOrThrow(
        Order.fold([ev.created(combo(10, { orderType: "MARKET", limitPrice: undefined })), ev.ack()])
      )
      const error = failureOf(applyTo(o, ev.terms({ limitPrice: debit("2.00") })))
      assert.strictEqual(error.message, "limitPrice: the broker reports a limit price for a MARKET order")
    })
  })
})
