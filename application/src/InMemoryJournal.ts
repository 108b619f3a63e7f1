/**
 * An in-memory OrderJournal: same contract as the durable one, gone with the process. The default for tests and for
 * embedding without persistence.
 * @module
 */
import { Effect, Layer } from "effect"
import { type JournaledOrder, OrderJournal } from "./ports/OrderJournal.ts"

interface Row {
  orderId: number
  orderRef: string
  events: Array<JournaledOrder["events"][number]>
  sent: boolean
}

/** Builds a fresh in-memory journal. */
export const make = Effect.sync(() => {
  const rows = new Map<number, Row>()
  const byRef = new Map<string, number>()
  let highest = 0
  const snapshot = (r: Row): JournaledOrder => ({
    orderId: r.orderId,
    orderRef: r.orderRef,
    events: [...r.events],
    sent: r.sent
  })
  return OrderJournal.of({
    append: (entries) =>
      Effect.sync(() => {
        for (const { orderId, event } of entries) {
          let row = rows.get(orderId)
          if (row === undefined) {
            const orderRef = event._tag === "Created" ? event.order.orderRef : ""
            row = { orderId, orderRef, events: [], sent: false }
            rows.set(orderId, row)
            if (orderRef !== "") byRef.set(orderRef, orderId)
          }
          row.events.push(event)
          if (orderId > highest) highest = orderId
        }
      }),
    markSent: (orderId) =>
      Effect.sync(() => {
        const row = rows.get(orderId)
        if (row !== undefined) row.sent = true
      }),
    loadOrder: (orderId) =>
      Effect.sync(() => {
        const row = rows.get(orderId)
        return row === undefined ? undefined : snapshot(row)
      }),
    loadAll: Effect.sync(() => [...rows.values()].sort((a, b) => a.orderId - b.orderId).map(snapshot)),
    unsent: Effect.sync(() => [...rows.values()].filter((r) => !r.sent).map(snapshot)),
    findByRef: (orderRef) => Effect.sync(() => byRef.get(orderRef)),
    highestOrderId: Effect.sync(() => highest)
  })
})

/** The in-memory journal as a layer. */
export const layer = Layer.effect(OrderJournal, make)
