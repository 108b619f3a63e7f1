/**
 * The Broker port: what the use cases need from a broker, and nothing about how it is reached. Implemented by the
 * simulated broker (@spreads/sim) and the live IB adapter (@spreads/ib).
 *
 * Contract for implementations:
 * - `place`, `modify` and `cancel` return once the request is handed to the broker; what happens next arrives on
 *   `events` (acknowledgement, fills, cancellation, rejection), in the order the broker reported it.
 * - Events for one order may repeat or arrive out of order; the OrderBook absorbs that.
 * - `events` is hot: subscribe before placing to see everything.
 * @module
 */
import type { ComboOrder, OrderEvent, OrderStatus, Strategy } from "@spreads/domain"
import { Context, type Effect, type Scope, type Stream } from "effect"
import type { BrokerError } from "../Errors.ts"

/** Connection state as the broker reports it. `Degraded`: the socket is up but IB lost its own connectivity (1100). */
export type ConnectionState = "Connected" | "Disconnected" | "Degraded" | "Connecting"

/** The broker's view of one order, for reconciliation after a (re)connect or restart. */
export interface BrokerOrderSnapshot {
  readonly orderId: number
  readonly orderRef: string
  readonly permId?: number
  readonly status: OrderStatus.OrderStatus
  readonly filled: number
  readonly remaining: number
  /** The order's terms as the broker holds them, when it can rebuild them. */
  readonly order?: ComboOrder.ComboOrder
}

/** An execution as the broker reports it for reconciliation: the fill event and the order it belongs to. */
export interface BrokerExecution {
  readonly orderId: number
  readonly orderRef: string
  readonly event: Extract<OrderEvent.OrderEvent, { _tag: "Filled" | "LegFilled" }>
}

/** An event the broker reports about an order. `orderRef` and `permId` help match orders placed in another session. */
export interface BrokerEvent {
  readonly orderId: number
  readonly orderRef?: string
  readonly permId?: number
  readonly event: OrderEvent.OrderEvent
}

/** Margin and commission preview of an order (IB's what-if). */
export interface WhatIfResult {
  readonly initMarginChange: string
  readonly maintMarginChange: string
  readonly equityWithLoanAfter: string
  readonly commission: string
  readonly currency: string
}

/** The Broker port. */
export class Broker extends Context.Service<
  Broker,
  {
    /** Current connection state. */
    readonly connectionState: Effect.Effect<ConnectionState>
    /** Connection state changes, starting with the current one. */
    readonly connectionChanges: Stream.Stream<ConnectionState>
    /** A fresh order id, above every id the broker has seen. */
    readonly nextOrderId: Effect.Effect<number, BrokerError>
    /** Resolves each leg's contract id (legs only: IB cannot qualify a BAG). */
    readonly qualify: (spread: Strategy.OptionSpread) => Effect.Effect<Strategy.OptionSpread, BrokerError>
    /** Sends a new order under `orderId`. */
    readonly place: (orderId: number, order: ComboOrder.ComboOrder) => Effect.Effect<void, BrokerError>
    /** Replaces the terms of a working order (same id). */
    readonly modify: (orderId: number, order: ComboOrder.ComboOrder) => Effect.Effect<void, BrokerError>
    /** Asks the broker to cancel an order. */
    readonly cancel: (orderId: number) => Effect.Effect<void, BrokerError>
    /** Asks the broker to cancel every open order (IB's global cancel). */
    readonly cancelAll: Effect.Effect<void, BrokerError>
    /** Orders still working at the broker. */
    readonly openOrders: Effect.Effect<ReadonlyArray<BrokerOrderSnapshot>, BrokerError>
    /** Orders that reached a final state today. */
    readonly completedOrders: Effect.Effect<ReadonlyArray<BrokerOrderSnapshot>, BrokerError>
    /** Today's executions. */
    readonly executions: Effect.Effect<ReadonlyArray<BrokerExecution>, BrokerError>
    /** Margin and commission for an order, nothing sent. */
    readonly whatIf: (order: ComboOrder.ComboOrder) => Effect.Effect<WhatIfResult, BrokerError>
    /** Every order event the broker reports, hot: a consumer sees what is published after it starts pulling. */
    readonly events: Stream.Stream<BrokerEvent>
    /**
     * Subscribes now and returns the stream of everything published from this moment, for as long as the scope lives.
     * The OrderBook uses it so that no event published after it is built can be missed. Optional: without it the
     * OrderBook subscribes through `events`.
     */
    readonly subscribe?: Effect.Effect<Stream.Stream<BrokerEvent>, never, Scope.Scope>
  }
>()("@spreads/application/Broker") {}
