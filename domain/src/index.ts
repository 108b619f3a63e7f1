/**
 * @spreads/domain — the pure model of option-spread orders: values, strategies, combo orders, the order-status state
 * machine, the event-sourced order, and IB's error codes. No IO, no services, no clock.
 * @module
 */
export * as ComboOrder from "./ComboOrder.ts"
export * as Contract from "./Contract.ts"
export * from "./Errors.ts"
export * as IbErrors from "./IbErrors.ts"
export * as Masking from "./Masking.ts"
export * as Order from "./Order.ts"
export * as OrderEvent from "./OrderEvent.ts"
export * as OrderStatus from "./OrderStatus.ts"
export * as OrderView from "./OrderView.ts"
export * as Payoff from "./Payoff.ts"
export * as Price from "./Price.ts"
export * as Strategy from "./Strategy.ts"
export * as Values from "./Values.ts"
