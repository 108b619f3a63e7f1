/**
 * Malformed input from a raw socket: every case gets an ERR_MSG on that connection and a log line; fatal framing
 * errors close only that socket; other clients (a real @stoqey/ib 1.6.10 client) never notice.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { EventName } from "@stoqey/ib"
import { Frame } from "../../adapters/tws/src/wire/index.ts"
import {
  assertNo505,
  bag,
  type Client,
  connect,
  connectRaw,
  listed,
  option,
  order,
  qualify,
  type ServerHandle,
  startServer,
  track,
  until
} from "./server-harness.ts"

const frame = (payload: Buffer): Buffer => {
  const header = Buffer.alloc(4)
  header.writeUInt32BE(payload.length, 0)
  return Buffer.concat([header, payload])
}

describe("TwsServer malformed input", () => {
  let h: ServerHandle
  let bystander: Client
  beforeAll(async () => {
    h = await startServer()
    bystander = await connect(h.port, 50)
  })
  afterAll(async () => {
    // The bystander still works and never saw an error.
    const times = bystander.collect(EventName.currentTime)
    bystander.api.reqCurrentTime()
    await until(() => times.length === 1)
    assert.deepStrictEqual(bystander.errors, [])
    assertNo505(bystander)
    bystander.close()
    await h.close()
  })

  /** Sends bytes on a fresh raw connection; resolves with the first ERR_MSG after them. */
  let rawIds = 60
  const errorFor = async (send: (raw: Awaited<ReturnType<typeof connectRaw>>) => void) => {
    const raw = await connectRaw(h.port, ++rawIds)
    const from = raw.messages.length
    send(raw)
    const err = await raw.next(4, (m) => m[3] !== "2104" && m[3] !== "2106" && m[3] !== "2158", from)
    return { raw, err }
  }

  it("an unknown message id", async () => {
    const { raw, err } = await errorFor((r) => r.send([999, 1, 2]))
    assert.deepStrictEqual(err.slice(0, 5), ["4", "2", "-1", "505", "unknown message id 999"])
    raw.close()
  })

  it("a wrong field count", async () => {
    const { raw, err } = await errorFor((r) => r.send([8, 1, 5, "extra"]))
    assert.strictEqual(err[3], "320")
    assert.include(err[4], "REQ_IDS expected 3 fields, got 4")
    raw.close()
  })

  it("a malformed number, answered on the request's id", async () => {
    const { raw, err } = await errorFor((r) => r.send([2, 1, "12x"]))
    assert.strictEqual(err[3], "320")
    assert.include(err[4], "'12x'")
    const second = await errorFor((r) => r.send([4, 77, "", "", "abc"]))
    assert.strictEqual(second.err[2], "77")
    assert.include(second.err[4], "manualOrderIndicator")
    raw.close()
    second.raw.close()
  })

  it("garbage frames: not UTF-8, not NUL-terminated, empty — the connection stays usable", async () => {
    const { raw, err } = await errorFor((r) => r.sendRaw(frame(Buffer.from([0xff, 0xfe, 0x00]))))
    assert.strictEqual(err[3], "507")
    assert.include(err[4], "UTF-8")
    const from = raw.messages.length
    raw.sendRaw(frame(Buffer.from("49\x001", "latin1")))
    const e2 = await raw.next(4, () => true, from)
    assert.include(e2[4], "NUL")
    raw.sendRaw(frame(Buffer.alloc(0)))
    const e3 = await raw.next(4, (m) => m[4]!.includes("empty"), from)
    assert.strictEqual(e3[3], "507")
    raw.send([49, 1])
    await raw.next(49, () => true, from)
    assert.isFalse(raw.closed())
    raw.close()
  })

  it("an oversized length closes only that socket", async () => {
    const { raw, err } = await errorFor((r) => r.sendRaw(Buffer.from([0x01, 0x00, 0x00, 0x00, 0x31])))
    assert.strictEqual(err[3], "507")
    assert.include(err[4], "exceeds the maximum")
    await until(() => raw.closed(), 2_000, "socket closed")
  })

  it("a bad greeting closes the socket; a message before START_API is refused", async () => {
    const raw = await connectRaw(h.port, undefined)
    raw.send([49, 1])
    const err = await raw.next(4)
    assert.strictEqual(err[3], "321")
    raw.close()
    const net = await import("node:net")
    const s = net.connect(h.port, "127.0.0.1")
    const reader = new Frame.FrameReader({ greeting: false })
    const got: Array<ReadonlyArray<string>> = []
    let closed = false
    s.on("data", (b: Buffer) => {
      for (const e of reader.feed(b)) if (e._tag === "Message") got.push(e.fields)
    })
    s.on("close", () => (closed = true))
    s.on("error", () => undefined)
    s.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    await until(() => closed, 2_000, "closed after a bad greeting")
    assert.strictEqual(got[0]?.[3], "507")
    // A client that cannot speak version 193 is closed without a hello.
    const old = net.connect(h.port, "127.0.0.1")
    let oldClosed = false
    let answered = false
    old.on("data", () => (answered = true))
    old.on("close", () => (oldClosed = true))
    old.on("error", () => undefined)
    old.write(Frame.encodeGreeting(100, 176))
    await until(() => oldClosed, 2_000, "closed after an old version range")
    assert.isFalse(answered)
  })

  it("logs every refused message, and a bad PLACE_ORDER never reaches the broker", async () => {
    const { raw, err } = await errorFor((r) => r.send([3, 4242, 0, "SPY", "BAG"]))
    assert.strictEqual(err[2], "4242")
    assert.strictEqual(err[3], "320")
    raw.close()
    const warnings = h.logs.filter((l) => l.level === "Warn").map((l) => l.text)
    assert.isTrue(warnings.some((w) => w.includes("unknown message id 999")))
    assert.isTrue(warnings.some((w) => w.includes("exceeds the maximum")))
    assert.isTrue(warnings.some((w) => w.includes("PLACE_ORDER")))
  })

  it("the bystander keeps trading while others misbehave", async () => {
    const L = await listed(h)
    const conIds = await qualify(bystander, [
      option(L.symbol, L.expiry, L.atm, "C"),
      option(L.symbol, L.expiry, L.at(5), "C")
    ])
    const t = track(bystander)
    const id = bystander.nextValidId()
    const noisy = await connectRaw(h.port, 99)
    for (let i = 0; i < 20; i++) noisy.sendRaw(frame(Buffer.from([0xc3, 0x28, 0x00])))
    bystander.api.placeOrder(
      id,
      bag(L.symbol, [
        [conIds[0]!, 1, "BUY"],
        [conIds[1]!, 1, "SELL"]
      ]),
      order("BUY", 1)
    )
    noisy.sendRaw(Buffer.from([0xff, 0xff, 0xff, 0xff]))
    await t.until(id, "Filled")
    await until(() => noisy.closed(), 2_000)
  })
})
