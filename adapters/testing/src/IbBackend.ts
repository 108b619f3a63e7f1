/**
 * The live-adapter backend: the same scenarios, run through the IB adapter (@spreads/ib over @stoqey/ib) talking over
 * a real loopback socket to the TWS simulator server (@spreads/tws) in front of the simulated broker. Time is real
 * here (sockets and virtual clocks do not mix), so the simulator runs with latencies of a few milliseconds. The
 * ScenarioControl reaches the simulator behind the server.
 *
 * {@link externalIbBackend} points the same adapter at a TWS someone else runs (a paper account, or `spreads tws-sim`
 * on another machine). Nobody here controls that market: steps that would (prices, market hours, fill scripts,
 * faults, link drops) fail with a sentence saying so, and every other step runs as it does on the simulator.
 * @module
 */
import { InMemoryJournal, OrderBook } from "@spreads/application"
import { OrderView } from "@spreads/domain"
import { IbBroker } from "@spreads/ib"
import { SimBroker, SimConfig } from "@spreads/sim"
import { TwsServer } from "@spreads/tws"
import { Effect, Layer, References } from "effect"
import { ScenarioControl } from "./ScenarioControl.ts"
import { scenarioControlLayer } from "./SimBackend.ts"
import type { ScenarioServices, WorldBackend } from "./World.ts"

/** Options of {@link ibBackend}. */
export interface IbBackendOptions {
  readonly seed?: number
  readonly clientId?: number
  readonly config?: SimConfig.SimConfigInput
}

/** Simulator settings for real-time runs: an open market, a few ms of latency. */
export const FAST_SIM: SimConfig.SimConfigInput = {
  ackMs: 5,
  fillMs: 10,
  cancelMs: 10,
  modifyMs: 10,
  evaluationIntervalMs: 20,
  priceMotion: 0
}

/** Everything a scenario needs, with the IB adapter as the Broker and MarketData. */
export const ibLayer = (options: IbBackendOptions = {}): Layer.Layer<ScenarioServices, unknown> => {
  const sim = SimBroker.layer({ ...FAST_SIM, ...options.config, seed: options.seed ?? 1 })
  // The simulator is private to the server and the control: the scenario's Broker is the IB adapter.
  const serverAndControl = Layer.merge(TwsServer.layer({ host: "127.0.0.1", port: 0 }), scenarioControlLayer).pipe(
    Layer.provide(sim)
  )
  const ib = Layer.unwrap(
    Effect.gen(function* () {
      const server = yield* TwsServer.Service
      return IbBroker.layer({ host: "127.0.0.1", port: server.port, clientId: options.clientId ?? 1 })
    })
  )
  // The server logs every connection and order; a scenario wants only warnings and worse.
  const quiet = Layer.succeed(References.MinimumLogLevel, "Warn")
  return OrderBook.layer.pipe(
    Layer.provideMerge(Layer.merge(ib, InMemoryJournal.layer)),
    Layer.provideMerge(serverAndControl),
    Layer.provide(quiet)
  ) as Layer.Layer<ScenarioServices, unknown>
}

/** A World backend on the IB adapter over the TWS simulator. */
export const ibBackend = (options: IbBackendOptions = {}): WorldBackend => ({
  layer: ibLayer(options),
  virtual: false,
  today: OrderView.isoTime(
    options.config?.startTime === undefined || options.config.startTime === "clock"
      ? SimConfig.DEFAULT_START_TIME
      : options.config.startTime
  ).slice(0, 10)
})

/** Where an external TWS / IB Gateway listens, for {@link externalIbBackend}. */
export interface ExternalTwsOptions {
  readonly host: string
  readonly port: number
  readonly clientId?: number
  /** The scenarios' "today", YYYY-MM-DD (default: the real date, as a live TWS has it). */
  readonly today?: string
}

/**
 * The ScenarioControl of a broker nobody here controls: each operation dies with a sentence naming what the step
 * wanted and where it can run instead.
 */
export const uncontrolledLayer = (where: string): Layer.Layer<ScenarioControl> => {
  const refuse = (what: string) =>
    Effect.die(
      new Error(
        `this step needs to ${what}, and the TWS at ${where} is not ours to control; run it on the simulator (SPREADS_BROKER=sim) or on the in-process TWS simulator (leave SPREADS_TWS_PORT unset)`
      )
    )
  return Layer.succeed(
    ScenarioControl,
    ScenarioControl.of({
      setUnderlyingPrice: (symbol) => refuse(`set the price of ${symbol}`),
      setMarketOpen: (open) =>
        refuse(open === "auto" ? "follow the session clock" : `${open ? "open" : "close"} the market`),
      scriptFills: () => refuse("script how orders fill"),
      setCancelLatency: () => refuse("set how long cancels take"),
      setFaults: () => refuse("inject broker faults"),
      rejectNext: (code) => refuse(`make the broker reject the next order with ${code}`),
      disconnect: refuse("drop the connection to the broker"),
      reconnect: refuse("restore the connection to the broker")
    })
  )
}

/** Everything a scenario needs, with the IB adapter connected to an external TWS (see {@link externalIbBackend}). */
export const externalIbLayer = (options: ExternalTwsOptions): Layer.Layer<ScenarioServices, unknown> => {
  const where = `${options.host}:${options.port}`
  const quiet = Layer.succeed(References.MinimumLogLevel, "Warn")
  return OrderBook.layer.pipe(
    Layer.provideMerge(
      Layer.merge(
        IbBroker.layer({ host: options.host, port: options.port, clientId: options.clientId ?? 1 }),
        InMemoryJournal.layer
      )
    ),
    Layer.provideMerge(uncontrolledLayer(where)),
    Layer.provide(quiet)
  ) as Layer.Layer<ScenarioServices, unknown>
}

/** A World backend on the IB adapter connected to a TWS / IB Gateway that runs elsewhere. Time is real. */
export const externalIbBackend = (options: ExternalTwsOptions): WorldBackend => ({
  layer: externalIbLayer(options),
  virtual: false,
  today: options.today ?? new Date().toISOString().slice(0, 10)
})
