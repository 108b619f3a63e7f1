/**
 * The OrderJournal port: an append-only log of every order event, plus the outbox that makes submission exactly-once.
 * The in-memory implementation lives beside it (InMemoryJournal.ts); the durable one is @spreads/journal.
 *
 * Outbox protocol, as placeSpreadOrder follows it:
 * 1. append the order's Created event (the intent, with its orderRef) — before anything is sent;
 * 2. send it; 3. `markSent` once the broker has it.
 * After a crash, `unsent` lists intents between 1 and 3: reconcile each with the broker by orderRef before sending
 * anything again, so that no order is placed twice.
 * @module
 */
import type { OrderEvent } from "@spreads/domain"
import { Context, type Effect } from "effect"
import type { JournalError } from "../Errors.ts"

/** One journal row: an event addressed to an order, in append order. */
export interface JournalEntry {
  readonly orderId: number
  readonly event: OrderEvent.OrderEvent
}

/** An order's recorded history. */
export interface JournaledOrder {
  readonly orderId: number
  readonly orderRef: string
  readonly events: ReadonlyArray<OrderEvent.OrderEvent>
  /** False while the intent is recorded but the broker may not have it. */
  readonly sent: boolean
}

/** The OrderJournal port. */
export class OrderJournal extends Context.Service<
  OrderJournal,
  {
    /**
     * Appends entries atomically and in order: all are stored or none.
     * An orderRef belongs to one order (taken from the order's first event, when that is its Created event): an
     * append that would journal a new order under an orderRef another order already holds — journaled before, or
     * earlier in the same append — fails with a `Conflict` JournalError and stores nothing. A Created event for an
     * order already journaled changes nothing about its orderRef.
     */
    readonly append: (entries: ReadonlyArray<JournalEntry>) => Effect.Effect<void, JournalError>
    /** Marks an order as handed to the broker (outbox step 3). */
    readonly markSent: (orderId: number) => Effect.Effect<void, JournalError>
    /** One order's recorded history, or undefined when the journal has no such order. */
    readonly loadOrder: (orderId: number) => Effect.Effect<JournaledOrder | undefined, JournalError>
    /** Every order with its events, in id order, for rebuilding state on start. */
    readonly loadAll: Effect.Effect<ReadonlyArray<JournaledOrder>, JournalError>
    /** Orders whose intent was recorded but not marked sent. */
    readonly unsent: Effect.Effect<ReadonlyArray<JournaledOrder>, JournalError>
    /** The order id recorded under an orderRef, if any. */
    readonly findByRef: (orderRef: string) => Effect.Effect<number | undefined, JournalError>
    /** The highest order id ever journaled (0 when empty), so new ids stay above it. */
    readonly highestOrderId: Effect.Effect<number, JournalError>
  }
>()("@spreads/application/OrderJournal") {}
