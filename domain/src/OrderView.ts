/**
 * The order as a trader reads it: the seed's order record, done right. Plain JSON-safe data (prices as strings), the
 * shape the CLI prints with --json and watchers receive.
 * @module
 */
import { Schema } from "effect"
import { dateOfEpochDay } from "./Contract.ts"
import { averageFillPrice, type Order, remaining } from "./Order.ts"
import { format, formatScaled, type NetPrice } from "./Price.ts"
import type { OptionSpread } from "./Strategy.ts"

/** A price as shown: amount and side. */
export const PriceView = Schema.Struct({ amount: Schema.String, side: Schema.Literals(["debit", "credit"]) })
/** @see {@link PriceView} */
export type PriceView = typeof PriceView.Type

/** One leg as shown. */
export const LegView = Schema.Struct({
  right: Schema.Literals(["C", "P"]),
  strike: Schema.String,
  expiry: Schema.String,
  action: Schema.Literals(["BUY", "SELL"]),
  ratio: Schema.Number,
  conId: Schema.optionalKey(Schema.Number)
})
/** @see {@link LegView} */
export type LegView = typeof LegView.Type

/** The order view. Times are ISO-8601 UTC strings or null. */
export const OrderView = Schema.Struct({
  id: Schema.Number,
  orderRef: Schema.String,
  permId: Schema.NullOr(Schema.Number),
  symbol: Schema.String,
  strategy: Schema.String,
  action: Schema.Literals(["BUY", "SELL"]),
  quantity: Schema.Number,
  orderType: Schema.Literals(["MARKET", "LIMIT"]),
  limitPrice: Schema.NullOr(PriceView),
  tif: Schema.String,
  status: Schema.String,
  filled: Schema.Number,
  remaining: Schema.Number,
  avgFillPrice: Schema.NullOr(PriceView),
  commission: Schema.String,
  submittedAt: Schema.String,
  filledAt: Schema.NullOr(Schema.String),
  legs: Schema.Array(LegView),
  rejection: Schema.NullOr(Schema.Struct({ code: Schema.Number, reason: Schema.String })),
  warnings: Schema.Array(Schema.Struct({ code: Schema.Number, message: Schema.String }))
})
/** @see {@link OrderView} */
export type OrderView = typeof OrderView.Type

/** A net price as shown. */
export const priceView = (p: NetPrice): PriceView => ({
  amount: format(p.amount),
  side: p._tag === "Debit" ? "debit" : "credit"
})

/** Builds the view of an order. */
export const toView = (o: Order): OrderView => {
  return {
    id: o.orderId,
    orderRef: o.combo.orderRef,
    permId: o.permId ?? null,
    symbol: o.combo.spread.underlying,
    strategy: o.combo.spread.strategy,
    action: o.combo.action,
    quantity: o.quantity,
    orderType: o.combo.orderType,
    limitPrice: o.limitPrice === undefined ? null : priceView(o.limitPrice),
    tif: o.combo.tif,
    status: o.status,
    filled: o.filled,
    remaining: remaining(o),
    avgFillPrice: o.filled === 0 ? null : averageView(o),
    commission: format(o.commission),
    submittedAt: isoTime(o.submittedAt),
    filledAt: o.filledAt === undefined ? null : isoTime(o.filledAt),
    legs: legsView(o.combo.spread),
    rejection: o.rejection === undefined ? null : { code: o.rejection.code, reason: o.rejection.reason },
    warnings: o.warnings.map((w) => ({ code: w.code, message: w.reason }))
  }
}

// The legs as shown, per spread: a spread never changes, and every view of an order (each update a watcher receives)
// shows the same legs, so they are built once and shared (views are read-only data).
const legViews = new WeakMap<OptionSpread, ReadonlyArray<LegView>>()
const legsView = (spread: OptionSpread): ReadonlyArray<LegView> => {
  let legs = legViews.get(spread)
  if (legs === undefined) {
    legs = spread.legs.map((l) => {
      const leg: { -readonly [K in keyof LegView]: LegView[K] } = {
        right: l.contract.right,
        strike: format(l.contract.strike),
        expiry: l.contract.expiry,
        action: l.action,
        ratio: l.ratio
      }
      if (l.contract.conId !== undefined) leg.conId = l.contract.conId
      return leg
    })
    legViews.set(spread, legs)
  }
  return legs
}

/**
 * The average fill price as shown, as {@link averageFillPrice} gives it. When the fills divide evenly (an exact
 * quotient within the 10 places `averageFillPrice` rounds to, which it then leaves alone) the text comes straight from
 * the quotient's digits; otherwise from `averageFillPrice` itself.
 */
const averageView = (o: Order): PriceView => {
  const notional = o.notional
  const filled = BigInt(o.filled)
  if (notional.scale <= 10 && notional.value % filled === 0n) {
    const quotient = notional.value / filled
    return quotient < 0n
      ? { amount: formatScaled(-quotient, notional.scale), side: "credit" }
      : { amount: formatScaled(quotient, notional.scale), side: "debit" }
  }
  return priceView(averageFillPrice(o)!)
}

/** Two and three digits of the whole numbers below 100 and 1000, as `padStart` writes them. */
const TWO = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"))
const THREE = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"))

// `YYYY-MM-DDT` of the days shown lately: the times of one order, or of one session's orders, share a few days.
const dates = new Map<number, string>()
const dateOf = (day: number): string => {
  let date = dates.get(day)
  if (date === undefined) {
    if (dates.size >= 64) dates.clear()
    date = `${dateOfEpochDay(day)}T`
    dates.set(day, date)
  }
  return date
}

// The last time shown: an order's views (one per update) all show its submission time.
let lastMs = Number.NaN
let lastIso = ""

/** Epoch milliseconds as `YYYY-MM-DDTHH:MM:SS.sssZ`, by arithmetic (the domain reads no clock). */
export const isoTime = (ms: number): string => {
  if (ms !== lastMs) {
    lastIso = isoTimeOf(ms)
    lastMs = ms
  }
  return lastIso
}

const isoTimeOf = (ms: number): string => {
  const days = Math.floor(ms / 86_400_000)
  const rest = ms - days * 86_400_000
  if (Number.isInteger(rest) && rest >= 0 && rest < 86_400_000) {
    // Whole milliseconds into the day (all but absurd inputs): small-integer arithmetic and digits from the tables.
    const secs = (rest / 1000) | 0
    const h = (secs / 3600) | 0
    const inHour = secs - h * 3600
    const mi = (inHour / 60) | 0
    return `${dateOf(days)}${TWO[h]}:${TWO[mi]}:${TWO[inHour - mi * 60]}.${THREE[rest - secs * 1000]}Z`
  }
  const p = (n: number, w = 2) => String(n).padStart(w, "0")
  const h = Math.floor(rest / 3_600_000)
  const mi = Math.floor((rest % 3_600_000) / 60_000)
  const s = Math.floor((rest % 60_000) / 1000)
  return `${dateOf(days)}${p(h)}:${p(mi)}:${p(s)}.${p(rest % 1000, 3)}Z`
}
