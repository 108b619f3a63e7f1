/**
 * The flags every subcommand takes. They are spread into each command's own config (not shared on the root), so they
 * work where users type them: after the subcommand name, `spreads status 12 --json --db /tmp/x.db`.
 * @module
 */
import { ValidationError } from "@spreads/domain"
import { DateTime, Effect, Option } from "effect"
import { Flag } from "effect/cli"
import { homedir } from "node:os"
import { join } from "node:path"

/** Log levels a user can pick; `warn` unless given (tws-sim logs at `info`). */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "none"] as const
/** @see {@link LOG_LEVELS} */
export type LogLevelName = (typeof LOG_LEVELS)[number]

/** The common flags, as effect/cli params. */
export const common = {
  broker: Flag.Literals("broker", ["sim", "ib"]).pipe(
    Flag.withDescription("Where orders go: the embedded simulator (paper account in --db) or IB via TWS/IB Gateway"),
    Flag.withDefault("sim")
  ),
  host: Flag.String("host").pipe(
    Flag.withDescription("TWS/IB Gateway host (--broker ib; default 127.0.0.1)"),
    Flag.optional
  ),
  port: Flag.Int("port").pipe(Flag.withDescription("TWS/IB Gateway port (--broker ib; default 4002)"), Flag.optional),
  clientId: Flag.Int("client-id").pipe(
    Flag.withDescription("IB API client id (--broker ib; default 1)"),
    Flag.optional
  ),
  db: Flag.String("db").pipe(
    Flag.withDescription(
      "SQLite file for the journal and the simulated account (default $SPREADS_DB, else the data dir)"
    ),
    Flag.optional
  ),
  seed: Flag.Int("seed").pipe(Flag.withDescription("Seed of the simulated market (new accounts only)"), Flag.optional),
  simClock: Flag.String("sim-clock").pipe(
    Flag.withDescription(
      "Start time of the simulator's clock, ISO-8601 (e.g. 2026-11-28T15:00:00Z for a closed market)"
    ),
    Flag.optional
  ),
  json: Flag.Boolean("json").pipe(Flag.withDescription("Machine-readable output on stdout"), Flag.withDefault(false)),
  logLevel: Flag.Literals("log-level", LOG_LEVELS).pipe(
    Flag.withDescription("Logs on stderr from this level up"),
    Flag.optional
  )
}

type ValueOf<F> = F extends Flag.Flag<infer A> ? A : never

/** The parsed common flags, as every handler receives them. */
export type Common = { readonly [K in keyof typeof common]: ValueOf<(typeof common)[K]> }

/** The flags resolved against the environment: where the database is, what the clock says. */
export interface Resolved {
  readonly broker: "sim" | "ib"
  readonly dbPath: string
  /** Epoch ms the simulator's clock starts at, when `--sim-clock` is given. */
  readonly simClock: Option.Option<number>
  /** The trading day (`YYYY-MM-DD`, UTC) that expiries are checked against: the sim clock's, else today's. */
  readonly today: string
  readonly json: boolean
}

const bad = (field: string, message: string) => new ValidationError({ field, message: `${field}: ${message}` })

/** The database path: `--db`, else `$SPREADS_DB`, else `$XDG_DATA_HOME/spreads/spreads.db`, else `~/.local/share/...`. */
export const dbPath = (flag: Option.Option<string>): string => {
  if (Option.isSome(flag) && flag.value.trim() !== "") return flag.value
  const env = process.env["SPREADS_DB"]
  if (env !== undefined && env.trim() !== "") return env
  const data = process.env["XDG_DATA_HOME"]
  const base = data !== undefined && data.trim() !== "" ? data : join(homedir(), ".local", "share")
  return join(base, "spreads", "spreads.db")
}

/** Parses `--sim-clock`: an ISO-8601 date-time (a bare date means midnight UTC). */
export const parseSimClock = (input: string): Effect.Effect<number, ValidationError> => {
  const parsed = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(input.trim())
    ? DateTime.make(input.trim())
    : Option.none()
  return Option.match(parsed, {
    onNone: () =>
      Effect.fail(
        bad("--sim-clock", `expected an ISO-8601 time like 2026-11-28T15:00:00Z, got ${JSON.stringify(input)}`)
      ),
    onSome: (dt) => Effect.succeed(DateTime.toEpochMillis(dt))
  })
}

/** Resolves the common flags; a malformed `--sim-clock` is bad input. */
export const resolve = Effect.fn("cli.resolveFlags")(function* (flags: Common) {
  const simClock = Option.isSome(flags.simClock)
    ? Option.some(yield* parseSimClock(flags.simClock.value))
    : Option.none<number>()
  const now = Option.isSome(simClock) ? DateTime.makeUnsafe(simClock.value) : yield* DateTime.now
  return {
    broker: flags.broker,
    dbPath: dbPath(flags.db),
    simClock,
    today: DateTime.formatIsoDate(now),
    json: flags.json
  } satisfies Resolved
})
