/**
 * One client connection: framing, the handshake, pacing, and the dispatch of each client message to the part of
 * the server that answers it. Messages of one connection are handled one at a time, in arrival order, by the
 * session's fiber; nothing a client sends can crash the server or reach another client:
 * - a frame or message that cannot be read gets ERR_MSG (the parser's code and text) and is logged; a fatal framing
 *   error (bad greeting, oversized length) also closes this socket;
 * - more than `pacing.limit` messages in a window get ERR_MSG(-1, 100) and are not processed;
 * - a failure inside a handler is logged and answered with ERR_MSG, and the session goes on.
 * @module
 */
import type { MarketData } from "@spreads/application"
import { type Cause, type Clock, Effect, Queue } from "effect"
import type * as net from "node:net"
import type { Clients, Peer } from "./Clients.ts"
import type { ContractBook } from "./ContractBook.ts"
import { lookup } from "./ContractDetails.ts"
import type { MarketDataFeed } from "./MarketDataFeed.ts"
import type { OrderIds } from "./OrderIds.ts"
import type { OrderRouter } from "./OrderRouter.ts"
import { Pacer } from "./Pacing.ts"
import { encodeFrame, type FrameEvent, FrameReader } from "./wire/Frame.ts"
import { type IncomingMessage, parseIncoming } from "./wire/Incoming.ts"
import {
  contractDataEnd,
  currentTime,
  errorMessage,
  managedAccounts,
  marketDataType,
  nextValidId,
  SERVER_VERSION,
  serverHello
} from "./wire/Outgoing.ts"
import { contractData } from "./wire/Reports.ts"
import type { WireFields } from "./wire/Values.ts"

/** What a session needs from the server. */
export interface SessionDeps {
  readonly clients: Clients
  readonly ids: OrderIds
  readonly router: OrderRouter
  readonly feed: MarketDataFeed
  readonly book: ContractBook
  readonly md: MarketData["Service"]
  readonly accounts: ReadonlyArray<string>
  readonly clock: Clock.Clock
  readonly pacing: { readonly limit: number; readonly windowMs: number }
  /** True while a connectivity window is open (order messages are held). */
  readonly connectivityDown: () => boolean
}

/** The notices TWS sends after the handshake. */
const CONNECT_NOTICES: ReadonlyArray<readonly [number, string]> = [
  [2104, "Market data farm connection is OK:usfarm"],
  [2106, "HMDS data farm connection is OK:ushmds"],
  [2158, "Sec-def data farm connection is OK:secdefnj"]
]

const PACING_TEXT = "Max rate of messages per second has been exceeded."

type Inbound = { readonly _tag: "Event"; readonly event: FrameEvent } | { readonly _tag: "Closed" }

/**
 * Serves one socket until it closes. The effect ends when the client goes away (or the server closes it); the
 * clientId is released and market data streams stop.
 */
export const serve = (socket: net.Socket, connection: number, deps: SessionDeps): Effect.Effect<void> =>
  Effect.gen(function* () {
    const inbox = yield* Queue.unbounded<Inbound>()
    const reader = new FrameReader()
    const pacer = new Pacer(deps.pacing.limit, deps.pacing.windowMs)
    const remote = `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? "?"}`
    let clientId: number | undefined
    let autoBind = false
    let dataType = 1
    let held: Array<WireFields> = []
    const write = (fields: WireFields): void => {
      if (!socket.destroyed && socket.writable) socket.write(encodeFrame(fields))
    }
    const session: Peer = {
      connection,
      remote,
      get clientId() {
        return clientId
      },
      get autoBind() {
        return autoBind
      },
      send: write,
      sendOrder: (fields) => (deps.connectivityDown() ? void held.push(fields) : write(fields)),
      close: () => void socket.destroy(),
      resume: () => {
        const out = held
        held = []
        for (const m of out) write(m)
      }
    }
    const error = (id: number, code: number, message: string) => write(errorMessage({ id, code, message }))

    socket.on("data", (chunk: Buffer) => {
      for (const event of reader.feed(chunk)) {
        // Pacing counts messages when they arrive, as TWS does, not when they are handled.
        if (event._tag === "Message" && clientId !== undefined && !pacer.admit(deps.clock.currentTimeMillisUnsafe())) {
          error(-1, 100, PACING_TEXT)
          continue
        }
        Queue.offerUnsafe(inbox, { _tag: "Event", event })
      }
    })
    socket.on("close", () => {
      // Free the clientId at once: a client that reconnects right away must not be refused with 326.
      deps.clients.remove(session)
      Queue.offerUnsafe(inbox, { _tag: "Closed" })
    })
    socket.on("error", () => undefined)
    deps.clients.add(session)
    yield* Effect.logInfo(`connection ${connection} from ${remote}`)

    const startApi = (id: number) =>
      Effect.gen(function* () {
        if (clientId !== undefined)
          return error(-1, 321, `Error validating request: START_API was already sent (client id ${clientId})`)
        if (!deps.clients.claim(id, session)) {
          error(-1, 326, "Unable to connect as the client id is already in use. Retry with a unique client id.")
          yield* Effect.logWarning(`connection ${connection}: client id ${id} is already in use; refused (326)`)
          socket.end()
          return
        }
        clientId = id
        write(managedAccounts(deps.accounts))
        write(nextValidId(deps.ids.onConnect(id)))
        for (const [code, text] of CONNECT_NOTICES) error(-1, code, text)
        yield* Effect.logInfo(`connection ${connection}: client ${id} started the API`)
      })

    const handle = (m: IncomingMessage): Effect.Effect<void> => {
      if (m._tag === "StartApi") return startApi(m.clientId)
      if (clientId === undefined) {
        error(-1, 321, `Error validating request: send START_API before ${m._tag}`)
        return Effect.void
      }
      const id = clientId
      switch (m._tag) {
        case "ReqIds":
          return Effect.sync(() => write(nextValidId(deps.ids.onRequest(id))))
        case "ReqCurrentTime":
          return Effect.sync(() => write(currentTime(deps.clock.currentTimeMillisUnsafe() / 1000)))
        case "ReqManagedAccts":
          return Effect.sync(() => write(managedAccounts(deps.accounts)))
        case "ReqOpenOrders":
          return Effect.sync(() => deps.router.openOrders(session, "mine"))
        case "ReqAllOpenOrders":
          return Effect.sync(() => deps.router.openOrders(session, "all"))
        case "ReqAutoOpenOrders":
          return Effect.sync(() => {
            autoBind = m.autoBind
            deps.router.openOrders(session, "all")
          })
        case "ReqExecutions":
          return Effect.sync(() => deps.router.executions(session, m))
        case "ReqCompletedOrders":
          return Effect.sync(() => deps.router.completedOrders(session))
        case "ReqContractData":
          return lookup(deps.book, deps.md, m.contract, deps.clock.currentTimeMillisUnsafe()).pipe(
            Effect.match({
              onFailure: (p) =>
                error(
                  m.reqId,
                  p.code,
                  p.code === 200 ? `No security definition has been found for the request (${p.message})` : p.message
                ),
              onSuccess: (list) => {
                for (const d of list) write(contractData(m.reqId, d))
                write(contractDataEnd(m.reqId))
              }
            })
          )
        case "CancelOrder":
          return deps.router.cancel(session, m.orderId)
        case "ReqGlobalCancel":
          return deps.router.globalCancel()
        case "ReqMktData":
          return deps.feed.request(session, m, dataType)
        case "CancelMktData":
          return Effect.sync(() => deps.feed.cancel(session, m.reqId))
        case "ReqMarketDataType":
          return Effect.sync(() => {
            dataType = m.marketDataType
            write(marketDataType(-1, dataType))
          })
        case "PlaceOrder":
          return deps.router.place(session, m)
      }
    }

    const onEvent = (event: FrameEvent): Effect.Effect<void> => {
      switch (event._tag) {
        case "Greeting":
          // This server speaks version 193 only; a client that cannot is not answered at all (an ERR_MSG before
          // the hello would be read as the hello).
          if (event.minVersion > SERVER_VERSION || event.maxVersion < SERVER_VERSION) {
            socket.end()
            return Effect.logWarning(
              `connection ${connection}: client versions v${event.minVersion}..${event.maxVersion} exclude ${SERVER_VERSION}; closed`
            )
          }
          write(serverHello(deps.clock.currentTimeMillisUnsafe()))
          return Effect.void
        case "FrameError":
          error(-1, event.code, event.message)
          if (event.fatal) socket.end()
          return Effect.logWarning(
            `connection ${connection}: ${event.fatal ? "fatal " : ""}framing error: ${event.message}`
          )
        case "Message": {
          const parsed = parseIncoming(event.fields)
          if (!parsed.ok) {
            error(parsed.error.id ?? -1, parsed.error.code, parsed.error.message)
            return Effect.logWarning(`connection ${connection} (client ${clientId ?? "-"}): ${parsed.error.message}`)
          }
          return handle(parsed.message).pipe(
            Effect.catchCause((cause: Cause.Cause<never>) => {
              error(-1, 320, `Error processing request: the simulator failed on ${parsed.message._tag}`)
              return Effect.logError(`connection ${connection}: handler for ${parsed.message._tag} failed`, cause)
            })
          )
        }
      }
    }

    const loop: Effect.Effect<void> = Effect.gen(function* () {
      for (;;) {
        const next = yield* Queue.take(inbox)
        if (next._tag === "Closed") return
        yield* onEvent(next.event)
      }
    })
    yield* loop.pipe(
      Effect.ensuring(
        Effect.suspend(() => {
          deps.clients.remove(session)
          deps.feed.closeAll(session)
          socket.destroy()
          return Effect.logInfo(`connection ${connection} (client ${clientId ?? "-"}) closed`)
        })
      )
    )
  })
