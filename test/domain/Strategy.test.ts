import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import { actionOf, makeComboOrder } from "../../domain/src/ComboOrder.ts"
import { contractKey, type Expiry, expiry, optionContract } from "../../domain/src/Contract.ts"
import { debit, format } from "../../domain/src/Price.ts"
import {
  customSpread,
  describeSpread,
  isSingleExpiry,
  makeSpread,
  type OptionSpread,
  parseStrategy,
  type SpreadLeg,
  type SpreadSpec,
  StrategyKind,
  strategyName,
  withConIds
} from "../../domain/src/Strategy.ts"
import { type Action, getOrThrow, make, type Right } from "../../domain/src/Values.ts"
import { AAPL, BACK, FRONT, failureOf, ks, spread } from "./fixtures.ts"

/** A leg as a line a trader reads: `BUY 1 2026-12-18 150.00 C`. */
const line = (l: SpreadLeg): string =>
  `${l.action} ${l.ratio} ${l.contract.expiry} ${format(l.contract.strike)} ${l.contract.right}`
const F = "2026-12-18"
const B = "2027-01-15"

type Spec = Omit<SpreadSpec, "underlying" | "expiry" | "strikes"> & { readonly strikes: ReadonlyArray<string> }
const build = (spec: Spec): Result.Result<OptionSpread, import("../../domain/src/Errors.ts").ValidationError> =>
  makeSpread({ ...spec, underlying: AAPL, expiry: FRONT, strikes: ks(...spec.strikes) })

describe("Strategy", () => {
  describe("every named strategy builds exactly its legs", () => {
    const cases: ReadonlyArray<{ readonly spec: Spec; readonly legs: ReadonlyArray<string> }> = [
      {
        spec: { strategy: "BULL_CALL", strikes: ["150", "155"] },
        legs: [`BUY 1 ${F} 150.00 C`, `SELL 1 ${F} 155.00 C`]
      },
      {
        spec: { strategy: "BEAR_PUT", strikes: ["150", "155"] },
        legs: [`SELL 1 ${F} 150.00 P`, `BUY 1 ${F} 155.00 P`]
      },
      {
        spec: { strategy: "BEAR_CALL", strikes: ["150", "155"] },
        legs: [`SELL 1 ${F} 150.00 C`, `BUY 1 ${F} 155.00 C`]
      },
      {
        spec: { strategy: "BULL_PUT", strikes: ["150", "155"] },
        legs: [`BUY 1 ${F} 150.00 P`, `SELL 1 ${F} 155.00 P`]
      },
      { spec: { strategy: "STRADDLE", strikes: ["150"] }, legs: [`BUY 1 ${F} 150.00 P`, `BUY 1 ${F} 150.00 C`] },
      { spec: { strategy: "STRANGLE", strikes: ["145", "155"] }, legs: [`BUY 1 ${F} 145.00 P`, `BUY 1 ${F} 155.00 C`] },
      {
        spec: { strategy: "IRON_CONDOR", strikes: ["140", "145", "155", "160"] },
        legs: [`BUY 1 ${F} 140.00 P`, `SELL 1 ${F} 145.00 P`, `SELL 1 ${F} 155.00 C`, `BUY 1 ${F} 160.00 C`]
      },
      {
        spec: { strategy: "IRON_BUTTERFLY", strikes: ["140", "150", "160"] },
        legs: [`BUY 1 ${F} 140.00 P`, `SELL 1 ${F} 150.00 P`, `SELL 1 ${F} 150.00 C`, `BUY 1 ${F} 160.00 C`]
      },
      {
        spec: { strategy: "BUTTERFLY", strikes: ["145", "150", "155"] },
        legs: [`BUY 1 ${F} 145.00 C`, `SELL 2 ${F} 150.00 C`, `BUY 1 ${F} 155.00 C`]
      },
      {
        spec: { strategy: "BUTTERFLY", strikes: ["145", "150", "155"], right: "P" },
        legs: [`BUY 1 ${F} 145.00 P`, `SELL 2 ${F} 150.00 P`, `BUY 1 ${F} 155.00 P`]
      },
      {
        spec: { strategy: "BUTTERFLY", strikes: ["22.5", "25", "27.5"] },
        legs: [`BUY 1 ${F} 22.50 C`, `SELL 2 ${F} 25.00 C`, `BUY 1 ${F} 27.50 C`]
      },
      {
        spec: { strategy: "CALENDAR", strikes: ["150"], backExpiry: BACK },
        legs: [`SELL 1 ${F} 150.00 C`, `BUY 1 ${B} 150.00 C`]
      },
      {
        spec: { strategy: "CALENDAR", strikes: ["150"], backExpiry: BACK, right: "P" },
        legs: [`SELL 1 ${F} 150.00 P`, `BUY 1 ${B} 150.00 P`]
      },
      // Rights are fixed by the strategy: a right given to a vertical is ignored.
      {
        spec: { strategy: "BULL_CALL", strikes: ["150", "155"], right: "P" },
        legs: [`BUY 1 ${F} 150.00 C`, `SELL 1 ${F} 155.00 C`]
      }
    ]
    it.each(cases)("$spec.strategy $spec.strikes $spec.right", ({ spec, legs }) => {
      const s = getOrThrow(build(spec))
      assert.strictEqual(s.strategy, spec.strategy)
      assert.strictEqual(s.underlying, "AAPL")
      assert.deepStrictEqual(s.legs.map(line), legs)
      for (const l of s.legs) {
        assert.strictEqual(l.contract.underlying, "AAPL")
        assert.strictEqual(l.contract.multiplier, 100)
      }
    })

    it("covers every strategy kind but CUSTOM", () => {
      const kinds = new Set(cases.map((c) => c.spec.strategy))
      assert.deepStrictEqual([...kinds].sort(), StrategyKind.literals.filter((k) => k !== "CUSTOM").sort())
    })
  })

  describe("invalid specs say which rule they break", () => {
    const cases: ReadonlyArray<{
      readonly name: string
      readonly spec: Spec
      readonly field: string
      readonly message: string
    }> = [
      {
        name: "vertical with one strike",
        spec: { strategy: "BULL_CALL", strikes: ["150"] },
        field: "strikes",
        message: "strikes: bull-call takes 2 strikes (low/high), got 1"
      },
      {
        name: "vertical with three strikes",
        spec: { strategy: "BEAR_PUT", strikes: ["145", "150", "155"] },
        field: "strikes",
        message: "strikes: bear-put takes 2 strikes (low/high), got 3"
      },
      {
        name: "vertical with no strikes",
        spec: { strategy: "BULL_PUT", strikes: [] },
        field: "strikes",
        message: "strikes: bull-put takes 2 strikes (low/high), got 0"
      },
      {
        name: "vertical high to low",
        spec: { strategy: "BULL_CALL", strikes: ["155", "150"] },
        field: "strikes",
        message: "strikes: bull-call strikes must go from low to high with no repeats, got 155.00/150.00"
      },
      {
        name: "vertical with a repeated strike",
        spec: { strategy: "BEAR_CALL", strikes: ["150", "150"] },
        field: "strikes",
        message: "strikes: bear-call strikes must go from low to high with no repeats, got 150.00/150.00"
      },
      {
        name: "150 and 150.00 are a repeat",
        spec: { strategy: "BEAR_CALL", strikes: ["150", "150.00"] },
        field: "strikes",
        message: "strikes: bear-call strikes must go from low to high with no repeats, got 150.00/150.00"
      },
      {
        name: "straddle with two strikes",
        spec: { strategy: "STRADDLE", strikes: ["150", "155"] },
        field: "strikes",
        message: "strikes: straddle takes 1 strike (one strike), got 2"
      },
      {
        name: "strangle high to low",
        spec: { strategy: "STRANGLE", strikes: ["155", "145"] },
        field: "strikes",
        message: "strikes: strangle strikes must go from low to high with no repeats, got 155.00/145.00"
      },
      {
        name: "strangle with one strike",
        spec: { strategy: "STRANGLE", strikes: ["150"] },
        field: "strikes",
        message: "strikes: strangle takes 2 strikes (low/high), got 1"
      },
      {
        name: "iron condor with three strikes",
        spec: { strategy: "IRON_CONDOR", strikes: ["140", "145", "155"] },
        field: "strikes",
        message: "strikes: iron-condor takes 4 strikes (put wing/short put/short call/call wing), got 3"
      },
      {
        name: "iron condor with a repeat",
        spec: { strategy: "IRON_CONDOR", strikes: ["140", "145", "145", "160"] },
        field: "strikes",
        message:
          "strikes: iron-condor strikes must go from low to high with no repeats, got 140.00/145.00/145.00/160.00"
      },
      {
        name: "iron condor unordered",
        spec: { strategy: "IRON_CONDOR", strikes: ["140", "155", "145", "160"] },
        field: "strikes",
        message:
          "strikes: iron-condor strikes must go from low to high with no repeats, got 140.00/155.00/145.00/160.00"
      },
      {
        name: "iron butterfly with unequal wings",
        spec: { strategy: "IRON_BUTTERFLY", strikes: ["140", "150", "155"] },
        field: "strikes",
        message:
          "strikes: iron-butterfly needs equal wings: 140.00/150.00/155.00 has 10.00 below and 5.00 above; use a custom combo for broken wings"
      },
      {
        name: "iron butterfly with four strikes",
        spec: { strategy: "IRON_BUTTERFLY", strikes: ["140", "150", "155", "160"] },
        field: "strikes",
        message: "strikes: iron-butterfly takes 3 strikes (low wing/body/high wing), got 4"
      },
      {
        name: "butterfly with unequal wings",
        spec: { strategy: "BUTTERFLY", strikes: ["145", "150", "160"] },
        field: "strikes",
        message:
          "strikes: butterfly needs equal wings: 145.00/150.00/160.00 has 5.00 below and 10.00 above; use a custom combo for broken wings"
      },
      {
        name: "butterfly unordered",
        spec: { strategy: "BUTTERFLY", strikes: ["150", "145", "155"] },
        field: "strikes",
        message: "strikes: butterfly strikes must go from low to high with no repeats, got 150.00/145.00/155.00"
      },
      {
        name: "butterfly with two strikes",
        spec: { strategy: "BUTTERFLY", strikes: ["145", "150"] },
        field: "strikes",
        message: "strikes: butterfly takes 3 strikes (low wing/body/high wing), got 2"
      },
      {
        name: "calendar without a back expiry",
        spec: { strategy: "CALENDAR", strikes: ["150"] },
        field: "backExpiry",
        message: "backExpiry: a calendar needs a back-month expiry"
      },
      {
        name: "calendar with back = front",
        spec: { strategy: "CALENDAR", strikes: ["150"], backExpiry: FRONT },
        field: "backExpiry",
        message: "backExpiry: back expiry 2026-12-18 must be after the front expiry 2026-12-18"
      },
      {
        name: "calendar with back before front",
        spec: { strategy: "CALENDAR", strikes: ["150"], backExpiry: expiry("2026-11-20") },
        field: "backExpiry",
        message: "backExpiry: back expiry 2026-11-20 must be after the front expiry 2026-12-18"
      },
      {
        name: "calendar with two strikes",
        spec: { strategy: "CALENDAR", strikes: ["150", "155"], backExpiry: BACK },
        field: "strikes",
        message: "strikes: calendar takes 1 strike (one strike), got 2"
      }
    ]
    it.each(cases)("$name", ({ spec, field, message }) => {
      const error = failureOf(build(spec))
      assert.strictEqual(error._tag, "ValidationError")
      assert.strictEqual(error.field, field)
      assert.strictEqual(error.message, message)
    })
  })

  describe("customSpread: a general N-leg combo", () => {
    const opt = (k: string, right: Right, e: Expiry = FRONT, u = AAPL) => optionContract(u, e, ks(k)[0]!, right)
    const L = (k: string, right: Right, action: Action, ratio = 1, e: Expiry = FRONT, u = AAPL): SpreadLeg => ({
      contract: opt(k, right, e, u),
      action,
      ratio
    })

    it.each([
      {
        name: "a 1x2 ratio call spread",
        legs: [L("150", "C", "BUY"), L("155", "C", "SELL", 2)],
        lines: [`BUY 1 ${F} 150.00 C`, `SELL 2 ${F} 155.00 C`]
      },
      {
        name: "a broken-wing butterfly",
        legs: [L("145", "C", "BUY"), L("150", "C", "SELL", 2), L("160", "C", "BUY")],
        lines: [`BUY 1 ${F} 145.00 C`, `SELL 2 ${F} 150.00 C`, `BUY 1 ${F} 160.00 C`]
      },
      {
        name: "a diagonal (two expiries)",
        legs: [L("150", "C", "SELL"), L("155", "C", "BUY", 1, BACK)],
        lines: [`SELL 1 ${F} 150.00 C`, `BUY 1 ${B} 155.00 C`]
      },
      {
        name: "ratios 2:3 (coprime)",
        legs: [L("150", "C", "BUY", 2), L("155", "C", "SELL", 3)],
        lines: [`BUY 2 ${F} 150.00 C`, `SELL 3 ${F} 155.00 C`]
      },
      {
        name: "same strike, call and put",
        legs: [L("150", "C", "BUY"), L("150", "P", "SELL")],
        lines: [`BUY 1 ${F} 150.00 C`, `SELL 1 ${F} 150.00 P`]
      }
    ])("valid: $name", ({ legs, lines }) => {
      const s = getOrThrow(customSpread(legs))
      assert.strictEqual(s.strategy, "CUSTOM")
      assert.strictEqual(s.underlying, "AAPL")
      assert.deepStrictEqual(s.legs.map(line), lines)
    })

    it("accepts 8 legs", () => {
      const legs = Array.from({ length: 8 }, (_, i) => L(String(140 + i), "C", i % 2 === 0 ? "BUY" : "SELL"))
      assert.strictEqual(getOrThrow(customSpread(legs)).legs.length, 8)
    })

    it.each([
      { name: "no legs", legs: [], message: "legs: a combo takes 2 to 8 legs, got 0" },
      { name: "one leg", legs: [L("150", "C", "BUY")], message: "legs: a combo takes 2 to 8 legs, got 1" },
      {
        name: "nine legs",
        legs: Array.from({ length: 9 }, (_, i) => L(String(140 + i), "C", "BUY")),
        message: "legs: a combo takes 2 to 8 legs, got 9"
      },
      {
        name: "mixed underlyings",
        legs: [L("150", "C", "BUY"), L("155", "C", "SELL", 1, FRONT, make.underlying("MSFT"))],
        message: "legs: all legs must be on one underlying: AAPL and MSFT"
      },
      {
        name: "ratio 0",
        legs: [L("150", "C", "BUY", 0), L("155", "C", "SELL")],
        message: "legs: leg ratio must be a whole number from 1 to 100, got 0"
      },
      {
        name: "ratio -1",
        legs: [L("150", "C", "BUY"), L("155", "C", "SELL", -1)],
        message: "legs: leg ratio must be a whole number from 1 to 100, got -1"
      },
      {
        name: "fractional ratio",
        legs: [L("150", "C", "BUY", 1.5), L("155", "C", "SELL")],
        message: "legs: leg ratio must be a whole number from 1 to 100, got 1.5"
      },
      {
        name: "ratio 101",
        legs: [L("150", "C", "BUY", 101), L("155", "C", "SELL")],
        message: "legs: leg ratio must be a whole number from 1 to 100, got 101"
      },
      {
        name: "ratios 2:4",
        legs: [L("150", "C", "BUY", 2), L("155", "C", "SELL", 4)],
        message: "legs: ratios 2:4 are not in lowest terms; divide them by 2 and multiply the quantity"
      },
      {
        name: "ratios 3:6:3",
        legs: [L("145", "C", "BUY", 3), L("150", "C", "SELL", 6), L("155", "C", "BUY", 3)],
        message: "legs: ratios 3:6:3 are not in lowest terms; divide them by 3 and multiply the quantity"
      },
      {
        name: "the same contract twice",
        legs: [L("150", "C", "BUY"), L("150", "C", "SELL")],
        message: "legs: the contract AAPL 2026-12-18 150.00 C appears twice"
      },
      {
        name: "150 and 150.0 are the same contract",
        legs: [L("150", "C", "BUY"), L("150.0", "C", "SELL", 2)],
        message: "legs: the contract AAPL 2026-12-18 150.00 C appears twice"
      }
    ])("invalid: $name", ({ legs, message }) => {
      const error = failureOf(customSpread(legs))
      assert.strictEqual(error.field, "legs")
      assert.strictEqual(error.message, message)
    })
  })

  describe("names", () => {
    it.each([
      { input: "bull-call", kind: "BULL_CALL" },
      { input: "BULL_CALL", kind: "BULL_CALL" },
      { input: " bear-put ", kind: "BEAR_PUT" },
      { input: "Iron-Condor", kind: "IRON_CONDOR" },
      { input: "iron_butterfly", kind: "IRON_BUTTERFLY" },
      { input: "calendar", kind: "CALENDAR" },
      { input: "custom", kind: "CUSTOM" }
    ])("parseStrategy($input) = $kind", ({ input, kind }) => {
      assert.strictEqual(getOrThrow(parseStrategy(input)), kind)
    })

    it.each(StrategyKind.literals.map((kind) => ({ kind })))(
      "$kind survives strategyName -> parseStrategy",
      ({ kind }) => {
        assert.strictEqual(getOrThrow(parseStrategy(strategyName(kind))), kind)
        assert.notInclude(strategyName(kind), "_")
      }
    )

    it.each(["bull call", "", "condor", "BULL-CALLS"])("parseStrategy(%j) lists the known names", (input) => {
      const error = failureOf(parseStrategy(input))
      assert.strictEqual(error.field, "strategy")
      assert.strictEqual(
        error.message,
        `strategy: unknown strategy ${JSON.stringify(input)}; expected one of bull-call, bear-put, bear-call, bull-put, straddle, strangle, iron-condor, iron-butterfly, butterfly, calendar`
      )
    })
  })

  describe("SHORT is the same legs, sold", () => {
    const all: ReadonlyArray<OptionSpread> = [
      spread("BULL_CALL", ["150", "155"]),
      spread("BEAR_PUT", ["150", "155"]),
      spread("BEAR_CALL", ["150", "155"]),
      spread("BULL_PUT", ["150", "155"]),
      spread("STRADDLE", ["150"]),
      spread("STRANGLE", ["145", "155"]),
      spread("IRON_CONDOR", ["140", "145", "155", "160"]),
      spread("IRON_BUTTERFLY", ["140", "150", "160"]),
      spread("BUTTERFLY", ["145", "150", "155"]),
      spread("CALENDAR", ["150"], { backExpiry: BACK })
    ]
    it.each(all.map((s) => ({ s, name: s.strategy })))("$name", ({ s }) => {
      const order = (direction: "LONG" | "SHORT") =>
        getOrThrow(
          makeComboOrder({
            spread: s,
            action: actionOf(direction),
            quantity: 1,
            orderType: "LIMIT",
            limitPrice: debit("1.00"),
            orderRef: "r"
          })
        )
      const [long, short] = [order("LONG"), order("SHORT")]
      assert.strictEqual(long.action, "BUY")
      assert.strictEqual(short.action, "SELL")
      assert.deepStrictEqual(short.spread.legs.map(line), long.spread.legs.map(line))
      assert.deepStrictEqual(short.spread.legs.map(line), s.legs.map(line))
    })
  })

  describe("helpers", () => {
    it.each([
      { s: spread("BULL_CALL", ["150", "155"]), text: "AAPL bull-call 2026-12-18 150.00/155.00", single: true },
      { s: spread("STRADDLE", ["150"]), text: "AAPL straddle 2026-12-18 150.00", single: true },
      {
        s: spread("IRON_BUTTERFLY", ["140", "150", "160"]),
        text: "AAPL iron-butterfly 2026-12-18 140.00/150.00/160.00",
        single: true
      },
      {
        s: spread("CALENDAR", ["150"], { backExpiry: BACK }),
        text: "AAPL calendar 2026-12-18/2027-01-15 150.00",
        single: false
      }
    ])("describeSpread -> $text", ({ s, text, single }) => {
      assert.strictEqual(describeSpread(s), text)
      assert.strictEqual(isSingleExpiry(s), single)
    })

    it("withConIds fills in the conIds it knows, by contract key", () => {
      const s = spread("BULL_CALL", ["150", "155"])
      const low = contractKey(s.legs[0]!.contract)
      const q = withConIds(s, new Map([[low, 111]]))
      assert.strictEqual(q.legs[0]!.contract.conId, 111)
      assert.isUndefined(q.legs[1]!.contract.conId)
      assert.isUndefined(s.legs[0]!.contract.conId, "the original is not mutated")
      assert.deepStrictEqual(q.legs.map(line), s.legs.map(line))
    })
  })
})
