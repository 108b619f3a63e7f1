import { defineConfig } from "vitest/config"

// The crash/restart and reliability suites spawn processes and servers and time real sockets: they run on their own,
// one file at a time, after the rest (see scripts/test.sh and `pnpm test:slow`), so machine load from the other
// suites does not skew them.
const slow = ["test/durability/**/*.test.ts", "test/reliability/**/*.test.ts"]

export default defineConfig({
  test: {
    include: process.env["SPREADS_SLOW_TESTS"] === "1" ? slow : ["test/**/*.test.ts"],
    exclude: process.env["SPREADS_SLOW_TESTS"] === "1" ? [] : slow,
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
