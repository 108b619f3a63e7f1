/**
 * The `spreads` command run with random argument lists (full mode only: each run is a process start). Every run must
 * end with one of the documented exit codes (0 done, 2 bad input, 3 refused, 4 unreachable, 5 still working), never
 * 1 (an internal error), and say what went wrong in a sentence: no stack trace, no "[object Object]". Loopback only:
 * `--broker ib` points at a closed port on 127.0.0.1, and no `--host` or `--db` is ever passed (the database lives in
 * a temporary folder through SPREADS_DB).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fc from "fast-check"
import { closedPort, type Run, spreads, tempDb } from "../cli/harness.ts"
import { hostileText } from "./fixtures/hostile.ts"
import { MODE, pick, report, seedFor } from "./fixtures/mode.ts"

const DOCUMENTED = new Set([0, 2, 3, 4, 5])

describe("reliability: the spreads command with random arguments", () => {
  it.runIf(MODE === "full")(
    "every run ends with a documented exit code and a sentence",
    async () => {
      const port = await closedPort()
      const text = hostileText.map((s) => s.replaceAll("\0", "")).filter((s) => s.length < 200)
      const command = fc.constantFrom(
        "place",
        "status",
        "cancel",
        "modify",
        "cancel-all",
        "orders",
        "quote",
        "chain",
        "whatif",
        "nonsense",
        "--version"
      )
      const flag = fc.oneof(
        fc.constantFrom("--qty", "--limit", "--tif", "--expiry", "--back-expiry", "--right", "--ratio", "--seed"),
        fc.constantFrom("--sim-clock", "--client-id", "--log-level", "--wait", "--price")
      )
      const switches = fc.constantFrom("--market", "--credit", "--short", "--json", "--help")
      const valid = fc.constantFrom("AAPL", "bull-call", "210/215", "2026-12-18", "1", "2.85", "1001", "2s", "debug")
      const argv = fc
        .tuple(
          command,
          fc.array(
            fc.oneof(
              valid,
              text,
              switches,
              fc.tuple(flag, fc.oneof(valid, text)).map(([f, v]) => `${f}=${v}`)
            ),
            {
              maxLength: 8
            }
          ),
          fc.constantFrom<ReadonlyArray<string>>([], ["--broker", "ib", "--port", String(port)], ["--broker", "sim"])
        )
        .map(([c, rest, broker]) => [c, ...rest, ...broker])
      const runs = fc.sample(argv, { numRuns: pick(0, 100), seed: seedFor("cli argv") })
      const failures: Array<string> = []
      const codes = new Map<string, number>()
      const { db, cleanup } = tempDb()
      try {
        for (let i = 0; i < runs.length; i += 2) {
          const batch = runs.slice(i, i + 2)
          const results = await Promise.all(
            batch.map((args) =>
              Effect.runPromise(spreads(args, { db, timeoutMs: 30_000 })).then((r) => [args, r] as const)
            )
          )
          for (const [args, r] of results as ReadonlyArray<readonly [ReadonlyArray<string>, Run]>) {
            const code = r.code === null ? "killed" : String(r.code)
            codes.set(code, (codes.get(code) ?? 0) + 1)
            const why =
              r.code === null
                ? "did not finish within 30 s"
                : !DOCUMENTED.has(r.code)
                  ? `exit ${r.code}`
                  : /\n\s+at /.test(r.stderr)
                    ? "a stack trace on stderr"
                    : r.stderr.includes("[object Object]") && !args.some((a) => a.includes("[object Object]"))
                      ? "[object Object] on stderr"
                      : r.code !== 0 && r.stderr.trim() === ""
                        ? "failed without saying why"
                        : undefined
            if (why !== undefined) failures.push(`${why}: spreads ${JSON.stringify(args)}\n${r.stderr.slice(0, 400)}`)
          }
        }
      } finally {
        cleanup()
      }
      report("the spreads command with random arguments", {
        runs: runs.length,
        "exit codes": [...codes.entries()].map(([c, n]) => `${c}x${n}`).join(" "),
        crashes: failures.length
      })
      assert.deepStrictEqual(failures.slice(0, 5), [])
    },
    600_000
  )
})
