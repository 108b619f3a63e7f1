/**
 * wire.place_ack: place -> acknowledgement latency through the IB adapter against the TWS simulator on loopback,
 * against the raw @stoqey/ib client placing the same BAG order against the same server (goal: median ratio <= 1.15).
 * tws.throughput: orders per second the TWS simulator accepts and acknowledges from 8 concurrent raw clients (report;
 * no errors). Orders are paced below IB's 50 messages/s per client, as both clients must be.
 * The adapter and the raw client are connected to the server at the same time; each tinybench iteration places one
 * order and waits for its acknowledgement (order id, order and the ack's promise are made beforehand, the pacing pause
 * comes after, both outside the timing), in blocks that alternate which of the two goes first (see stats.ts), so
 * machine noise hits both alike. The figures are the median and p99 of the pooled samples, with the min-max spread.
 */
import { Broker, type BrokerEvent } from "@spreads/application"
import { ComboOrder, Price } from "@spreads/domain"
import { IbBroker } from "@spreads/ib"
import { SimBroker } from "@spreads/sim"
import { TwsServer } from "@spreads/tws"
import {
  type Contract as IbContract,
  EventName,
  IBApi,
  type Order as IbOrder,
  OrderAction,
  OrderType,
  SecType
} from "@stoqey/ib"
import { Context, Effect, Layer, Logger, ManagedRuntime, Result, Stream } from "effect"
import { bullCall } from "./fixtures.ts"
import type { Metric } from "./run.ts"
import { compare, type Timing } from "./stats.ts"

const spread = bullCall
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

export const run = async ({ quick }: { quick: boolean }): Promise<ReadonlyArray<Metric>> => {
  // Short blocks, so the two alternate every few orders: noise that lasts a second hits both alike.
  const blocks = quick ? 6 : 60
  const iterationsPerBlock = 5
  const n = blocks * iterationsPerBlock
  const server = ManagedRuntime.make(
    TwsServer.layer({ port: 0 }).pipe(
      Layer.provideMerge(
        SimBroker.layer({ ackMs: 0, fillMs: 60_000, priceMotion: 0, marketOpen: true, restingFillProbability: 0 })
      ),
      Layer.provide(Logger.layer([]))
    )
  )
  const port = (await server.runPromise(Effect.service(TwsServer.Service))).port

  // The adapter.
  const adapter = ManagedRuntime.make(
    IbBroker.layer({ host: "127.0.0.1", port, clientId: 1 }).pipe(Layer.provide(Logger.layer([])))
  )
  const ctx = await adapter.context()
  const broker = Context.get(ctx, Broker)
  const qualified = await Effect.runPromise(broker.qualify(spread))
  const acks = new Map<number, () => void>()
  const consumer = Effect.runFork(
    broker.events.pipe(
      Stream.runForEach((e: BrokerEvent) =>
        Effect.sync(() => {
          if (e.event._tag === "Acknowledged") acks.get(e.orderId)?.()
        })
      )
    )
  )
  await sleep(50)
  // The raw client, same server, same BAG, connected alongside.
  const api = new IBApi({ host: "127.0.0.1", port })
  let nextId = -1
  const rawAcks = new Map<number, () => void>()
  api.on(EventName.nextValidId, (id: number) => (nextId = id))
  api.on(EventName.openOrder, (id: number) => rawAcks.get(id)?.())
  api.connect(2)
  while (nextId < 0) await sleep(5)
  const bag: IbContract = {
    symbol: "AAPL",
    secType: SecType.BAG,
    currency: "USD",
    exchange: "SMART",
    comboLegs: qualified.legs.map((l) => ({
      conId: l.contract.conId!,
      ratio: l.ratio,
      action: l.action === "BUY" ? OrderAction.BUY : OrderAction.SELL,
      exchange: "SMART"
    }))
  }

  // One order per iteration: beforeEach readies it (id, order, the ack's promise), fn places it and waits for the ack,
  // afterEach paces (one order per client every ~30 ms, well below IB's 50 messages/s).
  let seq = 0
  let adapterNext: { id: number; order: ComboOrder.ComboOrder; acked: Promise<void> } | undefined
  let rawNext: { id: number; order: IbOrder; acked: Promise<void> } | undefined
  const pace = () => sleep(30)
  const [adapterTiming, rawTiming] = (await compare(
    [
      {
        name: "adapter",
        beforeEach: async () => {
          const order = Result.getOrThrow(
            ComboOrder.makeComboOrder({
              spread: qualified,
              action: "BUY",
              quantity: 1,
              orderType: "LIMIT",
              limitPrice: Price.debit("0.05"),
              orderRef: `bench-a-${seq++}`
            })
          )
          const id = await Effect.runPromise(broker.nextOrderId)
          adapterNext = { id, order, acked: new Promise<void>((resolve) => acks.set(id, resolve)) }
        },
        fn: async () => {
          const { id, order, acked } = adapterNext!
          await Effect.runPromise(broker.place(id, order))
          await acked
        },
        afterEach: () => {
          if (adapterNext !== undefined) acks.delete(adapterNext.id)
          adapterNext = undefined
          return pace()
        }
      },
      {
        name: "raw @stoqey/ib",
        beforeEach: () => {
          const id = nextId++
          const order: IbOrder = {
            action: OrderAction.BUY,
            totalQuantity: 1,
            orderType: OrderType.LMT,
            lmtPrice: 0.05,
            transmit: true,
            orderRef: `bench-r-${seq++}`,
            tif: "DAY"
          }
          rawNext = { id, order, acked: new Promise<void>((resolve) => rawAcks.set(id, resolve)) }
        },
        fn: async () => {
          const { id, order, acked } = rawNext!
          api.placeOrder(id, bag, order)
          await acked
        },
        afterEach: () => {
          if (rawNext !== undefined) rawAcks.delete(rawNext.id)
          rawNext = undefined
          return pace()
        }
      }
    ],
    // Samples of about a millisecond: a full collection before each would time cold caches, not spare garbage.
    { blocks, iterationsPerBlock, warmupIterations: 5, collectBetween: false }
  )) as [Timing, Timing]
  api.disconnect()

  // Throughput: 8 raw clients at once.
  const perClient = quick ? 20 : 200
  const clients = await Promise.all(
    Array.from({ length: 8 }, async (_, c) => {
      const a = new IBApi({ host: "127.0.0.1", port })
      let id = -1
      let acked = 0
      let errors = 0
      a.on(EventName.nextValidId, (v: number) => (id = id < 0 ? v : id))
      a.on(EventName.openOrder, () => void acked++)
      a.on(EventName.error, (_e: unknown, code: number) => {
        if (code !== undefined && code < 2100) errors++
      })
      a.connect(10 + c)
      while (id < 0) await sleep(5)
      return { a, next: () => id++, acked: () => acked, errors: () => errors }
    })
  )
  const t0 = performance.now()
  await Promise.all(
    clients.map(async (c, k) => {
      for (let i = 0; i < perClient; i++) {
        c.a.placeOrder(c.next(), bag, {
          action: OrderAction.BUY,
          totalQuantity: 1,
          orderType: OrderType.LMT,
          lmtPrice: 0.05,
          transmit: true,
          orderRef: `tp-${k}-${i}`,
          tif: "DAY"
        })
        await sleep(22)
      }
    })
  )
  while (clients.some((c) => c.acked() < perClient) && performance.now() - t0 < 60_000) await sleep(10)
  const elapsed = (performance.now() - t0) / 1000
  const total = clients.reduce((a, c) => a + c.acked(), 0)
  const errors = clients.reduce((a, c) => a + c.errors(), 0)
  for (const c of clients) c.a.disconnect()

  consumer.interruptUnsafe()
  await adapter.dispose()
  await server.dispose()
  const aMed = adapterTiming.median
  const rMed = rawTiming.median
  return [
    {
      name: "wire.place_ack median",
      value: aMed,
      unit: "ms",
      spread: adapterTiming.spread,
      comparedTo: `raw @stoqey/ib median ${rMed.toFixed(2)} ms (${rawTiming.spread}), ${n} orders each, alternating blocks`,
      ratio: aMed / rMed,
      goal: "<= 1.15",
      met: aMed / rMed <= 1.15
    },
    {
      name: "wire.place_ack p99",
      value: adapterTiming.p99,
      unit: "ms",
      comparedTo: `raw @stoqey/ib p99 ${rawTiming.p99.toFixed(2)} ms`,
      ratio: adapterTiming.p99 / rawTiming.p99,
      goal: "report"
    },
    {
      name: "tws.throughput",
      value: total / elapsed,
      unit: "orders acked/s (8 clients)",
      comparedTo: `${total} of ${8 * perClient} acknowledged, ${errors} errors, paced at ~45 msg/s per client`,
      ratio: null,
      goal: "report; no errors",
      met: errors === 0 && total === 8 * perClient
    }
  ]
}
