/**
 * `spreads status ORDER_ID`: the order's record — status, filled, remaining, average fill price, times, legs.
 * @module
 */
import { getOrderStatus } from "@spreads/application"
import { Effect } from "effect"
import { Command } from "effect/cli"
import * as Flags from "../Flags.ts"
import * as Inputs from "../Inputs.ts"
import * as Output from "../Output.ts"
import * as Runtime from "../Runtime.ts"

export const status = Command.make(
  "status",
  { ...Flags.common, id: Inputs.orderIdArg },
  Effect.fn("cli.status")(function* (flags) {
    const env = yield* Flags.resolve(flags)
    const id = yield* Effect.fromResult(Inputs.decodeOrderId(flags.id))
    yield* Effect.gen(function* () {
      const view = yield* getOrderStatus(id)
      yield* flags.json ? Output.json(view) : Output.line(Output.orderDetail(view))
    }).pipe(Runtime.provide(flags, env))
  })
).pipe(Command.withDescription("Show an order: status, fills, average price, legs"))
