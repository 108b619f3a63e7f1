/**
 * memory.open_order: heap bytes per open order held by the OrderBook (100,000 open orders; quick: 10,000), compared
 * with the bare domain Order objects alone. memory.finished: heap growth after 1,000,000 orders (quick: 20,000) have
 * reached a terminal state, compared with the growth after the first tenth of them — flat means memory does not grow
 * with finished orders (they live in the journal; this bench uses a journal that stores nothing, to isolate the book).
 * Needs `node --expose-gc` (pnpm bench passes it).
 */
import { Broker, MarketData, OrderBook, OrderJournal, Settings } from "@spreads/application"
import { ComboOrder, Order, Price, Values } from "@spreads/domain"
import { Effect, Layer, ManagedRuntime, Result, Stream } from "effect"
import { bullCall } from "./fixtures.ts"
import type { Metric } from "./run.ts"

const spread = bullCall
const combo = (ref: string) =>
  Result.getOrThrow(
    ComboOrder.makeComboOrder({
      spread,
      action: "BUY",
      quantity: 1,
      orderType: "LIMIT",
      limitPrice: Price.debit("1.00"),
      orderRef: ref
    })
  )

const idle = Effect.die(new Error("not used by this bench"))
const brokerLayer = Layer.succeed(
  Broker,
  Broker.of({
    connectionState: Effect.succeed("Connected"),
    connectionChanges: Stream.make("Connected" as const),
    nextOrderId: idle,
    qualify: () => idle,
    place: () => idle,
    modify: () => idle,
    cancel: () => idle,
    cancelAll: idle,
    openOrders: Effect.succeed([]),
    completedOrders: Effect.succeed([]),
    executions: Effect.succeed([]),
    whatIf: () => idle,
    events: Stream.never
  })
)
const nullJournal = Layer.succeed(
  OrderJournal,
  OrderJournal.of({
    append: () => Effect.void,
    markSent: () => Effect.void,
    loadOrder: () => Effect.succeed(undefined),
    loadAll: Effect.succeed([]),
    unsent: Effect.succeed([]),
    findByRef: () => Effect.succeed(undefined),
    highestOrderId: Effect.succeed(0)
  })
)
const marketData = Layer.succeed(
  MarketData,
  MarketData.of({ quote: () => idle, underlyingPrice: () => idle, chain: () => idle })
)

const heap = () => {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error("run with node --expose-gc (pnpm bench does)")
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

const openOrders = (n: number, from: number) =>
  Effect.gen(function* () {
    const book = yield* OrderBook.OrderBook
    for (let i = from; i < from + n; i++) {
      yield* book.create(i, { _tag: "Created", at: i, orderId: i as Values.OrderId, order: combo(`m-${i}`) })
      yield* book.ingest({ orderId: i, event: { _tag: "Acknowledged", at: i, status: "Submitted", permId: i } })
    }
  })

const finishOrders = (n: number, from: number) =>
  Effect.gen(function* () {
    const book = yield* OrderBook.OrderBook
    for (let i = from; i < from + n; i++) {
      yield* book.create(i, { _tag: "Created", at: i, orderId: i as Values.OrderId, order: combo(`f-${i}`) })
      yield* book.ingest({
        orderId: i,
        event: {
          _tag: "Filled",
          at: i,
          execId: `x${i}` as Values.ExecId,
          quantity: 1 as Values.Quantity,
          price: Price.debit("1.00")
        }
      })
    }
  })

// Retention well below the first tenth, so both measurements see a full retention window.
const makeRuntime = () =>
  ManagedRuntime.make(
    OrderBook.layer.pipe(
      Layer.provideMerge(Layer.mergeAll(brokerLayer, nullJournal, marketData)),
      Layer.provide(Settings.layer({ retainFinishedOrders: 1_000 }))
    )
  )

export const run = async ({ quick }: { quick: boolean }): Promise<ReadonlyArray<Metric>> => {
  const nOpen = quick ? 10_000 : 100_000
  const nDone = quick ? 20_000 : 1_000_000

  // The bare domain objects, for comparison.
  const base0 = heap()
  const bare: Array<Order.Order> = []
  for (let i = 1; i <= nOpen; i++) {
    const o = Order.create({ _tag: "Created", at: i, orderId: i as Values.OrderId, order: combo(`b-${i}`) })
    bare.push(Result.getOrThrow(Order.apply(o, { _tag: "Acknowledged", at: i, status: "Submitted", permId: i })))
  }
  const bareBytes = (heap() - base0) / nOpen
  bare.length = 0

  const rt1 = makeRuntime()
  await rt1.runPromise(Effect.void)
  const open0 = heap()
  await rt1.runPromise(openOrders(nOpen, 1))
  const perOpen = (heap() - open0) / nOpen
  await rt1.dispose()

  const rt2 = makeRuntime()
  await rt2.runPromise(Effect.void)
  const done0 = heap()
  const tenth = Math.floor(nDone / 10)
  await rt2.runPromise(finishOrders(tenth, 1))
  const afterTenth = heap() - done0
  await rt2.runPromise(finishOrders(nDone - tenth, tenth + 1))
  const afterAll = heap() - done0
  await rt2.dispose()

  return [
    {
      name: "memory.open_order",
      value: perOpen,
      unit: "heap bytes/open order",
      comparedTo: `bare domain Order objects (${Math.round(bareBytes)} B each)`,
      ratio: perOpen / bareBytes,
      goal: "<= 4096 B/order",
      met: perOpen <= 4096
    },
    {
      name: "memory.finished",
      value: afterAll / 1024 / 1024,
      unit: `MiB heap growth after ${nDone.toLocaleString("en-US")} finished`,
      comparedTo: `growth after the first ${tenth.toLocaleString("en-US")} (${(afterTenth / 1024 / 1024).toFixed(1)} MiB)`,
      ratio: afterAll / Math.max(afterTenth, 1),
      goal: "no growth with finished orders (ratio ~1)",
      met: afterAll <= afterTenth * 1.5 + 8 * 1024 * 1024
    }
  ]
}
