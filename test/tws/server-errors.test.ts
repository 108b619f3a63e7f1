/**
 * Every IB error code the TWS simulator answers with, as the real @stoqey/ib 1.6.10 client receives it:
 * 103, 104, 105, 110, 161, 200, 201, 202, 321, 399, 10147, 10148 (and the combo codes 312/314, 387).
 */
import { afterEach, assert, beforeEach, describe, it } from "@effect/vitest"
import { SecType } from "@stoqey/ib"
import { Effect } from "effect"
import {
  assertNo505,
  bag,
  type Client,
  connect,
  listed,
  option,
  order,
  qualify,
  reqId,
  type ServerHandle,
  simControl,
  sleep,
  startServer,
  track
} from "./server-harness.ts"

describe("TwsServer errors", () => {
  let h: ServerHandle
  let L: Awaited<ReturnType<typeof listed>>
  let c: Client
  let spread: ReturnType<typeof bag>
  const extra: Array<Client> = []
  beforeEach(async () => {
    h = await startServer({ sim: { marketClosed: "hold" } })
    L = await listed(h)
    c = await connect(h.port, 1)
    const conIds = await qualify(c, [option(L.symbol, L.expiry, L.atm, "C"), option(L.symbol, L.expiry, L.at(5), "C")])
    spread = bag(L.symbol, [
      [conIds[0]!, 1, "BUY"],
      [conIds[1]!, 1, "SELL"]
    ])
  })
  afterEach(async () => {
    assertNo505(c, ...extra)
    c.close()
    for (const x of extra.splice(0)) x.close()
    await h.close()
  })

  it("103: a new order id at or below the client's highest, or another client's id", async () => {
    const t = track(c)
    const id = c.nextValidId() + 5
    c.api.placeOrder(id, spread, order("BUY", 1, 0.05))
    await t.until(id, "Submitted")
    c.api.placeOrder(id - 1, spread, order("BUY", 1, 0.05))
    const e = await c.error(103, id - 1)
    assert.strictEqual(e.message, "Duplicate order ID.")
    const other = await connect(h.port, 2)
    extra.push(other)
    other.api.placeOrder(id, spread, order("BUY", 1, 0.05))
    await other.error(103, id)
    await sleep(50)
    assert.deepStrictEqual(t.status(id - 1), [], "nothing was placed under a refused id")
  })

  it("104: modifying a filled order; 10148: cancelling it", async () => {
    const t = track(c)
    const id = c.nextValidId()
    c.api.placeOrder(id, spread, order("BUY", 1))
    await t.until(id, "Filled")
    c.api.placeOrder(id, spread, order("BUY", 1, 1))
    assert.strictEqual((await c.error(104, id)).message, "Can't modify a filled order.")
    c.api.cancelOrder(id)
    const e = await c.error(10148, id)
    assert.strictEqual(e.message, `OrderId ${id} that needs to be cancelled can not be cancelled, state: Filled.`)
  })

  it("105: re-sending an open id with a different contract", async () => {
    const t = track(c)
    const id = c.nextValidId()
    c.api.placeOrder(id, spread, order("BUY", 1, 0.05))
    await t.until(id, "Submitted")
    const [far] = await qualify(c, [option(L.symbol, L.expiry, L.at(10), "C")])
    const changed = bag(L.symbol, [
      [spread.comboLegs![0]!.conId!, 1, "BUY"],
      [far!, 1, "SELL"]
    ])
    c.api.placeOrder(id, changed, order("BUY", 1, 0.05))
    assert.strictEqual((await c.error(105, id)).message, "Order being modified does not match original order.")
  })

  it("110: a limit price off the tick grid", async () => {
    const id = c.nextValidId()
    c.api.placeOrder(id, spread, order("BUY", 1, 1.234))
    const e = await c.error(110, id)
    assert.include(e.message, "minimum price variation")
    // A single option above $3 trades in nickels.
    const [conId] = await qualify(c, [option(L.symbol, L.expiry, L.at(-5), "C")])
    c.api.placeOrder(id + 1, { conId: conId!, secType: SecType.OPT, exchange: "SMART" }, order("BUY", 1, 10.02))
    await c.error(110, id + 1)
  })

  it("201: a rejected order (ORDER_STATUS Inactive); 161: cancelling it", async () => {
    const t = track(c)
    const id = c.nextValidId()
    c.api.placeOrder(id, spread, order("BUY", 10_000, 1))
    const e = await c.error(201, id)
    assert.match(e.message, /^Order rejected - reason:/)
    await t.until(id, "Inactive")
    c.api.cancelOrder(id)
    assert.strictEqual((await c.error(161, id)).message, "Cancel attempted when order is not in a cancellable state.")
    const sim = await simControl(h)
    await h.run(sim.rejectNext({ code: 201, reason: "Order rejected - reason:YOUR ORDER IS NOT ACCEPTED" }))
    c.api.placeOrder(id + 1, spread, order("BUY", 1, 1))
    assert.strictEqual((await c.error(201, id + 1)).message, "Order rejected - reason:YOUR ORDER IS NOT ACCEPTED")
  })

  it("202: a cancelled order; 10147: cancelling an unknown id or another client's order", async () => {
    const t = track(c)
    const id = c.nextValidId()
    c.api.placeOrder(id, spread, order("BUY", 1, 0.05))
    await t.until(id, "Submitted")
    c.api.cancelOrder(id)
    await c.error(202, id)
    c.api.cancelOrder(id)
    assert.include((await c.error(10148, id)).message, "state: Cancelled")
    c.api.cancelOrder(999_999)
    const e = await c.error(10147, 999_999)
    assert.strictEqual(e.message, "OrderId 999999 that needs to be cancelled is not found.")
    const other = await connect(h.port, 2)
    extra.push(other)
    const to = track(other)
    const id2 = other.nextValidId()
    other.api.placeOrder(id2, spread, order("BUY", 1, 0.05))
    await to.until(id2, "Submitted")
    c.api.cancelOrder(id2)
    await c.error(10147, id2)
  })

  it("200: no security definition (contract details, a BAG leg, market data); 321: contract details of a BAG", async () => {
    const r1 = reqId()
    c.api.reqContractDetails(r1, option(L.symbol, L.expiry, L.atm + 0.5, "C"))
    assert.match((await c.error(200, r1)).message, /^No security definition has been found for the request/)
    const r2 = reqId()
    c.api.reqContractDetails(r2, {
      symbol: "NOPE",
      secType: SecType.OPT,
      lastTradeDateOrContractMonth: L.expiry,
      strike: 100,
      right: option(L.symbol, L.expiry, 1, "C").right!,
      exchange: "SMART",
      currency: "USD"
    })
    await c.error(200, r2)
    const r3 = reqId()
    c.api.reqContractDetails(r3, spread)
    assert.match((await c.error(321, r3)).message, /^Error validating request/)
    const id = c.nextValidId()
    c.api.placeOrder(
      id,
      bag(L.symbol, [
        [1, 1, "BUY"],
        [2, 1, "SELL"]
      ]),
      order("BUY", 1, 1)
    )
    await c.error(200, id)
    const r4 = reqId()
    c.api.reqMktData(r4, { conId: 12345, secType: SecType.OPT, exchange: "SMART" }, "", true, false)
    await c.error(200, r4)
  })

  it("312 / 314 / 387: bad combos and unsupported order types", async () => {
    const id = c.nextValidId()
    c.api.placeOrder(
      id,
      { symbol: L.symbol, secType: SecType.BAG, exchange: "SMART", currency: "USD", comboLegs: [] },
      order("BUY", 1, 1)
    )
    await c.error(314, id)
    const leg = spread.comboLegs![0]!.conId!
    c.api.placeOrder(
      id + 1,
      bag(L.symbol, [
        [leg, 1, "BUY"],
        [leg, 1, "SELL"]
      ]),
      order("BUY", 1, 1)
    )
    await c.error(312, id + 1)
    c.api.placeOrder(id + 2, spread, order("BUY", 1, 1, { orderType: "STP" as never, auxPrice: 1 }))
    await c.error(387, id + 2)
  })

  it("399: an order held while the market is closed stays PreSubmitted with a warning", async () => {
    const sim = await simControl(h)
    await h.run(sim.setMarketOpen(false))
    const t = track(c)
    const id = c.nextValidId()
    c.api.placeOrder(id, spread, order("BUY", 1, 40))
    const w = await c.error(399, id)
    assert.include(w.message, "Warning: your order will not be placed at the exchange until")
    await t.until(id, "PreSubmitted")
    await sleep(100)
    assert.deepStrictEqual(
      t.status(id).map((s) => s.status),
      ["PreSubmitted"]
    )
    await h.run(sim.setMarketOpen(true))
    await t.until(id, "Filled", undefined, 3_000)
  })

  it("answers a broken request without disturbing the session", async () => {
    const t = track(c)
    const id = c.nextValidId()
    c.api.placeOrder(
      id,
      { symbol: "SPY", secType: SecType.STK, exchange: "SMART", currency: "USD" },
      order("BUY", 1, 1)
    )
    await c.error(321, id)
    c.api.placeOrder(id + 1, spread, order("BUY", 1))
    await t.until(id + 1, "Filled")
    await h.run(Effect.void)
  })
})
