/**
 * @spreads/sim — a seeded, deterministic simulated broker and option market on Effect's Clock.
 *
 * `SimBroker.layer(config?)` provides the Broker and MarketData ports of @spreads/application and the
 * `SimControl.SimControl` surface, all backed by one instance. Everything runs in virtual time: under TestClock no
 * real time passes, and the same seed with the same requests at the same virtual times gives the same events.
 * @module
 */
export * as MarketHours from "./MarketHours.ts"
export * as Pricing from "./Pricing.ts"
export * as Random from "./Random.ts"
export * as SimBroker from "./SimBroker.ts"
export * as SimConfig from "./SimConfig.ts"
export * as SimControl from "./SimControl.ts"
export * as SimMarket from "./SimMarket.ts"
export * as SimState from "./SimState.ts"
