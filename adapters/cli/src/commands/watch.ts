/**
 * `spreads watch [ORDER_ID]`: live updates. With an id, until the order is terminal; without, every order's changes
 * until Ctrl-C. With --json, one JSON object per update.
 * @module
 */
import { listOrders, watchAll } from "@spreads/application"
import { Effect, Fiber, Option, Stream } from "effect"
import { Argument, Command } from "effect/cli"
import * as Flags from "../Flags.ts"
import { followOrder, lifecyclePrinter } from "../Follow.ts"
import * as Inputs from "../Inputs.ts"
import * as Output from "../Output.ts"
import * as Runtime from "../Runtime.ts"

export const watch = Command.make(
  "watch",
  { ...Flags.common, id: Inputs.orderIdArg.pipe(Argument.optional) },
  Effect.fn("cli.watch")(function* (flags) {
    const env = yield* Flags.resolve(flags)
    const id = Option.isSome(flags.id)
      ? Option.some(yield* Effect.fromResult(Inputs.decodeOrderId(flags.id.value)))
      : Option.none()
    yield* Effect.gen(function* () {
      if (Option.isSome(id)) return yield* followOrder(id.value, flags.json)
      const print = yield* lifecyclePrinter(!flags.json)
      // Subscribed before listing, so no change between the list and the live updates is missed.
      const live = yield* watchAll.pipe(
        Stream.tap((v) => (flags.json ? Output.json(v) : print(v))),
        Stream.runDrain,
        Effect.forkChild({ startImmediately: true })
      )
      const open = yield* listOrders({ open: true })
      for (const v of open) {
        yield* flags.json ? Output.json(v) : Output.line(Output.orderLine(v))
        yield* print(v, true)
      }
      yield* Output.note(
        `watching ${open.length} open order${open.length === 1 ? "" : "s"} and any new ones; Ctrl-C to stop`
      )
      yield* Fiber.join(live)
    }).pipe(Runtime.provide(flags, env))
  })
).pipe(Command.withDescription("Follow an order (or all orders) live"))
