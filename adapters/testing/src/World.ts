/**
 * The acceptance-test World: one scenario's broker, clock, settings and what the scenario has done so far. Steps
 * drive the library's use cases through it, in virtual time, so a scenario full of latencies and timeouts runs in
 * milliseconds. The broker underneath is chosen by a layer factory, so the same steps run on the in-process simulator
 * or on the live IB adapter talking to the TWS simulator.
 * @module
 */
import { type Broker, type MarketData, OrderBook, type OrderJournal, Settings } from "@spreads/application"
import { Contract, OrderView, type Strategy } from "@spreads/domain"
import { Effect, Exit, type Layer, ManagedRuntime, Cause } from "effect"
import type { ScenarioControl } from "./ScenarioControl.ts"
import { advance, runVirtual } from "./VirtualTime.ts"

/** Services a scenario runs against. */
export type ScenarioServices = Broker | MarketData | OrderJournal | OrderBook.OrderBook | ScenarioControl

/** A failure a step captured for a later Then to check. */
export interface CapturedError {
  readonly tag: string
  readonly message: string
}

/** How a World builds its runtime: a layer of everything, and whether its clock is virtual. */
export interface WorldBackend {
  readonly layer: Layer.Layer<ScenarioServices, unknown>
  /** True when time is a TestClock that steps must advance (the in-process simulator). */
  readonly virtual: boolean
  /** The scenario's "today", YYYY-MM-DD, for expiry arithmetic. */
  readonly today: string
}

/** A scenario's state. One per scenario; `dispose` it in an After hook. */
export class SpreadsWorld {
  backend: WorldBackend | undefined
  runtime: ManagedRuntime.ManagedRuntime<ScenarioServices, unknown> | undefined
  settings: Settings.SettingsShape = Settings.defaults
  spread: Strategy.OptionSpread | undefined
  orderId: number | undefined
  readonly orders: Array<number> = []
  lastError: CapturedError | undefined
  lastView: OrderView.OrderView | undefined
  cancelOutcome: string | undefined
  watched: Array<OrderView.OrderView> = []
  /** Anything a user's own steps want to keep. */
  readonly bag = new Map<string, unknown>()

  /** Starts the broker for this scenario (idempotent). */
  async start(backend: WorldBackend): Promise<void> {
    if (this.runtime !== undefined) return
    this.backend = backend
    this.runtime = ManagedRuntime.make(backend.layer)
    await this.runtime.context()
  }

  /** The runtime, or a clear error when a step runs before the broker was started. */
  get rt(): ManagedRuntime.ManagedRuntime<ScenarioServices, unknown> {
    if (this.runtime === undefined) throw new Error("no broker yet: start with 'Given I am connected to the broker'")
    return this.runtime
  }

  /** Runs a use case to completion (advancing virtual time as it waits) and returns its value, or throws its failure. */
  async run<A, E>(effect: Effect.Effect<A, E, ScenarioServices>): Promise<A> {
    const exit = await this.exit(effect)
    if (Exit.isSuccess(exit)) return exit.value
    throw failureOf(exit.cause)
  }

  /** Like {@link run}, but a failure is captured in `lastError` and returned as undefined. */
  async attempt<A, E>(effect: Effect.Effect<A, E, ScenarioServices>): Promise<A | undefined> {
    const exit = await this.exit(effect)
    if (Exit.isSuccess(exit)) {
      this.lastError = undefined
      return exit.value
    }
    const failure = failureOf(exit.cause)
    this.lastError = { tag: tagOf(failure), message: failure instanceof Error ? failure.message : String(failure) }
    return undefined
  }

  /** Lets `ms` of scenario time pass (virtual: instantly; live: really). */
  async pass(ms: number): Promise<void> {
    if (this.backend?.virtual) await this.rt.runPromise(advance(ms))
    else await new Promise((resolve) => setTimeout(resolve, ms))
  }

  /** The date `weeks` weeks after today, moved to the following Friday (weekly expiries). */
  fridayIn(weeks: number): Contract.Expiry {
    const today = this.backend?.today ?? "2026-11-25"
    const day = Contract.epochDay(today) + weeks * 7
    const friday = day + ((1 - (day % 7) + 7) % 7) // epoch day 1 (1970-01-02) was a Friday
    return Contract.expiry(Contract.dateOfEpochDay(friday))
  }

  private exit<A, E>(effect: Effect.Effect<A, E, ScenarioServices>) {
    const withSettings = effect.pipe(Effect.provideService(Settings.Settings, this.settings))
    return this.rt.runPromiseExit(this.backend?.virtual ? runVirtual(withSettings) : withSettings)
  }

  /** Releases the broker and everything the scenario started. */
  async dispose(): Promise<void> {
    await this.runtime?.dispose()
    this.runtime = undefined
  }
}

const failureOf = (cause: Cause.Cause<unknown>): unknown => {
  const typed = Cause.findErrorOption(cause)
  return typed._tag === "Some" ? typed.value : Cause.squash(cause)
}

const tagOf = (e: unknown): string =>
  typeof e === "object" && e !== null && "_tag" in e && typeof e._tag === "string" ? e._tag : "Defect"
