/**
 * Runs the `spreads` command as a user would: `node adapters/cli/src/bin.ts ...` in a child process, with its own
 * database in a temp folder (`SPREADS_DB`), and returns the exit code and both streams.
 */
import { afterAll } from "@effect/vitest"
import { OrderView } from "@spreads/domain"
import { Effect, Schema } from "effect"
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import * as net from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

export const root = join(import.meta.dirname, "..", "..")
export const bin = join(root, "adapters", "cli", "src", "bin.ts")

/** An expiry the simulator lists (its default clock starts Monday 2026-11-30). */
export const EXPIRY = "2026-12-18"

/** What a run printed and how it ended. */
export interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const folders = new Set<string>()
// A test that fails or times out before its cleanup still leaves nothing behind.
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true })
})

/** A fresh folder for one test's database; removed by `cleanup` (or after the file's tests, whichever is first). */
export const tempDb = (): { readonly db: string; readonly cleanup: () => void } => {
  const dir = mkdtempSync(join(tmpdir(), "spreads-cli-"))
  folders.add(dir)
  return {
    db: join(dir, "spreads.db"),
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true })
      folders.delete(dir)
    }
  }
}

/** Runs `spreads args...`; `db` becomes SPREADS_DB (no --db flag, so the environment default is exercised too). */
export const spreads = (
  args: ReadonlyArray<string>,
  options: { readonly db?: string; readonly env?: Record<string, string>; readonly timeoutMs?: number } = {}
): Effect.Effect<Run> =>
  Effect.callback<Run>((resume) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env: {
        ...process.env,
        NO_COLOR: "1",
        SPREADS_DB: options.db ?? join(tmpdir(), "spreads-cli-unused", "never.db"),
        ...options.env
      },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")))
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")))
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000)
    child.on("close", (code) => {
      clearTimeout(timer)
      resume(Effect.succeed({ code, stdout, stderr }))
    })
    return Effect.sync(() => child.kill("SIGKILL"))
  })

const decodeView = Schema.decodeUnknownSync(OrderView.OrderView)
const decodeViews = Schema.decodeUnknownSync(Schema.Array(OrderView.OrderView))

/** Decodes stdout as one OrderView (throws with the schema's message when it is not one). */
export const view = (r: Run): OrderView.OrderView => decodeView(JSON.parse(r.stdout.trim()))

/** Decodes stdout as a JSON array of OrderViews. */
export const views = (r: Run): ReadonlyArray<OrderView.OrderView> => decodeViews(JSON.parse(r.stdout.trim()))

/** Decodes every stdout line as an OrderView (watch --json). */
export const viewLines = (r: Run): ReadonlyArray<OrderView.OrderView> =>
  r.stdout
    .trim()
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => decodeView(JSON.parse(l)))

/** Explains a run for assertion messages. */
/** A loopback port nothing listens on (bound by the OS, then released): connecting to it is refused. */
export const closedPort = (): Promise<number> =>
  new Promise<number>((resolve) => {
    const s = net.createServer()
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
  })

export const show = (r: Run): string => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`

/** A `spreads` process left running (watch, tws-sim): ready once stderr shows `readyWhen`; `interrupt` is Ctrl-C. */
export interface Running {
  readonly stderrSoFar: () => string
  readonly interrupt: () => Effect.Effect<Run>
}

/** Starts `spreads args...` and waits until its stderr matches `readyWhen`. */
export const start = (
  args: ReadonlyArray<string>,
  options: { readonly db?: string; readonly readyWhen: RegExp }
): Effect.Effect<Running> =>
  Effect.callback<Running>((resume) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env: { ...process.env, NO_COLOR: "1", ...(options.db === undefined ? {} : { SPREADS_DB: options.db }) },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    let ready = false
    const exited = new Promise<Run>((done) => child.on("close", (code) => done({ code, stdout, stderr })))
    const running: Running = {
      stderrSoFar: () => stderr,
      interrupt: () =>
        Effect.promise(() => {
          child.kill("SIGINT")
          return exited
        })
    }
    const kill = setTimeout(() => child.kill("SIGKILL"), 30_000)
    void exited.then((r) => {
      clearTimeout(kill)
      if (!ready) resume(Effect.die(new Error(`spreads ${args.join(" ")} ended before it was ready:\n${show(r)}`)))
    })
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")))
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString("utf8")
      if (!ready && options.readyWhen.test(stderr)) {
        ready = true
        resume(Effect.succeed(running))
      }
    })
  })
