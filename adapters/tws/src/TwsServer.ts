/**
 * A TCP server that speaks the TWS API wire protocol (server version 193) in front of any Broker + MarketData, so
 * that the live IB adapter, or any IB client (@stoqey/ib, IB's own API, ib_async), can connect to it as if it were
 * TWS or IB Gateway.
 *
 * `make` is a scoped resource: the socket listens until the scope closes, then every connection is closed. What the
 * server knows about orders, order ids and contracts is kept in a {@link ServerMemory} that outlives the socket: a
 * server started again in front of the same Broker (same service instance) takes it over, catches up with what
 * the broker did meanwhile, and so knows every order (ids, permIds, owning clientId, executions) and every conId
 * the servers before it handed out, as a real TWS does across client reconnects. Finished orders are kept up to
 * {@link Config.maxFinishedOrders}, oldest evicted first, so a long run holds a bounded number of orders. Time
 * comes from Effect's Clock (server hello, CURRENT_TIME, pacing windows, market-data intervals, quirk timers).
 * Binds 127.0.0.1 by default; any other host is logged as a warning, since the server trades for whoever connects.
 * @module
 */
import { Broker, type BrokerEvent, MarketData } from "@spreads/application"
import { Masking, Price } from "@spreads/domain"
import { SimControl } from "@spreads/sim"
import { BigDecimal, Clock, Context, Effect, Fiber, FiberSet, Layer, Option, Schema, type Scope, Stream } from "effect"
import * as net from "node:net"
import { applyBrokerEvent } from "./BrokerEvents.ts"
import { Clients } from "./Clients.ts"
import { MarketDataFeed } from "./MarketDataFeed.ts"
import { OrderRouter } from "./OrderRouter.ts"
import { DEFAULT_MAX_FINISHED_ORDERS, OrderState } from "./OrderState.ts"
import * as Quirks from "./Quirks.ts"
import { catchUp, ServerMemory } from "./ServerMemory.ts"
import { serve } from "./Session.ts"
import { errorMessage } from "./wire/Outgoing.ts"

export { type Quirks as QuirkSettings, type QuirksInput } from "./Quirks.ts"

/** Settings of a server. Every field has a default. */
export interface Config {
  /** Interface to bind, default "127.0.0.1". Anything else is logged as a warning. */
  readonly host?: string
  /** Port, default 4002 (IB Gateway paper). 0 lets the OS choose (see {@link TwsServer.port}). */
  readonly port?: number
  /** Accounts announced in MANAGED_ACCTS; the first is every order's default. Default ["DU1234567"]. */
  readonly accounts?: ReadonlyArray<string>
  /** IB's quirks to reproduce (all off by default); changeable at runtime with {@link TwsServer.setQuirks}. */
  readonly quirks?: Quirks.QuirksInput
  /** Lowest order id handed out, default 1000 (well above IBApiNext's request ids, which share the space). */
  readonly firstOrderId?: number
  /** Ids reserved for a client at each connect, so concurrent clients do not collide. Default 1000. */
  readonly idBlockSize?: number
  /** First permId assigned. Default 1_800_000_001. */
  readonly firstPermId?: number
  /**
   * Finished orders (Filled, Cancelled, ApiCancelled, Inactive) kept for REQ_COMPLETED_ORDERS, REQ_EXECUTIONS and
   * late requests; beyond it the oldest finished order is forgotten with its executions. Open orders are always
   * kept. Default 10,000.
   */
  readonly maxFinishedOrders?: number
  /** Pacing: at most `limit` messages per `windowMs` per client (TWS: 50 per second). */
  readonly pacing?: { readonly limit?: number; readonly windowMs?: number }
  /** Market data streams re-quote every this many ms of Clock time. Default 1000. */
  readonly marketDataIntervalMs?: number
  /** Net-price increment of combos, default 0.01. */
  readonly comboTick?: number
}

/** One live connection, as {@link TwsServer.connections} lists it. */
export interface ConnectionInfo {
  readonly connection: number
  readonly clientId: number | undefined
  readonly remote: string
}

/** A running server. */
export interface TwsServer {
  /** The port it listens on (the OS's choice when configured with 0). */
  readonly port: number
  /** "host:port". */
  readonly address: string
  /** Live connections. */
  readonly connections: Effect.Effect<ReadonlyArray<ConnectionInfo>>
  /** The quirks in force. */
  readonly quirks: Effect.Effect<Quirks.Quirks>
  /** Changes quirks now (keys not given keep their value; `{ connectivity: undefined }` stops the windows). */
  readonly setQuirks: (input: Quirks.QuirksInput) => Effect.Effect<void>
  /**
   * One connectivity window now: 1100 to every client, then after `lengthMs` 1101 (`DataLost`: market data
   * streams are dropped) or 1102. Order messages are held meanwhile and delivered after the notice.
   */
  readonly connectivityWindow: (options: {
    readonly lengthMs: number
    readonly restore: "DataLost" | "DataMaintained"
  }) => Effect.Effect<void>
  /** Closes the socket of `clientId` (or of every client when undefined), as a dropped connection. */
  readonly dropConnection: (clientId?: number) => Effect.Effect<void>
  /** Stops listening and closes every connection (also done when the scope closes). */
  readonly close: Effect.Effect<void>
}

/** Why a server could not start: its port could not be bound, or its settings are invalid. */
export class TwsServerError extends Schema.TaggedError<TwsServerError>()("TwsServerError", {
  reason: Schema.Literals(["Bind", "Config"]),
  message: Schema.String
}) {}

/** The service tag of a running server (provided by {@link layer}). */
export class Service extends Context.Service<Service, TwsServer>()("@spreads/tws/TwsServer") {}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"])

const listen = (host: string, port: number, onSocket: (s: net.Socket) => void) =>
  Effect.acquireRelease(
    Effect.callback<net.Server, TwsServerError>((resume) => {
      const server = net.createServer(onSocket)
      server.once("error", (e) =>
        resume(
          Effect.fail(
            new TwsServerError({
              reason: "Bind",
              message: `cannot listen on ${host}:${port}: ${e.message}; is a TWS, a gateway or another simulator using it? Pick another port.`
            })
          )
        )
      )
      server.listen(port, host, () => resume(Effect.succeed(server)))
    }),
    (server) => Effect.callback<void>((resume) => void server.close(() => resume(Effect.void)))
  )

/** Error 1100 / 1101 / 1102 texts. */
const CONNECTIVITY = {
  lost: [1100, "Connectivity between IB and Trader Workstation has been lost."],
  DataLost: [1101, "Connectivity between IB and TWS has been restored- data lost.*"],
  DataMaintained: [1102, "Connectivity between IB and Trader Workstation has been restored - data maintained."]
} as const

/** One log line for the events that end or fill an order of this server. */
const logOrderEvent = (orders: OrderState, accounts: ReadonlyArray<string>, e: BrokerEvent): Effect.Effect<void> => {
  // Rejection and cancel reasons can quote the account.
  const maskAccounts = (text: string) => Masking.maskAccounts(text, accounts)
  const r = orders.records.get(e.orderId)
  if (r === undefined) return Effect.void
  const who = `order ${e.orderId} (client ${r.clientId})`
  switch (e.event._tag) {
    case "Filled":
      return Effect.logInfo(
        `${who} filled ${e.event.quantity} at ${Price.formatNet(e.event.price)} (${r.filled}/${r.order.totalQuantity})`
      )
    case "Cancelled":
      return Effect.logInfo(`${who} cancelled${e.event.reason === "" ? "" : `: ${maskAccounts(e.event.reason)}`}`)
    case "Rejected":
    case "Inactive":
      return Effect.logInfo(`${who} rejected (${e.event.code}): ${maskAccounts(e.event.reason)}`)
    case "Modified":
      return Effect.logInfo(`${who} modified`)
    default:
      return Effect.void
  }
}

/**
 * Starts a server in front of the Broker and MarketData of the environment. When SimControl is present too, the
 * `fillsDuringPendingCancel` quirk uses it (the simulator's own fault); otherwise cancels are held back instead.
 * Fails when the port cannot be bound.
 */
export const make = (
  config: Config = {}
): Effect.Effect<TwsServer, TwsServerError, Broker | MarketData | Scope.Scope> =>
  Effect.gen(function* () {
    const broker = yield* Broker
    const md = yield* MarketData
    const sim = Option.getOrUndefined(yield* Effect.serviceOption(SimControl.SimControl))
    const clock = yield* Clock.Clock
    const host = config.host ?? "127.0.0.1"
    const accounts = config.accounts ?? ["DU1234567"]
    let quirks = Quirks.merge(Quirks.none, config.quirks ?? {})
    const bad = Quirks.problems(quirks)
    if (bad.length > 0)
      return yield* new TwsServerError({ reason: "Config", message: `invalid quirks: ${bad.join("; ")}` })
    if (!LOOPBACK.has(host)) {
      yield* Effect.logWarning(
        `TWS simulator binding ${host}: anyone who can reach this address can trade on it; use 127.0.0.1 unless you mean it`
      )
    }

    const runFork = yield* FiberSet.makeRuntime<never, unknown, unknown>()
    const fork = (effect: Effect.Effect<void>): Fiber.Fiber<void> => runFork(effect) as Fiber.Fiber<void>
    const maxFinished = config.maxFinishedOrders ?? DEFAULT_MAX_FINISHED_ORDERS
    if (!Number.isInteger(maxFinished) || maxFinished < 0) {
      return yield* new TwsServerError({
        reason: "Config",
        message: `maxFinishedOrders must be a whole number >= 0, got ${maxFinished}`
      })
    }
    const clients = new Clients()
    const lease = yield* Effect.acquireRelease(
      Effect.sync(() =>
        ServerMemory.lease(broker, {
          firstOrderId: config.firstOrderId ?? 1000,
          idBlockSize: config.idBlockSize ?? 1000,
          firstPermId: config.firstPermId ?? 1_800_000_001,
          maxFinishedOrders: maxFinished
        })
      ),
      (l) => Effect.sync(l.release)
    )
    const { book, ids } = lease.memory
    const orders = new OrderState(lease.memory.store, clients, () => quirks)
    const now = () => clock.currentTimeMillisUnsafe()
    let down = false
    const router = new OrderRouter({
      broker,
      sim,
      orders,
      ids,
      book,
      account: accounts[0] ?? "",
      comboTick: Price.dec(config.comboTick ?? 0.01),
      askOf: (c) =>
        Effect.orElseSucceed(
          Effect.map(md.quote(c), (q) => BigDecimal.toNumberUnsafe(q.ask)),
          () => undefined
        ),
      accounts,
      now,
      fork: (e) => void fork(e)
    })
    const feed = new MarketDataFeed({
      md,
      book,
      intervalMs: config.marketDataIntervalMs ?? 1000,
      fork,
      paused: () => down
    })

    // Subscribe to the broker's events before the first client can place anything.
    const eventContext = { orders, book, account: accounts[0] ?? "", now }
    yield* Effect.forkScoped(
      Stream.runForEach(broker.events, (e) =>
        Effect.sync(() => applyBrokerEvent(eventContext, e)).pipe(
          Effect.andThen(logOrderEvent(orders, accounts, e)),
          Effect.catchCause((cause) => Effect.logError(`broker event for order ${e.orderId} failed`, cause))
        )
      )
    )
    yield* Effect.yieldNow

    // What the broker already knows: its order ids are used, and a memory taken over from an earlier server
    // catches up with what happened while no server listened (the subscription above sees what follows).
    const view = yield* Effect.orElseSucceed(
      Effect.map(
        Effect.all([
          broker.openOrders,
          broker.completedOrders,
          lease.restored ? broker.executions : Effect.succeed([])
        ]),
        ([open, completed, executions]) => ({ snapshots: [...open, ...completed], executions })
      ),
      () => ({ snapshots: [], executions: [] })
    )
    ids.seed(view.snapshots.map((o) => o.orderId))
    const caught = catchUp(eventContext, view)
    if (lease.restored) {
      yield* Effect.logInfo(
        `TWS simulator resumed with ${caught.orders} order(s) of the previous server; caught up with ${caught.executions} execution(s) and ${caught.statuses} status change(s)`
      )
    }

    let connectionCount = 0
    const deps = {
      clients,
      ids,
      router,
      feed,
      book,
      md,
      accounts,
      clock,
      pacing: { limit: config.pacing?.limit ?? 50, windowMs: config.pacing?.windowMs ?? 1000 },
      connectivityDown: () => down
    }
    const server = yield* listen(host, config.port ?? 4002, (socket) => {
      socket.setNoDelay(true)
      const n = ++connectionCount
      fork(serve(socket, n, deps).pipe(Effect.onExit(() => Effect.sync(() => socket.destroy()))))
    })
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : (config.port ?? 4002)
    yield* Effect.logInfo(`TWS simulator listening on ${host}:${port} (server version 193)`)
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        for (const p of clients.all()) p.close()
      }).pipe(Effect.andThen(Effect.logInfo(`TWS simulator on ${host}:${port} stopped`)))
    )

    const started = () => clients.started()
    let brokerUp = true
    const notify = (code: number, text: string) => {
      for (const p of started()) p.send(errorMessage({ id: -1, code, message: text }))
    }
    // The broker's own connection mirrors TWS's link to IB: losing it is 1100, getting it back 1102 (a broker
    // that reconnects replays what it missed, so data is maintained).
    yield* Effect.forkScoped(
      Stream.runForEach(Stream.changes(broker.connectionChanges), (state) =>
        Effect.suspend(() => {
          const up = state === "Connected"
          if (up === brokerUp) return Effect.void
          brokerUp = up
          if (up) notify(CONNECTIVITY.DataMaintained[0], CONNECTIVITY.DataMaintained[1])
          else notify(CONNECTIVITY.lost[0], CONNECTIVITY.lost[1])
          return Effect.logWarning(`the broker is ${state}: ${up ? "1102" : "1100"} sent to every client`)
        })
      )
    )

    const connectivityWindow = (options: {
      readonly lengthMs: number
      readonly restore: "DataLost" | "DataMaintained"
    }) =>
      Effect.gen(function* () {
        if (down) return
        down = true
        notify(CONNECTIVITY.lost[0], CONNECTIVITY.lost[1])
        yield* Effect.logWarning(`connectivity window: 1100, restoring in ${options.lengthMs} ms (${options.restore})`)
        yield* Effect.sleep(options.lengthMs)
        notify(CONNECTIVITY[options.restore][0], CONNECTIVITY[options.restore][1])
        if (options.restore === "DataLost") feed.dropAll()
        down = false
        for (const p of started()) p.resume()
      }).pipe(Effect.ensuring(Effect.sync(() => void (down = false))))

    const dropConnection = (clientId?: number) =>
      Effect.gen(function* () {
        const victims = clientId === undefined ? started() : started().filter((p) => p.clientId === clientId)
        for (const p of victims) p.close()
        if (victims.length > 0) yield* Effect.logWarning(`dropped ${victims.length} connection(s)`)
      })

    // The schedules of the periodic quirks run in one fiber each, restarted whenever the quirks change.
    let schedules: ReadonlyArray<Fiber.Fiber<void>> = []
    const restartSchedules = () => {
      for (const f of schedules) f.interruptUnsafe()
      const out: Array<Fiber.Fiber<void>> = []
      const c = quirks.connectivity
      if (c !== undefined) {
        const gap = c.everyMs - c.lengthMs
        out.push(fork(Effect.forever(Effect.sleep(gap).pipe(Effect.andThen(connectivityWindow(c))))))
      }
      const d = quirks.dropConnections
      if (d !== undefined) {
        out.push(
          fork(
            Effect.forever(
              Effect.sleep(d.everyMs).pipe(
                Effect.andThen(Effect.suspend(() => dropConnection(started()[0]?.clientId ?? -1)))
              )
            )
          )
        )
      }
      schedules = out
    }
    // The simulator's own fault is only touched when the quirk is named, so a simulator configured with it keeps it.
    const applySimFaults = (input: Quirks.QuirksInput) =>
      sim === undefined || input.fillsDuringPendingCancel === undefined
        ? Effect.void
        : sim.setFaults({ fillDuringPendingCancel: input.fillsDuringPendingCancel })
    restartSchedules()
    yield* applySimFaults(config.quirks ?? {})

    const setQuirks = (input: Quirks.QuirksInput) =>
      Effect.gen(function* () {
        const next = Quirks.merge(quirks, input)
        const problems = Quirks.problems(next)
        if (problems.length > 0) return yield* Effect.die(new Error(`invalid quirks: ${problems.join("; ")}`))
        quirks = next
        restartSchedules()
        yield* applySimFaults(input)
        yield* Effect.logInfo(`quirks: ${JSON.stringify(quirks)}`)
      })

    const close = Effect.sync(() => {
      for (const f of schedules) f.interruptUnsafe()
      for (const p of clients.all()) p.close()
      server.close()
    })

    return {
      port,
      address: `${host}:${port}`,
      connections: Effect.sync(() =>
        clients.all().map((p) => ({ connection: p.connection, clientId: p.clientId, remote: p.remote }))
      ),
      quirks: Effect.sync(() => quirks),
      setQuirks,
      connectivityWindow,
      dropConnection,
      close
    } satisfies TwsServer
  })

/** The server as a layer providing {@link Service}; it needs Broker and MarketData (and uses SimControl if present). */
export const layer = (config: Config = {}): Layer.Layer<Service, TwsServerError, Broker | MarketData> =>
  Layer.effect(Service, make(config))
