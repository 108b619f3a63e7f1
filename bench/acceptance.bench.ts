/**
 * acceptance.virtual: simulated seconds covered per wall-clock second across the whole cucumber suite on the
 * simulator (goal >= 100). The suite runs in this process, so the virtual-time counter of @spreads/testing sees every
 * step's latencies and timeouts.
 */
import { loadConfiguration, runCucumber } from "@cucumber/cucumber/api"
import { virtualTimeElapsed } from "@spreads/testing"
import type { Metric } from "./run.ts"

export const run = async (_: { quick: boolean }): Promise<ReadonlyArray<Metric>> => {
  const { runConfiguration } = await loadConfiguration({ provided: { format: [] } })
  const before = virtualTimeElapsed()
  const t0 = performance.now()
  const { success } = await runCucumber(runConfiguration, { stdout: process.stderr, stderr: process.stderr })
  const wallMs = performance.now() - t0
  const virtualMs = virtualTimeElapsed() - before
  if (!success) throw new Error("the acceptance suite failed; fix it before benchmarking")
  const ratio = virtualMs / wallMs
  return [
    {
      name: "acceptance.virtual",
      value: ratio,
      unit: "virtual s / wall s",
      comparedTo: `${(virtualMs / 1000).toFixed(1)} virtual s in ${(wallMs / 1000).toFixed(2)} wall s`,
      ratio,
      goal: ">= 100",
      met: ratio >= 100
    }
  ]
}
