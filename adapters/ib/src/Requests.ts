/**
 * Request/response over the event hub: subscribe, send, fold the answers until the request's end marker.
 *
 * Every request fails with a BrokerError, never hangs: Timeout after the config's request timeout, NotConnected
 * when the socket drops meanwhile, Protocol when the client reports a message it could not decode (505) while the
 * request waits (its answer may have been that message), and IB's own error for the request id mapped by
 * {@link requestError}.
 * @module
 */
import { BrokerError } from "@spreads/application"
import { IbErrors } from "@spreads/domain"
import type { IBApi } from "@stoqey/ib"
import { Duration, Effect, Option, Stream } from "effect"
import { DECODE_ERROR, type IbConnection } from "./IbConnection.ts"
import type { IbEvent } from "./IbEvent.ts"

/** What a handler says about one event. */
export type Step<A> =
  | { readonly _tag: "Continue" }
  | { readonly _tag: "Done"; readonly value: A }
  | { readonly _tag: "Fail"; readonly error: BrokerError }

/** Keep waiting. */
export const next: Step<never> = { _tag: "Continue" }
/** The answer is complete. */
export const done = <A>(value: A): Step<A> => ({ _tag: "Done", value })
/** The request failed. */
export const fail = (error: BrokerError): Step<never> => ({ _tag: "Fail", error })

/** Codes that never end a request: farm notices, delayed-data notices and warnings. */
const isNotice = (code: number, text: string): boolean =>
  (code >= 2100 && code <= 2999) ||
  code === 399 ||
  code === 10090 ||
  code === 10167 ||
  code === 10168 ||
  text.includes("Warning:")

/** IB's error for a request, as a BrokerError naming `what`; undefined for notices that do not end it. */
export const requestError = (what: string, code: number, text: string): BrokerError | undefined => {
  if (isNotice(code, text)) return undefined
  const reason = ((): BrokerError["reason"] => {
    switch (IbErrors.classifyIbError(code, "none", text)) {
      case "NoSecurityDefinition":
        return "NoSecurityDefinition"
      case "Pacing":
        return "Pacing"
      default:
        return code === 354 || code === 10197 || code === 162 ? "Unavailable" : "Rejected"
    }
  })()
  return new BrokerError({ reason, code, message: `${what}: IB ${code}: ${text}` })
}

/** A request: how to send it under `reqId`, and a handler (with its own state) for the events that answer it. */
export interface RequestSpec<A> {
  /** Names the request in errors: "contract details for leg 1 (AAPL 2026-12-18 210.00 C)". */
  readonly what: string
  /** Sends the request; `reqId` is a fresh request id. */
  readonly send: (api: IBApi, reqId: number) => void
  /** Makes the handler of one run. Called once per run, so it may keep state in its closure. */
  readonly handler: (reqId: number) => (event: IbEvent) => Step<A>
  /**
   * Which id IB's errors for this request carry: the request id (default), an order id (what-if), or none
   * (requests without an id, like reqAllOpenOrders).
   */
  readonly errorsFor?: "request" | "none" | number
  /** Wraps the send, e.g. to take the order-id turn of a what-if. */
  readonly wrapSend?: (send: Effect.Effect<void, BrokerError>) => Effect.Effect<void, BrokerError>
  /**
   * The server may not know this request (TWS answers an unknown message with 505 on id -1): fail it as
   * Unavailable on such a notice instead of waiting for the timeout.
   */
  readonly mayBeUnsupported?: boolean
  /** Sent when the request is abandoned (timeout, interruption), e.g. cancelMktData. */
  readonly cancel?: (api: IBApi, reqId: number) => void
  readonly timeout?: Duration.Input
}

/** Runs a request (see the module's guarantees). */
export const run = <A>(connection: IbConnection, spec: RequestSpec<A>): Effect.Effect<A, BrokerError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const subscription = yield* connection.subscribe
      const reqId = yield* connection.nextRequestId
      const handle = spec.handler(reqId)
      const errorsFor = spec.errorsFor ?? "request"
      const errorId = errorsFor === "request" ? reqId : errorsFor === "none" ? undefined : errorsFor
      const step = (event: IbEvent): Step<A> => {
        if (event._tag === "Disconnected") {
          return fail(
            new BrokerError({
              reason: "NotConnected",
              message: `the connection to TWS dropped while waiting for ${spec.what}; try again once it is back`
            })
          )
        }
        if (event._tag === "Error") {
          if (event.id === -1 && event.code === DECODE_ERROR && event.origin === "client") {
            return fail(
              new BrokerError({
                reason: "Protocol",
                code: DECODE_ERROR,
                message: `a message from TWS could not be read while waiting for ${spec.what}: ${event.message}`
              })
            )
          }
          if (event.id === -1 && event.code === DECODE_ERROR && spec.mayBeUnsupported === true) {
            return fail(
              new BrokerError({
                reason: "Unavailable",
                code: DECODE_ERROR,
                message: `TWS does not support ${spec.what}: ${event.message}`
              })
            )
          }
          if (errorId !== undefined && event.id === errorId) {
            const error = requestError(spec.what, event.code, event.message)
            if (error !== undefined) return fail(error)
          }
        }
        return handle(event)
      }
      const answer: Effect.Effect<Step<A>> = Stream.fromSubscription(subscription).pipe(
        Stream.map(step),
        Stream.filter((s) => s._tag !== "Continue"),
        Stream.runHead,
        Effect.map(
          Option.getOrElse((): Step<A> =>
            fail(
              new BrokerError({
                reason: "NotConnected",
                message: `the connection closed while waiting for ${spec.what}`
              })
            )
          )
        )
      )
      // Subscribed before sending: no answer can slip past.
      const send = connection.send(spec.what, (api) => spec.send(api, reqId))
      yield* spec.wrapSend === undefined ? send : spec.wrapSend(send)
      const timeout = spec.timeout ?? connection.config.requestTimeout
      const result = yield* answer.pipe(
        Effect.timeoutOrElse({
          duration: timeout,
          orElse: () =>
            Effect.succeed<Step<A>>(
              fail(
                new BrokerError({
                  reason: "Timeout",
                  message: `no answer from TWS for ${spec.what} within ${Duration.format(Duration.fromInputUnsafe(timeout))}`
                })
              )
            )
        }),
        Effect.onInterrupt(() => cancel(connection, spec, reqId))
      )
      if (result._tag === "Done") return result.value
      if (result._tag === "Fail") {
        if (result.error.reason === "Timeout") yield* cancel(connection, spec, reqId)
        return yield* result.error
      }
      return yield* new BrokerError({ reason: "Protocol", message: `${spec.what}: unexpected end of the answer` })
    })
  )

const cancel = <A>(connection: IbConnection, spec: RequestSpec<A>, reqId: number) =>
  spec.cancel === undefined
    ? Effect.void
    : connection.send(`cancel of ${spec.what}`, (api) => spec.cancel!(api, reqId)).pipe(Effect.ignore)
