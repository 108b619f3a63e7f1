/**
 * An in-memory OrderJournal: same contract as the durable one, gone with the process. The default for tests and for
 * embedding without persistence. Like the durable journal it refuses, as `Conflict` and writing nothing of the append,
 * a second order under an orderRef that another order already holds.
 * @module
 */
import { Effect, Layer } from "effect"
import { JournalError } from "./Errors.ts"
import { type JournaledOrder, type JournalEntry, OrderJournal } from "./ports/OrderJournal.ts"

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
  /**
   * The refusal of an append that would journal a new order under an orderRef another order holds (already journaled,
   * or earlier in the same append), as the durable journal refuses it; undefined when there is none.
   */
  const conflict = (entries: ReadonlyArray<JournalEntry>): JournalError | undefined => {
    // Most appends hold no new order at all (broker events for known orders): nothing to check, nothing to allocate.
    if (!entries.some(({ orderId }) => !rows.has(orderId))) return undefined
    const claimed = new Map<string, number>()
    const seen = new Set<number>()
    for (const { orderId, event } of entries) {
      if (rows.has(orderId) || seen.has(orderId)) continue
      seen.add(orderId)
      // As in the durable journal, an order's orderRef comes from its first event, when that is its Created event.
      if (event._tag !== "Created") continue
      const ref = event.order.orderRef
      const owner = byRef.get(ref) ?? claimed.get(ref)
      if (owner !== undefined) {
        return new JournalError({
          reason: "Conflict",
          message: `refused to journal order ${orderId}: its orderRef ${JSON.stringify(ref)} already belongs to order ${owner}, and an orderRef is placed only once; nothing was written`
        })
      }
      claimed.set(ref, orderId)
    }
    return undefined
  }
  return OrderJournal.of({
    append: (entries) =>
      Effect.suspend(() => {
        const refused = conflict(entries)
        if (refused !== undefined) return Effect.fail(refused)
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
        return Effect.void
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
