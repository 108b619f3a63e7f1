/**
 * The connection to TWS / IB Gateway as a scoped resource.
 *
 * - One fresh `IBApi` per connection attempt, connected with the FIXED client id (1.6.10 bumps an id it was not
 *   given on each reconnect). An attempt succeeds on `nextValidId`, not on `connected` (which fires before it, while
 *   IBApi still queues every call).
 * - Every IBApi event is dispatched synchronously, from inside IBApi's decoder loop, in socket order: first to the
 *   sinks (the adapter's reducer, see {@link IbConnection.addSink}: no fiber hand-off per message), then onto one hub
 *   that the request helpers and the reconciler subscribe to. Connection-level events (handshake, 1100/1101/1102,
 *   socket loss) are also handed to one control fiber per session for what needs effects.
 * - Frame lengths are checked before @stoqey/ib reads them (its reader loops forever on a negative length): a length
 *   below 0 or above IB's 0xFFFFFF limit is reported as a protocol error (505, in {@link IbConnection.protocolErrors})
 *   and the socket is dropped, so the normal reconnect takes over.
 * - ORDER_STATUS and EXECUTION_DATA, the messages that come by the thousand while orders trade, are read by this
 *   adapter (HotMessages) exactly as the library reads them and emitted through the library's own `emitEvent`, when
 *   the library has nothing queued; every other message, and any of these it does not read completely, goes to the
 *   library's decoder.
 * - Account ids in IB's own texts (errors, notices) are masked before anything else sees them (Masking).
 * - State: Connecting -> Connected; 1100 -> Degraded; 1101/1102 -> Connected and a `ReconcileNeeded` event; socket
 *   loss -> Disconnected, then Connecting again after the reconnect schedule's delay, with the same client id, then a
 *   `ReconcileNeeded` event once nextValidId came back.
 * - Every outgoing message waits for the link (up to `commandWait`, else NotConnected with a sentence saying why)
 *   and takes a token from the shared bucket.
 * - Closing the scope disconnects cleanly.
 * - A message the 1.6.10 decoder cannot read is reported as error 505 (the decoder does that itself for short, long
 *   and unknown messages; a throw from inside it, such as invalid JSON in an ERR_MSG, is caught here, the broken
 *   message skipped and reported the same way) and never takes the process down.
 * @module
 */
import { BrokerError, type ConnectionState } from "@spreads/application"
import { EventName, IBApi } from "@stoqey/ib"
import { Deferred, Duration, Effect, Exit, Option, PubSub, Queue, Scope, Stream, SubscriptionRef } from "effect"
import * as IbConfig from "./IbConfig.ts"
import { decodeHot } from "./HotMessages.ts"
import { attach, type IbEvent } from "./IbEvent.ts"
import { masker } from "./Masking.ts"
import * as OrderIds from "./OrderIds.ts"
import * as TokenBucket from "./TokenBucket.ts"

/** Code the 1.6.10 client uses for messages it could not decode. */
export const DECODE_ERROR = 505

/** The connection. */
export interface IbConnection {
  readonly config: IbConfig.IbConfig
  readonly state: SubscriptionRef.SubscriptionRef<ConnectionState>
  /** Subscribes to the event hub (for as long as the scope lives). Subscribe before sending a request. */
  readonly subscribe: Effect.Effect<PubSub.Subscription<IbEvent>, never, Scope.Scope>
  /** Every event on the hub from now on. */
  readonly events: Stream.Stream<IbEvent>
  /** Publishes an event on the hub (the adapter's own, such as ReconcileNeeded): sinks first, then subscribers. */
  readonly publish: (event: IbEvent) => Effect.Effect<void>
  /**
   * Adds a synchronous sink for as long as the scope lives: called with every event, in order, before the hub's
   * subscribers see it, from inside IBApi's event callbacks. A sink must be quick and must not throw.
   */
  readonly addSink: (sink: (event: IbEvent) => void) => Effect.Effect<void, never, Scope.Scope>
  /** Masks account ids in a text before it goes into a log or an error (see Masking). */
  readonly mask: (text: string) => string
  /**
   * Sends one message: waits for the link (see the module doc), takes a pacing token, then calls `f` with the live
   * IBApi. `what` names the message in errors ("the order 12", "contract details for AAPL ...").
   */
  readonly send: (what: string, f: (api: IBApi) => void) => Effect.Effect<void, BrokerError>
  /** A fresh request id (see OrderIds: request ids live far above order ids). */
  readonly nextRequestId: Effect.Effect<number>
  readonly orderIds: OrderIds.OrderIds
  /** Accounts IB reported at connect. */
  readonly accounts: Effect.Effect<ReadonlyArray<string>>
  /** Messages the client could not decode since the start (505), newest last, at most 100. */
  readonly protocolErrors: Effect.Effect<ReadonlyArray<string>>
  /** Drops the socket as if the network failed (tests and operators); the reconnect schedule takes over. */
  readonly dropSocket: Effect.Effect<void>
}

interface Emitter {
  emit(event: string, ...args: Array<unknown>): unknown
}

interface ListenerCounter extends Emitter {
  listenerCount(event: string): number
}

interface DecoderLike {
  process?: () => void
  drainQueue?: () => void
}

/** Reports a message that threw while it was read or emitted as a 505, as the decoder reports its own; it is skipped. */
const reportUnreadable = (api: IBApi, e: unknown): void => {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
  ;(api as unknown as Emitter).emit(
    EventName.error,
    new Error(`Decoding error: a message from the server could not be read (${text}); it was skipped`),
    DECODE_ERROR,
    -1
  )
}

/**
 * Makes the 1.6.10 decoder survive a throw from inside a message (it rethrows anything but its own underrun, from
 * the socket's data handler, which would end the process): the rest of that message is skipped and a 505 error is
 * emitted like the decoder's own, then decoding goes on with the next message.
 */
const guardDecoder = (api: IBApi): void => {
  const decoder = (api as unknown as { controller?: { decoder?: DecoderLike } }).controller?.decoder
  if (decoder === undefined || typeof decoder.process !== "function") return
  const process = decoder.process.bind(decoder)
  decoder.process = () => {
    for (let guard = 0; guard < 10_000; guard++) {
      try {
        process()
        return
      } catch (e) {
        decoder.drainQueue?.()
        reportUnreadable(api, e)
      }
    }
  }
}

/** IB's receive limit for one frame (and @stoqey/ib's, which it only applies to the whole buffer). */
export const MAX_FRAME_LENGTH = 0xffffff

/** The parts of 1.6.10's socket this module reads and replaces (internal; exported for tests). */
export interface SocketLike {
  onData: (data: Buffer) => void
  onMessage: (data: string) => void
  useV100Plus: boolean
  _v100MessageBuffer: Buffer
  client?: { destroy(): void }
  readonly serverVersion?: number
  readonly dataFragment?: string
  readonly neverReceived?: boolean
  readonly waitingAsync?: boolean
}

/** The parts of 1.6.10's controller this module uses (internal; exported for tests). */
export interface ControllerLike {
  readonly socket?: SocketLike
  readonly decoder?: { readonly dataQueue?: ReadonlyArray<unknown> }
  emitEvent?: (name: string, ...args: ReadonlyArray<unknown>) => void
}

/**
 * Hands a message the library would decode to its events (see HotMessages), when the library's own reader is idle
 * and nothing is waiting in its queue (so no message overtakes another); false when the library must read it.
 * Exported for tests.
 */
export const readHot = (api: IBApi, controller: ControllerLike, socket: SocketLike, message: string): boolean => {
  const queue = controller.decoder?.dataQueue
  const emitEvent = controller.emitEvent
  if (emitEvent === undefined || queue === undefined || queue.length !== 0) return false
  if (socket.neverReceived !== false || socket.dataFragment !== "" || socket.waitingAsync !== false) return false
  // Cheap first look: ORDER_STATUS is "3\0...", EXECUTION_DATA "11\0...".
  const c0 = message.charCodeAt(0)
  if (!((c0 === 51 && message.charCodeAt(1) === 0) || (c0 === 49 && message.startsWith("11\0")))) return false
  const fields = message.split("\0")
  if (fields.pop() !== "") return false
  const hot = decodeHot(fields, socket.serverVersion ?? 0)
  if (hot === undefined) return false
  // As the library does: first the raw message (its `received` event, echoed on `all`), then the decoded one (echoed
  // on `result` and `all`). An echo nobody listens to is skipped: emitting it would change nothing.
  const emitter = api as unknown as ListenerCounter
  const unheard = (name: string) => emitter.listenerCount(name) === 0
  try {
    const echoed = !unheard(EventName.all)
    if (echoed || !unheard(EventName.received)) emitEvent.call(controller, EventName.received, fields, message)
    if (echoed || !unheard(EventName.result)) emitEvent.call(controller, hot.name, ...hot.args)
    else emitter.emit(hot.name, ...hot.args)
  } catch (e) {
    reportUnreadable(api, e)
  }
  return true
}

/**
 * Replaces 1.6.10's frame reader (socket.js onData), which reads the length as a signed int32 and loops forever,
 * growing memory, on a negative one. Same framing otherwise: 4-byte big-endian length, then the message, handed to
 * the library's own `onMessage`. A length below 0 or above {@link MAX_FRAME_LENGTH} cannot be resynchronised: it is
 * reported through `bad` (with the length) and nothing more is read from that socket.
 */
const guardFrames = (api: IBApi, bad: (length: number, socket: SocketLike) => void): void => {
  const controller = (api as unknown as { controller?: ControllerLike }).controller
  const socket = controller?.socket
  if (
    controller === undefined ||
    socket === undefined ||
    typeof socket.onData !== "function" ||
    typeof socket.onMessage !== "function"
  )
    return
  const original = socket.onData.bind(socket)
  let broken = false
  socket.onData = (data: Buffer) => {
    if (broken) return
    if (!socket.useV100Plus) return original(data)
    const held = socket._v100MessageBuffer
    const buffer = held === undefined || held.length === 0 ? data : Buffer.concat([held, data])
    let offset = 0
    try {
      while (buffer.length - offset >= 4) {
        const length = buffer.readInt32BE(offset)
        if (length < 0 || length > MAX_FRAME_LENGTH) {
          broken = true
          offset = buffer.length
          bad(length, socket)
          return
        }
        if (buffer.length - offset - 4 < length) break
        const message = buffer.toString("utf8", offset + 4, offset + 4 + length)
        offset += 4 + length
        if (!readHot(api, controller, socket, message)) socket.onMessage(message)
      }
    } finally {
      socket._v100MessageBuffer = offset >= buffer.length ? Buffer.alloc(0) : buffer.subarray(offset)
    }
  }
}

const notConnected = (message: string) => new BrokerError({ reason: "NotConnected", message })

/** Why a command could not be sent, as a sentence for the trader. */
const waitFailure = (config: IbConfig.IbConfig, state: ConnectionState, what: string): BrokerError => {
  const where = IbConfig.describe(config)
  switch (state) {
    case "Degraded":
      return notConnected(
        `IB lost its connection to its own servers (1100); ${what} was not sent. TWS reconnects by itself: try again once it reports connectivity restored`
      )
    case "Connecting":
      return notConnected(`reconnecting to TWS/IB Gateway at ${where}; ${what} was not sent. Try again in a moment`)
    default:
      return notConnected(
        `not connected to TWS/IB Gateway at ${where}; ${what} was not sent. Check that it is running with the API enabled on that port`
      )
  }
}

interface Session {
  readonly api: IBApi
  readonly ended: Deferred.Deferred<void>
  readonly scope: Scope.Closeable
}

/**
 * Opens the connection (waits for nextValidId, up to the connect timeout) and keeps it: socket losses are retried on
 * the config's schedule for as long as the scope lives. Fails with NotConnected when the first attempt fails.
 * `beforeConnect` runs once the hub exists and before the first byte is sent: subscribe there to see everything.
 */
export const make = (
  config: IbConfig.IbConfig,
  beforeConnect: (connection: IbConnection) => Effect.Effect<void, never, Scope.Scope> = () => Effect.void
): Effect.Effect<IbConnection, BrokerError, Scope.Scope> =>
  Effect.gen(function* () {
    const hub = yield* Effect.acquireRelease(PubSub.unbounded<IbEvent>(), PubSub.shutdown)
    const state = yield* SubscriptionRef.make<ConnectionState>("Connecting")
    const bucket = yield* TokenBucket.make(config.messagesPerSecond, config.burst)
    const orderIds = yield* OrderIds.make(config.orderGapTimeout)
    let current: IBApi | undefined
    let accounts: ReadonlyArray<string> = []
    const protocolErrors: Array<string> = []
    let requestId = OrderIds.REQUEST_ID_BASE
    const sinks: Array<(event: IbEvent) => void> = []
    const mask = masker(() => (config.account === undefined ? accounts : [config.account, ...accounts]))
    // Sessions live in child scopes of this one, so closing the connection closes whichever session is current.
    const parent = yield* Effect.scope

    // The one path every event takes, synchronously and in order: bookkeeping, sinks, then the hub.
    const dispatch = (event: IbEvent): void => {
      switch (event._tag) {
        case "NextValidId":
          orderIds.observeNextValidUnsafe(event.orderId)
          break
        case "ManagedAccounts":
          accounts = event.accounts
          break
        case "Error":
          if (event.id === -1 && event.code === DECODE_ERROR && event.origin === "client") {
            protocolErrors.push(event.message)
            if (protocolErrors.length > 100) protocolErrors.shift()
          }
          break
      }
      for (const sink of sinks) sink(event)
      PubSub.publishUnsafe(hub, event)
    }
    const publish = (event: IbEvent) => Effect.sync(() => dispatch(event))

    const awaitReady = (what: string): Effect.Effect<void, BrokerError> =>
      Effect.gen(function* () {
        const ready = yield* SubscriptionRef.changes(state).pipe(
          Stream.filter((s) => s === "Connected"),
          Stream.runHead,
          Effect.timeoutOption(config.commandWait)
        )
        if (Option.isNone(ready) || Option.isNone(ready.value) || current === undefined) {
          return yield* waitFailure(config, yield* SubscriptionRef.get(state), what)
        }
      })

    const write = (api: IBApi, what: string, f: (api: IBApi) => void): Effect.Effect<void, BrokerError> => {
      try {
        f(api)
        return Effect.void
      } catch (e) {
        return Effect.fail(
          new BrokerError({
            reason: "Protocol",
            message: `${what} could not be sent: ${mask(e instanceof Error ? e.message : String(e))}`
          })
        )
      }
    }

    // The common case (linked, a token in the bucket) runs without a fiber switch: check, take, write.
    const send = (what: string, f: (api: IBApi) => void): Effect.Effect<void, BrokerError> =>
      Effect.suspend(() => {
        const linked = current !== undefined && SubscriptionRef.getUnsafe(state) === "Connected"
        return (linked ? bucket.take : Effect.andThen(awaitReady(what), bucket.take)).pipe(
          Effect.andThen(
            Effect.suspend(() => {
              const api = current
              if (api === undefined || !api.isConnected) {
                return Effect.flatMap(SubscriptionRef.get(state), (s) => Effect.fail(waitFailure(config, s, what)))
              }
              return write(api, what, f)
            })
          )
        )
      })

    // What connection-level events mean, on the session's control fiber (everyone else already saw the event).
    const onControl = (event: IbEvent, up: Deferred.Deferred<void, BrokerError>, ended: Deferred.Deferred<void>) =>
      Effect.gen(function* () {
        switch (event._tag) {
          case "NextValidId":
            yield* Deferred.succeed(up, undefined)
            break
          case "Disconnected":
            yield* Deferred.fail(
              up,
              notConnected(
                `TWS/IB Gateway at ${IbConfig.describe(config)} closed the connection during the handshake; check that the API is enabled and that client id ${config.clientId} is not already in use`
              )
            )
            yield* Deferred.succeed(ended, undefined)
            break
          case "Error":
            yield* onError(event, up)
            break
        }
      })

    const onError = (event: Extract<IbEvent, { _tag: "Error" }>, up: Deferred.Deferred<void, BrokerError>) =>
      Effect.gen(function* () {
        if (event.id !== -1) return
        switch (event.code) {
          case 502:
          case 506:
            yield* Deferred.fail(
              up,
              notConnected(`could not connect to TWS/IB Gateway at ${IbConfig.describe(config)}: ${event.message}`)
            )
            break
          case 326:
            yield* Deferred.fail(
              up,
              notConnected(
                `client id ${config.clientId} is already in use at ${IbConfig.describe(config)} (326); close the other session or pick another fixed client id`
              )
            )
            break
          case 100:
            yield* Effect.logWarning(`IB: ${event.message} (100): a message was dropped by TWS's pacing`)
            break
          case 2110:
            yield* Effect.logWarning(`IB: ${event.message} (2110)`)
            break
          case 1100:
            yield* SubscriptionRef.set(state, "Degraded")
            yield* Effect.logWarning(`IB: ${event.message} (1100): commands wait for the link to come back`)
            break
          case 1101:
          case 1102:
            yield* SubscriptionRef.set(state, "Connected")
            yield* Effect.logInfo(`IB: ${event.message} (${event.code}): reconciling orders`)
            yield* publish({ _tag: "ReconcileNeeded", reason: `IB restored connectivity (${event.code})` })
            break
          case DECODE_ERROR:
            if (event.origin !== "client") {
              yield* Effect.logWarning(`TWS did not understand a request (505): ${event.message}`)
              break
            }
            yield* Effect.logError(`IB client could not read a message from the server (505): ${event.message}`)
            break
        }
      })

    // One connection attempt: fresh IBApi, listeners on, connect, wait for nextValidId. The session lives in its own
    // scope, closed when the socket is gone.
    const attempt: Effect.Effect<Session, BrokerError> = Effect.gen(function* () {
      const scope = yield* Scope.fork(parent)
      const up = yield* Deferred.make<void, BrokerError>()
      const ended = yield* Deferred.make<void>()
      // Pacing is the token bucket's job; IBApi's own limiter (100 ms windows) is left loose so that a message is
      // written the moment the bucket releases it, not queued inside IBApi where a socket drop would lose it.
      const api = new IBApi({ host: config.host, port: config.port, maxReqPerSec: 100 })
      guardDecoder(api)
      guardFrames(api, (length, socket) => {
        ;(api as unknown as Emitter).emit(
          EventName.error,
          new Error(
            `Protocol error: the server sent a frame length of ${length} (IB allows 0 to ${MAX_FRAME_LENGTH}); the stream cannot be read past it, so the connection is dropped and will be re-established`
          ),
          DECODE_ERROR,
          -1
        )
        socket.client?.destroy()
      })
      // Connection-level events also go to this session's control fiber; everything else is handled synchronously.
      const control = yield* Queue.unbounded<IbEvent>()
      const detach = attach(
        api,
        (event) => {
          dispatch(event)
          if (
            event._tag === "NextValidId" ||
            event._tag === "Disconnected" ||
            (event._tag === "Error" && event.id === -1)
          ) {
            Queue.offerUnsafe(control, event)
          }
        },
        mask
      )
      yield* Scope.addFinalizer(
        scope,
        Effect.sync(() => {
          if (current === api) current = undefined
          try {
            api.disconnect()
          } catch {
            // already closed
          }
          detach()
        })
      )
      yield* Queue.take(control).pipe(
        Effect.flatMap((event) => onControl(event, up, ended)),
        Effect.forever,
        Effect.forkIn(scope)
      )
      const opened = Effect.gen(function* () {
        api.connect(config.clientId)
        yield* Deferred.await(up)
      }).pipe(
        Effect.timeoutOrElse({
          duration: config.connectTimeout,
          orElse: () =>
            Effect.fail(
              notConnected(
                `TWS/IB Gateway at ${IbConfig.describe(config)} did not complete the handshake within ${Duration.format(config.connectTimeout)}; check host, port and that the API is enabled`
              )
            )
        })
      )
      yield* opened.pipe(Effect.onError(() => Scope.close(scope, Exit.void)))
      current = api
      if (config.marketDataType !== undefined) {
        const type = config.marketDataType
        yield* bucket.take
        api.reqMarketDataType(type)
      }
      yield* SubscriptionRef.set(state, "Connected")
      return { api, ended, scope }
    })

    const connection: IbConnection = {
      config,
      state,
      subscribe: PubSub.subscribe(hub),
      events: Stream.fromPubSub(hub),
      publish,
      addSink: (sink) =>
        Effect.acquireRelease(
          Effect.sync(() => void sinks.push(sink)),
          () =>
            Effect.sync(() => {
              const i = sinks.indexOf(sink)
              if (i >= 0) sinks.splice(i, 1)
            })
        ),
      mask,
      send,
      nextRequestId: Effect.sync(() => {
        requestId = requestId >= OrderIds.REQUEST_ID_LIMIT ? OrderIds.REQUEST_ID_BASE : requestId + 1
        return requestId
      }),
      orderIds,
      accounts: Effect.sync(() => accounts),
      protocolErrors: Effect.sync(() => [...protocolErrors]),
      dropSocket: Effect.sync(() => {
        const socket = (current as unknown as { controller?: { socket?: { client?: { destroy(): void } } } })
          ?.controller?.socket?.client
        socket?.destroy()
      })
    }

    yield* beforeConnect(connection)
    const initial = yield* attempt.pipe(Effect.tapError(() => SubscriptionRef.set(state, "Disconnected")))

    // Keeps the link: wait for the socket to go, then reconnect on the schedule (same client id) and ask for a
    // reconciliation. When the schedule gives up, the adapter stays Disconnected and every command says so.
    const keep = (session: Session): Effect.Effect<void> =>
      Effect.gen(function* () {
        yield* Deferred.await(session.ended)
        yield* Scope.close(session.scope, Exit.void)
        yield* SubscriptionRef.set(state, "Disconnected")
        yield* Effect.logWarning(`IB: connection to ${IbConfig.describe(config)} lost; reconnecting`)
        // The first try fails at once so that even it waits for the schedule's first delay: a TWS that just
        // dropped us is given a moment, and every later attempt backs off as the schedule says.
        let tries = 0
        const next = yield* Effect.suspend(() =>
          tries++ === 0
            ? Effect.fail(notConnected("connection lost"))
            : SubscriptionRef.set(state, "Connecting").pipe(Effect.andThen(attempt))
        ).pipe(
          Effect.tapError((e) => (tries > 1 ? Effect.logWarning(`IB: reconnect failed: ${e.message}`) : Effect.void)),
          Effect.retry(config.reconnect),
          Effect.option
        )
        if (Option.isNone(next)) {
          yield* SubscriptionRef.set(state, "Disconnected")
          yield* Effect.logError(`IB: gave up reconnecting to ${IbConfig.describe(config)}`)
          return
        }
        yield* publish({ _tag: "ReconcileNeeded", reason: "reconnected after the socket dropped" })
        yield* keep(next.value)
      })

    yield* Effect.forkScoped(keep(initial))
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        try {
          current?.disconnect()
        } catch {
          // already closed
        }
        current = undefined
      }).pipe(Effect.andThen(SubscriptionRef.set(state, "Disconnected")))
    )
    return connection
  })
