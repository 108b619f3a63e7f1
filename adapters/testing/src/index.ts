/**
 * @spreads/testing — test YOUR trading code against the simulator: a scenario control surface, a virtual-time runner,
 * a cucumber step library and World, and the simulator backend. The project's own acceptance features use exactly
 * these steps. The live-adapter backend (IB adapter over the TWS simulator) is a separate entry point,
 * `@spreads/testing/ib`, so projects that do not use it need neither @spreads/ib nor @spreads/tws.
 * @module
 */
export { eventually, expectOrder, OrderExpectationFailed } from "./Assertions.ts"
export { backendFromEnv } from "./Backends.ts"
export { type StepOptions, registerSpreadsSteps } from "./cucumber/steps.ts"
export { assertThat, type StepApi } from "./cucumber/support.ts"
export { type Faults, type FillScript, ScenarioControl } from "./ScenarioControl.ts"
export { scenarioControlLayer, type SimBackendOptions, simBackend, simLayer, withSim } from "./SimBackend.ts"
export { advance, runVirtual, type VirtualOptions, virtualTimeElapsed } from "./VirtualTime.ts"
export { type CapturedError, type ScenarioServices, SpreadsWorld, type WorldBackend } from "./World.ts"
