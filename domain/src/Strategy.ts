/**
 * Option spreads, built only by smart constructors that enforce each strategy's rules. Leg actions are fixed by the
 * strategy's definition ("buy the 150 call, sell the 155 call"); the direction of a trade lives in the combo order's
 * action, never in the legs. A SHORT bull call is a SELL of the same two legs.
 * @module
 */
import { BigDecimal, Result, Schema } from "effect"
import { contractKey, type Expiry, OptionContract, optionContract } from "./Contract.ts"
import { invalid, type ValidationError } from "./Errors.ts"
import { type Decimal, format } from "./Price.ts"
import { Action, type Right, Underlying } from "./Values.ts"

/** Every strategy family the library builds. `CUSTOM` is a general N-leg combo with ratios. */
export const StrategyKind = Schema.Literals([
  "BULL_CALL",
  "BEAR_PUT",
  "BEAR_CALL",
  "BULL_PUT",
  "STRADDLE",
  "STRANGLE",
  "IRON_CONDOR",
  "IRON_BUTTERFLY",
  "BUTTERFLY",
  "CALENDAR",
  "CUSTOM"
])
/** @see {@link StrategyKind} */
export type StrategyKind = typeof StrategyKind.Type

/** One leg of a spread: a contract, the action the strategy takes on it, and its ratio (a positive integer). */
export const SpreadLeg = Schema.Struct({ contract: OptionContract, action: Action, ratio: Schema.Number })
/** @see {@link SpreadLeg} */
export type SpreadLeg = typeof SpreadLeg.Type

/**
 * A validated spread. Legs are ordered as the strategy lists them (low strike to high, front expiry first).
 * Build it with {@link makeSpread} or {@link customSpread}; the schema is for decoding stored or wire copies.
 */
export const OptionSpread = Schema.Struct({
  strategy: StrategyKind,
  underlying: Underlying,
  legs: Schema.Array(SpreadLeg)
})
/** @see {@link OptionSpread} */
export type OptionSpread = typeof OptionSpread.Type

/** Kebab-case names used by the CLI and the Gherkin steps: `bull-call` <-> `BULL_CALL`. */
export const strategyName = (k: StrategyKind): string => k.toLowerCase().replaceAll("_", "-")

/** Parses a kebab-case or upper-case strategy name. */
export const parseStrategy = (input: string): Result.Result<StrategyKind, ValidationError> => {
  const k = input.trim().toUpperCase().replaceAll("-", "_")
  return (StrategyKind.literals as ReadonlyArray<string>).includes(k)
    ? Result.succeed(k as StrategyKind)
    : Result.fail(
        invalid(
          "strategy",
          `unknown strategy ${JSON.stringify(input)}; expected one of ${StrategyKind.literals
            .filter((s) => s !== "CUSTOM")
            .map(strategyName)
            .join(", ")}`
        )
      )
}

/** What every named strategy needs: the underlying, its expiry and strikes (low to high). */
export interface SpreadSpec {
  readonly strategy: Exclude<StrategyKind, "CUSTOM">
  readonly underlying: Underlying
  readonly expiry: Expiry
  readonly strikes: ReadonlyArray<Decimal>
  /** Right for butterflies and calendars (default call). Ignored by strategies whose rights are fixed. */
  readonly right?: Right
  /** Back-month expiry, calendars only. */
  readonly backExpiry?: Expiry
}

const leg = (contract: OptionContract, action: Action, ratio = 1): SpreadLeg => ({ contract, action, ratio })

const lt = (a: Decimal, b: Decimal) => BigDecimal.isLessThan(a, b)

const needStrikes = (spec: SpreadSpec, n: number, shape: string): ValidationError | undefined => {
  if (spec.strikes.length !== n) {
    return invalid(
      "strikes",
      `${strategyName(spec.strategy)} takes ${n} strike${n > 1 ? "s" : ""} (${shape}), got ${spec.strikes.length}`
    )
  }
  for (let i = 1; i < spec.strikes.length; i++) {
    if (!lt(spec.strikes[i - 1]!, spec.strikes[i]!)) {
      return invalid(
        "strikes",
        `${strategyName(spec.strategy)} strikes must go from low to high with no repeats, got ${spec.strikes.map((s) => format(s)).join("/")}`
      )
    }
  }
  return undefined
}

const equalWings = (spec: SpreadSpec): ValidationError | undefined => {
  const [a, b, c] = spec.strikes as [Decimal, Decimal, Decimal]
  return BigDecimal.equals(BigDecimal.subtract(b, a), BigDecimal.subtract(c, b))
    ? undefined
    : invalid(
        "strikes",
        `${strategyName(spec.strategy)} needs equal wings: ${format(a)}/${format(b)}/${format(c)} has ${format(BigDecimal.subtract(b, a))} below and ${format(BigDecimal.subtract(c, b))} above; use a custom combo for broken wings`
      )
}

/**
 * Builds a named strategy from its spec, or explains which rule it breaks. The legs each strategy buys and sells:
 * - BULL_CALL: buy low call, sell high call (debit). BEAR_PUT: buy high put, sell low put (debit).
 * - BEAR_CALL: sell low call, buy high call (credit). BULL_PUT: sell high put, buy low put (credit).
 * - STRADDLE: buy call and put at one strike. STRANGLE: buy low put, buy high call.
 * - IRON_CONDOR (k1<k2<k3<k4): buy k1 put, sell k2 put, sell k3 call, buy k4 call (credit).
 * - IRON_BUTTERFLY (k1<k2<k3, equal wings): buy k1 put, sell k2 put, sell k2 call, buy k3 call (credit).
 * - BUTTERFLY (k1<k2<k3, equal wings): buy k1, sell 2 x k2, buy k3, all calls or all puts (debit).
 * - CALENDAR: sell the front expiry, buy the back expiry, same strike and right (debit).
 */
export const makeSpread = (spec: SpreadSpec): Result.Result<OptionSpread, ValidationError> => {
  const u = spec.underlying
  const opt = (k: Decimal, right: Right, e: Expiry = spec.expiry) => optionContract(u, e, k, right)
  const done = (legs: ReadonlyArray<SpreadLeg>) =>
    Result.succeed<OptionSpread>({ strategy: spec.strategy, underlying: u, legs })
  const fail = (e: ValidationError) => Result.fail(e)
  const [k1, k2, k3, k4] = spec.strikes as [Decimal, Decimal, Decimal, Decimal]
  switch (spec.strategy) {
    case "BULL_CALL":
    case "BEAR_PUT":
    case "BEAR_CALL":
    case "BULL_PUT":
    case "STRANGLE": {
      const bad = needStrikes(spec, 2, "low/high")
      if (bad) return fail(bad)
      if (spec.strategy === "BULL_CALL") return done([leg(opt(k1, "C"), "BUY"), leg(opt(k2, "C"), "SELL")])
      if (spec.strategy === "BEAR_PUT") return done([leg(opt(k1, "P"), "SELL"), leg(opt(k2, "P"), "BUY")])
      if (spec.strategy === "BEAR_CALL") return done([leg(opt(k1, "C"), "SELL"), leg(opt(k2, "C"), "BUY")])
      if (spec.strategy === "BULL_PUT") return done([leg(opt(k1, "P"), "BUY"), leg(opt(k2, "P"), "SELL")])
      return done([leg(opt(k1, "P"), "BUY"), leg(opt(k2, "C"), "BUY")])
    }
    case "STRADDLE": {
      const bad = needStrikes(spec, 1, "one strike")
      return bad ? fail(bad) : done([leg(opt(k1, "P"), "BUY"), leg(opt(k1, "C"), "BUY")])
    }
    case "IRON_CONDOR": {
      const bad = needStrikes(spec, 4, "put wing/short put/short call/call wing")
      return bad
        ? fail(bad)
        : done([
            leg(opt(k1, "P"), "BUY"),
            leg(opt(k2, "P"), "SELL"),
            leg(opt(k3, "C"), "SELL"),
            leg(opt(k4, "C"), "BUY")
          ])
    }
    case "IRON_BUTTERFLY": {
      const bad = needStrikes(spec, 3, "low wing/body/high wing") ?? equalWings(spec)
      return bad
        ? fail(bad)
        : done([
            leg(opt(k1, "P"), "BUY"),
            leg(opt(k2, "P"), "SELL"),
            leg(opt(k2, "C"), "SELL"),
            leg(opt(k3, "C"), "BUY")
          ])
    }
    case "BUTTERFLY": {
      const bad = needStrikes(spec, 3, "low wing/body/high wing") ?? equalWings(spec)
      const r = spec.right ?? "C"
      return bad ? fail(bad) : done([leg(opt(k1, r), "BUY"), leg(opt(k2, r), "SELL", 2), leg(opt(k3, r), "BUY")])
    }
    case "CALENDAR": {
      const bad = needStrikes(spec, 1, "one strike")
      if (bad) return fail(bad)
      if (spec.backExpiry === undefined) return fail(invalid("backExpiry", "a calendar needs a back-month expiry"))
      if (spec.backExpiry <= spec.expiry) {
        return fail(
          invalid("backExpiry", `back expiry ${spec.backExpiry} must be after the front expiry ${spec.expiry}`)
        )
      }
      const r = spec.right ?? "C"
      return done([leg(opt(k1, r), "SELL"), leg(opt(k1, r, spec.backExpiry), "BUY")])
    }
  }
}

/**
 * A general combo of 2 to 8 legs on one underlying. Ratios are positive integers in lowest terms (2:4 is 1:2 with
 * twice the quantity), and no contract appears twice.
 */
export const customSpread = (legs: ReadonlyArray<SpreadLeg>): Result.Result<OptionSpread, ValidationError> => {
  if (legs.length < 2 || legs.length > 8)
    return Result.fail(invalid("legs", `a combo takes 2 to 8 legs, got ${legs.length}`))
  const u = legs[0]!.contract.underlying
  const keys = new Set<string>()
  for (const l of legs) {
    if (l.contract.underlying !== u) {
      return Result.fail(invalid("legs", `all legs must be on one underlying: ${u} and ${l.contract.underlying}`))
    }
    if (!Number.isInteger(l.ratio) || l.ratio < 1 || l.ratio > 100) {
      return Result.fail(invalid("legs", `leg ratio must be a whole number from 1 to 100, got ${l.ratio}`))
    }
    const key = contractKey(l.contract)
    if (keys.has(key)) return Result.fail(invalid("legs", `the contract ${key} appears twice`))
    keys.add(key)
  }
  const g = legs.map((l) => l.ratio).reduce(gcd)
  if (g !== 1) {
    return Result.fail(
      invalid(
        "legs",
        `ratios ${legs.map((l) => l.ratio).join(":")} are not in lowest terms; divide them by ${g} and multiply the quantity`
      )
    )
  }
  return Result.succeed({ strategy: "CUSTOM", underlying: u, legs })
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b))

/** True when every leg shares one expiry (everything but calendars and diagonal customs). */
export const isSingleExpiry = (s: OptionSpread): boolean =>
  s.legs.every((l) => l.contract.expiry === s.legs[0]!.contract.expiry)

/** Human description: `AAPL bull-call 2026-12-18 150/155`. */
export const describeSpread = (s: OptionSpread): string => {
  const strikes = [...new Set(s.legs.map((l) => format(l.contract.strike)))]
  const expiries = [...new Set(s.legs.map((l) => l.contract.expiry))]
  return `${s.underlying} ${strategyName(s.strategy)} ${expiries.join("/")} ${strikes.join("/")}`
}

/** Replaces each leg's contract with its qualified twin (conId set), keyed by {@link contractKey}. */
export const withConIds = (s: OptionSpread, conIds: ReadonlyMap<string, number>): OptionSpread => ({
  ...s,
  legs: s.legs.map((l) => {
    const conId = conIds.get(contractKey(l.contract))
    return conId === undefined ? l : { ...l, contract: { ...l.contract, conId } }
  })
})
