/** The spread every benchmark trades: a bull call 210/215 on AAPL, December 2026. */
import { Contract, Price, Strategy, Values } from "@spreads/domain"
import { Result } from "effect"

export const bullCall = Result.getOrThrow(
  Strategy.makeSpread({
    strategy: "BULL_CALL",
    underlying: Values.make.underlying("AAPL"),
    expiry: Contract.expiry("2026-12-18"),
    strikes: [Price.dec("210"), Price.dec("215")]
  })
)
