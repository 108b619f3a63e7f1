/**
 * The Promise facade embeds without Effect: same operations, typed failures as rejected promises with the same _tag
 * and message, watchOrder as an async iterator.
 */
import { assert, describe, it } from "@effect/vitest"
import { SpreadsClient } from "@spreads/application"
import { Price } from "@spreads/domain"
import { SimBroker } from "@spreads/sim"
import { bullCall } from "./fakes.ts"

const fast = { ackMs: 5, fillMs: 5, cancelMs: 5, modifyMs: 5, priceMotion: 0 }

describe("SpreadsClient (Promise facade)", () => {
  it("places, watches to the end and reads the order back", async () => {
    const client = await SpreadsClient.make(SimBroker.layer(fast))
    try {
      const placed = await client.placeSpreadOrder({
        spread: bullCall,
        action: "BUY",
        quantity: 2,
        orderType: "MARKET"
      })
      const statuses: Array<string> = []
      for await (const view of client.watchOrder(placed.id)) statuses.push(view.status)
      assert.strictEqual(statuses.at(-1), "Filled")
      const view = await client.getOrderStatus(placed.id)
      assert.strictEqual(view.filled, 2)
      assert.strictEqual(view.remaining, 0)
      assert.strictEqual((await client.listOrders()).length, 1)
    } finally {
      await client.dispose()
    }
  })

  it("rejects with the typed error's tag and message", async () => {
    const client = await SpreadsClient.make(SimBroker.layer(fast))
    try {
      const error = (await client.getOrderStatus(31337).then(
        () => undefined,
        (e: unknown) => e
      )) as { _tag: string; message: string } | undefined
      assert.strictEqual(error?._tag, "OrderNotFound")
      assert.include(error?.message, "no order with id 31337 is known")
      const invalid = (await client
        .placeSpreadOrder({ spread: bullCall, action: "BUY", quantity: 1, orderType: "LIMIT" })
        .catch((e: unknown) => e)) as { _tag: string; message: string }
      assert.strictEqual(invalid._tag, "ValidationError")
      assert.include(invalid.message, "a LIMIT order needs a net price")
    } finally {
      await client.dispose()
    }
  })

  it("cancels a resting order and reports the outcome", async () => {
    const client = await SpreadsClient.make(SimBroker.layer({ ...fast, restingFillProbability: 0 }))
    try {
      const placed = await client.placeSpreadOrder({
        spread: bullCall,
        action: "BUY",
        quantity: 1,
        orderType: "LIMIT",
        limitPrice: Price.debit("0.05")
      })
      const result = await client.cancelOrder(placed.id)
      assert.strictEqual(result.outcome, "Cancelled")
      assert.strictEqual(result.order.status, "Cancelled")
    } finally {
      await client.dispose()
    }
  })
})
