/**
 * The packages embed like any npm package: built to JavaScript + .d.ts, packed, installed into a scratch consumer
 * project outside the workspace, and imported there by plain Node (which does not strip types in node_modules).
 */
import { assert, describe, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const root = join(import.meta.dirname, "..", "..")
const packages = ["domain", "application", "adapters/sim"]

const run = (cmd: string, args: ReadonlyArray<string>, cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 240_000 })

describe("packaging", () => {
  it("built packages install into a consumer project and run with plain Node", { timeout: 300_000 }, () => {
    const scratch = mkdtempSync(join(tmpdir(), "spreads-consumer-"))
    try {
      const packs = join(scratch, "packs")
      mkdirSync(packs)
      for (const p of packages) {
        run("pnpm", ["run", "build"], join(root, p))
        run("pnpm", ["pack", "--pack-destination", packs], join(root, p))
      }
      const tarballs = readdirSync(packs).map((f) => join(packs, f))
      assert.strictEqual(tarballs.length, packages.length)
      const app = join(scratch, "app")
      mkdirSync(app)
      writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }))
      run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs], app)
      writeFileSync(
        join(app, "main.mjs"),
        `
import { Strategy, Values, Contract, Price, ComboOrder } from "@spreads/domain"
import { SpreadsClient } from "@spreads/application"
import { SimBroker } from "@spreads/sim"
import { Result } from "effect"
const spread = Result.getOrThrow(Strategy.makeSpread({
  strategy: "BULL_CALL", underlying: Values.make.underlying("AAPL"),
  expiry: Contract.expiry("2026-12-18"), strikes: [Price.dec("210"), Price.dec("215")]
}))
const order = ComboOrder.makeComboOrder({ spread, action: "SELL", quantity: 2, orderType: "LIMIT", limitPrice: Price.credit("2.85"), orderRef: "consumer-1" })
const client = await SpreadsClient.make(SimBroker.layer())
const missing = await client.getOrderStatus(424242).then(() => "found", (e) => e._tag + ": " + e.message)
await client.dispose()
console.log(JSON.stringify({ legs: spread.legs.map((l) => l.action), action: Result.getOrThrow(order).action, missing }))
`
      )
      const out = JSON.parse(run("node", ["main.mjs"], app).trim()) as {
        legs: Array<string>
        action: string
        missing: string
      }
      assert.deepStrictEqual(out.legs, ["BUY", "SELL"])
      assert.strictEqual(out.action, "SELL")
      assert.match(out.missing, /^OrderNotFound: no order with id 424242/)
    } finally {
      rmSync(scratch, { recursive: true, force: true })
    }
  })
})
