/**
 * Security: every listener binds loopback unless told otherwise and says so when told; account ids never appear in
 * full in logs (TWS simulator, IB adapter, the `spreads` command at trace level); the journal file and its -wal and
 * -shm companions are owner-only whatever the umask; error messages carry no account id, no secret and no stack trace.
 */
import { afterAll, assert, describe, it } from "@effect/vitest"
import {
  Broker,
  type BrokerError,
  cancelOrder,
  JournalError,
  modifyOrder,
  OrderBook,
  placeSpreadOrder
} from "@spreads/application"
import { IbConfig } from "@spreads/ib"
import { SqliteJournal } from "@spreads/journal"
import { SimControl } from "@spreads/sim"
import { Main } from "@spreads/tws"
import { Effect, Fiber, Option } from "effect"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { bin, closedPort, root } from "../cli/harness.ts"
import { created, entries } from "../journal/fixtures/events.ts"
import { report } from "./fixtures/mode.ts"
import { input } from "./fixtures/orders.ts"
import {
  adapterConfig,
  awaitConnection,
  listedSpread,
  type LogLine,
  startAdapter,
  startTws,
  untilOrder
} from "./fixtures/wire.ts"

const ACCOUNT = "DU7654321"
/** An IB account id in full: DU/DF/U/F and five or more digits (a masked one keeps only a few characters). */
const FULL_ACCOUNT = /\b(?:DU|DF|U|F)\d{5,}\b/
const SECRET = "canary-secret-7f3a9c"

const figures = {
  "log lines checked": 0,
  "unmasked account ids": 0,
  "error messages checked": 0,
  "leaky errors": 0
}
const leaks: Array<string> = []

const scanLogs = (where: string, lines: ReadonlyArray<string>) => {
  for (const l of lines) {
    figures["log lines checked"]++
    if (FULL_ACCOUNT.test(l)) {
      figures["unmasked account ids"]++
      if (leaks.length < 10) leaks.push(`${where}: ${l.slice(0, 200)}`)
    }
  }
}

const scanError = (where: string, message: string) => {
  figures["error messages checked"]++
  if (FULL_ACCOUNT.test(message) || message.includes(SECRET) || /\n\s+at /.test(message)) {
    figures["leaky errors"]++
    if (leaks.length < 10) leaks.push(`${where} error: ${message.slice(0, 200)}`)
  }
}

/** Runs `spreads` with extra env, killing it once `until` matches stderr (or after `timeoutMs`). */
const cli = (
  args: ReadonlyArray<string>,
  options: { readonly env?: Record<string, string>; readonly until?: RegExp; readonly timeoutMs?: number } = {}
) =>
  new Promise<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env: { ...process.env, NO_COLOR: "1", ...options.env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")))
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString("utf8")
      if (options.until?.test(stderr)) child.kill("SIGINT")
    })
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })

const connects = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host, port, timeout: 1_000 })
    s.once("connect", () => {
      s.destroy()
      resolve(true)
    })
    s.once("error", () => resolve(false))
    s.once("timeout", () => {
      s.destroy()
      resolve(false)
    })
  })

const externalAddress = (): string | undefined =>
  Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a !== undefined && a.family === "IPv4" && !a.internal)?.address

describe("reliability: security", () => {
  afterAll(() => {
    report("security", figures)
  })

  it.live("the TWS simulator binds 127.0.0.1 by default, and warns when told to bind elsewhere", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const logs: Array<LogLine> = []
        const tws = yield* startTws({ logs })
        assert.strictEqual(tws.server().address, `127.0.0.1:${tws.port}`)
        assert.isTrue(yield* Effect.promise(() => connects("127.0.0.1", tws.port)))
        const external = externalAddress()
        if (external !== undefined) {
          assert.isFalse(yield* Effect.promise(() => connects(external, tws.port)), `reachable on ${external}`)
        }
        assert.isFalse(logs.some((l) => l.level === "Warn" && l.text.includes("anyone who can reach")))
        // Told to bind another address (still a loopback one, 127.0.0.2, so nothing leaves this machine).
        const elsewhere: Array<LogLine> = []
        yield* startTws({ logs: elsewhere, server: { host: "127.0.0.2" } })
        const warning = elsewhere.find((l) => l.text.includes("TWS simulator binding 127.0.0.2"))
        assert.isDefined(warning, "no warning when binding 127.0.0.2")
        assert.strictEqual(warning!.level, "Warn")
        assert.include(warning!.text, "anyone who can reach this address can trade on it")
        // The defaults of every other way to start or reach a listener.
        assert.strictEqual(Main.defaults.host, "127.0.0.1")
        assert.strictEqual((Main.parseArgs([]) as Main.MainOptions).host, "127.0.0.1")
        assert.strictEqual(IbConfig.makeUnsafe({ clientId: 1 }).host, "127.0.0.1")
      })
    )
  )

  it("`spreads tws-sim` listens on 127.0.0.1 by default and says where", async () => {
    const run = await cli(["tws-sim", "--port", "0"], { until: /serving the TWS API on/ })
    assert.match(run.stderr, /serving the TWS API on 127\.0\.0\.1:\d+/)
    const told = await cli(["tws-sim", "--port", "0", "--host", "127.0.0.2"], { until: /serving the TWS API on/ })
    assert.match(told.stderr, /anyone who can reach this address can trade on it/)
    scanLogs("spreads tws-sim", [...run.stderr.split("\n"), ...told.stderr.split("\n")])
  }, 60_000)

  it.live(
    "no full account id in the logs of the TWS simulator and the IB adapter, or in their errors",
    () =>
      session(`Order rejected - reason: the order size exceeds the limit`).pipe(
        Effect.map((found) => assert.deepStrictEqual(found, [], "account ids or secrets leaked"))
      ),
    60_000
  )

  it.live(
    "an account id inside IB's own rejection text is masked in logs and error messages",
    () =>
      session(`Order rejected - reason: account ${ACCOUNT} lacks trading permissions for this product`).pipe(
        Effect.map((found) => assert.deepStrictEqual(found, [], "account ids or secrets leaked"))
      ),
    60_000
  )

  it("the spreads command at trace level: no full account id in its logs, no secret in its errors", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spreads-security-"))
    try {
      const env = {
        SPREADS_DB: path.join(dir, "spreads.db"),
        // A header a tracing setup would carry; the endpoint is a closed loopback port, so nothing leaves.
        OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer ${SECRET}`
      }
      const twsStarted = await startTwsProcess()
      const ib = ["--broker", "ib", "--port", String(twsStarted.port), "--log-level", "trace"]
      const runs = [
        await cli(["orders", ...ib], { env }),
        await cli(["place", "SPY", "bull-call", "560/565", "--expiry", "2026-12-18", "--qty", "1", "--market", ...ib], {
          env
        }),
        await cli(["status", "424242", ...ib], { env }),
        await cli(["orders", "--broker", "ib", "--port", String(await closedPort()), "--log-level", "trace"], {
          env: { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await closedPort()}` }
        })
      ]
      const before = leaks.length
      twsStarted.stop()
      const serverRun = await twsStarted.done
      scanLogs("spreads tws-sim", serverRun.stderr.split("\n"))
      for (const r of runs) {
        scanLogs("spreads", r.stderr.split("\n"))
        if (r.code !== 0) scanError("spreads", r.stderr)
      }
      assert.deepStrictEqual(leaks.slice(before), [], "account ids or secrets leaked")
      assert.isAbove(runs.filter((r) => r.stderr.includes("TRACE") || r.stderr.includes("DEBUG")).length, 0)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)

  it.effect("the journal file and its -wal and -shm are owner-only (0600) under any umask", () =>
    Effect.gen(function* () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spreads-modes-"))
      const previous = process.umask(0)
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          process.umask(previous)
          fs.rmSync(dir, { recursive: true, force: true })
        })
      )
      const modes = (file: string) =>
        ["", "-wal", "-shm"]
          .filter((s) => fs.existsSync(file + s))
          .map((s) => `${path.basename(file)}${s} ${(fs.statSync(file + s).mode & 0o777).toString(8)}`)
      const fresh = path.join(dir, "fresh.db")
      const seen: Array<string> = []
      const use = (file: string, orderId: number) =>
        Effect.scoped(
          Effect.gen(function* () {
            const j = yield* SqliteJournal.make({ path: file })
            yield* j.append(entries(orderId, created(orderId, `m-${orderId}`)))
            // While open, with a -wal and -shm beside it.
            seen.push(...modes(file))
            return modes(file)
          })
        )
      const first = yield* use(fresh, 1)
      assert.includeMembers(first, ["fresh.db 600", "fresh.db-wal 600", "fresh.db-shm 600"])
      // Reopened (the companions are made again by SQLite).
      assert.includeMembers(yield* use(fresh, 2), ["fresh.db 600", "fresh.db-wal 600", "fresh.db-shm 600"])
      // A file that already exists but is empty (made with `touch`): the journal created in it is owner-only too.
      const touched = path.join(dir, "touched.db")
      fs.writeFileSync(touched, "", { mode: 0o666 })
      const inTouched = yield* use(touched, 3)
      const loose = [...seen, ...inTouched].filter((m) => !m.endsWith(" 600"))
      assert.deepStrictEqual(loose, [], "journal files readable by others")
      // The journal's errors name the file and what to do, and carry no stack.
      const refused = yield* Effect.flip(Effect.scoped(SqliteJournal.make({ path: path.join(dir, "missing", "x.db") })))
      assert.instanceOf(refused, JournalError)
      scanError("journal", refused.message)
    }).pipe(Effect.scoped)
  )
})

/**
 * A whole session through the IB adapter and the TWS simulator with the account set everywhere (fills, a modify, a
 * cancel, a rejection with `rejection` as IB's text, a dropped link, an IB connectivity window, the server gone), at
 * trace level; returns the log lines and error messages that show an account id in full.
 */
let nextClientId = 90

const session = (rejection: string) =>
  Effect.scoped(
    Effect.gen(function* () {
      const before = leaks.length
      const serverLogs: Array<LogLine> = []
      const adapterLogs: Array<LogLine> = []
      const tws = yield* startTws({ logs: serverLogs, server: { accounts: [ACCOUNT, "DU1111111"] } })
      const control = yield* tws.sim(SimControl.SimControl)
      const clientId = nextClientId++
      const adapter = yield* startAdapter(
        adapterConfig(tws.port, clientId, { account: ACCOUNT, commandWait: "500 millis" }),
        {
          logs: adapterLogs
        }
      )
      const spread = yield* adapter.run(listedSpread())
      const errors: Array<string> = []
      const place = (ref: string, pricing: "market" | "resting") =>
        adapter.run(
          placeSpreadOrder({
            ...input({ spread, action: "BUY", quantity: 2, pricing, orderRef: ref }),
            account: ACCOUNT
          })
        )
      yield* place("sec-1", "market")
      const resting = yield* place("sec-2", "resting")
      yield* adapter.run(Effect.result(modifyOrder(resting.id, { quantity: 3 })))
      yield* adapter.run(Effect.result(cancelOrder(resting.id)))
      yield* control.rejectNext({ code: 201, reason: rejection })
      errors.push((yield* adapter.run(Effect.flip(place("sec-3", "market")))).message)
      yield* tws.server().dropConnection(clientId)
      yield* adapter.run(awaitConnection("Disconnected"))
      yield* adapter.run(awaitConnection("Connected"))
      const window = yield* Effect.forkChild(tws.server().connectivityWindow({ lengthMs: 300, restore: "DataLost" }))
      yield* adapter.run(awaitConnection("Degraded"))
      errors.push((yield* adapter.run(Effect.flip(place("sec-4", "market")))).message)
      yield* Fiber.join(window)
      yield* adapter.run(awaitConnection("Connected"))
      yield* untilOrder(adapter, "sec-1", (o) => o.status === "Filled")
      const broker = yield* adapter.run(Broker)
      yield* tws.server().close
      const down = yield* Effect.flip(broker.openOrders).pipe(Effect.timeout("10 seconds"), Effect.option)
      if (Option.isSome(down)) errors.push((down.value as BrokerError).message)
      const book = yield* adapter.run(OrderBook.OrderBook)
      const rejectedOrder = yield* book.findByRef("sec-3")
      if (Option.isSome(rejectedOrder)) errors.push(rejectedOrder.value.rejection?.reason ?? "")
      scanLogs(
        "TWS simulator",
        serverLogs.map((l) => l.text)
      )
      scanLogs(
        "IB adapter",
        adapterLogs.map((l) => l.text)
      )
      for (const e of errors) scanError("IB adapter", e)
      assert.isAbove(serverLogs.length, 5)
      assert.isAbove(adapterLogs.length, 5)
      return leaks.slice(before)
    })
  )

const sleep = (ms: number) => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms))

/** `spreads tws-sim` on an OS-chosen port at trace level, stopped (Ctrl-C) by `stop`. */
const startTwsProcess = async () => {
  const child = spawn(process.execPath, [bin, "tws-sim", "--port", "0", "--log-level", "trace"], {
    cwd: root,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let stderr = ""
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")))
  const done = new Promise<{ readonly stderr: string }>((resolve) => child.on("close", () => resolve({ stderr })))
  for (let i = 0; i < 300; i++) {
    const m = /serving the TWS API on 127\.0\.0\.1:(\d+)/.exec(stderr)
    if (m !== null) return { port: Number(m[1]), stop: () => void child.kill("SIGINT"), done }
    await sleep(100)
  }
  child.kill("SIGKILL")
  throw new Error(`spreads tws-sim did not start: ${stderr}`)
}
