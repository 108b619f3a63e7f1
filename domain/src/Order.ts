/**
 * The order entity, event-sourced: `Order = fold(events)`. Invariants, checked on every event:
 * - filled + remaining = quantity, and filled never decreases;
 * - a duplicate execId changes nothing; a fill past the quantity is an {@link Overfill} and is not applied;
 * - the average fill price is exact (sum of quantity x price over filled, no float drift);
 * - per-leg executions are kept apart from combo fills and never change the filled quantity.
 * @module
 */
import { BigDecimal, Result } from "effect"
import type { ComboOrder } from "./ComboOrder.ts"
import { IllegalTransition, invalid, Overfill, type OrderError } from "./Errors.ts"
import type { OrderEvent } from "./OrderEvent.ts"
import {
  illegalTransition,
  isTerminal,
  isWorking,
  nextStatus,
  type OrderStatus,
  type StatusEvent
} from "./OrderStatus.ts"
import { type Decimal, divide, fromSigned, type NetPrice, toSigned, ZERO } from "./Price.ts"
import type { Action, Millis, OrderId } from "./Values.ts"

/** A combo-level fill. */
export interface Fill {
  readonly execId: string
  readonly at: Millis
  readonly quantity: number
  readonly price: NetPrice
  readonly commission?: Decimal
}

/** A per-leg execution. */
export interface LegFill {
  readonly execId: string
  readonly at: Millis
  readonly legIndex: number
  readonly conId?: number
  readonly action: Action
  readonly quantity: number
  readonly price: Decimal
  readonly commission?: Decimal
}

/** A code and reason from the broker. */
export interface BrokerNote {
  readonly code: number
  readonly reason: string
  readonly at: Millis
}

/** The order as its events made it. Immutable; {@link apply} returns a new one. */
export interface Order {
  readonly orderId: OrderId
  readonly combo: ComboOrder
  readonly status: OrderStatus
  /** The working state a rejected cancel or modify returns to. */
  readonly working: OrderStatus
  readonly permId?: number
  /** Current quantity (a modify can change it). */
  readonly quantity: number
  /** Current limit price (a modify can change it). */
  readonly limitPrice?: NetPrice
  readonly filled: number
  /** Sum of quantity x signed price over combo fills (positive = paid). */
  readonly notional: Decimal
  readonly fills: ReadonlyArray<Fill>
  readonly legFills: ReadonlyArray<LegFill>
  readonly commission: Decimal
  readonly submittedAt: Millis
  readonly acknowledgedAt?: Millis
  readonly firstFillAt?: Millis
  readonly filledAt?: Millis
  readonly doneAt?: Millis
  readonly pendingModify?: { readonly limitPrice?: NetPrice; readonly quantity?: number }
  readonly rejection?: BrokerNote
  readonly cancelReason?: string
  /** The last rejected cancel or modify. */
  readonly lastRefusal?: BrokerNote & { readonly of: "cancel" | "modify" }
  readonly warnings: ReadonlyArray<BrokerNote>
  /** Commission reports that came before their execution; each is attached when its execution arrives. */
  readonly unmatchedCommissions?: ReadonlyArray<{ readonly execId: string; readonly commission: Decimal }>
  /** Events applied (duplicates included), for the journal's bookkeeping. */
  readonly version: number
}

/** Quantity still open. */
export const remaining = (o: Order): number => o.quantity - o.filled

/** Exact average net price of the combo fills, or undefined before the first fill. */
export const averageFillPrice = (o: Order): NetPrice | undefined =>
  o.filled === 0 ? undefined : fromSigned(divide(o.notional, BigDecimal.fromBigInt(BigInt(o.filled))))

/** True when this order was filled in part and then cancelled (what cancelOrder reports as such). */
export const isPartiallyFilledThenCancelled = (o: Order): boolean =>
  (o.status === "Cancelled" || o.status === "ApiCancelled") && o.filled > 0

/** Starts an order from its Created event. */
export const create = (e: Extract<OrderEvent, { _tag: "Created" }>): Order => ({
  orderId: e.orderId,
  combo: e.order,
  status: "PendingSubmit",
  working: "PendingSubmit",
  quantity: e.order.quantity,
  ...(e.order.limitPrice === undefined ? {} : { limitPrice: e.order.limitPrice }),
  filled: 0,
  notional: ZERO,
  fills: [],
  legFills: [],
  commission: ZERO,
  submittedAt: e.at,
  warnings: [],
  version: 1
})

// Each new order is one literal (`{ ...o, changed fields }`, no intermediate copies or Result.map closures); keys the
// order did not have yet are then set one by one, the done time first and then the event's own, so the keys of an
// order (and of its JSON) come in the same order however often it is rebuilt.
type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** The status a status event takes the order to, or undefined when the machine has no such edge. */
const statusAfter = (o: Order, on: StatusEvent): OrderStatus | undefined => {
  const to = nextStatus(o.status, on, o.filled > 0 ? "PartiallyFilled" : o.working)
  // Leaving Unknown on a status report (Submitted, ...) must not hide fills already counted.
  return to !== undefined && isWorking(to) && o.filled > 0 ? "PartiallyFilled" : to
}

/** The order moved to `status` at `version`, its working state and done time kept up: one new object. */
const movedTo = (o: Order, status: OrderStatus, at: Millis, version: number): Mutable<Order> => {
  const n: Mutable<Order> = { ...o, status, working: isWorking(status) ? status : o.working, version }
  if (isTerminal(status) && !isTerminal(o.status)) n.doneAt = at
  return n
}

/** The order after a status event, at `version` (the same by default; pass `o.version + 1` to bump in one go). */
const move = (o: Order, on: StatusEvent, at: Millis, version = o.version): Result.Result<Order, IllegalTransition> => {
  const status = statusAfter(o, on)
  return status === undefined
    ? Result.fail(illegalTransition(o.status, on))
    : Result.succeed(movedTo(o, status, at, version))
}

const bump = (o: Order): Order => ({ ...o, version: o.version + 1 })

/** The commission an execution carries, or else one reported before it; and the order with that early report taken. */
const takeCommission = (o: Order, execId: string, own: Decimal | undefined): [Decimal | undefined, Order] => {
  const early = o.unmatchedCommissions?.find((c) => c.execId === execId)
  if (early === undefined) return [own, o]
  const { unmatchedCommissions, ...rest } = o
  const left = (unmatchedCommissions ?? []).filter((c) => c.execId !== execId)
  return [own ?? early.commission, left.length === 0 ? rest : { ...rest, unmatchedCommissions: left }]
}

type Execution = { readonly execId: string }

/**
 * Where `execId` first is in the fills (or the leg fills), or -1: plain loops, one for each array, so each loop's
 * property read sees only the few shapes of one kind of execution (one loop for both sees too many, and slows down).
 */
const positionOfFill = (xs: ReadonlyArray<Fill>, execId: string): number => {
  for (let i = 0; i < xs.length; i++) if (xs[i]!.execId === execId) return i
  return -1
}
const positionOfLeg = (xs: ReadonlyArray<LegFill>, execId: string): number => {
  for (let i = 0; i < xs.length; i++) if (xs[i]!.execId === execId) return i
  return -1
}

const seenExec = (o: Order, execId: string) =>
  positionOfFill(o.fills, execId) >= 0 || positionOfLeg(o.legFills, execId) >= 0

/** A new array: `xs` and then `x`. */
const withExec = <A extends Execution>(xs: ReadonlyArray<A>, x: A): ReadonlyArray<A> => {
  const next = xs.slice()
  next.push(x)
  return next
}

/** A copy of `xs` with the execution at `i` given `commission`. */
const withCommission = <A extends Execution & { readonly commission?: Decimal }>(
  xs: ReadonlyArray<A>,
  i: number,
  commission: Decimal
): ReadonlyArray<A> => {
  const next = xs.slice()
  next[i] = { ...xs[i]!, commission }
  return next
}

/**
 * `notional + signed(price) x quantity`, the same value and representation (scale) as
 * `BigDecimal.sum(notional, BigDecimal.multiply(toSigned(price), BigDecimal.fromBigInt(BigInt(quantity))))`, with one
 * decimal built instead of four. Zero operands, whose results BigDecimal shares, go the library's way.
 */
const addNotional = (notional: Decimal, price: NetPrice, quantity: number): Decimal => {
  const amount = price.amount
  if (amount.value === 0n || quantity <= 0 || !Number.isSafeInteger(quantity)) {
    return BigDecimal.sum(notional, BigDecimal.multiply(toSigned(price), BigDecimal.fromBigInt(BigInt(quantity))))
  }
  const product = price._tag === "Debit" ? amount.value * BigInt(quantity) : -amount.value * BigInt(quantity)
  const scale = amount.scale
  if (notional.value === 0n) return BigDecimal.make(product, scale)
  if (notional.scale === scale) return BigDecimal.make(notional.value + product, scale)
  return notional.scale > scale
    ? BigDecimal.make(notional.value + product * 10n ** BigInt(notional.scale - scale), notional.scale)
    : BigDecimal.make(notional.value * 10n ** BigInt(scale - notional.scale) + product, scale)
}

/**
 * Applies one event. Duplicate executions and absorbed broker events return the order with only its version bumped;
 * illegal requests and overfills fail and leave the order as it was.
 */
export const apply = (o: Order, e: OrderEvent): Result.Result<Order, OrderError> => {
  switch (e._tag) {
    case "Created":
      return Result.fail(
        new IllegalTransition({ from: o.status, event: "Created", message: `order ${o.orderId} already exists` })
      )
    case "Acknowledged": {
      const status = statusAfter(o, e.status)
      if (status === undefined) return Result.fail(illegalTransition(o.status, e.status))
      const n = movedTo(o, status, e.at, o.version + 1)
      if (e.permId !== undefined && e.permId !== 0) n.permId = e.permId
      if (o.acknowledgedAt === undefined) n.acknowledgedAt = e.at
      return Result.succeed(n)
    }
    case "Filled": {
      if (seenExec(o, e.execId)) return Result.succeed(bump(o))
      if (o.filled + e.quantity > o.quantity) {
        return Result.fail(
          new Overfill({
            execId: e.execId,
            quantity: e.quantity,
            filled: o.filled,
            orderQuantity: o.quantity,
            message: `execution ${e.execId} of ${e.quantity} would fill ${o.filled + e.quantity} of an order for ${o.quantity}`
          })
        )
      }
      const filled = o.filled + e.quantity
      const complete = filled === o.quantity
      const on = complete ? "FullFill" : "PartialFill"
      const status = statusAfter(o, on)
      if (status === undefined) return Result.fail(illegalTransition(o.status, on))
      let commission = e.commission
      let base = o
      if (o.unmatchedCommissions !== undefined) [commission, base] = takeCommission(o, e.execId, e.commission)
      const fill: Mutable<Fill> = { execId: e.execId, at: e.at, quantity: e.quantity, price: e.price }
      if (commission !== undefined) fill.commission = commission
      const n: Mutable<Order> = {
        ...base,
        status,
        working: isWorking(status) ? status : o.working,
        version: o.version + 1,
        filled,
        notional: addNotional(o.notional, e.price, e.quantity),
        fills: withExec(o.fills, fill),
        commission: commission === undefined ? o.commission : BigDecimal.sum(o.commission, commission)
      }
      if (isTerminal(status) && !isTerminal(o.status)) n.doneAt = e.at
      if (o.firstFillAt === undefined) n.firstFillAt = e.at
      if (complete) n.filledAt = e.at
      return Result.succeed(n)
    }
    case "LegFilled": {
      if (seenExec(o, e.execId)) return Result.succeed(bump(o))
      let commission = e.commission
      let base = o
      if (o.unmatchedCommissions !== undefined) [commission, base] = takeCommission(o, e.execId, e.commission)
      const leg: Mutable<LegFill> = {
        execId: e.execId,
        at: e.at,
        legIndex: e.legIndex,
        action: e.action,
        quantity: e.quantity,
        price: e.price
      }
      if (e.conId !== undefined) leg.conId = e.conId
      if (commission !== undefined) leg.commission = commission
      return Result.succeed({
        ...base,
        version: o.version + 1,
        legFills: withExec(o.legFills, leg),
        commission: commission === undefined ? o.commission : BigDecimal.sum(o.commission, commission)
      })
    }
    case "CommissionReported": {
      // A report for a fill that already carries its commission is a duplicate; one for an unseen fill is kept until
      // its execution arrives.
      const fill = positionOfFill(o.fills, e.execId)
      const leg = positionOfLeg(o.legFills, e.execId)
      if (fill < 0 && leg < 0) {
        if (o.unmatchedCommissions?.some((c) => c.execId === e.execId)) return Result.succeed(bump(o))
        const early = { execId: e.execId, commission: e.commission }
        return Result.succeed({
          ...o,
          unmatchedCommissions: [...(o.unmatchedCommissions ?? []), early],
          version: o.version + 1
        })
      }
      if ((fill >= 0 ? o.fills[fill] : o.legFills[leg])?.commission !== undefined) return Result.succeed(bump(o))
      return Result.succeed({
        ...o,
        version: o.version + 1,
        fills: fill >= 0 ? withCommission(o.fills, fill, e.commission) : o.fills,
        legFills: leg >= 0 ? withCommission(o.legFills, leg, e.commission) : o.legFills,
        commission: BigDecimal.sum(o.commission, e.commission)
      })
    }
    case "CancelRequested":
      return move(o, "CancelRequested", e.at, o.version + 1)
    case "CancelRejected": {
      const status = statusAfter(o, "CancelRejected")
      if (status === undefined) return Result.fail(illegalTransition(o.status, "CancelRejected"))
      const n = movedTo(o, status, e.at, o.version + 1)
      if (status !== o.status) n.lastRefusal = { code: e.code, reason: e.reason, at: e.at, of: "cancel" }
      return Result.succeed(n)
    }
    case "Cancelled": {
      const on = e.api && o.acknowledgedAt === undefined ? "ApiCancelled" : "Cancelled"
      const status = statusAfter(o, on)
      if (status === undefined) return Result.fail(illegalTransition(o.status, on))
      const n = movedTo(o, status, e.at, o.version + 1)
      if (status !== o.status) n.cancelReason = e.reason
      return Result.succeed(n)
    }
    case "ModifyRequested": {
      if (e.quantity !== undefined && e.quantity < o.filled) {
        return Result.fail(invalid("quantity", `cannot reduce to ${e.quantity}: ${o.filled} already filled`))
      }
      if (e.limitPrice !== undefined && o.combo.orderType === "MARKET") {
        return Result.fail(invalid("limitPrice", "a MARKET order has no price to modify"))
      }
      const status = statusAfter(o, "ModifyRequested")
      if (status === undefined) return Result.fail(illegalTransition(o.status, "ModifyRequested"))
      const n = movedTo(o, status, e.at, o.version + 1)
      const pendingModify: Mutable<NonNullable<Order["pendingModify"]>> = {}
      if (e.limitPrice !== undefined) pendingModify.limitPrice = e.limitPrice
      if (e.quantity !== undefined) pendingModify.quantity = e.quantity
      n.pendingModify = pendingModify
      return Result.succeed(n)
    }
    case "Modified": {
      // The new terms apply while a modify is pending: in PendingReplace, and also when a cancel went out meanwhile
      // (PendingCancel, or the working state a rejected cancel resumed to). Otherwise the event is stale.
      const wasPending = o.status === "PendingReplace" || (o.pendingModify !== undefined && !isTerminal(o.status))
      const quantity = e.quantity ?? o.pendingModify?.quantity ?? o.quantity
      const limitPrice = e.limitPrice ?? o.pendingModify?.limitPrice ?? o.limitPrice
      if (wasPending && quantity < o.filled) {
        return Result.fail(invalid("quantity", `modified quantity ${quantity} is below the ${o.filled} already filled`))
      }
      return Result.flatMap(move(o, "Modified", e.at), (n) => {
        if (!wasPending) return Result.succeed(bump(n))
        const { pendingModify: _, ...rest } = n
        const next: Order = { ...rest, quantity, ...(limitPrice === undefined ? {} : { limitPrice }) }
        // A replace that cuts the quantity down to what is already filled completes the order.
        return next.filled === next.quantity && next.filled > 0
          ? Result.map(move(next, "FullFill", e.at), (m) => bump({ ...m, filledAt: e.at }))
          : Result.succeed(bump(next))
      })
    }
    case "ModifyRejected":
      return Result.map(move(o, "ModifyRejected", e.at), (n) => {
        const wasPending = o.status === "PendingReplace" || (o.pendingModify !== undefined && !isTerminal(o.status))
        if (!wasPending) return bump(n)
        const { pendingModify: _, ...rest } = n
        return bump({ ...rest, lastRefusal: { code: e.code, reason: e.reason, at: e.at, of: "modify" } })
      })
    case "Rejected":
    case "Inactive": {
      const status = statusAfter(o, e._tag)
      if (status === undefined) return Result.fail(illegalTransition(o.status, e._tag))
      const n = movedTo(o, status, e.at, o.version + 1)
      if (status !== o.status) n.rejection = { code: e.code, reason: e.reason, at: e.at }
      return Result.succeed(n)
    }
    case "Warning":
      return Result.succeed({
        ...o,
        warnings: [...o.warnings, { code: e.code, reason: e.message, at: e.at }],
        version: o.version + 1
      })
    case "ContactLost":
      return move(o, "ContactLost", e.at, o.version + 1)
    case "Reconciled": {
      // The broker's truth replaces ours for an order that is not already final; fills arrive as their own events.
      // IB reports a working order with fills as Submitted: the fills we hold decide that it is PartiallyFilled.
      const status = isWorking(e.status) && o.filled > 0 ? "PartiallyFilled" : e.status
      if (isTerminal(o.status) || status === o.status) return Result.succeed(bump(o))
      const done = isTerminal(status)
      return Result.succeed({
        ...o,
        version: o.version + 1,
        status,
        working: isWorking(status) ? status : o.working,
        ...(done ? { doneAt: e.at } : {})
      })
    }
    case "TermsReconciled":
      return reconcileTerms(o, e)
  }
}

/** The order without its pending modify. */
const settled = ({ pendingModify: _, ...rest }: Order): Order => rest

/** The same net price (both absent counts as the same). */
const sameNet = (a: NetPrice | undefined, b: NetPrice | undefined): boolean =>
  a === undefined || b === undefined ? a === b : a._tag === b._tag && BigDecimal.equals(a.amount, b.amount)

/**
 * The broker's terms, found by reconciliation. They replace ours in any state (they are facts about the order, even a
 * finished one); a pending modify they carry out is settled as its confirmation would have settled it. An order our
 * own fills completed under the old terms is reopened when the new quantity is larger (the broker still works the
 * rest); one the broker reported Filled before its executions reached us stays Filled (they are on their way). A live
 * order the new quantity leaves with nothing more to fill is complete. A quantity below the fills we hold is refused:
 * our fills and the broker's terms disagree.
 */
const reconcileTerms = (
  o: Order,
  e: Extract<OrderEvent, { _tag: "TermsReconciled" }>
): Result.Result<Order, OrderError> => {
  const quantity = e.quantity ?? o.quantity
  const limitPrice = e.limitPrice ?? o.limitPrice
  if (quantity < o.filled) {
    return Result.fail(invalid("quantity", `the broker's quantity ${quantity} is below the ${o.filled} we hold filled`))
  }
  if (e.limitPrice !== undefined && o.combo.orderType === "MARKET") {
    return Result.fail(invalid("limitPrice", "the broker reports a limit price for a MARKET order"))
  }
  const pending = o.pendingModify
  const settles =
    pending !== undefined &&
    (pending.quantity ?? o.quantity) === quantity &&
    sameNet(pending.limitPrice ?? o.limitPrice, limitPrice)
  if (!settles && quantity === o.quantity && sameNet(limitPrice, o.limitPrice)) return Result.succeed(bump(o))
  // Settling a pending modify moves the order as a confirmation would (PendingReplace resumes; elsewhere it is inert).
  const moved = settles ? move(o, "Modified", e.at) : Result.succeed(o)
  return Result.flatMap(moved, (n) => {
    const next: Order = { ...(settles ? settled(n) : n), quantity, ...(limitPrice === undefined ? {} : { limitPrice }) }
    if (next.status === "Filled" && o.filled === o.quantity && quantity > o.filled) {
      return Result.map(move(next, "Reopened", e.at), (m) => {
        const { filledAt: _f, doneAt: _d, ...open } = m
        return bump(open)
      })
    }
    if (!isTerminal(next.status) && next.filled === quantity && next.filled > 0) {
      return Result.map(move(next, "FullFill", e.at), (m) => bump({ ...m, filledAt: e.at }))
    }
    // Elsewhere (a finished order keeps its state), the fill time still says whether the fills now make the quantity.
    const { filledAt, ...rest } = next
    return Result.succeed(bump(rest.filled === quantity ? { ...rest, filledAt: filledAt ?? e.at } : rest))
  })
}

/**
 * Rebuilds an order from its events, first to last. The first must be Created. Fails on the first event that cannot
 * apply; replaying the same events always gives the same order.
 */
export const fold = (events: ReadonlyArray<OrderEvent>): Result.Result<Order, OrderError> => {
  const [first, ...rest] = events
  if (first === undefined || first._tag !== "Created") {
    return Result.fail(invalid("events", "an order's history must start with its Created event"))
  }
  let o = create(first)
  for (const e of rest) {
    const next = apply(o, e)
    if (Result.isFailure(next)) return next
    o = next.success
  }
  return Result.succeed(o)
}

/**
 * Like {@link fold} but skips events that cannot apply (the live OrderBook's policy: an anomaly is logged, the order
 * keeps its last good state). Returns the order and the refused events with their errors.
 */
export const foldLenient = (
  events: ReadonlyArray<OrderEvent>
): Result.Result<{ order: Order; refused: ReadonlyArray<{ event: OrderEvent; error: OrderError }> }, OrderError> => {
  const [first, ...rest] = events
  if (first === undefined || first._tag !== "Created") {
    return Result.fail(invalid("events", "an order's history must start with its Created event"))
  }
  let o = create(first)
  const refused: Array<{ event: OrderEvent; error: OrderError }> = []
  for (const e of rest) {
    const next = apply(o, e)
    if (Result.isFailure(next)) refused.push({ event: e, error: next.failure })
    else o = next.success
  }
  return Result.succeed({ order: o, refused })
}
