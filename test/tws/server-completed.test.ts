/**
 * REQ_COMPLETED_ORDERS through the TWS simulator with the real @stoqey/ib 1.6.10 client, and the bound on the
 * finished orders a server keeps (`maxFinishedOrders`): the oldest finished order is forgotten first, with its
 * executions; open orders are never forgotten.
 */
import { afterEach, assert, describe, it } from "@effect/vitest"
import { SimControl } from "@spreads/sim"
import {
  type Contract as IbContract,
  EventName,
  type Execution,
  type Order as IbOrder,
  type OrderState as IbOrderState
} from "@stoqey/ib"
import { Effect } from "effect"
import * as Main from "../../adapters/tws/src/main.ts"
import * as TwsServer from "../../adapters/tws/src/TwsServer.ts"
import { OrderStore } from "../../adapters/tws/src/OrderState.ts"
import type { OrderRecord, TwsStatus } from "../../adapters/tws/src/OrderRecord.ts"
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
  startServer,
  track,
  until
} from "./server-harness.ts"

const BAG_CON_ID = 28812380

/** One completedOrder event as the client decoded it. */
interface Completed {
  readonly contract: IbContract
  readonly order: IbOrder
  readonly state: IbOrderState
}

describe("TwsServer completed orders", () => {
  let h: ServerHandle
  const clients: Array<Client> = []
  const open = async (clientId: number) => {
    const c = await connect(h.port, clientId)
    clients.push(c)
    return c
  }
  afterEach(async () => {
    assertNo505(...clients)
    for (const c of clients.splice(0)) c.close()
    await h.close()
  })

  const bullCall = async (c: Client) => {
    const L = await listed(h)
    const conIds = await qualify(c, [option(L.symbol, L.expiry, L.atm, "C"), option(L.symbol, L.expiry, L.at(5), "C")])
    return {
      conIds,
      contract: bag(L.symbol, [
        [conIds[0]!, 1, "BUY"],
        [conIds[1]!, 1, "SELL"]
      ])
    }
  }

  const completed = async (c: Client): Promise<ReadonlyArray<Completed>> => {
    const done = c.collect(EventName.completedOrder)
    const ends = c.collect(EventName.completedOrdersEnd)
    c.api.reqCompletedOrders(true)
    await until(() => ends.length > 0, 5_000, "completedOrdersEnd")
    assert.strictEqual(ends.length, 1)
    return done.map((d) => ({ contract: d[0] as IbContract, order: d[1] as IbOrder, state: d[2] as IbOrderState }))
  }

  it("lists every finished order of the account (any client), with permId, fill and IB's words, then the end", async () => {
    h = await startServer()
    const a = await open(11)
    const b = await open(12)
    const { contract, conIds } = await bullCall(a)
    const [ta, tb] = [track(a), track(b)]
    const filled = a.nextValidId()
    a.api.placeOrder(filled, contract, order("BUY", 2, 50, { orderRef: "c-filled" }))
    await ta.until(filled, "Filled")
    const cancelled = filled + 1
    a.api.placeOrder(cancelled, contract, order("BUY", 1, 0.05, { orderRef: "c-cancelled" }))
    await ta.until(cancelled, "Submitted")
    a.api.cancelOrder(cancelled)
    await ta.until(cancelled, "Cancelled")
    const working = filled + 2
    a.api.placeOrder(working, contract, order("BUY", 1, 0.05, { orderRef: "c-working" }))
    await ta.until(working, "Submitted")
    await h.run(Effect.flatMap(SimControl.SimControl, (s) => s.rejectNext({ code: 201, reason: "no buying power" })))
    const rejected = b.nextValidId()
    b.api.placeOrder(rejected, contract, order("SELL", 1, 50, { orderRef: "c-rejected" }))
    await tb.until(rejected, "Inactive")
    // Refused before it reached the broker (price off the tick): never an order at IB, never listed.
    a.api.placeOrder(working + 1, contract, order("BUY", 1, 0.053, { orderRef: "c-refused" }))
    await a.error(110, working + 1)

    const list = await completed(a)
    assert.deepStrictEqual(
      list.map((x) => [x.order.orderRef, x.state.status, Number(x.order.filledQuantity)]),
      [
        ["c-filled", "Filled", 2],
        ["c-cancelled", "Cancelled", 0],
        ["c-rejected", "Inactive", 0]
      ]
    )
    const [f, c, r] = list
    assert.strictEqual(f!.order.permId, ta.status(filled).at(-1)!.permId)
    assert.strictEqual(c!.order.permId, ta.status(cancelled).at(-1)!.permId)
    assert.strictEqual(r!.order.permId, tb.status(rejected).at(-1)!.permId)
    assert.strictEqual(f!.state.completedStatus, "Filled Size: 2")
    assert.strictEqual(c!.state.completedStatus, "Cancelled by Trader")
    assert.include(r!.state.completedStatus ?? "", "no buying power")
    assert.match(f!.state.completedTime ?? "", /^\d{8} \d{2}:\d{2}:\d{2} US\/Eastern$/)
    // The BAG as IB echoes it, with its legs; no order id travels in COMPLETED_ORDER.
    assert.strictEqual(f!.contract.conId, BAG_CON_ID)
    assert.strictEqual(f!.contract.secType, "BAG")
    assert.deepStrictEqual(
      f!.contract.comboLegs?.map((l) => [l.conId, l.ratio, l.action]),
      [
        [conIds[0], 1, "BUY"],
        [conIds[1], 1, "SELL"]
      ]
    )
    assert.strictEqual(f!.order.orderId, undefined)
    assert.strictEqual(f!.order.action, "BUY")
    assert.strictEqual(f!.order.totalQuantity, 2)
    assert.strictEqual(f!.order.lmtPrice, 50)
    assert.strictEqual(f!.order.account, "DU1234567")
    // The other client sees the same list.
    assert.deepStrictEqual(
      (await completed(b)).map((x) => x.order.orderRef),
      ["c-filled", "c-cancelled", "c-rejected"]
    )
  })

  it("answers with the end alone when nothing finished", async () => {
    h = await startServer()
    const a = await open(13)
    assert.deepStrictEqual(await completed(a), [])
  })

  it("keeps at most maxFinishedOrders finished orders: the oldest goes first, with its executions", async () => {
    h = await startServer({ server: { maxFinishedOrders: 2 } })
    const a = await open(14)
    const { contract } = await bullCall(a)
    const t = track(a)
    const first = a.nextValidId()
    const resting = first
    a.api.placeOrder(resting, contract, order("BUY", 1, 0.05, { orderRef: "e-open" }))
    await t.until(resting, "Submitted")
    for (let i = 1; i <= 3; i++) {
      a.api.placeOrder(first + i, contract, order("BUY", 1, 50, { orderRef: `e-${i}` }))
      await t.until(first + i, "Filled")
      await until(() => (t.executions(first + i).length === 3 ? true : undefined), 5_000, `executions of e-${i}`)
    }
    assert.deepStrictEqual(
      (await completed(a)).map((x) => x.order.orderRef),
      ["e-2", "e-3"]
    )
    const execs = a.collect(EventName.execDetails)
    const ends = a.collect(EventName.execDetailsEnd)
    const rid = reqId()
    a.api.reqExecutions(rid, {})
    await until(() => ends.some((e) => e[0] === rid), 5_000, "execDetailsEnd")
    assert.deepStrictEqual(
      [...new Set(execs.filter((e) => e[0] === rid).map((e) => (e[2] as Execution).orderId))].sort(),
      [first + 2, first + 3]
    )
    // The forgotten order is unknown now (10147); the open one, older than all of them, is still there.
    a.api.cancelOrder(first + 1)
    await a.error(10147, first + 1)
    a.api.cancelOrder(resting)
    await t.until(resting, "Cancelled")
    assert.deepStrictEqual(
      (await completed(a)).map((x) => x.order.orderRef),
      ["e-3", "e-open"]
    )
  })

  it("as a TWS older than 976 (noCompletedOrders quirk), answers REQ_COMPLETED_ORDERS as an unknown message", async () => {
    h = await startServer({ server: { quirks: { noCompletedOrders: true } } })
    // Not registered for the 505 check: the 505 is the point here.
    const old = await connect(h.port, 15)
    try {
      const ends = old.collect(EventName.completedOrdersEnd)
      old.api.reqCompletedOrders(true)
      const refusal = await until(() => [...old.errors, ...old.infos].find((e) => e.code === 505), 5_000, "505")
      assert.include(refusal.message, "unknown message id 99")
      assert.strictEqual(ends.length, 0)
      // Switched off at runtime, the same connection gets its answer.
      await h.run(Effect.flatMap(TwsServer.Service, (s) => s.setQuirks({ noCompletedOrders: false })))
      old.api.reqCompletedOrders(true)
      await until(() => ends.length > 0, 5_000, "completedOrdersEnd")
    } finally {
      old.close()
    }
  })

  it("refuses a negative or fractional maxFinishedOrders", async () => {
    for (const bad of [-1, 1.5]) {
      const error = await startServer({ server: { maxFinishedOrders: bad } }).then(
        (running) => running.close().then(() => undefined),
        (e: unknown) => e
      )
      assert.include(String(error), "maxFinishedOrders")
    }
  })
})

describe("OrderStore", () => {
  const record = (orderId: number, status: TwsStatus): OrderRecord =>
    ({ orderId, status }) as Partial<OrderRecord> as OrderRecord

  const execution = (orderId: number, execId: string) =>
    ({ execution: { orderId, execId } }) as unknown as Parameters<OrderStore["addExecution"]>[0]

  it("evicts the oldest finished orders beyond the cap, with their executions; open orders stay", () => {
    const store = new OrderStore(1, 2)
    const open = record(1, "Submitted")
    store.records.set(1, open)
    for (const id of [2, 3, 4]) {
      const r = record(id, "Submitted")
      store.records.set(id, r)
      store.addExecution(execution(id, `x${id}`))
      r.status = "Filled"
      store.settle(r, id * 10)
    }
    assert.deepStrictEqual([...store.records.keys()], [1, 3, 4])
    assert.deepStrictEqual(
      store.finishedOrders().map((r) => r.orderId),
      [3, 4]
    )
    assert.deepStrictEqual(
      [...store.executions()].map((e) => e.execution.execId),
      ["x3", "x4"]
    )
    assert.strictEqual(store.execution("x2"), undefined)
    assert.strictEqual(store.finishedAt(3), 30)
    // Settling an open order, or a finished one again, changes nothing.
    assert.deepStrictEqual(store.settle(open, 50), [])
    assert.deepStrictEqual(store.settle(store.records.get(4)!, 60), [])
    assert.strictEqual(store.finishedAt(4), 40)
    assert.deepStrictEqual([...store.records.keys()], [1, 3, 4])
  })

  it("with a cap of 0 forgets an order as soon as it finishes; permIds never repeat", () => {
    const store = new OrderStore(7, 0)
    const r = record(1, "Cancelled")
    store.records.set(1, r)
    assert.deepStrictEqual(store.settle(r, 1), [1])
    assert.strictEqual(store.records.size, 0)
    assert.deepStrictEqual([store.permId(), store.permId()], [7, 8])
  })
})

describe("tws-sim --max-finished", () => {
  it("takes a whole number and refuses anything else", () => {
    const ok = Main.parseArgs(["--max-finished", "500"])
    assert.strictEqual(typeof ok === "string" ? ok : ok.maxFinishedOrders, 500)
    assert.strictEqual((Main.parseArgs([]) as Main.MainOptions).maxFinishedOrders, undefined)
    for (const bad of ["-1", "1.5", "many"]) {
      assert.include(String(Main.parseArgs(["--max-finished", bad])), "--max-finished needs a whole number")
    }
  })
})
