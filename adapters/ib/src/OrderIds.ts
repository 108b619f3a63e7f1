/**
 * The one order-id allocator of a connection.
 *
 * Invariants:
 * - An allocated id is above every id seen anywhere: IB's nextValidId, open orders, executions, and ids the caller
 *   reports (a journal after a restart). IB answers 103 to an id at or below the highest it has seen.
 * - Submissions go out strictly in id order: submitting id N waits until every lower id allocated here has been
 *   submitted (or given up on after `gapTimeout`), and an id below the highest already sent is refused before it
 *   reaches IB.
 * - Order ids stay below {@link REQUEST_ID_BASE}; request ids (contract details, market data, executions) are taken
 *   from a separate counter starting there, so an error routed by id can never be mistaken for the other kind.
 *   (IBApiNext starts its request ids at 1, in the order-id space; this adapter does not use IBApiNext.)
 * @module
 */
import { Duration, Effect, Option, Semaphore, Stream, SubscriptionRef } from "effect"
import { BrokerError } from "@spreads/application"

/** Request ids start here and count up; order ids are always below. */
export const REQUEST_ID_BASE = 1_000_000_000
/** Request ids wrap back to the base before IB's "unset" integer (2147483647). */
export const REQUEST_ID_LIMIT = 2_000_000_000

/** True when `id` is a request id of this adapter, not an order id. */
export const isRequestId = (id: number): boolean => id >= REQUEST_ID_BASE

/** What the allocator knows, for inspection. */
export interface OrderIdsState {
  /** The next id to hand out; 0 until IB sent nextValidId. */
  readonly next: number
  /** Allocated and not yet submitted. */
  readonly outstanding: ReadonlyArray<number>
  /** The highest id submitted through {@link OrderIds.submit}; 0 before the first. */
  readonly highestSubmitted: number
}

/** The allocator. */
export interface OrderIds {
  /** IB's nextValidId: ids from here on are free. */
  readonly observeNextValid: (id: number) => Effect.Effect<void>
  /** An id in use somewhere (open order, execution, journal): later allocations go above it. */
  readonly observe: (id: number) => Effect.Effect<void>
  /** A fresh id. Fails with NotConnected until IB has sent its first nextValidId. */
  readonly allocate: Effect.Effect<number, BrokerError>
  /** Runs `send` for order `id` in id order (see the module's invariants). */
  readonly submit: <A, E, R>(id: number, send: Effect.Effect<A, E, R>) => Effect.Effect<A, E | BrokerError, R>
  readonly state: Effect.Effect<OrderIdsState>
}

interface State {
  readonly next: number
  readonly outstanding: ReadonlySet<number>
  readonly highestSubmitted: number
}

/** A fresh allocator; `gapTimeout` bounds the wait for a lower id that is never submitted. */
export const make = (gapTimeout: Duration.Input): Effect.Effect<OrderIds> =>
  Effect.gen(function* () {
    const ref = yield* SubscriptionRef.make<State>({ next: 0, outstanding: new Set(), highestSubmitted: 0 })
    const lock = yield* Semaphore.make(1)

    const raise = (id: number) =>
      SubscriptionRef.update(ref, (s) =>
        Number.isInteger(id) && id > 0 && !isRequestId(id) && id + 1 > s.next ? { ...s, next: id + 1 } : s
      )

    const observeNextValid = (id: number) =>
      SubscriptionRef.update(ref, (s) =>
        Number.isInteger(id) && id > 0 && !isRequestId(id) && id > s.next ? { ...s, next: id } : s
      )

    const allocate = Effect.flatMap(
      SubscriptionRef.modify(ref, (s): [number | undefined, State] => {
        if (s.next === 0) return [undefined, s]
        const id = Math.max(s.next, s.highestSubmitted + 1)
        return [id, { ...s, next: id + 1, outstanding: new Set([...s.outstanding, id]) }]
      }),
      (id) =>
        id === undefined
          ? Effect.fail(
              new BrokerError({
                reason: "NotConnected",
                message: "no order id yet: IB has not sent nextValidId; wait for the connection to finish"
              })
            )
          : id >= REQUEST_ID_BASE
            ? Effect.fail(
                new BrokerError({
                  reason: "Unavailable",
                  message: `order ids reached ${id}, the start of the request-id range; reset the API order id sequence in TWS`
                })
              )
            : Effect.succeed(id)
    )

    const release = (id: number) =>
      SubscriptionRef.update(ref, (s) => {
        const outstanding = new Set(s.outstanding)
        outstanding.delete(id)
        return { ...s, outstanding }
      })

    // Waits until no lower allocated id is still outstanding; after the gap timeout the stragglers are dropped
    // (if they are submitted later they are refused as below the highest id sent).
    const awaitTurn = (id: number) =>
      SubscriptionRef.changes(ref).pipe(
        Stream.filter((s) => ![...s.outstanding].some((o) => o < id)),
        Stream.take(1),
        Stream.runDrain,
        Effect.timeoutOption(gapTimeout),
        Effect.flatMap((done) =>
          Option.isSome(done)
            ? Effect.void
            : SubscriptionRef.modify(ref, (s): [ReadonlyArray<number>, State] => {
                const dropped = [...s.outstanding].filter((o) => o < id)
                return [dropped, { ...s, outstanding: new Set([...s.outstanding].filter((o) => o >= id)) }]
              }).pipe(
                Effect.flatMap((dropped) =>
                  Effect.logWarning(
                    `IB order ids ${dropped.join(", ")} were allocated but not submitted within the gap timeout; order ${id} goes ahead of them`
                  )
                )
              )
        )
      )

    const submit = <A, E, R>(id: number, send: Effect.Effect<A, E, R>): Effect.Effect<A, E | BrokerError, R> =>
      Effect.gen(function* () {
        yield* awaitTurn(id)
        return yield* lock.withPermits(1)(
          Effect.gen(function* () {
            const s = yield* SubscriptionRef.get(ref)
            if (id <= s.highestSubmitted) {
              yield* release(id)
              return yield* new BrokerError({
                reason: "Rejected",
                code: 103,
                message: `order id ${id} is not above the highest id already sent (${s.highestSubmitted}); IB would refuse it as a duplicate (103). Take a new id`
              })
            }
            const result = yield* send.pipe(Effect.onExit(() => release(id)))
            yield* SubscriptionRef.update(ref, (t) => ({
              ...t,
              highestSubmitted: Math.max(t.highestSubmitted, id),
              next: Math.max(t.next, id + 1)
            }))
            return result
          })
        )
      })

    return {
      observeNextValid,
      observe: raise,
      allocate,
      submit,
      state: Effect.map(SubscriptionRef.get(ref), (s) => ({
        next: s.next,
        outstanding: [...s.outstanding].sort((a, b) => a - b),
        highestSubmitted: s.highestSubmitted
      }))
    }
  })
