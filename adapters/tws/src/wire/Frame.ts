/**
 * Framing of the TWS API byte stream (the "V100+" protocol), as a server sees it.
 *
 * The client opens with a greeting: `"API\0"`, a 4-byte big-endian length, then `"v100..193"` (no NUL). After
 * that, every frame in both directions is a 4-byte big-endian byte length and a UTF-8 payload of fields, each
 * terminated by NUL (the last one too). {@link FrameReader} turns chunks of bytes into greeting and message
 * events; {@link encodeFrame} writes one message.
 * @module
 */
import { WireErrorCode } from "./Cursor.ts"
import { encodeValue, type WireFields } from "./Values.ts"

/** Largest frame payload either side accepts (the Java client's and @stoqey/ib's limit). */
export const MAX_FRAME_SIZE = 0xffffff

/** The 4 bytes a client greeting starts with. */
export const GREETING_PREFIX: Uint8Array = new Uint8Array([0x41, 0x50, 0x49, 0x00])

/** Why the byte stream could not be read. */
export type FrameErrorReason = "BadGreeting" | "FrameTooLarge" | "InvalidUtf8" | "Unterminated" | "EmptyFrame"

/**
 * A framing error. `fatal` errors (bad greeting, oversized length) leave the stream unreadable: the reader stops
 * and the connection should be closed. Other errors drop one frame and reading goes on.
 */
export interface FrameError {
  readonly _tag: "FrameError"
  readonly reason: FrameErrorReason
  readonly fatal: boolean
  readonly code: number
  readonly message: string
}

/** The client's greeting: the range of server versions it accepts, and connect options if it sent any. */
export interface Greeting {
  readonly _tag: "Greeting"
  readonly minVersion: number
  readonly maxVersion: number
  readonly connectOptions: string
}

/** One complete message: its fields, field 0 being the message id. */
export interface FrameMessage {
  readonly _tag: "Message"
  readonly fields: ReadonlyArray<string>
}

/** What {@link FrameReader.feed} produces, in stream order. */
export type FrameEvent = Greeting | FrameMessage | FrameError

/** Options of a {@link FrameReader}. */
export interface FrameReaderOptions {
  /** Expect the client greeting first (default true). False reads frames from the start (e.g. server output). */
  readonly greeting?: boolean
  /** Largest accepted payload, default {@link MAX_FRAME_SIZE}. */
  readonly maxFrameSize?: number
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })
const GREETING_VERSIONS = /^v(\d{1,9})(?:\.\.(\d{1,9}))?(?: (.*))?$/s

const frameError = (reason: FrameErrorReason, fatal: boolean, message: string): FrameError => ({
  _tag: "FrameError",
  reason,
  fatal,
  code: WireErrorCode.BadFrame,
  message
})

/** Decodes UTF-8 strictly; `undefined` when the bytes are not valid UTF-8. */
const decodeUtf8 = (bytes: Uint8Array): string | undefined => {
  try {
    return utf8.decode(bytes)
  } catch {
    return undefined
  }
}

/** Splits one frame payload into fields. Never throws. */
export const decodePayload = (payload: Uint8Array): FrameMessage | FrameError => {
  if (payload.length === 0) return frameError("EmptyFrame", false, "empty frame (length 0)")
  if (payload[payload.length - 1] !== 0) {
    return frameError("Unterminated", false, `frame of ${payload.length} bytes does not end with a NUL`)
  }
  const text = decodeUtf8(payload)
  if (text === undefined) {
    return frameError("InvalidUtf8", false, `frame of ${payload.length} bytes is not valid UTF-8`)
  }
  return { _tag: "Message", fields: text.slice(0, -1).split("\0") }
}

const parseGreeting = (payload: Uint8Array): Greeting | FrameError => {
  const text = decodeUtf8(payload)
  const m = text === undefined ? null : GREETING_VERSIONS.exec(text)
  if (m === null) {
    const shown = text === undefined ? "non-UTF-8 bytes" : JSON.stringify(text.slice(0, 40))
    return frameError("BadGreeting", true, `bad greeting version string: ${shown}, expected e.g. "v100..193"`)
  }
  const minVersion = Number(m[1])
  const maxVersion = m[2] === undefined ? minVersion : Number(m[2])
  if (minVersion > maxVersion) {
    return frameError("BadGreeting", true, `bad greeting: min version ${minVersion} above max ${maxVersion}`)
  }
  return { _tag: "Greeting", minVersion, maxVersion, connectOptions: m[3] ?? "" }
}

/**
 * Incremental reader: feed it the socket's chunks as they come, get back every event completed by them.
 * Never throws; after a fatal error it ignores further input (see {@link FrameReader.failed}).
 */
export class FrameReader {
  private readonly maxFrameSize: number
  private awaitingGreeting: boolean
  private chunks: Array<Uint8Array> = []
  private size = 0
  /** Bytes needed before parsing can make progress. */
  private needed = 1
  private fatal = false

  constructor(options: FrameReaderOptions = {}) {
    this.maxFrameSize = options.maxFrameSize ?? MAX_FRAME_SIZE
    this.awaitingGreeting = options.greeting ?? true
    this.needed = this.awaitingGreeting ? 1 : 4
  }

  /** True once a fatal error was reported: the stream cannot be resynchronised. */
  get failed(): boolean {
    return this.fatal
  }

  /** Bytes received but not yet part of a complete event. */
  get pending(): number {
    return this.size
  }

  /** Adds bytes; returns the events they complete, in order. */
  feed(chunk: Uint8Array): ReadonlyArray<FrameEvent> {
    if (this.fatal || chunk.length === 0) return []
    this.chunks.push(new Uint8Array(chunk))
    this.size += chunk.length
    if (this.size < this.needed) return []
    const buffer = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size)
    const events: Array<FrameEvent> = []
    const consumed = this.awaitingGreeting ? this.readGreeting(buffer, events) : 0
    const offset = this.fatal ? buffer.length : this.readFrames(buffer, consumed, events)
    const rest = buffer.subarray(offset)
    this.chunks = rest.length === 0 ? [] : [rest]
    this.size = rest.length
    return events
  }

  private fail(error: FrameError, events: Array<FrameEvent>): void {
    this.fatal = true
    this.needed = Number.POSITIVE_INFINITY
    events.push(error)
  }

  /** Reads the greeting if complete; returns the bytes consumed (0 while incomplete). */
  private readGreeting(buffer: Uint8Array, events: Array<FrameEvent>): number {
    const prefixBytes = Math.min(buffer.length, GREETING_PREFIX.length)
    for (let i = 0; i < prefixBytes; i++) {
      if (buffer[i] !== GREETING_PREFIX[i]) {
        this.fail(frameError("BadGreeting", true, `stream does not start with the "API\\0" greeting`), events)
        return buffer.length
      }
    }
    if (buffer.length < 8) {
      this.needed = 8
      return 0
    }
    const length = readLength(buffer, 4)
    if (length === 0 || length > this.maxFrameSize) {
      this.fail(frameError("BadGreeting", true, `bad greeting length ${length}`), events)
      return buffer.length
    }
    if (buffer.length < 8 + length) {
      this.needed = 8 + length
      return 0
    }
    const greeting = parseGreeting(buffer.subarray(8, 8 + length))
    if (greeting._tag === "FrameError") {
      this.fail(greeting, events)
      return buffer.length
    }
    events.push(greeting)
    this.awaitingGreeting = false
    this.needed = 4
    return 8 + length
  }

  /** Reads every complete frame from `offset`; returns the offset of the first unread byte. */
  private readFrames(buffer: Uint8Array, offset: number, events: Array<FrameEvent>): number {
    if (this.awaitingGreeting) return offset
    let at = offset
    while (buffer.length - at >= 4) {
      const length = readLength(buffer, at)
      if (length > this.maxFrameSize) {
        this.fail(
          frameError("FrameTooLarge", true, `frame length ${length} exceeds the maximum ${this.maxFrameSize}`),
          events
        )
        return buffer.length
      }
      if (buffer.length - at - 4 < length) {
        this.needed = 4 + length
        return at
      }
      events.push(decodePayload(buffer.subarray(at + 4, at + 4 + length)))
      at += 4 + length
    }
    this.needed = 4
    return at
  }
}

const readLength = (buffer: Uint8Array, at: number): number =>
  ((buffer[at]! << 24) >>> 0) + (buffer[at + 1]! << 16) + (buffer[at + 2]! << 8) + buffer[at + 3]!

/** Encodes a length as 4 big-endian bytes. */
const lengthBytes = (length: number): Buffer => {
  const header = Buffer.alloc(4)
  header.writeUInt32BE(length, 0)
  return header
}

/**
 * Frames one message: each field encoded with `Values.encodeValue` (undefined -> "", booleans 1/0, numbers via
 * toString) and NUL-terminated, prefixed with the payload's byte length.
 */
export const encodeFrame = (fields: WireFields): Buffer => {
  const payload = Buffer.from(fields.map((f) => `${encodeValue(f)}\0`).join(""), "utf8")
  return Buffer.concat([lengthBytes(payload.length), payload])
}

/** The greeting a client sends, e.g. `"API\0" + length + "v100..193"` (for test clients). */
export const encodeGreeting = (minVersion = 100, maxVersion = 193, connectOptions = ""): Buffer => {
  const versions = minVersion < maxVersion ? `v${minVersion}..${maxVersion}` : `v${minVersion}`
  const text = Buffer.from(connectOptions === "" ? versions : `${versions} ${connectOptions}`, "utf8")
  return Buffer.concat([Buffer.from(GREETING_PREFIX), lengthBytes(text.length), text])
}
