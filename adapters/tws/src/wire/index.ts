/**
 * The TWS API wire codec (server side, server version 193): framing, client message parsing, server message
 * encoding. Pure and dependency-free.
 * @module
 */
export * as Cursor from "./Cursor.ts"
export * as Frame from "./Frame.ts"
export * as Incoming from "./Incoming.ts"
export * as OpenOrder from "./OpenOrder.ts"
export * as Outgoing from "./Outgoing.ts"
export * as PlaceOrder from "./PlaceOrder.ts"
export * as Reports from "./Reports.ts"
export * as Time from "./Time.ts"
export type * from "./Types.ts"
export * as Values from "./Values.ts"
