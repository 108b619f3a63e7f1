/**
 * `pnpm bench`: runs every benchmark module under bench/ (files named *.bench.ts exporting `run({ quick })`), prints
 * one table, and writes bench/results.json. Each metric is measured side by side with what it is compared against in
 * the same run, so the ratio holds on a noisy machine even when absolute numbers do not.
 * Each module runs in its own Node process (same flags), so none inherits another's compiled code or heap.
 * `--quick` (or BENCH_QUICK=1) runs small counts, for CI.
 */
import { spawn } from "node:child_process"
import { readdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"

/** One measured metric. */
export interface Metric {
  readonly name: string
  readonly value: number
  readonly unit: string
  readonly comparedTo: string
  readonly ratio: number | null
  readonly goal?: string
  readonly met?: boolean
  readonly spread?: string
}

const quick = process.argv.includes("--quick") || process.env["BENCH_QUICK"] === "1"
const dir = import.meta.dirname

/** Runs one benchmark module here and prints its metrics as one JSON line on stdout (the child's side). */
const runHere = async (file: string): Promise<void> => {
  const mod = (await import(join(dir, file))) as { run: (o: { quick: boolean }) => Promise<ReadonlyArray<Metric>> }
  const metrics = await mod.run({ quick })
  process.stdout.write(`${RESULT}${JSON.stringify(metrics)}\n`)
}

/** Marks the child's result line among whatever else a benchmark prints. */
const RESULT = "bench-result "

/**
 * Runs one benchmark module in a fresh Node process: one benchmark's compiled code and heap do not carry over into
 * the next (the same fold measured 3x slower after other benchmarks had run in the process).
 */
const runApart = (file: string): Promise<ReadonlyArray<Metric>> =>
  new Promise((resolve, reject) => {
    const args = [...process.execArgv, import.meta.filename, "--child", file, ...(quick ? ["--quick"] : [])]
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] })
    let out = ""
    child.stdout.setEncoding("utf8")
    child.stdout.on("data", (chunk: string) => (out += chunk))
    child.on("error", reject)
    child.on("close", (code) => {
      const line = out.split("\n").find((l) => l.startsWith(RESULT))
      if (code !== 0 || line === undefined) return reject(new Error(`bench ${file} failed (exit code ${code})`))
      resolve(JSON.parse(line.slice(RESULT.length)) as ReadonlyArray<Metric>)
    })
  })

const child = process.argv.indexOf("--child")
if (child >= 0) {
  await runHere(process.argv[child + 1]!)
  process.exit(0)
}

const only = process.argv.slice(2).filter((a) => !a.startsWith("--"))
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()

const results: Array<Metric> = []
for (const file of files) {
  process.stderr.write(`bench: ${file}${quick ? " (quick)" : ""}\n`)
  results.push(...(await runApart(file)))
}

const rows = results.map((m) => [
  m.name,
  m.value.toLocaleString("en-US", { maximumFractionDigits: 2 }),
  m.unit,
  m.spread ?? "",
  m.comparedTo,
  m.ratio === null ? "" : m.ratio.toFixed(3),
  m.goal ?? "",
  m.met === undefined ? "" : m.met ? "yes" : "NO"
])
const header = ["metric", "value", "unit", "spread", "compared to", "ratio", "goal", "met"]
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
const line = (cells: ReadonlyArray<string>) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ")
console.log(line(header))
console.log(widths.map((w) => "-".repeat(w)).join("  "))
for (const r of rows) console.log(line(r))
writeFileSync(
  join(dir, "results.json"),
  JSON.stringify({ quick, at: new Date().toISOString(), results }, null, 2) + "\n"
)
