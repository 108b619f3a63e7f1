import { assert, describe, it } from "@effect/vitest"
import { OrderIds, TokenBucket } from "@spreads/ib"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"

describe("OrderIds", () => {
  it.effect("has no id before IB's nextValidId", () =>
    Effect.gen(function* () {
      const ids = yield* OrderIds.make("1 second")
      const e = yield* Effect.flip(ids.allocate)
      assert.strictEqual(e.reason, "NotConnected")
    })
  )

  it.effect("allocates above every id seen: nextValidId, open orders, executions, the caller", () =>
    Effect.gen(function* () {
      const ids = yield* OrderIds.make("1 second")
      yield* ids.observeNextValid(100)
      assert.strictEqual(yield* ids.allocate, 100)
      yield* ids.observe(150)
      assert.strictEqual(yield* ids.allocate, 151)
      yield* ids.observe(120)
      yield* ids.observeNextValid(90)
      assert.strictEqual(yield* ids.allocate, 152)
      // Request ids are never taken for order ids.
      yield* ids.observe(OrderIds.REQUEST_ID_BASE + 5)
      assert.strictEqual(yield* ids.allocate, 153)
      assert.isTrue(OrderIds.isRequestId(OrderIds.REQUEST_ID_BASE) && !OrderIds.isRequestId(153))
    })
  )

  it.effect("submits strictly in id order, whatever order the callers arrive in", () =>
    Effect.gen(function* () {
      const ids = yield* OrderIds.make("10 seconds")
      yield* ids.observeNextValid(1)
      const [a, b, c] = [yield* ids.allocate, yield* ids.allocate, yield* ids.allocate]
      const sent: Array<number> = []
      const send = (id: number) =>
        ids.submit(
          id,
          Effect.sync(() => void sent.push(id))
        )
      const fc = yield* Effect.forkChild(send(c))
      const fb = yield* Effect.forkChild(send(b))
      yield* Effect.yieldNow
      assert.deepStrictEqual(sent, [])
      yield* send(a)
      yield* Fiber.join(fb)
      yield* Fiber.join(fc)
      assert.deepStrictEqual(sent, [a, b, c])
    })
  )

  it.effect("a lower id never submitted holds the next one only for the gap timeout; sent late, it is refused", () =>
    Effect.gen(function* () {
      const ids = yield* OrderIds.make("2 seconds")
      yield* ids.observeNextValid(10)
      const lost = yield* ids.allocate
      const next = yield* ids.allocate
      const sent: Array<number> = []
      const f = yield* Effect.forkChild(
        ids.submit(
          next,
          Effect.sync(() => void sent.push(next))
        )
      )
      yield* TestClock.adjust("1999 millis")
      assert.deepStrictEqual(sent, [])
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(f)
      assert.deepStrictEqual(sent, [next])
      const late = yield* Effect.flip(
        ids.submit(
          lost,
          Effect.sync(() => void sent.push(lost))
        )
      )
      assert.strictEqual(late.reason, "Rejected")
      assert.strictEqual(late.code, 103)
      assert.deepStrictEqual(sent, [next])
    })
  )

  it.effect("a lower id already submitted is never overtaken, however long it waits behind pacing", () =>
    Effect.gen(function* () {
      // A short gap timeout. `x` is being sent and waits 3 s for a pacing token; `z` is allocated and never submitted
      // (its caller went away); `b` is submitted, then `a`, both queued behind `x`. After the gap `b` may go ahead of
      // `z`, but never ahead of `a`: the wire must see x, a, b (IB answers 103 to an id below one it has seen).
      const ids = yield* OrderIds.make("100 millis")
      yield* ids.observeNextValid(10)
      const x = yield* ids.allocate
      const z = yield* ids.allocate
      const a = yield* ids.allocate
      const b = yield* ids.allocate
      const wire: Array<number> = []
      const sent = (id: number) => Effect.sync(() => void wire.push(id))
      const fx = yield* Effect.forkChild(ids.submit(x, Effect.sleep("3 seconds").pipe(Effect.andThen(sent(x)))))
      yield* TestClock.adjust("1 millis")
      const fb = yield* Effect.forkChild(ids.submit(b, sent(b)))
      yield* TestClock.adjust("10 millis")
      const fa = yield* Effect.forkChild(ids.submit(a, sent(a)))
      yield* TestClock.adjust("3 seconds")
      const results = [yield* Effect.result(Fiber.join(fx)), yield* Effect.result(Fiber.join(fa))]
      yield* Fiber.join(fb)
      assert.deepStrictEqual(
        results.map((r) => r._tag),
        ["Success", "Success"],
        "a submitted order was refused"
      )
      assert.deepStrictEqual(wire, [x, a, b])
      // The one never submitted was given up on; sent now, it is refused before it reaches IB.
      const late = yield* Effect.flip(ids.submit(z, sent(z)))
      assert.strictEqual(late.code, 103)
      assert.deepStrictEqual(wire, [x, a, b])
      assert.deepStrictEqual((yield* ids.state).outstanding, [])
    })
  )

  it.effect("a failed send releases its turn", () =>
    Effect.gen(function* () {
      const ids = yield* OrderIds.make("10 seconds")
      yield* ids.observeNextValid(1)
      const a = yield* ids.allocate
      const b = yield* ids.allocate
      const f = yield* Effect.forkChild(ids.submit(b, Effect.succeed("sent")))
      yield* Effect.flip(ids.submit(a, Effect.fail("socket gone")))
      assert.strictEqual(yield* Fiber.join(f), "sent")
      assert.deepStrictEqual((yield* ids.state).outstanding, [])
    })
  )
})

/** Lets every runnable fiber run. */
const settle = Effect.forEach(Array.from({ length: 100 }), () => Effect.yieldNow, { discard: true })

describe("TokenBucket", () => {
  it.effect("lets a burst through, then paces at the rate", () =>
    Effect.gen(function* () {
      const bucket = yield* TokenBucket.make(45, 5)
      let taken = 0
      const fiber = yield* Effect.forkChild(
        Effect.forEach(
          Array.from({ length: 100 }),
          () =>
            Effect.andThen(
              bucket.take,
              Effect.sync(() => taken++)
            ),
          {
            concurrency: "unbounded",
            discard: true
          }
        )
      )
      yield* settle
      assert.strictEqual(taken, 5)
      yield* TestClock.adjust("1 second")
      // Any one second carries at most burst + rate = 50 messages: IB's limit.
      assert.isAtMost(taken, 50)
      assert.isAtLeast(taken, 49)
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(fiber)
      assert.strictEqual(taken, 100)
    })
  )

  it.effect("refills while idle, up to the burst", () =>
    Effect.gen(function* () {
      const bucket = yield* TokenBucket.make(45, 5)
      for (let i = 0; i < 5; i++) yield* bucket.take
      assert.isBelow(yield* bucket.available, 1)
      yield* TestClock.adjust("10 seconds")
      assert.strictEqual(yield* bucket.available, 5)
    })
  )
})
