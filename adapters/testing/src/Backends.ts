/**
 * Picks a scenario backend from the environment, so one setting runs the same suite on another broker:
 * - SPREADS_BROKER=sim (default): the in-process simulator in virtual time; SPREADS_SEED sets its seed.
 * - SPREADS_BROKER=ib: the live IB adapter against the TWS simulator started in process on loopback.
 * - SPREADS_BROKER=ib with SPREADS_TWS_PORT (and SPREADS_TWS_HOST, default 127.0.0.1; SPREADS_CLIENT_ID, default 1):
 *   the live IB adapter against a TWS / IB Gateway someone else runs. Steps that control the market fail there with a
 *   sentence saying so.
 * Every variable is decoded; a bad one fails with a sentence naming it.
 * @module
 */
import { Result, Schema } from "effect"
import { simBackend } from "./SimBackend.ts"
import type { WorldBackend } from "./World.ts"

const wholeNumber = (name: string, min: number, max: number) => {
  const schema = Schema.NumberFromString.pipe(
    Schema.check(Schema.isInt(), Schema.isBetween({ minimum: min, maximum: max }))
  )
  const decode = Schema.decodeUnknownResult(schema)
  return (text: string): number => {
    const r = decode(text)
    if (Result.isSuccess(r)) return r.success
    throw new Error(`${name}=${JSON.stringify(text)} is not a whole number from ${min} to ${max}`)
  }
}

const hostPattern = /^[A-Za-z0-9.:-]{1,253}$/

/** The backend the environment names (see the module doc). */
export const backendFromEnv = async (env: Record<string, string | undefined> = process.env): Promise<WorldBackend> => {
  const broker = env["SPREADS_BROKER"] ?? "sim"
  const seed = wholeNumber("SPREADS_SEED", 0, 2 ** 31 - 1)(env["SPREADS_SEED"] ?? "1")
  if (broker === "sim") return simBackend({ seed })
  if (broker !== "ib") throw new Error(`SPREADS_BROKER=${JSON.stringify(broker)} is not supported; use sim or ib`)
  const ib = await import("./IbBackend.ts")
  const port = env["SPREADS_TWS_PORT"]
  if (port === undefined || port === "") return ib.ibBackend({ seed })
  const host = env["SPREADS_TWS_HOST"] ?? "127.0.0.1"
  if (!hostPattern.test(host)) throw new Error(`SPREADS_TWS_HOST=${JSON.stringify(host)} is not a host name or address`)
  return ib.externalIbBackend({
    host,
    port: wholeNumber("SPREADS_TWS_PORT", 1, 65535)(port),
    clientId: wholeNumber("SPREADS_CLIENT_ID", 0, 2 ** 31 - 1)(env["SPREADS_CLIENT_ID"] ?? "1")
  })
}
