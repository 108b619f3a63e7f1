/**
 * A small strategy written against the spreads ports: sell a bull put spread a given distance below spot, start at
 * the mid price, and walk the price toward the natural price until it fills or the attempts run out.
 */
import { MarketData, modifyOrder, placeSpreadOrder, quoteSpread, awaitOrder } from "@spreads/application"
import { Price, Strategy, Values, Contract, type OrderView } from "@spreads/domain"
import { BigDecimal, Effect, Option, Result } from "effect"

export interface SellerParams {
  readonly symbol: string
  readonly expiry: string
  /** How far below spot the short put sits, in percent. */
  readonly otmPercent: number
  /** Strikes between the short and the long put. */
  readonly width: number
  readonly quantity: number
  /** How long each price gets before the next step toward natural. */
  readonly stepMs: number
  readonly maxSteps: number
}

export const sellPutSpread = (p: SellerParams) =>
  Effect.gen(function* () {
    const md = yield* MarketData
    const underlying = Values.make.underlying(p.symbol)
    const expiry = Contract.expiry(p.expiry)
    const spot = BigDecimal.toNumberUnsafe(yield* md.underlyingPrice(underlying))
    const chain = yield* md.chain(underlying, expiry)
    const strikes = chain.strikes.map((s) => BigDecimal.toNumberUnsafe(s)).sort((a, b) => a - b)
    const target = spot * (1 - p.otmPercent / 100)
    const shortIndex = strikes.findLastIndex((k) => k <= target)
    const short = strikes[shortIndex]
    const long = strikes[shortIndex - p.width]
    if (short === undefined || long === undefined)
      return yield* Effect.fail(new Error("no strikes that far below spot"))
    const spread = Result.getOrThrow(
      Strategy.makeSpread({ strategy: "BULL_PUT", underlying, expiry, strikes: [Price.dec(long), Price.dec(short)] })
    )
    const quote = yield* quoteSpread(spread, "BUY")
    // Opening a bull put takes in a credit: start at mid, end at natural.
    const mid = BigDecimal.toNumberUnsafe(quote.midPrice.amount)
    const natural = BigDecimal.toNumberUnsafe(quote.natural.amount)
    const priceAt = (step: number) => {
      const credit = mid + ((natural - mid) * step) / Math.max(p.maxSteps, 1)
      return Price.credit(credit.toFixed(2))
    }
    let view: OrderView.OrderView = yield* placeSpreadOrder({
      spread,
      action: "BUY",
      quantity: p.quantity,
      orderType: "LIMIT",
      limitPrice: priceAt(0)
    })
    for (let step = 1; step <= p.maxSteps; step++) {
      const done = yield* awaitOrder(view.id, (o) => o.status === "Filled", p.stepMs)
      if (Option.isSome(done)) return { view: { ...view, status: "Filled" }, steps: step - 1, spread }
      view = yield* modifyOrder(view.id, { limitPrice: priceAt(step) })
    }
    const last = yield* awaitOrder(view.id, (o) => o.status === "Filled", p.stepMs)
    return { view: Option.isSome(last) ? { ...view, status: "Filled" } : view, steps: p.maxSteps, spread }
  })
