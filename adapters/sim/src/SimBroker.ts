/**
 * The simulated broker as Effect services: one instance implements the Broker and MarketData ports on the simulated
 * market, plus the SimControl surface, all sharing one engine.
 *
 * Time: the simulator's now is `startTime + (Clock time since the layer was built)`, read from the Clock the layer
 * was built with (TestClock in tests). Timers are data in the engine; a sleeping fiber wakes when the earliest is
 * due, runs every due timer in order and publishes their events. Events are never published inside the request
 * that caused them, even at zero latency: they go out as soon as the caller yields.
 * @module
 */
import {
  Broker,
  BrokerError,
  type BrokerEvent,
  type ConnectionState,
  MarketData,
  type OptionQuote,
  type WhatIfResult,
  Wakeups
} from "@spreads/application"
import { type ComboOrder, type Contract, Price, type Strategy, Values } from "@spreads/domain"
import {
  BigDecimal,
  Clock,
  Config,
  Context,
  DateTime,
  Effect,
  Layer,
  Option,
  PubSub,
  Result,
  type Scope,
  Stream,
  SubscriptionRef
} from "effect"
import { commissionPips, PIPS_PER_DOLLAR } from "./Execution.ts"
import { dateOfDay, dayOfDate } from "./MarketHours.ts"
import * as SimConfig from "./SimConfig.ts"
import { SimControl, type PriceInput, type QuoteInput } from "./SimControl.ts"
import { SimEngine } from "./SimEngine.ts"
import { qualified, SimMarket, simContract, type SimContract } from "./SimMarket.ts"
import { snapshot } from "./SimOrder.ts"
import * as SimState from "./SimState.ts"
import * as V from "./Validation.ts"

export type { SimConfigInput } from "./SimConfig.ts"

/** What {@link layer} provides. */
export type Services = Broker | MarketData | SimControl

const centsDecimal = (cents: number): Price.Decimal => BigDecimal.normalize(BigDecimal.make(BigInt(cents), 2))

const noDefinition = (message: string) => new BrokerError({ reason: "NoSecurityDefinition", code: 200, message })

const describeListing = (market: SimMarket, c: SimContract, now: number): BrokerError | undefined => {
  const listing = market.listing(c, now)
  if (listing === "ok") return undefined
  if (listing === "unknown-underlying") {
    return noDefinition(
      `No security definition for ${c.key}: ${c.underlying} is not an underlying of the simulated market.`
    )
  }
  if (listing === "expired") return noDefinition(`No security definition for ${c.key}: it expired on ${c.expiry}.`)
  return noDefinition(`No security definition for ${c.key}: that expiry or strike is not listed; ask the option chain.`)
}

const toCents = (p: PriceInput, what: string): number => {
  const d = Result.getOrThrow(Price.parsePrice(p, what))
  const cents = Number(BigDecimal.format(BigDecimal.multiply(d, BigDecimal.fromBigInt(100n))))
  if (!Number.isInteger(cents)) throw new Error(`${what}: ${Price.format(d)} is not a whole number of cents`)
  return cents
}

/** Builds one simulator and returns its three services. The sleeping fibers live in the caller's scope. */
export const make = (
  input: SimConfig.SimConfigInput = {}
): Effect.Effect<Context.Context<Services>, SimConfig.SimConfigError, Scope.Scope> =>
  Effect.gen(function* () {
    const config = SimConfig.make(input)
    if (config instanceof SimConfig.SimConfigError) return yield* config
    const clock = yield* Clock.Clock
    const scope = yield* Effect.scope
    let offset = config.startTime === "clock" ? 0 : config.startTime - clock.currentTimeMillisUnsafe()
    const now = () => clock.currentTimeMillisUnsafe() + offset
    const pubsub = yield* PubSub.unbounded<BrokerEvent>()
    yield* Effect.addFinalizer(() => PubSub.shutdown(pubsub))
    const connection = yield* SubscriptionRef.make<ConnectionState>("Connected")
    const market = new SimMarket({ ...config, start: now() })
    const engine = new SimEngine(config, market)
    // Publishing can run a waiting subscriber synchronously; the engine is settled by then (see Outbox).
    const flush = Effect.suspend(() => {
      const batch = engine.drain()
      return batch.length === 0 ? Effect.void : PubSub.publishAll(pubsub, batch)
    })
    const settle = Effect.suspend(() => {
      engine.advance(now())
      return flush
    })

    // Requests only change the engine; what they cause is reported by a sleeper fiber (Wakeups), never inside the
    // request itself (even at zero latency), so a caller always returns before the first event of its request is out.
    // While it settles, the sleeper still covers its due time: a request made from inside a subscriber (which
    // publishing can run synchronously) leaves its timers to that fiber instead of forking another.
    const nextDue = (): number | undefined => (engine.hasPending ? now() : engine.timers.peekAt())
    const wakeups = Wakeups.make({ clock, scope, now, wake: Effect.map(settle, nextDue) })
    const pump: Effect.Effect<void> = Effect.suspend(() => {
      const due = nextDue()
      return due === undefined ? Effect.void : wakeups.at(due)
    })
    // Requests are plain code in one step each (Effect.suspend): the order lifecycle's hot path is made of them.
    const disconnected = () =>
      new BrokerError({
        reason: "NotConnected",
        message: "The simulated broker is disconnected; reconnect (SimControl.reconnect) and try again."
      })
    const connected = Effect.suspend(() => (engine.connected ? Effect.void : Effect.fail(disconnected())))
    /** Runs `f` if connected (else fails NotConnected), then makes sure a sleeper reports what it caused. */
    const request =
      <A extends ReadonlyArray<unknown>>(f: (...args: A) => BrokerError | undefined) =>
      (...args: A): Effect.Effect<void, BrokerError> =>
        Effect.suspend(() => {
          if (!engine.connected) return Effect.fail(disconnected())
          const refused = f(...args)
          if (refused !== undefined) return Effect.fail(refused)
          const due = nextDue()
          return due === undefined ? Effect.void : wakeups.at(due)
        })

    const nextOrderId = Effect.suspend(() =>
      engine.connected ? Effect.succeed(engine.nextOrderId()) : Effect.fail(disconnected())
    )

    const qualify = (spread: Strategy.OptionSpread): Effect.Effect<Strategy.OptionSpread, BrokerError> =>
      Effect.suspend(() => {
        if (!engine.connected) return Effect.fail(disconnected())
        const t = now()
        const legs: Array<Strategy.SpreadLeg> = []
        let changed = false
        for (const leg of spread.legs) {
          const bad = describeListing(market, simContract(leg.contract), t)
          if (bad !== undefined) return Effect.fail(bad)
          const contract = qualified(leg.contract)
          changed ||= contract !== leg.contract
          legs.push(contract === leg.contract ? leg : { ...leg, contract })
        }
        return Effect.succeed(changed ? { ...spread, legs } : spread)
      })

    const place = request((orderId: number, order: ComboOrder.ComboOrder) => {
      const refused = engine.place(orderId, order, now())
      if (refused === undefined) return undefined
      return new BrokerError({
        reason: "Rejected",
        code: refused.code,
        message: `Order id ${orderId} is already used (${refused.reason}); take a fresh one from nextOrderId.`
      })
    })

    const modify = request((orderId: number, order: ComboOrder.ComboOrder) => {
      engine.modify(orderId, order, now())
      return undefined
    })

    const cancel = request((orderId: number) => {
      engine.cancel(orderId, now())
      return undefined
    })

    const cancelAll = request(() => {
      engine.cancelAll(now())
      return undefined
    })()

    const whatIf = Effect.fnUntraced(function* (
      order: ComboOrder.ComboOrder
    ): Effect.fn.Return<WhatIfResult, BrokerError> {
      yield* connected
      const t = now()
      for (const leg of order.spread.legs) {
        const bad = describeListing(market, simContract(leg.contract), t)
        if (bad !== undefined) return yield* bad
      }
      const legs = V.legsOf(order)
      const margin = V.marginDollars(market, legs, V.limitOf(order), order.quantity, t)
      const commission =
        legs.reduce(
          (sum, l) =>
            sum + commissionPips(order.quantity * l.ratio, config.commissionPerContract, config.commissionMinimum),
          0
        ) / PIPS_PER_DOLLAR
      return {
        initMarginChange: margin.toFixed(2),
        maintMarginChange: margin.toFixed(2),
        equityWithLoanAfter: (config.buyingPower - commission).toFixed(2),
        commission: commission.toFixed(2),
        currency: "USD"
      }
    })

    const broker = Broker.of({
      connectionState: SubscriptionRef.get(connection),
      connectionChanges: SubscriptionRef.changes(connection),
      nextOrderId,
      qualify,
      place,
      modify,
      cancel,
      cancelAll,
      openOrders: connected.pipe(Effect.map(() => [...engine.open.values()].map(snapshot))),
      completedOrders: connected.pipe(
        Effect.map(() => engine.completed.flatMap((id) => engine.orders.get(id) ?? []).map(snapshot))
      ),
      executions: connected.pipe(Effect.map(() => engine.executions.slice())),
      whatIf,
      events: Stream.fromPubSub(pubsub),
      subscribe: Effect.map(PubSub.subscribe(pubsub), Stream.fromSubscription)
    })

    const quote = Effect.fnUntraced(function* (
      contract: Contract.OptionContract
    ): Effect.fn.Return<OptionQuote, BrokerError> {
      yield* connected
      const t = now()
      const c = simContract(contract)
      const bad = describeListing(market, c, t)
      if (bad !== undefined) return yield* bad
      const q = market.quote(c, t)
      const { vol, delta, gamma, theta, vega } = q.model
      return {
        bid: centsDecimal(q.bid),
        ask: centsDecimal(q.ask),
        bidSize: q.bidSize,
        askSize: q.askSize,
        greeks: { impliedVol: vol, delta, gamma, theta, vega }
      }
    })

    const underlyingPrice = Effect.fnUntraced(function* (underlying: Values.Underlying) {
      yield* connected
      const spot = market.spot(underlying, now())
      if (spot === undefined) return yield* noDefinition(`${underlying} is not an underlying of the simulated market.`)
      return centsDecimal(Math.round(spot * 100))
    })

    const chain = Effect.fnUntraced(function* (underlying: Values.Underlying, expiry?: Contract.Expiry) {
      yield* connected
      const listed = market.chain(underlying, now())
      if (listed === undefined)
        return yield* noDefinition(`${underlying} is not an underlying of the simulated market.`)
      const expiries = listed.expiries.map((d) => dateOfDay(d) as Contract.Expiry)
      if (expiry !== undefined && !listed.expiries.includes(dayOfDate(expiry))) {
        return yield* noDefinition(`${underlying} lists no expiry ${expiry}; listed: ${expiries.join(", ")}.`)
      }
      return { underlying, expiries, strikes: listed.strikes.map(centsDecimal) }
    })

    const marketData = MarketData.of({ quote, underlyingPrice, chain })

    const changed = (f: (t: number) => void) =>
      Effect.suspend(() => {
        const t = now()
        f(t)
        engine.rearm(t)
        return pump
      })

    const control = SimControl.of({
      now: Effect.sync(now),
      isMarketOpen: Effect.sync(() => engine.isOpen(now())),
      setUnderlyingPrice: (symbol, price) =>
        changed((t) => {
          const underlying = Result.getOrThrow(Values.decodeField(Values.Underlying, "symbol")(symbol))
          const cents = toCents(price, "price")
          if (cents <= 0) throw new Error(`price: ${symbol} needs a price above zero`)
          market.setSpot(underlying, cents / 100, t)
        }),
      setMarketOpen: (open) => changed(() => (engine.marketOpen = open)),
      setQuote: Effect.fnUntraced(function* (contract: Contract.OptionContract, q: QuoteInput) {
        const c = simContract(contract)
        const bad = describeListing(market, c, now())
        if (bad !== undefined) return yield* bad
        const bid = toCents(q.bid, "bid")
        const ask = toCents(q.ask, "ask")
        if (bid > ask) return yield* Effect.die(new Error(`setQuote: the bid ${q.bid} is above the ask ${q.ask}`))
        yield* changed(() => market.setOverride(c.key, { bid, ask, bidSize: q.bidSize, askSize: q.askSize }))
      }),
      clearQuote: (contract) => changed(() => market.clearOverride(simContract(contract).key)),
      scriptFills: (script, options) => Effect.sync(() => engine.scripts.setFills(script, options?.orders)),
      rejectNext: (r) => Effect.sync(() => engine.scripts.rejectNext(r)),
      setLatency: (latency) =>
        Effect.sync(() => {
          const bad = SimConfig.latencyProblems(latency)
          if (bad.length > 0) throw new Error(`setLatency: ${bad.join("; ")}`)
          engine.latencies = { ...engine.latencies, ...latency }
        }),
      setFaults: (faults) => Effect.sync(() => (engine.faults = { ...engine.faults, ...faults })),
      // Control calls, unlike broker requests, report what they cause before they return.
      disconnect: Effect.suspend(() => {
        engine.disconnect(now())
        return flush
      }).pipe(Effect.andThen(SubscriptionRef.set(connection, "Disconnected"))),
      reconnect: SubscriptionRef.set(connection, "Connected").pipe(
        Effect.andThen(Effect.sync(() => engine.reconnect(now()))),
        Effect.andThen(flush),
        Effect.andThen(pump)
      ),
      exportState: Effect.sync(() => SimState.capture(engine, now())),
      importState: Effect.fnUntraced(function* (json: unknown) {
        const state = SimState.decode(json)
        if (Result.isFailure(state)) return yield* state.failure
        offset = state.success.now - clock.currentTimeMillisUnsafe()
        wakeups.clear()
        SimState.restore(engine, state.success, now())
        yield* pump
      })
    })

    return Context.make(Broker, broker).pipe(Context.add(MarketData, marketData), Context.add(SimControl, control))
  })

/**
 * The simulator as a layer: Broker, MarketData and SimControl backed by one shared instance. Overrides that make an
 * invalid configuration are a defect (the message lists every problem); use {@link layerConfig} for settings that
 * come from outside the program.
 */
export const layer = (config: SimConfig.SimConfigInput = {}): Layer.Layer<Services> =>
  Layer.effectContext(Effect.orDie(make(config)))

/** "clock", epoch ms, or an ISO instant ("2026-11-30T15:00:00Z"); anything else is NaN, which the config refuses. */
const startTimeOf = (text: string): number | "clock" => {
  if (text === "clock") return "clock"
  if (/^\d+$/.test(text)) return Number(text)
  const dt = DateTime.make(text)
  return Option.isSome(dt) ? DateTime.toEpochMillis(dt.value) : Number.NaN
}

/**
 * Simulator settings from the environment: SPREADS_SIM_SEED (whole number), SPREADS_SIM_START (epoch ms, an ISO instant, or "clock"),
 * SPREADS_SIM_MARKET_CLOSED ("reject" or "hold"). Unset variables keep the defaults.
 */
export const envConfig: Config.Config<SimConfig.SimConfigInput> = Config.all({
  seed: Config.option(Config.Int("SPREADS_SIM_SEED")),
  start: Config.option(Config.String("SPREADS_SIM_START")),
  marketClosed: Config.option(Config.Literals(["reject", "hold"], "SPREADS_SIM_MARKET_CLOSED"))
}).pipe(
  Config.map(({ seed, start, marketClosed }) => ({
    ...(seed._tag === "Some" ? { seed: seed.value } : {}),
    ...(start._tag === "Some" ? { startTime: startTimeOf(start.value) } : {}),
    ...(marketClosed._tag === "Some" ? { marketClosed: marketClosed.value } : {})
  }))
)

/** {@link layer} with its settings read from a Config ({@link envConfig} by default). */
export const layerConfig = (
  config: Config.Config<SimConfig.SimConfigInput> = envConfig
): Layer.Layer<Services, SimConfig.SimConfigError | Config.ConfigError> =>
  Layer.effectContext(Effect.flatMap(config, make))
