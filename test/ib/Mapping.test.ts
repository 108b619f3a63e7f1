import { assert, describe, it } from "@effect/vitest"
import { Price } from "@spreads/domain"
import { IbConfig, IbMarketData, Requests, Snapshots } from "@spreads/ib"
import { Duration, Result } from "effect"

describe("IbConfig", () => {
  it("defaults to IB Gateway paper on loopback, 40 msg/s with a burst of 5", () => {
    const c = IbConfig.makeUnsafe({ clientId: 7 })
    assert.deepStrictEqual([c.host, c.port, c.clientId, c.messagesPerSecond, c.burst], ["127.0.0.1", 4002, 7, 40, 5])
    assert.isTrue(Duration.equals(c.connectTimeout, Duration.seconds(10)))
    assert.strictEqual(c.nonGuaranteed, "auto")
    assert.isFalse("account" in c)
  })

  it.each([
    [{ clientId: -1 }, "clientId"],
    [{ clientId: 1.5 }, "clientId"],
    [{ clientId: 1, port: 70_000 }, "port"],
    [{ clientId: 1, messagesPerSecond: 60 }, "messagesPerSecond"],
    [{ clientId: 1, burst: 0 }, "burst"],
    [{ clientId: 1, host: " " }, "host"]
  ] as const)("refuses %o, naming %s", (input, field) => {
    const r = IbConfig.make(input)
    assert.isTrue(Result.isFailure(r))
    if (Result.isFailure(r)) {
      assert.strictEqual(r.failure.field, field)
      assert.isTrue(r.failure.message.startsWith(`${field}: `))
    }
  })

  it("documents IB's ports", () => {
    assert.deepStrictEqual(IbConfig.Ports, { twsLive: 7496, twsPaper: 7497, gatewayLive: 4001, gatewayPaper: 4002 })
  })
})

describe("IB statuses", () => {
  it.each([
    ["PendingSubmit", 0, "PendingSubmit"],
    ["ApiPending", 0, "PendingSubmit"],
    ["PreSubmitted", 0, "PreSubmitted"],
    ["Submitted", 0, "Submitted"],
    ["Submitted", 1, "PartiallyFilled"],
    ["PendingCancel", 1, "PendingCancel"],
    ["Cancelled", 0, "Cancelled"],
    ["ApiCancelled", 0, "ApiCancelled"],
    ["Filled", 2, "Filled"],
    ["Inactive", 0, "Inactive"],
    ["Whatever", 0, "Unknown"]
  ] as const)("%s with %i filled is %s", (ib, filled, ours) => {
    assert.strictEqual(Snapshots.toDomainStatus(ib, filled), ours)
  })
})

describe("request errors", () => {
  it.each([
    [200, "NoSecurityDefinition"],
    [100, "Pacing"],
    [354, "Unavailable"],
    [321, "Rejected"]
  ] as const)("%i ends a request as %s", (code, reason) => {
    assert.strictEqual(Requests.requestError("contract details", code, "text")?.reason, reason)
  })

  it.each([2104, 2106, 10167, 399])("%i is a notice that does not end a request", (code) => {
    assert.isUndefined(Requests.requestError("a quote", code, "text"))
  })
})

describe("market data ticks", () => {
  const tick = (tag: "TickPrice" | "TickSize", field: number, value: number) =>
    ({ _tag: tag, reqId: 1, field, value }) as const

  it("reads live and delayed bid/ask/last with sizes; IB's -1 (no bid) is 0", () => {
    const t: IbMarketData.Ticks = {}
    for (const e of [
      tick("TickPrice", 66, -1),
      tick("TickPrice", 67, 1.25),
      tick("TickSize", 69, 0),
      tick("TickSize", 70, 12),
      tick("TickPrice", 4, 1.2)
    ]) {
      IbMarketData.addTick(t, e)
    }
    const q = Result.getOrThrow(IbMarketData.toQuote(t, "x"))
    assert.deepStrictEqual([Price.format(q.bid), Price.format(q.ask), q.bidSize, q.askSize], ["0.00", "1.25", 0, 12])
    assert.strictEqual(q.last && Price.format(q.last), "1.20")
  })

  it("prefers the model's greeks over the bid/ask computations, and skips uncomputed ones", () => {
    const t: IbMarketData.Ticks = {}
    const comp = (field: number, delta: number) =>
      ({
        _tag: "TickOptionComputation",
        reqId: 1,
        field,
        impliedVol: 0.3,
        delta,
        gamma: 0.02,
        vega: 0.1,
        theta: -0.05
      }) as const
    IbMarketData.addTick(t, comp(13, 0.5))
    IbMarketData.addTick(t, comp(10, 0.4))
    IbMarketData.addTick(t, { ...comp(13, 0.6), impliedVol: -1 })
    assert.strictEqual(t.greeks?.delta, 0.5)
  })

  it("no bid and no ask is Unavailable, not a zero price", () => {
    const r = IbMarketData.toQuote({}, "AAPL 2026-12-18 150.00 C")
    assert.isTrue(Result.isFailure(r))
    if (Result.isFailure(r)) assert.strictEqual(r.failure.reason, "Unavailable")
  })
})
