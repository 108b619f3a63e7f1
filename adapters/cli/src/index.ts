/**
 * @spreads/cli — the `spreads` command (bin.ts), built with effect/cli. Exported for embedding and tests: the root
 * command, `main` (args -> exit code), and the input decoders and exit-code table it is made of.
 * @module
 */
export * as Errors from "./Errors.ts"
export * as Flags from "./Flags.ts"
export * as Inputs from "./Inputs.ts"
export { main, spreads, VERSION } from "./main.ts"
export * as Output from "./Output.ts"
