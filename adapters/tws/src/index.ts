/**
 * @spreads/tws — a TCP server that speaks the TWS API wire protocol (server version 193) in front of the simulated
 * broker (or any Broker + MarketData), so the live IB adapter and any IB client can be tested without IB.
 * `TwsServer.layer(config)` / `TwsServer.make(config)` start it; `Quirks` lists IB's behaviours it can reproduce;
 * `Main` is the command-line entry (`node adapters/tws/src/main.ts --port 4002 --seed 1`). The wire codec is
 * exported for tools and tests.
 * @module
 */
export * as Main from "./main.ts"
export * as Quirks from "./Quirks.ts"
export * as TwsServer from "./TwsServer.ts"
export * from "./wire/index.ts"
