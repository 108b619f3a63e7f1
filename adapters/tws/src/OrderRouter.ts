/**
 * Client order requests, as TWS answers them: PLACE_ORDER (new, modify, what-if), CANCEL_ORDER,
 * REQ_GLOBAL_CANCEL, REQ_OPEN_ORDERS / REQ_ALL_OPEN_ORDERS / REQ_AUTO_OPEN_ORDERS, REQ_COMPLETED_ORDERS and
 * REQ_EXECUTIONS.
 *
 * Orders go to the Broker port under the client's own order id (ids are unique across clients, see OrderIds).
 * What the broker reports back is translated in BrokerEvents. Refusals are TWS's: 103 (id not above the client's
 * highest, or another client's), 104 (modify of a filled order), 105 (modify that changes the contract), 10147
 * (cancel of an unknown order), 10148 (cancel of a done order), 161 (not cancellable), and the mapping errors of
 * OrderMapping (110, 200, 201, 312-314, 321, 387).
 * @module
 */
import type { Broker, BrokerError } from "@spreads/application"
import { IbErrors } from "@spreads/domain"
import type { SimControl } from "@spreads/sim"
import { BigDecimal, Effect } from "effect"
import type { ContractBook } from "./ContractBook.ts"
import type { Peer } from "./Clients.ts"
import type { OrderIds } from "./OrderIds.ts"
import { type MappedOrder, mapPlaceOrder, type MappingContext } from "./OrderMapping.ts"
import {
  completedOrderOf,
  type ExecutionEntry,
  isDone,
  openOrderOf,
  type OrderRecord,
  orderStatusOf
} from "./OrderRecord.ts"
import type { OrderState } from "./OrderState.ts"
import { WireErrorCode } from "./wire/Cursor.ts"
import type { ExecutionFilter, ReqExecutions } from "./wire/Incoming.ts"
import { openOrder } from "./wire/OpenOrder.ts"
import { completedOrdersEnd, errorMessage, executionDataEnd, openOrderEnd } from "./wire/Outgoing.ts"
import type { PlaceOrder } from "./wire/PlaceOrder.ts"

/** What the router works with. */
export interface RouterDeps extends Omit<MappingContext, "clientId"> {
  readonly broker: Broker["Service"]
  readonly sim: SimControl.SimControl["Service"] | undefined
  readonly orders: OrderState
  readonly ids: OrderIds
  readonly book: ContractBook
  /** The accounts the server manages (MANAGED_ACCTS): REQ_COMPLETED_ORDERS lists their orders. */
  readonly accounts: ReadonlyArray<string>
  readonly now: () => number
  /** Runs an effect in the server's scope, detached from the request. */
  readonly fork: (effect: Effect.Effect<void>) => void
}

const refuse = (peer: Peer, id: number, code: number, message: string): void =>
  peer.send(errorMessage({ id, code, message }))

const brokerText = (e: BrokerError): { code: number; message: string } => {
  const code = e.code ?? 201
  return {
    code,
    message: code === 201 && !e.message.startsWith("Order rejected") ? IbErrors.ibErrorText(201, e.message) : e.message
  }
}

const decimal = (text: string): number | undefined => {
  const n = Number(text)
  return text.trim() === "" || !Number.isFinite(n) ? undefined : n
}

/** Handles one client's order requests. */
export class OrderRouter {
  private readonly deps: RouterDeps

  constructor(deps: RouterDeps) {
    this.deps = deps
  }

  /** PLACE_ORDER: a new order, a modify (an open id of this client), or a what-if. */
  readonly place = (peer: Peer, msg: PlaceOrder): Effect.Effect<void> =>
    Effect.suspend(() => {
      const clientId = peer.clientId ?? 0
      const existing = this.deps.orders.records.get(msg.orderId)
      if (existing !== undefined && existing.clientId === clientId) return this.modify(peer, existing, msg)
      const refusal = this.deps.ids.check(clientId, msg.orderId)
      if (refusal !== undefined) {
        refuse(peer, msg.orderId, 103, IbErrors.ibErrorText(103))
        return Effect.void
      }
      this.deps.ids.use(clientId, msg.orderId)
      return mapPlaceOrder({ ...this.deps, clientId }, msg).pipe(
        Effect.matchEffect({
          onFailure: (p) => Effect.sync(() => refuse(peer, msg.orderId, p.code, p.message)),
          onSuccess: (mapped) =>
            msg.order.whatIf === true ? this.whatIf(peer, msg.orderId, mapped) : this.submit(peer, msg, mapped)
        })
      )
    })

  private submit(peer: Peer, msg: PlaceOrder, mapped: MappedOrder): Effect.Effect<void> {
    const { orders } = this.deps
    const quirks = orders.current
    const r: OrderRecord = {
      orderId: msg.orderId,
      clientId: peer.clientId ?? 0,
      permId: orders.permId(),
      isBag: mapped.isBag,
      contract: mapped.contract,
      signature: mapped.signature,
      order: mapped.order,
      combo: mapped.combo,
      pending: undefined,
      status: "PendingSubmit",
      beforeCancel: undefined,
      filled: 0,
      notional: BigDecimal.fromBigInt(0n),
      lastFillPrice: 0,
      execIds: new Set(),
      legExecutions: 0,
      legTotals: new Map(),
      held: quirks.executionsBeforeOpenOrder ? [] : undefined,
      announced: false,
      placedAt: this.deps.now(),
      endReason: undefined
    }
    orders.records.set(r.orderId, r)
    if (r.held !== undefined) {
      this.deps.fork(Effect.sleep(quirks.ackHoldMs).pipe(Effect.andThen(Effect.sync(() => orders.release(r)))))
    }
    const untransmitted =
      msg.order.transmit === false
        ? Effect.logWarning(`order ${r.orderId} (client ${r.clientId}) has transmit=false; the simulator transmits it`)
        : Effect.void
    return untransmitted.pipe(
      Effect.andThen(this.deps.broker.place(r.orderId, r.combo)),
      Effect.tap(() =>
        Effect.logInfo(
          `order ${r.orderId} (client ${r.clientId}) placed: ${r.combo.action} ${r.combo.quantity} ${r.combo.spread.underlying} ${r.combo.spread.strategy}`
        )
      ),
      Effect.catch((e) =>
        Effect.sync(() => {
          const { code, message } = brokerText(e)
          orders.release(r)
          r.status = "Inactive"
          r.endReason = e.message
          orders.settle(r, this.deps.now())
          refuse(peer, r.orderId, code, message)
        })
      )
    )
  }

  private modify(peer: Peer, r: OrderRecord, msg: PlaceOrder): Effect.Effect<void> {
    if (r.status === "Filled") {
      refuse(peer, r.orderId, 104, IbErrors.ibErrorText(104))
      return Effect.void
    }
    if (isDone(r.status)) {
      refuse(peer, r.orderId, 104, `Can't modify an order that is ${r.status}.`)
      return Effect.void
    }
    return mapPlaceOrder({ ...this.deps, clientId: r.clientId }, msg).pipe(
      Effect.matchEffect({
        onFailure: (p) => Effect.sync(() => refuse(peer, r.orderId, p.code, p.message)),
        onSuccess: (mapped) => {
          if (mapped.signature !== r.signature) {
            refuse(peer, r.orderId, 105, IbErrors.ibErrorText(105))
            return Effect.void
          }
          if (msg.order.whatIf === true) return this.whatIf(peer, r.orderId, mapped)
          const combo = { ...mapped.combo, orderRef: r.combo.orderRef }
          r.pending = { order: { ...mapped.order, orderRef: r.order.orderRef ?? "" }, combo }
          return this.deps.broker.modify(r.orderId, combo).pipe(
            Effect.catch((e) =>
              Effect.sync(() => {
                r.pending = undefined
                const { code, message } = brokerText(e)
                refuse(peer, r.orderId, code, message)
              })
            )
          )
        }
      })
    )
  }

  /** A what-if: OPEN_ORDER with the broker's margin and commission, nothing placed. */
  private whatIf(peer: Peer, orderId: number, mapped: MappedOrder): Effect.Effect<void> {
    return this.deps.broker.whatIf(mapped.combo).pipe(
      Effect.match({
        onFailure: (e) => {
          const { code, message } = brokerText(e)
          refuse(peer, orderId, code, message)
        },
        onSuccess: (w) => {
          const init = decimal(w.initMarginChange)
          const maint = decimal(w.maintMarginChange)
          const commission = decimal(w.commission)
          peer.send(
            openOrder(
              mapped.contract,
              { ...mapped.order, orderId, clientId: peer.clientId ?? 0, permId: 0, whatIf: true },
              {
                status: "PreSubmitted",
                initMarginBefore: 0,
                maintMarginBefore: 0,
                initMarginChange: init,
                maintMarginChange: maint,
                initMarginAfter: init,
                maintMarginAfter: maint,
                equityWithLoanAfter: decimal(w.equityWithLoanAfter),
                commission,
                minCommission: commission,
                maxCommission: commission,
                commissionCurrency: w.currency
              }
            )
          )
        }
      })
    )
  }

  /** Marks an order PendingCancel (OPEN_ORDER + ORDER_STATUS) and asks the broker to cancel it. */
  private startCancel(r: OrderRecord): Effect.Effect<void> {
    const { orders, broker, sim } = this.deps
    r.beforeCancel = r.status
    r.status = "PendingCancel"
    orders.deliver(r, orders.openAndStatus(r))
    const send = broker.cancel(r.orderId).pipe(
      Effect.catch((e) =>
        Effect.sync(() => {
          if (r.status !== "PendingCancel") return
          r.status = r.beforeCancel ?? "Submitted"
          r.beforeCancel = undefined
          orders.deliver(r, [errorMessage({ id: r.orderId, code: e.code ?? 161, message: e.message })])
          orders.deliver(r, orders.statusMessages(r))
        })
      )
    )
    const q = orders.current
    if (q.fillsDuringPendingCancel && sim === undefined && q.cancelHoldMs > 0) {
      this.deps.fork(Effect.sleep(q.cancelHoldMs).pipe(Effect.andThen(send)))
      return Effect.void
    }
    return send
  }

  /** CANCEL_ORDER. */
  readonly cancel = (peer: Peer, orderId: number): Effect.Effect<void> =>
    Effect.suspend(() => {
      const r = this.deps.orders.records.get(orderId)
      if (r === undefined || r.clientId !== peer.clientId) {
        refuse(peer, orderId, 10147, IbErrors.ibErrorText(10147, String(orderId)))
        return Effect.void
      }
      if (r.status === "Filled" || r.status === "Cancelled" || r.status === "ApiCancelled") {
        refuse(
          peer,
          orderId,
          10148,
          `OrderId ${orderId} that needs to be cancelled can not be cancelled, state: ${r.status}.`
        )
        return Effect.void
      }
      if (r.status === "Inactive") {
        refuse(peer, orderId, 161, IbErrors.ibErrorText(161))
        return Effect.void
      }
      // A repeated cancel while one is in flight is absorbed, as TWS does: answering 161 would make a client
      // think the order resumed working.
      if (r.status === "PendingCancel") return Effect.void
      return this.startCancel(r)
    })

  /** REQ_GLOBAL_CANCEL: every open order of every client. */
  readonly globalCancel = (): Effect.Effect<void> =>
    Effect.suspend(() => {
      const open = [...this.deps.orders.records.values()].filter(
        (r) => !isDone(r.status) && r.status !== "PendingCancel"
      )
      return Effect.forEach(open, (r) => this.startCancel(r), { discard: true })
    })

  /** REQ_OPEN_ORDERS (`mine`) / REQ_ALL_OPEN_ORDERS: OPEN_ORDER + ORDER_STATUS per open order, then OPEN_ORDER_END. */
  openOrders(peer: Peer, which: "mine" | "all"): void {
    const { orders } = this.deps
    for (const r of orders.records.values()) {
      if (isDone(r.status) || (which === "mine" && r.clientId !== peer.clientId)) continue
      peer.send(openOrderOf(r, orders.current))
      peer.send(orderStatusOf(r, orders.current))
    }
    peer.send(openOrderEnd())
  }

  /**
   * REQ_COMPLETED_ORDERS: COMPLETED_ORDER per finished order (Filled, Cancelled, ApiCancelled, Inactive) of the
   * server's accounts, whichever client placed it, oldest first, then COMPLETED_ORDERS_END. Orders refused before
   * they reached the broker (never acknowledged, Inactive) are not listed; nor are finished orders the server
   * has evicted (see `Config.maxFinishedOrders`). `apiOnly` changes nothing: every order here came through the API.
   * Under the `noCompletedOrders` quirk the request is refused as an unknown message, as a TWS older than 976 does.
   */
  completedOrders(peer: Peer): void {
    const { orders, accounts } = this.deps
    if (orders.current.noCompletedOrders) {
      // An older TWS: the message id is unknown to it (see the `noCompletedOrders` quirk).
      peer.send(errorMessage({ id: -1, code: WireErrorCode.UnknownMessageId, message: "unknown message id 99" }))
      return
    }
    for (const r of orders.finishedOrders()) {
      if (r.status === "Inactive" && !r.announced) continue
      if (!accounts.includes(r.order.account ?? this.deps.account)) continue
      peer.send(completedOrderOf(r, orders.finishedAt(r.orderId) ?? r.placedAt))
    }
    peer.send(completedOrdersEnd())
  }

  /** REQ_EXECUTIONS: matching executions with their commission reports, then EXECUTION_DATA_END. */
  executions(peer: Peer, req: ReqExecutions): void {
    for (const e of this.deps.orders.executions()) {
      if (!matches(req.filter, e)) continue
      for (const m of this.deps.orders.executionMessages(req.reqId, e)) peer.send(m)
    }
    peer.send(executionDataEnd(req.reqId))
  }
}

const normalTime = (t: string): string => t.trim().replace("-", " ").slice(0, 17)

/** True when an execution passes a REQ_EXECUTIONS filter (empty fields match everything). */
export const matches = (f: ExecutionFilter, e: ExecutionEntry): boolean => {
  const x = e.execution
  const side = f.side.toUpperCase()
  return (
    (f.clientId === undefined || f.clientId === 0 || f.clientId === e.clientId) &&
    (f.acctCode === "" || f.acctCode === x.acctNumber) &&
    (f.time === "" || normalTime(x.time) >= normalTime(f.time)) &&
    (f.symbol === "" || f.symbol.toUpperCase() === e.contract.symbol) &&
    (f.secType === "" || f.secType.toUpperCase() === e.contract.secType) &&
    (f.exchange === "" || f.exchange.toUpperCase() === x.exchange) &&
    (side === "" || (side === "BUY" ? "BOT" : side === "SELL" ? "SLD" : side) === x.side)
  )
}
