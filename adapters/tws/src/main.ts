/**
 * The TWS simulator as a program: `node adapters/tws/src/main.ts --port 4002 --seed 1 --host 127.0.0.1`.
 * Starts the server in front of `SimBroker.layer({ seed })` on the real clock and logs connections and orders until
 * SIGINT. `spreads tws-sim` reuses {@link parseArgs} and {@link program}.
 *
 * Options: --host (127.0.0.1), --port (4002), --seed (1), --account (DU1234567, repeatable), --quirk NAME
 * (repeatable: duplicateOrderStatus, executionsBeforeOpenOrder, noSubmittedForCombos, fillsDuringPendingCancel,
 * noCompletedOrders),
 * --market-closed reject|hold, --max-finished N (finished orders kept, oldest forgotten first; default 10000).
 * @module
 */
import { SimBroker } from "@spreads/sim"
import { Effect, Layer } from "effect"
import * as TwsServer from "./TwsServer.ts"

/** Settings of the program. */
export interface MainOptions {
  readonly host: string
  readonly port: number
  readonly seed: number
  readonly accounts: ReadonlyArray<string>
  readonly quirks: ReadonlyArray<BooleanQuirk>
  readonly marketClosed: "reject" | "hold"
  /** Finished orders the server keeps (see `TwsServer.Config.maxFinishedOrders`); the server's default if absent. */
  readonly maxFinishedOrders?: number
}

const BOOLEAN_QUIRKS = [
  "duplicateOrderStatus",
  "executionsBeforeOpenOrder",
  "noSubmittedForCombos",
  "fillsDuringPendingCancel",
  "noCompletedOrders"
] as const
/** The quirks that can be switched on from the command line. */
export type BooleanQuirk = (typeof BOOLEAN_QUIRKS)[number]

/** Default settings. */
export const defaults: MainOptions = {
  host: "127.0.0.1",
  port: 4002,
  seed: 1,
  accounts: [],
  quirks: [],
  marketClosed: "reject"
}

const wholeNumber = (flag: string, text: string | undefined, min: number, max: number): number | string => {
  const n = Number(text)
  return text !== undefined && /^\d+$/.test(text) && n >= min && n <= max
    ? n
    : `${flag} needs a whole number from ${min} to ${max}, got ${text === undefined ? "nothing" : JSON.stringify(text)}`
}

/** Reads the command line (without node and the script); a string is a usage error to print. */
export const parseArgs = (argv: ReadonlyArray<string>): MainOptions | string => {
  let o: MainOptions = defaults
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!
    const value = argv[i + 1]
    i++
    switch (flag) {
      case "--host":
        if (value === undefined || value === "") return "--host needs an address, e.g. 127.0.0.1"
        o = { ...o, host: value }
        break
      case "--port": {
        const port = wholeNumber("--port", value, 0, 65535)
        if (typeof port === "string") return port
        o = { ...o, port }
        break
      }
      case "--seed": {
        const seed = wholeNumber("--seed", value, 0, 2 ** 31 - 1)
        if (typeof seed === "string") return seed
        o = { ...o, seed }
        break
      }
      case "--account":
        if (value === undefined || value === "") return "--account needs an account id, e.g. DU1234567"
        o = { ...o, accounts: [...o.accounts, value] }
        break
      case "--quirk": {
        const q = BOOLEAN_QUIRKS.find((name) => name === value)
        if (q === undefined) return `--quirk takes one of ${BOOLEAN_QUIRKS.join(", ")}; got ${JSON.stringify(value)}`
        o = { ...o, quirks: [...o.quirks, q] }
        break
      }
      case "--max-finished": {
        const max = wholeNumber("--max-finished", value, 0, 10_000_000)
        if (typeof max === "string") return max
        o = { ...o, maxFinishedOrders: max }
        break
      }
      case "--market-closed":
        if (value !== "reject" && value !== "hold")
          return `--market-closed takes reject or hold, got ${JSON.stringify(value)}`
        o = { ...o, marketClosed: value }
        break
      default:
        return `unknown option ${JSON.stringify(flag)}; options: --host, --port, --seed, --account, --quirk, --market-closed, --max-finished`
    }
  }
  return o
}

/** The server in front of a seeded simulator, running until interrupted. */
export const program = (o: MainOptions): Effect.Effect<never, TwsServer.TwsServerError> =>
  Layer.launch(
    TwsServer.layer({
      host: o.host,
      port: o.port,
      ...(o.accounts.length > 0 ? { accounts: o.accounts } : {}),
      ...(o.maxFinishedOrders === undefined ? {} : { maxFinishedOrders: o.maxFinishedOrders }),
      quirks: Object.fromEntries(o.quirks.map((q) => [q, true]))
    }).pipe(Layer.provide(SimBroker.layer({ seed: o.seed, marketClosed: o.marketClosed })))
  )

if (import.meta.main) {
  const options = parseArgs(process.argv.slice(2))
  if (typeof options === "string") {
    process.stderr.write(`${options}\n`)
    process.exit(2)
  }
  const fiber = Effect.runFork(
    program(options).pipe(
      Effect.catch((e) =>
        Effect.logError(`the TWS simulator stopped: ${e.message}`).pipe(
          Effect.andThen(Effect.sync(() => (process.exitCode = 1)))
        )
      )
    )
  )
  const stop = () => fiber.interruptUnsafe()
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
}
