/**
 * `pnpm bench`: runs every benchmark module under bench/ (files named *.bench.ts exporting `run({ quick })`), prints
 * one table, and writes bench/results.json. Each metric is measured side by side with what it is compared against in
 * the same run, so the ratio holds on a noisy machine even when absolute numbers do not.
 * `--quick` (or BENCH_QUICK=1) runs small counts, for CI.
 */
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
const only = process.argv.slice(2).filter((a) => !a.startsWith("--"))
const dir = import.meta.dirname
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()

const results: Array<Metric> = []
for (const file of files) {
  const mod = (await import(join(dir, file))) as { run: (o: { quick: boolean }) => Promise<ReadonlyArray<Metric>> }
  process.stderr.write(`bench: ${file}${quick ? " (quick)" : ""}\n`)
  results.push(...(await mod.run({ quick })))
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
