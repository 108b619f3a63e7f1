/**
 * wire.ingest: broker events per second taken from the socket into order views (IB adapter + OrderBook) for a burst
 * of status and execution messages (100,000; quick: 10,000), against the raw @stoqey/ib client decoding the same bytes
 * (goal: >= 0.7 of raw). A small loopback server answers the handshake and the adapter's start-up requests, then
 * writes the whole burst at once: ORDER_STATUS and EXECUTION_DATA (BAG) for many orders, ending with a Cancelled.
 * Each tinybench iteration is one round on a fresh connection to a fresh server sending the same bytes: the server,
 * the client (and for the adapter its runtime and orders) are set up before and torn down after, outside the timing,
 * so only "fire the burst -> last event seen" is timed. The two run side by side in blocks that alternate which goes
 * first (see stats.ts); the figures are the rates at the median round, with the min-max spread of each.
 */
import { awaitOrder, InMemoryJournal, OrderBook } from "@spreads/application"
import { ComboOrder, Values } from "@spreads/domain"
import { IbBroker } from "@spreads/ib"
import { Frame, Outgoing, Reports } from "@spreads/tws"
import { EventName, IBApi } from "@stoqey/ib"
import { Effect, Layer, Logger, ManagedRuntime, Result } from "effect"
import * as net from "node:net"
import { bullCall } from "./fixtures.ts"
import type { Metric } from "./run.ts"
import { compare, medianRate, rateSpread, type Timing } from "./stats.ts"

const BASE_ID = 5_000
const spread = bullCall

type Fields = Parameters<typeof Frame.encodeFrame>[0]

/** The burst: per order, alternating status and execution messages; the very last message cancels the last order. */
const burst = (orders: number, perOrder: number): Buffer => {
  const frames: Array<Buffer> = []
  const bag = {
    conId: 28812380,
    symbol: "AAPL",
    secType: "BAG",
    lastTradeDateOrContractMonth: "",
    strike: 0,
    right: "",
    multiplier: "",
    exchange: "SMART",
    primaryExch: "",
    currency: "USD",
    localSymbol: "",
    tradingClass: ""
  }
  for (let k = 1; k <= perOrder / 2; k++) {
    for (let i = 0; i < orders; i++) {
      const orderId = BASE_ID + i
      frames.push(
        Frame.encodeFrame(
          Outgoing.orderStatus({
            orderId,
            status: "Submitted",
            filled: k - 1,
            remaining: perOrder - (k - 1),
            avgFillPrice: 1,
            permId: 900_000 + i,
            lastFillPrice: 1,
            clientId: 1
          }) as Fields
        )
      )
      frames.push(
        Frame.encodeFrame(
          Reports.executionData(-1, bag, {
            orderId,
            execId: `0001.${i}.${k}`,
            time: "20261130 10:00:00 US/Eastern",
            acctNumber: "DU1234567",
            exchange: "SMART",
            side: "BOT",
            shares: 1,
            price: 1,
            permId: 900_000 + i,
            clientId: 1,
            cumQty: k,
            avgPrice: 1,
            orderRef: `ingest-${i}`
          }) as Fields
        )
      )
    }
  }
  const last = BASE_ID + orders - 1
  frames.push(
    Frame.encodeFrame(
      Outgoing.orderStatus({
        orderId: last,
        status: "Cancelled",
        filled: perOrder / 2,
        remaining: perOrder / 2,
        avgFillPrice: 1,
        permId: 900_000 + orders - 1,
        lastFillPrice: 1,
        clientId: 1
      }) as Fields
    )
  )
  return Buffer.concat(frames)
}

/** A server that completes the handshake, answers start-up requests with empty lists, and sends `bytes` on demand. */
const startServer = (bytes: Buffer) =>
  new Promise<{ port: number; fire: () => void; close: () => void }>((resolve) => {
    const sockets = new Set<net.Socket>()
    const server = net.createServer((socket) => {
      sockets.add(socket)
      const reader = new Frame.FrameReader({})
      const send = (fields: Fields) => socket.write(Frame.encodeFrame(fields))
      socket.on("data", (chunk) => {
        for (const ev of reader.feed(chunk)) {
          if (ev._tag === "Greeting") send(Outgoing.serverHello("20261130 10:00:00 US/Eastern") as Fields)
          if (ev._tag !== "Message") continue
          const [id, , third] = ev.fields
          if (id === "71") {
            send(Outgoing.managedAccounts(["DU1234567"]) as Fields)
            send(Outgoing.nextValidId(BASE_ID + 1_000_000) as Fields)
          }
          if (id === "16" || id === "5" || id === "15") send(Outgoing.openOrderEnd() as Fields)
          if (id === "99") send(["102"])
          if (id === "7") send(Outgoing.executionDataEnd(Number(third)) as Fields)
        }
      })
      socket.on("error", () => undefined)
      socket.on("close", () => sockets.delete(socket))
    })
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        fire: () => {
          for (const s of sockets) s.write(bytes)
        },
        close: () => {
          for (const s of sockets) s.destroy()
          server.close()
        }
      })
    )
  })

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A round made ready: `fire` sends the burst and resolves when the last event is seen (the timed part). */
interface Round {
  readonly fire: () => Promise<void>
  readonly close: () => Promise<void>
}

/** Raw @stoqey/ib, connected: `fire` resolves when it has decoded every message of the burst. */
const rawRound = async (bytes: Buffer, messages: number): Promise<Round> => {
  const raw = await startServer(bytes)
  const api = new IBApi({ host: "127.0.0.1", port: raw.port })
  let seen = 0
  let ready = false
  let rawDone: () => void = () => undefined
  const rawFinished = new Promise<void>((r) => (rawDone = r))
  const count = () => {
    if (++seen === messages) rawDone()
  }
  api.on(EventName.orderStatus, count)
  api.on(EventName.execDetails, count)
  api.on(EventName.nextValidId, () => (ready = true))
  api.connect(2)
  while (!ready) await sleep(5)
  await sleep(100)
  return {
    fire: () => {
      raw.fire()
      return rawFinished
    },
    close: async () => {
      api.disconnect()
      raw.close()
    }
  }
}

/** The adapter + OrderBook, connected, the orders created: `fire` resolves when the burst reached their views. */
const adapterRound = async (bytes: Buffer, orders: number, perOrder: number): Promise<Round> => {
  const server = await startServer(bytes)
  const runtime = ManagedRuntime.make(
    OrderBook.layer.pipe(
      Layer.provideMerge(
        Layer.merge(IbBroker.layer({ host: "127.0.0.1", port: server.port, clientId: 1 }), InMemoryJournal.layer)
      ),
      Layer.provide(Logger.layer([]))
    )
  )
  await runtime.runPromise(
    Effect.gen(function* () {
      const book = yield* OrderBook.OrderBook
      for (let i = 0; i < orders; i++) {
        const order = Result.getOrThrow(
          ComboOrder.makeComboOrder({
            spread,
            action: "BUY",
            quantity: perOrder,
            orderType: "MARKET",
            orderRef: `ingest-${i}`
          })
        )
        yield* book.create(BASE_ID + i, { _tag: "Created", at: 0, orderId: (BASE_ID + i) as Values.OrderId, order })
      }
    })
  )
  await sleep(200)
  const last = BASE_ID + orders - 1
  let cancelled = false
  return {
    fire: async () => {
      server.fire()
      const done = await runtime.runPromise(awaitOrder(last, (o) => o.status === "Cancelled", 120_000))
      cancelled = done._tag === "Some"
    },
    close: async () => {
      let filled: number
      try {
        filled = await runtime.runPromise(
          Effect.gen(function* () {
            const book = yield* OrderBook.OrderBook
            return (yield* book.get(BASE_ID)).filled
          })
        )
      } finally {
        await runtime.dispose()
        server.close()
      }
      if (!cancelled) throw new Error("the burst never reached the order views")
      if (filled !== perOrder / 2) throw new Error(`expected ${perOrder / 2} fills on the first order, saw ${filled}`)
    }
  }
}

export const run = async ({ quick }: { quick: boolean }): Promise<ReadonlyArray<Metric>> => {
  const orders = quick ? 100 : 1_000
  const perOrder = 100
  const blocks = quick ? 4 : 8
  const bytes = burst(orders, perOrder)
  const messages = orders * perOrder + 1

  /** A task whose beforeEach readies a round, fn fires it, afterEach tears it down. */
  const rounds = (name: string, prepare: () => Promise<Round>) => {
    let round: Round | undefined
    return {
      name,
      beforeEach: async () => {
        round = await prepare()
      },
      fn: () => round!.fire(),
      afterEach: async () => {
        await round?.close()
        round = undefined
      }
    }
  }
  const [raw, adapter] = (await compare(
    [
      rounds("raw @stoqey/ib", () => rawRound(bytes, messages)),
      rounds("adapter", () => adapterRound(bytes, orders, perOrder))
    ],
    { blocks, iterationsPerBlock: 1 }
  )) as [Timing, Timing]
  const adapterRate = medianRate(adapter, messages)
  const rawRate = medianRate(raw, messages)
  return [
    {
      name: "wire.ingest",
      value: adapterRate,
      unit: "messages/s into order views",
      spread: rateSpread(adapter, messages),
      comparedTo: `raw @stoqey/ib decoding the same ${messages.toLocaleString("en-US")} messages (median ${Math.round(rawRate).toLocaleString("en-US")}/s, ${rateSpread(raw, messages)})`,
      ratio: adapterRate / rawRate,
      goal: ">= 0.7 of raw",
      met: adapterRate / rawRate >= 0.7
    }
  ]
}
