/**
 * `spreads chain SYMBOL [--expiry YYYY-MM-DD]`: listed expiries, and the strikes of the nearest (or given) expiry.
 * @module
 */
import { MarketData } from "@spreads/application"
import { Contract, Price } from "@spreads/domain"
import { Effect, Option, Result } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as Flags from "../Flags.ts"
import * as Inputs from "../Inputs.ts"
import * as Output from "../Output.ts"
import * as Runtime from "../Runtime.ts"

export const chain = Command.make(
  "chain",
  {
    ...Flags.common,
    symbol: Argument.String("SYMBOL").pipe(Argument.withDescription("Underlying symbol, e.g. AAPL")),
    expiry: Flag.String("expiry").pipe(Flag.withDescription("Show the strikes of this expiry"), Flag.optional)
  },
  Effect.fn("cli.chain")(function* (flags) {
    const env = yield* Flags.resolve(flags)
    const symbol = yield* Effect.fromResult(Inputs.decodeSymbol(flags.symbol))
    const expiry = Option.isSome(flags.expiry)
      ? yield* Effect.fromResult(Contract.parseExpiry(flags.expiry.value.trim(), env.today, "--expiry"))
      : undefined
    yield* Effect.gen(function* () {
      const md = yield* MarketData
      const c = yield* md.chain(symbol, expiry)
      const strikes = c.strikes.map((k) => Price.format(k))
      const spot = yield* md.underlyingPrice(symbol).pipe(Effect.result)
      const last = Result.isSuccess(spot) ? Price.format(spot.success) : null
      if (flags.json) {
        return yield* Output.json({
          symbol: c.underlying,
          last,
          expiry: expiry ?? c.expiries[0] ?? null,
          expiries: c.expiries,
          strikes
        })
      }
      yield* Output.line(`${Output.paint.bold(c.underlying)}${last === null ? "" : `  last ${last}`}`)
      yield* Output.line(`expiries  ${c.expiries.join("  ")}`)
      yield* Output.line(
        `strikes   ${expiry ?? c.expiries[0] ?? ""}: ${strikes.map((s) => s.replace(/\.00$/, "")).join(" ")}`
      )
    }).pipe(Runtime.provide(flags, env))
  })
).pipe(Command.withDescription("List an underlying's expiries and strikes"))
