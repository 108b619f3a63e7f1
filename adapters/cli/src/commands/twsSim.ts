/**
 * `spreads tws-sim [--host 127.0.0.1] [--port 4002] [--seed N] [--sim-clock ISO] [--max-finished N]`: runs the
 * TWS-protocol server in front of a fresh embedded simulator (in memory) until Ctrl-C, logging connections and orders
 * at info level unless --log-level says otherwise. Any IB client, and `spreads --broker ib`, can connect to it.
 * `--max-finished` bounds the finished orders the server remembers (oldest forgotten first; default 10000).
 * @module
 */
import { SimBroker } from "@spreads/sim"
import { Effect, Layer, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { AdapterUnavailable } from "../Errors.ts"
import * as Flags from "../Flags.ts"
import * as Inputs from "../Inputs.ts"
import * as Output from "../Output.ts"
import * as Runtime from "../Runtime.ts"
import * as SimClock from "../SimClock.ts"

type TwsModule = typeof import("@spreads/tws")

// Loaded on demand: a build without the TWS server still has every other command.
const loadTws: Effect.Effect<Option.Option<TwsModule>> = Effect.tryPromise(() => import("@spreads/tws")).pipe(
  Effect.map((m: Partial<TwsModule>) =>
    typeof m.TwsServer?.layer === "function" ? Option.some(m as TwsModule) : Option.none()
  ),
  Effect.catch(() => Effect.succeed(Option.none<TwsModule>()))
)

export const twsSim = Command.make(
  "tws-sim",
  {
    ...Flags.common,
    maxFinished: Flag.Int("max-finished").pipe(
      Flag.withDescription("Finished orders the server remembers, oldest forgotten first (default 10000)"),
      Flag.optional
    )
  },
  Effect.fn("cli.twsSim")(function* (flags) {
    const env = yield* Flags.resolve(flags)
    const host = Option.getOrElse(flags.host, () => "127.0.0.1")
    const port = Option.getOrElse(flags.port, () => 4002)
    if (port < 0 || port > 65535)
      return yield* Inputs.invalid("--port", `expected a TCP port from 0 to 65535, got ${port}`)
    const maxFinished = Option.getOrUndefined(flags.maxFinished)
    if (maxFinished !== undefined && (maxFinished < 0 || maxFinished > 10_000_000))
      return yield* Inputs.invalid("--max-finished", `expected a whole number from 0 to 10000000, got ${maxFinished}`)
    const tws = yield* loadTws
    if (Option.isNone(tws)) {
      return yield* new AdapterUnavailable({
        message:
          "the TWS simulator is not available in this build yet; the embedded simulator (--broker sim) works without it"
      })
    }
    const { TwsServer } = tws.value
    const server = TwsServer.layer({
      host,
      port,
      ...(maxFinished === undefined ? {} : { maxFinishedOrders: maxFinished })
    }).pipe(
      Layer.provide(
        SimBroker.layer({ ...(Option.isSome(flags.seed) ? { seed: flags.seed.value } : {}), startTime: "clock" })
      ),
      Layer.provide(SimClock.layer(Runtime.freshStart(env)))
    )
    yield* Effect.gen(function* () {
      const running = yield* TwsServer.Service
      yield* Output.note(
        `serving the TWS API on ${running.address} until Ctrl-C; connect with \`spreads orders --broker ib --host ${host} --port ${running.port}\``
      )
      return yield* Effect.never
    }).pipe(
      Effect.provide(server),
      Effect.mapError(
        (e) =>
          new AdapterUnavailable({ message: `the TWS simulator could not listen on ${host}:${port}: ${e.message}` })
      ),
      Runtime.observe(flags, "info")
    )
  })
).pipe(Command.withDescription("Run the TWS-protocol simulator server (for --broker ib and any IB client)"))
