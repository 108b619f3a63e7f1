import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { OrderEventEnvelope } from "../../domain/src/OrderEvent.ts"
import { formatNet } from "../../domain/src/Price.ts"

const decode = Schema.decodeUnknownEffect(Schema.toCodecJson(OrderEventEnvelope))
const encode = Schema.encodeEffect(Schema.toCodecJson(OrderEventEnvelope))
const fill = (over: Record<string, unknown>) => ({
  orderId: 7,
  event: { _tag: "Filled", at: 1, execId: "e1", quantity: 2, price: { _tag: "Debit", amount: "2.00" }, ...over }
})

describe("OrderEvent (journal and wire rows)", () => {
  it.effect("a good row decodes, prices exact", () =>
    Effect.gen(function* () {
      const row = yield* decode(fill({}))
      assert.strictEqual(row.orderId, 7)
      assert.strictEqual(row.event._tag, "Filled")
      if (row.event._tag !== "Filled") return
      assert.strictEqual(row.event.quantity, 2)
      assert.strictEqual(formatNet(row.event.price), "2.00 debit")
    })
  )

  it.effect.each([
    {
      name: "quantity 0",
      row: fill({ quantity: 0 }),
      lines: ["expected a positive whole number of contracts (1 to 1000000), got 0", '  at ["event"]["quantity"]']
    },
    {
      name: "a negative amount",
      row: fill({ price: { _tag: "Debit", amount: "-2.00" } }),
      lines: ["expected an amount of zero or more, got -2.00", '  at ["event"]["price"]["amount"]']
    },
    {
      name: "an empty execId",
      row: fill({ execId: "" }),
      lines: ["expected a non-empty execution id", '  at ["event"]["execId"]']
    },
    {
      name: "order id 0",
      row: { ...fill({}), orderId: 0 },
      lines: ["expected a positive whole order id, got 0", '  at ["orderId"]']
    }
  ])("a row with $name is refused with the path to the field", ({ row, lines }) =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(decode(row))
      assert.deepStrictEqual(error.message.split("\n"), lines)
    })
  )

  it.effect("the broker's reconciled terms round-trip through the journal's JSON, prices exact", () =>
    Effect.gen(function* () {
      const row = {
        orderId: 7,
        event: { _tag: "TermsReconciled", at: 5, quantity: 2, limitPrice: { _tag: "Credit", amount: "1.05" } }
      }
      const decoded = yield* decode(row)
      assert.strictEqual(decoded.event._tag, "TermsReconciled")
      if (decoded.event._tag !== "TermsReconciled") return
      assert.strictEqual(decoded.event.quantity, 2)
      assert.strictEqual(formatNet(decoded.event.limitPrice!), "1.05 credit")
      assert.deepStrictEqual(yield* encode(decoded), row)
      // Both terms are optional; a bad quantity is refused with its path.
      assert.deepStrictEqual((yield* decode({ orderId: 7, event: { _tag: "TermsReconciled", at: 5 } })).event, {
        _tag: "TermsReconciled",
        at: 5
      })
      const error = yield* Effect.flip(decode({ orderId: 7, event: { _tag: "TermsReconciled", at: 5, quantity: 0 } }))
      assert.isTrue(error.message.endsWith('  at ["event"]["quantity"]'))
    })
  )

  it.effect("an unknown event tag is refused at the event", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(decode({ orderId: 7, event: { _tag: "Exploded", at: 1 } }))
      assert.match(error.message, /^Expected \{ readonly "_tag": "Created", \.\.\. \} \| /)
      assert.isTrue(error.message.endsWith('  at ["event"]'))
    })
  )
})
