/**
 * `pnpm test:reliability`: the reliability and security suites (test/reliability) in full mode — bigger counts,
 * bounded to a few minutes, loopback only — one file at a time, then one table of the figures every suite printed.
 * `--short` runs the CI sizes instead. Extra arguments go to vitest (a file filter, `-t name`).
 * Exit code: vitest's (non-zero when a suite failed or printed no figures).
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs"
import { join } from "node:path"

const root = join(import.meta.dirname, "..")
const args = process.argv.slice(2)
const mode = args.includes("--short") ? "short" : "full"
const passThrough = args.filter((a) => a !== "--short" && a !== "--full")
const scratch = join(root, ".scratch")
mkdirSync(scratch, { recursive: true })
const reportFile = join(scratch, "reliability.ndjson")
rmSync(reportFile, { force: true })

const started = Date.now()
const vitest = spawnSync(
  process.execPath,
  [
    join(root, "node_modules", "vitest", "vitest.mjs"),
    "run",
    "test/reliability",
    "--no-file-parallelism",
    ...passThrough
  ],
  {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, SPREADS_SLOW_TESTS: "1", RELIABILITY: mode, RELIABILITY_REPORT: reportFile }
  }
)
const seconds = Math.round((Date.now() - started) / 100) / 10

interface Line {
  readonly suite: string
  readonly figures: Readonly<Record<string, number | string>>
}
const lines: ReadonlyArray<Line> = existsSync(reportFile)
  ? readFileSync(reportFile, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as Line)
  : []

console.log(`\nreliability (${mode}): ${lines.length} suites reported in ${seconds} s`)
for (const { suite, figures } of lines) {
  console.log(`\n  ${suite}`)
  const width = Math.max(...Object.keys(figures).map((k) => k.length))
  for (const [k, v] of Object.entries(figures)) console.log(`    ${k.padEnd(width)}  ${v}`)
}
const status = vitest.status ?? 1
if (lines.length === 0) console.log("\nno suite printed its figures")
process.exit(status !== 0 ? status : lines.length === 0 ? 1 : 0)
