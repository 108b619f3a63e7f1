import { assert, describe, it } from "@effect/vitest"
import { SimConfig } from "@spreads/sim"
import { SimEngine } from "../../adapters/sim/src/SimEngine.ts"
import { SimMarket } from "../../adapters/sim/src/SimMarket.ts"
import { bullCall, order, still } from "./fixtures.ts"

/** An engine at 20:00 New York on the default Monday: closed, orders held for tomorrow's open. */
const closedEngine = () => {
  const config = SimConfig.make({ ...still, marketClosed: "hold", ackMs: 10, cancelMs: 10 })
  if (config instanceof SimConfig.SimConfigError) throw config
  const evening = SimConfig.DEFAULT_START_TIME + 10 * 3_600_000
  const engine = new SimEngine(config, new SimMarket({ ...config, start: evening }))
  return { engine, evening }
}

describe("simulator timers", () => {
  it("an order cancelled long before its next evaluation leaves no timer behind", () => {
    const { engine, evening } = closedEngine()
    const n = 3_000
    const spread = bullCall(210, 215)
    for (let i = 0; i < n; i++) engine.place(engine.nextOrderId(), order(spread), evening)
    engine.advance(evening + 10)
    // Every order is held with an evaluation due at tomorrow's open.
    assert.strictEqual(engine.timers.size, n)
    for (const id of [...engine.open.keys()]) engine.cancel(id, evening + 20)
    engine.advance(evening + 30)
    engine.drain()
    assert.strictEqual(engine.open.size, 0)
    // The agenda shrank with the orders instead of holding their evaluations until the open.
    assert.isBelow(engine.timers.size, 1_024)
  })

  it("pruning keeps the evaluations of working orders", () => {
    const { engine, evening } = closedEngine()
    const spread = bullCall(210, 215)
    for (let i = 0; i < 2_000; i++) engine.place(engine.nextOrderId(), order(spread), evening)
    engine.advance(evening + 10)
    const ids = [...engine.open.keys()]
    // Cancel half: the other half must still be evaluated at the open.
    for (const id of ids.slice(0, 1_000)) engine.cancel(id, evening + 20)
    engine.advance(evening + 30)
    assert.strictEqual(engine.open.size, 1_000)
    assert.strictEqual(engine.timers.size, 1_000)
  })
})
