/**
 * The reducer: raw IBApi events in, BrokerEvents out, for the OrderBook to fold.
 *
 * The mapping, as IB really behaves (shared/IB-PROTOCOL.md):
 * - openOrder / orderStatus: PreSubmitted, Submitted -> Acknowledged (once per status, with the permId);
 *   Cancelled, ApiCancelled -> Cancelled (once; `api` when this adapter asked or IB says ApiCancelled);
 *   Inactive -> Inactive (once, with the last error IB gave for the order); Filled is NOT a fill (fills come from
 *   executions only); PendingSubmit, PendingCancel -> nothing. An openOrder that shows the terms of a modify in
 *   flight -> Modified.
 * - execDetails: the BAG execution (secType BAG or conId 28812380) -> Filled at the NetPrice read from IB's signed
 *   combo price for the order's action; an option leg -> LegFilled with its legIndex matched by conId. Executions may
 *   come before openOrder (accepted), and each execId counts once. Leg executions of an order whose legs are not
 *   known yet are held until its openOrder shows them.
 * - commissionReport -> CommissionReported for its execId; a report that beats its execution is held and attached
 *   to the execution when it arrives. Placeholder values (unset doubles) are ignored.
 * - ERR_MSG by order id, read with what was last asked of the order (IbErrors.classifyIbError): 202 -> Cancelled with
 *   IB's reason; 10147/10148/161 -> CancelRejected; 201/203/321/110/312/313/314/10002/103/200 on a new order ->
 *   Rejected; any order-refusing code while a modify is in flight (104/105/110/201, ...) -> ModifyRejected (the old
 *   terms stay live at IB); 399 and other warnings, and unknown codes on a working order -> Warning (no state change).
 * - Events of other client ids are ignored: their order ids live in another number space and would hit our orders.
 * - Socket loss -> ContactLost for every live order; the reconciliation after the reconnect -> Reconciled (or Rejected
 *   for an order that never reached IB), judged only on evidence: see Reconciliation and {@link Reducer.mark}.
 * Every event carries the order's orderRef and permId when known, so the OrderBook can also match by them.
 * - Memory stays flat over a long session: finished orders beyond the most recent 10,000 are forgotten with their
 *   executions once they have been finished for a minute (late commission reports and duplicates still read right in
 *   that time); orders that lost contact are kept until a reconciliation settles them. Commission reports for
 *   executions never seen here (another client's) wait at most 10,000 at a time.
 * @module
 */
import type { BrokerEvent, BrokerExecution, BrokerOrderSnapshot } from "@spreads/application"
import { type ComboOrder, IbErrors, OrderStatus, Price, type Values } from "@spreads/domain"
import type { CommissionReport, Contract, Execution, Order, OrderState } from "@stoqey/ib"
import { ibLimitPrice } from "./ComboBuilder.ts"
import * as Executions from "./Executions.ts"
import type { IbEvent, ReconcileView } from "./IbEvent.ts"
import { blank, brokerEvent, type KnownLeg, type OrderInfo, type Pending } from "./OrderInfo.ts"
import * as Reconciliation from "./Reconciliation.ts"
import { toDomainStatus } from "./Snapshots.ts"

export type { KnownLeg, OrderInfo, Pending } from "./OrderInfo.ts"
export { sideAction, toDecimal } from "./Executions.ts"

const { sideAction, toDecimal } = Executions

/** Orders the reducer may learn of between two sweeps (see Reducer.sweep). */
const SWEEP_EVERY = 1_024
/** Commission reports kept waiting for their execution, at most. */
const MAX_HELD_COMMISSIONS = 10_000

/** The reducer of one adapter. Mutable and synchronous: it runs on the single fiber that reads the event hub. */
export class Reducer {
  private readonly orders = new Map<number, OrderInfo>()
  private readonly whatIfIds = new Set<number>()
  /** execId -> order id, for every execution seen. */
  private readonly execs = new Map<string, number>()
  private readonly commissionsSent = new Set<string>()
  private readonly heldCommissions = new Map<string, number>()
  private readonly heldLegs = new Map<number, Array<{ contract: Contract; execution: Execution }>>()
  /** Orders the sequence of sends, working reports and listing requests (see {@link mark}). */
  private seq = 0

  readonly clientId: number
  /** Finished orders kept, at least; older ones are forgotten once past the grace period (see {@link sweep}). */
  private readonly retainFinished: number
  /** How long a finished order is kept at least: its late reports (commissions, duplicates) still read right. */
  private readonly graceMs: number
  /** The number of known orders at which the next sweep runs. */
  private sweepAt: number

  constructor(clientId: number, retention: { readonly finished?: number; readonly graceMs?: number } = {}) {
    this.clientId = clientId
    this.retainFinished = retention.finished ?? 10_000
    this.graceMs = retention.graceMs ?? 60_000
    this.sweepAt = this.retainFinished + SWEEP_EVERY
  }

  /** How much the reducer holds: orders known, executions remembered, commission reports waiting. */
  sizes(): { readonly orders: number; readonly executions: number; readonly heldCommissions: number } {
    return { orders: this.orders.size, executions: this.execs.size, heldCommissions: this.heldCommissions.size }
  }

  /** Registers an order about to be placed: its errors read as "new", its legs and action are known. */
  placed(orderId: number, combo: ComboOrder.ComboOrder): void {
    const info = this.info(orderId)
    info.combo = combo
    info.orderRef = combo.orderRef
    info.action = combo.action
    info.quantity = combo.quantity
    info.pending = "new"
    const legs: Array<KnownLeg> = []
    for (const l of combo.spread.legs) {
      if (l.contract.conId === undefined) return
      legs.push({ conId: l.contract.conId, action: l.action, ratio: l.ratio })
    }
    info.legs = legs
  }

  /**
   * The order's placement or modify is being written to the socket now (call it from inside the write): a listing
   * asked for before this moment cannot speak for the order.
   */
  sent(orderId: number): void {
    const info = this.orders.get(orderId)
    if (info !== undefined) info.lastSeen = ++this.seq
  }

  /**
   * A stamp for a listing request being written now (call it from inside the write): the `asOf` of the
   * ReconcileView built from its answer.
   */
  mark(): number {
    return ++this.seq
  }

  /** Orders that lost contact and still wait for a reconciliation that can speak for them. */
  unsettled(): number {
    return Reconciliation.unsettled(this.orders)
  }

  /** Registers a modify about to be sent; the openOrder showing these terms confirms it. */
  modifying(orderId: number, combo: ComboOrder.ComboOrder): void {
    const info = this.info(orderId)
    info.pending = "modify"
    info.modifyTo = {
      combo,
      quantity: combo.quantity,
      ...(combo.limitPrice === undefined ? {} : { lmtPrice: ibLimitPrice(combo.action, combo.limitPrice) })
    }
  }

  /** Registers a cancel about to be sent. */
  cancelling(orderId: number): void {
    const info = this.info(orderId)
    info.pending = "cancel"
    info.cancelRequested = true
  }

  /**
   * A request could not be sent (nothing reached IB): a new order is dropped from tracking (the caller records its
   * rejection), a modify or cancel is no longer in flight.
   */
  notSent(orderId: number, what: Pending): void {
    const info = this.orders.get(orderId)
    if (info === undefined) return
    if (what === "new") {
      info.terminal = "Rejected"
      info.pending = undefined
      return
    }
    if (info.pending === what) info.pending = undefined
    if (what === "modify") info.modifyTo = undefined
    if (what === "cancel") info.cancelRequested = false
  }

  /**
   * An execution as a reconciliation reports it (no bookkeeping: the hub's copy of the same execution goes through
   * {@link apply}). Undefined for other clients' executions, non-option legs, and legs of an order whose legs are not
   * known.
   */
  describeExecution(
    contract: Contract,
    execution: Execution,
    commission: number | undefined,
    at: number
  ): BrokerExecution | undefined {
    const orderId = execution.orderId ?? 0
    if (!this.mine(orderId, execution.clientId)) return undefined
    return Executions.describe(this.orders.get(orderId), contract, execution, commission, at)
  }

  /** Orders this session saw reach a final state (see Reconciliation.completed). */
  completed(): ReadonlyArray<BrokerOrderSnapshot> {
    return Reconciliation.completed(this.orders)
  }

  /** ContactLost for every live order (the socket went away). */
  contactLost(at: number): ReadonlyArray<BrokerEvent> {
    return Reconciliation.contactLost(this.orders, at)
  }

  /** Orders whose cancel died with the socket (see Reconciliation.lostCancels). */
  lostCancels(open: ReadonlyArray<BrokerOrderSnapshot>): ReadonlyArray<number> {
    return Reconciliation.lostCancels(this.orders, open)
  }

  /** Reconciled statuses from the broker's view after a reconnect (see Reconciliation.reconciled). */
  reconciled(view: ReconcileView, at: number): ReadonlyArray<BrokerEvent> {
    return Reconciliation.reconciled(this.orders, view, at)
  }

  /**
   * An order of an earlier session (from the journal): what IB did not tell this session about it (legs, action,
   * quantity, orderRef) is taken from the order as it was placed, and leg executions held for want of its legs are
   * released. What IB said wins where both know.
   */
  adopt(orderId: number, combo: ComboOrder.ComboOrder, at: number): ReadonlyArray<BrokerEvent> {
    const info = this.info(orderId)
    info.combo ??= combo
    info.orderRef ??= combo.orderRef
    info.action ??= combo.action
    info.quantity ??= combo.quantity
    if (info.legs === undefined && combo.spread.legs.every((l) => l.contract.conId !== undefined)) {
      info.legs = combo.spread.legs.map((l) => ({ conId: l.contract.conId!, action: l.action, ratio: l.ratio }))
    }
    if (info.terminal === undefined && info.comboFilled >= info.quantity) info.terminal = "Filled"
    return this.releaseLegs(orderId, info, at)
  }

  /** True when leg executions of the order wait for its legs (see {@link adopt}). */
  needsLegs(orderId: number): boolean {
    return this.heldLegs.has(orderId) && this.orders.get(orderId)?.legs === undefined
  }

  /** A what-if id: its openOrder and errors belong to the preview, not to an order. */
  whatIf(orderId: number): void {
    this.whatIfIds.add(orderId)
  }

  /** What is known about an order. */
  get(orderId: number): OrderInfo | undefined {
    return this.orders.get(orderId)
  }

  /**
   * Our order with this permId, else with this orderRef: a completed order carries neither its order id nor its
   * client id (IB's decoder does not read them), so those are how it is recognised.
   */
  idOf(permId: number | undefined, orderRef: string | undefined): number | undefined {
    if (typeof permId === "number" && permId > 0) {
      for (const [id, info] of this.orders) if (info.permId === permId) return id
    }
    if (orderRef !== undefined && orderRef !== "") {
      for (const [id, info] of this.orders) if (info.orderRef === orderRef) return id
    }
    return undefined
  }

  /** Ids of orders that are live as far as this reducer has published. */
  liveOrders(): ReadonlyArray<number> {
    return [...this.orders.entries()].filter(([, i]) => i.terminal === undefined).map(([id]) => id)
  }

  /** Applies one event at time `at`, returning the BrokerEvents it means (often none). */
  apply(event: IbEvent, at: number): ReadonlyArray<BrokerEvent> {
    if (this.orders.size >= this.sweepAt) this.sweep(at)
    switch (event._tag) {
      case "OpenOrder":
        return this.openOrder(event.orderId, event.contract, event.order, event.orderState, at)
      case "OrderStatus":
        if (!this.mine(event.orderId, event.clientId)) return []
        return this.status(event.orderId, event.status, event.permId, at, undefined)
      case "ExecDetails":
        return this.execution(event.contract, event.execution, at)
      case "CommissionReport":
        return this.commission(event.report, at)
      case "Error":
        return event.id > 0 ? this.error(event.id, event.code, event.message, at) : []
      case "Disconnected":
        return this.contactLost(at)
      case "Reconcile":
        return this.reconciled(event.view, at)
      case "Adopt":
        return this.adopt(event.orderId, event.order, at)
      default:
        return []
    }
  }

  private openOrder(orderId: number, contract: Contract, order: Order, state: OrderState, at: number) {
    if (!this.mine(orderId, order.clientId) || order.whatIf === true || this.whatIfIds.has(orderId)) return []
    const info = this.info(orderId)
    if (order.orderRef !== undefined && order.orderRef !== "") info.orderRef = order.orderRef
    if (typeof order.permId === "number" && order.permId > 0) info.permId = order.permId
    info.action ??= sideAction(order.action)
    info.contract = contract
    info.legs ??= Executions.legsOf(contract)
    const out: Array<BrokerEvent> = []
    if (info.pending === "modify" && info.modifyTo !== undefined && this.showsTerms(order, info.modifyTo)) {
      const { modifyTo } = info
      info.pending = undefined
      info.modifyTo = undefined
      info.quantity = modifyTo.quantity
      info.combo = modifyTo.combo
      const action = info.action
      out.push(
        brokerEvent(orderId, info, {
          _tag: "Modified",
          at,
          quantity: modifyTo.quantity as Values.Quantity,
          ...(modifyTo.lmtPrice === undefined || action === undefined
            ? {}
            : { limitPrice: Price.fromIbLimit(action, toDecimal(modifyTo.lmtPrice)) })
        })
      )
    } else if (info.quantity === undefined && typeof order.totalQuantity === "number") {
      info.quantity = order.totalQuantity
    }
    out.push(...this.status(orderId, state.status, info.permId, at, info))
    out.push(...this.releaseLegs(orderId, info, at))
    return out
  }

  private showsTerms(order: Order, to: { readonly lmtPrice?: number; readonly quantity: number }): boolean {
    const sameQty = order.totalQuantity === to.quantity
    const samePrice = to.lmtPrice === undefined || Math.abs((order.lmtPrice ?? Number.NaN) - to.lmtPrice) < 1e-9
    return sameQty && samePrice
  }

  private status(
    orderId: number,
    status: string | undefined,
    permId: number | undefined,
    at: number,
    known: OrderInfo | undefined
  ): ReadonlyArray<BrokerEvent> {
    if (this.whatIfIds.has(orderId) || orderId <= 0) return []
    const info = known ?? this.info(orderId)
    if (typeof permId === "number" && permId > 0) info.permId = permId
    if (status !== undefined) info.ibStatus = status
    if (info.terminal !== undefined) return []
    const reported = toDomainStatus(status)
    // Reported working now: a listing asked for before this cannot speak for the order.
    if (OrderStatus.isWorking(reported) || reported === "PendingCancel") info.lastSeen = ++this.seq
    switch (reported) {
      case "PreSubmitted":
      case "Submitted": {
        const s = status === "PreSubmitted" ? "PreSubmitted" : "Submitted"
        if (info.pending === "new") info.pending = undefined
        if (info.lastAck === s) return []
        info.lastAck = s
        return [
          brokerEvent(orderId, info, {
            _tag: "Acknowledged",
            at,
            status: s,
            ...(info.permId === undefined ? {} : { permId: info.permId })
          })
        ]
      }
      case "Cancelled":
      case "ApiCancelled":
        return this.cancelled(orderId, info, at, status === "ApiCancelled")
      case "Inactive":
        info.terminal = "Inactive"
        return [
          brokerEvent(orderId, info, {
            _tag: "Inactive",
            at,
            code: info.lastError?.code ?? 0,
            reason: info.lastError?.message ?? "IB reports the order inactive (not working)"
          })
        ]
      default:
        return []
    }
  }

  private cancelled(
    orderId: number,
    info: OrderInfo,
    at: number,
    apiStatus: boolean,
    reason?: string
  ): Array<BrokerEvent> {
    if (info.terminal !== undefined) return []
    info.terminal = "Cancelled"
    info.pending = undefined
    const given = reason !== undefined && !/reason:\s*$/.test(reason) ? reason : undefined
    const why =
      given ?? (info.cancelRequested ? "cancelled on request" : "cancelled by IB or the exchange (no reason given)")
    return [brokerEvent(orderId, info, { _tag: "Cancelled", at, reason: why, api: apiStatus || info.cancelRequested })]
  }

  private execution(contract: Contract, execution: Execution, at: number): ReadonlyArray<BrokerEvent> {
    const orderId = execution.orderId ?? 0
    if (!this.mine(orderId, execution.clientId) || !Executions.readable(execution)) return []
    const execId = execution.execId!
    if (this.execs.has(execId)) return []
    const info = this.info(orderId)
    if (execution.orderRef !== undefined && execution.orderRef !== "") info.orderRef ??= execution.orderRef
    if (typeof execution.permId === "number" && execution.permId > 0) info.permId ??= execution.permId
    if (Executions.isBag(contract)) {
      this.execs.set(execId, orderId)
      ;(info.execIds ??= []).push(execId)
      info.comboFilled += execution.shares!
      // Fully filled: nothing IB says later changes that (a Filled order is never lost, cancelled or reconciled).
      if (info.quantity !== undefined && info.comboFilled >= info.quantity) info.terminal = "Filled"
      const action = info.action ?? sideAction(execution.side) ?? "BUY"
      return [brokerEvent(orderId, info, Executions.comboFill(execution, action, at, this.heldCommission(execId)))]
    }
    if (contract.secType !== undefined && contract.secType !== "OPT") return []
    if (info.legs === undefined) {
      const held = this.heldLegs.get(orderId) ?? []
      if (!held.some((h) => h.execution.execId === execId)) held.push({ contract, execution })
      this.heldLegs.set(orderId, held)
      return []
    }
    return [this.legFill(orderId, info, info.legs, contract, execution, at)]
  }

  private legFill(
    orderId: number,
    info: OrderInfo,
    legs: ReadonlyArray<KnownLeg>,
    contract: Contract,
    execution: Execution,
    at: number
  ): BrokerEvent {
    const execId = execution.execId!
    this.execs.set(execId, orderId)
    ;(info.execIds ??= []).push(execId)
    return brokerEvent(orderId, info, Executions.legFill(contract, execution, legs, at, this.heldCommission(execId)))
  }

  private releaseLegs(orderId: number, info: OrderInfo, at: number): ReadonlyArray<BrokerEvent> {
    const held = this.heldLegs.get(orderId)
    const legs = info.legs
    if (held === undefined || legs === undefined) return []
    this.heldLegs.delete(orderId)
    return held
      .filter((h) => !this.execs.has(h.execution.execId!))
      .map((h) => this.legFill(orderId, info, legs, h.contract, h.execution, at))
  }

  private heldCommission(execId: string): Price.Decimal | undefined {
    const held = this.heldCommissions.get(execId)
    if (held === undefined) return undefined
    this.heldCommissions.delete(execId)
    this.commissionsSent.add(execId)
    return toDecimal(held)
  }

  private commission(report: CommissionReport, at: number): ReadonlyArray<BrokerEvent> {
    const execId = report.execId ?? ""
    if (execId === "" || !Executions.usable(report.commission) || this.commissionsSent.has(execId)) return []
    const orderId = this.execs.get(execId)
    if (orderId === undefined) {
      this.heldCommissions.set(execId, report.commission)
      // Reports for executions never seen here (another client's) would wait forever: the oldest go first.
      if (this.heldCommissions.size > MAX_HELD_COMMISSIONS) {
        this.heldCommissions.delete(this.heldCommissions.keys().next().value!)
      }
      return []
    }
    this.commissionsSent.add(execId)
    const info = this.info(orderId)
    return [
      brokerEvent(orderId, info, {
        _tag: "CommissionReported",
        at,
        execId: execId as Values.ExecId,
        commission: toDecimal(report.commission)
      })
    ]
  }

  private error(orderId: number, code: number, message: string, at: number): ReadonlyArray<BrokerEvent> {
    if (this.whatIfIds.has(orderId)) return []
    // An error for an order never seen (a cancel of an unknown id: 10147) does not make it a tracked order.
    const info = this.orders.get(orderId)
    const context = info?.pending ?? "none"
    const outcome = IbErrors.classifyIbError(code, context, message)
    const target = info ?? blank()
    const refusal = (): ReadonlyArray<BrokerEvent> => {
      if (context === "modify") return this.modifyRejected(orderId, target, code, message, at)
      if (context === "cancel") return this.cancelRejected(orderId, target, code, message, at)
      if (target.terminal !== undefined) return []
      target.terminal = "Rejected"
      target.pending = undefined
      return [brokerEvent(orderId, target, { _tag: "Rejected", at, code, reason: message })]
    }
    switch (outcome) {
      case "Cancelled":
        target.lastError = { code, message }
        // TWS sends ORDER_STATUS Cancelled before 202: keep IB's reason on the order as a note when it says one.
        if (target.terminal !== undefined) {
          return /reason:\s*\S/.test(message)
            ? [brokerEvent(orderId, target, { _tag: "Warning", at, code, message })]
            : []
        }
        return this.cancelled(orderId, target, at, false, message)
      case "CancelRejected":
        return this.cancelRejected(orderId, target, code, message, at)
      case "ModifyRejected":
        return this.modifyRejected(orderId, target, code, message, at)
      case "Rejected":
      case "DuplicateOrderId":
      case "NoSecurityDefinition":
      case "Pacing":
        target.lastError = { code, message }
        return refusal()
      case "Warning":
      case "Info":
        return [brokerEvent(orderId, target, { _tag: "Warning", at, code, message })]
      default:
        return []
    }
  }

  private cancelRejected(orderId: number, info: OrderInfo, code: number, reason: string, at: number) {
    if (info.pending === "cancel") info.pending = undefined
    const rejected = brokerEvent(orderId, info, { _tag: "CancelRejected", at, code, reason })
    // 10148 names the state that made the order uncancellable ("... can not be cancelled, state: Cancelled."). A
    // finished state is news about the order itself, so it is reported as the broker's truth after the refusal.
    // (Filled is left to the executions, which carry the fills.)
    const state = code === 10148 ? /state:\s*(Cancelled|ApiCancelled|Inactive)\b/.exec(reason)?.[1] : undefined
    return state === undefined
      ? [rejected]
      : [
          rejected,
          brokerEvent(orderId, info, {
            _tag: "Reconciled",
            at,
            status: state as "Cancelled" | "ApiCancelled" | "Inactive"
          })
        ]
  }

  private modifyRejected(orderId: number, info: OrderInfo, code: number, reason: string, at: number) {
    if (info.pending === "modify") info.pending = undefined
    info.modifyTo = undefined
    return [brokerEvent(orderId, info, { _tag: "ModifyRejected", at, code, reason })]
  }

  /**
   * Forgets the oldest finished orders beyond the retention, once they have been finished for the grace period, with
   * their executions: a long session's memory stays flat. Runs when the orders known grew by {@link SWEEP_EVERY}
   * since the last sweep, so its pass over them costs little per order. Orders that lost contact are kept until
   * a reconciliation settles them.
   */
  private sweep(now: number): void {
    let finished = 0
    for (const info of this.orders.values()) {
      if (info.terminal === undefined || info.contactLost) continue
      info.finishedAt ??= now
      finished++
    }
    let excess = finished - this.retainFinished
    for (const [orderId, info] of this.orders) {
      if (excess <= 0) break
      if (info.terminal === undefined || info.contactLost || now - (info.finishedAt ?? now) < this.graceMs) continue
      this.orders.delete(orderId)
      for (const execId of info.execIds ?? []) {
        this.execs.delete(execId)
        this.commissionsSent.delete(execId)
      }
      this.heldLegs.delete(orderId)
      this.whatIfIds.delete(orderId)
      excess--
    }
    this.sweepAt = this.orders.size + SWEEP_EVERY
  }

  private mine(orderId: number, clientId: number | undefined): boolean {
    return orderId > 0 && (clientId === undefined || clientId === this.clientId)
  }

  /** The order's record, created on first sight: only orders placed here or reported by IB get one. */
  private info(orderId: number): OrderInfo {
    let info = this.orders.get(orderId)
    if (info === undefined) {
      info = blank()
      this.orders.set(orderId, info)
    }
    return info
  }
}
