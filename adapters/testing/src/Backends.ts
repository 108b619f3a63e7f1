/**
 * Picks a scenario backend from the environment, so one setting runs the same suite on another broker:
 * SPREADS_BROKER=sim (default) or ib (the live IB adapter against the TWS simulator on loopback).
 * SPREADS_SEED sets the simulator's seed.
 * @module
 */
import { simBackend } from "./SimBackend.ts"
import type { WorldBackend } from "./World.ts"

/** The backend SPREADS_BROKER names. */
export const backendFromEnv = async (): Promise<WorldBackend> => {
  const broker = process.env["SPREADS_BROKER"] ?? "sim"
  const seed = Number(process.env["SPREADS_SEED"] ?? "1")
  if (broker === "sim") return simBackend({ seed })
  if (broker === "ib") return (await import("./IbBackend.ts")).ibBackend({ seed })
  throw new Error(`SPREADS_BROKER=${broker} is not supported; use sim or ib`)
}
