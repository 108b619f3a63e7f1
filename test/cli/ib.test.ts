/**
 * `--broker ib` against a `spreads tws-sim` started by the test: the live IB adapter speaks the TWS wire protocol to
 * the simulator over loopback, and the same commands work as on the embedded simulator. tws-sim serves until Ctrl-C.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { bin, EXPIRY, root, show, spreads, tempDb, view, views } from "./harness.ts"

interface Server {
  readonly port: number
  readonly child: ChildProcess
  readonly exited: Promise<{ readonly code: number | null; readonly stderr: string }>
}

/** Starts `spreads tws-sim --port 0` and resolves once it says where it listens. */
const startTwsSim = (extra: ReadonlyArray<string> = []): Promise<Server> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, "tws-sim", "--port", "0", "--seed", "7", ...extra], {
      cwd: root,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stderr = ""
    const exited = new Promise<{ code: number | null; stderr: string }>((done) =>
      child.on("close", (code) => done({ code, stderr }))
    )
    const timer = setTimeout(() => reject(new Error(`tws-sim did not start:\n${stderr}`)), 15_000)
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString("utf8")
      const m = /serving the TWS API on 127\.0\.0\.1:(\d+)/.exec(stderr)
      if (m !== null) {
        clearTimeout(timer)
        resolve({ port: Number(m[1]), child, exited })
      }
    })
    void exited.then(({ code }) => reject(new Error(`tws-sim exited ${code}:\n${stderr}`)))
  })

describe("spreads tws-sim --max-finished", () => {
  it.effect("refuses a negative cap, naming the flag, and starts with a valid one", () =>
    Effect.gen(function* () {
      const bad = yield* spreads(["tws-sim", "--port", "0", "--max-finished", "-1"])
      assert.strictEqual(bad.code, 2, show(bad))
      assert.include(bad.stderr, "--max-finished")
      assert.include(bad.stderr, "got -1")
      const server = yield* Effect.promise(() => startTwsSim(["--max-finished", "5"]))
      server.child.kill("SIGINT")
      const { code, stderr } = yield* Effect.promise(() => server.exited)
      assert.strictEqual(code, 130, stderr)
    })
  )
})

describe("--broker ib against spreads tws-sim", () => {
  it.effect("places, follows and lists orders over the TWS protocol; tws-sim stops on Ctrl-C", () =>
    Effect.gen(function* () {
      const server = yield* Effect.promise(() => startTwsSim())
      const { db, cleanup } = tempDb()
      const ib = ["--broker", "ib", "--port", String(server.port), "--client-id", "5"]
      try {
        const filled = yield* spreads(
          [
            "place",
            "AAPL",
            "bull-call",
            "210/215",
            "--expiry",
            EXPIRY,
            "--qty",
            "1",
            "--limit",
            "3.00",
            "--json",
            ...ib
          ],
          { db }
        )
        assert.strictEqual(filled.code, 0, show(filled))
        const f = view(filled)
        assert.strictEqual(f.status, "Filled")
        assert.strictEqual(f.filled, 1)

        const listed = yield* spreads(["orders", "--json", ...ib], { db })
        assert.strictEqual(listed.code, 0, show(listed))
        assert.include(
          views(listed).map((v) => v.id),
          f.id
        )
      } finally {
        cleanup()
        server.child.kill("SIGINT")
      }
      const { code, stderr } = yield* Effect.promise(() => server.exited)
      assert.strictEqual(code, 130, stderr)
    })
  )
})
