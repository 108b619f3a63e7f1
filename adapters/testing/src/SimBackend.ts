/**
 * The simulator backend for scenarios and tests: the in-process simulated broker on a TestClock that starts at a
 * chosen instant (by default Monday 2026-11-30 10:00 New York, the market open), an in-memory journal, the OrderBook,
 * and the ScenarioControl wired to the simulator's control surface. Deterministic for a seed.
 * @module
 */
import { InMemoryJournal, OrderBook } from "@spreads/application"
import { OrderView } from "@spreads/domain"
import { SimBroker, SimConfig, SimControl } from "@spreads/sim"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { type FillScript, ScenarioControl } from "./ScenarioControl.ts"
import { runVirtual } from "./VirtualTime.ts"
import type { ScenarioServices, WorldBackend } from "./World.ts"

/** Options of {@link simLayer} / {@link simBackend}. */
export interface SimBackendOptions {
  /** Seed of the simulator (default 1). */
  readonly seed?: number
  /** Epoch ms the virtual clock starts at (default: Monday 2026-11-30 10:00 New York). */
  readonly startTime?: number
  /** Any other simulator settings (latencies, faults, policies). */
  readonly config?: SimConfig.SimConfigInput
}

const toSimScript = (s: FillScript): SimControl.FillScript =>
  s._tag === "Auto" ? "auto" : s._tag === "Full" ? "full" : s._tag === "None" ? "none" : { partial: s.sizes }

/** The ScenarioControl over the simulator's own control surface. */
export const scenarioControlLayer = Layer.effect(
  ScenarioControl,
  Effect.gen(function* () {
    const sim = yield* SimControl.SimControl
    return ScenarioControl.of({
      setUnderlyingPrice: (symbol, price) => sim.setUnderlyingPrice(symbol, price),
      setMarketOpen: (open) => sim.setMarketOpen(open),
      scriptFills: (script) => sim.scriptFills(toSimScript(script)),
      setCancelLatency: (ms) => sim.setLatency({ cancelMs: ms }),
      setFaults: (faults) => sim.setFaults(faults),
      rejectNext: (code, reason) => sim.rejectNext({ code, reason }),
      disconnect: sim.disconnect,
      reconnect: sim.reconnect
    })
  })
)

/**
 * Everything a scenario or a vitest suite needs, on the simulator in virtual time: Broker, MarketData, SimControl,
 * ScenarioControl, OrderJournal (in memory), OrderBook, and the TestClock set to `startTime`.
 */
export const simLayer = (options: SimBackendOptions = {}): Layer.Layer<ScenarioServices | SimControl.SimControl> => {
  const start = options.startTime ?? SimConfig.DEFAULT_START_TIME
  const clock = Layer.effectDiscard(TestClock.setTime(start)).pipe(Layer.provideMerge(TestClock.layer()))
  const sim = SimBroker.layer({
    ...options.config,
    seed: options.seed ?? options.config?.seed ?? 1,
    startTime: "clock"
  })
  const brokerAndControl = scenarioControlLayer.pipe(Layer.provideMerge(sim))
  return OrderBook.layer.pipe(
    Layer.provideMerge(Layer.merge(brokerAndControl, InMemoryJournal.layer)),
    Layer.provideMerge(clock)
  ) as Layer.Layer<ScenarioServices | SimControl.SimControl>
}

/** A World backend on the simulator. */
export const simBackend = (options: SimBackendOptions = {}): WorldBackend => ({
  layer: simLayer(options),
  virtual: true,
  today: OrderView.isoTime(options.startTime ?? SimConfig.DEFAULT_START_TIME).slice(0, 10)
})

/**
 * Runs a test body on a fresh simulator in virtual time: the body's waits (acknowledgements, fills, timeouts) advance
 * the simulator's own TestClock until they complete. Use inside `it.effect`:
 * `it.effect("fills", () => withSim(Effect.gen(function* () { ... })))`.
 */
export const withSim = <A, E>(
  body: Effect.Effect<A, E, ScenarioServices | SimControl.SimControl>,
  options: SimBackendOptions = {}
): Effect.Effect<A, E> => runVirtual(body).pipe(Effect.provide(simLayer(options)))
