/**
 * wire.place_ack: place -> acknowledgement latency through the IB adapter against the TWS simulator on loopback,
 * against the raw @stoqey/ib client placing the same BAG order against the same server (goal: median ratio <= 1.15).
 * tws.throughput: orders per second the TWS simulator accepts and acknowledges from 8 concurrent raw clients (report;
 * no errors). Orders are paced below IB's 50 messages/s per client, as both clients must be.
 * The adapter and the raw client are connected to the server at the same time and place alternately (adapter, raw,
 * adapter, raw, ...), so machine noise hits both alike; the spread is the interquartile range of each.
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

const spread = bullCall
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const pct = (xs: ReadonlyArray<number>, p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!

export const run = async ({ quick }: { quick: boolean }): Promise<ReadonlyArray<Metric>> => {
  const n = quick ? 30 : 300
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
  const acks = new Map<number, (t: number) => void>()
  const consumer = Effect.runFork(
    broker.events.pipe(
      Stream.runForEach((e: BrokerEvent) =>
        Effect.sync(() => {
          if (e.event._tag === "Acknowledged") acks.get(e.orderId)?.(performance.now())
        })
      )
    )
  )
  await sleep(50)
  // The raw client, same server, same BAG, connected alongside.
  const api = new IBApi({ host: "127.0.0.1", port })
  let nextId = -1
  const rawAcks = new Map<number, (t: number) => void>()
  api.on(EventName.nextValidId, (id: number) => (nextId = id))
  api.on(EventName.openOrder, (id: number) => rawAcks.get(id)?.(performance.now()))
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

  const adapterPlace = async (i: number): Promise<number> => {
    const order = Result.getOrThrow(
      ComboOrder.makeComboOrder({
        spread: qualified,
        action: "BUY",
        quantity: 1,
        orderType: "LIMIT",
        limitPrice: Price.debit("0.05"),
        orderRef: `bench-a-${i}`
      })
    )
    const id = await Effect.runPromise(broker.nextOrderId)
    const acked = new Promise<number>((resolve) => acks.set(id, resolve))
    const t0 = performance.now()
    await Effect.runPromise(broker.place(id, order))
    return (await acked) - t0
  }
  const rawPlace = async (i: number): Promise<number> => {
    const id = nextId++
    const order: IbOrder = {
      action: OrderAction.BUY,
      totalQuantity: 1,
      orderType: OrderType.LMT,
      lmtPrice: 0.05,
      transmit: true,
      orderRef: `bench-r-${i}`,
      tif: "DAY"
    }
    const acked = new Promise<number>((resolve) => rawAcks.set(id, resolve))
    const t0 = performance.now()
    api.placeOrder(id, bag, order)
    return (await acked) - t0
  }

  // Warm-up (JIT, first-order paths), then alternate.
  for (let i = 0; i < 5; i++) {
    await adapterPlace(-1 - i)
    await sleep(30)
    await rawPlace(-1 - i)
    await sleep(30)
  }
  const adapterLatencies: Array<number> = []
  const rawLatencies: Array<number> = []
  for (let i = 0; i < n; i++) {
    adapterLatencies.push(await adapterPlace(i))
    await sleep(30)
    rawLatencies.push(await rawPlace(i))
    await sleep(30)
  }
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
  const aMed = pct(adapterLatencies, 0.5)
  const rMed = pct(rawLatencies, 0.5)
  const iqr = (xs: ReadonlyArray<number>) => `${pct(xs, 0.25).toFixed(2)}-${pct(xs, 0.75).toFixed(2)} ms`
  return [
    {
      name: "wire.place_ack median",
      value: aMed,
      unit: "ms",
      spread: iqr(adapterLatencies),
      comparedTo: `raw @stoqey/ib median ${rMed.toFixed(2)} ms (${iqr(rawLatencies)}), ${n} orders each, alternating`,
      ratio: aMed / rMed,
      goal: "<= 1.15",
      met: aMed / rMed <= 1.15
    },
    {
      name: "wire.place_ack p99",
      value: pct(adapterLatencies, 0.99),
      unit: "ms",
      comparedTo: `raw @stoqey/ib p99 ${pct(rawLatencies, 0.99).toFixed(2)} ms`,
      ratio: pct(adapterLatencies, 0.99) / pct(rawLatencies, 0.99),
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
