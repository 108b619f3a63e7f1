/**
 * Settings of the use cases: how long to wait for the broker, and the pre-trade risk limits. A Context.Reference with
 * defaults, so an embedding application overrides only what it needs:
 * `Effect.provideService(Settings, { ...Settings.defaults, risk: { ...limits } })`, or `Settings.layer(partial)`.
 * @module
 */
import { Context, Layer } from "effect"

/**
 * Pre-trade risk limits. Undefined means no limit: `Settings.layer({ risk: { maxOpenOrders: undefined } })` lifts a
 * default limit. Money is in the account currency (dollars).
 */
export interface RiskLimits {
  /** Most combos in one order. */
  readonly maxContractsPerOrder?: number | undefined
  /** Most orders open at once. */
  readonly maxOpenOrders?: number | undefined
  /** Largest possible loss of one order at expiry (max loss x multiplier x quantity). */
  readonly maxLossPerOrder?: number | undefined
  /** Money available to cover the max loss of all open orders plus this one. */
  readonly buyingPower?: number | undefined
}

/** All settings. Times are milliseconds of Effect Clock time (virtual in tests and the simulator). */
export interface SettingsShape {
  /** How long placeSpreadOrder waits for the acknowledgement before returning the order as it is. */
  readonly ackTimeoutMs: number
  /** How long cancelOrder waits for a final answer before reporting "still pending". */
  readonly cancelTimeoutMs: number
  /** How long modifyOrder waits for the broker to confirm the new terms. */
  readonly modifyTimeoutMs: number
  readonly risk: RiskLimits
  /**
   * Finished orders the OrderBook keeps in memory (the most recent ones); older ones are read back from the journal
   * when asked for, so memory stays flat however many orders finish.
   */
  readonly retainFinishedOrders: number
}

/** The default settings: 5 s for acknowledgements, cancels and modifies; 100 contracts and 50 open orders. */
export const defaults: SettingsShape = {
  ackTimeoutMs: 5_000,
  cancelTimeoutMs: 5_000,
  modifyTimeoutMs: 5_000,
  risk: { maxContractsPerOrder: 100, maxOpenOrders: 50 },
  retainFinishedOrders: 10_000
}

/** The settings reference. */
export const Settings = Context.Reference<SettingsShape>("@spreads/application/Settings", {
  defaultValue: () => defaults
})

/**
 * A layer setting some fields over the defaults. Risk limits merge one by one over the default limits; a limit given
 * as `undefined` is lifted.
 */
export const layer = (partial: Partial<SettingsShape>): Layer.Layer<never> =>
  Layer.succeed(Settings, { ...defaults, ...partial, risk: { ...defaults.risk, ...partial.risk } })
