/**
 * Shared setup for the simulator's tests: spreads and orders on the default universe, an event recorder, and a way to
 * run a test against a fresh simulator on the TestClock. The default start is Monday 2026-11-30 10:00 New York.
 */
import { Broker, type BrokerEvent, MarketData } from "@spreads/application"
import { ComboOrder, Contract, OrderEvent, Price, Strategy, Values } from "@spreads/domain"
import { SimBroker, SimConfig, SimControl } from "@spreads/sim"
import { Effect, Stream } from "effect"

/** AAPL, at 212.40 when the simulator starts. */
export const AAPL = Values.make.underlying("AAPL")
/** The third Friday of December 2026: listed at the default start (a weekly and a monthly). */
export const DEC18 = Contract.expiry("2026-12-18")
/** A later monthly. */
export const FEB19 = Contract.expiry("2027-02-19")

/** A configuration where nothing moves on its own: the spot is frozen, so prices only change when a test says so. */
export const still: SimConfig.SimConfigInput = { priceMotion: 0 }

/** A bull call on AAPL. */
export const bullCall = (lo: number, hi: number, expiry: Contract.Expiry = DEC18): Strategy.OptionSpread =>
  Values.getOrThrow(
    Strategy.makeSpread({ strategy: "BULL_CALL", underlying: AAPL, expiry, strikes: [Price.dec(lo), Price.dec(hi)] })
  )

/** A butterfly (1:2:1 ratios) on AAPL. */
export const butterfly = (
  lo: number,
  mid: number,
  hi: number,
  expiry: Contract.Expiry = DEC18
): Strategy.OptionSpread =>
  Values.getOrThrow(
    Strategy.makeSpread({
      strategy: "BUTTERFLY",
      underlying: AAPL,
      expiry,
      strikes: [Price.dec(lo), Price.dec(mid), Price.dec(hi)]
    })
  )

let refs = 0

/** A combo order with sensible defaults: BUY 1 at market. */
export const order = (
  spread: Strategy.OptionSpread,
  options: {
    readonly action?: "BUY" | "SELL"
    readonly quantity?: number
    readonly limit?: Price.NetPrice | undefined
    readonly tif?: "DAY" | "GTC"
    readonly ref?: string
  } = {}
): ComboOrder.ComboOrder =>
  Values.getOrThrow(
    ComboOrder.makeComboOrder({
      spread,
      action: options.action ?? "BUY",
      quantity: options.quantity ?? 1,
      orderType: options.limit === undefined ? "MARKET" : "LIMIT",
      limitPrice: options.limit,
      tif: options.tif ?? "DAY",
      orderRef: options.ref ?? `t-${++refs}`
    })
  )

/** Starts recording every broker event; the returned array fills as events arrive. */
export const record = Effect.gen(function* () {
  const broker = yield* Broker
  const events: Array<BrokerEvent> = []
  yield* Stream.runForEach(broker.events, (e) => Effect.sync(() => events.push(e))).pipe(
    Effect.forkChild({ startImmediately: true })
  )
  return events
})

/** The events of one order. */
export const of = (events: ReadonlyArray<BrokerEvent>, orderId: number): ReadonlyArray<OrderEvent.OrderEvent> =>
  events.filter((e) => e.orderId === orderId).map((e) => e.event)

/** The tags of one order's events. */
export const tags = (events: ReadonlyArray<BrokerEvent>, orderId: number): ReadonlyArray<string> =>
  of(events, orderId).map((e) => e._tag)

/** Only the events with this tag. */
export const only = <T extends OrderEvent.OrderEvent["_tag"]>(
  events: ReadonlyArray<OrderEvent.OrderEvent>,
  tag: T
): ReadonlyArray<Extract<OrderEvent.OrderEvent, { _tag: T }>> =>
  events.filter((e): e is Extract<OrderEvent.OrderEvent, { _tag: T }> => e._tag === tag)

/** Runs `self` on a fresh simulator built with `config`. */
export const withSim =
  (config: SimConfig.SimConfigInput = still) =>
  <A, E>(self: Effect.Effect<A, E, SimBroker.Services>): Effect.Effect<A, E> =>
    Effect.provide(self, SimBroker.layer(config))

/** The three services. */
export const services = Effect.all({ broker: Broker, md: MarketData, control: SimControl.SimControl })

/** Places `o` under a fresh id and returns the id. */
export const place = (o: ComboOrder.ComboOrder) =>
  Effect.gen(function* () {
    const broker = yield* Broker
    const id = yield* broker.nextOrderId
    yield* broker.place(id, o)
    return id
  })

/** Total combo quantity filled in these events (duplicate execIds counted once). */
export const comboFilled = (events: ReadonlyArray<OrderEvent.OrderEvent>): number => {
  const seen = new Set<string>()
  let n = 0
  for (const e of only(events, "Filled")) {
    if (seen.has(e.execId)) continue
    seen.add(e.execId)
    n += e.quantity
  }
  return n
}

/** A net price as text, for comparisons that ignore the decimal's representation: "Debit 2.85". */
export const net = (p: Price.NetPrice | undefined): string =>
  p === undefined ? "none" : `${p._tag} ${Price.format(p.amount)}`
