/**
 * Contract details and market data from the TWS simulator, as the real @stoqey/ib 1.6.10 client decodes them.
 */
import { afterEach, assert, beforeEach, describe, it } from "@effect/vitest"
import { MarketData } from "@spreads/application"
import { Contract, Price, Values } from "@spreads/domain"
import { type ContractDetails, EventName, SecType } from "@stoqey/ib"
import { Effect } from "effect"
import {
  assertNo505,
  bag,
  type Client,
  connect,
  connectNext,
  listed,
  option,
  qualify,
  reqId,
  type ServerHandle,
  simControl,
  sleep,
  startServer,
  until
} from "./server-harness.ts"

describe("TwsServer contract details", () => {
  let h: ServerHandle
  let L: Awaited<ReturnType<typeof listed>>
  let c: Client
  beforeEach(async () => {
    h = await startServer()
    L = await listed(h)
    c = await connect(h.port, 1)
  })
  afterEach(async () => {
    assertNo505(c)
    c.close()
    await h.close()
  })

  const details = async (contract: Parameters<Client["api"]["reqContractDetails"]>[1]) => {
    const seen = c.collect(EventName.contractDetails)
    const ends = c.collect(EventName.contractDetailsEnd)
    const id = reqId()
    c.api.reqContractDetails(id, contract)
    await until(() => ends.find((e) => e[0] === id))
    return seen.filter((d) => d[0] === id).map((d) => d[1] as ContractDetails)
  }

  it("qualifies an option with real-looking fields", async () => {
    const [d] = await details(option(L.symbol, L.expiry, L.atm, "C"))
    const k = d!.contract
    assert.isAbove(k.conId!, 0)
    assert.strictEqual(k.secType, "OPT")
    assert.strictEqual(k.symbol, "SPY")
    assert.strictEqual(k.lastTradeDateOrContractMonth, L.expiry)
    assert.strictEqual(k.strike, L.atm)
    assert.strictEqual(k.right, "C")
    assert.strictEqual(k.multiplier, 100)
    assert.strictEqual(k.tradingClass, "SPY")
    assert.strictEqual(k.localSymbol, `SPY   ${L.expiry.slice(2)}C00${L.atm}000`)
    assert.oneOf(d!.minTick, [0.01, 0.05])
    assert.strictEqual(d!.timeZoneId, "US/Eastern")
    assert.match(d!.tradingHours!, /^\d{8}:(0930-\d{8}:1600|CLOSED)(;\d{8}:(0930-\d{8}:1600|CLOSED)){6}$/)
    assert.strictEqual(d!.underConId, 756733)
    assert.strictEqual(d!.underSymbol, "SPY")
    assert.include(d!.validExchanges!, "CBOE")
    // The same option by conId alone.
    const [again] = await details({ conId: k.conId!, secType: SecType.OPT, exchange: "SMART" })
    assert.strictEqual(again!.contract.conId, k.conId)
  })

  it("lists every match of a partial request (no strike): both rights, every strike of the expiry", async () => {
    const all = await details({
      symbol: L.symbol,
      secType: SecType.OPT,
      lastTradeDateOrContractMonth: L.expiry,
      exchange: "SMART",
      currency: "USD"
    })
    assert.isAbove(all.length, 20)
    assert.isTrue(all.every((d) => d.contract.lastTradeDateOrContractMonth === L.expiry))
    assert.sameMembers([...new Set(all.map((d) => d.contract.right))], ["C", "P"])
    assert.strictEqual(new Set(all.map((d) => d.contract.conId)).size, all.length)
    const puts = await details({
      symbol: L.symbol,
      secType: SecType.OPT,
      lastTradeDateOrContractMonth: L.expiry,
      right: option("SPY", "", 1, "P").right!,
      exchange: "SMART"
    })
    assert.strictEqual(puts.length * 2, all.length)
  })

  it("lists a strike's options over a whole expiry month (YYYYMM)", async () => {
    const month = await details({
      symbol: L.symbol,
      secType: SecType.OPT,
      lastTradeDateOrContractMonth: L.expiry.slice(0, 6),
      strike: L.atm,
      right: option("SPY", "", 1, "C").right!,
      exchange: "SMART"
    })
    assert.isAtLeast(month.length, 1)
    assert.isTrue(
      month.every(
        (d) => d.contract.lastTradeDateOrContractMonth!.startsWith(L.expiry.slice(0, 6)) && d.contract.strike === L.atm
      )
    )
    assert.isTrue(month.some((d) => d.contract.lastTradeDateOrContractMonth === L.expiry))
  })

  it("qualifies the underlying stock", async () => {
    const [d] = await details({ symbol: "SPY", secType: SecType.STK, exchange: "SMART", currency: "USD" })
    assert.strictEqual(d!.contract.conId, 756733)
    assert.strictEqual(d!.contract.primaryExch, "ARCA")
    assert.strictEqual(d!.stockType, "ETF")
    assert.strictEqual(d!.minTick, 0.01)
  })

  it("answers IBApiNext.getContractDetails", async () => {
    const n = await connectNext(h.port, 9)
    try {
      const list = await n.next.getContractDetails(option(L.symbol, L.expiry, L.at(2), "P"))
      assert.strictEqual(list.length, 1)
      assert.strictEqual(list[0]!.contract.right, "P")
      await n.next.getContractDetails({ symbol: "SPY", secType: SecType.BAG, exchange: "SMART" }).then(
        () => assert.fail("a BAG cannot be qualified"),
        (e: { code?: number }) => assert.strictEqual(e.code, 321)
      )
      assertNo505(n)
    } finally {
      n.close()
    }
  })
})

describe("TwsServer market data", () => {
  let h: ServerHandle
  let L: Awaited<ReturnType<typeof listed>>
  let c: Client
  beforeEach(async () => {
    h = await startServer({ server: { marketDataIntervalMs: 25 } })
    L = await listed(h)
    c = await connect(h.port, 1)
  })
  afterEach(async () => {
    assertNo505(c)
    c.close()
    await h.close()
  })

  const quoteOf = (strike: number, right: "C" | "P") =>
    h.run(
      Effect.flatMap(Effect.service(MarketData), (md) =>
        md.quote(
          Contract.optionContract(
            Values.make.underlying("SPY"),
            Contract.expiry(`${L.expiry.slice(0, 4)}-${L.expiry.slice(4, 6)}-${L.expiry.slice(6)}`),
            Price.dec(strike),
            right
          )
        )
      )
    )
  const n = (d: Price.Decimal) => Number(Price.format(d))

  it("streams an option: bid/ask with sizes, greeks, updates when the market moves, stops on cancel", async () => {
    const prices = c.collect(EventName.tickPrice)
    const sizes = c.collect(EventName.tickSize)
    const greeks = c.collect(EventName.tickOptionComputation)
    const types = c.collect(EventName.marketDataType)
    const [conId] = await qualify(c, [option(L.symbol, L.expiry, L.atm, "C")])
    const rid = reqId()
    c.api.reqMktData(rid, { conId: conId!, secType: SecType.OPT, exchange: "SMART" }, "", false, false)
    await until(() => greeks.filter((g) => g[0] === rid).length >= 3)
    const q = await quoteOf(L.atm, "C")
    const bid = prices.find((p) => p[0] === rid && p[1] === 1)!
    const ask = prices.find((p) => p[0] === rid && p[1] === 2)!
    assert.strictEqual(bid[2], n(q.bid))
    assert.strictEqual(ask[2], n(q.ask))
    assert.isTrue(
      sizes.some((s) => s[0] === rid && s[1] === 0 && s[2] === q.bidSize),
      "bid size (TICK_SIZE type 0)"
    )
    assert.isTrue(
      sizes.some((s) => s[0] === rid && s[1] === 3 && s[2] === q.askSize),
      "ask size"
    )
    const model = greeks.find((g) => g[0] === rid && g[1] === 13)!
    assert.approximately(Number(model[4]), q.greeks!.delta, 1e-9)
    assert.approximately(Number(model[10]), L.spot, 0.01)
    assert.deepStrictEqual(types[0], [rid, 1])
    const sim = await simControl(h)
    const before = prices.filter((p) => p[0] === rid).length
    await h.run(sim.setUnderlyingPrice("SPY", L.spot + 5))
    await until(() => prices.filter((p) => p[0] === rid).length > before, 3_000, "new ticks")
    assert.isAbove(Number(prices.filter((p) => p[0] === rid && p[1] === 1).at(-1)![2]), Number(bid[2]))
    c.api.cancelMktData(rid)
    await sleep(40)
    const count = prices.length
    await h.run(sim.setUnderlyingPrice("SPY", L.spot + 10))
    await sleep(80)
    assert.strictEqual(prices.length, count)
  })

  it("snapshots an option named by its fields, ending with TICK_SNAPSHOT_END", async () => {
    const prices = c.collect(EventName.tickPrice)
    const ends = c.collect(EventName.tickSnapshotEnd)
    const rid = reqId()
    c.api.reqMktData(rid, option(L.symbol, L.expiry, L.at(-3), "P"), "", true, false)
    await until(() => ends.find((e) => e[0] === rid))
    assert.sameMembers(
      prices.filter((p) => p[0] === rid).map((p) => p[1]),
      [1, 2]
    )
  })

  it("prices a combo from its legs (BAG market data)", async () => {
    const prices = c.collect(EventName.tickPrice)
    const ends = c.collect(EventName.tickSnapshotEnd)
    const conIds = await qualify(c, [option(L.symbol, L.expiry, L.atm, "C"), option(L.symbol, L.expiry, L.at(5), "C")])
    const rid = reqId()
    c.api.reqMktData(
      rid,
      bag(L.symbol, [
        [conIds[0]!, 1, "BUY"],
        [conIds[1]!, 1, "SELL"]
      ]),
      "",
      true,
      false
    )
    await until(() => ends.find((e) => e[0] === rid))
    const [lo, hi] = [await quoteOf(L.atm, "C"), await quoteOf(L.at(5), "C")]
    const bid = Number(prices.find((p) => p[0] === rid && p[1] === 1)![2])
    const ask = Number(prices.find((p) => p[0] === rid && p[1] === 2)![2])
    assert.approximately(bid, n(lo.bid) - n(hi.ask), 1e-9)
    assert.approximately(ask, n(lo.ask) - n(hi.bid), 1e-9)
  })

  it("sends delayed tick types after REQ_MARKET_DATA_TYPE 3, and a stock's price", async () => {
    const prices = c.collect(EventName.tickPrice)
    const types = c.collect(EventName.marketDataType)
    const ends = c.collect(EventName.tickSnapshotEnd)
    c.api.reqMarketDataType(3)
    await until(() => types.find((t) => t[1] === 3))
    const rid = reqId()
    c.api.reqMktData(rid, { symbol: "SPY", secType: SecType.STK, exchange: "SMART", currency: "USD" }, "", true, false)
    await until(() => ends.find((e) => e[0] === rid))
    assert.sameMembers(
      prices.filter((p) => p[0] === rid).map((p) => p[1]),
      [66, 67, 68]
    )
    assert.approximately(Number(prices.find((p) => p[0] === rid && p[1] === 68)![2]), L.spot, 0.01)
  })

  it("answers IBApiNext.getMarketDataSnapshot", async () => {
    const next = await connectNext(h.port, 9)
    try {
      const snap = await next.next.getMarketDataSnapshot(option(L.symbol, L.expiry, L.atm, "C"), "", false)
      const q = await quoteOf(L.atm, "C")
      assert.strictEqual(snap.get(1)?.value, n(q.bid))
      assert.strictEqual(snap.get(2)?.value, n(q.ask))
      assertNo505(next)
    } finally {
      next.close()
    }
  })
})
