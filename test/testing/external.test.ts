/**
 * The testing kit against a TWS someone else runs: SPREADS_BROKER=ib with SPREADS_TWS_PORT. Here the "external" TWS is
 * the TWS simulator started by the test on loopback, reached only through its port, as a paper account would be.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { awaitOrder, placeSpreadOrder } from "@spreads/application"
import { SimBroker } from "@spreads/sim"
import { backendFromEnv, ScenarioControl, SpreadsWorld } from "@spreads/testing"
import { FAST_SIM } from "@spreads/testing/ib"
import { TwsServer } from "@spreads/tws"
import { Layer, ManagedRuntime, Option, References } from "effect"
import { bullCall } from "../sim/fixtures.ts"

const tws = ManagedRuntime.make(
  TwsServer.layer({ host: "127.0.0.1", port: 0 }).pipe(
    Layer.provide(SimBroker.layer({ ...FAST_SIM, seed: 3, marketOpen: true })),
    Layer.provide(Layer.succeed(References.MinimumLogLevel, "Warn"))
  )
)
let port = 0

beforeAll(async () => {
  port = (await tws.runPromise(TwsServer.Service.useSync((s) => s))).port
})
afterAll(() => tws.dispose())

describe("SPREADS_BROKER=ib with SPREADS_TWS_PORT: the live adapter against an external TWS", () => {
  it("places and follows orders through the port; a step that controls the market fails with a sentence", async () => {
    const backend = await backendFromEnv({
      SPREADS_BROKER: "ib",
      SPREADS_TWS_PORT: String(port),
      SPREADS_CLIENT_ID: "9"
    })
    assert.isFalse(backend.virtual)
    assert.match(backend.today, /^\d{4}-\d{2}-\d{2}$/)
    const world = new SpreadsWorld()
    try {
      await world.start(backend)
      const placed = await world.run(
        placeSpreadOrder({ spread: bullCall(210, 215), action: "BUY", quantity: 1, orderType: "MARKET" })
      )
      const filled = await world.run(awaitOrder(placed.id, (o) => o.status === "Filled", 10_000))
      assert.strictEqual(Option.getOrThrow(filled).filled, 1)
      const refused = await world.run(ScenarioControl.use((c) => c.setMarketOpen(false))).then(
        () => "no error",
        (e: unknown) => (e instanceof Error ? e.message : String(e))
      )
      assert.include(refused, "this step needs to close the market")
      assert.include(refused, `the TWS at 127.0.0.1:${port} is not ours to control`)
    } finally {
      await world.dispose()
    }
  }, 30_000)

  it("refuses a bad port, host or client id with a sentence naming the variable", async () => {
    const fails = (env: Record<string, string>) =>
      backendFromEnv({ SPREADS_BROKER: "ib", ...env }).then(
        () => "no error",
        (e: unknown) => (e instanceof Error ? e.message : String(e))
      )
    assert.include(
      await fails({ SPREADS_TWS_PORT: "70000" }),
      'SPREADS_TWS_PORT="70000" is not a whole number from 1 to 65535'
    )
    assert.include(await fails({ SPREADS_TWS_PORT: "4002x" }), "SPREADS_TWS_PORT")
    assert.include(await fails({ SPREADS_TWS_PORT: "4002", SPREADS_TWS_HOST: "a host" }), "SPREADS_TWS_HOST")
    assert.include(await fails({ SPREADS_TWS_PORT: "4002", SPREADS_CLIENT_ID: "-1" }), "SPREADS_CLIENT_ID")
    assert.include(await backendFromEnv({ SPREADS_BROKER: "fix" }).catch((e: Error) => e.message), "use sim or ib")
  })
})
