/**
 * The adapter reads ORDER_STATUS and EXECUTION_DATA itself (HotMessages) and must read them exactly as @stoqey/ib
 * 1.6.10's decoder does. Differential: the same fields go through the library's own Decoder and through `decodeHot`;
 * whenever `decodeHot` takes a message, the library emits that one event, no error, with equal arguments in the same
 * key order. Fields are drawn from the awkward cases (empty, unset doubles, Infinity, commas, garbage, option rights).
 */
import { assert, describe, it } from "@effect/vitest"
import { HotMessages, IbConnection } from "@spreads/ib"
import { Frame, Outgoing, Reports } from "@spreads/tws"
import { EventName, IBApi } from "@stoqey/ib"
import { Decoder } from "@stoqey/ib/dist/core/io/decoder.js"
import * as fc from "fast-check"
import { isDeepStrictEqual } from "node:util"

interface Emitted {
  readonly name: string
  readonly args: ReadonlyArray<unknown>
}

/** What the library's decoder makes of one message's fields at `serverVersion`: its events and its errors. */
const library = (fields: ReadonlyArray<string>, serverVersion: number) => {
  const events: Array<Emitted> = []
  const errors: Array<string> = []
  const decoder = new Decoder({
    serverVersion,
    emitEvent: (name: string, ...args: Array<unknown>) => void events.push({ name, args }),
    emitError: (message: string) => void errors.push(message),
    emitInfo: () => undefined
  } as unknown as ConstructorParameters<typeof Decoder>[0])
  decoder.enqueueMessage([...fields])
  decoder.process()
  return { events, errors }
}

/** Values and key order alike (undefined members included), as JSON of a tree that marks undefined and NaN. */
const shape = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x === undefined ? "<undefined>" : typeof x === "number" && !Number.isFinite(x) ? `<${x}>` : x
  )

const token = fc.oneof(
  fc.constantFrom("", "0", "1", "-1", "7", "2147483647", "1.7976931348623157E308", "Infinity", "-Infinity"),
  fc.constantFrom("1,000", "1,000.5", "2.85", "-0.15", "1e3", "0x10", "abc", " 5", "5 ", "C", "P", "X", "BAG", "OPT"),
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
  fc.double({ noNaN: true }).map(String),
  fc.string({ maxLength: 12 }).map((s) => s.replaceAll("\0", ""))
)

const versions = [100, 130, 131, 135, 136, 150, 177, 178, 193]

describe("HotMessages", () => {
  it("reads ORDER_STATUS and EXECUTION_DATA exactly as the library's decoder, or leaves them to it", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("3", "11"),
        fc.constantFrom(...versions),
        fc.integer({ min: 9, max: 34 }),
        fc.array(token, { minLength: 34, maxLength: 34 }),
        (id, version, length, pool) => {
          const fields = [id, ...pool.slice(0, length - 1)]
          const hot = HotMessages.decodeHot(fields, version)
          if (hot === undefined) return
          const lib = library(fields, version)
          assert.deepStrictEqual(lib.errors, [])
          assert.strictEqual(lib.events.length, 1)
          assert.strictEqual(hot.name, lib.events[0]!.name)
          assert.isTrue(isDeepStrictEqual(hot.args, lib.events[0]!.args), shape(hot.args))
          assert.strictEqual(shape(hot.args), shape(lib.events[0]!.args))
        }
      ),
      { numRuns: 3_000 }
    )
  })

  it("takes exactly the lengths the server version gives, and nothing from servers before the layouts it knows", () => {
    const filler = (n: number) => Array.from({ length: n }, () => "1")
    for (const version of versions) {
      for (let length = 2; length <= 34; length++) {
        const status = HotMessages.decodeHot(["3", ...filler(length - 1)], version)
        const execution = HotMessages.decodeHot(["11", ...filler(length - 1)], version)
        assert.strictEqual(status !== undefined, version >= 131 && length === 12, `3 v${version} ${length}`)
        const execLength = version >= 178 ? 32 : 31
        assert.strictEqual(execution !== undefined, version >= 136 && length === execLength, `11 v${version} ${length}`)
      }
    }
    assert.isUndefined(HotMessages.decodeHot(["4", ...filler(11)], 193))
  })

  it("takes what the TWS simulator sends (its server version), the same as the library reads it", () => {
    // The fields as the adapter splits them out of the frame the simulator writes.
    const fieldsOf = (wire: Parameters<typeof Frame.encodeFrame>[0]) => {
      const fields = Frame.encodeFrame(wire).toString("utf8", 4).split("\0")
      assert.strictEqual(fields.pop(), "")
      return fields
    }
    const status = fieldsOf(
      Outgoing.orderStatus({
        orderId: 12,
        status: "Submitted",
        filled: 1,
        remaining: 2,
        avgFillPrice: 1.25,
        permId: 900_001,
        lastFillPrice: 1.25,
        clientId: 3
      })
    )
    const execution = fieldsOf(
      Reports.executionData(
        -1,
        {
          conId: 28812380,
          symbol: "AAPL",
          secType: "BAG",
          lastTradeDateOrContractMonth: "",
          strike: 0,
          right: "",
          multiplier: "",
          exchange: "SMART",
          primaryExch: "",
          currency: "USD",
          localSymbol: "",
          tradingClass: ""
        },
        {
          orderId: 12,
          execId: "0001.1.1",
          time: "20261130 10:00:00 US/Eastern",
          acctNumber: "DU1234567",
          exchange: "SMART",
          side: "BOT",
          shares: 1,
          price: 1.25,
          permId: 900_001,
          clientId: 3,
          cumQty: 1,
          avgPrice: 1.25,
          orderRef: "ref-12"
        }
      )
    )
    for (const fields of [status, execution]) {
      const hot = HotMessages.decodeHot(fields, Outgoing.SERVER_VERSION)
      assert.isDefined(hot, fields.join("|"))
      const lib = library(fields, Outgoing.SERVER_VERSION)
      assert.deepStrictEqual(lib.errors, [])
      assert.strictEqual(shape(hot!.args), shape(lib.events[0]!.args))
    }
  })
})

describe("the hot path inside the connection", () => {
  /** An IBApi that has read its server's greeting (version 193), never connected: messages are fed by hand. */
  const greeted = () => {
    const api = new IBApi({ host: "127.0.0.1", port: 1 })
    const controller = (api as unknown as { controller: IbConnection.ControllerLike }).controller
    const socket = controller.socket as unknown as Record<string, unknown>
    socket["neverReceived"] = false
    socket["_serverVersion"] = Outgoing.SERVER_VERSION
    return { api, controller, socket: controller.socket! }
  }
  /** Every event name and arguments an IBApi emits, in order, for the names given. */
  const record = (api: IBApi, names: ReadonlyArray<string>) => {
    const seen: Array<string> = []
    // Untyped on purpose: the same recorder listens to any event name.
    const emitter = api as unknown as { on(name: string, listener: (...args: Array<unknown>) => void): unknown }
    for (const name of names) emitter.on(name, (...args) => void seen.push(`${name} ${shape(args)}`))
    return seen
  }
  const message = (wire: Parameters<typeof Frame.encodeFrame>[0]) => Frame.encodeFrame(wire).toString("utf8", 4)
  const status = message(
    Outgoing.orderStatus({
      orderId: 12,
      status: "Submitted",
      filled: 0,
      remaining: 2,
      avgFillPrice: 0,
      permId: 900_001,
      lastFillPrice: 0,
      clientId: 3
    })
  )

  for (const names of [
    [EventName.orderStatus],
    [EventName.orderStatus, EventName.all],
    [EventName.orderStatus, EventName.result, EventName.received]
  ]) {
    it(`emits what the library emits, listened to on ${names.join(", ")}`, () => {
      const hot = greeted()
      const viaHot = record(hot.api, names)
      assert.isTrue(IbConnection.readHot(hot.api, hot.controller, hot.socket, status))
      const lib = greeted()
      const viaLibrary = record(lib.api, names)
      lib.socket.onMessage(status)
      assert.isAbove(viaLibrary.length, 0)
      assert.deepStrictEqual(viaHot, viaLibrary)
    })
  }

  it("reports a listener that throws as a 505, like the library's path does, and reads on", () => {
    const hot = greeted()
    const errors: Array<unknown> = []
    const emitter = hot.api as unknown as { on(name: string, listener: (...args: Array<unknown>) => void): unknown }
    emitter.on(EventName.orderStatus, () => {
      throw new Error("listener broke")
    })
    emitter.on(EventName.error, (_e, code) => void errors.push(code))
    assert.isTrue(IbConnection.readHot(hot.api, hot.controller, hot.socket, status))
    assert.deepStrictEqual(errors, [IbConnection.DECODE_ERROR])
  })

  it("leaves a message to the library while the library holds an unfinished one", () => {
    const hot = greeted()
    ;(hot.socket as unknown as Record<string, unknown>)["dataFragment"] = "3"
    assert.isFalse(IbConnection.readHot(hot.api, hot.controller, hot.socket, status))
  })
})
