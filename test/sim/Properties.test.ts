import { assert, describe, it } from "@effect/vitest"
import { Broker, type BrokerEvent } from "@spreads/application"
import { type ComboOrder, Order, type OrderEvent, Price, Values } from "@spreads/domain"
import { SimConfig, SimControl } from "@spreads/sim"
import { Effect, Layer, Result } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import { bullCall, butterfly, only, order, record, withSim } from "./fixtures.ts"

type Step =
  | {
      readonly _tag: "place"
      readonly fly: boolean
      readonly sell: boolean
      readonly quantity: number
      readonly limit: number | null
    }
  | { readonly _tag: "advance"; readonly ms: number }
  | { readonly _tag: "cancel"; readonly which: number }
  | { readonly _tag: "modify"; readonly which: number; readonly quantity: number }
  | { readonly _tag: "script"; readonly partial: ReadonlyArray<number> }

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    _tag: fc.constant("place" as const),
    fly: fc.boolean(),
    sell: fc.boolean(),
    quantity: fc.integer({ min: 1, max: 60 }),
    limit: fc.option(fc.integer({ min: -300, max: 600 }), { nil: null })
  }),
  fc.record({ _tag: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 4000 }) }),
  fc.record({ _tag: fc.constant("cancel" as const), which: fc.nat() }),
  fc.record({ _tag: fc.constant("modify" as const), which: fc.nat(), quantity: fc.integer({ min: 1, max: 60 }) }),
  fc.record({
    _tag: fc.constant("script" as const),
    partial: fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 4 })
  })
)

const scenario = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  faults: fc.record({
    duplicateStatus: fc.boolean(),
    outOfOrder: fc.boolean(),
    execBeforeAck: fc.boolean(),
    dropAck: fc.boolean(),
    fillDuringPendingCancel: fc.constantFrom(false, true, "rest" as const)
  }),
  steps: fc.array(step, { minLength: 1, maxLength: 30 })
})

const limitOf = (cents: number | null): Price.NetPrice | undefined =>
  cents === null ? undefined : cents < 0 ? Price.credit(Price.dec(-cents / 100)) : Price.debit(Price.dec(cents / 100))

/** Runs a script; returns every event and, per order, its terms and the largest quantity it was ever given. */
const run = (steps: ReadonlyArray<Step>) =>
  Effect.gen(function* () {
    const broker = yield* Broker
    const control = yield* SimControl.SimControl
    const events = yield* record
    const placed: Array<{ id: number; order: ComboOrder.ComboOrder; max: number; modified: boolean }> = []
    for (const s of steps) {
      if (s._tag === "place") {
        const o = order(s.fly ? butterfly(205, 210, 215) : bullCall(210, 215), {
          action: s.sell ? "SELL" : "BUY",
          quantity: s.quantity,
          limit: limitOf(s.limit)
        })
        const id = yield* broker.nextOrderId
        yield* broker.place(id, o)
        placed.push({ id, order: o, max: s.quantity, modified: false })
      } else if (s._tag === "advance") yield* TestClock.adjust(s.ms)
      else if (s._tag === "script")
        yield* control.scriptFills(s.partial.length === 0 ? "auto" : { partial: s.partial }, { orders: 1 })
      else if (placed.length > 0) {
        const p = placed[s.which % placed.length]!
        if (s._tag === "cancel") yield* broker.cancel(p.id)
        else {
          yield* broker.modify(p.id, { ...p.order, quantity: Values.make.quantity(s.quantity) })
          p.max = Math.max(p.max, s.quantity)
          p.modified = true
        }
      }
    }
    yield* TestClock.adjust("10 minutes")
    return { events: events as ReadonlyArray<BrokerEvent>, placed }
  })

const check = (
  events: ReadonlyArray<BrokerEvent>,
  placed: ReadonlyArray<{ id: number; order: ComboOrder.ComboOrder; max: number; modified: boolean }>
) => {
  for (const p of placed) {
    const mine = events.filter((e) => e.orderId === p.id).map((e) => e.event)
    const seen = new Set<string>()
    const fills = only(mine, "Filled").filter((f) => (seen.has(f.execId) ? false : (seen.add(f.execId), true)))
    const legs = new Map(only(mine, "LegFilled").map((l) => [l.execId, l]))
    const combo = fills.reduce((n, f) => n + f.quantity, 0)
    assert.isAtMost(combo, p.max, `order ${p.id} overfilled`)
    p.order.spread.legs.forEach((leg, i) => {
      const legTotal = [...legs.values()].filter((l) => l.legIndex === i).reduce((n, l) => n + l.quantity, 0)
      assert.strictEqual(legTotal, combo * leg.ratio, `order ${p.id} leg ${i}`)
    })
    for (const f of fills) {
      const [permHex, execHex] = f.execId.split(".")
      const parts = [...legs.values()].filter((l) => l.execId.startsWith(`${permHex}.${execHex}.`))
      assert.deepStrictEqual(
        parts.map((l) => l.quantity),
        p.order.spread.legs.map((leg) => f.quantity * leg.ratio)
      )
    }
    if (!p.modified) {
      const folded = Result.getOrThrow(
        Order.foldLenient([
          { _tag: "Created", at: 0, orderId: Values.make.orderId(p.id), order: p.order } as OrderEvent.OrderEvent,
          ...mine
        ])
      )
      assert.deepStrictEqual(
        folded.refused.map((r) => r.error.message),
        [],
        `order ${p.id} folds cleanly`
      )
      assert.strictEqual(folded.order.filled, combo)
    }
  }
}

describe("properties", () => {
  it.effect("for random order scripts, fills never exceed the quantity and every leg fills ratio x the combo", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(scenario, ({ seed, faults, steps }) =>
          Effect.runPromise(
            run(steps).pipe(
              withSim({
                seed,
                faults,
                maxOrderSize: 100,
                restingFillProbability: 0.3
              } satisfies SimConfig.SimConfigInput),
              Effect.map(({ events, placed }) => check(events, placed)),
              Effect.provide(Layer.fresh(TestClock.layer())),
              Effect.scoped
            )
          )
        ),
        { numRuns: 100, seed: 20261130 }
      )
    )
  )
})
