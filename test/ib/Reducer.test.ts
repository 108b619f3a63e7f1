import { assert, describe, it } from "@effect/vitest"
import type { BrokerEvent } from "@spreads/application"
import { Order, type OrderEvent, Price, Values } from "@spreads/domain"
import { Reducer, type IbEvent } from "@spreads/ib"
import { Result } from "effect"
import {
  bagExecution,
  CLIENT_ID,
  combo,
  commission,
  error,
  execution,
  HIGH_CON_ID,
  legContract,
  LOW_CON_ID,
  openOrder,
  orderStatus
} from "./fixtures.ts"

const AT = 1_000

/** A reducer with order 11 placed (a BUY of 2 bull calls at a 2.85 debit), or fresh when `placed` is false. */
const setup = (placed = true) => {
  const r = new Reducer.Reducer(CLIENT_ID)
  if (placed) r.placed(11, combo())
  return r
}

/** Applies events in order; returns every BrokerEvent produced. */
const feed = (r: Reducer.Reducer, ...events: ReadonlyArray<IbEvent.IbEvent>): Array<BrokerEvent> =>
  events.flatMap((e) => [...r.apply(e, AT)])

const tags = (out: ReadonlyArray<BrokerEvent>) => out.map((e) => e.event._tag)

/** The order rebuilt by folding the reducer's events after its Created event (what the OrderBook does). */
const fold = (out: ReadonlyArray<BrokerEvent>, order = combo()) => {
  const created: OrderEvent.OrderEvent = { _tag: "Created", at: 0, orderId: Values.make.orderId(11), order }
  return Result.getOrThrow(Order.foldLenient([created, ...out.filter((e) => e.orderId === 11).map((e) => e.event)]))
    .order
}

describe("Reducer: statuses", () => {
  it("acknowledges PreSubmitted then Submitted once each, with the permId, absorbing duplicates", () => {
    const r = setup()
    const out = feed(
      r,
      openOrder(11, "PreSubmitted"),
      orderStatus(11, "PreSubmitted"),
      orderStatus(11, "PreSubmitted"),
      orderStatus(11, "Submitted"),
      orderStatus(11, "Submitted")
    )
    assert.deepStrictEqual<unknown>(
      out.map((e) => e.event),
      [
        { _tag: "Acknowledged", at: AT, status: "PreSubmitted", permId: 5011 },
        { _tag: "Acknowledged", at: AT, status: "Submitted", permId: 5011 }
      ]
    )
    assert.strictEqual(
      out.every((e) => e.orderId === 11 && e.orderRef === "ref-1" && e.permId === 5011),
      true
    )
  })

  it("never reads orderStatus Filled as a fill: fills come from executions only", () => {
    const r = setup()
    const out = feed(r, openOrder(11, "Submitted"), orderStatus(11, "Filled", 2, 0), openOrder(11, "Filled"))
    assert.deepStrictEqual<unknown>(tags(out), ["Acknowledged"])
    assert.strictEqual(fold(out).filled, 0)
  })

  it.each([
    ["Cancelled", false],
    ["ApiCancelled", true]
  ])("maps an unrequested %s to Cancelled (api %s), once", (status, api) => {
    const r = setup()
    const out = feed(r, orderStatus(11, "Submitted"), orderStatus(11, status), orderStatus(11, status))
    assert.deepStrictEqual<unknown>(out.map((e) => e.event).slice(1), [
      { _tag: "Cancelled", at: AT, reason: "cancelled by IB or the exchange (no reason given)", api }
    ])
  })

  it("a requested cancel: status Cancelled then 202 gives one Cancelled with api true", () => {
    const r = setup()
    feed(r, orderStatus(11, "Submitted"))
    r.cancelling(11)
    const out = feed(
      r,
      orderStatus(11, "PendingCancel"),
      orderStatus(11, "Cancelled"),
      error(11, 202, "Order Canceled - reason:")
    )
    assert.deepStrictEqual<unknown>(
      out.map((e) => e.event),
      [{ _tag: "Cancelled", at: AT, reason: "cancelled on request", api: true }]
    )
  })

  it("202 first carries IB's reason; a reason after the status is kept as a note", () => {
    const first = setup()
    const a = feed(
      first,
      orderStatus(11, "Submitted"),
      error(11, 202, "Order Canceled - reason:expired"),
      orderStatus(11, "Cancelled")
    )
    assert.deepStrictEqual<unknown>(a.map((e) => e.event).slice(1), [
      { _tag: "Cancelled", at: AT, reason: "Order Canceled - reason:expired", api: false }
    ])
    const second = setup()
    const b = feed(
      second,
      orderStatus(11, "Submitted"),
      orderStatus(11, "Cancelled"),
      error(11, 202, "Order Canceled - reason:halted")
    )
    assert.deepStrictEqual<unknown>(tags(b), ["Acknowledged", "Cancelled", "Warning"])
    assert.strictEqual(fold(b).status, "Cancelled")
  })

  it("201 then Inactive is one rejection with IB's code and reason", () => {
    const r = setup()
    const out = feed(
      r,
      error(11, 201, "Order rejected - reason:market closed"),
      openOrder(11, "Inactive"),
      orderStatus(11, "Inactive")
    )
    assert.deepStrictEqual<unknown>(
      out.map((e) => e.event),
      [{ _tag: "Rejected", at: AT, code: 201, reason: "Order rejected - reason:market closed" }]
    )
  })

  it("Inactive alone is Inactive (terminal), with no code", () => {
    const r = setup()
    const out = feed(r, orderStatus(11, "Inactive"))
    assert.deepInclude(out[0]?.event, { _tag: "Inactive", code: 0 })
    assert.strictEqual(fold(out).status, "Inactive")
  })
})

describe("Reducer: errors by order id", () => {
  it.each([201, 203, 321, 110, 312, 313, 314, 10002, 103, 200])("%i on a new order -> Rejected", (code) => {
    const r = setup()
    const out = feed(r, error(11, code, `text ${code}`))
    assert.deepStrictEqual<unknown>(
      out.map((e) => e.event),
      [{ _tag: "Rejected", at: AT, code, reason: `text ${code}` }]
    )
  })

  it.each([104, 105, 110, 201])("%i on a modify -> ModifyRejected (the old terms stay live)", (code) => {
    const r = setup()
    feed(r, openOrder(11, "Submitted"))
    r.modifying(11, combo({ limitPrice: Price.debit("3.00") }))
    const out = feed(r, error(11, code, `text ${code}`))
    assert.deepStrictEqual<unknown>(
      out.map((e) => e.event),
      [{ _tag: "ModifyRejected", at: AT, code, reason: `text ${code}` }]
    )
  })

  it.each([10147, 10148, 161])("%i -> CancelRejected", (code) => {
    const r = setup()
    feed(r, openOrder(11, "Submitted"))
    r.cancelling(11)
    const out = feed(r, error(11, code, `text ${code}`))
    assert.deepStrictEqual<unknown>(
      out.map((e) => e.event),
      [{ _tag: "CancelRejected", at: AT, code, reason: `text ${code}` }]
    )
  })

  it("10148 naming a finished state reports that state after the refusal", () => {
    const r = setup()
    feed(r, openOrder(11, "Submitted"))
    r.cancelling(11)
    const reason = "OrderId 11 that needs to be cancelled can not be cancelled, state: Cancelled."
    const out = feed(r, error(11, 10148, reason))
    assert.deepStrictEqual<unknown>(
      out.map((e) => e.event),
      [
        { _tag: "CancelRejected", at: AT, code: 10148, reason },
        { _tag: "Reconciled", at: AT, status: "Cancelled" }
      ]
    )
  })

  it.each([
    [399, "Order Message: Warning: your order will not be placed at the exchange until 09:30"],
    [2109, "Order Event Warning: Attribute 'Outside Regular Trading Hours' is ignored"],
    [404, "Shares are not available for short sale"]
  ])("%i on a working order -> Warning, state unchanged", (code, message) => {
    const r = setup()
    const out = feed(r, openOrder(11, "Submitted"), error(11, code, message))
    assert.deepStrictEqual<unknown>(out[1]?.event, { _tag: "Warning", at: AT, code, message })
    assert.strictEqual(fold(out).status, "Submitted")
  })

  it("an error for an order never seen does not start tracking it", () => {
    const r = setup(false)
    feed(r, error(99, 10147, "OrderId 99 that needs to be cancelled is not found."))
    assert.deepStrictEqual<unknown>(r.liveOrders(), [])
  })
})

describe("Reducer: executions and commissions", () => {
  it("keeps per-leg and combo fills apart; legIndex matched by conId", () => {
    const r = setup()
    const out = feed(
      r,
      openOrder(11, "Submitted"),
      execution(11, "e-hi", legContract(HIGH_CON_ID), "SLD", 2, 1.4),
      execution(11, "e-lo", legContract(LOW_CON_ID), "BOT", 2, 4.25),
      bagExecution(11, "e-bag", "BOT", 2, 2.85)
    )
    assert.deepStrictEqual<unknown>(
      out.slice(1).map((e) => e.event),
      [
        {
          _tag: "LegFilled",
          at: AT,
          execId: "e-hi",
          legIndex: 1,
          conId: HIGH_CON_ID,
          action: "SELL",
          quantity: 2,
          price: Price.dec("1.4")
        },
        {
          _tag: "LegFilled",
          at: AT,
          execId: "e-lo",
          legIndex: 0,
          conId: LOW_CON_ID,
          action: "BUY",
          quantity: 2,
          price: Price.dec("4.25")
        },
        { _tag: "Filled", at: AT, execId: "e-bag", quantity: 2, price: Price.debit("2.85") }
      ]
    )
    const o = fold(out)
    assert.deepStrictEqual<unknown>([o.status, o.filled, o.legFills.length, o.fills.length], ["Filled", 2, 2, 1])
  })

  it.each([
    ["BUY", 1.25, Price.debit("1.25")],
    ["BUY", -0.4, Price.credit("0.4")],
    ["SELL", 1.2, Price.credit("1.2")],
    ["SELL", -0.3, Price.debit("0.3")]
  ] as const)("a %s combo executed at IB's signed %d is %o", (action, signed, net) => {
    const r = new Reducer.Reducer(CLIENT_ID)
    r.placed(11, combo({ action }))
    const out = feed(r, bagExecution(11, "x", action === "BUY" ? "BOT" : "SLD", 1, signed))
    const e = out[0]?.event
    assert.strictEqual(e?._tag, "Filled")
    if (e?._tag === "Filled") assert.isTrue(e.price._tag === net._tag && Price.equals(e.price.amount, net.amount))
  })

  it("recognises the BAG by conId 28812380 even without secType", () => {
    const r = setup()
    const out = feed(r, execution(11, "x", { conId: 28812380 }, "BOT", 1, 2.8))
    assert.deepStrictEqual<unknown>(tags(out), ["Filled"])
  })

  it("absorbs a repeated execution", () => {
    const r = setup()
    const out = feed(r, bagExecution(11, "x", "BOT", 1, 2.8), bagExecution(11, "x", "BOT", 1, 2.8))
    assert.deepStrictEqual<unknown>(tags(out), ["Filled"])
  })

  it("accepts executions before openOrder; leg fills of an unknown order wait for its legs", () => {
    const r = setup(false)
    const early = feed(
      r,
      execution(11, "e-lo", legContract(LOW_CON_ID), "BOT", 2, 4.25),
      bagExecution(11, "e-bag", "BOT", 2, 2.85)
    )
    assert.deepStrictEqual<unknown>(tags(early), ["Filled"])
    assert.deepInclude(early[0], { orderId: 11, orderRef: "ref-1", permId: 5011 })
    const later = feed(r, openOrder(11, "Filled"))
    assert.deepStrictEqual<unknown>(
      later.map((e) => e.event),
      [
        {
          _tag: "LegFilled",
          at: AT,
          execId: "e-lo",
          legIndex: 0,
          conId: LOW_CON_ID,
          action: "BUY",
          quantity: 2,
          price: Price.dec("4.25")
        }
      ]
    )
  })

  it("holds a commission that beats its execution and attaches it; a later one is reported once", () => {
    const r = setup()
    const out = feed(
      r,
      commission("e-bag", 2.6),
      bagExecution(11, "e-bag", "BOT", 2, 2.85),
      execution(11, "e-lo", legContract(LOW_CON_ID), "BOT", 2, 4.25),
      commission("e-lo", 1.3),
      commission("e-lo", 1.3),
      commission("e-bag", 2.6)
    )
    assert.deepStrictEqual<unknown>(
      out.map((e) => e.event),
      [
        {
          _tag: "Filled",
          at: AT,
          execId: "e-bag",
          quantity: 2,
          price: Price.debit("2.85"),
          commission: Price.dec("2.6")
        },
        {
          _tag: "LegFilled",
          at: AT,
          execId: "e-lo",
          legIndex: 0,
          conId: LOW_CON_ID,
          action: "BUY",
          quantity: 2,
          price: Price.dec("4.25")
        },
        { _tag: "CommissionReported", at: AT, execId: "e-lo", commission: Price.dec("1.3") }
      ]
    )
    assert.strictEqual(Price.format(fold(out).commission), "3.90")
  })

  it("ignores placeholder commissions (unset doubles)", () => {
    const r = setup()
    const out = feed(
      r,
      bagExecution(11, "x", "BOT", 1, 2.8),
      commission("x", undefined),
      commission("x", 1.7976931348623157e308)
    )
    assert.deepStrictEqual<unknown>(tags(out), ["Filled"])
  })

  it("ignores other clients' orders and executions (their ids are another number space)", () => {
    const r = setup()
    const other = 99
    const out = feed(
      r,
      openOrder(11, "Submitted", { clientId: other }),
      orderStatus(11, "Submitted", 0, 2, other),
      execution(11, "x", { conId: 28812380 }, "BOT", 1, 2.8, { clientId: other })
    )
    assert.deepStrictEqual<unknown>(out, [])
  })

  it("leg executions of an order of an earlier session wait for its legs, adopted from the journal", () => {
    const r = setup(false)
    const held = feed(r, execution(11, "e-hi", legContract(HIGH_CON_ID), "SLD", 2, 1.4))
    assert.deepStrictEqual(held, [])
    assert.isTrue(r.needsLegs(11))
    const out = feed(r, { _tag: "Adopt", orderId: 11, order: combo() })
    assert.deepStrictEqual<unknown>(
      out.map((e) => [e.orderId, e.orderRef, e.event._tag]),
      [[11, "ref-1", "LegFilled"]]
    )
    assert.strictEqual((out[0]?.event as { legIndex: number }).legIndex, 1)
    assert.isFalse(r.needsLegs(11))
  })

  it("what-if ids produce nothing", () => {
    const r = setup(false)
    r.whatIf(12)
    assert.deepStrictEqual<unknown>(feed(r, openOrder(12, "PreSubmitted", { whatIf: true }), error(12, 201, "no")), [])
  })
})

describe("Reducer: modify", () => {
  it("confirms a modify when openOrder shows the new terms", () => {
    const r = setup()
    feed(r, openOrder(11, "Submitted"))
    r.modifying(11, combo({ quantity: 3, limitPrice: Price.debit("3.10") }))
    const stale = feed(r, openOrder(11, "Submitted"))
    assert.deepStrictEqual<unknown>(tags(stale), [])
    const out = feed(r, openOrder(11, "Submitted", { totalQuantity: 3, lmtPrice: 3.1 }))
    assert.deepStrictEqual<unknown>(
      out.map((e) => e.event),
      [{ _tag: "Modified", at: AT, quantity: 3, limitPrice: Price.debit("3.1") }]
    )
    assert.strictEqual(r.get(11)?.contract?.conId, 28812380)
  })

  it("the terms it reports for reconciliation stay the live ones until IB shows the new ones", () => {
    const r = setup()
    feed(r, openOrder(11, "Submitted"))
    const before = r.get(11)?.combo
    r.modifying(11, combo({ quantity: 3, limitPrice: Price.debit("3.10") }))
    // Asked, not confirmed: a snapshot must not show the asked price as live (a lost modify would look carried out).
    assert.strictEqual(r.get(11)?.combo, before)
    feed(r, openOrder(11, "Submitted", { totalQuantity: 3, lmtPrice: 3.1 }))
    assert.strictEqual(r.get(11)?.combo?.quantity, 3)
    assert.deepStrictEqual(r.get(11)?.combo?.limitPrice, Price.debit("3.10"))
  })
})

describe("Reducer: contact lost and reconciliation", () => {
  it("ContactLost for live orders only, then Reconciled from the broker's view", () => {
    const r = setup(false)
    r.placed(11, combo({ orderRef: "a" }))
    r.placed(12, combo({ orderRef: "b" }))
    r.placed(13, combo({ orderRef: "c" }))
    r.placed(14, combo({ orderRef: "d", quantity: 1 }))
    feed(
      r,
      orderStatus(11, "Submitted"),
      orderStatus(12, "Submitted"),
      orderStatus(13, "Submitted"),
      orderStatus(14, "Submitted")
    )
    feed(r, orderStatus(14, "Cancelled"))
    r.cancelling(12)
    const lost = feed(r, { _tag: "Disconnected" })
    assert.deepStrictEqual<unknown>(
      lost.map((e) => [e.orderId, e.event._tag]),
      [
        [11, "ContactLost"],
        [12, "ContactLost"],
        [13, "ContactLost"]
      ]
    )
    // While down: order 13 filled (its execution comes with the reconciliation), 12 was cancelled, 11 still works.
    feed(r, bagExecution(13, "f13", "BOT", 2, 2.85))
    const out = feed(r, {
      _tag: "Reconcile",
      view: {
        open: [{ orderId: 11, orderRef: "a", status: "Submitted", filled: 0, remaining: 2 }],
        completed: [],
        completedFromIb: false,
        asOf: r.mark()
      }
    })
    assert.deepStrictEqual<unknown>(
      out.map((e) => [e.orderId, e.event]),
      [
        [11, { _tag: "Reconciled", at: AT, status: "Submitted" }],
        [12, { _tag: "Reconciled", at: AT, status: "Cancelled" }]
      ]
    )
  })

  it("trusts IB's completed orders and leaves an order IB does not know as Unknown", () => {
    const r = setup()
    feed(r, orderStatus(11, "Submitted"))
    r.placed(12, combo({ orderRef: "b" }))
    feed(r, orderStatus(12, "Submitted"), { _tag: "Disconnected" })
    const out = feed(r, {
      _tag: "Reconcile",
      view: {
        open: [],
        completed: [{ orderId: 11, orderRef: "ref-1", status: "Cancelled", filled: 0, remaining: 2 }],
        completedFromIb: true,
        asOf: r.mark()
      }
    })
    assert.deepStrictEqual<unknown>(
      out.map((e) => [e.orderId, e.event._tag === "Reconciled" ? e.event.status : e.event._tag]),
      [
        [11, "Cancelled"],
        [12, "Unknown"]
      ]
    )
  })

  it("a cancel lost with the socket is named for re-sending, and the order reconciles as PendingCancel", () => {
    const r = setup()
    feed(r, orderStatus(11, "Submitted"))
    r.cancelling(11)
    feed(r, { _tag: "Disconnected" })
    const open = [{ orderId: 11, orderRef: "ref-1", status: "Submitted" as const, filled: 0, remaining: 2 }]
    assert.deepStrictEqual(r.lostCancels(open), [11])
    const out = feed(r, { _tag: "Reconcile", view: { open, completed: [], completedFromIb: true, asOf: r.mark() } })
    assert.deepStrictEqual<unknown>(
      out.map((e) => e.event),
      [{ _tag: "Reconciled", at: AT, status: "PendingCancel" }]
    )
    // A cancel IB already holds is not sent twice.
    const held = setup()
    feed(held, orderStatus(11, "Submitted"))
    held.cancelling(11)
    feed(held, { _tag: "Disconnected" })
    assert.deepStrictEqual(held.lostCancels([{ ...open[0]!, status: "PendingCancel" }]), [])
  })

  it("a modify IB never confirmed before the drop is reported as lost; the old terms stay", () => {
    const r = setup()
    feed(r, openOrder(11, "Submitted"))
    r.modifying(11, combo({ limitPrice: Price.debit("3.00") }))
    feed(r, { _tag: "Disconnected" }, openOrder(11, "Submitted"))
    const out = feed(r, {
      _tag: "Reconcile",
      view: {
        open: [{ orderId: 11, orderRef: "ref-1", status: "Submitted", filled: 0, remaining: 2 }],
        completed: [],
        completedFromIb: true,
        asOf: r.mark()
      }
    })
    assert.deepStrictEqual(tags(out), ["Reconciled", "Warning"])
    assert.include((out[1]?.event as { message: string }).message, "send it again")
  })

  it("a whole life replayed through the order fold ends where IB says", () => {
    const r = setup()
    const out = feed(
      r,
      bagExecution(11, "x1", "BOT", 1, 2.8),
      openOrder(11, "Submitted"),
      orderStatus(11, "Submitted", 1, 1),
      orderStatus(11, "Submitted", 1, 1),
      commission("x1", 1.3),
      error(11, 399, "Order Message: Warning: held"),
      bagExecution(11, "x2", "BOT", 1, 2.9),
      orderStatus(11, "Filled", 2, 0)
    )
    const o = fold(out)
    assert.deepStrictEqual<unknown>(
      [o.status, o.filled, o.warnings.length, Price.format(o.commission)],
      ["Filled", 2, 1, "1.30"]
    )
    assert.deepStrictEqual<unknown>(Order.averageFillPrice(o), Price.debit("2.85"))
  })
})

describe("Reducer: orders that never reached IB, and listings that cannot speak for an order", () => {
  it("an order written to a socket the server had already closed ends Rejected, with a reason, after the reconcile", () => {
    for (const completedFromIb of [true, false]) {
      const r = setup(false)
      r.placed(21, combo({ orderRef: "lost" }))
      r.sent(21)
      // The socket was already closed: no acknowledgement ever comes.
      const lost = feed(r, { _tag: "Disconnected" })
      assert.deepStrictEqual(tags(lost), ["ContactLost"])
      const out = feed(r, { _tag: "Reconcile", view: { open: [], completed: [], completedFromIb, asOf: r.mark() } })
      assert.deepStrictEqual(tags(out), ["Rejected"])
      const rejected = out[0]!.event as { readonly code: number; readonly reason: string }
      assert.include(rejected.reason, "never reached IB")
      const o = fold(
        [...lost, ...out].map((e) => ({ ...e, orderId: 11 })),
        combo({ orderRef: "lost" })
      )
      assert.strictEqual(o.status, "Rejected")
      // Final: a later reconciliation says nothing more.
      assert.deepStrictEqual(
        feed(r, { _tag: "Reconcile", view: { open: [], completed: [], completedFromIb, asOf: r.mark() } }),
        []
      )
    }
  })

  it("an order IB acknowledged is never called never-reached; one with executions is not either", () => {
    const r = setup(false)
    r.placed(22, combo({ orderRef: "acked" }))
    r.sent(22)
    feed(r, orderStatus(22, "Submitted"), { _tag: "Disconnected" })
    const out = feed(r, { _tag: "Reconcile", view: { open: [], completed: [], completedFromIb: true, asOf: r.mark() } })
    assert.deepStrictEqual<unknown>(
      out.map((e) => [e.orderId, e.event._tag === "Reconciled" ? e.event.status : e.event._tag]),
      [[22, "Unknown"]]
    )
  })

  it("an order that lost contact and is reported working after the listing was asked for takes that status", () => {
    const r = setup(false)
    r.placed(23, combo({ orderRef: "back" }))
    r.sent(23)
    feed(r, orderStatus(23, "PreSubmitted"), { _tag: "Disconnected" })
    const asOf = r.mark()
    feed(r, orderStatus(23, "Submitted"))
    const out = feed(r, { _tag: "Reconcile", view: { open: [], completed: [], completedFromIb: true, asOf } })
    assert.deepStrictEqual<unknown>(
      out.map((e) => e.event),
      [{ _tag: "Reconciled", at: AT, status: "Submitted" }]
    )
    assert.strictEqual(r.unsettled(), 0)
  })

  it("an order sent after the listing was asked for stays unsettled until a listing that can speak for it", () => {
    const r = setup(false)
    r.placed(24, combo({ orderRef: "late" }))
    feed(r, { _tag: "Disconnected" })
    const asOf = r.mark()
    r.sent(24)
    assert.deepStrictEqual(
      feed(r, { _tag: "Reconcile", view: { open: [], completed: [], completedFromIb: true, asOf } }),
      []
    )
    assert.strictEqual(r.unsettled(), 1)
    const out = feed(r, { _tag: "Reconcile", view: { open: [], completed: [], completedFromIb: true, asOf: r.mark() } })
    assert.deepStrictEqual(tags(out), ["Rejected"])
    assert.strictEqual(r.unsettled(), 0)
  })
})

describe("Reducer: retention", () => {
  /** Places order `id` for 1 and fills it with one BAG execution at time `at`. */
  const fillOne = (r: Reducer.Reducer, id: number, at: number) => {
    r.placed(id, combo({ quantity: 1, orderRef: `ref-${id}` }))
    return [
      ...r.apply(orderStatus(id, "Submitted"), at),
      ...r.apply(bagExecution(id, `exec-${id}`, "BOT", 1, 2.85), at)
    ]
  }

  it("forgets finished orders past the retention and the grace period: a long session's memory stays flat", () => {
    const r = new Reducer.Reducer(CLIENT_ID, { finished: 1_000, graceMs: 60_000 })
    // 30,000 orders, one a second, each filled at once; one order stays working throughout.
    r.placed(7, combo({ quantity: 1, orderRef: "ref-live" }))
    r.apply(orderStatus(7, "Submitted"), 0)
    const sizes: Array<number> = []
    for (let i = 0; i < 30_000; i++) {
      const out = fillOne(r, 100 + i, i * 1_000)
      assert.deepStrictEqual(tags(out), ["Acknowledged", "Filled"])
      if (i % 5_000 === 4_999) sizes.push(r.sizes().orders)
    }
    // Bounded by the retention, the grace period (60 orders) and one sweep's worth of growth; not by 30,000.
    for (const n of sizes) assert.isAtMost(n, 1_000 + 60 + 1_024 + 1)
    assert.isAtMost(r.sizes().executions, 1_000 + 60 + 1_024)
    // The working order is never forgotten: its fill still reads as its own.
    assert.isDefined(r.get(7))
    assert.deepStrictEqual(tags([...r.apply(bagExecution(7, "exec-live", "BOT", 1, 2.85), 30_000_000)]), ["Filled"])
  })

  it("keeps a finished order through the grace period: a late commission report still reaches it", () => {
    const r = new Reducer.Reducer(CLIENT_ID, { finished: 0, graceMs: 60_000 })
    fillOne(r, 100, 0)
    // Enough other orders to trigger sweeps, all within the grace period of order 100.
    for (let i = 1; i <= 2_100; i++) fillOne(r, 100 + i, 10)
    const late = [...r.apply(commission("exec-100", 1.3), 20)]
    assert.deepStrictEqual(tags(late), ["CommissionReported"])
    assert.strictEqual(late[0]!.orderId, 100)
    // Long after, the order is gone with its execution: the same report is held, not misattributed.
    for (let i = 0; i < 2_100; i++) fillOne(r, 10_000 + i, 120_000)
    assert.isUndefined(r.get(100))
    assert.deepStrictEqual(tags([...r.apply(commission("exec-100", 1.3), 130_000)]), [])
  })

  it("holds at most 10,000 commission reports for executions it never saw (another client's)", () => {
    const r = new Reducer.Reducer(CLIENT_ID)
    for (let i = 0; i < 25_000; i++) r.apply(commission(`other-${i}`, 1), AT)
    assert.strictEqual(r.sizes().heldCommissions, 10_000)
  })
})
