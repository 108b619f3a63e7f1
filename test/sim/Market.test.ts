import { assert, describe, it } from "@effect/vitest"
import { MarketData } from "@spreads/application"
import { Contract, Price, Values } from "@spreads/domain"
import { Pricing, SimControl } from "@spreads/sim"
import { BigDecimal, Effect } from "effect"
import { TestClock } from "effect/testing"
import { AAPL, DEC18, FEB19, withSim } from "./fixtures.ts"

const call = (k: number, e: Contract.Expiry = DEC18) => Contract.optionContract(AAPL, e, Price.dec(k), "C")
const put = (k: number, e: Contract.Expiry = DEC18) => Contract.optionContract(AAPL, e, Price.dec(k), "P")
const num = (d: Price.Decimal) => BigDecimal.toNumberUnsafe(d)
const mid = (q: { readonly bid: Price.Decimal; readonly ask: Price.Decimal }) => (num(q.bid) + num(q.ask)) / 2
const onGrid = (d: Price.Decimal) => Pricing.isOnOptionGrid(Math.round(num(d) * 100)) && Price.isOnTick(d, Price.CENT)

describe("simulated market", () => {
  it.effect("AAPL starts at 212.40 with a chain of weekly and monthly expiries and 2.50 strikes within 30%", () =>
    Effect.gen(function* () {
      const md = yield* MarketData
      assert.strictEqual(Price.format(yield* md.underlyingPrice(AAPL)), "212.40")
      const chain = yield* md.chain(AAPL)
      assert.strictEqual(chain.expiries.length, 11)
      assert.strictEqual(chain.expiries[2], DEC18)
      assert.isTrue(chain.expiries.includes(FEB19))
      const strikes = chain.strikes.map((k) => Price.format(k))
      assert.strictEqual(strikes[0], "150.00")
      assert.strictEqual(strikes[strikes.length - 1], "275.00")
      assert.isTrue(strikes.includes("212.50"))
      const spy = yield* md.chain(Values.make.underlying("SPY"))
      assert.isTrue(spy.strikes.some((k) => Price.format(k) === "561.00"))
    }).pipe(withSim())
  )

  it.effect("calls fall and puts rise with the strike; every bid is below its ask and on IB's tick grid", () =>
    Effect.gen(function* () {
      const md = yield* MarketData
      const { strikes } = yield* md.chain(AAPL)
      let lastCall = Number.POSITIVE_INFINITY
      let lastPut = -1
      for (const k of strikes) {
        const c = yield* md.quote(Contract.optionContract(AAPL, DEC18, k, "C"))
        const p = yield* md.quote(Contract.optionContract(AAPL, DEC18, k, "P"))
        for (const q of [c, p]) {
          assert.isTrue(BigDecimal.isLessThan(q.bid, q.ask), `bid ${Price.format(q.bid)} < ask ${Price.format(q.ask)}`)
          assert.isTrue(onGrid(q.bid) && onGrid(q.ask), `${Price.format(q.bid)}/${Price.format(q.ask)} on the grid`)
          assert.isTrue(q.bidSize >= 1 && q.bidSize <= 50 && q.askSize >= 1 && q.askSize <= 50)
        }
        assert.isTrue(mid(c) <= lastCall)
        assert.isTrue(mid(p) >= lastPut)
        lastCall = mid(c)
        lastPut = mid(p)
      }
    }).pipe(withSim())
  )

  it.effect("put-call parity holds within the spreads, and the greeks have the right signs", () =>
    Effect.gen(function* () {
      const md = yield* MarketData
      const s = num(yield* md.underlyingPrice(AAPL))
      const t = 18.25 / 365
      for (const k of [190, 212.5, 235]) {
        const c = yield* md.quote(call(k))
        const p = yield* md.quote(put(k))
        const parity = s - k * Math.exp(-0.04 * t)
        const slack = num(c.ask) - num(c.bid) + num(p.ask) - num(p.bid)
        assert.approximately(mid(c) - mid(p), parity, slack, `parity at ${k}`)
        assert.isTrue(c.greeks!.delta > 0 && c.greeks!.delta < 1)
        assert.isTrue(p.greeks!.delta < 0 && p.greeks!.delta > -1)
        assert.isTrue(c.greeks!.gamma > 0 && c.greeks!.vega > 0 && c.greeks!.theta < 0)
        assert.approximately(c.greeks!.delta - p.greeks!.delta, 1, 1e-9)
      }
      const low = yield* md.quote(put(180))
      const high = yield* md.quote(call(245))
      assert.isTrue(low.greeks!.impliedVol > high.greeks!.impliedVol, "a put skew")
    }).pipe(withSim())
  )

  it.effect("a symbol outside the universe, an unlisted strike or expiry, and an expired contract are refused", () =>
    Effect.gen(function* () {
      const md = yield* MarketData
      const unknown = yield* Effect.flip(md.underlyingPrice(Values.make.underlying("ZZZZ")))
      assert.strictEqual(unknown.reason, "NoSecurityDefinition")
      assert.strictEqual(unknown.code, 200)
      assert.strictEqual((yield* Effect.flip(md.quote(call(211)))).reason, "NoSecurityDefinition")
      assert.strictEqual((yield* Effect.flip(md.quote(call(100)))).reason, "NoSecurityDefinition")
      assert.strictEqual((yield* Effect.flip(md.quote(call(210, Contract.expiry("2026-12-17"))))).code, 200)
      const expired = yield* Effect.flip(md.quote(call(210, Contract.expiry("2026-11-27"))))
      assert.deepStrictEqual([expired.reason, expired.code], ["NoSecurityDefinition", 200])
      assert.include(expired.message, "expired")
      const chain = yield* Effect.flip(md.chain(AAPL, Contract.expiry("2026-12-17")))
      assert.include(chain.message, "2026-12-18")
    }).pipe(withSim())
  )

  it.effect("the spot walks in virtual time, and setUnderlyingPrice moves the whole chain", () =>
    Effect.gen(function* () {
      const md = yield* MarketData
      const control = yield* SimControl.SimControl
      const before = yield* md.quote(call(215))
      yield* TestClock.adjust("59 seconds")
      assert.strictEqual(Price.format(yield* md.underlyingPrice(AAPL)), "212.40")
      yield* TestClock.adjust("30 minutes")
      assert.notStrictEqual(Price.format(yield* md.underlyingPrice(AAPL)), "212.40")
      yield* control.setUnderlyingPrice("AAPL", "230")
      assert.strictEqual(Price.format(yield* md.underlyingPrice(AAPL)), "230.00")
      const after = yield* md.quote(call(215))
      assert.isTrue(mid(after) > mid(before) + 10)
      yield* control.setUnderlyingPrice("XYZ", 50)
      assert.strictEqual(Price.format(yield* md.underlyingPrice(Values.make.underlying("XYZ"))), "50.00")
    }).pipe(withSim({}))
  )

  it.effect("same seed, same quotes; another seed, another path", () =>
    Effect.gen(function* () {
      const sample = (seed: number) =>
        Effect.gen(function* () {
          const md = yield* MarketData
          const out: Array<string> = []
          for (let i = 0; i < 5; i++) {
            yield* TestClock.adjust("7 minutes")
            const q = yield* md.quote(call(212.5))
            out.push(
              `${Price.format(yield* md.underlyingPrice(AAPL))} ${Price.format(q.bid)}x${q.bidSize} ${Price.format(q.ask)}x${q.askSize}`
            )
          }
          return out
        }).pipe(withSim({ seed }))
      const a = yield* sample(11)
      const b = yield* sample(11)
      const c = yield* sample(12)
      assert.deepStrictEqual(a, b)
      assert.notDeepEqual(a, c)
    })
  )

  it.effect("a hand-set quote wins until it is cleared", () =>
    Effect.gen(function* () {
      const md = yield* MarketData
      const control = yield* SimControl.SimControl
      yield* control.setQuote(call(210), { bid: "1.00", ask: 1.1, bidSize: 3, askSize: 4 })
      const q = yield* md.quote(call(210))
      assert.deepStrictEqual([Price.format(q.bid), Price.format(q.ask), q.bidSize, q.askSize], ["1.00", "1.10", 3, 4])
      yield* control.clearQuote(call(210))
      assert.notStrictEqual(Price.format((yield* md.quote(call(210))).bid), "1.00")
      const unlisted = yield* Effect.flip(control.setQuote(call(211), { bid: 1, ask: 2, bidSize: 1, askSize: 1 }))
      assert.strictEqual(unlisted.reason, "NoSecurityDefinition")
    }).pipe(withSim())
  )
})
