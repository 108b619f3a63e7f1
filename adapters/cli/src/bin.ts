#!/usr/bin/env node
/**
 * Entry point of the `spreads` command. Ctrl-C interrupts the command (finalizers run: the simulated account is
 * saved) and exits 130.
 * @module
 */
import { enableCompileCache } from "node:module"

// Every run loads the whole Effect stack: Node's on-disk compile cache makes the second and later starts faster.
enableCompileCache()

const [{ Cause, Exit }, NodeRuntime, { ExitCode }, { main }] = await Promise.all([
  import("effect"),
  import("@effect/platform-node/NodeRuntime"),
  import("./Errors.ts"),
  import("./main.ts")
])

NodeRuntime.runMain(main(process.argv.slice(2)), {
  disableErrorReporting: true,
  teardown: (exit, onExit) => {
    if (Exit.isSuccess(exit)) return onExit(typeof exit.value === "number" ? exit.value : ExitCode.Ok)
    return onExit(Cause.hasInterruptsOnly(exit.cause) ? ExitCode.Interrupted : ExitCode.Internal)
  }
})
