/**
 * `spreads orders [--open]`: the blotter.
 * @module
 */
import { listOrders } from "@spreads/application"
import { Effect } from "effect"
import { Command, Flag } from "effect/cli"
import * as Flags from "../Flags.ts"
import * as Output from "../Output.ts"
import * as Runtime from "../Runtime.ts"

export const orders = Command.make(
  "orders",
  {
    ...Flags.common,
    open: Flag.Boolean("open").pipe(Flag.withDescription("Only orders that may still trade"), Flag.withDefault(false))
  },
  Effect.fn("cli.orders")(function* (flags) {
    const env = yield* Flags.resolve(flags)
    yield* Effect.gen(function* () {
      const views = yield* listOrders({ open: flags.open })
      yield* flags.json ? Output.json(views) : Output.line(Output.blotter(views))
    }).pipe(Runtime.provide(flags, env))
  })
).pipe(Command.withDescription("List orders (a blotter)"))
