/**
 * Hostile input to the TWS simulator server: every message it parses (Incoming.parseIncoming), its framing
 * (Frame.FrameReader), and a running server on 127.0.0.1 fed random bytes, broken greetings, oversized lengths,
 * non-UTF-8 payloads, wrong field counts and mutated real messages over real sockets while a bystander client keeps
 * trading. Nothing may throw, every refusal must be a readable error, the server must survive and the bystander must
 * not notice.
 */
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Frame, Incoming } from "@spreads/tws"
import * as fc from "fast-check"
import * as net from "node:net"
import { bag, connect, listed, option, order, qualify, sleep, startServer, track } from "../tws/server-harness.ts"
import { corpus } from "./fixtures/corpus.ts"
import { hostileField, mutated, Tally } from "./fixtures/hostile.ts"
import { pick, report, seedFor } from "./fixtures/mode.ts"

const KNOWN_TAGS = new Set([
  "StartApi",
  "ReqIds",
  "ReqCurrentTime",
  "ReqManagedAccts",
  "ReqOpenOrders",
  "ReqAllOpenOrders",
  "ReqAutoOpenOrders",
  "ReqContractData",
  "ReqExecutions",
  "CancelOrder",
  "ReqGlobalCancel",
  "ReqMktData",
  "CancelMktData",
  "ReqMarketDataType",
  "PlaceOrder"
])

const parser = new Tally()
const framing = new Tally()
const sockets = { connections: 0, inputs: 0 }
/** Errors that mean the parser threw something other than its own parse failure (a bug caught by `safely`). */
const parserDefects: Array<string> = []

/** Checks one parse outcome: a known message, or an error with a code and a sentence. */
const checkParse = (fields: ReadonlyArray<string>) => {
  const r = Incoming.parseIncoming(fields)
  if (r.ok) {
    if (!KNOWN_TAGS.has(r.message._tag)) throw new Error(`unexpected message tag ${r.message._tag}`)
    return
  }
  const { code, message } = r.error
  if (!Number.isInteger(code)) throw new Error(`error code ${code} is not an integer`)
  if (typeof message !== "string" || message.trim() === "") throw new Error("empty error message")
  if (message.includes("[object Object]") && !fields.some((f) => f.includes("[object Object]"))) {
    throw new Error(`unreadable error message: ${message}`)
  }
  if (message.startsWith("unreadable message:") && parserDefects.length < 10) {
    parserDefects.push(`${message} <- ${JSON.stringify(fields).slice(0, 200)}`)
  }
}

describe("reliability: hostile input to the TWS simulator server", () => {
  afterAll(() => {
    report("hostile input to the TWS server", {
      "messages parsed": parser.inputs,
      "byte streams framed": framing.inputs,
      "hostile connections": sockets.connections,
      "hostile frames/chunks sent": sockets.inputs,
      "inputs tried": parser.inputs + framing.inputs + sockets.inputs,
      "parser defects": parserDefects.length,
      crashes: parser.crashes + framing.crashes
    })
  })

  it("parseIncoming: mutated real messages and random field lists never throw, every refusal is a sentence", async () => {
    const { client } = await corpus()
    const runs = pick(4_000, 40_000)
    const ids = [...new Set(client.map((m) => m[0]!))]
    const randomFields = fc.tuple(
      fc.oneof(fc.constantFrom(...ids), hostileField),
      fc.array(hostileField, { maxLength: 160 })
    )
    fc.assert(
      fc.property(
        fc.oneof(
          mutated(client),
          randomFields.map(([id, rest]) => [id, ...rest])
        ),
        (fields) => {
          parser.run(fields, () => checkParse(fields))
          return true
        }
      ),
      { numRuns: runs, seed: seedFor("parseIncoming") }
    )
    // Every real message still parses (the corpus is valid), so the mutations start from deep inside each parser.
    for (const m of client) assert.isTrue(Incoming.parseIncoming(m).ok, JSON.stringify(m).slice(0, 200))
    assert.deepStrictEqual(parser.examples, [])
    assert.deepStrictEqual(parserDefects, [], "the parser threw something other than a parse failure")
  })

  it("FrameReader: random bytes in random chunks never throw; real frames split anywhere read back the same", async () => {
    const { client } = await corpus()
    const frames = client.map((m) => Frame.encodeFrame(m))
    const greeting = Frame.encodeGreeting(100, 193)
    const nonUtf8 = (bytes: Uint8Array) => {
      const body = Buffer.concat([Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(bytes), Buffer.from([0])])
      const head = Buffer.alloc(4)
      head.writeUInt32BE(body.length)
      return Buffer.concat([head, body])
    }
    const segment = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...frames) },
      { weight: 2, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 16 }).map(nonUtf8) },
      { weight: 1, arbitrary: fc.constant(Buffer.from([0, 0, 0, 3, 0x41, 0x42, 0x43])) },
      { weight: 1, arbitrary: fc.constant(Buffer.from([0, 0, 0, 0])) },
      { weight: 1, arbitrary: fc.constant(Buffer.from([0xff, 0xff, 0xff, 0xff])) }
    )
    const stream = fc.record({
      greet: fc.oneof(
        fc.constant(greeting),
        fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b))
      ),
      segments: fc.array(segment, { maxLength: 24 }),
      cuts: fc.array(fc.nat(), { maxLength: 10 })
    })
    const feed = (bytes: Buffer, cuts: ReadonlyArray<number>) => {
      const reader = new Frame.FrameReader()
      const events: Array<Frame.FrameEvent> = []
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
      let from = 0
      for (const p of [...points, bytes.length]) {
        events.push(...reader.feed(bytes.subarray(from, p)))
        from = p
      }
      return events
    }
    fc.assert(
      fc.property(stream, ({ greet, segments, cuts }) => {
        const bytes = Buffer.concat([greet, ...segments])
        framing.run(bytes.length, () => {
          const events = feed(bytes, cuts)
          const fatal = events.findIndex((e) => e._tag === "FrameError" && e.fatal)
          if (fatal !== -1 && fatal !== events.length - 1) throw new Error("events after a fatal framing error")
          for (const e of events) {
            if (e._tag === "FrameError" && (e.message.trim() === "" || !Number.isInteger(e.code))) {
              throw new Error(`unreadable framing error ${JSON.stringify(e)}`)
            }
          }
        })
        return true
      }),
      { numRuns: pick(2_000, 20_000), seed: seedFor("FrameReader") }
    )
    // Valid frames, split at random points, come back exactly.
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...client), { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat()),
        (ms, cuts) => {
          const bytes = Buffer.concat([greeting, ...ms.map((m) => Frame.encodeFrame(m))])
          const events = framing.run(bytes.length, () => feed(bytes, cuts)) ?? []
          assert.deepStrictEqual(
            events.filter((e) => e._tag === "Message").map((e) => (e as Frame.FrameMessage).fields),
            ms.map((m) => [...m])
          )
        }
      ),
      { numRuns: pick(300, 3_000), seed: seedFor("FrameReader roundtrip") }
    )
    assert.deepStrictEqual(framing.examples, [])
  })

  it(
    "a running server: hostile connections leave it serving and the bystander trading",
    async () => {
      const { client } = await corpus()
      const h = await startServer({ sim: { marketOpen: true } })
      const bystander = await connect(h.port, 1)
      const uncaught: Array<unknown> = []
      const onUncaught = (e: unknown) => void uncaught.push(e)
      process.on("uncaughtException", onUncaught)
      try {
        const spy = await listed(h)
        const t = track(bystander)
        const [lo, hi] = await qualify(bystander, [
          option(spy.symbol, spy.expiry, spy.atm, "C"),
          option(spy.symbol, spy.expiry, spy.at(5), "C")
        ])
        const combo = bag(spy.symbol, [
          [lo!, 1, "BUY"],
          [hi!, 1, "SELL"]
        ])
        let nextId = bystander.nextValidId()
        const trade = async () => {
          const id = nextId++
          bystander.api.placeOrder(id, combo, order("BUY", 1))
          await t.until(id, "Filled", 1, 10_000)
        }
        await trade()

        const greeting = Frame.encodeGreeting(100, 193)
        const startApi = (id: number) => Frame.encodeFrame([71, 2, id, ""])
        const raw = (payload: Buffer) => {
          const head = Buffer.alloc(4)
          head.writeUInt32BE(payload.length)
          return Buffer.concat([head, payload])
        }
        const scenario = fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 256 }).map((b) => [Buffer.from(b)]),
          fc.uint8Array({ minLength: 1, maxLength: 256 }).map((b) => [greeting, Buffer.from(b)]),
          fc.constantFrom(
            [Buffer.from("API\0\0\0\0\x0bv999..1000")],
            [Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n")],
            [greeting, startApi(9_001), Buffer.from([0xff, 0xff, 0xff, 0xff])],
            [greeting, startApi(9_002), raw(Buffer.from([0xc3, 0x28, 0x00]))],
            [greeting, startApi(9_003), raw(Buffer.from("no terminator"))],
            [greeting, startApi(1)],
            [greeting, Frame.encodeFrame(["49", "1"])]
          ),
          fc
            .tuple(fc.integer({ min: 2, max: 2_000_000 }), fc.array(mutated(client), { minLength: 1, maxLength: 30 }))
            .map(([id, ms]) => [greeting, startApi(id), ...ms.map((m) => Frame.encodeFrame(m))]),
          fc
            .integer({ min: 2, max: 2_000_000 })
            .map((id) => [greeting, startApi(id), ...Array.from({ length: 120 }, () => Frame.encodeFrame(["49", "1"]))])
        )
        const attack = (chunks: ReadonlyArray<Buffer>) =>
          new Promise<void>((resolve) => {
            const s = net.connect(h.port, "127.0.0.1")
            s.on("error", () => undefined)
            s.on("data", () => undefined)
            s.on("connect", () => {
              for (const c of chunks) s.write(c)
              setTimeout(() => {
                s.destroy()
                resolve()
              }, 15)
            })
            s.on("close", () => resolve())
          })
        const attacks = fc.sample(scenario, { numRuns: pick(150, 1_500), seed: seedFor("socket attacks") })
        for (let i = 0; i < attacks.length; i += 10) {
          const batch = attacks.slice(i, i + 10)
          sockets.connections += batch.length
          sockets.inputs += batch.reduce((n, a) => n + a.length, 0)
          await Promise.all(batch.map(attack))
          if (i % 50 === 0) await trade()
        }
        await sleep(100)
        await trade()
        // A newcomer is served as usual.
        const newcomer = await connect(h.port, 2)
        newcomer.close()
        const defects = h.logs.filter((l) => l.text.includes("failed"))
        assert.deepStrictEqual(defects.map((l) => l.text).slice(0, 5), [], "a server handler failed on parsed input")
        assert.deepStrictEqual(bystander.errors, [], "the bystander saw errors")
        assert.isFalse(bystander.disconnected())
        assert.deepStrictEqual(uncaught, [])
      } finally {
        process.off("uncaughtException", onUncaught)
        bystander.close()
        await h.close()
      }
    },
    pick(60_000, 300_000)
  )
})
