/**
 * Prints the one closing line CI reads, `N passed, N failed`, from vitest's JSON report and cucumber's message stream.
 * A missing report counts as one failure, so a runner that crashed before reporting cannot pass silently.
 * Exit code: non-zero when anything failed or the earlier steps (format, type-check) did.
 */
import { existsSync, readFileSync } from "node:fs"

// Arguments: report files (vitest *.json, cucumber *.ndjson), then the exit status of the earlier steps.
const args = process.argv.slice(2)
const earlier = args.at(-1) ?? "1"
const reports = args.slice(0, -1)
let passed = 0
let failed = 0

const vitest = (vitestPath: string) => {
  if (existsSync(vitestPath)) {
    const report = JSON.parse(readFileSync(vitestPath, "utf8")) as {
      numPassedTests: number
      numFailedTests: number
      numFailedTestSuites: number
    }
    passed += report.numPassedTests
    failed += report.numFailedTests + (report.numFailedTests === 0 ? report.numFailedTestSuites : 0)
  } else {
    console.log(`no vitest report at ${vitestPath}`)
    failed += 1
  }
}

const cucumber = (cucumberPath: string) => {
  if (existsSync(cucumberPath)) {
    // A scenario's result is the worst status among its steps; retried attempts are superseded by the last one.
    const worst = new Map<string, string>()
    const caseOfStarted = new Map<string, string>()
    for (const line of readFileSync(cucumberPath, "utf8").split("\n")) {
      if (line.trim() === "") continue
      const msg = JSON.parse(line) as {
        testCaseStarted?: { id: string; testCaseId: string }
        testStepFinished?: { testCaseStartedId: string; testStepResult: { status: string } }
        testCaseFinished?: { testCaseStartedId: string; willBeRetried: boolean }
      }
      if (msg.testCaseStarted) {
        caseOfStarted.set(msg.testCaseStarted.id, msg.testCaseStarted.testCaseId)
        worst.set(msg.testCaseStarted.testCaseId, "PASSED")
      }
      if (msg.testStepFinished) {
        const caseId = caseOfStarted.get(msg.testStepFinished.testCaseStartedId)
        const status = msg.testStepFinished.testStepResult.status
        if (caseId !== undefined && status !== "PASSED") worst.set(caseId, status)
      }
    }
    for (const status of worst.values()) {
      if (status === "PASSED") passed += 1
      else failed += 1
    }
  } else {
    console.log(`no cucumber report at ${cucumberPath}`)
    failed += 1
  }
}

for (const r of reports) (r.endsWith(".ndjson") ? cucumber : vitest)(r)

if (earlier !== "0" && failed === 0) failed += 1
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 ? 1 : 0)
