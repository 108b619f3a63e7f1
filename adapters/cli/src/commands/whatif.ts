/**
 * `spreads whatif ...` (same arguments as place): margin and commission of the order; nothing is sent.
 * @module
 */
import { whatIf } from "@spreads/application"
import { Price } from "@spreads/domain"
import { Effect } from "effect"
import { Command } from "effect/cli"
import * as Flags from "../Flags.ts"
import * as Inputs from "../Inputs.ts"
import * as Output from "../Output.ts"
import * as Runtime from "../Runtime.ts"

export const whatif = Command.make(
  "whatif",
  { ...Flags.common, ...Inputs.spreadParams, ...Inputs.orderParams },
  Effect.fn("cli.whatif")(function* (flags) {
    const env = yield* Flags.resolve(flags)
    const input = yield* Effect.fromResult(Inputs.decodePlace(flags, env.today))
    yield* Effect.gen(function* () {
      const r = yield* whatIf(input)
      const terms = input.limitPrice === undefined ? "MKT" : `LMT ${Price.formatNet(input.limitPrice)}`
      const title = `${input.action} ${input.quantity} ${Output.spreadTitle(input.spread)} ${terms}`
      yield* flags.json ? Output.json(r) : Output.line(Output.whatIfText(title, r))
    }).pipe(Runtime.provide(flags, env))
  })
).pipe(Command.withDescription("Preview margin and commission of an order without sending it"))
