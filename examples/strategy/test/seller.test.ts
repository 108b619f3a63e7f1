import { assert, describe, it } from "@effect/vitest"
import { getOrderStatus } from "@spreads/application"
import { SimControl } from "@spreads/sim"
import { withSim } from "@spreads/testing"
import { Effect } from "effect"
import { sellPutSpread } from "../src/PutSpreadSeller.ts"

const params = {
  symbol: "AAPL",
  expiry: "2026-12-18",
  otmPercent: 5,
  width: 1,
  quantity: 2,
  stepMs: 2_000,
  maxSteps: 3
}

describe("PutSpreadSeller on the simulator", () => {
  it.effect("sells a bull put below spot for a credit", () =>
    withSim(
      Effect.gen(function* () {
        const result = yield* sellPutSpread(params)
        const view = yield* getOrderStatus(result.view.id)
        assert.strictEqual(view.strategy, "BULL_PUT")
        assert.deepStrictEqual(
          view.legs.map((l) => l.action),
          ["BUY", "SELL"]
        )
        assert.isTrue(Number(view.legs[1]!.strike) < 212.4, "the short put is below spot")
        if (view.status === "Filled") assert.strictEqual(view.avgFillPrice?.side, "credit")
      })
    )
  )

  it.effect("walks the price toward natural while nothing fills", () =>
    withSim(
      Effect.gen(function* () {
        const sim = yield* SimControl.SimControl
        yield* sim.scriptFills("none", { orders: 1 })
        const result = yield* sellPutSpread(params)
        const view = yield* getOrderStatus(result.view.id)
        assert.strictEqual(result.steps, params.maxSteps)
        assert.strictEqual(view.status, "Submitted")
        assert.strictEqual(view.limitPrice?.side, "credit")
      })
    )
  )
})
