/**
 * The MarketData port: quotes per option and per underlying, and the option chain.
 * @module
 */
import type { Contract, Price, Values } from "@spreads/domain"
import { Context, type Effect } from "effect"
import type { BrokerError } from "../Errors.ts"

/** Greeks when the source computes them. */
export interface Greeks {
  readonly impliedVol: number
  readonly delta: number
  readonly gamma: number
  readonly theta: number
  readonly vega: number
}

/** A quote for one option. Prices are exact decimals per share. */
export interface OptionQuote {
  readonly bid: Price.Decimal
  readonly ask: Price.Decimal
  readonly last?: Price.Decimal
  readonly bidSize: number
  readonly askSize: number
  readonly greeks?: Greeks
}

/** Expiries and strikes listed for an underlying. */
export interface OptionChain {
  readonly underlying: Values.Underlying
  readonly expiries: ReadonlyArray<Contract.Expiry>
  readonly strikes: ReadonlyArray<Price.Decimal>
}

/** The MarketData port. */
export class MarketData extends Context.Service<
  MarketData,
  {
    /** Current quote of an option. Fails with NoSecurityDefinition for a contract that is not listed. */
    readonly quote: (contract: Contract.OptionContract) => Effect.Effect<OptionQuote, BrokerError>
    /** Last price of the underlying. */
    readonly underlyingPrice: (underlying: Values.Underlying) => Effect.Effect<Price.Decimal, BrokerError>
    /** Listed expiries and strikes (strikes of the nearest expiry, or of `expiry` when given). */
    readonly chain: (underlying: Values.Underlying, expiry?: Contract.Expiry) => Effect.Effect<OptionChain, BrokerError>
  }
>()("@spreads/application/MarketData") {}
