/**
 * Shared arrangements for the domain suite: the seed's AAPL 150/155 bull call, a combo order on it, and terse event
 * builders. Events are plain data (as the journal stores them), so tests read like the broker's message log.
 */
import { Result } from "effect"
import { type ComboOrder, makeComboOrder } from "../../domain/src/ComboOrder.ts"
import { type Expiry, expiry } from "../../domain/src/Contract.ts"
import type { ValidationError } from "../../domain/src/Errors.ts"
import * as Order from "../../domain/src/Order.ts"
import type { OrderEvent } from "../../domain/src/OrderEvent.ts"
import type { OrderStatus } from "../../domain/src/OrderStatus.ts"
import { credit, type Decimal, dec, debit, type NetPrice } from "../../domain/src/Price.ts"
import { makeSpread, type OptionSpread, type SpreadSpec } from "../../domain/src/Strategy.ts"
import { type Action, getOrThrow, make, type Quantity } from "../../domain/src/Values.ts"

export const AAPL = make.underlying("AAPL")
export const FRONT: Expiry = expiry("2026-12-18")
export const BACK: Expiry = expiry("2027-01-15")

/** Decimals from literals: `ks("150", "155")`. */
export const ks = (...xs: ReadonlyArray<string>): ReadonlyArray<Decimal> => xs.map(dec)

/** A named strategy on AAPL 2026-12-18; throws when the spec is invalid (use makeSpread directly to test failures). */
export const spread = (
  strategy: SpreadSpec["strategy"],
  strikes: ReadonlyArray<string>,
  extra: Partial<Pick<SpreadSpec, "right" | "backExpiry">> = {}
): OptionSpread =>
  getOrThrow(makeSpread({ strategy, underlying: AAPL, expiry: FRONT, strikes: ks(...strikes), ...extra }))

/** The seed's spread: buy the 150 call, sell the 155 call. */
export const bullCall = spread("BULL_CALL", ["150", "155"])

/** A LIMIT order for `quantity` bull calls at a 2.00 debit (or what `over` says). */
export const combo = (quantity = 10, over: Partial<Parameters<typeof makeComboOrder>[0]> = {}): ComboOrder =>
  getOrThrow(
    makeComboOrder({
      spread: bullCall,
      action: "BUY",
      quantity,
      orderType: "LIMIT",
      limitPrice: debit("2.00"),
      orderRef: "seed-1",
      ...over
    })
  )

const q = (n: number): Quantity => n as Quantity
const x = (id: string) => make.execId(id)

/** Event builders, in the broker's vocabulary. `at` defaults to a fixed instant so replays are comparable. */
export const ev = {
  created: (order: ComboOrder = combo(), at = 1_000): OrderEvent => ({
    _tag: "Created",
    at,
    orderId: make.orderId(7),
    order
  }),
  ack: (status: "PreSubmitted" | "Submitted" = "Submitted", at = 2_000, permId?: number): OrderEvent =>
    permId === undefined ? { _tag: "Acknowledged", at, status } : { _tag: "Acknowledged", at, status, permId },
  fill: (
    execId: string,
    quantity: number,
    price: NetPrice = debit("2.00"),
    at = 3_000,
    commission?: Decimal
  ): OrderEvent =>
    commission === undefined
      ? { _tag: "Filled", at, execId: x(execId), quantity: q(quantity), price }
      : { _tag: "Filled", at, execId: x(execId), quantity: q(quantity), price, commission },
  legFill: (
    execId: string,
    legIndex: number,
    action: Action,
    quantity: number,
    price: string,
    at = 3_000
  ): OrderEvent => ({
    _tag: "LegFilled",
    at,
    execId: x(execId),
    legIndex,
    action,
    quantity: q(quantity),
    price: dec(price)
  }),
  commission: (execId: string, amount: string, at = 3_500): OrderEvent => ({
    _tag: "CommissionReported",
    at,
    execId: x(execId),
    commission: dec(amount)
  }),
  cancel: (at = 4_000): OrderEvent => ({ _tag: "CancelRequested", at }),
  cancelRejected: (code = 10148, reason = "can not be cancelled", at = 4_500): OrderEvent => ({
    _tag: "CancelRejected",
    at,
    code,
    reason
  }),
  cancelled: (api = false, reason = "Order Canceled - reason:", at = 5_000): OrderEvent => ({
    _tag: "Cancelled",
    at,
    reason,
    api
  }),
  modify: (terms: { quantity?: number; limitPrice?: NetPrice } = {}, at = 4_000): OrderEvent => ({
    _tag: "ModifyRequested",
    at,
    ...(terms.quantity === undefined ? {} : { quantity: q(terms.quantity) }),
    ...(terms.limitPrice === undefined ? {} : { limitPrice: terms.limitPrice })
  }),
  modified: (terms: { quantity?: number; limitPrice?: NetPrice } = {}, at = 4_500): OrderEvent => ({
    _tag: "Modified",
    at,
    ...(terms.quantity === undefined ? {} : { quantity: q(terms.quantity) }),
    ...(terms.limitPrice === undefined ? {} : { limitPrice: terms.limitPrice })
  }),
  modifyRejected: (code = 105, reason = "does not match", at = 4_500): OrderEvent => ({
    _tag: "ModifyRejected",
    at,
    code,
    reason
  }),
  rejected: (code = 201, reason = "Order rejected - reason:Market is closed", at = 2_500): OrderEvent => ({
    _tag: "Rejected",
    at,
    code,
    reason
  }),
  inactive: (code = 201, reason = "Order rejected - reason:no margin", at = 2_500): OrderEvent => ({
    _tag: "Inactive",
    at,
    code,
    reason
  }),
  warning: (code = 399, message = "Order Message: Warning: held until the open", at = 2_200): OrderEvent => ({
    _tag: "Warning",
    at,
    code,
    message
  }),
  contactLost: (at = 6_000): OrderEvent => ({ _tag: "ContactLost", at }),
  reconciled: (status: OrderStatus, at = 7_000): OrderEvent => ({ _tag: "Reconciled", at, status }),
  terms: (terms: { quantity?: number; limitPrice?: NetPrice } = {}, at = 6_500): OrderEvent => ({
    _tag: "TermsReconciled",
    at,
    ...(terms.quantity === undefined ? {} : { quantity: q(terms.quantity) }),
    ...(terms.limitPrice === undefined ? {} : { limitPrice: terms.limitPrice })
  })
}

export { credit, debit }

/** Folds `events` after the standard Created event, failing the test on the first refused event. */
export const foldAll = (...events: ReadonlyArray<OrderEvent>): Order.Order =>
  getOrThrow(Order.fold([ev.created(), ...events]))

/** Folds after Created for an order of `quantity`. */
export const foldQty = (quantity: number, ...events: ReadonlyArray<OrderEvent>): Order.Order =>
  getOrThrow(Order.fold([ev.created(combo(quantity)), ...events]))

/** Applies one more event to an order and returns the Result. */
export const applyTo = (o: Order.Order, e: OrderEvent) => Order.apply(o, e)

/** The failure of a Result, or a thrown assertion when it succeeded. */
export const failureOf = <A, E>(r: Result.Result<A, E>): E => {
  if (Result.isFailure(r)) return r.failure
  throw new Error(`expected a failure, got ${JSON.stringify(r.success)}`)
}

/** The message of a ValidationError Result. */
export const messageOf = <A>(r: Result.Result<A, ValidationError>): string => failureOf(r).message
