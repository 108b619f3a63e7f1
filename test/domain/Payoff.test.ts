import { assert, describe, it } from "@effect/vitest"
import { BigDecimal } from "effect"
import * as fc from "fast-check"
import { optionContract } from "../../domain/src/Contract.ts"
import {
  type Bound,
  comboQuote,
  dollars,
  type LegQuote,
  midPrice,
  naturalPrice,
  payoff,
  width
} from "../../domain/src/Payoff.ts"
import { credit, dec, debit, equals, format, formatNet, type NetPrice, toSigned } from "../../domain/src/Price.ts"
import { customSpread, makeSpread, type OptionSpread } from "../../domain/src/Strategy.ts"
import { type Action, getOrThrow } from "../../domain/src/Values.ts"
import { AAPL, BACK, bullCall, FRONT, spread } from "./fixtures.ts"

const show = (b: Bound): string => (b === "unlimited" ? b : format(b))
const quote = (bid: string, ask: string): LegQuote => ({ bid: dec(bid), ask: dec(ask) })

describe("Payoff", () => {
  describe("max profit, max loss and breakevens at expiry (hand-computed, per share)", () => {
    const cases: ReadonlyArray<{
      readonly name: string
      readonly s: OptionSpread
      readonly action: Action
      readonly price: NetPrice
      readonly maxProfit: string
      readonly maxLoss: string
      readonly breakevens: ReadonlyArray<string>
    }> = [
      // Debit verticals: profit = width - debit, loss = debit.
      {
        name: "long 150/155 bull call at 2.00 debit",
        s: spread("BULL_CALL", ["150", "155"]),
        action: "BUY",
        price: debit("2.00"),
        maxProfit: "3.00",
        maxLoss: "2.00",
        breakevens: ["152.00"]
      },
      {
        name: "long 150/155 bear put at 2.00 debit",
        s: spread("BEAR_PUT", ["150", "155"]),
        action: "BUY",
        price: debit("2.00"),
        maxProfit: "3.00",
        maxLoss: "2.00",
        breakevens: ["153.00"]
      },
      {
        name: "long 150/160 bear put at 3.40 debit",
        s: spread("BEAR_PUT", ["150", "160"]),
        action: "BUY",
        price: debit("3.40"),
        maxProfit: "6.60",
        maxLoss: "3.40",
        breakevens: ["156.60"]
      },
      // Credit verticals: profit = credit, loss = width - credit.
      {
        name: "150/155 bear call for 1.50 credit",
        s: spread("BEAR_CALL", ["150", "155"]),
        action: "BUY",
        price: credit("1.50"),
        maxProfit: "1.50",
        maxLoss: "3.50",
        breakevens: ["151.50"]
      },
      {
        name: "150/155 bull put for 1.50 credit",
        s: spread("BULL_PUT", ["150", "155"]),
        action: "BUY",
        price: credit("1.50"),
        maxProfit: "1.50",
        maxLoss: "3.50",
        breakevens: ["153.50"]
      },
      // SHORT a bull call: the same legs sold, for a credit.
      {
        name: "short 150/155 bull call for 2.00 credit",
        s: spread("BULL_CALL", ["150", "155"]),
        action: "SELL",
        price: credit("2.00"),
        maxProfit: "2.00",
        maxLoss: "3.00",
        breakevens: ["152.00"]
      },
      // Straddles and strangles: unlimited on one side.
      {
        name: "long 150 straddle at 10.00",
        s: spread("STRADDLE", ["150"]),
        action: "BUY",
        price: debit("10"),
        maxProfit: "unlimited",
        maxLoss: "10.00",
        breakevens: ["140.00", "160.00"]
      },
      {
        name: "short 150 straddle for 10.00",
        s: spread("STRADDLE", ["150"]),
        action: "SELL",
        price: credit("10"),
        maxProfit: "10.00",
        maxLoss: "unlimited",
        breakevens: ["140.00", "160.00"]
      },
      {
        name: "long 145/155 strangle at 4.00",
        s: spread("STRANGLE", ["145", "155"]),
        action: "BUY",
        price: debit("4"),
        maxProfit: "unlimited",
        maxLoss: "4.00",
        breakevens: ["141.00", "159.00"]
      },
      {
        name: "short 145/155 strangle for 4.00",
        s: spread("STRANGLE", ["145", "155"]),
        action: "SELL",
        price: credit("4"),
        maxProfit: "4.00",
        maxLoss: "unlimited",
        breakevens: ["141.00", "159.00"]
      },
      {
        name: "straddle whose debit exceeds the strike: no lower breakeven above 0",
        s: spread("STRADDLE", ["150"]),
        action: "BUY",
        price: debit("200"),
        maxProfit: "unlimited",
        maxLoss: "200.00",
        breakevens: ["350.00"]
      },
      // Iron condor and iron butterfly: credit = profit, wing - credit = loss.
      {
        name: "140/145/155/160 iron condor for 2.00 credit",
        s: spread("IRON_CONDOR", ["140", "145", "155", "160"]),
        action: "BUY",
        price: credit("2"),
        maxProfit: "2.00",
        maxLoss: "3.00",
        breakevens: ["143.00", "157.00"]
      },
      {
        name: "reverse iron condor (sold) at 2.00 debit",
        s: spread("IRON_CONDOR", ["140", "145", "155", "160"]),
        action: "SELL",
        price: debit("2"),
        maxProfit: "3.00",
        maxLoss: "2.00",
        breakevens: ["143.00", "157.00"]
      },
      {
        name: "140/150/160 iron butterfly for 6.00 credit",
        s: spread("IRON_BUTTERFLY", ["140", "150", "160"]),
        action: "BUY",
        price: credit("6"),
        maxProfit: "6.00",
        maxLoss: "4.00",
        breakevens: ["144.00", "156.00"]
      },
      // Butterflies, calls or puts: width - debit, debit.
      {
        name: "145/150/155 call butterfly at 1.00",
        s: spread("BUTTERFLY", ["145", "150", "155"]),
        action: "BUY",
        price: debit("1"),
        maxProfit: "4.00",
        maxLoss: "1.00",
        breakevens: ["146.00", "154.00"]
      },
      {
        name: "145/150/155 put butterfly at 1.00",
        s: spread("BUTTERFLY", ["145", "150", "155"], { right: "P" }),
        action: "BUY",
        price: debit("1"),
        maxProfit: "4.00",
        maxLoss: "1.00",
        breakevens: ["146.00", "154.00"]
      },
      {
        name: "145/150/155 butterfly sold for 1.00",
        s: spread("BUTTERFLY", ["145", "150", "155"]),
        action: "SELL",
        price: credit("1"),
        maxProfit: "1.00",
        maxLoss: "4.00",
        breakevens: ["146.00", "154.00"]
      },
      // Exact fractions and the edges of the range.
      {
        name: "bull call at 1.333",
        s: spread("BULL_CALL", ["150", "155"]),
        action: "BUY",
        price: debit("1.333"),
        maxProfit: "3.667",
        maxLoss: "1.333",
        breakevens: ["151.333"]
      },
      {
        name: "bull call at its width: flat from 155 up",
        s: spread("BULL_CALL", ["150", "155"]),
        action: "BUY",
        price: debit("5"),
        maxProfit: "0.00",
        maxLoss: "5.00",
        breakevens: ["155.00"]
      },
      {
        name: "bear put at its width: flat from 150 down",
        s: spread("BEAR_PUT", ["150", "155"]),
        action: "BUY",
        price: debit("5"),
        maxProfit: "0.00",
        maxLoss: "5.00",
        breakevens: ["150.00"]
      },
      {
        name: "bull call for nothing: flat up to 150",
        s: spread("BULL_CALL", ["150", "155"]),
        action: "BUY",
        price: debit("0"),
        maxProfit: "5.00",
        maxLoss: "0.00",
        breakevens: ["150.00"]
      },
      {
        name: "bear put for nothing: flat from 155 up",
        s: spread("BEAR_PUT", ["150", "155"]),
        action: "BUY",
        price: debit("0"),
        maxProfit: "5.00",
        maxLoss: "0.00",
        breakevens: ["155.00"]
      },
      {
        name: "butterfly at its width touches zero at the body",
        s: spread("BUTTERFLY", ["145", "150", "155"]),
        action: "BUY",
        price: debit("5"),
        maxProfit: "0.00",
        maxLoss: "5.00",
        breakevens: ["150.00"]
      }
    ]
    it.each(cases)("$name", ({ s, action, price, maxProfit, maxLoss, breakevens }) => {
      const p = payoff(s, action, price)
      assert.isDefined(p)
      assert.strictEqual(show(p!.maxProfit), maxProfit)
      assert.strictEqual(show(p!.maxLoss), maxLoss)
      assert.deepStrictEqual(
        p!.breakevens.map((b) => format(b)),
        breakevens
      )
    })

    it("a custom 1x2 call ratio spread: capped profit, unlimited loss above", () => {
      const [l, h] = bullCall.legs
      const s = getOrThrow(customSpread([l!, { ...h!, ratio: 2 }]))
      const p = payoff(s, "BUY", debit("1"))!
      assert.strictEqual(show(p.maxProfit), "4.00")
      assert.strictEqual(show(p.maxLoss), "unlimited")
      assert.deepStrictEqual(
        p.breakevens.map((b) => format(b)),
        ["151.00", "159.00"]
      )
    })

    it("breakevens that do not terminate round at 4 places: a 1x4 ratio at zero cost", () => {
      const [l, h] = bullCall.legs
      const s = getOrThrow(customSpread([l!, { ...h!, ratio: 4 }]))
      const p = payoff(s, "BUY", debit("0"))!
      assert.deepStrictEqual(
        p.breakevens.map((b) => format(b)),
        ["150.00", "156.6667"]
      )
    })

    it.each([
      { name: "calendar", s: spread("CALENDAR", ["150"], { backExpiry: BACK }) },
      {
        name: "diagonal custom",
        s: getOrThrow(
          customSpread([
            { contract: optionContract(AAPL, FRONT, dec("150"), "C"), action: "SELL", ratio: 1 },
            { contract: optionContract(AAPL, BACK, dec("155"), "C"), action: "BUY", ratio: 1 }
          ])
        )
      }
    ])("is undefined for a $name (value at the front expiry needs a model)", ({ s }) => {
      assert.isUndefined(payoff(s, "BUY", debit("1.00")))
      assert.isUndefined(payoff(s, "SELL", credit("1.00")))
    })

    it("verticals and equal-wing condors: max profit + max loss = width, at any price inside (property)", () => {
      const strike = fc.integer({ min: 2, max: 500 })
      fc.assert(
        fc.property(
          fc.constantFrom(
            "BULL_CALL",
            "BEAR_PUT",
            "BEAR_CALL",
            "BULL_PUT",
            "IRON_CONDOR",
            "IRON_BUTTERFLY",
            "BUTTERFLY"
          ),
          strike,
          fc.integer({ min: 1, max: 20 }),
          fc.integer({ min: 1, max: 20 }),
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.constantFrom<Action>("BUY", "SELL"),
          (strategy, k, wing, body, frac, action) => {
            const ks =
              strategy === "IRON_CONDOR"
                ? [k, k + wing, k + wing + body, k + 2 * wing + body]
                : strategy === "IRON_BUTTERFLY" || strategy === "BUTTERFLY"
                  ? [k, k + wing, k + 2 * wing]
                  : [k, k + wing]
            const s = getOrThrow(
              makeSpread({ strategy, underlying: AAPL, expiry: FRONT, strikes: ks.map((x) => dec(String(x))) })
            )
            const w = width(s)
            assert.isTrue(equals(w, dec(String(wing))), `${strategy} ${ks.join("/")} width ${format(w)}`)
            const amount = dec((Math.round(frac * wing * 100) / 100).toFixed(2))
            const p = payoff(s, action, action === "BUY" ? debit(amount) : credit(amount))!
            assert.notStrictEqual(p.maxProfit, "unlimited")
            assert.notStrictEqual(p.maxLoss, "unlimited")
            const total = BigDecimal.sum(p.maxProfit as BigDecimal.BigDecimal, p.maxLoss as BigDecimal.BigDecimal)
            assert.isTrue(
              equals(total, w),
              `${strategy} ${action} at ${format(amount)}: ${format(total)} != ${format(w)}`
            )
          }
        ),
        { numRuns: 300 }
      )
    })
  })

  describe("width", () => {
    it.each([
      { s: spread("BULL_CALL", ["150", "155"]), w: "5.00" },
      { s: spread("BEAR_PUT", ["150", "160"]), w: "10.00" },
      { s: spread("BEAR_CALL", ["22.5", "25"]), w: "2.50" },
      { s: spread("BULL_PUT", ["100", "101"]), w: "1.00" },
      { s: spread("STRADDLE", ["150"]), w: "0.00" },
      { s: spread("STRANGLE", ["145", "155"]), w: "10.00" },
      { s: spread("IRON_CONDOR", ["140", "145", "155", "160"]), w: "5.00" },
      { s: spread("IRON_CONDOR", ["140", "145", "155", "165"]), w: "10.00" },
      { s: spread("IRON_BUTTERFLY", ["140", "150", "160"]), w: "10.00" },
      { s: spread("BUTTERFLY", ["145", "150", "155"]), w: "5.00" },
      { s: spread("CALENDAR", ["150"], { backExpiry: BACK }), w: "0.00" }
    ])("$s.strategy -> $w", ({ s, w }) => {
      assert.strictEqual(format(width(s)), w)
    })

    it("the iron condor's max loss is its wing width minus the credit", () => {
      const s = spread("IRON_CONDOR", ["140", "145", "155", "160"])
      const p = payoff(s, "BUY", credit("1.25"))!
      assert.strictEqual(format(BigDecimal.subtract(width(s), dec("1.25"))), show(p.maxLoss))
    })
  })

  describe("combo quotes from leg quotes", () => {
    it("the seed's 150/155 bull call: legs 5.20/5.30 and 3.20/3.30 -> bid 1.90, ask 2.10, mid 2.00", () => {
      const q = comboQuote(bullCall, [quote("5.20", "5.30"), quote("3.20", "3.30")])
      assert.strictEqual(format(q.bid), "1.90")
      assert.strictEqual(format(q.ask), "2.10")
      assert.strictEqual(format(q.mid), "2.00")
      assert.strictEqual(formatNet(naturalPrice(q, "BUY")), "2.10 debit")
      assert.strictEqual(formatNet(naturalPrice(q, "SELL")), "1.90 credit")
      assert.strictEqual(formatNet(midPrice(q, "BUY")), "2.00 debit")
      assert.strictEqual(formatNet(midPrice(q, "SELL")), "2.00 credit")
    })

    it.each([
      {
        name: "iron condor (a credit to buy)",
        s: spread("IRON_CONDOR", ["140", "145", "155", "160"]),
        quotes: [quote("0.50", "0.55"), quote("1.00", "1.05"), quote("1.10", "1.20"), quote("0.40", "0.45")],
        bid: "-1.35",
        ask: "-1.10",
        mid: "-1.225",
        buy: "1.10 credit",
        sell: "1.35 debit",
        midBuy: "1.225 credit"
      },
      {
        name: "call butterfly (ratio 2 in the body)",
        s: spread("BUTTERFLY", ["145", "150", "155"]),
        quotes: [quote("7.00", "7.10"), quote("4.00", "4.05"), quote("2.00", "2.05")],
        bid: "0.90",
        ask: "1.15",
        mid: "1.025",
        buy: "1.15 debit",
        sell: "0.90 credit",
        midBuy: "1.025 debit"
      },
      {
        name: "straddle",
        s: spread("STRADDLE", ["150"]),
        quotes: [quote("4.90", "5.00"), quote("5.10", "5.25")],
        bid: "10.00",
        ask: "10.25",
        mid: "10.125",
        buy: "10.25 debit",
        sell: "10.00 credit",
        midBuy: "10.125 debit"
      },
      {
        name: "bear call (sold first leg)",
        s: spread("BEAR_CALL", ["150", "155"]),
        quotes: [quote("5.20", "5.30"), quote("3.20", "3.30")],
        bid: "-2.10",
        ask: "-1.90",
        mid: "-2.00",
        buy: "1.90 credit",
        sell: "2.10 debit",
        midBuy: "2.00 credit"
      }
    ])("$name", ({ s, quotes, bid, ask, mid, buy, sell, midBuy }) => {
      const q = comboQuote(s, quotes)
      assert.strictEqual(format(q.bid), bid)
      assert.strictEqual(format(q.ask), ask)
      assert.strictEqual(format(q.mid), mid)
      assert.strictEqual(formatNet(naturalPrice(q, "BUY")), buy)
      assert.strictEqual(formatNet(naturalPrice(q, "SELL")), sell)
      assert.strictEqual(formatNet(midPrice(q, "BUY")), midBuy)
    })

    it("bid <= mid <= ask, and ask - bid is the sum of the legs' spreads times their ratios (property)", () => {
      const legQuote = fc
        .tuple(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 200 }))
        .map(([b, spreadCents]) => ({
          bid: BigDecimal.make(BigInt(b), 2),
          ask: BigDecimal.make(BigInt(b + spreadCents), 2)
        }))
      const spreads = [
        spread("BULL_CALL", ["150", "155"]),
        spread("IRON_CONDOR", ["140", "145", "155", "160"]),
        spread("BUTTERFLY", ["145", "150", "155"]),
        spread("CALENDAR", ["150"], { backExpiry: BACK })
      ]
      fc.assert(
        fc.property(fc.constantFrom(...spreads), fc.array(legQuote, { minLength: 4, maxLength: 4 }), (s, quotes) => {
          const q = comboQuote(s, quotes)
          assert.isTrue(BigDecimal.isLessThanOrEqualTo(q.bid, q.mid))
          assert.isTrue(BigDecimal.isLessThanOrEqualTo(q.mid, q.ask))
          const legSpreads = s.legs.reduce(
            (acc, l, i) =>
              BigDecimal.sum(
                acc,
                BigDecimal.multiply(
                  BigDecimal.subtract(quotes[i]!.ask, quotes[i]!.bid),
                  BigDecimal.fromBigInt(BigInt(l.ratio))
                )
              ),
            dec("0")
          )
          assert.isTrue(equals(BigDecimal.subtract(q.ask, q.bid), legSpreads))
          assert.isTrue(equals(toSigned(naturalPrice(q, "BUY")), q.ask))
          assert.isTrue(equals(toSigned(naturalPrice(q, "SELL")), BigDecimal.negate(q.bid)))
        }),
        { numRuns: 200 }
      )
    })

    it("a missing leg quote is a programming error that names the leg", () => {
      assert.throws(() => comboQuote(bullCall, [quote("5.20", "5.30")]), "comboQuote: no quote for leg 1")
    })
  })

  it.each([
    { perShare: "2.00", quantity: 3, multiplier: undefined, expected: "600.00" },
    { perShare: "0.05", quantity: 1, multiplier: undefined, expected: "5.00" },
    { perShare: "1.25", quantity: 4, multiplier: 10, expected: "50.00" },
    { perShare: "-0.40", quantity: 2, multiplier: undefined, expected: "-80.00" }
  ])(
    "dollars($perShare x $quantity, multiplier $multiplier) = $expected",
    ({ perShare, quantity, multiplier, expected }) => {
      assert.strictEqual(format(dollars(dec(perShare), quantity, multiplier)), expected)
    }
  )
})
