import { assert, describe, it } from "@effect/vitest"
import {
  cancelOrder,
  getOrderStatus,
  InMemoryJournal,
  JournalError,
  OrderBook,
  OrderJournal,
  placeSpreadOrder,
  Settings,
  watchOrder
} from "@spreads/application"
import { ComboOrder, Price, type Values } from "@spreads/domain"
import { Effect, Fiber, Layer, Option, Result, Stream } from "effect"
import { TestClock } from "effect/testing"
import { bullCall, Fake, fakeLayer } from "./fakes.ts"

const live = OrderBook.layer.pipe(Layer.provideMerge(Layer.merge(fakeLayer, InMemoryJournal.layer)))
const execId = (s: string) => s as Values.ExecId
const qty = (n: number) => n as Values.Quantity

const placeResting = Effect.gen(function* () {
  const fake = yield* Fake
  const fiber = yield* Effect.forkChild(
    placeSpreadOrder({
      spread: bullCall,
      action: "BUY",
      quantity: 2,
      orderType: "LIMIT",
      limitPrice: Price.debit("1.00")
    })
  )
  yield* Effect.yieldNow
  const placed = fake.calls.find((c) => c.op === "place")!
  yield* fake.publish({
    orderId: placed.orderId!,
    event: { _tag: "Acknowledged", at: 1, status: "Submitted", permId: 77 }
  })
  return yield* Fiber.join(fiber)
})

describe("OrderBook", () => {
  it.effect("folds acknowledgement and fills into the order view", () =>
    Effect.gen(function* () {
      const fake = yield* Fake
      const view = yield* placeResting
      assert.strictEqual(view.status, "Submitted")
      assert.strictEqual(view.permId, 77)
      yield* fake.publish({
        orderId: view.id,
        event: { _tag: "Filled", at: 2, execId: execId("e1"), quantity: qty(1), price: Price.debit("0.95") }
      })
      yield* fake.publish({
        orderId: view.id,
        event: { _tag: "Filled", at: 3, execId: execId("e1"), quantity: qty(1), price: Price.debit("0.95") }
      })
      yield* Effect.yieldNow
      const after = yield* getOrderStatus(view.id)
      assert.strictEqual(after.status, "PartiallyFilled")
      assert.strictEqual(after.filled, 1)
      assert.strictEqual(after.remaining, 1)
      assert.deepStrictEqual(after.avgFillPrice, { amount: "0.95", side: "debit" })
    }).pipe(Effect.provide(live))
  )

  it.effect("keeps events that arrive before the order is registered and applies them on create", () =>
    Effect.gen(function* () {
      const book = yield* OrderBook.OrderBook
      // The broker reports a fill for order 100 before our Created event exists.
      yield* book.ingest({
        orderId: 100,
        event: { _tag: "Filled", at: 1, execId: execId("early"), quantity: qty(2), price: Price.debit("1.00") }
      })
      const fiber = yield* Effect.forkChild(
        placeSpreadOrder({ spread: bullCall, action: "BUY", quantity: 2, orderType: "MARKET" })
      )
      const view = yield* Fiber.join(fiber)
      assert.strictEqual(view.id, 100)
      assert.strictEqual(view.status, "Filled")
      const log = yield* book.log(100)
      assert.deepStrictEqual(
        log.map((e) => e._tag),
        ["Created", "Filled"]
      )
    }).pipe(Effect.provide(live))
  )

  it.effect("a create the journal refuses leaves no trace: not open, not found, its buffered events kept", () => {
    // A journal that refuses writes while `refusing` is set, over the in-memory one.
    let refusing = true
    const journal = Layer.effect(
      OrderJournal,
      Effect.map(InMemoryJournal.make, (inner) =>
        OrderJournal.of({
          ...inner,
          append: (entries) =>
            refusing ? Effect.fail(new JournalError({ reason: "Io", message: "disk full" })) : inner.append(entries)
        })
      )
    )
    const book = OrderBook.layer.pipe(Layer.provideMerge(Layer.merge(fakeLayer, journal)))
    return Effect.gen(function* () {
      const book = yield* OrderBook.OrderBook
      // IB acknowledged order 100 (permId 55) before its Created event: buffered, nothing journaled yet.
      yield* book.ingest({ orderId: 100, event: { _tag: "Acknowledged", at: 1, status: "Submitted", permId: 55 } })
      const order = Result.getOrThrow(
        ComboOrder.makeComboOrder({ spread: bullCall, action: "BUY", quantity: 1, orderType: "MARKET", orderRef: "r" })
      )
      const created = { _tag: "Created", at: 2, orderId: 100 as Values.OrderId, order } as const
      const refused = yield* Effect.flip(book.create(100, created))
      assert.strictEqual(refused.reason, "Io")
      assert.strictEqual(yield* book.openCount, 0)
      assert.lengthOf(yield* book.openOrders, 0)
      assert.strictEqual((yield* Effect.flip(book.get(100)))._tag, "OrderNotFound")
      assert.isTrue(Option.isNone(yield* book.findByRef("r")))
      // The journal is back: the same create now holds, with the buffered acknowledgement applied.
      refusing = false
      const held = yield* book.create(100, created)
      assert.strictEqual(held.status, "Submitted")
      assert.strictEqual(held.permId, 55)
      assert.strictEqual(yield* book.openCount, 1)
      assert.deepStrictEqual(
        (yield* book.log(100)).map((e) => e._tag),
        ["Created", "Acknowledged"]
      )
    }).pipe(Effect.provide(book))
  })

  it.effect("an unknown order id is a typed OrderNotFound with a readable message", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(getOrderStatus(4242))
      assert.strictEqual(error._tag, "OrderNotFound")
      assert.include(error.message, "no order with id 4242 is known")
    }).pipe(Effect.provide(live))
  )

  it.effect("journals every event it applies, in order", () =>
    Effect.gen(function* () {
      const fake = yield* Fake
      const journal = yield* OrderJournal
      const view = yield* placeResting
      yield* fake.publish({ orderId: view.id, event: { _tag: "Cancelled", at: 5, reason: "", api: false } })
      yield* Effect.yieldNow
      const [row] = yield* journal.loadAll
      assert.deepStrictEqual(
        row!.events.map((e) => e._tag),
        ["Created", "Acknowledged", "Cancelled"]
      )
      assert.isTrue(row!.sent)
    }).pipe(Effect.provide(live))
  )

  it.effect("watchOrder streams each change and ends at the terminal state", () =>
    Effect.gen(function* () {
      const fake = yield* Fake
      const view = yield* placeResting
      const watcher = yield* Effect.forkChild(Stream.runCollect(watchOrder(view.id)))
      yield* Effect.yieldNow
      yield* fake.publish({ orderId: view.id, event: { _tag: "Acknowledged", at: 6, status: "Submitted" } })
      yield* fake.publish({
        orderId: view.id,
        event: { _tag: "Filled", at: 7, execId: execId("w1"), quantity: qty(2), price: Price.debit("0.90") }
      })
      const seen = yield* Fiber.join(watcher)
      assert.deepStrictEqual(
        seen.map((v) => v.status),
        ["Submitted", "Filled"]
      )
    }).pipe(Effect.provide(live))
  )

  it.effect("cancel reports StillPending after its timeout, never success", () =>
    Effect.gen(function* () {
      const view = yield* placeResting
      const fiber = yield* Effect.forkChild(cancelOrder(view.id))
      yield* TestClock.adjust("6 seconds")
      const result = yield* Fiber.join(fiber)
      assert.strictEqual(result.outcome, "StillPending")
      assert.strictEqual(result.order.status, "PendingCancel")
    }).pipe(Effect.provide(live))
  )

  it.effect("cancel of a filled order is refused with its state", () =>
    Effect.gen(function* () {
      const fake = yield* Fake
      const view = yield* placeResting
      yield* fake.publish({
        orderId: view.id,
        event: { _tag: "Filled", at: 2, execId: execId("f"), quantity: qty(2), price: Price.debit("1.00") }
      })
      yield* Effect.yieldNow
      const error = yield* Effect.flip(cancelOrder(view.id))
      assert.strictEqual(error._tag, "CancelRefused")
      assert.include(error.message, "is Filled")
    }).pipe(Effect.provide(live))
  )

  it.effect("placing while disconnected fails and sends nothing", () =>
    Effect.gen(function* () {
      const fake = yield* Fake
      yield* fake.setConnection("Disconnected")
      const error = yield* Effect.flip(
        placeSpreadOrder({ spread: bullCall, action: "BUY", quantity: 1, orderType: "MARKET" })
      )
      assert.strictEqual(error._tag, "BrokerError")
      assert.include(error.message, "not connected to the broker")
      assert.strictEqual(fake.calls.length, 0)
    }).pipe(Effect.provide(live))
  )

  it.effect("the same orderRef is placed once; placing it again returns that order", () =>
    Effect.gen(function* () {
      const fake = yield* Fake
      const input = { spread: bullCall, action: "BUY", quantity: 1, orderType: "MARKET", orderRef: "once-1" } as const
      const first = yield* Effect.forkChild(placeSpreadOrder(input))
      yield* TestClock.adjust("6 seconds")
      const a = yield* Fiber.join(first)
      const b = yield* placeSpreadOrder(input)
      assert.strictEqual(a.id, b.id)
      assert.strictEqual(fake.calls.filter((c) => c.op === "place").length, 1)
    }).pipe(Effect.provide(live))
  )
})

describe("OrderBook memory", () => {
  const small = OrderBook.layer.pipe(
    Layer.provideMerge(Layer.merge(fakeLayer, InMemoryJournal.layer)),
    Layer.provide(Settings.layer({ retainFinishedOrders: 2 }))
  )

  it.effect("keeps only the most recent finished orders in memory and reads older ones back from the journal", () =>
    Effect.gen(function* () {
      const fake = yield* Fake
      const book = yield* OrderBook.OrderBook
      const ids: Array<number> = []
      for (let i = 0; i < 5; i++) {
        const fiber = yield* Effect.forkChild(
          placeSpreadOrder({ spread: bullCall, action: "BUY", quantity: 1, orderType: "MARKET", orderRef: `mem-${i}` })
        )
        yield* Effect.yieldNow
        const id = fake.calls.filter((c) => c.op === "place").at(-1)!.orderId!
        yield* book.ingest({
          orderId: id,
          event: { _tag: "Filled", at: i, execId: execId(`m${i}`), quantity: qty(1), price: Price.debit("1.00") }
        })
        yield* Fiber.join(fiber)
        ids.push(id)
      }
      const inMemory = (yield* book.list).map((o) => o.orderId)
      assert.deepStrictEqual(inMemory, ids.slice(3))
      const oldest = yield* getOrderStatus(ids[0]!)
      assert.strictEqual(oldest.status, "Filled")
      assert.strictEqual(oldest.orderRef, "mem-0")
      const again = yield* book.findByRef("mem-1")
      assert.strictEqual(again._tag, "Some")
    }).pipe(Effect.provide(small))
  )
})

describe("cancel across a lost link", () => {
  it.effect("a cancel whose order goes Unknown waits for the reconcile instead of reporting a refusal", () =>
    Effect.gen(function* () {
      const fake = yield* Fake
      const view = yield* placeResting
      const fiber = yield* Effect.forkChild(cancelOrder(view.id))
      yield* Effect.yieldNow
      yield* fake.publish({ orderId: view.id, event: { _tag: "ContactLost", at: 10 } })
      yield* TestClock.adjust("1 second")
      yield* fake.publish({ orderId: view.id, event: { _tag: "Reconciled", at: 20, status: "Cancelled" } })
      const result = yield* Fiber.join(fiber)
      assert.strictEqual(result.outcome, "Cancelled")
    }).pipe(Effect.provide(live))
  )
})
