/**
 * A server that sends what @stoqey/ib 1.6.10 cannot read: a tiny raw TWS on 127.0.0.1 that completes the handshake,
 * then answers contract-details requests as each test scripts it. The adapter must report every broken message
 * (a Protocol error where a request was waiting, the client's 505 in `protocolErrors`), keep the connection, and never
 * take the process down.
 */
import { assert, describe, it } from "@effect/vitest"
import { Broker } from "@spreads/application"
import { Frame, Incoming, Outgoing, Reports } from "@spreads/tws"
import { Effect } from "effect"
import * as net from "node:net"
import { bullCall, unqualified } from "./fixtures.ts"
import { quietly, startAdapter, testConfig } from "./harness.ts"

type Fields = ReadonlyArray<string | number>
/** How the raw server answers REQ_CONTRACT_DATA number `n` (0-based) for `reqId`. */
type Script = (reqId: number, n: number) => ReadonlyArray<Buffer>

const frame = (fields: Fields): Buffer => Frame.encodeFrame(fields)
/** A frame whose payload is written by hand (no codec): for bytes the codec refuses to produce. */
const rawFrame = (payload: string): Buffer => {
  const body = Buffer.from(payload, "utf8")
  const head = Buffer.alloc(4)
  head.writeUInt32BE(body.length)
  return Buffer.concat([head, body])
}

const optionDetails = (reqId: number, conId: number) =>
  frame(
    Reports.contractData(reqId, {
      contract: {
        conId,
        symbol: "AAPL",
        secType: "OPT",
        lastTradeDateOrContractMonth: "20261218",
        strike: 150,
        right: "C",
        multiplier: "100",
        exchange: "SMART",
        primaryExch: "",
        currency: "USD",
        localSymbol: "AAPL  261218C00150000",
        tradingClass: "AAPL"
      },
      marketName: "AAPL",
      minTick: 0.01
    }) as Fields
  )

/** Starts the raw server for the life of the scope. */
const rawTws = (script: Script) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly port: number; readonly server: net.Server; readonly sockets: Set<net.Socket> }>(
      (resume) => {
        const sockets = new Set<net.Socket>()
        let requests = 0
        const server = net.createServer((socket) => {
          sockets.add(socket)
          socket.on("close", () => sockets.delete(socket))
          socket.on("error", () => undefined)
          const reader = new Frame.FrameReader()
          socket.on("data", (chunk: Buffer) => {
            for (const event of reader.feed(chunk)) {
              if (event._tag === "Greeting")
                socket.write(frame(Outgoing.serverHello("20261125 10:00:00 US/Eastern") as Fields))
              if (event._tag !== "Message") continue
              const parsed = Incoming.parseIncoming(event.fields)
              if (!parsed.ok) continue
              const m = parsed.message
              if (m._tag === "StartApi") {
                socket.write(frame(Outgoing.managedAccounts(["DU1234567"]) as Fields))
                socket.write(frame(Outgoing.nextValidId(500) as Fields))
              }
              if (m._tag === "ReqContractData") for (const b of script(m.reqId, requests++)) socket.write(b)
            }
          })
        })
        server.listen(0, "127.0.0.1", () => {
          const address = server.address()
          resume(
            Effect.succeed({
              port: typeof address === "object" && address !== null ? address.port : 0,
              server,
              sockets
            })
          )
        })
      }
    ),
    ({ server, sockets }) =>
      Effect.callback<void>((resume) => {
        for (const s of sockets) s.destroy()
        server.close(() => resume(Effect.void))
      })
  )

describe("IbBroker against a server that sends malformed messages", () => {
  it.live("invalid JSON in an ERR_MSG (it would throw inside the 1.6.10 decoder): Protocol error, no crash", () =>
    quietly(
      Effect.gen(function* () {
        const tws = yield* rawTws((reqId, n) =>
          n === 0
            ? [frame([4, 2, reqId, 201, "rejected", "{not json"])]
            : [optionDetails(reqId, 1001), frame(Outgoing.contractDataEnd(reqId) as Fields)]
        )
        const a = yield* startAdapter(testConfig(tws.port, 61))
        const broker = yield* a.run(Broker)
        const e = yield* Effect.flip(broker.qualify({ ...unqualified, legs: [unqualified.legs[0]!] }))
        assert.strictEqual(e.reason, "Protocol")
        assert.include(e.message, "could not be read")
        // The same connection still works.
        assert.strictEqual(yield* broker.connectionState, "Connected")
        const q = yield* broker.qualify({ ...unqualified, legs: [unqualified.legs[0]!] })
        assert.strictEqual(q.legs[0]!.contract.conId, 1001)
        const errors = yield* a.session.connection.protocolErrors
        assert.strictEqual(errors.length, 1)
        assert.include(errors[0]!, "SyntaxError")
      })
    )
  )

  it.live("a short message, an unknown message id and garbage fields: each reported, the answer after them read", () =>
    quietly(
      Effect.gen(function* () {
        const answer = (reqId: number) => [optionDetails(reqId, 1001), frame(Outgoing.contractDataEnd(reqId) as Fields)]
        const tws = yield* rawTws((reqId, n) =>
          n > 0
            ? answer(reqId)
            : [
                // CONTRACT_DATA_END cut short (no request id): the decoder underruns.
                rawFrame("52\u00001\u0000"),
                // A message id no client knows.
                rawFrame("987\u00001\u0000x\u0000"),
                // An ORDER_STATUS with fields that are not numbers, and too few of them.
                rawFrame("3\u0000abc\u0000Submitted\u0000x\u0000y\u0000z\u0000"),
                ...answer(reqId)
              ]
        )
        const a = yield* startAdapter(testConfig(tws.port, 62))
        const broker = yield* a.run(Broker)
        const result = yield* Effect.result(broker.qualify({ ...unqualified, legs: [unqualified.legs[0]!] }))
        // The request saw a broken message while it waited: reported, not silently wrong.
        assert.strictEqual(result._tag, "Failure")
        if (result._tag === "Failure") assert.strictEqual(result.failure.reason, "Protocol")
        const reported = () => Effect.map(a.session.connection.protocolErrors, (e) => e.length)
        for (let i = 0; i < 100 && (yield* reported()) < 4; i++) yield* Effect.sleep(10)
        const errors = yield* a.session.connection.protocolErrors
        // The unknown id is reported twice by 1.6.10: no parser, then the fields it left behind.
        assert.deepStrictEqual(
          errors.map((e) => e.slice(0, 24)),
          [
            "Underrun error on CONTRA",
            "No parser implementation",
            "Decoding error on undefi",
            "Underrun error on ORDER_"
          ]
        )
        assert.strictEqual(yield* broker.connectionState, "Connected")
        // Afterwards the stream is in step again: a qualification goes through.
        const q = yield* broker.qualify({ ...unqualified, legs: [unqualified.legs[0]!] })
        assert.strictEqual(q.legs[0]!.contract.conId, 1001)
      })
    )
  )

  it.live("a broken message with no request waiting is only reported", () =>
    quietly(
      Effect.gen(function* () {
        const tws = yield* rawTws(() => [])
        const a = yield* startAdapter(testConfig(tws.port, 63))
        for (const s of tws.sockets) s.write(rawFrame("4\u00002\u0000-1\u0000200\u0000x\u0000{oops"))
        for (let i = 0; i < 100 && (yield* a.session.connection.protocolErrors).length === 0; i++)
          yield* Effect.sleep(10)
        assert.strictEqual((yield* a.session.connection.protocolErrors).length, 1)
        assert.strictEqual(yield* a.run(Effect.flatMap(Broker, (b) => b.connectionState)), "Connected")
        // A qualified leg needs no request at all.
        const q = yield* a.run(Effect.flatMap(Broker, (b) => b.qualify(bullCall)))
        assert.deepStrictEqual(q, bullCall)
      })
    )
  )
})
