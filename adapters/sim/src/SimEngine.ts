/**
 * The simulated broker's core: a discrete-event machine over virtual time, with no Effect, no clock and no IO. Every
 * command and timer takes the simulated time in; events queue in an outbox that the Effect shell (SimBroker.ts)
 * drains and publishes once the engine is settled. The shell feeds it the Clock's time and wakes it when its next
 * timer is due.
 *
 * Invariants:
 * - Same seed, same commands at the same virtual times => the same events, in the same order, with the same ids.
 * - Per order, combo fills never exceed the quantity, and each leg execution is exactly ratio x its combo execution.
 * - Events are stamped with the time they were due, not the time the shell got round to them.
 * - While disconnected, executions are buffered and replayed on reconnect, followed by a Reconciled per order the
 *   outage touched; status events of the outage are not replayed (the Reconciled status carries them).
 * @module
 */
import type { BrokerEvent, BrokerExecution } from "@spreads/application"
import type { ComboOrder, OrderEvent } from "@spreads/domain"
import { IbErrors } from "@spreads/domain"
import { attempt, type Position } from "./Fills.ts"
import { Outbox } from "./Outbox.ts"
import { expiryClose, formatOpen, isRegularSession, nextOpen, sessionClose } from "./MarketHours.ts"
import * as Random from "./Random.ts"
import { drawLatency, type Faults, type Latency, type SimConfig } from "./SimConfig.ts"
import type { SimMarket } from "./SimMarket.ts"
import { isDone, reportedStatus, Scripts, type SimOrder } from "./SimOrder.ts"
import { Timers, type Timer } from "./SimTimers.ts"
import * as V from "./Validation.ts"

const MINUTE = 60_000
/** Stale evaluations below this many are left to fall due. */
const PRUNE_FLOOR = 512
const PERM = Random.purpose("perm-id")

/** The broker engine. */
export class SimEngine {
  readonly config: SimConfig
  readonly market: SimMarket
  readonly orders = new Map<number, SimOrder>()
  readonly open = new Map<number, SimOrder>()
  readonly completed: Array<number> = []
  readonly executions: Array<BrokerExecution> = []
  readonly positions = new Map<string, Position>()
  readonly timers = new Timers()
  nextId: number
  permSeq = 0
  latencies: Pick<SimConfig, "ackMs" | "fillMs" | "cancelMs" | "modifyMs">
  faults: Faults
  marketOpen: boolean | "auto"
  /** What the test scripted for the next orders (SimControl.scriptFills, rejectNext). */
  readonly scripts = new Scripts()
  private globalDraws = 0
  private readonly permBase: number
  private readonly outbox: Outbox

  constructor(config: SimConfig, market: SimMarket) {
    this.config = config
    this.market = market
    this.outbox = new Outbox()
    this.nextId = config.firstOrderId
    this.latencies = {
      ackMs: config.ackMs,
      fillMs: config.fillMs,
      cancelMs: config.cancelMs,
      modifyMs: config.modifyMs
    }
    this.faults = config.faults
    this.marketOpen = config.marketOpen
    this.permBase = 100_000_000 + (Random.combine(config.seed, PERM) % 900_000_000)
  }

  // ---------------------------------------------------------------------------------------------- time and market

  /** Runs every timer due at or before `now`, in order, then drops stale timers if they have piled up. */
  advance(now: number): void {
    for (;;) {
      const e = this.timers.next(now)
      if (e === undefined) break
      this.run(e.at, e.item)
    }
    this.prune()
  }

  /** Evaluation timers on the agenda; at most one per open order is live, the rest are stale. */
  private evals = 0

  /**
   * Drops evaluations that can no longer do anything (the order finished, or was re-scheduled since), so an order
   * that finished long before its next evaluation (one held for tomorrow's open, say) holds no memory until then.
   * Amortised: it runs only once stale evaluations are at least half the agenda, and removes them all.
   */
  private prune(): void {
    const stale = this.evals - this.open.size
    if (stale <= PRUNE_FLOOR || stale * 2 < this.timers.size) return
    let kept = 0
    this.timers.retain((t) => {
      if (t.kind !== "eval") return true
      const live = t.token === t.o.token && !isDone(t.o.status)
      if (live) kept++
      return live
    })
    this.evals = kept
  }

  /** Is the market open at `ms` (the session clock, or the forced state)? */
  isOpen(ms: number): boolean {
    return this.marketOpen === "auto" ? isRegularSession(ms) : this.marketOpen
  }

  private lat(l: Latency, o: SimOrder | undefined): number {
    if (typeof l === "number") return l
    return drawLatency(l, this.config.seed, o?.orderId ?? 0, o === undefined ? this.globalDraws++ : o.draws++)
  }

  // ---------------------------------------------------------------------------------------------------- commands

  /** A fresh order id above every id seen. */
  nextOrderId(): number {
    return this.nextId++
  }

  /** Accepts an order for processing; fails only with 103 when the id is taken. Everything else arrives as events. */
  place(orderId: number, order: ComboOrder.ComboOrder, now: number): V.Rejection | undefined {
    if (this.orders.has(orderId)) return { code: 103, reason: IbErrors.ibErrorText(103) }
    this.nextId = Math.max(this.nextId, orderId + 1)
    const o: SimOrder = {
      orderId,
      permId: this.permBase + ++this.permSeq,
      orderRef: order.orderRef,
      order,
      legs: [],
      limit: V.limitOf(order),
      quantity: order.quantity,
      filled: 0,
      notional: 0,
      status: "PendingSubmit",
      accepted: false,
      held: false,
      pendingCancel: false,
      script: this.scripts.takeFills(),
      scripted: 0,
      token: 0,
      nextEvalAt: Number.POSITIVE_INFINITY,
      draws: 0,
      executions: 0,
      sessionEnd: undefined,
      placedAt: now,
      doneAt: undefined
    }
    this.orders.set(orderId, o)
    this.open.set(orderId, o)
    const rejection = this.scripts.takeRejection() ?? this.check(o, now)
    const at = now + this.lat(this.latencies.ackMs, o)
    this.timers.push(at, rejection === undefined ? { kind: "ack", o } : { kind: "reject", o, ...rejection })
    return undefined
  }

  private check(o: SimOrder, now: number): V.Rejection | undefined {
    const legs = V.resolveLegs(this.market, o.order, now)
    if ("code" in legs) return legs
    o.legs = legs
    const terms = V.termsProblem(o.order, this.config)
    if (terms !== undefined) return terms
    if (this.config.marketClosed === "reject" && !this.isOpen(now)) {
      return { code: 201, reason: IbErrors.ibErrorText(201, "the market is closed") }
    }
    return V.buyingPowerProblem(this.market, legs, o.limit, o.quantity, this.config, now)
  }

  /** Asks to cancel; the answer (Cancelled, or CancelRejected 10147/10148) comes after the cancel latency. */
  cancel(orderId: number, now: number): void {
    const o = this.orders.get(orderId)
    const at = now + this.lat(this.latencies.cancelMs, o)
    if (o === undefined) {
      return this.answer(
        at,
        orderId,
        undefined,
        cancelRejected(at, 10147, IbErrors.ibErrorText(10147, String(orderId)))
      )
    }
    if (isDone(o.status)) return this.answer(at, orderId, o, cancelRejected(at, 10148, cannotCancel(o)))
    if (o.pendingCancel) return
    o.pendingCancel = true
    if (this.faults.fillDuringPendingCancel)
      this.timers.push(now + Math.floor((at - now) / 2), { kind: "forcedFill", o })
    this.timers.push(at, { kind: "cancel", o })
  }

  /** Cancels every open order. */
  cancelAll(now: number): void {
    for (const o of [...this.open.values()]) this.cancel(o.orderId, now)
  }

  /** Asks to replace an order's terms; Modified or ModifyRejected comes after the modify latency. */
  modify(orderId: number, order: ComboOrder.ComboOrder, now: number): void {
    const o = this.orders.get(orderId)
    const at = now + this.lat(this.latencies.modifyMs, o)
    const refuse = (code: number, reason: string) =>
      this.answer(at, orderId, o, { _tag: "ModifyRejected", at, code, reason })
    if (o === undefined) return refuse(104, `${IbErrors.ibErrorText(104)} Order ${orderId} is not known.`)
    if (o.status === "Filled") return refuse(104, IbErrors.ibErrorText(104))
    if (isDone(o.status)) return refuse(104, `Can't modify an order that is ${o.status}.`)
    const bad =
      V.sameShape(o.order, order) ??
      V.termsProblem(order, this.config) ??
      (order.quantity < o.filled
        ? {
            code: 201,
            reason: IbErrors.ibErrorText(
              201,
              `the new quantity ${order.quantity} is below the ${o.filled} already filled`
            )
          }
        : undefined) ??
      (o.legs.length > 0
        ? V.buyingPowerProblem(this.market, o.legs, V.limitOf(order), order.quantity, this.config, now)
        : undefined)
    if (bad !== undefined) return refuse(bad.code, bad.reason)
    this.timers.push(at, { kind: "modify", o, order })
  }

  /** Re-creates the timers of an order restored from a snapshot (SimState.restore). */
  resume(o: SimOrder, now: number): void {
    if (isDone(o.status)) return
    if (o.pendingCancel) this.timers.push(now + this.lat(this.latencies.cancelMs, o), { kind: "cancel", o })
    if (!o.accepted) {
      const rejection = this.check(o, now)
      const at = now + this.lat(this.latencies.ackMs, o)
      return this.timers.push(at, rejection === undefined ? { kind: "ack", o } : { kind: "reject", o, ...rejection })
    }
    if (o.held) return this.waitForOpen(o, now)
    this.schedule(o, now + this.lat(this.latencies.fillMs, o))
  }

  // ------------------------------------------------------------------------------------------------------ timers

  private run(at: number, t: Timer): void {
    switch (t.kind) {
      case "ack":
        return this.acknowledge(t.o, at)
      case "eval":
        this.evals--
        if (t.token === t.o.token) this.evaluate(t.o, at)
        return
      case "cancel":
        return this.confirmCancel(t.o, at)
      case "forcedFill":
        if (!isDone(t.o.status) && t.o.pendingCancel && t.o.accepted && !t.o.held) attempt(this, t.o, at, true)
        return
      case "modify":
        return this.confirmModify(t.o, t.order, at)
      case "reject":
        t.o.status = "Rejected"
        this.send(t.o, { _tag: "Rejected", at, code: t.code, reason: t.reason })
        return this.finish(t.o, at)
      case "answer":
        return this.send(t.o, t.event, t.orderId)
    }
  }

  private answer(at: number, orderId: number, o: SimOrder | undefined, event: OrderEvent.OrderEvent): void {
    this.timers.push(at, { kind: "answer", orderId, o, event })
  }

  private acknowledge(o: SimOrder, at: number): void {
    if (o.status !== "PendingSubmit") return
    o.accepted = true
    if (this.config.marketClosed === "hold" && !this.isOpen(at)) {
      o.held = true
      o.status = "PreSubmitted"
      if (!this.faults.dropAck) this.status(o, at, "PreSubmitted")
      const open = this.marketOpen === "auto" ? formatOpen(nextOpen(at)) : "the market opens"
      this.send(o, {
        _tag: "Warning",
        at,
        code: 399,
        message: `Order Message: ${o.order.action} ${o.quantity} ${o.order.spread.underlying} combo. Warning: your order will not be placed at the exchange until ${open}`
      })
      return this.waitForOpen(o, at)
    }
    o.status = "Submitted"
    o.sessionEnd = this.sessionEndAt(o, at)
    const early = this.faults.execBeforeAck && this.isOpen(at)
    if (early) attempt(this, o, at, false)
    if (!this.faults.dropAck) this.status(o, at, "Submitted")
    if (!isDone(o.status)) {
      this.schedule(o, early ? at + this.config.evaluationIntervalMs : at + this.lat(this.latencies.fillMs, o))
    }
  }

  private sessionEndAt(o: SimOrder, at: number): number | undefined {
    return this.config.expireDayOrders && o.order.tif === "DAY" && this.marketOpen === "auto"
      ? sessionClose(at)
      : undefined
  }

  private schedule(o: SimOrder, at: number): void {
    o.token++
    o.nextEvalAt = at
    this.evals++
    this.timers.push(at, { kind: "eval", o, token: o.token })
  }

  private waitForOpen(o: SimOrder, at: number): void {
    if (this.marketOpen === "auto") return this.schedule(o, nextOpen(at))
    if (this.marketOpen) return this.schedule(o, at)
    o.token++
    o.nextEvalAt = Number.POSITIVE_INFINITY
  }

  private evaluate(o: SimOrder, at: number): void {
    if (isDone(o.status)) return
    let lastTrade = Number.POSITIVE_INFINITY
    for (const leg of o.legs) lastTrade = Math.min(lastTrade, expiryClose(leg.contract.expiryDay))
    if (at >= lastTrade) return this.expire(o, at, "the contract expired")
    if (o.held) {
      if (!this.isOpen(at)) return this.waitForOpen(o, at)
      o.held = false
      o.status = "Submitted"
      o.sessionEnd = this.sessionEndAt(o, at)
      if (!this.faults.dropAck) this.status(o, at, "Submitted")
      return this.schedule(o, at + this.lat(this.latencies.fillMs, o))
    }
    if (o.sessionEnd !== undefined && this.marketOpen === "auto" && at >= o.sessionEnd) {
      return this.expire(o, at, "the DAY order expired at the close")
    }
    if (!this.isOpen(at)) return this.waitForOpen(o, at)
    const outcome = attempt(this, o, at, false)
    if (isDone(o.status)) return
    const every = this.config.evaluationIntervalMs
    let next = at + every
    // Nothing changes within a minute but by a control call (which re-arms): an idle order waits for the next
    // minute, and all idle orders wake together on the minute, which keeps one wake-up per minute however many rest.
    if (outcome === "idle") next = Math.max(next, (Math.floor(at / MINUTE) + 1) * MINUTE)
    const deadline = Math.min(o.sessionEnd ?? lastTrade, lastTrade)
    if (next > deadline) next = Math.max(at + 1, deadline)
    this.schedule(o, next)
  }

  private expire(o: SimOrder, at: number, reason: string): void {
    o.status = "Cancelled"
    this.send(o, { _tag: "Cancelled", at, reason, api: false })
    this.finish(o, at)
  }

  private confirmCancel(o: SimOrder, at: number): void {
    const wasPending = o.pendingCancel
    o.pendingCancel = false
    // The order finished while the cancel was in flight (filled, rejected, expired): IB refuses the cancel.
    if (isDone(o.status)) return this.send(o, cancelRejected(at, 10148, cannotCancel(o)))
    if (!wasPending) return
    o.status = o.accepted ? "Cancelled" : "ApiCancelled"
    const event: OrderEvent.OrderEvent = { _tag: "Cancelled", at, reason: "", api: !o.accepted }
    this.send(o, event)
    if (this.faults.duplicateStatus) this.send(o, event)
    this.finish(o, at)
    if (this.faults.outOfOrder) this.send(o, { _tag: "Acknowledged", at, status: "Submitted", permId: o.permId })
  }

  private confirmModify(o: SimOrder, order: ComboOrder.ComboOrder, at: number): void {
    if (o.status === "Filled")
      return this.send(o, { _tag: "ModifyRejected", at, code: 104, reason: IbErrors.ibErrorText(104) })
    if (isDone(o.status)) {
      return this.send(o, {
        _tag: "ModifyRejected",
        at,
        code: 104,
        reason: `Can't modify an order that is ${o.status}.`
      })
    }
    o.order = order
    o.quantity = order.quantity
    o.limit = V.limitOf(order)
    const event: OrderEvent.OrderEvent =
      order.limitPrice === undefined
        ? { _tag: "Modified", at, quantity: order.quantity }
        : { _tag: "Modified", at, quantity: order.quantity, limitPrice: order.limitPrice }
    this.send(o, event)
    if (this.faults.duplicateStatus) this.send(o, event)
    if (o.filled >= o.quantity) {
      o.status = "Filled"
      return this.finish(o, at)
    }
    if (o.accepted && !o.held && o.status === "Submitted") this.schedule(o, at + this.lat(this.latencies.fillMs, o))
  }

  private status(o: SimOrder, at: number, status: "PreSubmitted" | "Submitted"): void {
    const event: OrderEvent.OrderEvent = { _tag: "Acknowledged", at, status, permId: o.permId }
    this.send(o, event)
    if (this.faults.duplicateStatus) this.send(o, event)
  }

  /** Moves a finished order to the completed list (forgetting the oldest beyond the history limit). */
  finish(o: SimOrder, at: number): void {
    o.doneAt = at
    o.token++
    this.open.delete(o.orderId)
    this.completed.push(o.orderId)
    if (this.completed.length > this.config.historyLimit * 2) {
      for (const id of this.completed.splice(0, this.completed.length - this.config.historyLimit))
        this.orders.delete(id)
    }
  }

  /** Keeps an execution for the executions snapshot. */
  record(o: SimOrder, event: BrokerExecution["event"]): void {
    this.executions.push({ orderId: o.orderId, orderRef: o.orderRef, event })
    if (this.executions.length > this.config.historyLimit * 2) this.executions.splice(0, this.config.historyLimit)
  }

  /** Reports an event (or holds it back while disconnected). */
  send(o: SimOrder | undefined, event: OrderEvent.OrderEvent, orderId = o?.orderId ?? 0): void {
    this.outbox.send(o === undefined ? { orderId, event } : { orderId, orderRef: o.orderRef, permId: o.permId, event })
  }

  // --------------------------------------------------------------------------------------------- control surface

  /** Brings working orders' next evaluation forward after the market changed under them (and releases held ones). */
  rearm(now: number): void {
    for (const o of this.open.values()) {
      if (!o.accepted || isDone(o.status)) continue
      const at = o.held ? now : Math.min(o.nextEvalAt, now + this.config.evaluationIntervalMs)
      if (at !== o.nextEvalAt || o.held) this.schedule(o, at)
    }
  }

  /** True when events wait in the outbox. */
  get hasPending(): boolean {
    return this.outbox.hasPending
  }

  /** Takes the events reported since the last drain, oldest first, for the shell to publish. */
  drain(): ReadonlyArray<BrokerEvent> {
    return this.outbox.drain()
  }

  /** True while the connection is up. */
  get connected(): boolean {
    return this.outbox.connected
  }

  /** Loses the connection: every open order gets ContactLost, then events are held back. */
  disconnect(now: number): void {
    if (!this.connected) return
    for (const o of this.open.values()) this.send(o, { _tag: "ContactLost", at: now })
    this.outbox.disconnect(this.open.keys())
  }

  /** Restores the connection: replays the executions missed, then reconciles every order the outage touched. */
  reconnect(now: number): void {
    if (this.connected) return
    for (const id of this.outbox.reconnect()) {
      const o = this.orders.get(id)
      if (o !== undefined) this.send(o, { _tag: "Reconciled", at: now, status: reportedStatus(o) })
    }
  }
}

const cancelRejected = (at: number, code: number, reason: string): OrderEvent.OrderEvent => ({
  _tag: "CancelRejected",
  at,
  code,
  reason
})

const cannotCancel = (o: SimOrder): string =>
  `OrderId ${o.orderId} that needs to be cancelled can not be cancelled, state: ${o.status}.`
