/**
 * Configuration of the simulated broker and market, with defaults that make a fresh simulator trade like a calm,
 * liquid US options market on a Monday morning.
 *
 * Time: the simulator's "now" is `startTime + (Clock time elapsed since the layer was built)`. Effect's TestClock
 * starts at 0 (1970-01-01T00:00Z, a Wednesday 19:00 in New York: market closed), so the default `startTime` is a fixed
 * Monday 10:00 New York; pass `startTime: "clock"` to use the Clock's own time unchanged (live demos).
 * @module
 */
import { Schema } from "effect"
import { nyInstant, dayOfDate } from "./MarketHours.ts"
import * as Random from "./Random.ts"
import { DEFAULT_UNIVERSE, type UnderlyingSpec } from "./SimMarket.ts"

/** A latency in milliseconds: fixed, or uniform in [min, max] drawn from the seeded generator per order. */
export type Latency = number | { readonly min: number; readonly max: number }

const LATENCY = Random.purpose("latency")

/** One latency: the fixed value, or a uniform whole number of ms in [min, max] addressed by (seed, key, draw). */
export const drawLatency = (l: Latency, seed: number, key: number, draw: number): number =>
  typeof l === "number" ? l : Random.intIn(Random.uniformAt(seed, LATENCY, key, draw), l.min, l.max)

/** The four latencies of a request's life. */
export interface Latencies {
  /** From place to the acknowledgement (or rejection). */
  readonly ackMs: Latency
  /** From the acknowledgement (or a modify) to the first fill attempt. */
  readonly fillMs: Latency
  /** From a cancel request to its confirmation (or refusal). */
  readonly cancelMs: Latency
  /** From a modify request to its confirmation (or refusal). */
  readonly modifyMs: Latency
}

/** What the broker does with an order while the market is closed. */
export type MarketClosedPolicy =
  /** Reject it: IB code 201 "Order rejected - reason:the market is closed". */
  | "reject"
  /** Accept it as PreSubmitted with warning 399, and work it from the next open. */
  | "hold"

/** Injectable broker misbehaviour, each off by default. */
export interface Faults {
  /** Every status event (Acknowledged, Cancelled, Modified) and combo execution is reported twice. */
  readonly duplicateStatus: boolean
  /** A stale `Acknowledged Submitted` follows every fill and every cancellation. */
  readonly outOfOrder: boolean
  /** A marketable order's first fill is reported before its acknowledgement. */
  readonly execBeforeAck: boolean
  /** Acknowledgements are never sent; fills and everything else still are. */
  readonly dropAck: boolean
  /**
   * A cancel request always races a fill that lands while the cancel is pending: `true` or "one" fills one combo
   * (the whole rest when only one is left), "rest" fills everything that remains.
   */
  readonly fillDuringPendingCancel: boolean | "one" | "rest"
}

/** The whole configuration. See {@link defaults} for the values a fresh simulator uses. */
export interface SimConfig extends Latencies {
  /** Seed of every random draw: spot paths, displayed sizes, latencies, resting fills, ids. */
  readonly seed: number
  /** Simulated epoch ms when the layer is built, or "clock" to follow the Clock as is. */
  readonly startTime: number | "clock"
  /** First id that `nextOrderId` hands out. */
  readonly firstOrderId: number
  /** How often working orders are re-evaluated against the market, in ms. */
  readonly evaluationIntervalMs: number
  /** Chance, per evaluation, that a limit resting strictly inside the combo's bid/ask fills at its limit. */
  readonly restingFillProbability: number
  /** Market orders fill this many combo ticks worse than the natural price. */
  readonly slippageTicks: number
  /** Combo price increment; a limit off this grid is rejected with code 110. */
  readonly comboTick: number
  /** When true, one execution takes at most the smallest displayed size / ratio over the legs. */
  readonly partialFills: boolean
  /** Commission per option contract, USD. */
  readonly commissionPerContract: number
  /** Minimum commission per leg execution, USD. */
  readonly commissionMinimum: number
  /** What happens to orders placed while the market is closed. */
  readonly marketClosed: MarketClosedPolicy
  /** Market state: "auto" follows the 09:30-16:00 New York session; true/false force it. */
  readonly marketOpen: boolean | "auto"
  /** Largest order, in combos; above it the order is rejected with code 201. */
  readonly maxOrderSize: number
  /** Account buying power, USD; an order whose margin (max loss for defined risk) exceeds it is rejected (201). */
  readonly buyingPower: number
  /** DAY orders still working at the close are cancelled (only while the market follows the session clock). */
  readonly expireDayOrders: boolean
  /** Scale of the random spot moves: 1 = each underlying's own volatility, 0 = spot stays where it is put. */
  readonly priceMotion: number
  /** Risk-free rate for option pricing. */
  readonly riskFreeRate: number
  /** The tradable underlyings; anything else is unknown (code 200). */
  readonly underlyings: Readonly<Record<string, UnderlyingSpec>>
  /** Completed orders and executions kept for snapshots; older ones are forgotten. */
  readonly historyLimit: number
  /** Fault injection. */
  readonly faults: Faults
}

/** Overrides accepted by `SimBroker.layer`: any field, and any subset of the faults. */
export type SimConfigInput = Partial<Omit<SimConfig, "faults">> & { readonly faults?: Partial<Faults> }

/** Monday 2026-11-30 10:00 America/New_York: the default simulated start, half an hour into a session. */
export const DEFAULT_START_TIME: number = nyInstant(dayOfDate("2026-11-30"), 10 * 60)

/** No faults. */
export const noFaults: Faults = {
  duplicateStatus: false,
  outOfOrder: false,
  execBeforeAck: false,
  dropAck: false,
  fillDuringPendingCancel: false
}

/** The defaults. */
export const defaults: SimConfig = {
  seed: 1,
  startTime: DEFAULT_START_TIME,
  firstOrderId: 1000,
  ackMs: 50,
  fillMs: 150,
  cancelMs: 100,
  modifyMs: 100,
  evaluationIntervalMs: 1000,
  restingFillProbability: 0.2,
  slippageTicks: 0,
  comboTick: 0.01,
  partialFills: true,
  commissionPerContract: 0.65,
  commissionMinimum: 1,
  marketClosed: "reject",
  marketOpen: "auto",
  maxOrderSize: 500,
  buyingPower: 1_000_000,
  expireDayOrders: true,
  priceMotion: 1,
  riskFreeRate: 0.04,
  underlyings: DEFAULT_UNIVERSE,
  historyLimit: 10_000,
  faults: noFaults
}

/** A configuration that cannot run, with every problem in one sentence. */
export class SimConfigError extends Schema.TaggedError<SimConfigError>()("SimConfigError", {
  message: Schema.String
}) {}

const latencyProblem = (name: string, l: Latency): string | undefined => {
  if (typeof l === "number") return Number.isFinite(l) && l >= 0 ? undefined : `${name} must be 0 or more ms, got ${l}`
  return Number.isFinite(l.min) && Number.isFinite(l.max) && l.min >= 0 && l.max >= l.min
    ? undefined
    : `${name} must be {min, max} with 0 <= min <= max, got {min: ${l.min}, max: ${l.max}}`
}

/** The rules a set of latencies breaks (empty when they are valid). */
export const latencyProblems = (l: Partial<Latencies>): ReadonlyArray<string> =>
  (["ackMs", "fillMs", "cancelMs", "modifyMs"] as const).flatMap((k) => {
    const v = l[k]
    const bad = v === undefined ? undefined : latencyProblem(k, v)
    return bad === undefined ? [] : [bad]
  })

/** Every rule a configuration breaks (empty when it is valid). */
export const problems = (c: SimConfig): ReadonlyArray<string> => {
  const out: Array<string | undefined> = [
    Number.isInteger(c.seed) ? undefined : `seed must be a whole number, got ${c.seed}`,
    c.startTime === "clock" || Number.isFinite(c.startTime) ? undefined : `startTime must be epoch ms or "clock"`,
    Number.isInteger(c.firstOrderId) && c.firstOrderId > 0 ? undefined : `firstOrderId must be a positive whole number`,
    ...latencyProblems(c),
    c.evaluationIntervalMs > 0 ? undefined : `evaluationIntervalMs must be above 0, got ${c.evaluationIntervalMs}`,
    c.restingFillProbability >= 0 && c.restingFillProbability <= 1
      ? undefined
      : `restingFillProbability must be between 0 and 1, got ${c.restingFillProbability}`,
    c.slippageTicks >= 0 && Number.isInteger(c.slippageTicks) ? undefined : `slippageTicks must be a whole number >= 0`,
    c.comboTick > 0 && Number.isInteger(Math.round(c.comboTick * 1e4))
      ? undefined
      : `comboTick must be a positive price`,
    c.commissionPerContract >= 0 && c.commissionMinimum >= 0 ? undefined : `commissions must not be negative`,
    c.maxOrderSize >= 1 ? undefined : `maxOrderSize must be at least 1, got ${c.maxOrderSize}`,
    c.buyingPower >= 0 ? undefined : `buyingPower must not be negative, got ${c.buyingPower}`,
    c.priceMotion >= 0 ? undefined : `priceMotion must not be negative, got ${c.priceMotion}`,
    c.historyLimit >= 1 ? undefined : `historyLimit must be at least 1`,
    ...Object.entries(c.underlyings).map(([s, u]) =>
      u.price > 0 && u.vol > 0 ? undefined : `underlying ${s} needs a price and a volatility above 0`
    )
  ]
  return out.filter((p): p is string => p !== undefined)
}

/** Merges overrides onto the defaults (faults merge field by field) and validates the result. */
export const make = (input: SimConfigInput = {}): SimConfig | SimConfigError => {
  const { faults, ...rest } = input
  const config: SimConfig = { ...defaults, ...rest, faults: { ...defaults.faults, ...faults } }
  const bad = problems(config)
  return bad.length === 0
    ? config
    : new SimConfigError({ message: `invalid simulator configuration: ${bad.join("; ")}` })
}
