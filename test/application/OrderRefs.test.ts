import { assert, describe, it } from "@effect/vitest"
import { Broker, newOrderRef, OrderBook, placeSpreadOrder, Settings } from "@spreads/application"
import { Values } from "@spreads/domain"
import { withSim } from "@spreads/testing"
import { Effect, Result } from "effect"
import { bullCall } from "../sim/fixtures.ts"

describe("generated orderRefs", () => {
  it.effect("differ even when thousands are made in the same millisecond, and are valid orderRefs", () =>
    Effect.gen(function* () {
      // The TestClock stands still: every ref below is made in the same millisecond.
      const refs = yield* Effect.forEach(Array.from({ length: 20_000 }), () => newOrderRef)
      assert.strictEqual(new Set(refs).size, refs.length)
      for (const r of refs.slice(0, 100))
        assert.isTrue(Result.isSuccess(Values.decodeField(Values.OrderRef, "orderRef")(r)), r)
    })
  )

  it.effect("orders placed at once without a ref are all placed, each once", () =>
    withSim(
      Effect.gen(function* () {
        const book = yield* OrderBook.OrderBook
        const n = 500
        const placed = yield* Effect.forEach(
          Array.from({ length: n }),
          () => placeSpreadOrder({ spread: bullCall(210, 215), action: "BUY", quantity: 1, orderType: "MARKET" }),
          { concurrency: "unbounded" }
        ).pipe(Effect.provideService(Settings.Settings, { ...Settings.defaults, risk: {} }))
        assert.strictEqual(new Set(placed.map((p) => p.id)).size, n)
        assert.strictEqual(new Set(placed.map((p) => p.orderRef)).size, n)
        assert.strictEqual((yield* book.list).length, n)
      })
    )
  )

  it.effect("the same orderRef placed twice at once is one order: both callers get it, the broker sees it once", () =>
    withSim(
      Effect.gen(function* () {
        const broker = yield* Broker
        const input = {
          spread: bullCall(210, 215),
          action: "BUY",
          quantity: 1,
          orderType: "MARKET",
          orderRef: "twice-at-once"
        } as const
        // A broker that takes a while to qualify (as IB does): both placements pass the orderRef check first.
        const slow = {
          ...broker,
          qualify: (s: Parameters<typeof broker.qualify>[0]) => Effect.andThen(Effect.sleep(10), broker.qualify(s))
        }
        const [a, b] = yield* Effect.all([placeSpreadOrder(input), placeSpreadOrder(input)], {
          concurrency: "unbounded"
        }).pipe(Effect.provideService(Broker, slow))
        assert.strictEqual(a.id, b.id)
        const atBroker = [...(yield* broker.openOrders), ...(yield* broker.completedOrders)]
        assert.strictEqual(atBroker.filter((o) => o.orderRef === "twice-at-once").length, 1)
      })
    )
  )
})
