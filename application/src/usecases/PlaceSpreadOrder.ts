/**
 * placeSpreadOrder: validate -> pre-trade risk -> journal the intent -> qualify -> place -> wait for the
 * acknowledgement. An orderRef is never placed twice: placing again under a known orderRef returns that order.
 * @module
 */
import { ComboOrder, OrderStatus, OrderView, Payoff, type Price, type Strategy, type Values } from "@spreads/domain"
import { Clock, Context, Effect, type Fiber, Option, Random, Result } from "effect"
import { BrokerError, type JournalError, type OrderNotFound, OrderRejected, type RiskRefused } from "../Errors.ts"
import { OrderBook } from "../OrderBook.ts"
import { traced } from "../Tracing.ts"
import { Broker } from "../ports/Broker.ts"
import { MarketData } from "../ports/MarketData.ts"
import { OrderJournal } from "../ports/OrderJournal.ts"
import { needsOpenOrders, needsPrice, riskRefusal } from "../Risk.ts"
import { Settings } from "../Settings.ts"
import type { ValidationError } from "@spreads/domain"

/** What a caller gives to place a spread order. */
export interface PlaceSpreadInput {
  readonly spread: Strategy.OptionSpread
  /** BUY the spread as defined (the seed's LONG) or SELL it (SHORT). Legs never change. */
  readonly action: Values.Action
  readonly quantity: number
  readonly orderType: ComboOrder.OrderType
  /** Net price, debit or credit; LIMIT orders only. */
  readonly limitPrice?: Price.NetPrice | undefined
  readonly tif?: Values.TimeInForce | undefined
  /** Your own reference; generated when absent. Reusing one returns the order already placed under it. */
  readonly orderRef?: string | undefined
  readonly account?: string | undefined
}

/** Every way placing can fail. */
export type PlaceError = ValidationError | RiskRefused | BrokerError | JournalError | OrderRejected | OrderNotFound

const notConnected = (state: string) =>
  new BrokerError({
    reason: "NotConnected",
    message: `not connected to the broker (${state}); nothing was sent. Check TWS/IB Gateway and try again`
  })

/** Fails unless the broker is connected (the seed's "Not connected to IBKR"). */
export const requireConnected = Effect.gen(function* () {
  const broker = yield* Broker
  const state = yield* broker.connectionState
  if (state !== "Connected") return yield* notConnected(state)
})

/** Orders referenced by this process so far: two refs made in the same millisecond still differ. */
let refsMade = 0

/**
 * A fresh orderRef: `spr-<epoch ms base36>-<sequence base36>-<random 6>`. Never the same twice in one process (the
 * sequence), and across processes only if they share the millisecond, the sequence and 31 random bits. A reused ref
 * means "that order again", so a collision would hand a caller someone else's order: a millisecond and 4 random
 * characters were not enough for thousands of orders a second.
 */
export const newOrderRef = Effect.withFiber((fiber) => Effect.succeed(orderRefAt(fiber)))

/** A fresh orderRef on the fiber's Clock and Random (see {@link newOrderRef}). */
const orderRefAt = (fiber: Fiber.Fiber<unknown, unknown>): string => {
  const now = fiber.getRef(Clock.Clock).currentTimeMillisUnsafe()
  const r = Math.floor(fiber.getRef(Random.Random).nextDoubleUnsafe() * 36 ** 6)
  return `spr-${now.toString(36)}-${(refsMade++).toString(36)}-${r.toString(36).padStart(6, "0")}`
}

/** Validates the input into a ComboOrder (without sending anything). */
export const validateOrder = traced("validateOrder")((input: PlaceSpreadInput) =>
  Effect.withFiber((fiber): Effect.Effect<ComboOrder.ComboOrder, ValidationError> => {
    const result = ComboOrder.makeComboOrder({ ...input, orderRef: input.orderRef ?? orderRefAt(fiber) })
    return Result.isFailure(result) ? Effect.fail(result.failure) : Effect.succeed(result.success)
  })
)

/** The price risk is judged at: the limit, or the natural price from current leg quotes for a market order. */
export const riskPrice = traced("riskPrice")(
  Effect.fnUntraced(function* (order: ComboOrder.ComboOrder) {
    if (order.limitPrice !== undefined) return order.limitPrice
    const md = yield* MarketData
    const quotes = yield* Effect.forEach(order.spread.legs, (l) => md.quote(l.contract))
    return Payoff.naturalPrice(Payoff.comboQuote(order.spread, quotes), order.action)
  })
)

/** How many ids {@link freshOrderId} takes from the broker, at most, to get past the journal's. */
const MAX_ID_SKIPS = 100_000

/**
 * An order id from the broker that the journal has never held. After a crash an intent can sit in the journal under
 * an id the broker never heard of (IB counts an id as used only once an order under it arrives), and the broker may
 * hand that id out again: the new order would then be filed under the old intent, sent, and never journaled. Ids
 * are taken until one is above every journaled id; a broker that does not get there fails before anything is sent.
 */
const freshOrderId = (broker: Broker["Service"], journal: OrderJournal["Service"]) =>
  Effect.flatMap(journal.highestOrderId, (highest) => {
    const take = (skipped: number): Effect.Effect<number, BrokerError> =>
      skipped >= MAX_ID_SKIPS
        ? Effect.fail(
            new BrokerError({
              reason: "Unavailable",
              message: `the broker keeps handing out order ids the journal already used (up to ${highest}); nothing was sent. Check that this journal belongs to this account`
            })
          )
        : Effect.flatMap(broker.nextOrderId, (id) => (id > highest ? Effect.succeed(id) : take(skipped + 1)))
    return take(0)
  })

/**
 * Places a spread order and returns its view once the broker has acknowledged it (or rejected it, or the ack timeout
 * passed: then the order is returned as it stands, still PendingSubmit). A rejection fails with OrderRejected, the
 * order staying on record with its IB code and reason.
 */
export const placeSpreadOrder = traced("placeSpreadOrder")(
  Effect.fnUntraced(function* (input: PlaceSpreadInput) {
    // Every service in one step (each `yield* Service` is a runtime step of its own, on the hottest path there is).
    const services = yield* Effect.context<Broker | OrderBook | OrderJournal>()
    const broker = Context.get(services, Broker)
    const book = Context.get(services, OrderBook)
    const journal = Context.get(services, OrderJournal)
    const settings = Context.get(services, Settings)
    const clock = Context.get(services, Clock.Clock)
    const state = yield* broker.connectionState
    if (state !== "Connected") return yield* notConnected(state)
    const order = yield* validateOrder(input)

    // Exactly once: an orderRef already on record is that order, never a second one. The journal is asked (every
    // order is journaled before the OrderBook holds it), and a journal that cannot answer stops the placement.
    const journaled = yield* journal.findByRef(order.orderRef)
    if (journaled !== undefined) return OrderView.toView(yield* book.get(journaled))

    const price = needsPrice(settings.risk) ? yield* riskPrice(order).pipe(Effect.option) : Option.none()
    const open = {
      count: yield* book.openCount,
      orders: needsOpenOrders(settings.risk) ? yield* book.openOrders : []
    }
    const refused = riskRefusal(settings.risk, order, Option.getOrUndefined(price) ?? order.limitPrice, open)
    if (refused !== undefined) return yield* refused

    const spread = yield* broker.qualify(order.spread)
    const qualified: ComboOrder.ComboOrder = { ...order, spread }
    const orderId = yield* freshOrderId(broker, journal)
    const now = clock.currentTimeMillisUnsafe()
    // The intent is journaled before anything is sent (outbox). The journal refuses a second order under an orderRef
    // (Conflict) when the same ref is placed twice at once: the other placement won, and its order is the answer.
    const created = yield* Effect.result(
      book.create(orderId, { _tag: "Created", at: now, orderId: orderId as Values.OrderId, order: qualified })
    )
    if (Result.isFailure(created)) {
      const winner = created.failure.reason === "Conflict" ? yield* journal.findByRef(order.orderRef) : undefined
      if (winner === undefined) return yield* created.failure
      return OrderView.toView(yield* book.get(winner))
    }
    yield* broker.place(orderId, qualified).pipe(
      Effect.tapError((e) =>
        Effect.gen(function* () {
          const at = yield* Clock.currentTimeMillis
          yield* book.ingest({ orderId, event: { _tag: "Rejected", at, code: e.code ?? 0, reason: e.message } })
          yield* journal.markSent(orderId)
        }).pipe(Effect.ignore)
      )
    )
    yield* journal.markSent(orderId)

    const acked = yield* book.awaitOrder(orderId, (o) => o.status !== "PendingSubmit", settings.ackTimeoutMs)
    const current = Option.isSome(acked) ? acked.value : yield* book.get(orderId)
    if (current.status === "Rejected" || current.status === "Inactive") {
      const code = current.rejection?.code ?? 0
      const reason = current.rejection?.reason ?? current.status
      return yield* new OrderRejected({
        orderId,
        code,
        reason,
        message: `order ${orderId} was rejected by the broker (IB ${code}): ${reason}`
      })
    }
    return OrderView.toView(current)
  })
)

/** True for a status the acknowledgement wait stops at. Exposed for adapters' tests. */
export const isAcknowledged = (s: OrderStatus.OrderStatus): boolean => s !== "PendingSubmit"
