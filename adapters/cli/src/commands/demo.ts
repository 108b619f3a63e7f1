/**
 * `spreads demo`: a guided tour on an embedded simulator held in memory (the paper account in --db is not touched).
 * Four orders, each lifecycle printed as it happens: a bull call at a limit that fills, a bear put at market, a limit
 * too low to fill that is then cancelled, and an order sent while the market is closed, which IB rejects (201).
 * @module
 */
import {
  cancelOrder,
  getOrderStatus,
  MarketData,
  type PlaceSpreadInput,
  quoteSpread,
  watchOrder
} from "@spreads/application"
import { Contract, Price, Strategy, type OrderView, type Values } from "@spreads/domain"
import { SimControl } from "@spreads/sim"
import { BigDecimal, DateTime, Duration, Effect, Fiber, Result, Stream } from "effect"
import { Command } from "effect/cli"
import * as Flags from "../Flags.ts"
import { lifecyclePrinter, placeAndFollow } from "../Follow.ts"
import * as Output from "../Output.ts"
import * as Runtime from "../Runtime.ts"

const SYMBOL = "AAPL" as Values.Underlying

/** The simulator for the tour: in memory, market open, quick latencies. */
const tourLayer = (flags: Flags.Common, env: Flags.Resolved) =>
  Runtime.memoryLayer(flags, env, { marketOpen: true, ackMs: 40, fillMs: 120, cancelMs: 80, modifyMs: 80 })

/** An expiry two weeks out or more, and strikes around the underlying's price. */
const pickContracts = Effect.fn("demo.pickContracts")(function* (today: string) {
  const md = yield* MarketData
  const listed = yield* md.chain(SYMBOL)
  const expiry =
    listed.expiries.find((e) => Contract.daysToExpiry(e, today) >= 14) ?? listed.expiries[listed.expiries.length - 1]!
  const { strikes } = yield* md.chain(SYMBOL, expiry)
  const spot = yield* md.underlyingPrice(SYMBOL)
  const atm = strikes.reduce((best, k) =>
    BigDecimal.isLessThan(BigDecimal.abs(BigDecimal.subtract(k, spot)), BigDecimal.abs(BigDecimal.subtract(best, spot)))
      ? k
      : best
  )
  const i = strikes.indexOf(atm)
  return { expiry, below: strikes[Math.max(0, i - 1)]!, atm, above: strikes[Math.min(strikes.length - 1, i + 1)]! }
})

const spreadOf = (strategy: "BULL_CALL" | "BEAR_PUT", expiry: Contract.Expiry, strikes: ReadonlyArray<Price.Decimal>) =>
  Result.getOrThrow(Strategy.makeSpread({ strategy, underlying: SYMBOL, expiry, strikes }))

const trim = (k: Price.Decimal) => Price.format(k).replace(/\.00$/, "")

const tour = Effect.fn("demo.tour")(function* (json: boolean) {
  const today = DateTime.formatIsoDate(yield* DateTime.now)
  const say = (text: string) => (json ? Effect.void : Output.line(text))
  const follow = { wait: Duration.seconds(10), noWait: false, output: json ? "quiet" : "human" } as const
  const results: Array<OrderView.OrderView> = []
  yield* say(
    Output.paint.bold("spreads demo: a tour of the embedded simulator (in memory; your paper account is untouched)")
  )
  const { expiry, below, atm, above } = yield* pickContracts(today)

  // 1. A limit at the natural price is marketable: it fills.
  const bullCall = spreadOf("BULL_CALL", expiry, [atm, above])
  yield* say(`\n${Output.paint.bold(`1. A bull call spread at a limit: BUY 1 ${Output.spreadTitle(bullCall)}`)}`)
  const q = yield* quoteSpread(bullCall, "BUY")
  yield* say(
    `   market: natural ${Price.formatNet(q.natural)}, mid ${Price.formatNet(q.midPrice)}; limit at the natural, so it fills`
  )
  const limit: PlaceSpreadInput = {
    spread: bullCall,
    action: "BUY",
    quantity: 1,
    orderType: "LIMIT",
    limitPrice: q.natural
  }
  results.push(yield* placeAndFollow(limit, follow))

  // 2. A market order fills at the natural price (plus the simulator's slippage).
  const bearPut = spreadOf("BEAR_PUT", expiry, [below, atm])
  yield* say(`\n${Output.paint.bold(`2. A bear put spread at market: BUY 2 ${Output.spreadTitle(bearPut)}`)}`)
  results.push(yield* placeAndFollow({ spread: bearPut, action: "BUY", quantity: 2, orderType: "MARKET" }, follow))

  // 3. A limit far below the market rests; then it is cancelled.
  yield* say(
    `\n${Output.paint.bold(`3. A limit too low to fill, then a cancel: BUY 1 ${Output.spreadTitle(bullCall)} at 0.05 debit`)}`
  )
  const resting = yield* placeAndFollow({ ...limit, limitPrice: Price.debit("0.05") }, { ...follow, noWait: true })
  yield* say(`   working; cancelling order ${resting.id}`)
  const print = yield* lifecyclePrinter(!json)
  yield* print(resting, true)
  const watcher = yield* watchOrder(resting.id).pipe(
    Stream.tap((v) => print(v)),
    Stream.runDrain,
    Effect.forkChild({ startImmediately: true })
  )
  const cancelled = yield* cancelOrder(resting.id)
  yield* Fiber.join(watcher).pipe(Effect.timeoutOption("1 second"))
  yield* say(`   cancel outcome: ${cancelled.outcome}`)
  results.push(cancelled.order)

  // 4. The market closes: IB rejects new orders with code 201.
  yield* say(`\n${Output.paint.bold("4. The market closes: an order sent now is rejected")}`)
  const control = yield* SimControl.SimControl
  yield* control.setMarketOpen(false)
  results.push(
    yield* placeAndFollow(limit, follow).pipe(
      Effect.catchTag("OrderRejected", (e) =>
        say(`   rejected as expected (IB ${e.code}): ${e.reason}`).pipe(Effect.andThen(getOrderStatus(e.orderId)))
      )
    )
  )

  if (json) return yield* Output.json(results)
  yield* say(
    `\nDone: ${results.map((v) => `#${v.id} ${v.status}`).join(", ")}.\nTry it on your paper account (kept in --db): spreads place ${SYMBOL} bull-call ${trim(atm)}/${trim(above)} --expiry ${expiry} --qty 1 --limit ${Price.format(q.natural.amount)}`
  )
})

export const demo = Command.make(
  "demo",
  { ...Flags.common },
  Effect.fn("cli.demo")(function* (flags) {
    const env = yield* Flags.resolve(flags)
    yield* tour(flags.json).pipe(Effect.provide(tourLayer(flags, env)), Runtime.observe(flags))
  })
).pipe(Command.withDescription("A short guided tour on the embedded simulator: fill, market order, cancel, rejection"))
