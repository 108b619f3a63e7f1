/**
 * The one order-id allocator of a connection.
 *
 * Invariants:
 * - An allocated id is above every id seen anywhere: IB's nextValidId, open orders, executions, and ids the caller
 *   reports (a journal after a restart). IB answers 103 to an id at or below the highest it has seen.
 * - Ids reach the wire strictly in increasing order: submitting id N waits until every lower id allocated here has
 *   been sent or has failed. Only a lower id still being PREPARED (allocated, its submit not called yet: a slow
 *   qualification, a caller that went away) is given up on after `gapTimeout`; a lower id already submitted (waiting
 *   for its turn, for the link or for a pacing token) is never overtaken, however long it waits. A given-up id that is
 *   submitted later is refused before it reaches IB (it would be 103).
 * - Order ids stay below {@link REQUEST_ID_BASE}; request ids (contract details, market data, executions) are taken
 *   from a separate counter starting there, so an error routed by id can never be mistaken for the other kind.
 *   (IBApiNext starts its request ids at 1, in the order-id space; this adapter does not use IBApiNext.)
 *
 * The state is plain and synchronous (it is touched for every order event read from the socket); a submission whose
 * turn has come costs no fiber, timer or stream.
 * @module
 */
import { BrokerError } from "@spreads/application"
import { Duration, Effect, Option } from "effect"

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
  /** Allocated and not yet sent (being prepared, or submitted and waiting for their turn). */
  readonly outstanding: ReadonlyArray<number>
  /** The highest id whose send has started through {@link OrderIds.submit}; 0 before the first. */
  readonly highestSubmitted: number
}

/** The allocator. */
export interface OrderIds {
  /** IB's nextValidId: ids from here on are free. */
  readonly observeNextValid: (id: number) => Effect.Effect<void>
  /** An id in use somewhere (open order, execution, journal): later allocations go above it. */
  readonly observe: (id: number) => Effect.Effect<void>
  /** {@link observe}, synchronously (for the event path). */
  readonly observeUnsafe: (id: number) => void
  /** {@link observeNextValid}, synchronously (for the event path). */
  readonly observeNextValidUnsafe: (id: number) => void
  /** A fresh id. Fails with NotConnected until IB has sent its first nextValidId. */
  readonly allocate: Effect.Effect<number, BrokerError>
  /** Runs `send` for order `id` in id order (see the module's invariants). */
  readonly submit: <A, E, R>(id: number, send: Effect.Effect<A, E, R>) => Effect.Effect<A, E | BrokerError, R>
  readonly state: Effect.Effect<OrderIdsState>
}

const usable = (id: number): boolean => Number.isInteger(id) && id > 0 && !isRequestId(id)

/** A fresh allocator; `gapTimeout` bounds the wait for a lower id that is never submitted. */
export const make = (gapTimeout: Duration.Input): Effect.Effect<OrderIds> =>
  Effect.sync(() => {
    const gap = Duration.fromInputUnsafe(gapTimeout)
    let next = 0
    let highestSubmitted = 0
    /** Allocated, submit not called yet. */
    const preparing = new Set<number>()
    /** Submitted, send not finished yet. */
    const queued = new Set<number>()
    const waiters = new Set<() => void>()

    const wake = () => {
      if (waiters.size === 0) return
      const all = [...waiters]
      waiters.clear()
      for (const w of all) w()
    }

    const lowerIn = (set: ReadonlySet<number>, id: number): boolean => {
      for (const o of set) if (o < id) return true
      return false
    }

    /** Resumes at the next change of the sets (or never, until interrupted). */
    const changed = Effect.callback<void>((resume) => {
      const w = () => resume(Effect.void)
      waiters.add(w)
      return Effect.sync(() => void waiters.delete(w))
    })

    const observeUnsafe = (id: number) => {
      if (usable(id) && id + 1 > next) next = id + 1
    }
    const observeNextValidUnsafe = (id: number) => {
      if (usable(id) && id > next) next = id
    }

    const allocate: Effect.Effect<number, BrokerError> = Effect.suspend(() => {
      if (next === 0) {
        return Effect.fail(
          new BrokerError({
            reason: "NotConnected",
            message: "no order id yet: IB has not sent nextValidId; wait for the connection to finish"
          })
        )
      }
      const id = Math.max(next, highestSubmitted + 1)
      if (id >= REQUEST_ID_BASE) {
        return Effect.fail(
          new BrokerError({
            reason: "Unavailable",
            message: `order ids reached ${id}, the start of the request-id range; reset the API order id sequence in TWS`
          })
        )
      }
      next = id + 1
      preparing.add(id)
      return Effect.succeed(id)
    })

    /** Gives up on lower ids still being prepared; ids already submitted stay and keep their turn. */
    const dropStragglers = (id: number) =>
      Effect.suspend(() => {
        const dropped = [...preparing].filter((o) => o < id).sort((a, b) => a - b)
        if (dropped.length === 0) return Effect.void
        for (const o of dropped) preparing.delete(o)
        wake()
        return Effect.logWarning(
          `IB order ids ${dropped.join(", ")} were allocated but not submitted within the gap timeout; order ${id} goes ahead of them`
        )
      })

    const waitWhile = (blocked: () => boolean): Effect.Effect<void> =>
      Effect.suspend(() => (blocked() ? Effect.andThen(changed, waitWhile(blocked)) : Effect.void))

    // Waits until no lower id is preparing or queued. Preparing ones are waited for up to the gap timeout (from the
    // moment this id was submitted), queued ones for as long as their send takes (it has its own bounds: the link
    // wait and the pacing). New ids are always allocated above every earlier one, so none can appear below us.
    const awaitTurn = (id: number): Effect.Effect<void> =>
      Effect.suspend(() => {
        if (!lowerIn(preparing, id) && !lowerIn(queued, id)) return Effect.void
        return waitWhile(() => lowerIn(preparing, id)).pipe(
          Effect.timeoutOption(gap),
          Effect.flatMap((done) => (Option.isSome(done) ? Effect.void : dropStragglers(id))),
          Effect.andThen(waitWhile(() => lowerIn(preparing, id) || lowerIn(queued, id)))
        )
      })

    const finish = (id: number) =>
      Effect.sync(() => {
        preparing.delete(id)
        queued.delete(id)
        wake()
      })

    const submit = <A, E, R>(id: number, send: Effect.Effect<A, E, R>): Effect.Effect<A, E | BrokerError, R> =>
      Effect.suspend(() => {
        const wasPreparing = preparing.delete(id)
        if (!wasPreparing && id <= highestSubmitted) {
          return Effect.fail(refused(id, highestSubmitted))
        }
        queued.add(id)
        return awaitTurn(id).pipe(
          Effect.andThen(
            Effect.suspend((): Effect.Effect<A, E | BrokerError, R> => {
              if (id <= highestSubmitted) return Effect.fail(refused(id, highestSubmitted))
              // Claimed before the send starts: a straggler arriving meanwhile is refused, never sent after us.
              highestSubmitted = id
              if (id + 1 > next) next = id + 1
              return send
            })
          ),
          Effect.onExit(() => finish(id))
        )
      })

    return {
      observeNextValid: (id) => Effect.sync(() => observeNextValidUnsafe(id)),
      observe: (id) => Effect.sync(() => observeUnsafe(id)),
      observeUnsafe,
      observeNextValidUnsafe,
      allocate,
      submit,
      state: Effect.sync(() => ({
        next,
        outstanding: [...new Set([...preparing, ...queued])].sort((a, b) => a - b),
        highestSubmitted
      }))
    }
  })

const refused = (id: number, highest: number) =>
  new BrokerError({
    reason: "Rejected",
    code: 103,
    message: `order id ${id} is not above the highest id already sent (${highest}); IB would refuse it as a duplicate (103). Take a new id`
  })
