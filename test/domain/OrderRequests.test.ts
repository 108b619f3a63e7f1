/** The order fold under the trader's requests and the broker's answers: cancel, modify, refusals, lost contact. */
import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import * as Order from "../../domain/src/Order.ts"
import type { OrderEvent } from "../../domain/src/OrderEvent.ts"
import { isTerminal, OrderStatus } from "../../domain/src/OrderStatus.ts"
import { debit, formatNet } from "../../domain/src/Price.ts"
import { applyTo, combo, ev, failureOf, foldAll } from "./fixtures.ts"

describe("Order requests", () => {
  describe("cancelling", () => {
    it("cancel requested, then Cancelled", () => {
      const pending = foldAll(ev.ack(), ev.cancel())
      assert.strictEqual(pending.status, "PendingCancel")
      const done = foldAll(ev.ack(), ev.cancel(), ev.cancelled(false, "Order Canceled - reason:", 5_000))
      assert.strictEqual(done.status, "Cancelled")
      assert.strictEqual(done.cancelReason, "Order Canceled - reason:")
      assert.strictEqual(done.doneAt, 5_000)
      assert.isFalse(Order.isPartiallyFilledThenCancelled(done))
    })

    it("PendingCancel stays live: fills keep counting and a full fill ends it as Filled", () => {
      const partial = foldAll(ev.ack(), ev.cancel(), ev.fill("a", 4))
      assert.strictEqual(partial.status, "PendingCancel")
      assert.strictEqual(partial.filled, 4)
      const full = foldAll(ev.ack(), ev.cancel(), ev.fill("a", 4), ev.fill("b", 6))
      assert.strictEqual(full.status, "Filled")
      assert.strictEqual(full.filled, 10)
      // The cancel confirmation that loses the race is absorbed.
      const late = foldAll(ev.ack(), ev.cancel(), ev.fill("a", 4), ev.fill("b", 6), ev.cancelled())
      assert.strictEqual(late.status, "Filled")
      assert.isUndefined(late.cancelReason)
    })

    it("partially filled, then cancelled", () => {
      const o = foldAll(ev.ack(), ev.fill("a", 4), ev.cancel(), ev.cancelled())
      assert.strictEqual(o.status, "Cancelled")
      assert.strictEqual(o.filled, 4)
      assert.strictEqual(Order.remaining(o), 6)
      assert.isTrue(Order.isPartiallyFilledThenCancelled(o))
    })

    it.each([
      {
        name: "before the ack, api -> ApiCancelled",
        events: [ev.cancel(), ev.cancelled(true)],
        status: "ApiCancelled"
      },
      {
        name: "after the ack, api -> Cancelled",
        events: [ev.ack(), ev.cancel(), ev.cancelled(true)],
        status: "Cancelled"
      },
      { name: "by IB, unasked", events: [ev.ack(), ev.cancelled(false)], status: "Cancelled" }
    ])("cancelled $name", ({ events, status }) => {
      assert.strictEqual(foldAll(...events).status, status)
    })

    it.each([
      {
        name: "with no fills meanwhile: back to Submitted",
        events: [ev.ack(), ev.cancel(), ev.cancelRejected()],
        status: "Submitted",
        filled: 0
      },
      {
        name: "with fills meanwhile: PartiallyFilled",
        events: [ev.ack(), ev.cancel(), ev.fill("a", 2), ev.cancelRejected()],
        status: "PartiallyFilled",
        filled: 2
      },
      {
        name: "from PreSubmitted: back to PreSubmitted",
        events: [ev.ack("PreSubmitted"), ev.cancel(), ev.cancelRejected()],
        status: "PreSubmitted",
        filled: 0
      },
      {
        name: "before the ack: back to PendingSubmit",
        events: [ev.cancel(), ev.cancelRejected(10147)],
        status: "PendingSubmit",
        filled: 0
      }
    ])("a rejected cancel resumes $name", ({ events, status, filled }) => {
      const o = foldAll(...events)
      assert.strictEqual(o.status, status)
      assert.strictEqual(o.filled, filled)
      assert.strictEqual(o.lastRefusal?.of, "cancel")
      assert.include([10147, 10148], o.lastRefusal?.code)
    })

    it("a stale cancel rejection on a working order changes nothing and records nothing", () => {
      const o = foldAll(ev.ack(), ev.cancelRejected())
      assert.strictEqual(o.status, "Submitted")
      assert.isUndefined(o.lastRefusal)
    })

    it("refuses a cancel request on a filled order with a readable IllegalTransition", () => {
      const filled = foldAll(ev.fill("a", 10))
      const error = failureOf(applyTo(filled, ev.cancel()))
      assert.strictEqual(error._tag, "IllegalTransition")
      assert.strictEqual(error.message, "an order that is Filled cannot take a cancel request")
    })

    it("a refusal of the order itself can beat the cancel", () => {
      const o = foldAll(ev.cancel(), ev.rejected(201, "Order rejected - reason:no margin"))
      assert.strictEqual(o.status, "Rejected")
      assert.strictEqual(o.rejection?.code, 201)
    })
  })

  describe("modifying", () => {
    it("ModifyRequested -> PendingReplace -> Modified applies the new quantity and price", () => {
      const pending = foldAll(ev.ack(), ev.modify({ quantity: 5, limitPrice: debit("2.10") }))
      assert.strictEqual(pending.status, "PendingReplace")
      assert.strictEqual(pending.quantity, 10, "the old terms stay live until confirmed")
      assert.strictEqual(pending.pendingModify?.quantity, 5)
      const done = foldAll(ev.ack(), ev.modify({ quantity: 5, limitPrice: debit("2.10") }), ev.modified())
      assert.strictEqual(done.status, "Submitted")
      assert.strictEqual(done.quantity, 5)
      assert.strictEqual(Order.remaining(done), 5)
      assert.strictEqual(formatNet(done.limitPrice!), "2.10 debit")
      assert.isUndefined(done.pendingModify)
    })

    it("the terms in the Modified event win over the requested ones", () => {
      const o = foldAll(ev.ack(), ev.modify({ quantity: 5 }), ev.modified({ quantity: 6, limitPrice: debit("2.05") }))
      assert.strictEqual(o.quantity, 6)
      assert.strictEqual(formatNet(o.limitPrice!), "2.05 debit")
    })

    it("a partially filled order modified resumes PartiallyFilled", () => {
      const o = foldAll(ev.ack(), ev.fill("a", 2), ev.modify({ quantity: 5 }), ev.modified())
      assert.strictEqual(o.status, "PartiallyFilled")
      assert.strictEqual(o.quantity, 5)
      assert.strictEqual(Order.remaining(o), 3)
    })

    it("cutting the quantity down to what is filled completes the order", () => {
      const o = foldAll(ev.ack(), ev.fill("a", 4), ev.modify({ quantity: 4 }), ev.modified(undefined, 4_700))
      assert.strictEqual(o.status, "Filled")
      assert.strictEqual(o.filledAt, 4_700)
      assert.strictEqual(o.doneAt, 4_700)
    })

    it("ModifyRejected restores the old terms and records the refusal", () => {
      const o = foldAll(
        ev.ack(),
        ev.modify({ quantity: 5, limitPrice: debit("2.10") }),
        ev.modifyRejected(105, "no match")
      )
      assert.strictEqual(o.status, "Submitted")
      assert.strictEqual(o.quantity, 10)
      assert.strictEqual(formatNet(o.limitPrice!), "2.00 debit")
      assert.isUndefined(o.pendingModify)
      assert.deepStrictEqual(o.lastRefusal, { code: 105, reason: "no match", at: 4_500, of: "modify" })
    })

    it("refuses to reduce the quantity below what is filled, and leaves the order as it was", () => {
      const before = foldAll(ev.ack(), ev.fill("a", 5))
      const error = failureOf(applyTo(before, ev.modify({ quantity: 3 })))
      assert.strictEqual(error._tag, "ValidationError")
      assert.strictEqual(error.message, "quantity: cannot reduce to 3: 5 already filled")
      assert.strictEqual(before.status, "PartiallyFilled")
      assert.isUndefined(before.pendingModify)
    })

    it("a Modified below the fills that came meanwhile is refused, the order stays PendingReplace", () => {
      const before = foldAll(ev.ack(), ev.modify({ quantity: 3 }), ev.fill("a", 5))
      const error = failureOf(applyTo(before, ev.modified()))
      assert.strictEqual(error.message, "quantity: modified quantity 3 is below the 5 already filled")
      assert.strictEqual(before.status, "PendingReplace")
    })

    it.each([
      {
        name: "a MARKET order's price",
        order: combo(10, { orderType: "MARKET", limitPrice: undefined }),
        before: [ev.ack()],
        event: ev.modify({ limitPrice: debit("2.00") }),
        message: "limitPrice: a MARKET order has no price to modify"
      },
      {
        name: "an unacknowledged order",
        order: combo(10),
        before: [],
        event: ev.modify({ quantity: 5 }),
        message: "an order that is PendingSubmit cannot take a modify request"
      },
      {
        name: "an order already being modified",
        order: combo(10),
        before: [ev.ack(), ev.modify({ quantity: 5 })],
        event: ev.modify({ quantity: 6 }),
        message: "an order that is PendingReplace cannot take a modify request"
      },
      {
        name: "an order being cancelled",
        order: combo(10),
        before: [ev.ack(), ev.cancel()],
        event: ev.modify({ quantity: 6 }),
        message: "an order that is PendingCancel cannot take a modify request"
      }
    ])("refuses to modify $name", ({ order, before, event, message }) => {
      const o = Result.getOrThrow(Order.fold([ev.created(order), ...before]))
      assert.strictEqual(failureOf(applyTo(o, event)).message, message)
    })

    it("a modify confirmed while a cancel is in flight still applies its terms", () => {
      const o = foldAll(ev.ack(), ev.modify({ quantity: 5 }), ev.cancel(), ev.modified())
      assert.strictEqual(o.status, "PendingCancel")
      assert.strictEqual(o.quantity, 5)
      // ...so the order completes at the new quantity.
      const full = foldAll(ev.ack(), ev.modify({ quantity: 5 }), ev.cancel(), ev.modified(), ev.fill("a", 5))
      assert.strictEqual(full.status, "Filled")
    })

    it("a modify confirmed after the cancel was rejected still applies its terms", () => {
      const o = foldAll(ev.ack(), ev.modify({ quantity: 5 }), ev.cancel(), ev.cancelRejected(), ev.modified())
      assert.strictEqual(o.status, "Submitted")
      assert.strictEqual(o.quantity, 5)
      assert.isUndefined(o.pendingModify)
    })

    it("a modify refused while a cancel is in flight is forgotten: a later stale Modified changes nothing", () => {
      const refused = foldAll(ev.ack(), ev.modify({ quantity: 5 }), ev.cancel(), ev.modifyRejected(105, "no match"))
      assert.strictEqual(refused.status, "PendingCancel")
      assert.isUndefined(refused.pendingModify)
      assert.strictEqual(refused.lastRefusal?.of, "modify")
      const stale = foldAll(
        ev.ack(),
        ev.modify({ quantity: 5 }),
        ev.cancel(),
        ev.modifyRejected(),
        ev.cancelRejected(),
        ev.modified()
      )
      assert.strictEqual(stale.status, "Submitted")
      assert.strictEqual(stale.quantity, 10)
    })

    it("a stale Modified with no modify pending changes nothing", () => {
      const o = foldAll(ev.ack(), ev.fill("a", 4), ev.modified({ quantity: 2 }))
      assert.strictEqual(o.quantity, 10)
      assert.strictEqual(o.status, "PartiallyFilled")
    })
  })

  describe("refusals, warnings and lost contact", () => {
    it.each([
      {
        name: "Rejected",
        event: ev.rejected(201, "Order rejected - reason:Market is closed"),
        status: "Rejected",
        code: 201
      },
      {
        name: "Inactive",
        event: ev.inactive(10015, "Trading is not allowed in the API."),
        status: "Inactive",
        code: 10015
      }
    ])("$name records the code and the reason", ({ event, status, code }) => {
      const o = foldAll(ev.ack(), event)
      assert.strictEqual(o.status, status)
      assert.strictEqual(o.rejection?.code, code)
      assert.strictEqual(
        o.rejection?.reason,
        event._tag === "Rejected" || event._tag === "Inactive" ? event.reason : ""
      )
      assert.strictEqual(o.doneAt, 2_500)
    })

    it("Warning changes no state and is recorded", () => {
      const o = foldAll(ev.ack("PreSubmitted"), ev.warning(399, "Order Message: Warning: held"))
      assert.strictEqual(o.status, "PreSubmitted")
      assert.deepStrictEqual(o.warnings, [{ code: 399, reason: "Order Message: Warning: held", at: 2_200 }])
    })

    it("ContactLost -> Unknown -> Reconciled", () => {
      const lost = foldAll(ev.ack(), ev.contactLost())
      assert.strictEqual(lost.status, "Unknown")
      assert.isTrue(Order.remaining(lost) === 10)
      assert.strictEqual(foldAll(ev.ack(), ev.contactLost(), ev.reconciled("Submitted")).status, "Submitted")
      const cancelled = foldAll(ev.ack(), ev.contactLost(), ev.reconciled("Cancelled", 7_000))
      assert.strictEqual(cancelled.status, "Cancelled")
      assert.strictEqual(cancelled.doneAt, 7_000)
    })

    it.each([
      { name: "a Reconciled Submitted", last: ev.reconciled("Submitted") },
      { name: "a Reconciled PreSubmitted", last: ev.reconciled("PreSubmitted") },
      { name: "a Submitted status report", last: ev.ack("Submitted") }
    ])("an order with fills stays PartiallyFilled after $name", ({ last }) => {
      const o = foldAll(ev.ack(), ev.fill("a", 4), ev.contactLost(), last)
      assert.strictEqual(o.status, "PartiallyFilled")
      assert.strictEqual(o.filled, 4)
    })

    it("an Unknown order keeps counting fills", () => {
      const o = foldAll(ev.ack(), ev.fill("a", 4), ev.contactLost(), ev.fill("b", 6))
      assert.strictEqual(o.status, "Filled")
    })

    it.each(OrderStatus.literals.filter(isTerminal))("Reconciled does not reopen a %s order", (terminal) => {
      const path: Record<string, ReadonlyArray<OrderEvent>> = {
        Filled: [ev.fill("a", 10)],
        Cancelled: [ev.ack(), ev.cancelled()],
        ApiCancelled: [ev.cancel(), ev.cancelled(true)],
        Rejected: [ev.rejected()],
        Inactive: [ev.inactive()]
      }
      const o = foldAll(...path[terminal]!, ev.reconciled("Submitted"))
      assert.strictEqual(o.status, terminal)
    })
  })

  describe("terminal states absorb", () => {
    const broker: ReadonlyArray<OrderEvent> = [
      ev.ack("PreSubmitted"),
      ev.ack("Submitted"),
      ev.cancelRejected(),
      ev.cancelled(),
      ev.cancelled(true),
      ev.modified({ quantity: 3 }),
      ev.modifyRejected(),
      ev.rejected(),
      ev.inactive(),
      ev.warning(),
      ev.contactLost(),
      ev.reconciled("Submitted"),
      ev.legFill("L9", 0, "BUY", 1, "1.00"),
      ev.commission("a", "0.50")
    ]
    it.each(broker.map((e) => ({ e, tag: e._tag })))("a Filled order stays Filled on $tag", ({ e }) => {
      const filled = foldAll(ev.fill("a", 10))
      const after = Result.getOrThrow(applyTo(filled, e))
      assert.strictEqual(after.status, "Filled")
      assert.strictEqual(after.filled, 10)
      assert.strictEqual(after.doneAt, filled.doneAt)
    })
  })
})
