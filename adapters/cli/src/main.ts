/**
 * The `spreads` command: the root, its subcommands, and the mapping of every outcome to an exit code. Parse errors
 * from effect/cli are bad input (2) like the domain's ValidationErrors; the message goes to stderr, results to stdout.
 * @module
 */
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Cause, Console, Effect, Layer } from "effect"
import { CliConfig, CliError, CliOutput, Command, GlobalFlag } from "effect/cli"
import { cancel } from "./commands/cancel.ts"
import { cancelAll } from "./commands/cancelAll.ts"
import { chain } from "./commands/chain.ts"
import { demo } from "./commands/demo.ts"
import { modify } from "./commands/modify.ts"
import { orders } from "./commands/orders.ts"
import { place } from "./commands/place.ts"
import { quote } from "./commands/quote.ts"
import { status } from "./commands/status.ts"
import { twsSim } from "./commands/twsSim.ts"
import { watch } from "./commands/watch.ts"
import { whatif } from "./commands/whatif.ts"
import * as Errors from "./Errors.ts"

/** The version `spreads --version` prints. */
export const VERSION = "0.1.0"

/** The root command. */
export const spreads = Command.make("spreads").pipe(
  Command.withDescription("Order management for option spreads on Interactive Brokers (or its embedded simulator)"),
  Command.withSubcommands([place, status, cancel, modify, cancelAll, orders, watch, quote, chain, whatif, demo, twsSim])
)

// Parse errors go to stderr as sentences, with a pointer to --help instead of the whole help page.
const presenter = CliOutput.layerPresenter({
  present: (event) =>
    event._tag === "InvalidInvocation"
      ? Effect.gen(function* () {
          const path = event.commandPath.join(" ")
          for (const e of event.errors) yield* Console.error(`${path}: ${e.message}`)
          yield* Console.error(`Run \`${path} --help\` for usage.`)
        })
      : CliOutput.defaultPresenter.present(event)
})

// --log-level is each command's own flag (so it also sets the default per command); no wizard mode.
const config = CliConfig.layer({ builtIns: [GlobalFlag.Help, GlobalFlag.Version, GlobalFlag.Completions] })

/** Runs `spreads` with `args` (without the node and script paths) and returns the exit code. Never fails. */
export const main = (args: ReadonlyArray<string>): Effect.Effect<number> =>
  Command.runWith(spreads, { version: VERSION })(args).pipe(
    Effect.as(Errors.ExitCode.Ok),
    Effect.catchCause((cause) =>
      Effect.gen(function* () {
        const failure = cause.reasons.find(Cause.isFailReason)
        // effect/cli already presented its own parse errors; a bare `spreads` shows help and is not an error.
        if (failure !== undefined && CliError.isCliError(failure.error) && failure.error._tag === "ShowHelp") {
          return failure.error.errors.length === 0 ? Errors.ExitCode.Ok : Errors.ExitCode.BadInput
        }
        const { code, message } = Errors.fromCause(cause)
        if (message !== undefined) yield* Console.error(`spreads: ${message}`)
        return code
      })
    ),
    Effect.provide(Layer.mergeAll(presenter, config, NodeServices.layer))
  )
