/**
 * Wires the spreads step library into this project's cucumber run. The broker comes from SPREADS_BROKER: `sim`
 * (default) runs every scenario on the in-process simulator in virtual time; `ib` runs the same scenarios through the
 * live IB adapter against the TWS simulator server on loopback.
 */
import * as cucumber from "@cucumber/cucumber"
import { backendFromEnv, registerSpreadsSteps, SpreadsWorld } from "@spreads/testing"

cucumber.setWorldConstructor(SpreadsWorld)
cucumber.setDefaultTimeout(60_000)
registerSpreadsSteps(cucumber, { backend: backendFromEnv })
cucumber.After(async function (this: SpreadsWorld) {
  await this.dispose()
})
