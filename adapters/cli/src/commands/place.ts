/**
 * `spreads place SYMBOL STRATEGY STRIKES --expiry YYYY-MM-DD --qty N (--limit PRICE | --market)`: places the order and
 * follows it live until it is terminal or `--wait` passes; `--no-wait` returns after the acknowledgement.
 * @module
 */
import { Price } from "@spreads/domain"
import { Effect } from "effect"
import { Command, Flag } from "effect/cli"
import * as Flags from "../Flags.ts"
import { placeAndFollow } from "../Follow.ts"
import * as Inputs from "../Inputs.ts"
import * as Output from "../Output.ts"
import * as Runtime from "../Runtime.ts"

/** `--wait` and `--no-wait`. */
export const waitParams = {
  wait: Flag.String("wait").pipe(
    Flag.withDescription("How long to follow the order before leaving it working (exit 5): 30s, 500ms, 2m"),
    Flag.withDefault("30s")
  ),
  noWait: Flag.Boolean("no-wait").pipe(
    Flag.withDescription("Return right after the broker acknowledges the order"),
    Flag.withDefault(false)
  )
}

export const place = Command.make(
  "place",
  { ...Flags.common, ...Inputs.spreadParams, ...Inputs.orderParams, ...waitParams },
  Effect.fn("cli.place")(function* (flags) {
    const env = yield* Flags.resolve(flags)
    const input = yield* Effect.fromResult(Inputs.decodePlace(flags, env.today))
    const wait = yield* Effect.fromResult(Inputs.decodeDuration(flags.wait))
    yield* Effect.gen(function* () {
      if (!flags.json) {
        const terms = input.limitPrice === undefined ? "MKT" : `LMT ${Price.formatNet(input.limitPrice)}`
        yield* Output.line(
          `placing ${input.action} ${input.quantity} ${Output.spreadTitle(input.spread)} ${terms} ${input.tif ?? "DAY"}`
        )
      }
      const done = yield* placeAndFollow(input, { wait, noWait: flags.noWait, output: flags.json ? "json" : "human" })
      if (!flags.json) yield* Output.line(Output.orderLine(done))
    }).pipe(Runtime.provide(flags, env))
  })
).pipe(
  Command.withDescription("Place a spread order and follow it until it is filled, cancelled or rejected"),
  Command.withExamples([
    {
      command: "spreads place AAPL bull-call 210/215 --expiry 2026-12-18 --qty 1 --limit 2.50",
      description: "Buy one 210/215 bull call spread for a 2.50 debit"
    },
    {
      command: "spreads place AAPL bull-put 200/205 --expiry 2026-12-18 --qty 2 --limit 1.10 --credit",
      description: "Open two bull put spreads (sell the 205 put, buy the 200 put) for a 1.10 credit"
    }
  ])
)
