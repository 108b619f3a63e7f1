import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { Frame, Time, Values } from "../../adapters/tws/src/wire/index.ts"

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex")
const bytes = (h: string): Buffer => Buffer.from(h.replaceAll(" ", ""), "hex")
const messages = (events: ReadonlyArray<Frame.FrameEvent>): Array<ReadonlyArray<string>> =>
  events.flatMap((e) => (e._tag === "Message" ? [e.fields] : []))

/** The greeting @stoqey/ib 1.6.10 sends, byte for byte: "API\0", length 9, "v100..193". */
const GREETING_HEX = "41504900 00000009 763130302e2e313933"

describe("encodeFrame", () => {
  it("writes the length prefix and NUL-terminates every field (golden)", () => {
    assert.strictEqual(hex(Frame.encodeFrame([9, 1, 1000])), "00000009" + "3900" + "3100" + "3130303000")
  })

  it("encodes values like the client: undefined/null -> '', booleans 1/0, numbers via toString", () => {
    const frame = Frame.encodeFrame([undefined, true, false, 1.5, "x", null, -0.25, 2147483647])
    assert.strictEqual(
      frame.subarray(4).toString("utf8"),
      "\0" + "1\0" + "0\0" + "1.5\0" + "x\0" + "\0" + "-0.25\0" + "2147483647\0"
    )
    assert.strictEqual(frame.readUInt32BE(0), frame.length - 4)
  })

  it("counts UTF-8 bytes, not characters, and strips NULs from strings", () => {
    const frame = Frame.encodeFrame(["é€", "a\0b"])
    assert.strictEqual(hex(frame), "00000009" + "c3a9e282ac00" + "616200")
  })

  it("has helpers for IB's unset double and int", () => {
    assert.strictEqual(Values.UNSET_DOUBLE_WIRE, "1.7976931348623157E308")
    assert.strictEqual(Values.doubleOrUnset(undefined), "1.7976931348623157E308")
    assert.strictEqual(Values.doubleOrUnset(Number.MAX_VALUE), "1.7976931348623157E308")
    assert.strictEqual(Values.doubleOrUnset(1.25), "1.25")
    assert.strictEqual(Values.intOrUnset(undefined), 2147483647)
    assert.strictEqual(Values.intOrUnset(7), 7)
    assert.isTrue(Values.isUnsetDouble("1.7976931348623157E308"))
    assert.isTrue(Values.isUnsetDouble(String(Number.MAX_VALUE)))
    assert.isTrue(Values.isUnsetInteger("2147483647"))
  })

  it("writes the client greeting byte for byte like @stoqey/ib", () => {
    assert.strictEqual(hex(Frame.encodeGreeting(100, 193)), GREETING_HEX.replaceAll(" ", ""))
  })
})

describe("FrameReader", () => {
  it("reads the greeting then frames (golden bytes)", () => {
    const reader = new Frame.FrameReader()
    const events = reader.feed(bytes(GREETING_HEX + "00000008 37310032003000 00"))
    assert.deepStrictEqual(events, [
      { _tag: "Greeting", minVersion: 100, maxVersion: 193, connectOptions: "" },
      { _tag: "Message", fields: ["71", "2", "0", ""] }
    ])
    assert.strictEqual(reader.pending, 0)
  })

  it("reassembles greeting and frames fed one byte at a time", () => {
    const stream = Buffer.concat([
      Frame.encodeGreeting(100, 193),
      Frame.encodeFrame([71, 2, 5, ""]),
      Frame.encodeFrame([8, 1, 1]),
      Frame.encodeFrame([3, "é", "€"])
    ])
    const reader = new Frame.FrameReader()
    const events: Array<Frame.FrameEvent> = []
    for (const b of stream) events.push(...reader.feed(Uint8Array.of(b)))
    assert.strictEqual(events[0]?._tag, "Greeting")
    assert.deepStrictEqual(messages(events), [
      ["71", "2", "5", ""],
      ["8", "1", "1"],
      ["3", "é", "€"]
    ])
  })

  it("returns several frames from one chunk, keeps a partial one for later", () => {
    const reader = new Frame.FrameReader({ greeting: false })
    const a = Frame.encodeFrame([49, 1])
    const b = Frame.encodeFrame([17, 1])
    const c = Frame.encodeFrame([8, 1, 5])
    const first = reader.feed(Buffer.concat([a, b, c.subarray(0, 6)]))
    assert.deepStrictEqual(messages(first), [
      ["49", "1"],
      ["17", "1"]
    ])
    assert.strictEqual(reader.pending, 6)
    assert.deepStrictEqual(messages(reader.feed(c.subarray(6))), [["8", "1", "5"]])
  })

  it("reads a greeting with connect options and a single version", () => {
    const g = new Frame.FrameReader().feed(Frame.encodeGreeting(176, 176, "+PACEAPI"))
    assert.deepStrictEqual(g, [{ _tag: "Greeting", minVersion: 176, maxVersion: 176, connectOptions: "+PACEAPI" }])
  })

  it("a stream not starting with API\\0 is a fatal BadGreeting", () => {
    const reader = new Frame.FrameReader()
    const [e] = reader.feed(Buffer.from("GET / HTTP/1.1\r\n"))
    assert.strictEqual(e?._tag, "FrameError")
    if (e?._tag !== "FrameError") return
    assert.strictEqual(e.reason, "BadGreeting")
    assert.isTrue(e.fatal)
    assert.isTrue(reader.failed)
    assert.deepStrictEqual(reader.feed(Frame.encodeFrame([8, 1, 1])), [])
  })

  it("a bad greeting version string is a fatal BadGreeting with a clear message", () => {
    const [e] = new Frame.FrameReader().feed(bytes("41504900 00000003 787878"))
    assert.strictEqual(e?._tag === "FrameError" && e.reason, "BadGreeting")
    assert.include(e?._tag === "FrameError" ? e.message : "", 'bad greeting version string: "xxx"')
  })

  it("an oversized length (> 0xFFFFFF) is a fatal FrameTooLarge, without waiting for the bytes", () => {
    const reader = new Frame.FrameReader({ greeting: false })
    const events = reader.feed(bytes("01000000 41"))
    assert.deepStrictEqual(events, [
      {
        _tag: "FrameError",
        reason: "FrameTooLarge",
        fatal: true,
        code: 507,
        message: "frame length 16777216 exceeds the maximum 16777215"
      }
    ])
    assert.deepStrictEqual(reader.feed(Frame.encodeFrame([8, 1, 1])), [])
    assert.isTrue(reader.failed)
  })

  it("a non-UTF-8 payload is reported and the next frame is still read", () => {
    const reader = new Frame.FrameReader({ greeting: false })
    const events = reader.feed(Buffer.concat([bytes("00000003 ff fe 00"), Frame.encodeFrame([49, 1])]))
    assert.strictEqual(events.length, 2)
    const [bad, good] = events
    assert.strictEqual(bad?._tag === "FrameError" && bad.reason, "InvalidUtf8")
    assert.strictEqual(bad?._tag === "FrameError" && bad.fatal, false)
    assert.deepStrictEqual(good, { _tag: "Message", fields: ["49", "1"] })
    assert.isFalse(reader.failed)
  })

  it("an overlong UTF-8 encoding of NUL is rejected, not decoded", () => {
    const [e] = new Frame.FrameReader({ greeting: false }).feed(bytes("00000003 c0 80 00"))
    assert.strictEqual(e?._tag === "FrameError" && e.reason, "InvalidUtf8")
  })

  it("an unterminated payload and an empty frame are reported, not fatal", () => {
    const reader = new Frame.FrameReader({ greeting: false })
    const events = reader.feed(bytes("00000002 3131 00000000 00000002 3100"))
    assert.deepStrictEqual(
      events.map((e) => (e._tag === "FrameError" ? e.reason : e._tag)),
      ["Unterminated", "EmptyFrame", "Message"]
    )
  })

  it("a truncated frame yields nothing until the rest arrives", () => {
    const reader = new Frame.FrameReader({ greeting: false })
    assert.deepStrictEqual(reader.feed(bytes("000000")), [])
    assert.deepStrictEqual(reader.feed(bytes("04 3800 31")), [])
    assert.strictEqual(reader.pending, 7)
    assert.deepStrictEqual(messages(reader.feed(bytes("00"))), [["8", "1"]])
  })

  it("reassembles a 1 MB frame arriving in 64 KB chunks", () => {
    const big = "x".repeat(1 << 20)
    const stream = Frame.encodeFrame([10, big])
    const reader = new Frame.FrameReader({ greeting: false })
    const out: Array<Frame.FrameEvent> = []
    for (let at = 0; at < stream.length; at += 65536) out.push(...reader.feed(stream.subarray(at, at + 65536)))
    assert.deepStrictEqual(messages(out), [["10", big]])
  })

  it("respects a smaller maxFrameSize", () => {
    const [e] = new Frame.FrameReader({ greeting: false, maxFrameSize: 4 }).feed(Frame.encodeFrame([12345]))
    assert.strictEqual(e?._tag === "FrameError" && e.reason, "FrameTooLarge")
  })

  it("property: random bytes in random chunks never throw, and events are well formed", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }),
        fc.boolean(),
        (greeting, chunks, prefixed) => {
          const reader = new Frame.FrameReader({ greeting, maxFrameSize: 4096 })
          const all = prefixed && greeting ? [Frame.encodeGreeting(), ...chunks] : chunks
          for (const chunk of all) {
            for (const e of reader.feed(chunk)) {
              if (e._tag === "FrameError") assert.isTrue(e.message.length > 0)
              if (e._tag === "Message") assert.isTrue(e.fields.every((f) => !f.includes("\0")))
            }
          }
        }
      ),
      { numRuns: 500 }
    )
  })

  it("property: encodeFrame then FrameReader gives the fields back, however the bytes are split", () => {
    const field = fc.string({ unit: "grapheme", maxLength: 12 }).filter((s) => !s.includes("\0"))
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 1, maxLength: 8 }), { maxLength: 6 }),
        fc.nat(),
        (msgs, seed) => {
          const stream = Buffer.concat(msgs.map((m) => Frame.encodeFrame(m)))
          const reader = new Frame.FrameReader({ greeting: false })
          const out: Array<Frame.FrameEvent> = []
          let at = 0
          let step = (seed % 7) + 1
          while (at < stream.length) {
            out.push(...reader.feed(stream.subarray(at, at + step)))
            at += step
            step = ((step * 3) % 11) + 1
          }
          assert.deepStrictEqual(messages(out), msgs)
        }
      ),
      { numRuns: 300 }
    )
  })
})

describe("formatTwsTime", () => {
  it("formats New York wall time, winter and summer", () => {
    assert.strictEqual(Time.formatTwsTime(Date.UTC(2026, 10, 25, 15, 15, 20)), "20261125 10:15:20 US/Eastern")
    assert.strictEqual(Time.formatTwsTime(Date.UTC(2026, 6, 1, 4, 0, 0)), "20260701 00:00:00 US/Eastern")
  })
})
