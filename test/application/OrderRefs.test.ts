import { assert, describe, it } from "@effect/vitest"
import { newOrderRef, OrderBook, placeSpreadOrder, Settings } from "@spreads/application"
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
})
