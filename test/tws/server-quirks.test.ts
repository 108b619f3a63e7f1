/**
 * IB's quirks, switched on in the TWS simulator, as the real @stoqey/ib 1.6.10 client sees them: duplicate
 * ORDER_STATUS, executions before OPEN_ORDER, no Submitted for combos, fills during PendingCancel (with and without
 * SimControl), 1100/1101/1102 connectivity windows, dropped connections.
 */
import { afterEach, assert, describe, it } from "@effect/vitest"
import { EventName, type Execution } from "@stoqey/ib"
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
  track,
  until
} from "./server-harness.ts"

/** One ordered log of what a client hears: order events, executions and notices. */
const timeline = (c: Client) => {
  const log: Array<{ readonly kind: string; readonly id: number; readonly detail: string }> = []
  const on = c.api as unknown as { on(e: string, f: (...a: Array<unknown>) => void): unknown }
  on.on(EventName.openOrder, (id, _c, _o, state) =>
    log.push({ kind: "open", id: Number(id), detail: String((state as { status?: string }).status) })
  )
  on.on(EventName.orderStatus, (id, status, filled) =>
    log.push({ kind: "status", id: Number(id), detail: `${String(status)}:${String(filled)}` })
  )
  on.on(EventName.execDetails, (_r, contract, e) =>
    log.push({
      kind: "exec",
      id: (e as Execution).orderId!,
      detail: String((contract as { secType?: string }).secType)
    })
  )
  on.on(EventName.info, (message, code) =>
    log.push({ kind: "info", id: -1, detail: `${String(code)} ${String(message)}` })
  )
  return log
}

describe("TwsServer quirks", () => {
  let h: ServerHandle
  const clients: Array<Client> = []
  const setup = async (options: Parameters<typeof startServer>[0] = {}) => {
    h = await startServer(options)
    const L = await listed(h)
    const c = await connect(h.port, 1)
    clients.push(c)
    const conIds = await qualify(c, [option(L.symbol, L.expiry, L.atm, "C"), option(L.symbol, L.expiry, L.at(5), "C")])
    const spread = bag(L.symbol, [
      [conIds[0]!, 1, "BUY"],
      [conIds[1]!, 1, "SELL"]
    ])
    return { L, c, spread, conIds }
  }
  afterEach(async () => {
    assertNo505(...clients)
    for (const c of clients.splice(0)) c.close()
    await h.close()
  })

  it("duplicateOrderStatus: every ORDER_STATUS comes twice", async () => {
    const { c, spread } = await setup({ server: { quirks: { duplicateOrderStatus: true } } })
    const t = track(c)
    const id = c.nextValidId()
    c.api.placeOrder(id, spread, order("BUY", 1))
    await t.until(id, "Filled")
    await sleep(30)
    assert.deepStrictEqual(
      t.status(id).map((s) => s.status),
      ["Submitted", "Submitted", "Filled", "Filled"]
    )
    await h.run(h.server.setQuirks({ duplicateOrderStatus: false }))
    c.api.placeOrder(id + 1, spread, order("BUY", 1))
    await t.until(id + 1, "Filled")
    await sleep(30)
    assert.deepStrictEqual(
      t.status(id + 1).map((s) => s.status),
      ["Submitted", "Filled"]
    )
  })

  it("executionsBeforeOpenOrder: a marketable order's executions arrive before its first OPEN_ORDER", async () => {
    const { c, spread } = await setup({ server: { quirks: { executionsBeforeOpenOrder: true, ackHoldMs: 150 } } })
    const log = timeline(c)
    const t = track(c)
    const id = c.nextValidId()
    c.api.placeOrder(id, spread, order("BUY", 1))
    await t.until(id, "Filled")
    const mine = log.filter((e) => e.id === id)
    assert.strictEqual(mine[0]!.kind, "exec")
    const firstOpen = mine.findIndex((e) => e.kind === "open")
    assert.strictEqual(mine.slice(0, firstOpen).filter((e) => e.kind === "exec").length, 3)
    // A resting order gets its acknowledgement once the hold expires.
    const started = Date.now()
    c.api.placeOrder(id + 1, spread, order("BUY", 1, 0.05))
    await t.until(id + 1, "Submitted")
    assert.isAtLeast(Date.now() - started, 120)
  })

  it("noSubmittedForCombos: a BAG stays PreSubmitted until it fills", async () => {
    const { c, spread } = await setup({ server: { quirks: { noSubmittedForCombos: true } } })
    const t = track(c)
    const id = c.nextValidId()
    c.api.placeOrder(id, spread, order("BUY", 1, 0.05))
    await t.until(id, "PreSubmitted")
    c.api.placeOrder(id, spread, order("BUY", 1, 40))
    await t.until(id, "Filled")
    assert.isFalse(t.status(id).some((s) => s.status === "Submitted"))
    assert.isFalse(t.openOrders(id).some((o) => o.state.status === "Submitted"))
  })

  it("fillsDuringPendingCancel with SimControl: a fill lands while the cancel is pending", async () => {
    const { c, spread } = await setup({ server: { quirks: { fillsDuringPendingCancel: true } } })
    const log = timeline(c)
    const t = track(c)
    const id = c.nextValidId()
    c.api.placeOrder(id, spread, order("BUY", 3, 0.05))
    await t.until(id, "Submitted")
    c.api.cancelOrder(id)
    await until(() => t.status(id).find((s) => s.status === "Cancelled" || s.status === "Filled"), 3_000, "done")
    const mine = log.filter((e) => e.id === id)
    const pending = mine.findIndex((e) => e.kind === "status" && e.detail.startsWith("PendingCancel:0"))
    const firstExec = mine.findIndex((e) => e.kind === "exec")
    assert.isAbove(pending, -1)
    assert.isAbove(firstExec, pending, "the execution came after PendingCancel")
    assert.isTrue(t.status(id).some((s) => s.status === "PendingCancel" && s.filled > 0))
  })

  it("fillsDuringPendingCancel without SimControl: the cancel is held and a coming fill wins (10148)", async () => {
    const { c, spread } = await setup({
      withoutSimControl: true,
      sim: { fillMs: 120 },
      server: { quirks: { fillsDuringPendingCancel: true, cancelHoldMs: 300 } }
    })
    const t = track(c)
    const id = c.nextValidId()
    c.api.placeOrder(id, spread, order("BUY", 1))
    await t.until(id, "Submitted")
    c.api.cancelOrder(id)
    await t.until(id, "PendingCancel")
    await t.until(id, "Filled", 1)
    await c.error(10148, id)
    assert.isFalse(t.status(id).some((s) => s.status === "Cancelled"))
  })

  it("connectivity window: 1100, then 1102 with order messages held until the restore", async () => {
    const { c, spread } = await setup()
    const log = timeline(c)
    const t = track(c)
    const window = h.run(h.server.connectivityWindow({ lengthMs: 200, restore: "DataMaintained" }))
    await c.info(1100)
    const id = c.nextValidId()
    c.api.placeOrder(id, spread, order("BUY", 1))
    await window
    await t.until(id, "Filled")
    const restored = log.findIndex((e) => e.kind === "info" && e.detail.startsWith("1102"))
    const firstStatus = log.findIndex((e) => e.kind === "status" && e.id === id)
    assert.isAbove(restored, -1)
    assert.isAbove(firstStatus, restored, "order messages came after 1102")
  })

  it("connectivity window with data lost: 1101 and market data streams stop", async () => {
    const { L, c } = await setup({ server: { marketDataIntervalMs: 20 } })
    const ticks = c.collect(EventName.tickPrice)
    const rid = reqId()
    c.api.reqMktData(rid, option(L.symbol, L.expiry, L.atm, "C"), "", false, false)
    await until(() => ticks.length > 0)
    await h.run(h.server.connectivityWindow({ lengthMs: 50, restore: "DataLost" }))
    assert.include((await c.info(1101)).message, "data lost")
    const before = ticks.length
    await sleep(100)
    assert.strictEqual(ticks.length, before, "no ticks after 1101 until the client subscribes again")
  })

  it("mirrors the broker's own connection: 1100 when it drops, 1102 when it is back", async () => {
    const { c } = await setup()
    const sim = await simControl(h)
    await h.run(sim.disconnect)
    await c.info(1100)
    await h.run(sim.reconnect)
    assert.include((await c.info(1102)).message, "data maintained")
  })

  it("periodic connectivity windows from the quirks, switched off at runtime", async () => {
    const { c } = await setup({
      server: { quirks: { connectivity: { everyMs: 120, lengthMs: 40, restore: "DataMaintained" } } }
    })
    await until(() => c.infos.filter((i) => i.code === 1102).length >= 2, 3_000, "two windows")
    await h.run(h.server.setQuirks({ connectivity: undefined }))
    await sleep(30)
    const seen = c.infos.filter((i) => i.code === 1100).length
    await sleep(300)
    assert.strictEqual(c.infos.filter((i) => i.code === 1100).length, seen)
  })

  it("dropped connections: one client's socket closes, the others go on, and it can reconnect", async () => {
    const { c } = await setup()
    const other = await connect(h.port, 2)
    clients.push(other)
    await h.run(h.server.dropConnection(1))
    await until(() => c.disconnected(), 2_000, "client 1 dropped")
    assert.isFalse(other.disconnected())
    const times = other.collect(EventName.currentTime)
    other.api.reqCurrentTime()
    await until(() => times.length === 1)
    const again = await connect(h.port, 1)
    clients.push(again)
    assert.isAbove(again.nextValidId(), c.nextValidId())
  })

  it("periodic dropped connections from the quirks", async () => {
    const { c } = await setup({ server: { quirks: { dropConnections: { everyMs: 150 } } } })
    await until(() => c.disconnected(), 3_000, "dropped")
  })
})
