import { assert, describe, it } from "@effect/vitest"
import { cancelOrder, OrderBook, placeSpreadOrder, RiskRefused, Settings } from "@spreads/application"
import { Price } from "@spreads/domain"
import { runVirtual, type ScenarioServices, simLayer } from "@spreads/testing"
import { Effect, Layer } from "effect"
import { bullCall } from "../sim/fixtures.ts"

/** The simulator with some settings over the defaults, in virtual time. */
const withSettings = <A, E>(settings: Partial<Settings.SettingsShape>, body: Effect.Effect<A, E, ScenarioServices>) =>
  runVirtual(body).pipe(Effect.provide(Layer.merge(simLayer({ config: { priceMotion: 0 } }), Settings.layer(settings))))

/** A resting limit order (far below the market: it stays open). */
const resting = (quantity = 1) =>
  placeSpreadOrder({
    spread: bullCall(210, 215),
    action: "BUY",
    quantity,
    orderType: "LIMIT",
    limitPrice: Price.debit("0.05")
  })

const refusal = <A, E, R>(effect: Effect.Effect<A, E | RiskRefused, R>) =>
  Effect.flip(effect).pipe(
    Effect.map((e) => {
      assert.instanceOf(e, RiskRefused, String(e))
      return e as RiskRefused
    })
  )

describe("pre-trade risk", () => {
  it.effect("refuses an order above the contracts limit, naming the number and the limit", () =>
    withSettings(
      { risk: { maxContractsPerOrder: 3 } },
      Effect.gen(function* () {
        const e = yield* refusal(resting(4))
        assert.strictEqual(e.rule, "MaxContracts")
        assert.include(e.message, "4 contracts")
        assert.include(e.message, "limit of 3")
        assert.strictEqual((yield* resting(3)).status, "Submitted")
      })
    )
  )

  it.effect("counts open orders: the limit refuses the next one, and a finished order frees its place", () =>
    withSettings(
      { risk: { maxOpenOrders: 2 } },
      Effect.gen(function* () {
        const book = yield* OrderBook.OrderBook
        yield* resting()
        yield* resting()
        assert.strictEqual(yield* book.openCount, 2)
        const e = yield* refusal(resting())
        assert.strictEqual(e.rule, "MaxOpenOrders")
        assert.include(e.message, "2 orders are already open, the limit is 2")
        // Once an open order is gone, its place is free again.
        const [first] = yield* book.openOrders
        yield* cancelOrder(first!.orderId)
        assert.strictEqual(yield* book.openCount, 1)
        assert.strictEqual((yield* resting()).status, "Submitted")
      })
    )
  )

  it.effect("judges buying power against the max loss of the orders already open", () =>
    withSettings(
      // Each 1-lot at a 0.05 debit can lose $5; $12 covers two, not three.
      { risk: { buyingPower: 12, maxOpenOrders: undefined } },
      Effect.gen(function* () {
        yield* resting()
        yield* resting()
        const e = yield* refusal(resting())
        assert.strictEqual(e.rule, "BuyingPower")
        assert.include(e.message, "$10.00 committed")
      })
    )
  )

  it.effect("Settings.layer lifts a default limit given as undefined and keeps the others", () =>
    Effect.gen(function* () {
      const lifted: Settings.RiskLimits = (yield* Effect.provide(
        Settings.Settings,
        Settings.layer({ risk: { maxOpenOrders: undefined } })
      )).risk
      assert.isUndefined(lifted.maxOpenOrders)
      assert.strictEqual(lifted.maxContractsPerOrder, Settings.defaults.risk.maxContractsPerOrder)
      // With the limit lifted, more orders than the default limit stay open.
      yield* withSettings(
        { risk: { maxOpenOrders: undefined } },
        Effect.gen(function* () {
          const book = yield* OrderBook.OrderBook
          const over = (Settings.defaults.risk.maxOpenOrders ?? 0) + 1
          for (let i = 0; i < over; i++) yield* resting()
          assert.strictEqual(yield* book.openCount, over)
        })
      )
    })
  )
})
