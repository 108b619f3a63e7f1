/**
 * The TWS simulator's connection handling, driven by the real @stoqey/ib 1.6.10 client over loopback: handshake,
 * several clients, duplicate clientId (326), reconnects, order ids, simple requests, pacing (100).
 */
import { afterEach, assert, beforeEach, describe, it } from "@effect/vitest"
import { EventName } from "@stoqey/ib"
import { Effect } from "effect"
import { OrderIds } from "../../adapters/tws/src/OrderIds.ts"
import { Pacer } from "../../adapters/tws/src/Pacing.ts"
import {
  assertNo505,
  type Client,
  connect,
  connectNext,
  connectRaw,
  type ServerHandle,
  sleep,
  startServer,
  until
} from "./server-harness.ts"

describe("TwsServer sessions", () => {
  let h: ServerHandle
  const clients: Array<Client> = []
  const open = async (clientId: number, options?: Parameters<typeof connect>[2]) => {
    const c = await connect(h.port, clientId, options)
    clients.push(c)
    return c
  }
  beforeEach(async () => {
    h = await startServer()
  })
  afterEach(async () => {
    assertNo505(...clients)
    for (const c of clients.splice(0)) c.close()
    await h.close()
  })

  it("completes the handshake: accounts, next valid id, the 2104/2106/2158 notices", async () => {
    const c = await open(1)
    assert.strictEqual(c.nextValidId(), 1000)
    await until(() => c.infos.length >= 3, 2_000, "notices")
    assert.deepStrictEqual(
      c.infos.map((i) => i.code),
      [2104, 2106, 2158]
    )
    const accounts = c.collect(EventName.managedAccounts)
    c.api.reqManagedAccts()
    await until(() => accounts[0])
    assert.strictEqual(accounts[0]![0], "DU1234567")
    assert.deepStrictEqual(await h.run(Effect.map(h.server.connections, (cs) => cs.map((x) => x.clientId))), [1])
  })

  it("binds 127.0.0.1 by default and warns when told to bind elsewhere", async () => {
    const info = await h.run(h.server.connections)
    assert.deepStrictEqual(info, [])
    assert.match(h.server.address, /^127\.0\.0\.1:\d+$/)
    assert.isFalse(h.logs.some((l) => l.level === "Warn"))
    const wide = await startServer({ server: { host: "0.0.0.0" } })
    try {
      assert.isTrue(wide.logs.some((l) => l.level === "Warn" && l.text.includes("anyone who can reach this address")))
    } finally {
      await wide.close()
    }
  })

  it("serves several clients at once, each with its own block of order ids", async () => {
    const [a, b, c] = [await open(1), await open(2), await open(3)]
    assert.deepStrictEqual([a.nextValidId(), b.nextValidId(), c.nextValidId()], [1000, 2000, 3000])
    const times = [a, b, c].map((x) => x.collect(EventName.currentTime))
    for (const x of [a, b, c]) x.api.reqCurrentTime()
    await until(() => times.every((t) => t.length === 1))
    const now = Math.floor(Date.now() / 1000)
    for (const t of times) assert.approximately(Number(t[0]![0]), now, 5)
    assert.strictEqual((await h.run(h.server.connections)).length, 3)
  })

  it("refuses a clientId already connected with 326, and frees it when the socket closes", async () => {
    const first = await open(7)
    const second = await open(7, { wait: false })
    const refused = await second.info(326)
    assert.include(refused.message, "client id is already in use")
    await until(() => second.disconnected(), 2_000, "refused client disconnected")
    assert.strictEqual(first.disconnected(), false)
    first.close()
    await sleep(50)
    const third = await open(7)
    assert.isAbove(third.nextValidId(), first.nextValidId())
  })

  it("keeps order ids going up across reconnects of the same client", async () => {
    const first = await open(5)
    const id1 = first.nextValidId()
    const ids = first.collect(EventName.nextValidId)
    first.api.reqIds()
    await until(() => ids[0])
    assert.strictEqual(Number(ids[0]![0]), id1, "REQ_IDS answers the next unused id of the client's block")
    first.close()
    await sleep(30)
    const again = await open(5)
    assert.isAbove(again.nextValidId(), id1)
    again.close()
    await sleep(30)
    const third = await open(5)
    assert.isAbove(third.nextValidId(), again.nextValidId())
  })

  it("answers IBApiNext: current time, managed accounts, next valid order id", async () => {
    const n = await connectNext(h.port, 21)
    try {
      const [time, accounts, id] = await Promise.all([
        n.next.getCurrentTime(),
        n.next.getManagedAccounts(),
        n.next.getNextValidOrderId()
      ])
      assert.approximately(time, Math.floor(Date.now() / 1000), 5)
      assert.deepStrictEqual(accounts, ["DU1234567"])
      assert.isAtLeast(id, 1000)
      assertNo505(n)
    } finally {
      n.close()
    }
  })

  it("paces like TWS: more than 50 messages in one second get error 100 and are not processed", async () => {
    const raw = await connectRaw(h.port, 9)
    const from = raw.messages.length
    for (let i = 0; i < 60; i++) raw.send([49, 1])
    await until(() => raw.messages.slice(from).length >= 60, 3_000, "60 answers")
    const answers = raw.messages.slice(from)
    const times = answers.filter((m) => m[0] === "49")
    const paced = answers.filter((m) => m[0] === "4" && m[3] === "100")
    assert.strictEqual(times.length, 50)
    assert.strictEqual(paced.length, 10)
    assert.deepStrictEqual(paced[0], ["4", "2", "-1", "100", "Max rate of messages per second has been exceeded.", ""])
    // After the window, messages are processed again.
    await sleep(1_050)
    const later = raw.messages.length
    raw.send([49, 1])
    await raw.next(49, () => true, later)
    raw.close()
  })

  it("paces a real IBApi client that sends 60 requests in one second (info 100)", async () => {
    const c = await open(12, { maxReqPerSec: 1000 })
    const times = c.collect(EventName.currentTime)
    for (let i = 0; i < 60; i++) c.api.reqCurrentTime()
    await until(() => c.infos.filter((i) => i.code === 100).length === 10, 3_000, "ten 100s")
    await until(() => times.length === 50, 3_000, "fifty answers")
    await sleep(50)
    assert.strictEqual(times.length, 50)
  })
})

describe("OrderIds", () => {
  it("hands each connect a fresh block above every id used or handed out", () => {
    const ids = new OrderIds(1000, 100)
    assert.strictEqual(ids.onConnect(1), 1000)
    assert.strictEqual(ids.onConnect(2), 1100)
    ids.use(1, 1000)
    ids.use(1, 1001)
    assert.strictEqual(ids.onRequest(1), 1002)
    assert.strictEqual(ids.check(2, 1001), "UsedByAnother")
    assert.strictEqual(ids.check(1, 1000), "UsedByAnother")
    ids.use(1, 1050)
    assert.strictEqual(ids.check(1, 1020), "NotAboveHighest")
    assert.strictEqual(ids.check(1, 1051), undefined)
    assert.strictEqual(ids.onConnect(1), 1200)
    assert.strictEqual(ids.check(1, 0), "OutOfRange")
  })

  it("moves a client to a new block when its block is used up", () => {
    const ids = new OrderIds(1, 2)
    assert.strictEqual(ids.onConnect(1), 1)
    ids.use(1, 1)
    ids.use(1, 2)
    assert.strictEqual(ids.onRequest(1), 3)
  })
})

describe("Pacer", () => {
  it("admits `limit` messages per window and counts only admitted ones", () => {
    const p = new Pacer(3, 1000)
    assert.deepStrictEqual(
      [0, 10, 20, 30, 999].map((t) => p.admit(t)),
      [true, true, true, false, false]
    )
    assert.strictEqual(p.admit(1000), true)
    assert.strictEqual(p.admit(1001), false)
    assert.strictEqual(p.admit(1011), true)
  })
})
