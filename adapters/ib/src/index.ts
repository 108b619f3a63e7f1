/**
 * @spreads/ib — the live Interactive Brokers adapter: the Broker and MarketData ports over TWS / IB Gateway through
 * @stoqey/ib 1.6.10's raw IBApi events and this package's own reducer.
 *
 * `IbBroker.layer(IbConfig.makeUnsafe({ clientId: 7, port: 4002 }))` provides Broker, MarketData and IbSession.
 * @module
 */
export * as ComboBuilder from "./ComboBuilder.ts"
export * as Executions from "./Executions.ts"
export * as HotMessages from "./HotMessages.ts"
export * as IbBroker from "./IbBroker.ts"
export * as IbConfig from "./IbConfig.ts"
export * as IbConnection from "./IbConnection.ts"
export * as IbEvent from "./IbEvent.ts"
export * as IbMarketData from "./IbMarketData.ts"
export * as Masking from "./Masking.ts"
export * as OrderIds from "./OrderIds.ts"
export * as OrderInfo from "./OrderInfo.ts"
export * as Qualify from "./Qualify.ts"
export * as Reconciliation from "./Reconciliation.ts"
export * as Reducer from "./Reducer.ts"
export * as Requests from "./Requests.ts"
export * as Snapshots from "./Snapshots.ts"
export * as TokenBucket from "./TokenBucket.ts"
