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
  // Wall time from the first scenario's start to the last one's end: the scenarios themselves, not the loading and
  // compiling of the step code that precedes them.
  let first: number | undefined
  let last = 0
  const before = virtualTimeElapsed()
  const { success } = await runCucumber(runConfiguration, { stdout: process.stderr, stderr: process.stderr }, (m) => {
    if (m.testCaseStarted !== undefined && first === undefined) first = performance.now()
    if (m.testCaseFinished !== undefined) last = performance.now()
  })
  if (!success) throw new Error("the acceptance suite failed; fix it before benchmarking")
  const wallMs = last - (first ?? last)
  const virtualMs = virtualTimeElapsed() - before
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
