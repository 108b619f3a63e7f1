/**
 * What a scenario can do to the market and the broker, independent of which broker runs underneath. The simulator
 * implements all of it; against a live adapter (over the TWS simulator) the same operations reach the simulator behind
 * the server.
 * @module
 */
import { Context, type Effect } from "effect"

/** How the next orders fill. */
export type FillScript =
  | { readonly _tag: "Auto" }
  | { readonly _tag: "Full" }
  /** Exactly these quantities, one per fill attempt, then nothing more. */
  | { readonly _tag: "Partial"; readonly sizes: ReadonlyArray<number> }
  | { readonly _tag: "None" }

/** Injectable broker faults. */
export interface Faults {
  readonly duplicateStatus?: boolean
  readonly outOfOrder?: boolean
  readonly execBeforeAck?: boolean
  readonly dropAck?: boolean
  readonly fillDuringPendingCancel?: boolean
}

/** The control surface of a scenario. */
export class ScenarioControl extends Context.Service<
  ScenarioControl,
  {
    readonly setUnderlyingPrice: (symbol: string, price: string) => Effect.Effect<void>
    readonly setMarketOpen: (open: boolean | "auto") => Effect.Effect<void>
    readonly scriptFills: (script: FillScript) => Effect.Effect<void>
    readonly setCancelLatency: (ms: number) => Effect.Effect<void>
    readonly setFaults: (faults: Faults) => Effect.Effect<void>
    readonly rejectNext: (code: number, reason: string) => Effect.Effect<void>
    readonly disconnect: Effect.Effect<void>
    readonly reconnect: Effect.Effect<void>
  }
>()("@spreads/testing/ScenarioControl") {}
