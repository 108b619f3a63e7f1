/**
 * Picks a scenario backend from the environment, so one setting runs the same suite on another broker:
 * SPREADS_BROKER=sim (default) or ib (the live IB adapter against the TWS simulator, when available).
 * SPREADS_SEED sets the simulator's seed.
 * @module
 */
import { simBackend } from "./SimBackend.ts"
import type { WorldBackend } from "./World.ts"

/** The backend SPREADS_BROKER names. */
export const backendFromEnv = (): WorldBackend => {
  const broker = process.env["SPREADS_BROKER"] ?? "sim"
  const seed = Number(process.env["SPREADS_SEED"] ?? "1")
  if (broker === "sim") return simBackend({ seed })
  throw new Error(`SPREADS_BROKER=${broker} is not supported here; use sim`)
}
