import { assert, describe, it } from "@effect/vitest"
import { placeSpreadOrder } from "@spreads/application"
import { Contract, Price, Strategy, Values } from "@spreads/domain"
import { SimControl } from "@spreads/sim"
import { expectOrder, withSim } from "@spreads/testing"
import { Effect, Result } from "effect"

const spread = Result.getOrThrow(
  Strategy.makeSpread({
    strategy: "BULL_PUT",
    underlying: Values.make.underlying("AAPL"),
    expiry: Contract.expiry("2026-12-18"),
    strikes: [Price.dec("200"), Price.dec("205")]
  })
)

const withSimSeed = <A, E>(body: Parameters<typeof withSim<A, E>>[0]) => withSim(body, { seed: 7 })

describe("@spreads/testing vitest helpers", () => {
  describe("on the simulator", () => {
    it.effect("a market order reaches Filled in virtual time", () =>
      Effect.gen(function* () {
        // Opening a bull put (BUY the spread as defined: sell the 205 put, buy the 200 put) takes in a credit.
        const view = yield* placeSpreadOrder({ spread, action: "BUY", quantity: 1, orderType: "MARKET" })
        const filled = yield* expectOrder(view.id).toReach("Filled")
        assert.strictEqual(filled.filled, 1)
        assert.strictEqual(filled.avgFillPrice?.side, "credit")
      }).pipe(withSimSeed)
    )

    it.effect("a far limit rests, and the expectation of a fill fails with a readable sentence", () =>
      Effect.gen(function* () {
        const sim = yield* SimControl.SimControl
        yield* sim.scriptFills("none", { orders: 1 })
        const view = yield* placeSpreadOrder({
          spread,
          action: "BUY",
          quantity: 1,
          orderType: "LIMIT",
          limitPrice: Price.credit("4.90")
        })
        yield* expectOrder(view.id).toBeResting()
        const error = yield* Effect.flip(expectOrder(view.id).toReach("Filled", 2_000))
        assert.include(error.message, `order ${view.id} did not reach Filled within 2000 ms: it is Submitted`)
      }).pipe(withSimSeed)
    )
  })

  it("exports the cucumber registration", async () => {
    const kit = await import("@spreads/testing")
    assert.isFunction(kit.registerSpreadsSteps)
  })
})
