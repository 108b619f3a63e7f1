/**
 * The order as a trader reads it: the seed's order record, done right. Plain JSON-safe data (prices as strings), the
 * shape the CLI prints with --json and watchers receive.
 * @module
 */
import { Schema } from "effect"
import { dateOfEpochDay } from "./Contract.ts"
import { averageFillPrice, type Order, remaining } from "./Order.ts"
import { format, type NetPrice } from "./Price.ts"

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
  const avg = averageFillPrice(o)
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
    avgFillPrice: avg === undefined ? null : priceView(avg),
    commission: format(o.commission),
    submittedAt: isoTime(o.submittedAt),
    filledAt: o.filledAt === undefined ? null : isoTime(o.filledAt),
    legs: o.combo.spread.legs.map((l) => ({
      right: l.contract.right,
      strike: format(l.contract.strike),
      expiry: l.contract.expiry,
      action: l.action,
      ratio: l.ratio,
      ...(l.contract.conId === undefined ? {} : { conId: l.contract.conId })
    })),
    rejection: o.rejection === undefined ? null : { code: o.rejection.code, reason: o.rejection.reason },
    warnings: o.warnings.map((w) => ({ code: w.code, message: w.reason }))
  }
}

/** Epoch milliseconds as `YYYY-MM-DDTHH:MM:SS.sssZ`, by arithmetic (the domain reads no clock). */
export const isoTime = (ms: number): string => {
  const days = Math.floor(ms / 86_400_000)
  const rest = ms - days * 86_400_000
  const p = (n: number, w = 2) => String(n).padStart(w, "0")
  const h = Math.floor(rest / 3_600_000)
  const mi = Math.floor((rest % 3_600_000) / 60_000)
  const s = Math.floor((rest % 60_000) / 1000)
  return `${dateOfEpochDay(days)}T${p(h)}:${p(mi)}:${p(s)}.${p(rest % 1000, 3)}Z`
}
