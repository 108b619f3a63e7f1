/**
 * The domain's hot paths take shortcuts (plain loops for the duplicate check, notional sums without intermediate
 * decimals, price text from digits, a view of the average price without building it). Each shortcut is checked here
 * against the plain computation it stands for.
 */
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Result } from "effect"
import * as fc from "fast-check"
import { makeComboOrder } from "../../domain/src/ComboOrder.ts"
import * as Order from "../../domain/src/Order.ts"
import type { OrderEvent } from "../../domain/src/OrderEvent.ts"
import { isoTime, priceView, toView } from "../../domain/src/OrderView.ts"
import { credit, debit, format, isOnTick, type NetPrice, toSigned } from "../../domain/src/Price.ts"
import { decodeField, Quantity } from "../../domain/src/Values.ts"
import { bullCall, combo, ev } from "./fixtures.ts"

/** The whole order as JSON with decimals as value and scale: representation, not only value, must match. */
const exact = (o: Order.Order): string => JSON.stringify(o)

const price: fc.Arbitrary<NetPrice> = fc
  .tuple(fc.boolean(), fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 4 }))
  .map(([isDebit, v, s]) => (isDebit ? debit(BigDecimal.make(BigInt(v), s)) : credit(BigDecimal.make(BigInt(v), s))))

// Long histories: far more executions than an order usually gets, duplicates and commissions among them.
const execution = (pool: number): fc.Arbitrary<OrderEvent> => {
  const execId = fc.integer({ min: 0, max: pool }).map((i) => `x${i}`)
  return fc.oneof(
    {
      arbitrary: fc.tuple(execId, fc.integer({ min: 1, max: 2 }), price).map(([x, q, p]) => ev.fill(x, q, p)),
      weight: 5
    },
    {
      arbitrary: fc
        .tuple(execId, fc.constantFrom("BUY", "SELL") as fc.Arbitrary<"BUY" | "SELL">)
        .map(([x, a]) => ev.legFill(x, 0, a, 1, "1.05")),
      weight: 3
    },
    {
      arbitrary: fc
        .tuple(execId, fc.integer({ min: 0, max: 300 }))
        .map(([x, c]) => ev.commission(x, format(BigDecimal.make(BigInt(c), 2)))),
      weight: 2
    },
    { arbitrary: fc.constant(ev.ack()), weight: 1 }
  )
}
const longHistory = fc.array(execution(400), { minLength: 150, maxLength: 500 })

const foldFrom = (o: Order.Order, events: ReadonlyArray<OrderEvent>): Order.Order => {
  for (const e of events) {
    const r = Order.apply(o, e)
    if (Result.isSuccess(r)) o = r.success
  }
  return o
}
const start = (quantity: number) =>
  Order.create(ev.created(combo(quantity)) as Extract<OrderEvent, { _tag: "Created" }>)

describe("hot paths", () => {
  describe("long execution histories", () => {
    it("duplicates are dropped as a set of seen execIds says, whatever the length", () => {
      fc.assert(
        fc.property(longHistory, (events) => {
          const o = foldFrom(start(1_000_000), events)
          const seen = new Set<string>()
          const fills: Array<string> = []
          const legs: Array<string> = []
          for (const e of events) {
            if (e._tag !== "Filled" && e._tag !== "LegFilled") continue
            if (seen.has(e.execId)) continue
            seen.add(e.execId)
            ;(e._tag === "Filled" ? fills : legs).push(e.execId)
          }
          assert.deepStrictEqual(
            o.fills.map((f) => f.execId),
            fills
          )
          assert.deepStrictEqual(
            o.legFills.map((f) => f.execId),
            legs
          )
          // Every commission report lands on its execution (first report wins), or waits for it.
          for (const f of [...o.fills, ...o.legFills]) {
            const first = events.find((e) => e._tag === "CommissionReported" && e.execId === f.execId)
            if (first !== undefined) assert.isDefined(f.commission, f.execId)
          }
        }),
        { numRuns: 60 }
      )
    })

    it("an older order applied to again gives what folding its history from scratch gives, and stays as it was", () => {
      fc.assert(
        fc.property(longHistory, longHistory, fc.nat(), (events, other, cut) => {
          const at = cut % events.length
          const older = foldFrom(start(1_000_000), events.slice(0, at))
          const before = exact(older)
          const newer = foldFrom(older, events.slice(at))
          // The older order branches off, twice: neither branch nor the newer line may see the other.
          const branch = foldFrom(older, other)
          const again = foldFrom(older, other)
          assert.strictEqual(exact(older), before)
          assert.strictEqual(exact(branch), exact(foldFrom(start(1_000_000), [...events.slice(0, at), ...other])))
          assert.strictEqual(exact(again), exact(branch))
          // And the newer line goes on as if nothing had branched.
          const tail = other.slice(0, 50)
          assert.strictEqual(exact(foldFrom(newer, tail)), exact(foldFrom(start(1_000_000), [...events, ...tail])))
        }),
        { numRuns: 40 }
      )
    })

    it("a Filled order keeps refusing the executions it holds, early and late ones alike", () => {
      const events = Array.from({ length: 300 }, (_, i) => ev.fill(`e${i}`, 1))
      const o = foldFrom(start(300), events)
      assert.strictEqual(o.filled, 300)
      for (const i of [0, 1, 127, 128, 200, 299]) {
        const dup = Result.getOrThrow(Order.apply(o, ev.fill(`e${i}`, 1)))
        assert.deepStrictEqual([dup.filled, dup.fills.length, dup.version], [300, 300, o.version + 1])
      }
      // A new execution is no duplicate: on a complete order it is an overfill.
      const more = Order.apply(o, ev.fill("new", 1))
      assert.isTrue(Result.isFailure(more) && more.failure._tag === "Overfill")
    })
  })

  it("the notional is sum(notional, multiply(signed price, quantity)), value and scale", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(price, fc.integer({ min: 1, max: 50 })), { maxLength: 30 }), (fills) => {
        const events = fills.map(([p, q], i) => ev.fill(`f${i}`, q, p))
        const o = foldFrom(start(1_000_000), events)
        const expected = fills.reduce(
          (n, [p, q]) => BigDecimal.sum(n, BigDecimal.multiply(toSigned(p), BigDecimal.fromBigInt(BigInt(q)))),
          BigDecimal.fromBigInt(0n)
        )
        assert.deepStrictEqual([o.notional.value, o.notional.scale], [expected.value, expected.scale])
      }),
      { numRuns: 300 }
    )
  })

  it("the view's average price is priceView(averageFillPrice)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(price, fc.integer({ min: 1, max: 7 })), { minLength: 1, maxLength: 12 }),
        (fills) => {
          const o = foldFrom(
            start(1_000),
            fills.map(([p, q], i) => ev.fill(`f${i}`, q, p))
          )
          assert.deepStrictEqual(toView(o).avgFillPrice, priceView(Order.averageFillPrice(o)!))
        }
      ),
      { numRuns: 500 }
    )
  })

  it("format is the normalized decimal's digits at max(scale, minScale) places", () => {
    const reference = (d: BigDecimal.BigDecimal, minScale: number): string => {
      const n = BigDecimal.normalize(d)
      const scale = Math.max(n.scale, minScale, 0)
      const value = n.value * 10n ** BigInt(scale - n.scale)
      const digits = (value < 0n ? -value : value).toString().padStart(scale + 1, "0")
      const whole = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`
      return value < 0n ? `-${whole}` : whole
    }
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }),
        fc.integer({ min: -8, max: 20 }),
        fc.integer({ min: -2, max: 8 }),
        (v, s, min) => {
          const d = BigDecimal.make(v, s)
          assert.strictEqual(format(d, min), reference(d, min))
          assert.strictEqual(format(d), reference(d, 2))
        }
      ),
      { numRuns: 5_000 }
    )
  })

  it("isOnTick is a zero BigDecimal remainder", () => {
    const decimal = fc
      .tuple(fc.bigInt({ min: -100_000n, max: 100_000n }), fc.integer({ min: -3, max: 6 }))
      .map(([v, s]) => BigDecimal.make(v, s))
    fc.assert(
      fc.property(decimal, decimal, (p, tick) => {
        const expected = BigDecimal.isZero(tick) || BigDecimal.remainderUnsafe(p, tick).value === 0n
        assert.strictEqual(isOnTick(p, tick), expected)
      }),
      { numRuns: 5_000 }
    )
  })

  it("isoTime of whole and fractional milliseconds is the arithmetic one", () => {
    const reference = (ms: number): string => {
      const day = Math.floor(ms / 86_400_000)
      const rest = ms - day * 86_400_000
      const p = (n: number, w = 2) => String(n).padStart(w, "0")
      const date = new Date(day * 86_400_000).toISOString().slice(0, 10)
      const h = Math.floor(rest / 3_600_000)
      const mi = Math.floor((rest % 3_600_000) / 60_000)
      const s = Math.floor((rest % 60_000) / 1000)
      return `${date}T${p(h)}:${p(mi)}:${p(s)}.${p(rest % 1000, 3)}Z`
    }
    const ms = fc.oneof(
      fc.integer({ min: -62_000_000_000_000, max: 253_000_000_000_000 }),
      fc.double({ min: 0, max: 4_000_000_000_000, noNaN: true })
    )
    fc.assert(
      fc.property(ms, (t) => assert.strictEqual(isoTime(t), reference(t))),
      { numRuns: 10_000 }
    )
  })

  it("makeComboOrder takes a quantity exactly when the Quantity schema does, with its message", () => {
    const decode = decodeField(Quantity, "quantity")
    const input = fc.oneof(
      fc.integer({ min: -5, max: 1_000_005 }),
      fc.double(),
      fc.constantFrom(-0, 1_000_000, 1_000_001, "3", null, undefined, 2.5)
    )
    fc.assert(
      fc.property(input, (q) => {
        const made = makeComboOrder({
          spread: bullCall,
          action: "BUY",
          quantity: q,
          orderType: "MARKET",
          orderRef: "r"
        })
        const decoded = decode(q)
        assert.strictEqual(Result.isSuccess(made), Result.isSuccess(decoded))
        if (Result.isFailure(made) && Result.isFailure(decoded)) {
          assert.strictEqual(made.failure.message, decoded.failure.message)
        }
      }),
      { numRuns: 2_000 }
    )
  })
})
