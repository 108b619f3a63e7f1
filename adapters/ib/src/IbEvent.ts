/**
 * The raw events of @stoqey/ib's IBApi, as one tagged union and as an Effect Stream.
 *
 * Only the events this adapter uses are wrapped. IBApi routes ERR_MSG with id -1 to `info` and everything else to
 * `error`; both become {@link IbError} here, `id` -1 for the connection-level ones (1100, 1101, 1102, 2104, ...).
 * Decoder failures of the client (a malformed or unknown message from the server) arrive as `error` with code 505
 * and id -1.
 * @module
 */
import {
  type CommissionReport,
  type Contract,
  type ContractDetails,
  EventName,
  type Execution,
  type IBApi,
  type Order,
  type OrderState
} from "@stoqey/ib"
import type { BrokerOrderSnapshot } from "@spreads/application"
import type { ComboOrder } from "@spreads/domain"
import { Effect, Queue, Stream } from "effect"

/** Connection-level events (socket up/down, handshake). */
export type IbConnectionEvent =
  | { readonly _tag: "Connected" }
  | { readonly _tag: "Disconnected" }
  | { readonly _tag: "NextValidId"; readonly orderId: number }
  | { readonly _tag: "ManagedAccounts"; readonly accounts: ReadonlyArray<string> }

/**
 * An ERR_MSG, or an error the client raised itself. `id` is an order id, a request id, or -1. `origin` "client" marks
 * the client's own errors (decoder 505, socket 502, ...): IBApi emits those as `error` with id -1, while the server's
 * id -1 messages arrive as `info`.
 */
export interface IbError {
  readonly _tag: "Error"
  readonly id: number
  readonly code: number
  readonly message: string
  readonly origin: "server" | "client"
}

/** Order-related events: what the reducer folds. */
export type IbOrderEvent =
  | {
      readonly _tag: "OpenOrder"
      readonly orderId: number
      readonly contract: Contract
      readonly order: Order
      readonly orderState: OrderState
    }
  | { readonly _tag: "OpenOrderEnd" }
  | {
      readonly _tag: "OrderStatus"
      readonly orderId: number
      readonly status: string
      readonly filled: number
      readonly remaining: number
      readonly avgFillPrice: number
      readonly permId?: number | undefined
      readonly lastFillPrice?: number | undefined
      readonly clientId?: number | undefined
      readonly whyHeld?: string | undefined
    }
  | {
      readonly _tag: "ExecDetails"
      readonly reqId: number
      readonly contract: Contract
      readonly execution: Execution
    }
  | { readonly _tag: "ExecDetailsEnd"; readonly reqId: number }
  | { readonly _tag: "CommissionReport"; readonly report: CommissionReport }
  | {
      readonly _tag: "CompletedOrder"
      readonly contract: Contract
      readonly order: Order
      readonly orderState: OrderState
    }
  | { readonly _tag: "CompletedOrdersEnd" }

/** Reference-data and market-data events, answered per request id. */
export type IbDataEvent =
  | { readonly _tag: "ContractDetails"; readonly reqId: number; readonly details: ContractDetails }
  | { readonly _tag: "ContractDetailsEnd"; readonly reqId: number }
  | { readonly _tag: "TickPrice"; readonly reqId: number; readonly field: number; readonly value: number }
  | { readonly _tag: "TickSize"; readonly reqId: number; readonly field: number; readonly value: number }
  | {
      readonly _tag: "TickOptionComputation"
      readonly reqId: number
      readonly field: number
      readonly impliedVol?: number | undefined
      readonly delta?: number | undefined
      readonly optPrice?: number | undefined
      readonly gamma?: number | undefined
      readonly vega?: number | undefined
      readonly theta?: number | undefined
      readonly undPrice?: number | undefined
    }
  | { readonly _tag: "TickSnapshotEnd"; readonly reqId: number }
  | {
      readonly _tag: "SecDefOptParams"
      readonly reqId: number
      readonly exchange: string
      readonly tradingClass: string
      readonly expirations: ReadonlyArray<string>
      readonly strikes: ReadonlyArray<number>
    }
  | { readonly _tag: "SecDefOptParamsEnd"; readonly reqId: number }

/** The broker's view of orders gathered by a reconciliation. */
export interface ReconcileView {
  readonly open: ReadonlyArray<BrokerOrderSnapshot>
  readonly completed: ReadonlyArray<BrokerOrderSnapshot>
  /** True when `completed` came from IB (reqCompletedOrders); false when IB could not say. */
  readonly completedFromIb: boolean
  /**
   * The reducer's sequence number (Reducer.mark) at the moment the open-orders request was written: an order sent
   * or reported working after it may be missing from the listing only because the listing was taken first.
   */
  readonly asOf: number
}

/**
 * Events the adapter itself adds to the stream: `ReconcileNeeded` after a reconnect (the socket dropped) or after IB
 * restored its own connectivity (1101 data lost, 1102 data maintained); `Reconcile` with what the reconciliation
 * found, after the events of its requests (so the reducer has folded the executions first); `Adopt` for an order
 * of an earlier session found in the journal.
 */
export type IbAdapterEvent =
  | { readonly _tag: "ReconcileNeeded"; readonly reason: string }
  | { readonly _tag: "Reconcile"; readonly view: ReconcileView }
  /** An order of an earlier session, recovered from the journal: its legs let its leg executions be read. */
  | { readonly _tag: "Adopt"; readonly orderId: number; readonly order: ComboOrder.ComboOrder }

/** Everything on the adapter's event hub. */
export type IbEvent = IbConnectionEvent | IbError | IbOrderEvent | IbDataEvent | IbAdapterEvent

/** IBApi's emitter without its typed overloads, so one table can attach every listener. */
interface Emitter {
  on(event: string, listener: (...args: Array<never>) => void): unknown
  off(event: string, listener: (...args: Array<never>) => void): unknown
}

const num = (u: unknown): number => (typeof u === "number" && Number.isFinite(u) ? u : 0)
const optNum = (u: unknown): number | undefined => (typeof u === "number" && Number.isFinite(u) ? u : undefined)

/** One listener per IBApi event, turning its arguments into an {@link IbEvent}. */
const listeners: ReadonlyArray<readonly [EventName, (...args: Array<never>) => IbEvent]> = [
  [EventName.connected, () => ({ _tag: "Connected" })],
  [EventName.disconnected, () => ({ _tag: "Disconnected" })],
  [EventName.nextValidId, (orderId: number) => ({ _tag: "NextValidId", orderId })],
  [
    EventName.managedAccounts,
    (accounts: string) => ({
      _tag: "ManagedAccounts",
      accounts: String(accounts ?? "")
        .split(",")
        .map((a) => a.trim())
        .filter((a) => a !== "")
    })
  ],
  [
    EventName.error,
    (error: Error, code: number, reqId: number) => ({
      _tag: "Error",
      id: typeof reqId === "number" ? reqId : -1,
      code: num(code),
      message: error instanceof Error ? error.message : String(error),
      origin: typeof reqId === "number" && reqId !== -1 ? "server" : "client"
    })
  ],
  [
    EventName.info,
    (message: string, code: number) => ({ _tag: "Error", id: -1, code: num(code), message, origin: "server" })
  ],
  [
    EventName.openOrder,
    (orderId: number, contract: Contract, order: Order, orderState: OrderState) => ({
      _tag: "OpenOrder",
      orderId,
      contract,
      order,
      orderState
    })
  ],
  [EventName.openOrderEnd, () => ({ _tag: "OpenOrderEnd" })],
  [
    EventName.orderStatus,
    (
      orderId: number,
      status: string,
      filled: number,
      remaining: number,
      avgFillPrice: number,
      permId?: number,
      _parentId?: number,
      lastFillPrice?: number,
      clientId?: number,
      whyHeld?: string
    ) => ({
      _tag: "OrderStatus",
      orderId,
      status: String(status),
      filled: num(filled),
      remaining: num(remaining),
      avgFillPrice: num(avgFillPrice),
      permId: optNum(permId),
      lastFillPrice: optNum(lastFillPrice),
      clientId: optNum(clientId),
      whyHeld
    })
  ],
  [
    EventName.execDetails,
    (reqId: number, contract: Contract, execution: Execution) => ({ _tag: "ExecDetails", reqId, contract, execution })
  ],
  [EventName.execDetailsEnd, (reqId: number) => ({ _tag: "ExecDetailsEnd", reqId })],
  [EventName.commissionReport, (report: CommissionReport) => ({ _tag: "CommissionReport", report })],
  [
    EventName.completedOrder,
    (contract: Contract, order: Order, orderState: OrderState) => ({
      _tag: "CompletedOrder",
      contract,
      order,
      orderState
    })
  ],
  [EventName.completedOrdersEnd, () => ({ _tag: "CompletedOrdersEnd" })],
  [
    EventName.contractDetails,
    (reqId: number, details: ContractDetails) => ({ _tag: "ContractDetails", reqId, details })
  ],
  [EventName.contractDetailsEnd, (reqId: number) => ({ _tag: "ContractDetailsEnd", reqId })],
  [
    EventName.tickPrice,
    (reqId: number, field: number, value: number) => ({
      _tag: "TickPrice",
      reqId,
      field: num(field),
      value: num(value)
    })
  ],
  [
    EventName.tickSize,
    (reqId: number, field: number, value: number) => ({ _tag: "TickSize", reqId, field: num(field), value: num(value) })
  ],
  [
    EventName.tickOptionComputation,
    (
      reqId: number,
      field: number,
      _tickAttrib: number,
      impliedVol?: number,
      delta?: number,
      optPrice?: number,
      _pvDividend?: number,
      gamma?: number,
      vega?: number,
      theta?: number,
      undPrice?: number
    ) => ({
      _tag: "TickOptionComputation",
      reqId,
      field: num(field),
      impliedVol: optNum(impliedVol),
      delta: optNum(delta),
      optPrice: optNum(optPrice),
      gamma: optNum(gamma),
      vega: optNum(vega),
      theta: optNum(theta),
      undPrice: optNum(undPrice)
    })
  ],
  [EventName.tickSnapshotEnd, (reqId: number) => ({ _tag: "TickSnapshotEnd", reqId })],
  [
    EventName.securityDefinitionOptionParameter,
    (
      reqId: number,
      exchange: string,
      _underlyingConId: number,
      tradingClass: string,
      _multiplier: string,
      expirations: Array<string>,
      strikes: Array<number>
    ) => ({
      _tag: "SecDefOptParams",
      reqId,
      exchange,
      tradingClass,
      expirations: [...(expirations ?? [])],
      strikes: [...(strikes ?? [])]
    })
  ],
  [EventName.securityDefinitionOptionParameterEnd, (reqId: number) => ({ _tag: "SecDefOptParamsEnd", reqId })]
]

/**
 * Attaches one listener per IBApi event and calls `emit` synchronously, from inside IBApi's decoder loop, with each
 * event in emission order; returns the function that detaches them all. `mask` rewrites the text of every error and
 * notice before it is emitted (account ids out of IB's own texts, see Masking). `emit` must not throw; a shape that
 * cannot be read is dropped (the decoder's own 505 reports a broken message).
 */
export const attach = (
  api: IBApi,
  emit: (event: IbEvent) => void,
  mask: (text: string) => string = (text) => text
): (() => void) => {
  const emitter = api as unknown as Emitter
  const attached = listeners.map(([name, toEvent]) => {
    // A listener must never throw: IBApi calls it from inside its decoder loop.
    const listener = (...args: Array<never>) => {
      let event: IbEvent
      try {
        event = toEvent(...args)
        if (event._tag === "Error") event = { ...event, message: mask(event.message) }
      } catch {
        return
      }
      emit(event)
    }
    emitter.on(name, listener)
    return [name, listener] as const
  })
  return () => {
    for (const [name, listener] of attached) emitter.off(name, listener)
  }
}

/**
 * Every event of one IBApi instance, in emission order, as a Stream (see {@link attach}). The listeners are attached
 * when the stream starts and removed when it ends, so a finished connection leaves nothing behind on its emitter.
 * `onAttached` runs once the listeners are in place: connect only after it, or the first events are lost.
 */
export const fromApi = (api: IBApi, onAttached: Effect.Effect<void> = Effect.void): Stream.Stream<IbEvent> =>
  Stream.callback<IbEvent>((queue) =>
    Effect.acquireRelease(
      Effect.sync(() =>
        attach(api, (event) => {
          Queue.offerUnsafe(queue, event)
        })
      ),
      (detach) => Effect.sync(detach)
    ).pipe(Effect.andThen(onAttached))
  )
