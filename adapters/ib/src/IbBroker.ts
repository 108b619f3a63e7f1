/**
 * The Broker port over TWS / IB Gateway (@stoqey/ib 1.6.10, raw IBApi events, this adapter's own reducer).
 *
 * - place: qualify legs (cached), build the BAG and order (ComboBuilder), send under the given id in id order.
 * - modify: re-send the same id with the contract IB echoed back in openOrder (a different contract is 105) and the
 *   new terms; confirmed by the openOrder that shows them (Modified) or refused (ModifyRejected).
 * - cancel / cancelAll (reqGlobalCancel); openOrders (reqAllOpenOrders, this client's orders only);
 *   completedOrders (reqCompletedOrders, or derived from what this session saw when the server cannot answer);
 *   executions (reqExecutions for this client); whatIf (a what-if order: openOrder's margins and commission).
 * - events: the reducer's BrokerEvents, hot. After a reconnect (or IB's 1101/1102) the adapter reconciles on its
 *   own: open orders, completed orders and executions are asked again, missed fills are published, and orders that
 *   lost contact get a Reconciled status, so an order that filled while the link was down shows as filled.
 * - With an OrderJournal in the environment (optional), ids stay above the journal's highest, and orders of earlier
 *   sessions are read with the legs the journal recorded (their leg executions and commissions are recovered).
 * @module
 */
import {
  Broker,
  type BrokerError,
  type BrokerEvent,
  type BrokerExecution,
  type BrokerOrderSnapshot,
  MarketData,
  OrderJournal,
  traced
} from "@spreads/application"
import type { ComboOrder, ValidationError } from "@spreads/domain"
import {
  Clock,
  Context,
  Deferred,
  Effect,
  Layer,
  Option,
  PubSub,
  Queue,
  Result,
  Schedule,
  type Scope,
  Semaphore,
  Stream,
  SubscriptionRef
} from "effect"
import * as ComboBuilder from "./ComboBuilder.ts"
import * as Executions from "./Executions.ts"
import * as IbConfig from "./IbConfig.ts"
import * as IbConnection from "./IbConnection.ts"
import type { IbEvent } from "./IbEvent.ts"
import * as IbMarketData from "./IbMarketData.ts"
import * as OrderInfo from "./OrderInfo.ts"
import * as Qualify from "./Qualify.ts"
import { Reducer } from "./Reducer.ts"
import * as Requests from "./Requests.ts"
import { Collector } from "./Snapshots.ts"

/** What {@link make} builds: the two ports and the connection underneath (for diagnostics and tests). */
export interface IbAdapter {
  readonly broker: Broker["Service"]
  readonly marketData: MarketData["Service"]
  readonly connection: IbConnection.IbConnection
  /** Runs the adapter's own reconciliation now (it also runs by itself after every reconnect). */
  readonly reconcile: Effect.Effect<void, BrokerError>
}

/** The adapter's connection, for operators and tests (drop the socket, read protocol errors, order-id state). */
export class IbSession extends Context.Service<IbSession, IbAdapter>()("@spreads/ib/IbSession") {}

const orderIdOf = (event: IbEvent): number | undefined => {
  switch (event._tag) {
    case "OpenOrder":
    case "OrderStatus":
      return event.orderId
    case "ExecDetails":
      return event.execution.orderId
    default:
      return undefined
  }
}

/** Connects and builds the adapter; lives as long as the scope. Fails with NotConnected when TWS cannot be reached. */
export const make = (config: IbConfig.IbConfig): Effect.Effect<IbAdapter, BrokerError, Scope.Scope> =>
  Effect.gen(function* () {
    const scope = yield* Effect.scope
    const reducer = new Reducer(config.clientId)
    const out = yield* Effect.acquireRelease(PubSub.unbounded<BrokerEvent>(), PubSub.shutdown)
    const reconcileNow = yield* Semaphore.make(1)
    let completedUnsupported = config.completedOrders === "derive"
    // Reconciliations asked for while the adapter is still being built wait until it is complete.
    const ready = yield* Deferred.make<void>()
    // The journal, when the application has one: the orders of earlier sessions, for their legs.
    const journal = yield* Effect.serviceOption(OrderJournal)
    const adoptionsAsked = new Set<number>()
    /** The combo order placed under `orderId` in an earlier session, if the journal has it (and its orderRef fits). */
    const journaled = (orderId: number, orderRef: string | undefined) =>
      Option.isNone(journal)
        ? Effect.succeed(undefined)
        : journal.value.loadOrder(orderId).pipe(
            Effect.map((j) => {
              const first = j?.events[0]
              if (j === undefined || first?._tag !== "Created") return undefined
              return orderRef === undefined || orderRef === "" || j.orderRef === orderRef ? first.order : undefined
            }),
            Effect.orElseSucceed(() => undefined)
          )
    /** Looks the order up in the journal once, and hands what it finds to the reducer (through the hub, in order). */
    const adopt = (connection: IbConnection.IbConnection, orderId: number, orderRef: string | undefined) =>
      Effect.gen(function* () {
        if (adoptionsAsked.has(orderId)) return
        adoptionsAsked.add(orderId)
        const order = yield* journaled(orderId, orderRef)
        if (order !== undefined) yield* connection.publish({ _tag: "Adopt", orderId, order })
      })

    // Work the synchronous event path hands off (a reconciliation, a journal lookup, a log line): run on fibers of
    // the adapter's scope, so that reading the socket never waits for it.
    const work = yield* Queue.unbounded<Effect.Effect<void>>()
    yield* Queue.take(work).pipe(
      Effect.flatMap((effect) => Effect.forkIn(effect, scope)),
      Effect.forever,
      Effect.forkScoped
    )
    const handOff = (effect: Effect.Effect<void>) => void Queue.offerUnsafe(work, effect)
    const clock = yield* Clock.Clock

    // The reducer's sink: called synchronously with every event, in socket order, from inside IBApi's callbacks; the
    // BrokerEvents it produces are published at once (no fiber hand-off per message).
    const onEvent = (connection: IbConnection.IbConnection) => (event: IbEvent) => {
      const id = orderIdOf(event)
      if (id !== undefined) connection.orderIds.observeUnsafe(id)
      if (event._tag === "ReconcileNeeded") {
        handOff(Deferred.await(ready).pipe(Effect.andThen(Effect.suspend(() => reconcileInBackground(event.reason)))))
        return
      }
      let produced: ReadonlyArray<BrokerEvent>
      try {
        produced = reducer.apply(event, clock.currentTimeMillisUnsafe())
      } catch (e) {
        // A bug in the reducer must not stop the event flow: the event is logged and the next one is read.
        handOff(Effect.logError(`IB: could not fold a ${event._tag} event`, e))
        return
      }
      for (let i = 0; i < produced.length; i++) PubSub.publishUnsafe(out, produced[i]!)
      if (event._tag === "ExecDetails" && id !== undefined && reducer.needsLegs(id)) {
        handOff(adopt(connection, id, event.execution.orderRef))
      }
    }
    const consume = (connection: IbConnection.IbConnection) => connection.addSink(onEvent(connection))

    const connection = yield* IbConnection.make(config, consume)
    const qualifier = yield* Qualify.make(connection)
    // Ids the journal already used (intents that never reached IB included) are never handed out again.
    if (Option.isSome(journal)) {
      yield* connection.orderIds.observe(yield* journal.value.highestOrderId.pipe(Effect.orElseSucceed(() => 0)))
    }

    // openOrders has no request id: two listings at once would mix, so they take turns with the reconciliation.
    const reconcileLock = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
      reconcileNow.withPermits(1)(effect)
    // The listing and the reducer's stamp at the moment its request was written (see Reconciliation).
    const listOpen = Effect.suspend(() => {
      let asOf = 0
      return Requests.run(connection, {
        what: "the open orders",
        errorsFor: "none",
        send: (api) => {
          asOf = reducer.mark()
          api.reqAllOpenOrders()
        },
        handler: () => {
          const collector = new Collector(config.clientId, (id) => reducer.get(id)?.combo)
          return (event) => {
            if (event._tag === "OpenOrder") collector.openOrder(event.orderId, event.order, event.orderState)
            if (event._tag === "OrderStatus") {
              collector.orderStatus(
                event.orderId,
                event.status,
                event.filled,
                event.remaining,
                event.permId,
                event.clientId
              )
            }
            return event._tag === "OpenOrderEnd" ? Requests.done(collector.snapshots()) : Requests.next
          }
        }
      }).pipe(Effect.map((open) => ({ open, asOf })))
    })

    const openOrders = reconcileLock(Effect.map(listOpen, (l) => l.open))

    const requestCompleted = Requests.run(connection, {
      what: "the completed orders",
      errorsFor: "none",
      mayBeUnsupported: true,
      send: (api) => api.reqCompletedOrders(true),
      handler: () => {
        const collector = new Collector(
          config.clientId,
          (id) => reducer.get(id)?.combo,
          (permId, orderRef) => reducer.idOf(permId, orderRef)
        )
        return (event) => {
          if (event._tag === "CompletedOrder") collector.completedOrder(event.contract, event.order, event.orderState)
          return event._tag === "CompletedOrdersEnd" ? Requests.done(collector.snapshots()) : Requests.next
        }
      }
    })

    // Completed orders and whether IB itself said so (false: derived from this session's events).
    const completedWithSource: Effect.Effect<
      { readonly orders: ReadonlyArray<BrokerOrderSnapshot>; readonly fromIb: boolean },
      BrokerError
    > = Effect.gen(function* () {
      if (!completedUnsupported) {
        const asked = yield* Effect.result(requestCompleted)
        if (Result.isSuccess(asked)) return { orders: asked.success, fromIb: true }
        const e = asked.failure
        if (config.completedOrders === "request" || e.reason === "NotConnected") return yield* e
        completedUnsupported = true
        yield* Effect.logWarning(
          `IB: completed orders are not available (${e.message}); deriving them from this session`
        )
      }
      return { orders: reducer.completed(), fromIb: false }
    })

    const executions: Effect.Effect<ReadonlyArray<BrokerExecution>, BrokerError> = Effect.gen(function* () {
      const at = yield* Clock.currentTimeMillis
      const answer = yield* Requests.run(connection, {
        what: "today's executions",
        send: (api, reqId) => api.reqExecutions(reqId, { clientId: String(config.clientId) }),
        handler: (reqId) => {
          const found: Array<Extract<IbEvent, { _tag: "ExecDetails" }>> = []
          const commissions = new Map<string, number>()
          return (event) => {
            if (event._tag === "ExecDetails" && event.reqId === reqId) found.push(event)
            if (event._tag === "CommissionReport" && event.report.execId !== undefined) {
              if (typeof event.report.commission === "number") {
                commissions.set(event.report.execId, event.report.commission)
              }
            }
            return event._tag === "ExecDetailsEnd" && event.reqId === reqId
              ? Requests.done({ found, commissions })
              : Requests.next
          }
        }
      })
      // Leg executions of an order this session never saw are read with the legs the journal recorded for it.
      const earlier = new Map<number, OrderInfo.OrderInfo>()
      for (const x of answer.found) {
        const id = x.execution.orderId ?? 0
        if (id <= 0 || Executions.isBag(x.contract) || reducer.get(id)?.legs !== undefined || earlier.has(id)) continue
        const order = yield* journaled(id, x.execution.orderRef)
        if (order === undefined) continue
        const adopted = OrderInfo.blank()
        adopted.legs = order.spread.legs.flatMap((l) =>
          l.contract.conId === undefined ? [] : [{ conId: l.contract.conId, action: l.action, ratio: l.ratio }]
        )
        adopted.orderRef = order.orderRef
        adopted.action = order.action
        earlier.set(id, adopted)
        yield* adopt(connection, id, x.execution.orderRef)
      }
      const list: Array<BrokerExecution> = []
      for (const x of answer.found) {
        const id = x.execution.orderId ?? 0
        const commission = answer.commissions.get(x.execution.execId ?? "")
        const d =
          reducer.describeExecution(x.contract, x.execution, commission, at) ??
          (earlier.has(id) ? Executions.describe(earlier.get(id), x.contract, x.execution, commission, at) : undefined)
        if (d !== undefined) list.push(d)
      }
      return list
    })

    // The adapter's own reconciliation: the answers flow through the reducer (missed fills are published), then
    // the view settles the orders that lost contact.
    const reconcileOnce = Effect.gen(function* () {
      const { open, asOf } = yield* listOpen
      for (const id of reducer.lostCancels(open)) {
        yield* Effect.logWarning(`IB: the cancel of order ${id} was lost with the connection; sending it again`)
        yield* connection.send(`the cancel of order ${id}`, (api) => api.cancelOrder(id))
      }
      const completed = yield* completedWithSource
      yield* executions
      yield* connection.publish({
        _tag: "Reconcile",
        view: { open, completed: completed.orders, completedFromIb: completed.fromIb, asOf }
      })
    })

    const reconcile: Effect.Effect<void, BrokerError> = reconcileLock(reconcileOnce)

    // After a reconnect: reconcile (retried while it fails), then look again, a few times, while orders that lost
    // contact are still unsettled (their listing could not speak for them: sent or reported working after it).
    function reconcileInBackground(reason: string, recheck = 0): Effect.Effect<void> {
      return Effect.logInfo(`IB: reconciling orders (${reason})`).pipe(
        Effect.andThen(reconcile),
        Effect.retry(Schedule.max([Schedule.spaced("1 second"), Schedule.recurs(4)])),
        Effect.andThen(
          Effect.suspend(() =>
            reducer.unsettled() > 0 && recheck < 3
              ? Effect.sleep("1 second").pipe(
                  Effect.andThen(reconcileInBackground(`${reason}; checking again`, recheck + 1))
                )
              : Effect.void
          )
        ),
        Effect.catch((e) => Effect.logError(`IB: reconciliation after "${reason}" failed: ${e.message}`))
      )
    }

    const build = (order: ComboOrder.ComboOrder, whatIf = false) =>
      Effect.gen(function* () {
        const spread = yield* qualifier.qualify(order.spread)
        const combo: ComboOrder.ComboOrder = { ...order, spread }
        const built = ComboBuilder.build(combo, { policy: config.nonGuaranteed, account: config.account, whatIf })
        if (Result.isFailure(built)) return yield* built.failure
        return { combo, ...built.success }
      })

    const place = traced("IbBroker.place")(
      Effect.fnUntraced(function* (orderId: number, order: ComboOrder.ComboOrder) {
        const { combo, contract, order: ibOrder } = yield* build(order)
        reducer.placed(orderId, combo)
        yield* connection.orderIds
          .submit(
            orderId,
            connection.send(`the order ${orderId}`, (api) => {
              reducer.sent(orderId)
              api.placeOrder(orderId, contract, ibOrder)
            })
          )
          .pipe(Effect.tapError(() => Effect.sync(() => reducer.notSent(orderId, "new"))))
      })
    )

    const modify = traced("IbBroker.modify")(
      Effect.fnUntraced(function* (orderId: number, order: ComboOrder.ComboOrder) {
        const { combo, contract, order: ibOrder } = yield* build(order)
        // IB matches a modify to the order by id AND contract: send back exactly what it echoed (else 105).
        const echoed = reducer.get(orderId)?.contract ?? contract
        reducer.modifying(orderId, combo)
        yield* connection
          .send(`the modify of order ${orderId}`, (api) => {
            reducer.sent(orderId)
            api.placeOrder(orderId, echoed, ibOrder)
          })
          .pipe(Effect.tapError(() => Effect.sync(() => reducer.notSent(orderId, "modify"))))
      })
    )

    const cancel = traced("IbBroker.cancel")(
      Effect.fnUntraced(function* (orderId: number) {
        reducer.cancelling(orderId)
        yield* connection
          .send(`the cancel of order ${orderId}`, (api) => api.cancelOrder(orderId))
          .pipe(Effect.tapError(() => Effect.sync(() => reducer.notSent(orderId, "cancel"))))
      })
    )

    const cancelAll = Effect.gen(function* () {
      const live = reducer.liveOrders()
      for (const id of live) reducer.cancelling(id)
      yield* connection
        .send("the global cancel", (api) => api.reqGlobalCancel())
        .pipe(Effect.tapError(() => Effect.sync(() => live.forEach((id) => reducer.notSent(id, "cancel")))))
    }).pipe(Effect.withSpan("IbBroker.cancelAll"))

    const whatIf = traced("IbBroker.whatIf")(
      Effect.fnUntraced(function* (order: ComboOrder.ComboOrder) {
        const { contract, order: ibOrder } = yield* build(order, true)
        const orderId = yield* connection.orderIds.allocate
        reducer.whatIf(orderId)
        return yield* Requests.run(connection, {
          what: `the what-if preview (order id ${orderId})`,
          errorsFor: orderId,
          wrapSend: (send) => connection.orderIds.submit(orderId, send),
          send: (api) => api.placeOrder(orderId, contract, ibOrder),
          handler: () => (event) => {
            if (event._tag !== "OpenOrder" || event.orderId !== orderId) return Requests.next
            const s = event.orderState
            const text = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? "" : String(n))
            return Requests.done({
              initMarginChange: text(s.initMarginChange),
              maintMarginChange: text(s.maintMarginChange),
              equityWithLoanAfter: text(s.equityWithLoanAfter),
              commission: text(s.commission),
              currency: s.commissionCurrency ?? contract.currency ?? "USD"
            })
          }
        })
      })
    )

    const broker = Broker.of({
      connectionState: SubscriptionRef.get(connection.state),
      connectionChanges: SubscriptionRef.changes(connection.state),
      nextOrderId: connection.orderIds.allocate,
      qualify: qualifier.qualify,
      place,
      modify,
      cancel,
      cancelAll,
      openOrders,
      completedOrders: Effect.map(completedWithSource, (c) => c.orders),
      executions,
      whatIf,
      events: Stream.fromPubSub(out),
      subscribe: Effect.map(PubSub.subscribe(out), Stream.fromSubscription)
    })
    const marketData = IbMarketData.make(connection, qualifier)
    yield* Deferred.succeed(ready, undefined)
    return { broker, marketData, connection, reconcile }
  })

/**
 * Broker + MarketData (and IbSession) over TWS / IB Gateway, connected for as long as the layer lives. Takes a config
 * from IbConfig.make, or raw settings (`{ clientId, host?, port?, ... }`) that are validated first. Building it fails
 * with BrokerError NotConnected when TWS cannot be reached within the connect timeout, or with a ValidationError
 * naming the bad setting.
 */
export const layer = (
  config: IbConfig.IbConfig | IbConfig.IbConfigInput
): Layer.Layer<Broker | MarketData | IbSession, BrokerError | ValidationError> => {
  const resolved = IbConfig.isConfig(config) ? Result.succeed(config) : IbConfig.make(config)
  return Layer.effectContext(
    Effect.gen(function* () {
      if (Result.isFailure(resolved)) return yield* resolved.failure
      const adapter = yield* make(resolved.success)
      return Context.make(Broker, adapter.broker).pipe(
        Context.add(MarketData, adapter.marketData),
        Context.add(IbSession, adapter)
      )
    })
  )
}
