/**
 * The TWS simulator server restarted in front of the same simulated broker, with the real @stoqey/ib 1.6.10
 * client: a working order is still known (listed with its permId, owned by its client, cancellable), conIds
 * handed out before the restart still resolve, order ids keep going up, and what the broker did while no server
 * listened (fills) shows in open orders, executions and completed orders afterwards.
 */
import { afterEach, assert, describe, it } from "@effect/vitest"
import { Contract, Price, Values } from "@spreads/domain"
import { SimControl } from "@spreads/sim"
import { EventName, type Execution, type Order as IbOrder, type OrderState as IbOrderState } from "@stoqey/ib"
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
  type RestartableHandle,
  startRestartable,
  track,
  until
} from "./server-harness.ts"

describe("TwsServer restarted in front of the same broker", () => {
  let h: RestartableHandle
  const clients: Array<Client> = []
  const open = async (clientId: number, port = h.port) => {
    const c = await connect(port, clientId)
    clients.push(c)
    return c
  }
  afterEach(async () => {
    assertNo505(...clients)
    for (const c of clients.splice(0)) c.close()
    await h.close()
  })

  /** A bull call on the listed chain: qualified conIds and the BAG. */
  const bullCall = async (c: Client, L: Awaited<ReturnType<typeof listed>>) => {
    const conIds = await qualify(c, [option(L.symbol, L.expiry, L.atm, "C"), option(L.symbol, L.expiry, L.at(5), "C")])
    return {
      conIds,
      contract: bag(L.symbol, [
        [conIds[0]!, 1, "BUY"],
        [conIds[1]!, 1, "SELL"]
      ])
    }
  }

  /** REQ_OPEN_ORDERS on `c`: the orders listed (id, permId, status). */
  const openOrders = async (c: Client) => {
    const opens = c.collect(EventName.openOrder)
    const ends = c.collect(EventName.openOrderEnd)
    c.api.reqOpenOrders()
    await until(() => ends.length > 0, 5_000, "openOrderEnd")
    return opens.map((o) => ({
      orderId: Number(o[0]),
      permId: (o[2] as IbOrder).permId,
      status: String((o[3] as IbOrderState).status)
    }))
  }

  /** REQ_EXECUTIONS (no filter) on `c`: the executions listed. */
  const executions = async (c: Client) => {
    const execs = c.collect(EventName.execDetails)
    const ends = c.collect(EventName.execDetailsEnd)
    const rid = reqId()
    c.api.reqExecutions(rid, {})
    await until(() => ends.some((e) => e[0] === rid), 5_000, "execDetailsEnd")
    return execs.filter((e) => e[0] === rid).map((e) => e[2] as Execution)
  }

  /** REQ_COMPLETED_ORDERS on `c`: orderRef, status and filled quantity of each completed order. */
  const completed = async (c: Client) => {
    const done = c.collect(EventName.completedOrder)
    const ends = c.collect(EventName.completedOrdersEnd)
    c.api.reqCompletedOrders(true)
    await until(() => ends.length > 0, 5_000, "completedOrdersEnd")
    return done.map((d) => ({
      orderRef: (d[1] as IbOrder).orderRef,
      status: String((d[2] as IbOrderState).status),
      filled: Number((d[1] as IbOrder).filledQuantity)
    }))
  }

  it("a working order is still known: listed with its permId, cancellable by its owner only", async () => {
    h = await startRestartable()
    const L = await listed(h)
    const a = await open(5)
    const { contract, conIds } = await bullCall(a, L)
    const t = track(a)
    const id = a.nextValidId()
    a.api.placeOrder(id, contract, order("BUY", 1, 0.05, { orderRef: "survivor" }))
    const submitted = await t.until(id, "Submitted")

    await h.restart(100)
    await until(() => a.disconnected(), 5_000, "the old connection to close")
    assert.isTrue(h.logs.some((l) => l.text.includes("resumed with 1 order(s)")))

    const b = await open(5)
    assert.isAbove(b.nextValidId(), id, "ids keep going up across the restart")
    assert.deepStrictEqual(await openOrders(b), [{ orderId: id, permId: submitted.permId, status: "Submitted" }])

    // Another client does not own it: 10147, as for an unknown order.
    const other = await open(6)
    other.api.cancelOrder(id)
    await other.error(10147, id)

    // Its owner cancels it through the new server.
    const tb = track(b)
    b.api.cancelOrder(id)
    await tb.until(id, "Cancelled")
    await b.error(202, id)

    // The conIds qualified with the old server resolve on the new one, with no new qualification.
    assert.deepStrictEqual(
      contract.comboLegs?.map((l) => l.conId),
      [...conIds]
    )
    const next = b.nextValidId()
    b.api.placeOrder(next, contract, order("BUY", 1, 50, { orderRef: "after" }))
    await tb.until(next, "Filled")
    assert.isFalse(
      b.errors.some((e) => e.code === 200),
      "no 'no security definition' for the old conIds"
    )
  })

  it("fills made while no server listened show in open orders, executions and completed orders", async () => {
    h = await startRestartable()
    const L = await listed(h)
    const a = await open(7)
    const { contract } = await bullCall(a, L)
    const t = track(a)
    const first = a.nextValidId()
    a.api.placeOrder(first, contract, order("BUY", 1, 50, { orderRef: "before" }))
    await t.until(first, "Filled")
    const resting = first + 1
    a.api.placeOrder(resting, contract, order("BUY", 2, 0.05, { orderRef: "while-down" }))
    await t.until(resting, "Submitted")
    await until(() => (t.executions(first).length === 3 ? true : undefined), 5_000, "executions of the first order")

    // While the server is down the market moves through the resting order's limit: the broker fills it.
    const expiry = Contract.expiry(`${L.expiry.slice(0, 4)}-${L.expiry.slice(4, 6)}-${L.expiry.slice(6)}`)
    const underlying = Values.make.underlying(L.symbol)
    await h.restart(400, () =>
      h.run(
        Effect.gen(function* () {
          const sim = yield* SimControl.SimControl
          yield* sim.setQuote(Contract.optionContract(underlying, expiry, Price.dec(L.atm), "C"), {
            bid: "1.00",
            ask: "1.02",
            bidSize: 50,
            askSize: 50
          })
          yield* sim.setQuote(Contract.optionContract(underlying, expiry, Price.dec(L.at(5)), "C"), {
            bid: "1.00",
            ask: "1.02",
            bidSize: 50,
            askSize: 50
          })
        })
      )
    )
    assert.isTrue(
      h.logs.some((l) => /resumed with 2 order\(s\).*caught up with [1-9]\d* execution/.test(l.text)),
      "the restarted server caught up with the fills it missed"
    )

    const b = await open(7)
    assert.deepStrictEqual(await openOrders(b), [], "the order filled while down is no longer open")
    const listedExecs = await executions(b)
    assert.deepStrictEqual(
      [...new Set(listedExecs.map((e) => e.orderId))].sort(),
      [first, resting],
      "executions from before the restart and from the downtime"
    )
    assert.strictEqual(listedExecs.filter((e) => e.orderId === resting).length, 3, "two legs and the BAG")
    assert.deepStrictEqual(await completed(b), [
      { orderRef: "before", status: "Filled", filled: 1 },
      { orderRef: "while-down", status: "Filled", filled: 2 }
    ])
  })

  it("a second server in front of the same broker while the first runs starts with a memory of its own", async () => {
    h = await startRestartable()
    const L = await listed(h)
    const a = await open(9)
    const { contract } = await bullCall(a, L)
    const t = track(a)
    const id = a.nextValidId()
    a.api.placeOrder(id, contract, order("BUY", 1, 0.05))
    await t.until(id, "Submitted")
    const second = await h.another()
    const b = await open(9, second.port)
    assert.deepStrictEqual(await openOrders(b), [])
    // Ids stay unique across both: the second server seeds its ids from the broker.
    assert.isAbove(b.nextValidId(), id)
  })
})
