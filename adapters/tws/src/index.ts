/**
 * @spreads/tws — a TCP server that speaks the TWS API wire protocol (server version 193) in front of the simulated
 * broker, so the live IB adapter and any IB client can be tested without IB. The wire codec is exported for tools
 * and tests.
 * @module
 */
export * from "./wire/index.ts"
