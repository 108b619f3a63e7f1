/**
 * How to reach TWS or IB Gateway, and how politely to talk to it.
 *
 * IB's usual ports: TWS live 7496, TWS paper 7497, IB Gateway live 4001, IB Gateway paper 4002 (the default here, so a
 * forgotten port never lands on a live account by accident). The client id is required and FIXED: @stoqey/ib 1.6.10
 * bumps the id on every reconnect when none is given, which would orphan the orders of the previous session.
 * @module
 */
import { invalid, type ValidationError } from "@spreads/domain"
import { Duration, Result, Schedule } from "effect"

/** IB's well-known API ports. */
export const Ports = {
  twsLive: 7496,
  twsPaper: 7497,
  gatewayLive: 4001,
  gatewayPaper: 4002
} as const

/**
 * When to ask IB for non-guaranteed combo routing (`smartComboRoutingParams` NonGuaranteed=1).
 * - `auto`: only when IB requires it, see ComboBuilder.needsNonGuaranteed.
 * - `always` / `never`: the trader decides.
 */
export type NonGuaranteedPolicy = "auto" | "always" | "never"

/**
 * Where completed orders come from.
 * - `request`: IB's reqCompletedOrders (TWS 976+).
 * - `derive`: from what this session saw (open orders, statuses, executions).
 * - `auto`: request, and derive from then on if the server does not answer.
 */
export type CompletedOrdersSource = "auto" | "request" | "derive"

/** Where the option chain comes from: one contract-details request (works everywhere) or reqSecDefOptParams. */
export type ChainSource = "contractDetails" | "secDefOptParams"

/** The adapter's settings, all filled in. Build it with {@link make}. */
export interface IbConfig {
  readonly _tag: "IbConfig"
  readonly host: string
  readonly port: number
  /** Fixed API client id (0..2147483646). Orders belong to the client id that placed them. */
  readonly clientId: number
  /** Account to place orders in (advisors and multi-account logins need it); omitted otherwise. */
  readonly account?: string
  /** How long connecting (socket + handshake + nextValidId) may take. */
  readonly connectTimeout: Duration.Duration
  /** How long a request (contract details, open orders, executions, a quote snapshot) may take. */
  readonly requestTimeout: Duration.Duration
  /** How long a command waits for the link to come back (reconnecting, or IB degraded by 1100) before failing. */
  readonly commandWait: Duration.Duration
  /** How long a submission waits for lower order ids still being prepared before it goes ahead without them. */
  readonly orderGapTimeout: Duration.Duration
  /** Outgoing messages per second, kept under IB's 50. */
  readonly messagesPerSecond: number
  /** Messages that may go out back to back; with the rate, any one second carries at most burst + rate messages. */
  readonly burst: number
  /** Delays between reconnect attempts after the socket drops. When it ends, the adapter stays disconnected. */
  readonly reconnect: Schedule.Schedule<unknown>
  readonly nonGuaranteed: NonGuaranteedPolicy
  readonly completedOrders: CompletedOrdersSource
  readonly chainSource: ChainSource
  /** IB market data type sent after each connect: 1 live, 2 frozen, 3 delayed, 4 delayed-frozen. Unset: TWS default. */
  readonly marketDataType?: 1 | 2 | 3 | 4
}

/** What a caller gives: the client id, and whatever else differs from the defaults. */
export interface IbConfigInput {
  readonly clientId: number
  readonly host?: string | undefined
  readonly port?: number | undefined
  readonly account?: string | undefined
  readonly connectTimeout?: Duration.Input | undefined
  readonly requestTimeout?: Duration.Input | undefined
  readonly commandWait?: Duration.Input | undefined
  readonly orderGapTimeout?: Duration.Input | undefined
  readonly messagesPerSecond?: number | undefined
  readonly burst?: number | undefined
  readonly reconnect?: Schedule.Schedule<unknown> | undefined
  readonly nonGuaranteed?: NonGuaranteedPolicy | undefined
  readonly completedOrders?: CompletedOrdersSource | undefined
  readonly chainSource?: ChainSource | undefined
  readonly marketDataType?: 1 | 2 | 3 | 4 | undefined
}

/** Exponential backoff from 250 ms, each wait capped at 5 s, forever. */
export const defaultReconnect: Schedule.Schedule<unknown> = Schedule.min([
  Schedule.exponential("250 millis"),
  Schedule.spaced("5 seconds")
])

/**
 * IB's own limit is 50 messages per second, counted when messages ARRIVE. 40 + a burst of 5 sends at most 45 in any
 * one-second window, leaving room for arrival jitter: at 45 + 5 (exactly 50 when sent) a message delayed on the way
 * lets TWS count 51 in one second, refuse it with error 100 and drop it (seen in bursts against the TWS simulator).
 */
export const DEFAULT_MESSAGES_PER_SECOND = 40
/** See {@link DEFAULT_MESSAGES_PER_SECOND}. */
export const DEFAULT_BURST = 5

const duration = (input: Duration.Input | undefined, fallback: Duration.Input): Duration.Duration =>
  Duration.fromInputUnsafe(input ?? fallback)

/**
 * Validates the input and fills in defaults: 127.0.0.1:4002 (IB Gateway paper), 10 s to connect, 15 s per request,
 * 5 s of waiting for the link, 40 messages/s with a burst of 5, exponential reconnect capped at 5 s.
 */
export const make = (input: IbConfigInput): Result.Result<IbConfig, ValidationError> => {
  const { clientId } = input
  if (!Number.isInteger(clientId) || clientId < 0 || clientId >= 2_147_483_647) {
    return Result.fail(invalid("clientId", `expected a whole number from 0 to 2147483646, got ${clientId}`))
  }
  const port = input.port ?? Ports.gatewayPaper
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    return Result.fail(
      invalid("port", `expected a TCP port from 1 to 65535 (TWS 7497/7496, IB Gateway 4002/4001), got ${port}`)
    )
  }
  const rate = input.messagesPerSecond ?? DEFAULT_MESSAGES_PER_SECOND
  if (!(rate > 0 && rate <= 50)) {
    return Result.fail(invalid("messagesPerSecond", `expected more than 0 and at most 50 (IB's limit), got ${rate}`))
  }
  const burst = input.burst ?? DEFAULT_BURST
  if (!Number.isInteger(burst) || burst < 1) {
    return Result.fail(invalid("burst", `expected a whole number of at least 1, got ${burst}`))
  }
  const host = input.host ?? "127.0.0.1"
  if (host.trim() === "") return Result.fail(invalid("host", "expected a host name or address, got nothing"))
  return Result.succeed({
    _tag: "IbConfig",
    host,
    port,
    clientId,
    ...(input.account === undefined || input.account === "" ? {} : { account: input.account }),
    connectTimeout: duration(input.connectTimeout, "10 seconds"),
    requestTimeout: duration(input.requestTimeout, "15 seconds"),
    commandWait: duration(input.commandWait, "5 seconds"),
    orderGapTimeout: duration(input.orderGapTimeout, "2 seconds"),
    messagesPerSecond: rate,
    burst,
    reconnect: input.reconnect ?? defaultReconnect,
    nonGuaranteed: input.nonGuaranteed ?? "auto",
    completedOrders: input.completedOrders ?? "auto",
    chainSource: input.chainSource ?? "contractDetails",
    ...(input.marketDataType === undefined ? {} : { marketDataType: input.marketDataType })
  })
}

/** Like {@link make} for literal settings in code and tests; throws the ValidationError on bad input. */
export const makeUnsafe = (input: IbConfigInput): IbConfig => {
  const r = make(input)
  if (Result.isFailure(r)) throw r.failure
  return r.success
}

/** True for a config built by {@link make} (as opposed to raw input). */
export const isConfig = (u: IbConfig | IbConfigInput): u is IbConfig => (u as Partial<IbConfig>)._tag === "IbConfig"

/** `127.0.0.1:4002 (client id 7)`, for messages. */
export const describe = (c: IbConfig): string => `${c.host}:${c.port} (client id ${c.clientId})`
