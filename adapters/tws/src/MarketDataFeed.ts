/**
 * REQ_MKT_DATA for options (by conId or fields), combos (BAG legs by conId) and stocks, from the MarketData port.
 *
 * A request is answered with MARKET_DATA_TYPE, then TICK_PRICE bid / ask (+ last) with their sizes, a TICK_SIZE
 * for the bid size (@stoqey/ib 1.6.10 drops it from TICK_PRICE), and for options TICK_OPTION_COMPUTATION (bid, ask,
 * model) with greeks and the underlying price. A snapshot ends with TICK_SNAPSHOT_END; a stream re-quotes every
 * `intervalMs` of Clock time and sends what changed, until CANCEL_MKT_DATA or the connection closes. A combo's bid is
 * what selling it brings (the legs bought at their bids, the legs sold at their asks) and its size the smallest
 * leg size over the leg's ratio. Delayed data (REQ_MARKET_DATA_TYPE 3/4) uses the delayed tick types.
 * @module
 */
import type { MarketData, OptionQuote } from "@spreads/application"
import type { Contract, Strategy } from "@spreads/domain"
import { BigDecimal, Effect, Fiber } from "effect"
import type { Peer } from "./Clients.ts"
import { type ContractBook, underlyingOf } from "./ContractBook.ts"
import type { ReqMktData } from "./wire/Incoming.ts"
import {
  errorMessage,
  marketDataType,
  tickOptionComputation,
  tickPrice,
  tickSize,
  tickSnapshotEnd,
  TickType
} from "./wire/Outgoing.ts"
import type { WireFields } from "./wire/Values.ts"

/** What a subscription prices. */
type Instrument =
  | { readonly _tag: "Option"; readonly contract: Contract.OptionContract }
  | { readonly _tag: "Combo"; readonly legs: ReadonlyArray<Strategy.SpreadLeg> }
  | { readonly _tag: "Stock"; readonly symbol: Parameters<MarketData["Service"]["underlyingPrice"]>[0] }

/** One priced moment of an instrument. */
interface Snapshot {
  readonly bid: number
  readonly ask: number
  readonly bidSize: number
  readonly askSize: number
  readonly last?: number | undefined
  readonly quote?: OptionQuote | undefined
  readonly undPrice?: number | undefined
}

const num = (d: BigDecimal.BigDecimal): number => BigDecimal.toNumberUnsafe(d)
const round = (n: number): number => Math.round(n * 10_000) / 10_000

const DELAYED: Readonly<Record<number, number>> = {
  [TickType.BID]: TickType.DELAYED_BID,
  [TickType.ASK]: TickType.DELAYED_ASK,
  [TickType.LAST]: TickType.DELAYED_LAST,
  [TickType.BID_SIZE]: 69,
  [TickType.BID_OPTION]: 80,
  [TickType.ASK_OPTION]: 81,
  [TickType.MODEL_OPTION]: 83
}

/** The feed: subscriptions per connection. */
export class MarketDataFeed {
  private readonly subscriptions = new Map<Peer, Map<number, Fiber.Fiber<void>>>()
  private readonly md: MarketData["Service"]
  private readonly book: ContractBook
  private readonly intervalMs: number
  private readonly fork: (effect: Effect.Effect<void>) => Fiber.Fiber<void>
  private readonly paused: () => boolean

  constructor(deps: {
    readonly md: MarketData["Service"]
    readonly book: ContractBook
    readonly intervalMs: number
    readonly fork: (effect: Effect.Effect<void>) => Fiber.Fiber<void>
    /** True while connectivity is down: streams send nothing. */
    readonly paused: () => boolean
  }) {
    this.md = deps.md
    this.book = deps.book
    this.intervalMs = deps.intervalMs
    this.fork = deps.fork
    this.paused = deps.paused
  }

  private resolve(req: ReqMktData): Effect.Effect<Instrument, string> {
    const c = req.contract
    const secType = c.secType.toUpperCase()
    if (secType === "BAG") {
      const legs: Array<Strategy.SpreadLeg> = []
      for (const l of c.comboLegs ?? []) {
        const option = this.book.get(l.conId)
        const action = l.action.toUpperCase()
        if (option === undefined || (action !== "BUY" && action !== "SELL")) return Effect.fail(`combo leg ${l.conId}`)
        legs.push({ contract: option, action, ratio: Math.max(1, l.ratio) })
      }
      return legs.length === 0 ? Effect.fail("a BAG without legs") : Effect.succeed({ _tag: "Combo", legs })
    }
    if (secType === "STK") {
      const symbol = underlyingOf(c.symbol)
      return symbol === undefined ? Effect.fail(c.symbol) : Effect.succeed({ _tag: "Stock", symbol })
    }
    if (secType === "OPT" || (secType === "" && c.conId > 0)) {
      return this.book.resolve(c).pipe(
        Effect.map((contract): Instrument => ({ _tag: "Option", contract })),
        Effect.mapError((p) => p.message)
      )
    }
    return Effect.fail(`security type ${c.secType}`)
  }

  private price(i: Instrument): Effect.Effect<Snapshot, string> {
    const md = this.md
    switch (i._tag) {
      case "Stock":
        return md.underlyingPrice(i.symbol).pipe(
          Effect.map((p) => ({
            bid: round(num(p) - 0.01),
            ask: round(num(p) + 0.01),
            bidSize: 5,
            askSize: 5,
            last: num(p)
          })),
          Effect.mapError((e) => e.message)
        )
      case "Option":
        return Effect.all([md.quote(i.contract), Effect.option(md.underlyingPrice(i.contract.underlying))]).pipe(
          Effect.map(([q, und]) => ({
            bid: num(q.bid),
            ask: num(q.ask),
            bidSize: q.bidSize,
            askSize: q.askSize,
            last: q.last === undefined ? undefined : num(q.last),
            quote: q,
            undPrice: und._tag === "Some" ? num(und.value) : undefined
          })),
          Effect.mapError((e) => e.message)
        )
      case "Combo":
        return Effect.forEach(i.legs, (l) => md.quote(l.contract)).pipe(
          Effect.map((quotes) => {
            let bid = 0
            let ask = 0
            let bidSize = Number.POSITIVE_INFINITY
            let askSize = Number.POSITIVE_INFINITY
            i.legs.forEach((l, k) => {
              const q = quotes[k]!
              const buy = l.action === "BUY"
              bid += (buy ? num(q.bid) : -num(q.ask)) * l.ratio
              ask += (buy ? num(q.ask) : -num(q.bid)) * l.ratio
              bidSize = Math.min(bidSize, Math.floor((buy ? q.bidSize : q.askSize) / l.ratio))
              askSize = Math.min(askSize, Math.floor((buy ? q.askSize : q.bidSize) / l.ratio))
            })
            return { bid: round(bid), ask: round(ask), bidSize, askSize }
          }),
          Effect.mapError((e) => e.message)
        )
    }
  }

  /** The tick messages of a snapshot, keyed so a stream can send only what changed. */
  private ticks(reqId: number, s: Snapshot, delayed: boolean): ReadonlyArray<readonly [string, WireFields]> {
    const t = (type: number): number => (delayed ? (DELAYED[type] ?? type) : type)
    const out: Array<readonly [string, WireFields]> = [
      [
        `bid ${s.bid} ${s.bidSize}`,
        tickPrice({ tickerId: reqId, tickType: t(TickType.BID), price: s.bid, size: s.bidSize, attrMask: 1 })
      ],
      [`bidSize ${s.bidSize}`, tickSize(reqId, t(TickType.BID_SIZE), s.bidSize)],
      [
        `ask ${s.ask} ${s.askSize}`,
        tickPrice({ tickerId: reqId, tickType: t(TickType.ASK), price: s.ask, size: s.askSize, attrMask: 1 })
      ]
    ]
    if (s.last !== undefined) {
      out.push([`last ${s.last}`, tickPrice({ tickerId: reqId, tickType: t(TickType.LAST), price: s.last, size: 1 })])
    }
    const g = s.quote?.greeks
    if (g !== undefined) {
      const comp = (type: number, optPrice: number): readonly [string, WireFields] => [
        `opt${type} ${optPrice} ${g.impliedVol} ${g.delta} ${s.undPrice}`,
        tickOptionComputation({
          tickerId: reqId,
          tickType: t(type),
          tickAttrib: 1,
          impliedVol: g.impliedVol,
          delta: g.delta,
          optPrice,
          pvDividend: 0,
          gamma: g.gamma,
          vega: g.vega,
          theta: g.theta,
          undPrice: s.undPrice
        })
      ]
      out.push(comp(TickType.BID_OPTION, s.bid), comp(TickType.ASK_OPTION, s.ask))
      out.push(comp(TickType.MODEL_OPTION, round((s.bid + s.ask) / 2)))
    }
    return out
  }

  /**
   * REQ_MKT_DATA. Errors: 200 when the contract is unknown, 322 for a ticker id already streaming on this
   * connection.
   */
  readonly request = (peer: Peer, req: ReqMktData, dataType: number): Effect.Effect<void> =>
    Effect.suspend(() => {
      const mine = this.subscriptions.get(peer) ?? new Map<number, Fiber.Fiber<void>>()
      this.subscriptions.set(peer, mine)
      if (mine.has(req.reqId)) {
        peer.send(
          errorMessage({
            id: req.reqId,
            code: 322,
            message: "Error processing request.-'bX' : cause - Duplicate ticker id"
          })
        )
        return Effect.void
      }
      const delayed = dataType === 3 || dataType === 4
      const noDefinition = (detail: string) =>
        Effect.sync(() =>
          peer.send(
            errorMessage({
              id: req.reqId,
              code: 200,
              message: `No security definition has been found for the request (${detail})`
            })
          )
        )
      return this.resolve(req).pipe(
        Effect.matchEffect({
          onFailure: noDefinition,
          onSuccess: (instrument) =>
            this.price(instrument).pipe(
              Effect.matchEffect({
                onFailure: noDefinition,
                onSuccess: (first) =>
                  Effect.sync(() => {
                    peer.send(marketDataType(req.reqId, dataType))
                    const sent = new Map<string, string>()
                    for (const [key, m] of this.ticks(req.reqId, first, delayed)) {
                      sent.set(key.split(" ")[0]!, key)
                      peer.send(m)
                    }
                    if (req.snapshot || req.regulatorySnapshot) {
                      peer.send(tickSnapshotEnd(req.reqId))
                      return
                    }
                    mine.set(req.reqId, this.fork(this.stream(peer, req.reqId, instrument, delayed, sent)))
                  })
              })
            )
        })
      )
    })

  private stream(
    peer: Peer,
    reqId: number,
    instrument: Instrument,
    delayed: boolean,
    sent: Map<string, string>
  ): Effect.Effect<void> {
    const tick = Effect.suspend(() => (this.paused() ? Effect.void : this.price(instrument))).pipe(
      Effect.match({
        onFailure: () => undefined,
        onSuccess: (s) => {
          if (s === undefined) return
          for (const [key, m] of this.ticks(reqId, s, delayed)) {
            const kind = key.split(" ")[0]!
            if (sent.get(kind) === key) continue
            sent.set(kind, key)
            peer.send(m)
          }
        }
      })
    )
    return Effect.forever(Effect.sleep(this.intervalMs).pipe(Effect.andThen(tick)))
  }

  /** CANCEL_MKT_DATA: stops a stream (unknown ids are ignored, as TWS does). */
  cancel(peer: Peer, reqId: number): void {
    const fiber = this.subscriptions.get(peer)?.get(reqId)
    if (fiber === undefined) return
    this.subscriptions.get(peer)?.delete(reqId)
    fiber.interruptUnsafe()
  }

  /** Stops every stream of a connection (it closed). */
  closeAll(peer: Peer): void {
    for (const fiber of this.subscriptions.get(peer)?.values() ?? []) fiber.interruptUnsafe()
    this.subscriptions.delete(peer)
  }

  /** Stops every stream of every connection (1101: market data subscriptions are lost). */
  dropAll(): void {
    for (const peer of [...this.subscriptions.keys()]) this.closeAll(peer)
  }

  /** Number of live streams (for tests and logs). */
  get streams(): number {
    let n = 0
    for (const m of this.subscriptions.values()) n += m.size
    return n
  }
}
