/**
 * Test harness for the wire codec: a tiny TWS-like server on 127.0.0.1 (port chosen by the OS) that completes
 * the handshake with the codec's own encoders, and a real @stoqey/ib 1.6.10 `IBApi` connected to it.
 * The server records every byte and every message the client sends; the client records every event.
 * @module
 */
import { EventName, IBApi } from "@stoqey/ib"
import * as net from "node:net"
import { Frame, Incoming, Outgoing } from "../../adapters/tws/src/wire/index.ts"
import type { WireFields } from "../../adapters/tws/src/wire/Values.ts"

/** The connection time the harness announces. */
export const CONNECTION_TIME = "20261125 10:00:00 US/Eastern"
/** The account the harness announces. */
export const ACCOUNT = "DU1234567"

/** An `error` event of the client. */
export interface ClientError {
  readonly message: string
  readonly code: number
  readonly reqId: number
  readonly advancedOrderReject: unknown
}

/** The untyped face of IBApi's event emitter (its typed `on` overloads do not take an event variable). */
interface Emitter {
  on(event: string, listener: (...args: Array<unknown>) => void): unknown
  removeAllListeners(): unknown
}

/** A running server + connected client. */
export interface Harness {
  readonly api: IBApi
  readonly port: number
  /** The client greeting, as the codec read it. */
  readonly greeting: () => Frame.Greeting | undefined
  /** Every message the client sent, as field arrays (START_API included). */
  readonly messages: Array<ReadonlyArray<string>>
  /** Framing errors seen by the server (there should be none). */
  readonly frameErrors: Array<Frame.FrameError>
  /** `error` events of the client. */
  readonly errors: Array<ClientError>
  /** `info` events of the client (errors with id -1). */
  readonly infos: Array<{ readonly message: string; readonly code: number }>
  /** Every byte the client sent, in order. */
  readonly bytes: () => Buffer
  /** Sends one framed message to the client. */
  readonly send: (fields: WireFields) => void
  /** Sends raw bytes to the client. */
  readonly sendRaw: (bytes: Buffer) => void
  /** Records each emission of `event` (its arguments). */
  readonly collect: (event: EventName) => Array<ReadonlyArray<unknown>>
  /** Resolves with the first message received from index `from` on whose id is `msgId`. */
  readonly nextMessage: (msgId: number, from?: number) => Promise<ReadonlyArray<string>>
  /** Closes client, server sockets and server. */
  readonly close: () => Promise<void>
}

/** Polls `probe` until it returns a value (or fails after `timeoutMs`). */
export const until = async <A>(probe: () => A | undefined, timeoutMs = 5_000, what = "condition"): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** Starts the server, connects an IBApi with `clientId` and waits for its `nextValidId`. */
export const startHarness = async (options: { readonly clientId?: number; readonly nextValidId?: number } = {}) => {
  const messages: Array<ReadonlyArray<string>> = []
  const frameErrors: Array<Frame.FrameError> = []
  const chunks: Array<Buffer> = []
  const sockets = new Set<net.Socket>()
  let greeting: Frame.Greeting | undefined
  let client: net.Socket | undefined
  const server = net.createServer((socket) => {
    sockets.add(socket)
    client = socket
    socket.on("close", () => sockets.delete(socket))
    socket.on("error", () => undefined)
    const reader = new Frame.FrameReader()
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk)
      for (const event of reader.feed(chunk)) {
        if (event._tag === "Greeting") {
          greeting = event
          socket.write(Frame.encodeFrame(Outgoing.serverHello(CONNECTION_TIME)))
        } else if (event._tag === "FrameError") {
          frameErrors.push(event)
        } else {
          messages.push(event.fields)
          if (event.fields[0] === String(Incoming.OutMsgId.START_API)) {
            socket.write(Frame.encodeFrame(Outgoing.managedAccounts([ACCOUNT])))
            socket.write(Frame.encodeFrame(Outgoing.nextValidId(options.nextValidId ?? 1000)))
          }
        }
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  if (address === null || typeof address === "string") throw new Error("no port")
  const port = address.port

  const api = new IBApi({ host: "127.0.0.1", port })
  const emitter = api as unknown as Emitter
  const errors: Array<ClientError> = []
  const infos: Array<{ readonly message: string; readonly code: number }> = []
  emitter.on(EventName.error, (error, code, reqId, advancedOrderReject) => {
    const message = error instanceof Error ? error.message : String(error)
    errors.push({ message, code: Number(code), reqId: Number(reqId), advancedOrderReject })
  })
  emitter.on(EventName.info, (message, code) => infos.push({ message: String(message), code: Number(code) }))
  const collect = (event: EventName): Array<ReadonlyArray<unknown>> => {
    const seen: Array<ReadonlyArray<unknown>> = []
    emitter.on(event, (...args: Array<unknown>) => seen.push(args))
    return seen
  }
  const ready = collect(EventName.nextValidId)
  api.connect(options.clientId ?? 0)
  await until(() => (ready.length > 0 ? true : undefined), 5_000, "nextValidId")

  const harness: Harness = {
    api,
    port,
    greeting: () => greeting,
    messages,
    frameErrors,
    errors,
    infos,
    bytes: () => Buffer.concat(chunks),
    send: (fields) => client?.write(Frame.encodeFrame(fields)),
    sendRaw: (bytes) => client?.write(bytes),
    collect,
    nextMessage: (msgId, from = 0) =>
      until(() => messages.slice(from).find((m) => m[0] === String(msgId)), 5_000, `message ${msgId}`),
    close: async () => {
      api.disconnect()
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      emitter.removeAllListeners()
    }
  }
  return harness
}
