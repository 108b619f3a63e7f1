/**
 * whatIf: margin and commission for an order, with nothing sent.
 * @module
 */
import { traced } from "../Tracing.ts"
import { Effect } from "effect"
import { Broker } from "../ports/Broker.ts"
import { type PlaceSpreadInput, requireConnected, validateOrder } from "./PlaceSpreadOrder.ts"

/** Validates and qualifies the order, then asks the broker for its margin and commission. Nothing is placed. */
export const whatIf = traced("whatIf")(
  Effect.fnUntraced(function* (input: PlaceSpreadInput) {
    yield* requireConnected
    const broker = yield* Broker
    const order = yield* validateOrder(input)
    const spread = yield* broker.qualify(order.spread)
    return yield* broker.whatIf({ ...order, spread })
  })
)
