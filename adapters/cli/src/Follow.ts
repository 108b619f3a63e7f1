/**
 * Placing an order and following it live: status changes and fills are printed as they happen (a progress line
 * redraws on a TTY) until the order is terminal or the wait runs out. The order keeps its life at the broker either
 * way: running out of patience is exit 5 with the commands to follow or cancel it, never a silent success.
 * @module
 */
import {
  getOrderStatus,
  newOrderRef,
  OrderRejected,
  type PlaceSpreadInput,
  placeSpreadOrder,
  watchAll,
  watchOrder
} from "@spreads/application"
import { OrderStatus, type OrderView } from "@spreads/domain"
import { Cause, Clock, Duration, Effect, Exit, Fiber, Option, Ref, Stream } from "effect"
import { StillWorking } from "./Errors.ts"
import * as Output from "./Output.ts"

/** How to follow. */
export interface FollowOptions {
  /** How long to follow before giving up (exit 5). */
  readonly wait: Duration.Duration
  /** Return right after the acknowledgement. */
  readonly noWait: boolean
  /** Lifecycle lines for a person, one JSON object (the final view), or nothing (the caller reports). */
  readonly output: "human" | "json" | "quiet"
}

/** True once the order can no longer trade. */
export const isTerminal = (v: OrderView.OrderView): boolean =>
  OrderStatus.isTerminal(v.status as OrderStatus.OrderStatus)

const stillWorking = (v: OrderView.OrderView, waited: Duration.Duration) =>
  new StillWorking({
    orderId: v.id,
    status: v.status,
    message: `order ${v.id} is still working (${v.status}, ${v.filled} of ${v.quantity} filled) after ${Duration.format(waited)}; follow it with \`spreads watch ${v.id}\` or cancel it with \`spreads cancel ${v.id}\``
  })

const rejectedAfterAck = (v: OrderView.OrderView) =>
  new OrderRejected({
    orderId: v.id,
    code: v.rejection?.code ?? 0,
    reason: v.rejection?.reason ?? v.status,
    message: `order ${v.id} was rejected by the broker (IB ${v.rejection?.code ?? 0}): ${v.rejection?.reason ?? v.status}`
  })

/**
 * Prints lifecycle lines for the views it is fed, one per change a trader would notice. Keeps the last view so a
 * repeated or unchanged view prints nothing.
 */
export const lifecyclePrinter = Effect.fnUntraced(function* (enabled: boolean) {
  const last = yield* Ref.make(new Map<number, OrderView.OrderView>())
  return (v: OrderView.OrderView, quiet = false) =>
    Effect.gen(function* () {
      const seen = yield* Ref.get(last)
      const text = Output.lifecycleLine(seen.get(v.id), v)
      yield* Ref.update(last, (m) => new Map(m).set(v.id, v))
      if (enabled && !quiet && text !== undefined) {
        yield* Output.progress.clear
        yield* Output.line(text)
      }
    })
})

const ticker = (id: number, wait: Duration.Duration) =>
  Effect.gen(function* () {
    const frames = ["|", "/", "-", "\\"]
    const started = yield* Clock.currentTimeMillis
    for (let i = 0; ; i++) {
      const v = yield* getOrderStatus(id)
      const secs = Math.floor(((yield* Clock.currentTimeMillis) - started) / 1000)
      yield* Output.progress.show(
        `${frames[i % frames.length]} #${v.id} ${v.status} ${v.filled}/${v.quantity} filled · ${secs}s of ${Duration.format(wait)} · Ctrl-C stops following (the order stays live)`
      )
      yield* Effect.sleep("250 millis")
    }
  })

/**
 * Places the order and follows it. Returns the last view; fails with OrderRejected (exit 3) when the broker rejects
 * it, StillWorking (exit 5) when the wait runs out first.
 */
export const placeAndFollow = Effect.fn("cli.placeAndFollow")(function* (
  input: PlaceSpreadInput,
  options: FollowOptions
) {
  const orderRef = input.orderRef ?? (yield* newOrderRef)
  const human = options.output === "human"
  const json = options.output === "json"
  const print = yield* lifecyclePrinter(human)
  // Subscribed before the order exists (startImmediately), so its first state and every later one are seen.
  const follower = yield* watchAll.pipe(
    Stream.filter((v) => v.orderRef === orderRef),
    Stream.tap(print),
    Stream.takeUntil(isTerminal),
    Stream.runLast,
    Effect.forkChild({ startImmediately: true })
  )
  const placed = yield* Effect.exit(placeSpreadOrder({ ...input, orderRef }))
  if (Exit.isFailure(placed)) {
    // Let the follower print the rejection it has already seen, then report it.
    yield* Fiber.join(follower).pipe(Effect.timeoutOption("200 millis"), Effect.ignore)
    const failure = placed.cause.reasons.find(Cause.isFailReason)
    if (failure !== undefined && failure.error._tag === "OrderRejected" && json) {
      yield* getOrderStatus(failure.error.orderId).pipe(Effect.flatMap(Output.json), Effect.ignore)
    }
    return yield* placed
  }
  const acked = placed.value
  if (options.noWait || isTerminal(acked)) {
    // The follower has the acknowledgement (or more) in hand: let it print before it stops.
    yield* Fiber.join(follower).pipe(Effect.timeoutOption("20 millis"))
    yield* Fiber.interrupt(follower)
    const now = yield* getOrderStatus(acked.id)
    if (json) yield* Output.json(now)
    return now
  }
  const tick =
    Output.isTty() && human ? Option.some(yield* Effect.forkChild(ticker(acked.id, options.wait))) : Option.none()
  const ended = yield* Fiber.join(follower).pipe(
    Effect.timeoutOption(options.wait),
    Effect.onInterrupt(() =>
      Output.progress.clear.pipe(
        Effect.andThen(
          Output.note(
            `stopped following order ${acked.id}; it is still live at the broker: \`spreads watch ${acked.id}\` or \`spreads cancel ${acked.id}\``
          )
        )
      )
    )
  )
  if (Option.isSome(tick)) yield* Fiber.interrupt(tick.value)
  yield* Output.progress.clear
  const last = yield* getOrderStatus(acked.id)
  if (json) yield* Output.json(last)
  if (Option.isNone(ended) || !isTerminal(last)) return yield* stillWorking(last, options.wait)
  if (last.status === "Rejected" || last.status === "Inactive") return yield* rejectedAfterAck(last)
  return last
})

/** Follows one order until it is terminal (or forever), printing each change; `spreads watch ID`. */
export const followOrder = Effect.fn("cli.followOrder")(function* (orderId: number, json: boolean) {
  const print = yield* lifecyclePrinter(!json)
  const first = yield* Ref.make(true)
  yield* watchOrder(orderId).pipe(
    Stream.tap((v) =>
      json
        ? Output.json(v)
        : Effect.gen(function* () {
            const isFirst = yield* Ref.getAndSet(first, false)
            if (isFirst) yield* Output.line(Output.orderLine(v))
            yield* print(v, isFirst)
          })
    ),
    Stream.runDrain
  )
})
