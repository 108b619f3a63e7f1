import { assert, describe, it } from "@effect/vitest"
import { SimBroker, SimConfig, SimControl } from "@spreads/sim"
import { ConfigProvider, Effect, Exit } from "effect"

describe("SimConfig", () => {
  it("defaults: a calm, liquid market on Monday 2026-11-30 10:00 New York", () => {
    const d = SimConfig.defaults
    assert.strictEqual(d.startTime, Date.parse("2026-11-30T15:00:00Z"))
    assert.deepStrictEqual(
      [d.seed, d.firstOrderId, d.ackMs, d.fillMs, d.cancelMs, d.modifyMs, d.evaluationIntervalMs],
      [1, 1000, 50, 150, 100, 100, 1000]
    )
    assert.deepStrictEqual(
      [
        d.restingFillProbability,
        d.slippageTicks,
        d.comboTick,
        d.partialFills,
        d.commissionPerContract,
        d.commissionMinimum
      ],
      [0.2, 0, 0.01, true, 0.65, 1]
    )
    assert.deepStrictEqual(
      [d.marketClosed, d.marketOpen, d.maxOrderSize, d.buyingPower],
      ["reject", "auto", 500, 1_000_000]
    )
    assert.deepStrictEqual(Object.keys(d.underlyings), ["AAPL", "MSFT", "SPY", "QQQ", "TSLA", "NVDA", "IWM"])
    assert.deepStrictEqual(Object.values(d.faults), [false, false, false, false, false])
  })

  it("merges overrides (faults field by field) and lists every problem of an invalid configuration", () => {
    const c = SimConfig.make({ seed: 7, faults: { dropAck: true } })
    assert.isFalse(c instanceof SimConfig.SimConfigError)
    assert.isTrue(!(c instanceof SimConfig.SimConfigError) && c.faults.dropAck && !c.faults.outOfOrder)
    const bad = SimConfig.make({ ackMs: -1, fillMs: { min: 5, max: 1 }, restingFillProbability: 2 })
    assert.isTrue(bad instanceof SimConfig.SimConfigError)
    assert.include(bad instanceof SimConfig.SimConfigError ? bad.message : "", "ackMs must be 0 or more ms, got -1")
    assert.include(bad instanceof SimConfig.SimConfigError ? bad.message : "", "fillMs must be {min, max}")
    assert.include(bad instanceof SimConfig.SimConfigError ? bad.message : "", "restingFillProbability")
  })

  it.effect("layer dies on an invalid configuration; layerConfig reads the environment", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(
        SimControl.SimControl.use((c) => c.now).pipe(Effect.provide(SimBroker.layer({ ackMs: -1 })))
      )
      assert.isTrue(Exit.isFailure(exit))
      const now = yield* SimControl.SimControl.use((c) => c.now).pipe(
        Effect.provide(SimBroker.layerConfig()),
        Effect.provide(
          ConfigProvider.layer(
            ConfigProvider.fromEnv({ env: { SPREADS_SIM_START: "2027-01-04T15:00:00Z", SPREADS_SIM_SEED: "3" } })
          )
        )
      )
      assert.strictEqual(now, Date.parse("2027-01-04T15:00:00Z"))
      const error = yield* Effect.flip(
        SimControl.SimControl.use((c) => c.now).pipe(
          Effect.provide(SimBroker.layerConfig()),
          Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env: { SPREADS_SIM_MARKET_CLOSED: "maybe" } })))
        )
      )
      assert.notStrictEqual(error.message, "")
    })
  )
})
