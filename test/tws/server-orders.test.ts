/**
 * Orders through the TWS simulator with the real @stoqey/ib 1.6.10 client: BAG combos of several strategies,
 * statuses, executions per leg and for the BAG with commission reports, cancel, modify, open-order and execution
 * requests, global cancel, what-if, and IBApiNext's order API.
 */
import { afterEach, assert, beforeEach, describe, it } from "@effect/vitest"
import { EventName, type Execution, SecType } from "@stoqey/ib"
import {
  assertNo505,
  bag,
  type Client,
  connect,
  connectNext,
  listed,
  option,
  order,
  qualify,
  reqId,
  type ServerHandle,
  sleep,
  startServer,
  track,
  until
} from "./server-harness.ts"

const BAG_CON_ID = 28812380

describe("TwsServer orders", () => {
  let h: ServerHandle
  let L: Awaited<ReturnType<typeof listed>>
  const clients: Array<Client> = []
  const open = async (clientId: number) => {
    const c = await connect(h.port, clientId)
    clients.push(c)
    return c
  }
  beforeEach(async () => {
    h = await startServer()
    L = await listed(h)
  })
  afterEach(async () => {
    assertNo505(...clients)
    for (const c of clients.splice(0)) c.close()
    await h.close()
  })

  /** Qualifies `legs` (strike, right, action, ratio) and returns the BAG. */
  const combo = async (c: Client, legs: ReadonlyArray<readonly [number, "C" | "P", "BUY" | "SELL", number]>) => {
    const conIds = await qualify(
      c,
      legs.map(([k, r]) => option(L.symbol, L.expiry, k, r))
    )
    return {
      conIds,
      contract: bag(
        L.symbol,
        legs.map(([, , action, ratio], i) => [conIds[i]!, ratio, action] as const)
      )
    }
  }

  /** Checks the executions of a filled combo: one per leg and one BAG, prices adding up, a commission each. */
  const checkFill = async (
    t: ReturnType<typeof track>,
    id: number,
    conIds: ReadonlyArray<number>,
    legs: ReadonlyArray<readonly [number, "C" | "P", "BUY" | "SELL", number]>,
    action: "BUY" | "SELL",
    qty: number
  ) => {
    const filled = await t.until(id, "Filled", qty)
    const execs = await until(() => (t.executions(id).length === legs.length + 1 ? t.executions(id) : undefined))
    const bagExec = execs.find((e) => e.contract.conId === BAG_CON_ID)!
    assert.strictEqual(bagExec.contract.secType, "BAG")
    assert.strictEqual(bagExec.execution.shares, qty)
    assert.strictEqual(bagExec.execution.side, action === "BUY" ? "BOT" : "SLD")
    assert.strictEqual(bagExec.reqId, -1)
    let sum = 0
    legs.forEach(([, , legAction, ratio], i) => {
      const e = execs.find((x) => x.contract.conId === conIds[i])!
      assert.strictEqual(e.contract.secType, "OPT")
      assert.strictEqual(e.execution.shares, qty * ratio)
      const bought = (legAction === "BUY") === (action === "BUY")
      assert.strictEqual(e.execution.side, bought ? "BOT" : "SLD")
      sum += (legAction === "BUY" ? 1 : -1) * ratio * e.execution.price!
    })
    assert.approximately(bagExec.execution.price!, sum, 1e-9, "the BAG price is the legs' prices with their signs")
    assert.approximately(filled.avgFillPrice, bagExec.execution.price!, 1e-9)
    await until(() => execs.every((e) => t.commissionFor(e.execution.execId!) !== undefined), 3_000, "commissions")
    for (const e of execs) {
      const report = t.commissionFor(e.execution.execId!)!
      if (e.contract.conId === BAG_CON_ID) assert.strictEqual(report.commission, 0)
      else assert.isAbove(report.commission!, 0)
    }
    return { filled, execs, bagExec }
  }

  it("fills a bull call: PendingSubmit -> Submitted -> Filled, executions per leg and for the BAG", async () => {
    const c = await open(1)
    const legs = [
      [L.atm, "C", "BUY", 1],
      [L.at(5), "C", "SELL", 1]
    ] as const
    const { conIds, contract } = await combo(c, legs)
    const t = track(c)
    const id = c.nextValidId()
    c.api.placeOrder(id, contract, order("BUY", 2, 50, { orderRef: "bull-1" }))
    const { filled } = await checkFill(t, id, conIds, legs, "BUY", 2)
    assert.deepStrictEqual(
      t.status(id).map((s) => s.status),
      ["Submitted", "Filled"]
    )
    assert.isAbove(filled.permId, 0)
    const opens = t.openOrders(id)
    assert.strictEqual(opens[0]!.contract.secType, "BAG")
    assert.strictEqual(opens[0]!.contract.conId, BAG_CON_ID)
    assert.strictEqual(opens[0]!.order.orderRef, "bull-1")
    assert.strictEqual(opens[0]!.order.permId, filled.permId)
    assert.strictEqual(opens.at(-1)!.state.status, "Filled")
    assert.strictEqual(t.executions(id)[0]!.execution.orderRef, "bull-1")
  })

  it("fills an iron condor sold for a credit and a butterfly with a ratio-2 body", async () => {
    const c = await open(2)
    const condor = [
      [L.at(-10), "P", "BUY", 1],
      [L.at(-5), "P", "SELL", 1],
      [L.at(5), "C", "SELL", 1],
      [L.at(10), "C", "BUY", 1]
    ] as const
    const fly = [
      [L.at(-5), "C", "BUY", 1],
      [L.atm, "C", "SELL", 2],
      [L.at(5), "C", "BUY", 1]
    ] as const
    const ic = await combo(c, condor)
    const bf = await combo(c, fly)
    const t = track(c)
    const id = c.nextValidId()
    c.api.placeOrder(id, ic.contract, order("SELL", 3))
    c.api.placeOrder(id + 1, bf.contract, order("BUY", 1))
    const icFill = await checkFill(t, id, ic.conIds, condor, "SELL", 3)
    assert.isBelow(icFill.bagExec.execution.price!, 0, "an iron condor as defined is a credit: IB's price is negative")
    await checkFill(t, id + 1, bf.conIds, fly, "BUY", 1)
  })

  it("sells a bull call short: the leg sides flip, the combo definition does not", async () => {
    const c = await open(3)
    const legs = [
      [L.atm, "C", "BUY", 1],
      [L.at(3), "C", "SELL", 1]
    ] as const
    const { conIds, contract } = await combo(c, legs)
    const t = track(c)
    const id = c.nextValidId()
    c.api.placeOrder(id, contract, order("SELL", 1, -50))
    const { bagExec } = await checkFill(t, id, conIds, legs, "SELL", 1)
    assert.isAbove(bagExec.execution.price!, 0)
  })

  it("cancels: PendingCancel (OPEN_ORDER and ORDER_STATUS), then Cancelled and error 202", async () => {
    const c = await open(4)
    const { contract } = await combo(c, [
      [L.atm, "C", "BUY", 1],
      [L.at(5), "C", "SELL", 1]
    ])
    const t = track(c)
    const id = c.nextValidId()
    c.api.placeOrder(id, contract, order("BUY", 1, 0.05))
    await t.until(id, "Submitted")
    c.api.cancelOrder(id)
    await t.until(id, "PendingCancel")
    assert.strictEqual(t.openOrders(id).at(-1)!.state.status, "PendingCancel")
    await t.until(id, "Cancelled")
    const e202 = await c.error(202, id)
    assert.strictEqual(e202.message, "Order Canceled - reason:")
    assert.deepStrictEqual(
      t.status(id).map((s) => s.status),
      ["Submitted", "PendingCancel", "Cancelled"]
    )
    assert.strictEqual(t.status(id).at(-1)!.remaining, 1)
  })

  it("modifies price and quantity by re-sending the open id", async () => {
    const c = await open(5)
    const { contract } = await combo(c, [
      [L.atm, "P", "BUY", 1],
      [L.at(-5), "P", "SELL", 1]
    ])
    const t = track(c)
    const id = c.nextValidId()
    c.api.placeOrder(id, contract, order("BUY", 1, 0.05, { orderRef: "mod-1" }))
    await t.until(id, "Submitted")
    c.api.placeOrder(id, contract, order("BUY", 3, 0.1, { orderRef: "mod-1" }))
    await until(() => t.openOrders(id).find((o) => o.order.totalQuantity === 3), 3_000, "modified OPEN_ORDER")
    const last = t.openOrders(id).at(-1)!
    assert.strictEqual(last.order.lmtPrice, 0.1)
    assert.strictEqual(last.state.status, "Submitted")
    await until(() => t.status(id).find((s) => s.remaining === 3))
    // A modify that makes the order marketable fills it at the new terms.
    c.api.placeOrder(id, contract, order("BUY", 3, 40, { orderRef: "mod-1" }))
    await t.until(id, "Filled", 3)
  })

  it("lists open orders: REQ_OPEN_ORDERS (this client), REQ_ALL_OPEN_ORDERS (all), REQ_AUTO_OPEN_ORDERS (binds)", async () => {
    const [a, b] = [await open(6), await open(16)]
    const { contract } = await combo(a, [
      [L.atm, "C", "BUY", 1],
      [L.at(5), "C", "SELL", 1]
    ])
    const ta = track(a)
    const tb = track(b)
    const idA = a.nextValidId()
    const idB = b.nextValidId()
    a.api.placeOrder(idA, contract, order("BUY", 1, 0.05))
    b.api.placeOrder(idB, contract, order("BUY", 1, 0.06))
    await ta.until(idA, "Submitted")
    await tb.until(idB, "Submitted")
    const ends = a.collect(EventName.openOrderEnd)
    const before = ta.opens.length
    a.api.reqOpenOrders()
    await until(() => ends.length === 1)
    assert.deepStrictEqual(
      ta.opens.slice(before).map((o) => o[0]),
      [idA]
    )
    const beforeAll = ta.opens.length
    a.api.reqAllOpenOrders()
    await until(() => ends.length === 2)
    assert.sameMembers(
      ta.opens.slice(beforeAll).map((o) => o[0]),
      [idA, idB]
    )
    // Bound: a's connection now hears about b's orders too.
    a.api.reqAutoOpenOrders(true)
    await until(() => ends.length === 3)
    b.api.cancelOrder(idB)
    await tb.until(idB, "Cancelled")
    await ta.until(idB, "Cancelled")
  })

  it("answers REQ_EXECUTIONS with the request id, commission reports and EXECUTION_DATA_END", async () => {
    const c = await open(7)
    const { contract } = await combo(c, [
      [L.atm, "C", "BUY", 1],
      [L.at(5), "C", "SELL", 1]
    ])
    const t = track(c)
    const id = c.nextValidId()
    c.api.placeOrder(id, contract, order("BUY", 1))
    await t.until(id, "Filled")
    await until(() => t.commissions.length >= 3)
    const ends = c.collect(EventName.execDetailsEnd)
    const rid = reqId()
    const before = t.execs.length
    const beforeCommissions = t.commissions.length
    c.api.reqExecutions(rid, {})
    await until(() => ends.find((e) => e[0] === rid))
    const answered = t.execs.slice(before)
    assert.strictEqual(answered.length, 3)
    assert.isTrue(answered.every((e) => e[0] === rid))
    assert.strictEqual(t.commissions.length - beforeCommissions, 3)
    // Filtered by side and security type.
    const rid2 = reqId()
    const before2 = t.execs.length
    c.api.reqExecutions(rid2, { secType: SecType.BAG })
    await until(() => ends.find((e) => e[0] === rid2))
    assert.deepStrictEqual(
      t.execs.slice(before2).map((e) => (e[2] as Execution).shares),
      [1]
    )
  })

  it("cancels every client's open orders on REQ_GLOBAL_CANCEL", async () => {
    const [a, b] = [await open(8), await open(18)]
    const { contract } = await combo(a, [
      [L.atm, "C", "BUY", 1],
      [L.at(5), "C", "SELL", 1]
    ])
    const [ta, tb] = [track(a), track(b)]
    const [idA, idB] = [a.nextValidId(), b.nextValidId()]
    a.api.placeOrder(idA, contract, order("BUY", 1, 0.05))
    b.api.placeOrder(idB, contract, order("BUY", 2, 0.05))
    await ta.until(idA, "Submitted")
    await tb.until(idB, "Submitted")
    a.api.reqGlobalCancel()
    await ta.until(idA, "Cancelled")
    await tb.until(idB, "Cancelled")
  })

  it("answers a what-if order with margin and commission in OPEN_ORDER and places nothing", async () => {
    const c = await open(9)
    const { contract } = await combo(c, [
      [L.atm, "C", "BUY", 1],
      [L.at(5), "C", "SELL", 1]
    ])
    const t = track(c)
    const id = c.nextValidId()
    c.api.placeOrder(id, contract, order("BUY", 2, 2.5, { whatIf: true }))
    const answer = await until(() => t.openOrders(id)[0])
    const state = answer.state as { initMarginChange?: number; commission?: number; commissionCurrency?: string }
    assert.strictEqual(answer.order.whatIf, true)
    assert.isAbove(state.initMarginChange!, 0)
    assert.isAbove(state.commission!, 0)
    assert.strictEqual(state.commissionCurrency, "USD")
    await sleep(150)
    assert.deepStrictEqual(t.status(id), [])
    assert.deepStrictEqual(t.executions(id), [])
  })

  it("places a single-leg option order: one OPT execution, no BAG", async () => {
    const c = await open(10)
    const [conId] = await qualify(c, [option(L.symbol, L.expiry, L.atm, "P")])
    const t = track(c)
    const id = c.nextValidId()
    c.api.placeOrder(id, { conId: conId!, exchange: "SMART", secType: SecType.OPT }, order("SELL", 2))
    await t.until(id, "Filled", 2)
    const execs = await until(() => (t.executions(id).length === 1 ? t.executions(id) : undefined))
    assert.strictEqual(execs[0]!.contract.conId, conId)
    assert.strictEqual(execs[0]!.execution.side, "SLD")
    await sleep(50)
    assert.strictEqual(t.executions(id).length, 1)
  })

  it("works with IBApiNext: qualify, placeNewOrder, open orders, executions", async () => {
    const n = await connectNext(h.port, 31)
    try {
      const details = await Promise.all(
        [L.atm, L.at(5)].map((k) => n.next.getContractDetails(option(L.symbol, L.expiry, k, "C")))
      )
      const conIds = details.map((d) => d[0]!.contract.conId!)
      const resting = await n.next.placeNewOrder(
        bag(L.symbol, [
          [conIds[0]!, 1, "BUY"],
          [conIds[1]!, 1, "SELL"]
        ]),
        order("BUY", 1, 0.05)
      )
      await sleep(100)
      const seen = await n.next.getAllOpenOrders()
      assert.isTrue(seen.some((o) => o.orderId === resting && o.orderState.status === "Submitted"))
      const filledId = await n.next.placeNewOrder(
        bag(L.symbol, [
          [conIds[0]!, 1, "BUY"],
          [conIds[1]!, 1, "SELL"]
        ]),
        order("BUY", 1)
      )
      assert.isAbove(filledId, resting)
      await sleep(300)
      const execs = await n.next.getExecutionDetails({})
      assert.strictEqual(execs.filter((e) => e.execution.orderId === filledId).length, 3)
      n.next.cancelOrder(resting)
      await sleep(200)
      assertNo505(n)
    } finally {
      n.close()
    }
  })

  it("routes order messages to the client id after it reconnects", async () => {
    const c = await open(11)
    const { contract } = await combo(c, [
      [L.atm, "C", "BUY", 1],
      [L.at(5), "C", "SELL", 1]
    ])
    const t = track(c)
    const id = c.nextValidId()
    c.api.placeOrder(id, contract, order("BUY", 1, 0.05))
    await t.until(id, "Submitted")
    c.close()
    clients.splice(clients.indexOf(c), 1)
    await sleep(30)
    const again = await open(11)
    assert.isAbove(again.nextValidId(), id)
    const t2 = track(again)
    again.api.placeOrder(id, contract, order("BUY", 1, 40))
    await t2.until(id, "Filled")
  })
})
