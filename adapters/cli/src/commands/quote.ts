/**
 * `spreads quote SYMBOL STRATEGY STRIKES --expiry ...`: each leg's bid/ask, the combo's natural, mid and net bid/ask,
 * with max profit, max loss and breakevens at the natural price. Nothing is sent.
 * @module
 */
import { quoteSpread } from "@spreads/application"
import { Effect } from "effect"
import { Command } from "effect/cli"
import * as Flags from "../Flags.ts"
import * as Inputs from "../Inputs.ts"
import * as Output from "../Output.ts"
import * as Runtime from "../Runtime.ts"

export const quote = Command.make(
  "quote",
  { ...Flags.common, ...Inputs.spreadParams },
  Effect.fn("cli.quote")(function* (flags) {
    const env = yield* Flags.resolve(flags)
    const spread = yield* Effect.fromResult(Inputs.decodeSpread(flags, env.today))
    const action = flags.short ? "SELL" : "BUY"
    yield* Effect.gen(function* () {
      const q = yield* quoteSpread(spread, action)
      const title = `${action} ${Output.spreadTitle(spread)}`
      yield* flags.json
        ? Output.json({ symbol: spread.underlying, strategy: spread.strategy, action, ...Output.quoteJson(q) })
        : Output.line(Output.quoteText(title, q))
    }).pipe(Runtime.provide(flags, env))
  })
).pipe(Command.withDescription("Quote a spread: leg quotes, natural/mid, max profit and loss, breakevens"))
