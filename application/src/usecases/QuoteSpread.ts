/**
 * quoteSpread: leg quotes and the combo's natural / mid / bid-ask, with max profit, max loss and breakevens at the
 * natural price.
 * @module
 */
import { traced } from "../Tracing.ts"
import { Payoff, Price, type Strategy, type Values } from "@spreads/domain"
import { Effect } from "effect"
import { MarketData, type OptionQuote } from "../ports/MarketData.ts"

/** A combo quote as shown to a trader. Prices are exact decimal strings; signed values follow IB (positive = paid). */
export interface SpreadQuote {
  readonly legs: ReadonlyArray<{ readonly leg: Strategy.SpreadLeg; readonly quote: OptionQuote }>
  readonly bid: string
  readonly ask: string
  readonly mid: string
  readonly natural: Price.NetPrice
  readonly midPrice: Price.NetPrice
  readonly width: string
  readonly payoff?: {
    readonly maxProfit: string
    readonly maxLoss: string
    readonly breakevens: ReadonlyArray<string>
  }
}

const bound = (b: Payoff.Bound) => (b === "unlimited" ? "unlimited" : Price.format(b))

/** Quotes a spread for `action` (BUY by default). */
export const quoteSpread = traced("quoteSpread")(
  Effect.fnUntraced(function* (spread: Strategy.OptionSpread, action: Values.Action = "BUY") {
    const md = yield* MarketData
    const quotes = yield* Effect.forEach(spread.legs, (l) => md.quote(l.contract), { concurrency: "unbounded" })
    const q = Payoff.comboQuote(spread, quotes)
    const natural = Payoff.naturalPrice(q, action)
    const p = Payoff.payoff(spread, action, natural)
    return {
      legs: spread.legs.map((leg, i) => ({ leg, quote: quotes[i]! })),
      bid: Price.format(q.bid),
      ask: Price.format(q.ask),
      mid: Price.format(q.mid),
      natural,
      midPrice: Payoff.midPrice(q, action),
      width: Price.format(Payoff.width(spread)),
      ...(p === undefined
        ? {}
        : {
            payoff: {
              maxProfit: bound(p.maxProfit),
              maxLoss: bound(p.maxLoss),
              breakevens: p.breakevens.map((b) => Price.format(b))
            }
          })
    } satisfies SpreadQuote
  })
)
