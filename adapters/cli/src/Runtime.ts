/**
 * The services a command runs on, built from its flags:
 * - `--broker sim`: the embedded simulator, the OrderBook, and the journal in the `--db` SQLite file. The simulator's
 *   own state lives in the same file, restored when the command starts and saved when it ends, so separate runs
 *   share one paper account. Without the journal package everything is in memory (said at debug level).
 * - `--broker ib`: the live IB adapter when this build has it, else exit 4 with a sentence saying so.
 * Plus logging (stderr, `--log-level`) and tracing (OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set).
 * @module
 */
import {
  type Broker,
  type BrokerError,
  InMemoryJournal,
  type JournalError,
  type MarketData,
  OrderBook,
  type OrderJournal,
  reconcile
} from "@spreads/application"
import { SimBroker, SimConfig, SimControl, SimState } from "@spreads/sim"
import { DateTime, Effect, Layer, Logger, type LogLevel, Option, References, type Schema } from "effect"
import { FetchHttpClient } from "effect/http"
import { OtlpSerialization, OtlpTracer } from "effect/observability"
import { existsSync, mkdirSync } from "node:fs"
import { dirname } from "node:path"
import type { ValidationError } from "@spreads/domain"
import * as AccountLock from "./AccountLock.ts"
import { AdapterUnavailable } from "./Errors.ts"
import type * as Flags from "./Flags.ts"
import * as Inputs from "./Inputs.ts"
import * as Output from "./Output.ts"
import * as SimClock from "./SimClock.ts"

/** What every order command needs. */
export type Services = Broker | MarketData | OrderJournal | OrderBook.OrderBook

/** The key the simulator's state is stored under in the database. */
export const SIM_STATE_KEY = "sim/broker"

const LEVELS: Record<Flags.LogLevelName, LogLevel.LogLevel> = {
  trace: "Trace",
  debug: "Debug",
  info: "Info",
  warn: "Warn",
  error: "Error",
  none: "None"
}

/** Logs to stderr from `--log-level` (default `fallback`), spans to OTLP when configured. */
export const observe =
  (flags: Pick<Flags.Common, "logLevel">, fallback: Flags.LogLevelName = "warn") =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    effect.pipe(
      Effect.provideService(References.MinimumLogLevel, LEVELS[Option.getOrElse(flags.logLevel, () => fallback)]),
      Effect.provideService(Logger.LogToStderr, true),
      Effect.provide(tracing)
    )

const otlpEndpoint = (): string | undefined =>
  process.env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] ?? process.env["OTEL_EXPORTER_OTLP_ENDPOINT"]

/** OTLP export of every span, on only when the standard endpoint variable is set. */
const tracing: Layer.Layer<never> = Layer.unwrap(
  Effect.sync((): Layer.Layer<never> => {
    const endpoint = otlpEndpoint()
    return endpoint === undefined || endpoint === ""
      ? Layer.empty
      : OtlpTracer.layerFromConfig({ resource: { serviceName: "spreads" } }).pipe(
          Layer.provide(Layer.merge(OtlpSerialization.layerJson, FetchHttpClient.layer))
        )
  })
)

/** Where a fresh simulated account's clock starts: `--sim-clock`, else a Monday morning with the market open. */
export const freshStart = (env: Flags.Resolved): number =>
  Option.getOrElse(env.simClock, () => SimConfig.DEFAULT_START_TIME)

type JournalModule = typeof import("@spreads/journal")
type StateStore = JournalModule["SimStateStore"]["SimStateStore"]

/** The journal package, when this build has it. */
const journalModule: Effect.Effect<Option.Option<JournalModule>> = Effect.tryPromise(
  () => import("@spreads/journal")
).pipe(
  Effect.map((m: Partial<JournalModule>) =>
    typeof m.SimStateStore?.layerWithJournal === "function" ? Option.some(m as JournalModule) : Option.none()
  ),
  Effect.catch(() => Effect.succeed(Option.none<JournalModule>()))
)

// The journal opens an existing folder only; a first run creates it (a failure surfaces as the journal's error).
// Not mkdirSync's `recursive`: on some filesystems (/proc) it never returns.
const mkdirp = (dir: string): void => {
  if (existsSync(dir)) return
  const parent = dirname(dir)
  if (parent !== dir) mkdirp(parent)
  mkdirSync(dir, { mode: 0o700 })
}

const ensureFolder = (path: string) =>
  Effect.try({ try: () => mkdirp(dirname(path)), catch: () => undefined }).pipe(Effect.ignore)

/** After a restart the book takes the broker's word for what happened meanwhile. */
const reconciled = Layer.effectDiscard(
  reconcile().pipe(
    Effect.tap((r) => Effect.logDebug("reconciled with the broker", r)),
    Effect.catchCause((cause) => Effect.logWarning("could not reconcile with the broker", cause))
  )
)

/**
 * Restores a saved simulated account at start and saves the account when the layer is released (normal exit,
 * failure or Ctrl-C alike), so the next run continues it.
 */
const persisted = (store: StateStore, saved: Option.Option<Schema.Json>) =>
  Layer.effectDiscard(
    Effect.gen(function* () {
      const control = yield* SimControl.SimControl
      const states = yield* store
      if (Option.isSome(saved)) yield* control.importState(saved.value)
      yield* Effect.addFinalizer(() =>
        control.exportState.pipe(
          Effect.flatMap((state) => states.put(SIM_STATE_KEY, state)),
          Effect.tap(() => Effect.logDebug("saved the simulated account")),
          Effect.catchCause((cause) => Effect.logWarning("could not save the simulated account", cause))
        )
      )
    })
  )

/**
 * The simulator, `between` (restoring its state, when there is one) and the OrderBook, all on the account's clock
 * from `start`. Needs an OrderJournal (and whatever `between` needs) from outside.
 */
const simStack = <E, R>(
  seed: Option.Option<number>,
  start: number,
  between: Layer.Layer<never, E, R>,
  config: SimBroker.SimConfigInput = {}
) =>
  reconciled.pipe(
    Layer.provideMerge(OrderBook.layer),
    Layer.provideMerge(between),
    Layer.provideMerge(
      SimBroker.layer({ ...config, ...(Option.isSome(seed) ? { seed: seed.value } : {}), startTime: "clock" })
    ),
    Layer.provideMerge(SimClock.layer(start))
  )

/** A fresh simulated account held in memory only (the demo, or a build without the journal package). */
export const memoryLayer = (
  flags: Pick<Flags.Common, "seed">,
  env: Flags.Resolved,
  config: SimBroker.SimConfigInput = {}
) => simStack(flags.seed, freshStart(env), Layer.empty, config).pipe(Layer.provideMerge(InMemoryJournal.layer))

/**
 * The embedded simulator with the journal and the simulator's own state in `dbPath`. A saved account continues at
 * its own time with its own seed; `--sim-clock` and `--seed` shape a new account only (said on stderr when ignored).
 */
export const simLayer = (
  flags: Flags.Common,
  env: Flags.Resolved
): Layer.Layer<
  Services | SimControl.SimControl,
  AdapterUnavailable | JournalError | SimConfig.SimConfigError | SimState.SimStateError
> =>
  Layer.unwrap(
    Effect.gen(function* () {
      const journal = yield* journalModule
      if (Option.isNone(journal)) {
        yield* Effect.logDebug("the journal package is not available: this run keeps its orders in memory only")
        return memoryLayer(flags, env)
      }
      yield* ensureFolder(env.dbPath)
      const { SimStateStore } = journal.value
      const account = Layer.unwrap(
        Effect.gen(function* () {
          const saved = yield* (yield* SimStateStore.SimStateStore).get(SIM_STATE_KEY)
          if (Option.isNone(saved)) {
            return simStack(flags.seed, freshStart(env), persisted(SimStateStore.SimStateStore, saved))
          }
          const snapshot = yield* Effect.fromResult(SimState.decode(saved.value))
          yield* Effect.logDebug(`continuing the simulated account in ${env.dbPath}`)
          if (Option.isSome(flags.simClock) || Option.isSome(flags.seed)) {
            yield* Output.note(
              `note: --sim-clock and --seed shape a new simulated account; the one in ${env.dbPath} continues at ${DateTime.formatIso(DateTime.makeUnsafe(snapshot.now))}. Use another --db for a fresh account.`
            )
          }
          return simStack(Option.some(snapshot.seed), snapshot.now, persisted(SimStateStore.SimStateStore, saved))
        })
      )
      return account.pipe(
        Layer.provideMerge(SimStateStore.layerWithJournal({ path: env.dbPath })),
        Layer.provideMerge(Layer.effectDiscard(AccountLock.hold(env.dbPath)))
      )
    })
  )

type IbModule = typeof import("@spreads/ib")

// Loaded on demand, so a build without the IB adapter still runs everything on the simulator.
const ibModule: Effect.Effect<Option.Option<IbModule>> = Effect.tryPromise(() => import("@spreads/ib")).pipe(
  Effect.map((m: Partial<IbModule>) =>
    typeof m.IbBroker?.layer === "function" && typeof m.IbConfig?.make === "function"
      ? Option.some(m as IbModule)
      : Option.none()
  ),
  Effect.catch(() => Effect.succeed(Option.none<IbModule>()))
)

const IB_SETTINGS: Record<string, string> = { host: "--host", port: "--port", clientId: "--client-id" }

/** The live IB adapter with the journal in `dbPath`; exit 4 when this build does not have the adapter. */
export const ibLayer = (
  flags: Flags.Common,
  env: Flags.Resolved
): Layer.Layer<Services, AdapterUnavailable | BrokerError | ValidationError | JournalError> =>
  Layer.unwrap(
    Effect.gen(function* () {
      const ib = yield* ibModule
      if (Option.isNone(ib)) {
        return yield* new AdapterUnavailable({
          message:
            "the IB adapter is not available in this build yet; use --broker sim (the default) for the embedded simulator"
        })
      }
      const config = yield* Effect.fromResult(
        ib.value.IbConfig.make({
          host: Option.getOrElse(flags.host, () => "127.0.0.1"),
          port: Option.getOrElse(flags.port, () => ib.value.IbConfig.Ports.gatewayPaper),
          clientId: Option.getOrElse(flags.clientId, () => 1)
        })
      ).pipe(Effect.mapError((e) => Inputs.rename(e, IB_SETTINGS[e.field] ?? e.field)))
      const broker = ib.value.IbBroker.layer(config)
      const journal = yield* journalModule
      if (Option.isSome(journal)) yield* ensureFolder(env.dbPath)
      const orders = Option.isSome(journal)
        ? journal.value.SimStateStore.layerWithJournal({ path: env.dbPath })
        : InMemoryJournal.layer
      return reconciled.pipe(Layer.provideMerge(OrderBook.layer), Layer.provideMerge(Layer.merge(broker, orders)))
    })
  )

/** Every way building the services can fail. */
export type RuntimeError =
  AdapterUnavailable | BrokerError | JournalError | SimConfig.SimConfigError | SimState.SimStateError | ValidationError

/** The services the flags ask for. */
export const layer = (flags: Flags.Common, env: Flags.Resolved): Layer.Layer<Services, RuntimeError> =>
  env.broker === "ib" ? ibLayer(flags, env) : simLayer(flags, env)

/** Provides the services the flags ask for, with logging and tracing. */
export const provide =
  (flags: Flags.Common, env: Flags.Resolved) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    effect.pipe(Effect.provide(layer(flags, env)), observe(flags))
