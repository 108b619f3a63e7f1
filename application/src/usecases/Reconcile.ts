/**
 * reconcile: after a connect, reconnect or restart, make our orders agree with the broker's. First the terms: an order
 * with a modify whose answer we never had takes the quantity and limit price the broker holds (a modify confirmed
 * while the link was down, whose confirmation was lost), before any execution is applied, so that no fill is counted
 * against terms the broker has replaced (and an order we counted Filled under them works again). Statuses of live
 * orders take the broker's word (unless its list predates an acknowledgement that has reached us since); executions we
 * missed are applied, and commissions we missed are attached to the executions we have (an execution already on
 * record is not journaled again); intents journaled but never confirmed sent are adopted when the broker knows their
 * orderRef (it lists the order, reported an execution of it, or already reported on it), else marked never-sent.
 * Nothing is ever placed again, so no order is placed twice.
 * @module
 */
import { type Order, OrderStatus, type Price, Values } from "@spreads/domain"
import { BigDecimal, Clock, Effect, Option, Schema } from "effect"
import { OrderBook } from "../OrderBook.ts"
import { Broker, type BrokerExecution, type BrokerOrderSnapshot } from "../ports/Broker.ts"
import { OrderJournal } from "../ports/OrderJournal.ts"

/** What reconciling changed. */
export interface ReconcileReport {
  readonly ordersChecked: number
  /**
   * Orders given the broker's terms (quantity, limit price) because the answer to their modify never reached us: a
   * modify confirmed while the link was down, or across a restart.
   */
  readonly termsCorrected: number
  readonly statusesCorrected: number
  readonly executionsApplied: number
  readonly intentsAdopted: number
  readonly intentsNeverSent: number
}

/** Our order an execution belongs to: by orderRef, or by id when the broker gives no orderRef. */
const ownerOf = (x: BrokerExecution): Effect.Effect<Option.Option<Order.Order>, never, OrderBook> =>
  Effect.flatMap(Effect.service(OrderBook), (book) =>
    x.orderRef === "" ? Effect.option(book.get(x.orderId)) : book.findByRef(x.orderRef)
  )

/** The fill or leg fill with this execId, if the order has it. */
const executionOf = (o: Order.Order, execId: string): { readonly commission?: unknown } | undefined =>
  o.fills.find((f) => f.execId === execId) ?? o.legFills.find((f) => f.execId === execId)

/** True once the broker has said anything about the order: an acknowledgement, a permId or an execution. */
const reportedOn = (o: Order.Order): boolean =>
  o.acknowledgedAt !== undefined || o.permId !== undefined || o.fills.length > 0 || o.legFills.length > 0

const ackStage = (s: OrderStatus.OrderStatus): number => (s === "PendingSubmit" ? 0 : s === "PreSubmitted" ? 1 : 2)

/**
 * True when the broker lists an order at an earlier step of acknowledgement than ours, which is still working: the
 * list was taken before a live acknowledgement that has reached us since (each list is a round trip, and events keep
 * coming meanwhile). Applying it would move the order backwards, which the state machine never does either.
 */
const listedBehind = (listed: OrderStatus.OrderStatus, o: Order.Order): boolean =>
  OrderStatus.isWorking(o.status) && ackStage(listed) < ackStage(o.status)

/** The terms of an order as the broker tells them: total quantity and the net limit price (undefined: not told). */
interface Terms {
  readonly quantity: Values.Quantity
  readonly limitPrice: Price.NetPrice | undefined
}

/**
 * The terms the broker holds, as far as its snapshot tells. The quantity comes from the broker's own counts where they
 * determine it (the filled quantity of a Filled order, else filled + remaining while something remains), else from
 * the order it lists; the limit price from the order it lists. Undefined when the snapshot does not tell the quantity.
 */
const brokerTerms = (s: BrokerOrderSnapshot): Terms | undefined => {
  const counted = s.status === "Filled" ? s.filled : s.remaining > 0 ? s.filled + s.remaining : 0
  const quantity = counted > 0 ? counted : s.order?.quantity
  if (!isQuantity(quantity)) return undefined
  return { quantity, limitPrice: s.order?.orderType === "LIMIT" ? s.order.limitPrice : undefined }
}

const isQuantity = Schema.is(Values.Quantity)

const sameNet = (a: Price.NetPrice | undefined, b: Price.NetPrice | undefined): boolean =>
  a === undefined || b === undefined ? a === b : a._tag === b._tag && BigDecimal.equals(a.amount, b.amount)

/**
 * The broker's terms, when they are news for an order with a modify whose answer we never had: they differ from ours,
 * or they are the modify's (its confirmation was lost). An order with no modify pending keeps its terms: a listing is a
 * round trip, and one taken before a confirmation that has reached us since would undo it.
 */
const termsNews = (o: Order.Order, theirs: Terms): boolean => {
  const pending = o.pendingModify
  if (pending === undefined) return false
  const told = theirs.limitPrice
  const differ = theirs.quantity !== o.quantity || (told !== undefined && !sameNet(told, o.limitPrice))
  // A price change is carried out only if the broker tells its price.
  const priceCarriedOut =
    pending.limitPrice === undefined
      ? told === undefined || sameNet(told, o.limitPrice)
      : told !== undefined && sameNet(told, pending.limitPrice)
  return differ || ((pending.quantity ?? o.quantity) === theirs.quantity && priceCarriedOut)
}

/** Brings the OrderBook in line with the broker. */
export const reconcile = Effect.fn("reconcile")(function* () {
  const broker = yield* Broker
  const book = yield* OrderBook
  const journal = yield* OrderJournal
  const open = yield* broker.openOrders
  const completed = yield* broker.completedOrders
  const executions = yield* broker.executions
  const at = yield* Clock.currentTimeMillis
  const known = [...open, ...completed]
  const byRef = new Map(known.map((s) => [s.orderRef, s]))

  // Terms first, so that the executions below count against the quantity the broker works.
  let termsCorrected = 0
  for (const s of known) {
    const theirs = brokerTerms(s)
    const ours = yield* book.findByRef(s.orderRef)
    if (theirs === undefined || Option.isNone(ours) || !termsNews(ours.value, theirs)) continue
    yield* book.ingest({
      orderId: ours.value.orderId,
      orderRef: s.orderRef,
      event: {
        _tag: "TermsReconciled",
        at,
        quantity: theirs.quantity,
        ...(theirs.limitPrice === undefined ? {} : { limitPrice: theirs.limitPrice })
      }
    })
    termsCorrected++
  }

  // Executions already on record are not ingested again (a duplicate would be journaled on every restart and counted
  // as applied); only a commission they still lack is: IB reports it apart, after the fill, and a crash can fall
  // between the two.
  let executionsApplied = 0
  for (const x of executions) {
    const before = yield* ownerOf(x)
    const seen = Option.isSome(before) ? executionOf(before.value, x.event.execId) : undefined
    if (Option.isSome(before) && seen !== undefined) {
      if (x.event.commission !== undefined && seen.commission === undefined) {
        yield* book.ingest({
          orderId: before.value.orderId,
          orderRef: x.orderRef,
          event: { _tag: "CommissionReported", at, execId: x.event.execId, commission: x.event.commission }
        })
      }
      continue
    }
    yield* book.ingest({ orderId: x.orderId, orderRef: x.orderRef, event: x.event })
    const after = yield* ownerOf(x)
    if (Option.isSome(before) && Option.isSome(after) && after.value.version > before.value.version) executionsApplied++
  }

  let statusesCorrected = 0
  for (const s of known) {
    const ours = yield* book.findByRef(s.orderRef)
    if (Option.isNone(ours) || ours.value.status === s.status || listedBehind(s.status, ours.value)) continue
    yield* book.ingest({
      orderId: ours.value.orderId,
      orderRef: s.orderRef,
      event: { _tag: "Reconciled", at, status: s.status }
    })
    statusesCorrected++
  }

  // Our live orders the broker does not know at all were lost in flight or expired: mark them for attention (once).
  for (const o of yield* book.list) {
    const unlisted = !byRef.has(o.combo.orderRef)
    if (OrderStatus.isOpen(o.status) && unlisted && o.status !== "PendingSubmit" && o.status !== "Unknown") {
      yield* book.ingest({ orderId: o.orderId, event: { _tag: "Reconciled", at, status: "Unknown" } })
    }
  }

  // The broker has an intent when it lists the order, or reported an execution of it, or has reported on it already.
  // The lists alone are not enough: a broker that cannot list completed orders (IB's derived mode) does not list an
  // order that finished while we were away, and marking that one never-sent would hide its fills.
  const executed = new Set(executions.map((x) => x.orderRef))
  let intentsAdopted = 0
  let intentsNeverSent = 0
  for (const intent of yield* journal.unsent) {
    const heard = yield* book.get(intent.orderId).pipe(
      Effect.map(reportedOn),
      Effect.orElseSucceed(() => false)
    )
    if (byRef.has(intent.orderRef) || executed.has(intent.orderRef) || heard) intentsAdopted++
    else {
      yield* book.ingest({
        orderId: intent.orderId,
        event: {
          _tag: "Rejected",
          at,
          code: 0,
          reason: "never sent: recovered after a restart, the broker has no such order"
        }
      })
      intentsNeverSent++
    }
    yield* journal.markSent(intent.orderId)
  }
  return {
    ordersChecked: known.length,
    termsCorrected,
    statusesCorrected,
    executionsApplied,
    intentsAdopted,
    intentsNeverSent
  } satisfies ReconcileReport
})
