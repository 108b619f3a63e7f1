import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import * as Order from "../../domain/src/Order.ts"
import { credit, dec, debit, format, formatNet } from "../../domain/src/Price.ts"
import { applyTo, ev, failureOf, foldAll, foldQty } from "./fixtures.ts"

const avg = (o: Order.Order): string | undefined => {
  const p = Order.averageFillPrice(o)
  return p === undefined ? undefined : formatNet(p)
}

/** The order fold: lifecycle, executions, commissions and replay. Requests and answers are in OrderRequests.test.ts. */
describe("Order", () => {
  describe("the lifecycle", () => {
    it("Created -> Acknowledged -> partially Filled -> Filled", () => {
      // Arrange + Act, one step at a time
      const created = foldAll()
      const acked = foldAll(ev.ack("Submitted", 2_000, 9001))
      const partial = foldAll(ev.ack("Submitted", 2_000, 9001), ev.fill("a", 3, debit("2.00"), 3_000))
      const filled = foldAll(
        ev.ack("Submitted", 2_000, 9001),
        ev.fill("a", 3, debit("2.00"), 3_000),
        ev.fill("b", 7, debit("2.10"), 3_500)
      )
      // Assert
      assert.strictEqual(created.status, "PendingSubmit")
      assert.strictEqual(created.filled, 0)
      assert.strictEqual(Order.remaining(created), 10)
      assert.strictEqual(created.submittedAt, 1_000)
      assert.strictEqual(created.version, 1)
      assert.isUndefined(avg(created))

      assert.strictEqual(acked.status, "Submitted")
      assert.strictEqual(acked.permId, 9001)
      assert.strictEqual(acked.acknowledgedAt, 2_000)

      assert.strictEqual(partial.status, "PartiallyFilled")
      assert.strictEqual(partial.filled, 3)
      assert.strictEqual(Order.remaining(partial), 7)
      assert.strictEqual(partial.firstFillAt, 3_000)
      assert.isUndefined(partial.filledAt)
      assert.strictEqual(avg(partial), "2.00 debit")

      assert.strictEqual(filled.status, "Filled")
      assert.strictEqual(filled.filled, 10)
      assert.strictEqual(Order.remaining(filled), 0)
      assert.strictEqual(filled.firstFillAt, 3_000)
      assert.strictEqual(filled.filledAt, 3_500)
      assert.strictEqual(filled.doneAt, 3_500)
      // (3 x 2.00 + 7 x 2.10) / 10 = 2.07 exactly
      assert.strictEqual(avg(filled), "2.07 debit")
      assert.strictEqual(format(filled.notional), "20.70")
      assert.strictEqual(filled.version, 4)
    })

    it("a PreSubmitted ack then Submitted moves forward; a late PreSubmitted does not move back", () => {
      assert.strictEqual(foldAll(ev.ack("PreSubmitted")).status, "PreSubmitted")
      assert.strictEqual(foldAll(ev.ack("PreSubmitted"), ev.ack("Submitted")).status, "Submitted")
      assert.strictEqual(foldAll(ev.ack("Submitted"), ev.ack("PreSubmitted")).status, "Submitted")
    })

    it("keeps the first acknowledgement time and ignores a zero permId", () => {
      const o = foldAll(ev.ack("PreSubmitted", 2_000, 0), ev.ack("Submitted", 2_100, 55))
      assert.strictEqual(o.acknowledgedAt, 2_000)
      assert.strictEqual(o.permId, 55)
      assert.isUndefined(foldAll(ev.ack("Submitted", 2_000, 0)).permId)
    })

    it("accepts a fill before the ack, and the ack after it does not move the order back", () => {
      const early = foldAll(ev.fill("a", 3))
      assert.strictEqual(early.status, "PartiallyFilled")
      assert.strictEqual(early.filled, 3)
      const acked = foldAll(ev.fill("a", 3), ev.ack("Submitted", 3_100))
      assert.strictEqual(acked.status, "PartiallyFilled")
      assert.strictEqual(acked.acknowledgedAt, 3_100)
    })

    it("a full fill before the ack fills the order; the late ack is absorbed", () => {
      const o = foldAll(ev.fill("a", 10), ev.ack("Submitted", 3_100))
      assert.strictEqual(o.status, "Filled")
      assert.strictEqual(o.filled, 10)
    })

    it("averages credits as credits: 2 x 0.40 credit + 2 x 0.45 credit = 0.425 credit", () => {
      const o = foldQty(4, ev.fill("a", 2, credit("0.40")), ev.fill("b", 2, credit("0.45")))
      assert.strictEqual(avg(o), "0.425 credit")
      assert.strictEqual(format(o.notional), "-1.70")
    })

    it("nets debits against credits exactly: 1 x 0.10 debit + 1 x 0.30 credit = 0.10 credit", () => {
      assert.strictEqual(
        avg(foldQty(2, ev.fill("a", 1, debit("0.10")), ev.fill("b", 1, credit("0.30")))),
        "0.10 credit"
      )
    })
  })

  describe("executions", () => {
    it("ignores a duplicate execId (even with another quantity) but counts the event", () => {
      const once = foldAll(ev.ack(), ev.fill("a", 3))
      const twice = foldAll(ev.ack(), ev.fill("a", 3), ev.fill("a", 3), ev.fill("a", 5, debit("9.99")))
      assert.strictEqual(twice.filled, 3)
      assert.strictEqual(twice.fills.length, 1)
      assert.strictEqual(twice.status, "PartiallyFilled")
      assert.strictEqual(avg(twice), "2.00 debit")
      assert.strictEqual(twice.version, once.version + 2)
    })

    it("refuses an overfill with a typed error and leaves the order as it was", () => {
      // Arrange
      const before = foldAll(ev.ack(), ev.fill("a", 8))
      // Act
      const r = applyTo(before, ev.fill("b", 3))
      // Assert
      const error = failureOf(r)
      assert.strictEqual(error._tag, "Overfill")
      if (error._tag !== "Overfill") return
      assert.strictEqual(error.execId, "b")
      assert.strictEqual(error.quantity, 3)
      assert.strictEqual(error.filled, 8)
      assert.strictEqual(error.orderQuantity, 10)
      assert.strictEqual(error.message, "execution b of 3 would fill 11 of an order for 10")
      assert.strictEqual(before.filled, 8)
      assert.strictEqual(before.fills.length, 1)
    })

    it("fold stops at the overfill; foldLenient skips it and reports it", () => {
      const events = [ev.created(), ev.ack(), ev.fill("a", 8), ev.fill("b", 3), ev.fill("c", 2)]
      assert.strictEqual(failureOf(Order.fold(events))._tag, "Overfill")
      const { order, refused } = Result.getOrThrow(Order.foldLenient(events))
      assert.strictEqual(order.filled, 10)
      assert.strictEqual(order.status, "Filled")
      assert.strictEqual(refused.length, 1)
      assert.strictEqual(refused[0]!.event, events[3])
      assert.strictEqual(refused[0]!.error._tag, "Overfill")
    })

    it("keeps per-leg executions apart: LegFilled never changes filled", () => {
      const o = foldAll(
        ev.ack(),
        ev.legFill("L1", 0, "BUY", 3, "5.25"),
        ev.legFill("L2", 1, "SELL", 3, "3.25"),
        ev.legFill("L1", 0, "BUY", 3, "5.25")
      )
      assert.strictEqual(o.filled, 0)
      assert.strictEqual(o.status, "Submitted")
      assert.strictEqual(o.legFills.length, 2)
      assert.deepStrictEqual(
        o.legFills.map((l) => `${l.legIndex} ${l.action} ${l.quantity} @ ${format(l.price)}`),
        ["0 BUY 3 @ 5.25", "1 SELL 3 @ 3.25"]
      )
      assert.isUndefined(Order.averageFillPrice(o))
    })

    it("a combo fill and its leg fills are both kept", () => {
      const o = foldAll(ev.fill("C1", 3), ev.legFill("L1", 0, "BUY", 3, "5.25"), ev.legFill("L2", 1, "SELL", 3, "3.25"))
      assert.strictEqual(o.filled, 3)
      assert.strictEqual(o.fills.length, 1)
      assert.strictEqual(o.legFills.length, 2)
    })
  })

  describe("commissions", () => {
    it("a CommissionReported attaches once", () => {
      const o = foldAll(ev.fill("a", 3), ev.commission("a", "1.25"), ev.commission("a", "9.99"))
      assert.strictEqual(format(o.fills[0]!.commission!), "1.25")
      assert.strictEqual(format(o.commission), "1.25")
    })

    it("a fill that carries its commission ignores a later report", () => {
      const o = foldAll(ev.fill("a", 3, debit("2.00"), 3_000, dec("0.65")), ev.commission("a", "0.65"))
      assert.strictEqual(format(o.commission), "0.65")
    })

    it("adds up over fills and leg fills", () => {
      const o = foldAll(
        ev.fill("a", 3),
        ev.fill("b", 2),
        ev.legFill("L1", 0, "BUY", 5, "5.25"),
        ev.commission("a", "1.00"),
        ev.commission("b", "0.50"),
        ev.commission("L1", "0.25")
      )
      assert.strictEqual(format(o.commission), "1.75")
      assert.strictEqual(format(o.legFills[0]!.commission!), "0.25")
    })

    it("a report that comes before its execution is kept and attached when the execution arrives", () => {
      const waiting = foldAll(ev.commission("a", "1.10"))
      assert.strictEqual(format(waiting.commission), "0.00")
      const o = foldAll(ev.commission("a", "1.10"), ev.commission("a", "1.10"), ev.fill("a", 3))
      assert.strictEqual(format(o.fills[0]!.commission!), "1.10")
      assert.strictEqual(format(o.commission), "1.10")
      assert.isUndefined(o.unmatchedCommissions)
    })
  })

  describe("replay rules", () => {
    it("an order history must start with Created", () => {
      assert.strictEqual(
        failureOf(Order.fold([])).message,
        "events: an order's history must start with its Created event"
      )
      assert.strictEqual(
        failureOf(Order.fold([ev.ack()])).message,
        "events: an order's history must start with its Created event"
      )
      assert.strictEqual(failureOf(Order.foldLenient([ev.fill("a", 1)]))._tag, "ValidationError")
    })

    it("a second Created is refused", () => {
      const error = failureOf(Order.fold([ev.created(), ev.created()]))
      assert.strictEqual(error._tag, "IllegalTransition")
      assert.strictEqual(error.message, "order 7 already exists")
    })

    it("version counts every applied event, duplicates included", () => {
      const o = foldAll(ev.ack(), ev.fill("a", 1), ev.fill("a", 1), ev.warning())
      assert.strictEqual(o.version, 5)
    })
  })
})
