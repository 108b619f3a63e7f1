/**
 * Property tests of the order fold: random broker histories (duplicates, out-of-order, impossible events included)
 * never break the order's invariants, and replaying the same events - live, again, or from a JSON journal - rebuilds
 * the same order.
 */
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Result, Schema } from "effect"
import * as fc from "fast-check"
import * as Order from "../../domain/src/Order.ts"
import { OrderEvent } from "../../domain/src/OrderEvent.ts"
import { isTerminal, isWorking, OrderStatus } from "../../domain/src/OrderStatus.ts"
import { toView } from "../../domain/src/OrderView.ts"
import { credit, debit, format, type NetPrice } from "../../domain/src/Price.ts"
import { combo, ev } from "./fixtures.ts"

const at = fc.integer({ min: 1_000, max: 1_000_000 })
const price: fc.Arbitrary<NetPrice> = fc
  .tuple(fc.boolean(), fc.integer({ min: 0, max: 2_000 }))
  .map(([isDebit, c]) => (isDebit ? debit(BigDecimal.make(BigInt(c), 2)) : credit(BigDecimal.make(BigInt(c), 2))))
// Small pools, so duplicates and reports for unseen executions are common.
const execId = fc.constantFrom("e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "L0", "L1")
const qty = fc.integer({ min: 1, max: 8 })
const code = fc.constantFrom(103, 104, 105, 110, 161, 201, 202, 399, 10147, 10148)

const event: fc.Arbitrary<OrderEvent> = fc.oneof(
  {
    arbitrary: fc
      .tuple(
        fc.constantFrom("PreSubmitted", "Submitted") as fc.Arbitrary<"PreSubmitted" | "Submitted">,
        at,
        fc.option(fc.integer({ min: 0, max: 99 }), { nil: undefined })
      )
      .map(([s, t, p]) => ev.ack(s, t, p)),
    weight: 3
  },
  { arbitrary: fc.tuple(execId, qty, price, at).map(([x, q, p, t]) => ev.fill(x, q, p, t)), weight: 6 },
  {
    arbitrary: fc
      .tuple(
        execId,
        fc.integer({ min: 0, max: 1 }),
        fc.constantFrom("BUY", "SELL") as fc.Arbitrary<"BUY" | "SELL">,
        qty,
        at
      )
      .map(([x, i, a, q, t]) => ev.legFill(x, i, a, q, "1.05", t)),
    weight: 2
  },
  {
    arbitrary: fc
      .tuple(execId, fc.integer({ min: 0, max: 300 }), at)
      .map(([x, c, t]) => ev.commission(x, format(BigDecimal.make(BigInt(c), 2)), t)),
    weight: 2
  },
  { arbitrary: at.map((t) => ev.cancel(t)), weight: 2 },
  { arbitrary: fc.tuple(code, at).map(([c, t]) => ev.cancelRejected(c, "refused", t)), weight: 1 },
  { arbitrary: fc.tuple(fc.boolean(), at).map(([api, t]) => ev.cancelled(api, "cancelled", t)), weight: 1 },
  {
    arbitrary: fc
      .tuple(fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }), fc.option(price, { nil: undefined }), at)
      .map(([q, p, t]) =>
        ev.modify({ ...(q === undefined ? {} : { quantity: q }), ...(p === undefined ? {} : { limitPrice: p }) }, t)
      ),
    weight: 2
  },
  {
    arbitrary: fc
      .tuple(fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }), at)
      .map(([q, t]) => ev.modified(q === undefined ? {} : { quantity: q }, t)),
    weight: 2
  },
  { arbitrary: fc.tuple(code, at).map(([c, t]) => ev.modifyRejected(c, "refused", t)), weight: 1 },
  { arbitrary: fc.tuple(code, at).map(([c, t]) => ev.rejected(c, "rejected", t)), weight: 1 },
  { arbitrary: fc.tuple(code, at).map(([c, t]) => ev.inactive(c, "inactive", t)), weight: 1 },
  { arbitrary: fc.tuple(code, at).map(([c, t]) => ev.warning(c, "warning", t)), weight: 1 },
  { arbitrary: at.map((t) => ev.contactLost(t)), weight: 1 },
  { arbitrary: fc.tuple(fc.constantFrom(...OrderStatus.literals), at).map(([s, t]) => ev.reconciled(s, t)), weight: 1 },
  {
    arbitrary: fc
      .tuple(fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }), fc.option(price, { nil: undefined }), at)
      .map(([q, p, t]) =>
        ev.terms({ ...(q === undefined ? {} : { quantity: q }), ...(p === undefined ? {} : { limitPrice: p }) }, t)
      ),
    weight: 1
  }
)

const history = fc.record({
  quantity: fc.integer({ min: 1, max: 20 }),
  market: fc.boolean(),
  events: fc.array(event, { maxLength: 40 })
})

const created = (h: { quantity: number; market: boolean }) =>
  ev.created(combo(h.quantity, h.market ? { orderType: "MARKET", limitPrice: undefined } : {}))

/** The whole order as plain JSON, decimals by value: equal orders give equal text whatever their representation. */
const canonical = (o: Order.Order): string => JSON.stringify(plain(o))
const plain = (v: unknown): unknown => {
  // BigDecimal has its own toJSON (value and scale), so decimals are rewritten before stringifying.
  if (BigDecimal.isBigDecimal(v)) return format(v)
  if (Array.isArray(v)) return v.map(plain)
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
  return v
}

describe("Order fold (properties)", () => {
  it("random histories never break the invariants, step by step", () => {
    fc.assert(
      fc.property(history, (h) => {
        let o = Order.create(created(h) as Extract<OrderEvent, { _tag: "Created" }>)
        for (const e of h.events) {
          const r = Order.apply(o, e)
          if (Result.isFailure(r)) continue
          const next = r.success
          // filled + remaining = quantity, 0 <= filled <= quantity
          assert.strictEqual(next.filled + Order.remaining(next), next.quantity)
          assert.isAtLeast(next.filled, 0)
          assert.isAtMost(next.filled, next.quantity)
          // filled never decreases; fills are what filled counts
          assert.isAtLeast(next.filled, o.filled)
          assert.strictEqual(
            next.fills.reduce((n, f) => n + f.quantity, 0),
            next.filled
          )
          assert.strictEqual(new Set(next.fills.map((f) => f.execId)).size, next.fills.length)
          // a terminal state never changes afterwards, save an order our fills completed, reopened by larger terms
          const reopened =
            o.status === "Filled" &&
            o.filled === o.quantity &&
            e._tag === "TermsReconciled" &&
            next.quantity > o.quantity
          if (reopened) assert.strictEqual(next.status, "PartiallyFilled")
          else if (isTerminal(o.status)) assert.strictEqual(next.status, o.status, `${o.status} left by ${e._tag}`)
          // a working order with fills says so
          if (next.filled > 0 && isWorking(next.status)) assert.strictEqual(next.status, "PartiallyFilled")
          // a complete order is over; done time iff terminal; fill time iff complete
          if (next.filled === next.quantity) assert.isTrue(isTerminal(next.status), `${next.status} with nothing left`)
          assert.strictEqual(next.doneAt !== undefined, isTerminal(next.status))
          assert.strictEqual(next.filledAt !== undefined, next.filled === next.quantity)
          assert.strictEqual(next.version, o.version + 1)
          o = next
        }
      }),
      { numRuns: 400 }
    )
  })

  it("a refused event leaves the order exactly as it was", () => {
    fc.assert(
      fc.property(history, event, (h, last) => {
        const { order } = Result.getOrThrow(Order.foldLenient([created(h), ...h.events]))
        const before = canonical(order)
        const r = Order.apply(order, last)
        assert.strictEqual(canonical(order), before)
        if (Result.isFailure(r)) assert.include(["IllegalTransition", "Overfill", "ValidationError"], r.failure._tag)
      }),
      { numRuns: 300 }
    )
  })

  it("replay: folding the same events twice gives the same order", () => {
    fc.assert(
      fc.property(history, (h) => {
        const events = [created(h), ...h.events]
        const a = Result.getOrThrow(Order.foldLenient(events))
        const b = Result.getOrThrow(Order.foldLenient(events))
        assert.deepStrictEqual(toView(a.order), toView(b.order))
        assert.strictEqual(a.order.status, b.order.status)
        assert.strictEqual(a.order.filled, b.order.filled)
        assert.strictEqual(canonical(a.order), canonical(b.order))
        assert.deepStrictEqual(
          a.refused.map((r) => r.error.message),
          b.refused.map((r) => r.error.message)
        )
      }),
      { numRuns: 300 }
    )
  })

  it("replay from a JSON journal: events encoded, stored as text and decoded rebuild the same order", () => {
    const codec = Schema.toCodecJson(OrderEvent)
    const encode = Schema.encodeUnknownSync(codec)
    const decode = Schema.decodeUnknownSync(codec)
    fc.assert(
      fc.property(history, (h) => {
        const events = [created(h), ...h.events]
        const stored = JSON.stringify(events.map((e) => encode(e)))
        const replayed = (JSON.parse(stored) as ReadonlyArray<unknown>).map((row) => decode(row))
        const live = Result.getOrThrow(Order.foldLenient(events)).order
        const rebuilt = Result.getOrThrow(Order.foldLenient(replayed)).order
        assert.deepStrictEqual(toView(rebuilt), toView(live))
        assert.strictEqual(canonical(rebuilt), canonical(live))
      }),
      { numRuns: 100 }
    )
  })

  it("fills alone: filled is the sum of distinct executions that fit, and every refusal is an overfill", () => {
    const fills = fc.array(fc.tuple(execId, qty), { maxLength: 30 })
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 25 }), fills, (quantity, raw) => {
        const events = raw.map(([x, q]) => ev.fill(x, q))
        const { order, refused } = Result.getOrThrow(Order.foldLenient([ev.created(combo(quantity)), ...events]))
        // Model: first occurrence of an execId counts if it fits; later ones are duplicates.
        let filled = 0
        let overfills = 0
        const seen = new Set<string>()
        for (const [x, q] of raw) {
          if (seen.has(x)) continue
          if (filled + q > quantity) {
            overfills++
            continue
          }
          seen.add(x)
          filled += q
        }
        assert.strictEqual(order.filled, filled)
        assert.strictEqual(refused.length, overfills)
        for (const r of refused) assert.strictEqual(r.error._tag, "Overfill")
        assert.strictEqual(
          order.status,
          filled === quantity ? "Filled" : filled > 0 ? "PartiallyFilled" : "PendingSubmit"
        )
      }),
      { numRuns: 300 }
    )
  })
})
