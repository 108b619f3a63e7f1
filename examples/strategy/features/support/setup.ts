import * as cucumber from "@cucumber/cucumber"
import { registerSpreadsSteps, simBackend, SpreadsWorld } from "@spreads/testing"
import { sellPutSpread } from "../../src/PutSpreadSeller.ts"

cucumber.setWorldConstructor(SpreadsWorld)
registerSpreadsSteps(cucumber, { backend: () => simBackend({ seed: 3 }) })
cucumber.After(async function (this: SpreadsWorld) {
  await this.dispose()
})

// The user's own step, next to the library's: it runs the strategy and hands its order to the library's assertions.
cucumber.When(
  /^the seller (sells|tries to sell) (\d+) put spreads? (\d+)% below spot$/,
  async function (this: SpreadsWorld, verb: string, quantity: string, percent: string) {
    const run = sellPutSpread({
      symbol: "AAPL",
      expiry: this.fridayIn(4),
      otmPercent: Number(percent),
      width: 1,
      quantity: Number(quantity),
      stepMs: 3_000,
      maxSteps: 2
    })
    const result = verb === "sells" ? await this.run(run) : await this.attempt(run)
    if (result !== undefined) this.orderId = result.view.id
  }
)
