import { assert, describe, it } from "@effect/vitest"
import { getOrderStatus, placeSpreadOrder, traced } from "@spreads/application"
import { withSim } from "@spreads/testing"
import { Effect, Option, Tracer } from "effect"
import { bullCall } from "../sim/fixtures.ts"

/** A tracer that records the names of the spans it was asked for, on top of Effect's own. */
const recording = () => {
  const names: Array<string> = []
  const tracer = Tracer.make({
    span: (options) => {
      names.push(options.name)
      return Tracer.nativeTracer.span(options)
    }
  })
  return { names, tracer }
}

const inner = traced("inner")(() =>
  Effect.map(
    Effect.option(Effect.currentSpan),
    Option.map((s) => s.name)
  )
)

describe("traced", () => {
  it.effect("records no span while no tracer is installed", () =>
    Effect.gen(function* () {
      assert.isTrue(Option.isNone(yield* inner()))
    })
  )

  it.effect("records one span per call, under its name, once a tracer is installed", () =>
    Effect.gen(function* () {
      const { names, tracer } = recording()
      const seen = yield* Effect.withTracer(inner(), tracer)
      assert.deepStrictEqual(seen, Option.some("inner"))
      assert.deepStrictEqual(names, ["inner"])
    })
  )

  it.effect("the use cases show up in an installed tracer", () =>
    withSim(
      Effect.gen(function* () {
        const { names, tracer } = recording()
        yield* Effect.withTracer(
          Effect.gen(function* () {
            const placed = yield* placeSpreadOrder({
              spread: bullCall(210, 215),
              action: "BUY",
              quantity: 1,
              orderType: "MARKET"
            })
            yield* getOrderStatus(placed.id)
          }),
          tracer
        )
        assert.includeMembers(names, ["placeSpreadOrder", "validateOrder", "getOrderStatus"])
      })
    )
  )
})
