/**
 * Over-the-wire harness for the IB adapter: the TWS simulator server (@spreads/tws) in front of the simulated broker
 * on the live clock with short latencies, on 127.0.0.1 and an OS-chosen port, and the adapter (IbBroker + OrderBook
 * + in-memory journal) connected to it. Everything is scoped: closing the test's scope closes adapter and server.
 * @module
 */
import {
  Broker,
  type BrokerError,
  InMemoryJournal,
  type JournalError,
  MarketData,
  OrderBook,
  OrderJournal,
  Settings
} from "@spreads/application"
import { Contract, Price, Strategy, type ValidationError, Values } from "@spreads/domain"
import { IbBroker, IbConfig, type IbEvent } from "@spreads/ib"
import { SimBroker } from "@spreads/sim"
import { TwsServer } from "@spreads/tws"
import { FAST_SIM as TWS_FAST_SIM } from "../tws/server-harness.ts"
import { Context, Effect, Layer, Logger, Result, Schedule, type Scope, Stream } from "effect"

/** The TWS server tests' fast simulator settings (tens of milliseconds of latency, whole fills), market open. */
export const FAST_SIM: SimBroker.SimConfigInput = { ...TWS_FAST_SIM, marketOpen: true }

/** Logs are kept out of the test output (the server logs every connection). */
const quiet = Logger.layer([])

/** A running TWS simulator. */
export interface Tws {
  readonly port: number
  readonly server: TwsServer.TwsServer
  /** Runs an effect against the simulator behind the server (SimControl, its Broker and MarketData). */
  readonly sim: <A, E>(effect: Effect.Effect<A, E, SimBroker.Services>) => Effect.Effect<A, E>
}

/** Starts the server in front of a fresh simulator for the life of the scope. */
export const startTws = (
  options: { readonly sim?: SimBroker.SimConfigInput; readonly server?: TwsServer.Config } = {}
): Effect.Effect<Tws, never, Scope.Scope> =>
  Effect.gen(function* () {
    const ctx = yield* Layer.build(
      TwsServer.layer({ port: 0, ...options.server }).pipe(
        Layer.provideMerge(SimBroker.layer({ ...FAST_SIM, ...options.sim })),
        Layer.provide(quiet)
      )
    ).pipe(Effect.orDie)
    const server = Context.get(ctx, TwsServer.Service)
    return { port: server.port, server, sim: (effect) => Effect.provide(effect, ctx) }
  })

/** Adapter settings for tests: short timeouts, quick reconnects. */
export const testConfig = (port: number, clientId: number, extra: Partial<IbConfig.IbConfigInput> = {}) =>
  IbConfig.makeUnsafe({
    clientId,
    port,
    connectTimeout: "3 seconds",
    requestTimeout: "3 seconds",
    commandWait: "2 seconds",
    orderGapTimeout: "500 millis",
    reconnect: Schedule.spaced("150 millis"),
    ...extra
  })

/** The services an adapter test works with. */
export type AdapterServices = Broker | MarketData | IbBroker.IbSession | OrderBook.OrderBook | OrderJournal

/** A connected adapter. */
export interface Adapter {
  readonly run: <A, E>(effect: Effect.Effect<A, E, AdapterServices>) => Effect.Effect<A, E>
  readonly session: IbBroker.IbAdapter
}

/** Connects the adapter (with an OrderBook over an in-memory journal) for the life of the scope. */
export const startAdapter = (
  config: IbConfig.IbConfig,
  options: { readonly journal?: Layer.Layer<OrderJournal, JournalError> } = {}
): Effect.Effect<Adapter, BrokerError | JournalError | ValidationError, Scope.Scope> =>
  Effect.gen(function* () {
    const settings = { ackTimeoutMs: 3_000, cancelTimeoutMs: 3_000, modifyTimeoutMs: 3_000 }
    const ctx = yield* Layer.build(
      OrderBook.layer.pipe(
        Layer.provideMerge(IbBroker.layer(config)),
        Layer.provideMerge(options.journal ?? InMemoryJournal.layer),
        Layer.provideMerge(Settings.layer(settings)),
        Layer.provide(quiet)
      )
    )
    return { run: (effect) => Effect.provide(effect, ctx), session: Context.get(ctx, IbBroker.IbSession) }
  })

/** A listed spread about a month out, at the money and `width` wide, found through MarketData (chain and spot). */
export const listedSpread = (
  strategy: "BULL_CALL" | "BEAR_PUT" = "BULL_CALL",
  symbol = "SPY",
  width = 5
): Effect.Effect<Strategy.OptionSpread, BrokerError, MarketData> =>
  Effect.gen(function* () {
    const md = yield* MarketData
    const underlying = Values.make.underlying(symbol)
    const chain = yield* md.chain(underlying)
    const expiry = chain.expiries.find((e) => Contract.daysToExpiry(e, "2026-11-30") >= 20) ?? chain.expiries[0]!
    const full = yield* md.chain(underlying, expiry)
    const spot = Number(Price.format(yield* md.underlyingPrice(underlying)))
    const strikes = full.strikes.map((s) => Number(Price.format(s)))
    const atm = strikes.reduce((best, s) => (Math.abs(s - spot) < Math.abs(best - spot) ? s : best), strikes[0]!)
    const high = strikes.find((s) => s >= atm + width) ?? strikes[strikes.length - 1]!
    return Result.getOrThrow(
      Strategy.makeSpread({ strategy, underlying, expiry, strikes: [Price.dec(atm), Price.dec(high)] })
    )
  })

/** A listed bull call on SPY about a month out, found through the adapter's own MarketData (chain + spot). */
export const listedBullCall = (width = 5): Effect.Effect<Strategy.OptionSpread, BrokerError, MarketData> =>
  listedSpread("BULL_CALL", "SPY", width)

/** Runs a test effect with logs silenced (server and adapter log every connection and reconnect). */
export const quietly = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, Exclude<R, Scope.Scope>> =>
  effect.pipe(Effect.scoped, Effect.provide(quiet))

/** Every event on the adapter's hub from now on, collected into an array (for the life of the scope). */
export const recordHub = (adapter: Adapter): Effect.Effect<Array<IbEvent.IbEvent>, never, Scope.Scope> =>
  Effect.gen(function* () {
    const seen: Array<IbEvent.IbEvent> = []
    const subscription = yield* adapter.session.connection.subscribe
    yield* Effect.forkScoped(
      Stream.runForEach(Stream.fromSubscription(subscription), (e) => Effect.sync(() => void seen.push(e)))
    )
    return seen
  })

/** Polls `probe` every 10 ms until it returns true (fails the test after `timeoutMs`). */
export const eventually = (probe: () => boolean, what: string, timeoutMs = 4_000): Effect.Effect<void> =>
  Effect.gen(function* () {
    const deadline = Date.now() + timeoutMs
    while (!probe()) {
      if (Date.now() > deadline) return yield* Effect.die(new Error(`timed out waiting for ${what}`))
      yield* Effect.sleep(10)
    }
  })

/** Waits until the adapter reports `state`. */
export const awaitConnection = (state: "Connected" | "Disconnected" | "Degraded" | "Connecting") =>
  Effect.gen(function* () {
    const broker = yield* Broker
    yield* broker.connectionChanges.pipe(
      Stream.filter((s) => s === state),
      Stream.take(1),
      Stream.runDrain
    )
  })
