/**
 * The simulator's control surface, for tests, Gherkin scenarios and demos: move the market, open or close it, script
 * fills and rejections, change latencies, inject faults, drop the connection, and save or restore the whole state.
 * Provided by `SimBroker.layer` together with the Broker and MarketData it controls (one shared instance).
 *
 * Every change takes effect at the simulator's current virtual time; working orders are re-evaluated at most one
 * evaluation interval later against the changed market.
 * @module
 */
import type { BrokerError } from "@spreads/application"
import type { Contract, Price } from "@spreads/domain"
import { Context, type Effect } from "effect"
import type { Faults, Latencies } from "./SimConfig.ts"
import type { FillScript } from "./SimOrder.ts"
import type { SimStateError, SimStateJson } from "./SimState.ts"

export type { FillScript } from "./SimOrder.ts"
export type { SimStateJson } from "./SimState.ts"

/** A price as the control surface takes it: a decimal, its text ("2.85") or a number (2.85). */
export type PriceInput = Price.Decimal | string | number

/** A hand-set quote: prices per share on the option grid, displayed sizes in contracts. */
export interface QuoteInput {
  readonly bid: PriceInput
  readonly ask: PriceInput
  readonly bidSize: number
  readonly askSize: number
}

/** An IB error code and text to reject the next order with. */
export interface RejectionInput {
  readonly code: number
  readonly reason: string
}

/** The control surface. Invalid inputs (a negative price, a bid above the ask) are defects: they are test bugs. */
export class SimControl extends Context.Service<
  SimControl,
  {
    /** The simulator's current time, epoch ms (start time + Clock time elapsed). */
    readonly now: Effect.Effect<number>
    /** True when the market is open now (session clock or forced state). */
    readonly isMarketOpen: Effect.Effect<boolean>
    /** Moves an underlying, and with it the whole chain; an unknown symbol joins the universe at 30% volatility. */
    readonly setUnderlyingPrice: (symbol: string, price: PriceInput) => Effect.Effect<void>
    /** Forces the market open or closed, or back to the 09:30-16:00 New York session ("auto"). Held orders work from the open. */
    readonly setMarketOpen: (open: boolean | "auto") => Effect.Effect<void>
    /** Pins one option's quote (until {@link clearQuote}); fails with NoSecurityDefinition for an unlisted contract. */
    readonly setQuote: (contract: Contract.OptionContract, quote: QuoteInput) => Effect.Effect<void, BrokerError>
    /** Returns an option to model quotes. */
    readonly clearQuote: (contract: Contract.OptionContract) => Effect.Effect<void>
    /**
     * How the next orders fill: "auto" (the market decides), "full", "none", or `{ partial: [1, 2] }` (exactly these
     * quantities, one per fill attempt). Applies to the next `orders` orders, or to every order until changed.
     */
    readonly scriptFills: (script: FillScript, options?: { readonly orders?: number }) => Effect.Effect<void>
    /** The next order placed is rejected, after the acknowledgement latency, with this code and text. */
    readonly rejectNext: (rejection: RejectionInput) => Effect.Effect<void>
    /** Changes latencies for requests made from now on. */
    readonly setLatency: (latency: Partial<Latencies>) => Effect.Effect<void>
    /** Switches faults on or off (the ones not named keep their state). */
    readonly setFaults: (faults: Partial<Faults>) => Effect.Effect<void>
    /** Drops the connection: open orders get ContactLost, commands fail with NotConnected, orders keep working. */
    readonly disconnect: Effect.Effect<void>
    /** Restores the connection: missed executions are replayed, then a Reconciled per order the outage touched. */
    readonly reconnect: Effect.Effect<void>
    /** A JSON-able snapshot of orders, ids, positions, executions, the market and the simulated time. */
    readonly exportState: Effect.Effect<SimStateJson>
    /** Restores a snapshot: the simulated clock jumps to the snapshot's time and open orders resume working. */
    readonly importState: (state: unknown) => Effect.Effect<void, SimStateError>
  }
>()("@spreads/sim/SimControl") {}
