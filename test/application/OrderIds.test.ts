/**
 * Fresh order ids: after a crash the journal can hold an intent under an id the broker never heard of and may hand
 * out again. placeSpreadOrder takes ids until one is above every journaled id, and gives up (nothing sent) when the
 * broker never gets there.
 */
import { assert, describe, it } from "@effect/vitest"
import { Broker, InMemoryJournal, OrderBook, OrderJournal, placeSpreadOrder } from "@spreads/application"
import { ComboOrder, type Values } from "@spreads/domain"
import { Effect, Fiber, Layer, Result } from "effect"
import { bullCall, Fake, fakeLayer } from "./fakes.ts"

const live = OrderBook.layer.pipe(Layer.provideMerge(Layer.merge(fakeLayer, InMemoryJournal.layer)))

/** Journals an intent under `orderId` directly, as a crash before sending leaves it. */
const journalIntent = (orderId: number, orderRef: string) =>
  Effect.gen(function* () {
    const journal = yield* OrderJournal
    const order = Result.getOrThrow(
      ComboOrder.makeComboOrder({ spread: bullCall, action: "BUY", quantity: 1, orderType: "MARKET", orderRef })
    )
    yield* journal.append([{ orderId, event: { _tag: "Created", at: 0, orderId: orderId as Values.OrderId, order } }])
  })

describe("order ids", () => {
  it.effect("skips ids the journal already holds: the order goes out under the first id above them", () =>
    Effect.gen(function* () {
      const fake = yield* Fake
      // The fake broker hands out 100, 101, ...; the journal holds an unsent intent under 103.
      yield* journalIntent(103, "left-by-a-crash")
      // The placement waits for an acknowledgement the fake never sends: what it sent is what counts here.
      const placing = yield* Effect.forkChild(
        placeSpreadOrder({ spread: bullCall, action: "BUY", quantity: 1, orderType: "MARKET" })
      )
      yield* Effect.yieldNow
      yield* Fiber.interrupt(placing)
      const placed = fake.calls.filter((c) => c.op === "place").map((c) => c.orderId)
      assert.deepStrictEqual(placed, [104])
    }).pipe(Effect.provide(live))
  )

  it.effect("fails before sending anything when the broker never hands out an id above the journal's", () =>
    Effect.gen(function* () {
      const fake = yield* Fake
      yield* journalIntent(2_000_000_000, "far-ahead")
      const error = yield* Effect.flip(
        placeSpreadOrder({ spread: bullCall, action: "BUY", quantity: 1, orderType: "MARKET" })
      )
      assert.strictEqual(error._tag, "BrokerError")
      assert.include(error.message, "keeps handing out order ids the journal already used (up to 2000000000)")
      assert.deepStrictEqual(
        fake.calls.filter((c) => c.op === "place"),
        []
      )
      const broker = yield* Broker
      // 100,000 ids were asked for and refused: the next one is past them.
      assert.strictEqual(yield* broker.nextOrderId, 100 + 100_000)
    }).pipe(Effect.provide(live))
  )
})
