/**
 * Test harness for the TWS simulator server: the server in front of the simulated broker on the live clock (short
 * latencies), real @stoqey/ib 1.6.10 clients (IBApi with every event recorded, IBApiNext), and a raw socket client
 * for malformed input. Every client records `error` and `info` events; {@link assertNo505} fails a test when the
 * client ever reported a field-count mismatch (505).
 * @module
 */
import { MarketData } from "@spreads/application"
import { Contract, Price, Values } from "@spreads/domain"
import { SimBroker, SimControl } from "@spreads/sim"
import {
  type CommissionReport,
  type Contract as IbContract,
  type ContractDetails,
  EventName,
  type Execution,
  IBApi,
  IBApiNext,
  OptionType,
  OrderAction,
  type Order as IbOrder,
  OrderType,
  SecType
} from "@stoqey/ib"
import { Clock, Context, Effect, Exit, Layer, Logger, ManagedRuntime, Scope } from "effect"
import * as net from "node:net"
import { assert } from "vitest"
import * as TwsServer from "../../adapters/tws/src/TwsServer.ts"
import { Frame, Incoming } from "../../adapters/tws/src/wire/index.ts"
import type { WireFields } from "../../adapters/tws/src/wire/Values.ts"

/** Polls `probe` until it returns a value (fails after `timeoutMs`). */
export const until = async <A>(probe: () => A | undefined, timeoutMs = 5_000, what = "condition"): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(5)
  }
}

/** Real-time pause (tests run the simulator on the live clock). */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Fast simulator settings: an open market, tens of milliseconds of latency, whole fills. */
export const FAST_SIM: SimBroker.SimConfigInput = {
  seed: 7,
  ackMs: 15,
  fillMs: 30,
  cancelMs: 40,
  modifyMs: 30,
  evaluationIntervalMs: 40,
  partialFills: false,
  restingFillProbability: 0,
  priceMotion: 0
}

/** A log line the server wrote. */
export interface LogLine {
  readonly level: string
  readonly text: string
}

/** A running server with its simulator. */
export interface ServerHandle {
  readonly server: TwsServer.TwsServer
  readonly port: number
  readonly logs: Array<LogLine>
  /** Runs an effect against the simulator's services (SimControl, MarketData, Broker). */
  readonly run: <A, E>(effect: Effect.Effect<A, E, SimBroker.Services | TwsServer.Service>) => Promise<A>
  readonly close: () => Promise<void>
}

/** The live clock moved so that it reads `startAt` now (real time still passes; sleeps are real). */
const shiftedClock = (startAt: number): Layer.Layer<never> =>
  Layer.effectContext(
    Effect.map(Effect.service(Clock.Clock), (base) => {
      const offset = startAt - base.currentTimeMillisUnsafe()
      const clock: Clock.Clock = {
        currentTimeMillisUnsafe: () => base.currentTimeMillisUnsafe() + offset,
        currentTimeMillis: Effect.sync(() => base.currentTimeMillisUnsafe() + offset),
        currentTimeNanosUnsafe: () => base.currentTimeNanosUnsafe() + BigInt(offset) * 1_000_000n,
        currentTimeNanos: Effect.sync(() => base.currentTimeNanosUnsafe() + BigInt(offset) * 1_000_000n),
        monotonicTimeNanosUnsafe: () => base.monotonicTimeNanosUnsafe(),
        monotonicTimeNanos: base.monotonicTimeNanos,
        sleep: (d) => base.sleep(d)
      }
      return Context.make(Clock.Clock, clock) as Context.Context<never>
    })
  )

/** Starts a server on an OS-chosen port in front of a fresh simulator (the clock reading `startAt` if given). */
export const startServer = async (
  options: {
    readonly sim?: SimBroker.SimConfigInput
    readonly server?: TwsServer.Config
    readonly startAt?: number
    /** Hide SimControl from the server (it then fronts a plain Broker + MarketData). */
    readonly withoutSimControl?: boolean
  } = {}
): Promise<ServerHandle> => {
  const logs: Array<LogLine> = []
  const capture = Logger.make((o) => {
    const parts = Array.isArray(o.message) ? o.message : [o.message]
    logs.push({ level: o.logLevel, text: parts.map((p) => (typeof p === "string" ? p : String(p))).join(" ") })
  })
  const simConfig = { ...FAST_SIM, ...options.sim }
  const sim =
    options.withoutSimControl === true
      ? Layer.effectContext(Effect.map(Effect.orDie(SimBroker.make(simConfig)), Context.omit(SimControl.SimControl)))
      : SimBroker.layer(simConfig)
  const server = TwsServer.layer({ port: 0, ...options.server })
  const layer = server.pipe(
    Layer.provideMerge(sim),
    Layer.provideMerge(Logger.layer([capture])),
    Layer.provide(options.startAt === undefined ? Layer.empty : shiftedClock(options.startAt))
  )
  const runtime = ManagedRuntime.make(
    layer as Layer.Layer<SimBroker.Services | TwsServer.Service, TwsServer.TwsServerError>
  )
  const running = await runtime.runPromise(Effect.service(TwsServer.Service))
  return {
    server: running,
    port: running.port,
    logs,
    run: (effect) => runtime.runPromise(effect),
    close: () => runtime.dispose()
  }
}

/** A server that can be stopped and started again (same port) in front of the same simulator. */
export interface RestartableHandle {
  readonly port: number
  readonly logs: Array<LogLine>
  /** The server running now (another one after each {@link restart}). */
  readonly server: () => TwsServer.TwsServer
  /** Runs an effect against the simulator's services (SimControl, MarketData, Broker). */
  readonly run: <A, E>(effect: Effect.Effect<A, E, SimBroker.Services>) => Promise<A>
  /**
   * Stops the server (every connection closes), runs `whileDown` (if given), waits `downMs`, starts a new one on
   * the same port.
   */
  readonly restart: (downMs?: number, whileDown?: () => Promise<void>) => Promise<void>
  /** Starts a second server (OS-chosen port) in front of the same simulator while the first runs. */
  readonly another: (config?: TwsServer.Config) => Promise<TwsServer.TwsServer>
  readonly close: () => Promise<void>
}

/** Starts a restartable server in front of a fresh simulator (see {@link RestartableHandle}). */
export const startRestartable = async (
  options: { readonly sim?: SimBroker.SimConfigInput; readonly server?: TwsServer.Config } = {}
): Promise<RestartableHandle> => {
  const logs: Array<LogLine> = []
  const capture = Logger.make((o) => {
    const parts = Array.isArray(o.message) ? o.message : [o.message]
    logs.push({ level: o.logLevel, text: parts.map((p) => (typeof p === "string" ? p : String(p))).join(" ") })
  })
  const runtime = ManagedRuntime.make(
    SimBroker.layer({ ...FAST_SIM, ...options.sim }).pipe(Layer.provideMerge(Logger.layer([capture])))
  )
  const scopes: Array<Scope.Closeable> = []
  const launch = async (config: TwsServer.Config) => {
    const scope = await runtime.runPromise(Scope.make())
    scopes.push(scope)
    const server = await runtime.runPromise(TwsServer.make(config).pipe(Scope.provide(scope), Effect.orDie))
    return { server, scope }
  }
  let current = await launch({ ...options.server, port: 0 })
  const port = current.server.port
  return {
    port,
    logs,
    server: () => current.server,
    run: (effect) => runtime.runPromise(effect),
    restart: async (downMs = 100, whileDown) => {
      await runtime.runPromise(Scope.close(current.scope, Exit.void))
      await whileDown?.()
      await sleep(downMs)
      current = await launch({ ...options.server, port })
    },
    another: async (config = {}) => (await launch({ ...options.server, ...config, port: 0 })).server,
    close: async () => {
      for (const scope of scopes.splice(0).reverse()) await runtime.runPromise(Scope.close(scope, Exit.void))
      await runtime.dispose()
    }
  }
}

/** An `error` event of a client. */
export interface ClientError {
  readonly message: string
  readonly code: number
  readonly reqId: number
}

interface Emitter {
  on(event: string, listener: (...args: Array<unknown>) => void): unknown
  removeAllListeners(): unknown
}

/** A connected IBApi that records its events. */
export interface Client {
  readonly api: IBApi
  readonly clientId: number
  readonly nextValidId: () => number
  readonly errors: Array<ClientError>
  readonly infos: Array<{ readonly message: string; readonly code: number }>
  /** Every emission of `event` from now on (arguments). */
  readonly collect: (event: EventName) => Array<ReadonlyArray<unknown>>
  /** Waits for an error with `code` (and `reqId` if given). */
  readonly error: (code: number, reqId?: number, timeoutMs?: number) => Promise<ClientError>
  /** Waits for an info (id -1) with `code`. */
  readonly info: (code: number, timeoutMs?: number) => Promise<{ readonly message: string; readonly code: number }>
  readonly disconnected: () => boolean
  readonly close: () => void
}

/** Connects an IBApi with `clientId` and waits for its nextValidId (unless `wait` is false). */
export const connect = async (
  port: number,
  clientId: number,
  options: { readonly wait?: boolean; readonly maxReqPerSec?: number } = {}
): Promise<Client> => {
  const api = new IBApi({
    host: "127.0.0.1",
    port,
    ...(options.maxReqPerSec === undefined ? {} : { maxReqPerSec: options.maxReqPerSec })
  })
  const emitter = api as unknown as Emitter
  const errors: Array<ClientError> = []
  const infos: Array<{ readonly message: string; readonly code: number }> = []
  let nextId = -1
  let down = false
  emitter.on(EventName.error, (error, code, reqId) => {
    errors.push({
      message: error instanceof Error ? error.message : String(error),
      code: Number(code),
      reqId: Number(reqId)
    })
  })
  emitter.on(EventName.info, (message, code) => infos.push({ message: String(message), code: Number(code) }))
  emitter.on(EventName.nextValidId, (id) => (nextId = Number(id)))
  emitter.on(EventName.disconnected, () => (down = true))
  const collect = (event: EventName) => {
    const seen: Array<ReadonlyArray<unknown>> = []
    emitter.on(event, (...args: Array<unknown>) => seen.push(args))
    return seen
  }
  api.connect(clientId)
  if (options.wait !== false) await until(() => nextId > 0, 5_000, `nextValidId of client ${clientId}`)
  return {
    api,
    clientId,
    nextValidId: () => nextId,
    errors,
    infos,
    collect,
    error: (code, reqId, timeoutMs = 5_000) =>
      until(
        () => errors.find((e) => e.code === code && (reqId === undefined || e.reqId === reqId)),
        timeoutMs,
        `error ${code}`
      ),
    info: (code, timeoutMs = 5_000) => until(() => infos.find((i) => i.code === code), timeoutMs, `info ${code}`),
    disconnected: () => down,
    close: () => {
      api.disconnect()
      emitter.removeAllListeners()
    }
  }
}

/** Fails when a client ever reported 505 (its decoder found a message too short or too long). */
export const assertNo505 = (
  ...clients: ReadonlyArray<{
    readonly errors: ReadonlyArray<ClientError>
    readonly infos: ReadonlyArray<{ readonly code: number }>
  }>
) => {
  for (const c of clients) {
    const bad = c.errors.filter((e) => e.code === 505)
    assert.deepStrictEqual(bad, [], "the client reported error 505 (message layout mismatch)")
    assert.isFalse(
      c.infos.some((i) => i.code === 505),
      "the client reported info 505"
    )
  }
}

/** Connects an IBApiNext with a fixed clientId and waits until it is connected and has an order id. */
export const connectNext = async (port: number, clientId: number) => {
  const next = new IBApiNext({ host: "127.0.0.1", port, reconnectInterval: 0 })
  const errors: Array<ClientError> = []
  const infos: Array<{ readonly message: string; readonly code: number }> = []
  const subscription = next.error.subscribe((e) => {
    const code = Number(e.code)
    const entry = { message: e.error.message, code, reqId: Number(e.reqId) }
    if (entry.reqId === -1) infos.push(entry)
    else errors.push(entry)
  })
  next.connect(clientId)
  await until(() => next.isConnected, 5_000, "IBApiNext connected")
  return {
    next,
    errors,
    infos,
    close: () => {
      subscription.unsubscribe()
      next.disconnect()
    }
  }
}

/** An option listed by the simulator: an expiry about a month out and strikes around the spot. */
export const listed = async (
  h: { readonly run: <A, E>(effect: Effect.Effect<A, E, SimBroker.Services>) => Promise<A> },
  symbol = "SPY"
) => {
  const chain = await h.run(
    Effect.flatMap(Effect.service(MarketData), (md) => md.chain(Values.make.underlying(symbol)))
  )
  const spot = await h.run(
    Effect.flatMap(Effect.service(MarketData), (md) => md.underlyingPrice(Values.make.underlying(symbol)))
  )
  const expiry = chain.expiries.find((e) => Contract.daysToExpiry(e, "2026-11-30") >= 20) ?? chain.expiries[0]!
  const full = await h.run(
    Effect.flatMap(Effect.service(MarketData), (md) => md.chain(Values.make.underlying(symbol), expiry))
  )
  const spotN = Number(Price.format(spot))
  const strikes = full.strikes.map((s) => Number(Price.format(s)))
  const atm = strikes.reduce((best, s) => (Math.abs(s - spotN) < Math.abs(best - spotN) ? s : best), strikes[0]!)
  const at = (offset: number): number => strikes[strikes.indexOf(atm) + offset]!
  return { symbol, expiry: Contract.toIbExpiry(expiry), spot: spotN, atm, at }
}

/** The simulator's control surface. */
export const simControl = (h: ServerHandle) => h.run(Effect.service(SimControl.SimControl))

/** A raw TCP client that speaks the framing by hand (for malformed input). */
export interface RawClient {
  readonly messages: Array<ReadonlyArray<string>>
  readonly send: (fields: WireFields) => void
  readonly sendRaw: (bytes: Buffer) => void
  readonly closed: () => boolean
  /** Waits for a message with id `msgId` (and a predicate), from index `from` on. */
  readonly next: (
    msgId: number,
    predicate?: (m: ReadonlyArray<string>) => boolean,
    from?: number
  ) => Promise<ReadonlyArray<string>>
  readonly close: () => void
}

/** Connects a raw client, sends the greeting and (unless `clientId` is undefined) START_API. */
export const connectRaw = async (port: number, clientId: number | undefined): Promise<RawClient> => {
  const socket = net.connect(port, "127.0.0.1")
  const reader = new Frame.FrameReader({ greeting: false })
  const messages: Array<ReadonlyArray<string>> = []
  let isClosed = false
  socket.on("data", (chunk: Buffer) => {
    for (const e of reader.feed(chunk)) if (e._tag === "Message") messages.push(e.fields)
  })
  socket.on("close", () => (isClosed = true))
  socket.on("error", () => undefined)
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()))
  socket.write(Frame.encodeGreeting(100, 193))
  await until(() => messages.length > 0, 5_000, "server hello")
  if (clientId !== undefined) {
    socket.write(Frame.encodeFrame([Incoming.OutMsgId.START_API, 2, clientId, ""]))
    await until(() => messages.some((m) => m[0] === "9"), 5_000, "NEXT_VALID_ID")
  }
  return {
    messages,
    send: (fields) => void socket.write(Frame.encodeFrame(fields)),
    sendRaw: (bytes) => void socket.write(bytes),
    closed: () => isClosed,
    next: (msgId, predicate = () => true, from = 0) =>
      until(() => messages.slice(from).find((m) => m[0] === String(msgId) && predicate(m)), 5_000, `message ${msgId}`),
    close: () => void socket.destroy()
  }
}

/** An OPT contract as a client names it. */
export const option = (symbol: string, expiry: string, strike: number, right: "C" | "P"): IbContract => ({
  symbol,
  secType: SecType.OPT,
  lastTradeDateOrContractMonth: expiry,
  strike,
  right: right === "C" ? OptionType.Call : OptionType.Put,
  exchange: "SMART",
  currency: "USD",
  multiplier: 100
})

let reqIds = 100
/** A request id that does not collide across tests. */
export const reqId = (): number => ++reqIds

/** Qualifies options with REQ_CONTRACT_DATA; resolves their conIds in order. */
export const qualify = async (c: Client, contracts: ReadonlyArray<IbContract>): Promise<ReadonlyArray<number>> => {
  const details = c.collect(EventName.contractDetails)
  const ends = c.collect(EventName.contractDetailsEnd)
  const ids = contracts.map(() => reqId())
  contracts.forEach((contract, i) => c.api.reqContractDetails(ids[i]!, contract))
  await until(() => ids.every((id) => ends.some((e) => e[0] === id)), 5_000, "contract details")
  return ids.map((id) => {
    const d = details.find((x) => x[0] === id)
    return (d?.[1] as ContractDetails).contract.conId!
  })
}

/** A BAG on `symbol` with legs (conId, ratio, action). */
export const bag = (symbol: string, legs: ReadonlyArray<readonly [number, number, "BUY" | "SELL"]>): IbContract => ({
  symbol,
  secType: SecType.BAG,
  exchange: "SMART",
  currency: "USD",
  comboLegs: legs.map(([conId, ratio, action]) => ({
    conId,
    ratio,
    action: action === "BUY" ? OrderAction.BUY : OrderAction.SELL,
    exchange: "SMART"
  }))
})

/** A combo order: MKT when `lmtPrice` is undefined, LMT otherwise. */
export const order = (
  action: "BUY" | "SELL",
  totalQuantity: number,
  lmtPrice?: number,
  extra: Partial<IbOrder> = {}
): IbOrder => ({
  action: action === "BUY" ? OrderAction.BUY : OrderAction.SELL,
  totalQuantity,
  orderType: lmtPrice === undefined ? OrderType.MKT : OrderType.LMT,
  ...(lmtPrice === undefined ? {} : { lmtPrice }),
  tif: "DAY",
  transmit: true,
  ...extra
})

/** One ORDER_STATUS as the client decoded it. */
export interface StatusEvent {
  readonly orderId: number
  readonly status: string
  readonly filled: number
  readonly remaining: number
  readonly avgFillPrice: number
  readonly permId: number
}

/** Everything a client hears about orders. */
export const track = (c: Client) => {
  const statuses = c.collect(EventName.orderStatus)
  const opens = c.collect(EventName.openOrder)
  const execs = c.collect(EventName.execDetails)
  const commissions = c.collect(EventName.commissionReport)
  const status = (id: number): ReadonlyArray<StatusEvent> =>
    statuses
      .filter((s) => s[0] === id)
      .map((s) => ({
        orderId: Number(s[0]),
        status: String(s[1]),
        filled: Number(s[2]),
        remaining: Number(s[3]),
        avgFillPrice: Number(s[4]),
        permId: Number(s[5])
      }))
  const executions = (id: number) =>
    execs
      .filter((e) => (e[2] as Execution).orderId === id)
      .map((e) => ({ reqId: Number(e[0]), contract: e[1] as IbContract, execution: e[2] as Execution }))
  const openOrders = (id: number) =>
    opens
      .filter((o) => o[0] === id)
      .map((o) => ({ contract: o[1] as IbContract, order: o[2] as IbOrder, state: o[3] as { status?: string } }))
  return {
    statuses,
    opens,
    execs,
    commissions,
    status,
    executions,
    openOrders,
    /** Waits for a status of order `id` (optionally with that many filled). */
    until: (id: number, wanted: string, filled?: number, timeoutMs = 5_000) =>
      until(
        () => status(id).find((s) => s.status === wanted && (filled === undefined || s.filled === filled)),
        timeoutMs,
        `order ${id} ${wanted}`
      ),
    commissionFor: (execId: string) => commissions.map((x) => x[0] as CommissionReport).find((r) => r.execId === execId)
  }
}
