/**
 * What the CLI prints. Results go to stdout, logs and errors to stderr. Human output: one line per order, a blotter
 * table, quote and chain tables, lifecycle lines; colours only when stdout is a TTY (and NO_COLOR is unset). With
 * --json: one JSON object per order (the OrderView fields, plus what a command adds), lists as JSON arrays.
 * @module
 */
import type { SpreadQuote, WhatIfResult } from "@spreads/application"
import { type OrderView, Payoff, Price, Strategy } from "@spreads/domain"
import { Console, Effect } from "effect"

/** True when stdout is a terminal that takes colours. */
export const isTty = (): boolean => process.stdout.isTTY === true

const colorsOn = (): boolean => isTty() && process.env["NO_COLOR"] === undefined && process.env["TERM"] !== "dumb"

const sgr = (code: string) => (s: string) => (colorsOn() ? `\u001b[${code}m${s}\u001b[0m` : s)

/** Text styles; identity when colours are off. */
export const paint = {
  bold: sgr("1"),
  dim: sgr("2"),
  red: sgr("31"),
  green: sgr("32"),
  yellow: sgr("33"),
  cyan: sgr("36")
}

/** Prints a result line on stdout. */
export const line = (text: string): Effect.Effect<void> => Console.log(text)

/** Prints a value as one line of JSON on stdout. */
export const json = (value: unknown): Effect.Effect<void> => Console.log(JSON.stringify(value))

/** Prints a note for the person at the terminal on stderr (never mixed into results). */
export const note = (text: string): Effect.Effect<void> => Console.error(text)

const statusColor = (status: string): ((s: string) => string) => {
  switch (status) {
    case "Filled":
      return paint.green
    case "Rejected":
    case "Inactive":
      return paint.red
    case "Cancelled":
    case "ApiCancelled":
      return paint.yellow
    default:
      return paint.cyan
  }
}

/** A status, coloured by what it means. */
export const status = (s: string): string => statusColor(s)(s)

/** `2.85 debit`, or `MKT` for a market order. */
export const priceText = (p: OrderView.PriceView | null): string => (p === null ? "MKT" : `${p.amount} ${p.side}`)

const uniq = <A>(xs: ReadonlyArray<A>): Array<A> => [...new Set(xs)]
const trimStrike = (s: string) => s.replace(/\.00$/, "")

const label = (
  symbol: string,
  strategy: string,
  legs: ReadonlyArray<{ readonly expiry: string; readonly strike: string; readonly ratio: number }>
): string => {
  const name = (Strategy.StrategyKind.literals as ReadonlyArray<string>).includes(strategy)
    ? Strategy.strategyName(strategy as Strategy.StrategyKind)
    : strategy.toLowerCase()
  const ratios = legs.some((l) => l.ratio !== 1) ? ` ${legs.map((l) => l.ratio).join(":")}` : ""
  return `${symbol} ${name} ${uniq(legs.map((l) => l.expiry)).join("/")} ${uniq(legs.map((l) => trimStrike(l.strike))).join("/")}${ratios}`
}

/** `AAPL bull-call 2026-12-18 210/215` (ratios appended when they are not all 1). */
export const spreadText = (v: OrderView.OrderView): string => label(v.symbol, v.strategy, v.legs)

/** The same for a spread not yet placed. */
export const spreadTitle = (spread: Strategy.OptionSpread): string =>
  label(
    spread.underlying,
    spread.strategy,
    spread.legs.map((l) => ({ expiry: l.contract.expiry, strike: Price.format(l.contract.strike), ratio: l.ratio }))
  )

/** The one-line summary of an order. */
export const orderLine = (v: OrderView.OrderView): string => {
  const terms = v.orderType === "MARKET" ? "MKT" : `LMT ${priceText(v.limitPrice)}`
  const fill = v.avgFillPrice === null ? "" : ` avg ${priceText(v.avgFillPrice)}`
  return `${paint.bold(`#${v.id}`)} ${v.action} ${v.quantity} ${spreadText(v)} ${terms} ${v.tif}  ${status(v.status)} ${v.filled}/${v.quantity}${fill}`
}

/** Every field of an order, for `status`. */
export const orderDetail = (v: OrderView.OrderView): string => {
  const rows: Array<[string, string]> = [
    ["order", `${paint.bold(`#${v.id}`)}  ref ${v.orderRef}${v.permId === null ? "" : `  perm ${v.permId}`}`],
    ["spread", `${v.action} ${v.quantity} ${spreadText(v)}`],
    ["type", `${v.orderType === "MARKET" ? "MARKET" : `LIMIT ${priceText(v.limitPrice)}`} ${v.tif}`],
    ["status", status(v.status)],
    ["filled", `${v.filled} of ${v.quantity} (${v.remaining} remaining)`],
    ["avg fill", v.avgFillPrice === null ? "-" : priceText(v.avgFillPrice)],
    ["commission", v.commission],
    ["submitted", v.submittedAt],
    ["filled at", v.filledAt ?? "-"]
  ]
  v.legs.forEach((l, i) =>
    rows.push([
      i === 0 ? "legs" : "",
      `${l.action} ${l.ratio} x ${v.symbol} ${l.expiry} ${trimStrike(l.strike)} ${l.right}${l.conId === undefined ? "" : `  (conId ${l.conId})`}`
    ])
  )
  if (v.rejection !== null) rows.push(["rejected", paint.red(`IB ${v.rejection.code}: ${v.rejection.reason}`)])
  for (const w of v.warnings) rows.push(["warning", `IB ${w.code}: ${w.message}`])
  return rows.map(([k, val]) => `${k.padEnd(11)}${val}`).join("\n")
}

/** What changed between two views of one order, as a lifecycle line (undefined when nothing a trader sees did). */
export const lifecycleLine = (prev: OrderView.OrderView | undefined, next: OrderView.OrderView): string | undefined => {
  const fillMore = prev !== undefined && next.filled > prev.filled
  const statusChanged = prev === undefined || prev.status !== next.status
  const termsChanged =
    prev !== undefined && (prev.quantity !== next.quantity || priceText(prev.limitPrice) !== priceText(next.limitPrice))
  if (!fillMore && !statusChanged && !termsChanged) return undefined
  const parts = [`  #${next.id} ${status(next.status)}`]
  if (fillMore) parts.push(`filled ${next.filled}/${next.quantity} at avg ${priceText(next.avgFillPrice)}`)
  if (termsChanged) parts.push(`now ${next.quantity} at ${priceText(next.limitPrice)}`)
  if (next.rejection !== null && (prev === undefined || prev.rejection === null)) {
    parts.push(paint.red(`IB ${next.rejection.code}: ${next.rejection.reason}`))
  }
  return parts.join("  ")
}

/** Lays out rows under a header, columns padded to their widest cell (ANSI codes do not count). */
export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const visible = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, "").length
  const widths = header.map((h, i) => Math.max(visible(h), ...rows.map((r) => visible(r[i] ?? ""))))
  const fmt = (cells: ReadonlyArray<string>) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + " ".repeat(widths[i]! - visible(c))))
      .join("  ")
      .trimEnd()
  return [paint.bold(fmt(header)), ...rows.map(fmt)].join("\n")
}

/** The blotter for `orders`. */
export const blotter = (views: ReadonlyArray<OrderView.OrderView>): string =>
  views.length === 0
    ? "no orders"
    : table(
        ["ID", "STATUS", "SIDE", "QTY", "FILLED", "SPREAD", "TYPE", "PRICE", "AVG FILL", "SUBMITTED"],
        views.map((v) => [
          String(v.id),
          status(v.status),
          v.action,
          String(v.quantity),
          String(v.filled),
          spreadText(v),
          v.orderType === "MARKET" ? "MKT" : `LMT ${v.tif}`,
          v.orderType === "MARKET" ? "-" : priceText(v.limitPrice),
          v.avgFillPrice === null ? "-" : priceText(v.avgFillPrice),
          v.submittedAt.slice(0, 19).replace("T", " ")
        ])
      )

/** A quote as plain JSON: decimals as strings, nets with their side. */
export const quoteJson = (q: SpreadQuote) => ({
  legs: q.legs.map(({ leg, quote }) => ({
    action: leg.action,
    ratio: leg.ratio,
    right: leg.contract.right,
    strike: Price.format(leg.contract.strike),
    expiry: leg.contract.expiry,
    bid: Price.format(quote.bid),
    ask: Price.format(quote.ask),
    bidSize: quote.bidSize,
    askSize: quote.askSize,
    ...(quote.greeks === undefined ? {} : { greeks: quote.greeks })
  })),
  bid: q.bid,
  ask: q.ask,
  mid: q.mid,
  natural: { amount: Price.format(q.natural.amount), side: q.natural._tag === "Debit" ? "debit" : "credit" },
  midPrice: { amount: Price.format(q.midPrice.amount), side: q.midPrice._tag === "Debit" ? "debit" : "credit" },
  width: q.width,
  payoff: q.payoff ?? null
})

/** The quote table for `quote`. */
export const quoteText = (title: string, q: SpreadQuote, quantity = 1): string => {
  const legs = table(
    ["LEG", "RIGHT", "STRIKE", "EXPIRY", "BID", "ASK", "SIZE"],
    q.legs.map(({ leg, quote }) => [
      `${leg.action} ${leg.ratio}`,
      leg.contract.right === "C" ? "call" : "put",
      trimStrike(Price.format(leg.contract.strike)),
      leg.contract.expiry,
      Price.format(quote.bid),
      Price.format(quote.ask),
      `${quote.bidSize}x${quote.askSize}`
    ])
  )
  const money = (perShare: string) =>
    perShare === "unlimited"
      ? "unlimited"
      : `${perShare} ($${Price.format(Payoff.dollars(Price.dec(perShare), quantity))})`
  const summary: Array<[string, string]> = [
    ["natural", Price.formatNet(q.natural)],
    ["mid", Price.formatNet(q.midPrice)],
    ["combo bid/ask", `${q.bid} / ${q.ask}`],
    ["width", q.width]
  ]
  if (q.payoff !== undefined) {
    summary.push(["max profit", money(q.payoff.maxProfit)])
    summary.push(["max loss", money(q.payoff.maxLoss)])
    summary.push(["breakevens", q.payoff.breakevens.length === 0 ? "-" : q.payoff.breakevens.join(", ")])
  }
  return [paint.bold(title), legs, "", ...summary.map(([k, v]) => `${k.padEnd(15)}${v}`)].join("\n")
}

/** The margin and commission preview for `whatif`. */
export const whatIfText = (title: string, r: WhatIfResult): string =>
  [
    paint.bold(title),
    `${"initial margin".padEnd(24)}${r.initMarginChange} ${r.currency}`,
    `${"maintenance margin".padEnd(24)}${r.maintMarginChange} ${r.currency}`,
    `${"equity with loan after".padEnd(24)}${r.equityWithLoanAfter} ${r.currency}`,
    `${"commission".padEnd(24)}${r.commission} ${r.currency}`,
    paint.dim("nothing was sent")
  ].join("\n")

/**
 * A one-line progress indicator on a TTY, redrawn in place. Off the TTY (pipes, tests) it prints nothing, so output
 * stays line-oriented.
 */
export const progress = {
  show: (text: string): Effect.Effect<void> =>
    Effect.sync(() => {
      if (isTty()) process.stdout.write(`\r\u001b[2K${paint.dim(text)}`)
    }),
  clear: Effect.sync(() => {
    if (isTty()) process.stdout.write("\r\u001b[2K")
  })
}
