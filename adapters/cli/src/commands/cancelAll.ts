/**
 * `spreads cancel-all`: IB's global cancel — every open order — then the state each one reached.
 * @module
 */
import { cancelAll as cancelAllOrders } from "@spreads/application"
import { Effect } from "effect"
import { Command } from "effect/cli"
import { StillWorking } from "../Errors.ts"
import * as Flags from "../Flags.ts"
import { isTerminal } from "../Follow.ts"
import * as Output from "../Output.ts"
import * as Runtime from "../Runtime.ts"

export const cancelAll = Command.make(
  "cancel-all",
  { ...Flags.common },
  Effect.fn("cli.cancelAll")(function* (flags) {
    const env = yield* Flags.resolve(flags)
    yield* Effect.gen(function* () {
      const views = yield* cancelAllOrders()
      if (flags.json) yield* Output.json(views)
      else if (views.length === 0) yield* Output.line("no open orders")
      else for (const v of views) yield* Output.line(Output.orderLine(v))
      const pending = views.filter((v) => !isTerminal(v))
      if (pending.length > 0) {
        const ids = pending.map((v) => v.id).join(", ")
        return yield* new StillWorking({
          orderId: pending[0]!.id,
          status: pending[0]!.status,
          message: `the cancel of order${pending.length > 1 ? "s" : ""} ${ids} is not confirmed yet; check with \`spreads orders --open\``
        })
      }
    }).pipe(Runtime.provide(flags, env))
  })
).pipe(Command.withDescription("Cancel every open order"))
