/**
 * `spreads cancel ORDER_ID`: asks the broker to cancel and reports how it ended — Cancelled, Filled (the fill won the
 * race), PartiallyFilledThenCancelled, or still pending (exit 5).
 * @module
 */
import { cancelOrder } from "@spreads/application"
import { Effect } from "effect"
import { Command } from "effect/cli"
import { StillWorking } from "../Errors.ts"
import * as Flags from "../Flags.ts"
import * as Inputs from "../Inputs.ts"
import * as Output from "../Output.ts"
import * as Runtime from "../Runtime.ts"

export const cancel = Command.make(
  "cancel",
  { ...Flags.common, id: Inputs.orderIdArg },
  Effect.fn("cli.cancel")(function* (flags) {
    const env = yield* Flags.resolve(flags)
    const id = yield* Effect.fromResult(Inputs.decodeOrderId(flags.id))
    yield* Effect.gen(function* () {
      const { outcome, order } = yield* cancelOrder(id)
      if (flags.json) yield* Output.json({ ...order, outcome })
      else {
        const said = {
          Cancelled: `cancelled order ${id}`,
          Filled: `order ${id} filled before the cancel reached the market`,
          PartiallyFilledThenCancelled: `cancelled order ${id} after ${order.filled} of ${order.quantity} filled`,
          StillPending: `the cancel of order ${id} is not confirmed yet`
        }[outcome]
        yield* Output.line(said)
        yield* Output.line(Output.orderLine(order))
      }
      if (outcome === "StillPending") {
        return yield* new StillWorking({
          orderId: id,
          status: order.status,
          message: `the cancel of order ${id} is still pending (${order.status}, ${order.filled} of ${order.quantity} filled); follow it with \`spreads watch ${id}\` or check with \`spreads status ${id}\``
        })
      }
    }).pipe(Runtime.provide(flags, env))
  })
).pipe(Command.withDescription("Cancel an order and wait for the broker's answer"))
