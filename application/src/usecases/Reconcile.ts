/**
 * reconcile: after a connect, reconnect or restart, make our orders agree with the broker's. Statuses of live orders
 * take the broker's word; executions we missed are applied (duplicates are absorbed by execId); intents journaled
 * but never confirmed sent are adopted when the broker knows their orderRef, else marked never-sent. Nothing is ever
 * placed again, so no order is placed twice.
 * @module
 */
import { OrderStatus } from "@spreads/domain"
import { Clock, Effect, Option } from "effect"
import { OrderBook } from "../OrderBook.ts"
import { Broker } from "../ports/Broker.ts"
import { OrderJournal } from "../ports/OrderJournal.ts"

/** What reconciling changed. */
export interface ReconcileReport {
  readonly ordersChecked: number
  readonly statusesCorrected: number
  readonly executionsApplied: number
  readonly intentsAdopted: number
  readonly intentsNeverSent: number
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

  let executionsApplied = 0
  for (const x of executions) {
    const before = yield* book.findByRef(x.orderRef)
    yield* book.ingest({ orderId: x.orderId, orderRef: x.orderRef, event: x.event })
    const after = yield* book.findByRef(x.orderRef)
    if (Option.isSome(before) && Option.isSome(after) && after.value.version > before.value.version) executionsApplied++
  }

  let statusesCorrected = 0
  for (const s of known) {
    const ours = yield* book.findByRef(s.orderRef)
    if (Option.isNone(ours) || ours.value.status === s.status) continue
    yield* book.ingest({
      orderId: ours.value.orderId,
      orderRef: s.orderRef,
      event: { _tag: "Reconciled", at, status: s.status }
    })
    statusesCorrected++
  }

  // Our live orders the broker does not know at all were lost in flight or expired: mark them for attention.
  for (const o of yield* book.list) {
    if (OrderStatus.isOpen(o.status) && !byRef.has(o.combo.orderRef) && o.status !== "PendingSubmit") {
      yield* book.ingest({ orderId: o.orderId, event: { _tag: "Reconciled", at, status: "Unknown" } })
    }
  }

  let intentsAdopted = 0
  let intentsNeverSent = 0
  for (const intent of yield* journal.unsent) {
    if (byRef.has(intent.orderRef)) intentsAdopted++
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
    statusesCorrected,
    executionsApplied,
    intentsAdopted,
    intentsNeverSent
  } satisfies ReconcileReport
})
