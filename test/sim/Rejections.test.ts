import { assert, describe, it } from "@effect/vitest"
import { Broker } from "@spreads/application"
import { ComboOrder, Contract, Price, Strategy, Values } from "@spreads/domain"
import { MarketHours, SimConfig, SimControl } from "@spreads/sim"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { AAPL, bullCall, comboFilled, DEC18, of, only, order, place, record, tags, withSim } from "./fixtures.ts"

const START = SimConfig.DEFAULT_START_TIME
const utc = (iso: string) => Date.parse(iso)

/** Places `o` and returns its Rejected event after the acknowledgement latency. */
const rejection = (o: ComboOrder.ComboOrder) =>
  Effect.gen(function* () {
    const events = yield* record
    const id = yield* place(o)
    yield* TestClock.adjust("50 millis")
    const [r] = only(of(events, id), "Rejected")
    assert.deepStrictEqual(tags(events, id), ["Rejected"])
    return { code: r!.code, reason: r!.reason, at: r!.at }
  })

describe("SimBroker rejections", () => {
  it.effect("the market is closed: 201, like the seed's scenario, after the acknowledgement latency", () =>
    Effect.gen(function* () {
      const control = yield* SimControl.SimControl
      yield* control.setMarketOpen(false)
      assert.isFalse(yield* control.isMarketOpen)
      const r = yield* rejection(order(bullCall(210, 215)))
      assert.deepStrictEqual(r, { code: 201, reason: "Order rejected - reason:the market is closed", at: START + 50 })
    }).pipe(withSim())
  )

  it.effect("on a Saturday the session clock says closed", () =>
    Effect.gen(function* () {
      const r = yield* rejection(order(bullCall(210, 215)))
      assert.strictEqual(r.code, 201)
    }).pipe(withSim({ startTime: utc("2026-12-05T17:00:00Z"), priceMotion: 0 }))
  )

  it.effect("an unknown underlying or an unlisted strike: 200, no security definition", () =>
    Effect.gen(function* () {
      const zzzz = Values.getOrThrow(
        Strategy.makeSpread({
          strategy: "BULL_CALL",
          underlying: Values.make.underlying("ZZZZ"),
          expiry: DEC18,
          strikes: [Price.dec(10), Price.dec(15)]
        })
      )
      const a = yield* rejection(order(zzzz))
      assert.strictEqual(a.code, 200)
      assert.include(a.reason, "No security definition has been found")
      assert.strictEqual((yield* rejection(order(bullCall(211, 215)))).code, 200)
      const broker = yield* Broker
      const q = yield* Effect.flip(broker.qualify(zzzz))
      assert.deepStrictEqual([q.reason, q.code], ["NoSecurityDefinition", 200])
    }).pipe(withSim())
  )

  it.effect("an expired contract: 201", () =>
    Effect.gen(function* () {
      const r = yield* rejection(order(bullCall(210, 215, Contract.expiry("2026-11-27"))))
      assert.strictEqual(r.code, 201)
      assert.include(r.reason, "expired on 2026-11-27")
    }).pipe(withSim())
  )

  it.effect("a limit off the combo's price increment: 110", () =>
    Effect.gen(function* () {
      const o = Values.getOrThrow(
        ComboOrder.makeComboOrder({
          spread: bullCall(210, 215),
          action: "BUY",
          quantity: 1,
          orderType: "LIMIT",
          limitPrice: Price.debit("2.855"),
          orderRef: "off-tick",
          tick: Price.dec("0.001")
        })
      )
      const r = yield* rejection(o)
      assert.deepStrictEqual(
        [r.code, r.reason],
        [110, "The price does not conform to the minimum price variation for this contract."]
      )
    }).pipe(withSim())
  )

  it.effect("an order above the size limit or beyond the buying power: 201", () =>
    Effect.gen(function* () {
      const big = yield* rejection(order(bullCall(210, 215), { quantity: 11 }))
      assert.strictEqual(big.code, 201)
      assert.include(big.reason, "exceeds the maximum of 10")
      const rich = yield* rejection(order(bullCall(200, 230), { quantity: 10 }))
      assert.strictEqual(rich.code, 201)
      assert.include(rich.reason, "insufficient buying power")
      const broker = yield* Broker
      const w = yield* broker.whatIf(order(bullCall(210, 215), { quantity: 2, limit: Price.debit("2.50") }))
      assert.deepStrictEqual(w, {
        initMarginChange: "500.00",
        maintMarginChange: "500.00",
        equityWithLoanAfter: "4997.40",
        commission: "2.60",
        currency: "USD"
      })
      const credit = yield* broker.whatIf(order(bullCall(210, 215), { action: "SELL", limit: Price.credit("2.00") }))
      assert.strictEqual(credit.initMarginChange, "300.00")
    }).pipe(withSim({ priceMotion: 0, maxOrderSize: 10, buyingPower: 5000 }))
  )

  it.effect("rejectNext rejects exactly the next order with the scripted code", () =>
    Effect.gen(function* () {
      const control = yield* SimControl.SimControl
      const events = yield* record
      yield* control.rejectNext({ code: 203, reason: "The security is not available or allowed for this account." })
      const r = yield* rejection(order(bullCall(210, 215)))
      assert.deepStrictEqual([r.code, r.reason], [203, "The security is not available or allowed for this account."])
      const next = yield* place(order(bullCall(210, 215)))
      yield* TestClock.adjust("200 millis")
      assert.strictEqual(comboFilled(of(events, next)), 1)
    }).pipe(withSim())
  )
})

describe("SimBroker outside market hours", () => {
  const friday = utc("2026-12-04T22:00:00Z")

  it.effect("with the hold policy an order is PreSubmitted with warning 399 and works from the next open", () =>
    Effect.gen(function* () {
      const broker = yield* Broker
      const events = yield* record
      const id = yield* place(order(bullCall(210, 215)))
      assert.strictEqual((yield* broker.openOrders)[0]!.status, "PendingSubmit")
      yield* TestClock.adjust("50 millis")
      const [ack, warning] = of(events, id)
      assert.strictEqual(ack?._tag === "Acknowledged" && ack.status, "PreSubmitted")
      assert.strictEqual(warning?._tag === "Warning" && warning.code, 399)
      assert.include(warning?._tag === "Warning" ? warning.message : "", "2026-12-07 09:30:00 US/Eastern")
      assert.strictEqual((yield* broker.openOrders)[0]!.status, "PreSubmitted")
      yield* TestClock.adjust("2 days")
      assert.deepStrictEqual(tags(events, id), ["Acknowledged", "Warning"])
      yield* TestClock.setTime(utc("2026-12-07T14:30:00Z") - friday)
      const open = utc("2026-12-07T14:30:00Z")
      assert.deepStrictEqual(of(events, id)[2], {
        _tag: "Acknowledged",
        at: open,
        status: "Submitted",
        permId: ack!._tag === "Acknowledged" ? ack!.permId! : 0
      })
      yield* TestClock.adjust("150 millis")
      assert.strictEqual(only(of(events, id), "Filled")[0]?.at, open + 150)
    }).pipe(withSim({ startTime: friday, marketClosed: "hold", priceMotion: 0 }))
  )

  it.effect("a held order is released as soon as the market is forced open", () =>
    Effect.gen(function* () {
      const control = yield* SimControl.SimControl
      const events = yield* record
      yield* control.setMarketOpen(false)
      const id = yield* place(order(bullCall(210, 215)))
      yield* TestClock.adjust("10 seconds")
      assert.deepStrictEqual(tags(events, id), ["Acknowledged", "Warning"])
      yield* control.setMarketOpen(true)
      yield* TestClock.adjust("150 millis")
      assert.deepStrictEqual(tags(events, id).slice(0, 4), ["Acknowledged", "Warning", "Acknowledged", "LegFilled"])
    }).pipe(withSim({ marketClosed: "hold", priceMotion: 0 }))
  )

  it.effect("a DAY order still working at the close is cancelled; a GTC order waits for the next session", () =>
    Effect.gen(function* () {
      const events = yield* record
      const day = yield* place(order(bullCall(210, 215), { limit: Price.debit("0.50") }))
      const gtc = yield* place(order(bullCall(210, 215), { limit: Price.debit("0.50"), tif: "GTC" }))
      yield* TestClock.adjust("2 minutes")
      const close = utc("2026-11-30T21:00:00Z")
      assert.deepStrictEqual(of(events, day)[1], {
        _tag: "Cancelled",
        at: close,
        reason: "the DAY order expired at the close",
        api: false
      })
      assert.deepStrictEqual(tags(events, gtc), ["Acknowledged"])
      assert.strictEqual(MarketHours.isRegularSession(close), false)
    }).pipe(withSim({ startTime: utc("2026-11-30T20:59:00Z"), priceMotion: 0 }))
  )
})

describe("SimBroker over long virtual spans", () => {
  it.effect("a GTC order is cancelled when its contract expires, months of virtual time later", () =>
    Effect.gen(function* () {
      const events = yield* record
      const never = { limit: Price.credit("1.00"), tif: "GTC" } as const
      const near = yield* place(order(bullCall(210, 215), never))
      const far = yield* place(order(bullCall(210, 215, Contract.expiry("2027-04-16")), never))
      yield* TestClock.adjust("140 days")
      assert.deepStrictEqual(of(events, near)[1], {
        _tag: "Cancelled",
        at: utc("2026-12-18T21:00:00Z"),
        reason: "the contract expired",
        api: false
      })
      assert.strictEqual(only(of(events, far), "Cancelled")[0]?.at, utc("2027-04-16T20:00:00Z"))
    }).pipe(withSim({ priceMotion: 1 }))
  )
})

describe("SimBroker on the default clock", () => {
  it.effect("starts on Monday 2026-11-30 10:00 New York with the market open", () =>
    Effect.gen(function* () {
      const control = yield* SimControl.SimControl
      assert.strictEqual(yield* control.now, utc("2026-11-30T15:00:00Z"))
      assert.isTrue(yield* control.isMarketOpen)
      yield* TestClock.adjust("1 hour")
      assert.strictEqual(yield* control.now, utc("2026-11-30T16:00:00Z"))
      assert.strictEqual(AAPL, "AAPL")
    }).pipe(withSim())
  )
})
