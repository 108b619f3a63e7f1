/**
 * Bad input exits 2 with a message on stderr that names the flag or argument and says what is allowed; nothing is
 * printed on stdout and no database is opened. One child process per argument or flag, as a user would type it; the
 * other rules of each are checked in process (decoding.test.ts).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { existsSync } from "node:fs"
import { EXPIRY, show, spreads, tempDb } from "./harness.ts"

const place = (...rest: ReadonlyArray<string>) => ["place", "AAPL", "bull-call", "210/215", "--expiry", EXPIRY, ...rest]
const ok = ["--qty", "1", "--limit", "2.50"]

/** [what is wrong, argv, text stderr must contain]. */
const cases: ReadonlyArray<readonly [string, ReadonlyArray<string>, ReadonlyArray<string>]> = [
  [
    "a zero quantity",
    place("--qty", "0", "--limit", "2.50"),
    ["--qty:", "positive whole number of contracts", "got 0"]
  ],
  ["a negative price", place("--qty", "1", "--limit", "-1.50"), ["--limit:", "without a sign", "--credit"]],
  ["neither --limit nor --market", place("--qty", "1"), ["--limit:", "--limit PRICE", "--market"]],
  ["--credit on a market order", place("--qty", "1", "--market", "--credit"), ["--credit:", "--market"]],
  [
    "an unknown strategy",
    ["place", "AAPL", "bull-spread", "210/215", "--expiry", EXPIRY, ...ok],
    ["STRATEGY:", '"bull-spread"', "bull-call, bear-put, bear-call, bull-put, straddle, strangle, iron-condor"]
  ],
  [
    "one strike for a vertical",
    ["place", "AAPL", "bull-call", "210", "--expiry", EXPIRY, ...ok],
    ["STRIKES:", "takes 2 strikes"]
  ],
  [
    "a symbol that is not one",
    ["place", "12AB", "bull-call", "210/215", "--expiry", EXPIRY, ...ok],
    ["SYMBOL:", "upper-case letters"]
  ],
  [
    "an expiry in the past",
    place("--qty", "1", "--limit", "2.50").map((a) => (a === EXPIRY ? "2020-01-17" : a)),
    ["--expiry:", "in the past"]
  ],
  ["a back expiry on a vertical", place(...ok, "--back-expiry", "2027-01-15"), ["--back-expiry:", "only calendars"]],
  [
    "a calendar without a back expiry",
    ["place", "AAPL", "calendar", "210", "--expiry", EXPIRY, ...ok],
    ["--back-expiry:", "back-month"]
  ],
  ["an unknown time in force", place(...ok, "--tif", "IOC"), ["--tif:", "DAY or GTC", '"IOC"']],
  ["ratios that do not match the legs", place(...ok, "--ratio", "1:2:3"), ["--ratio:", "2 whole numbers"]],
  ["a right on a vertical", place(...ok, "--right", "put"), ["--right:", "only butterflies and calendars"]],
  ["an unknown broker", place(...ok, "--broker", "schwab"), ["--broker", '"schwab"', '"sim" | "ib"']],
  ["a wait that is not a duration", place(...ok, "--wait", "forever"), ["--wait:", "30s, 500ms or 2m"]],
  ["a sim clock that is not a time", place(...ok, "--sim-clock", "saturday"), ["--sim-clock:", "ISO-8601"]],
  ["a seed that is not a number", place(...ok, "--seed", "x"), ["--seed"]],
  ["a missing --expiry", ["place", "AAPL", "bull-call", "210/215", ...ok], ["--expiry"]],
  ["a missing STRIKES argument", ["quote", "AAPL", "bull-call", "--expiry", EXPIRY], ["STRIKES"]],
  ["an unknown flag", place(...ok, "--colour"), ["--colour"]],
  ["an order id that is not a number", ["status", "abc"], ["ORDER_ID:", "positive whole order id", '"abc"']],
  ["modify with nothing to change", ["modify", "1001"], ["--limit:", "--qty N"]],
  ["chain with a bad expiry", ["chain", "AAPL", "--expiry", "soon"], ["--expiry:", "YYYY-MM-DD"]],
  [
    "whatif with a bad quantity",
    ["whatif", "AAPL", "bull-call", "210/215", "--expiry", EXPIRY, "--qty", "1.5", "--market"],
    ["--qty:"]
  ],
  ["an unknown command", ["buy", "AAPL"], ["buy"]]
]

describe.concurrent("bad input exits 2 and says what is allowed", () => {
  for (const [what, argv, texts] of cases) {
    it.effect(what, () =>
      Effect.gen(function* () {
        const { db, cleanup } = tempDb()
        const r = yield* spreads(argv, { db })
        const dbCreated = existsSync(db)
        cleanup()
        assert.strictEqual(r.code, 2, show(r))
        for (const t of texts) assert.include(r.stderr, t, show(r))
        assert.strictEqual(r.stdout, "", show(r))
        assert.notInclude(r.stderr, "    at ", "no stack trace")
        assert.isFalse(dbCreated, "bad input never touches the database")
      })
    )
  }

  it.effect("an unknown order id exits 2 and points at `spreads orders`", () =>
    Effect.gen(function* () {
      const { db, cleanup } = tempDb()
      const r = yield* spreads(["status", "424242"], { db })
      cleanup()
      assert.strictEqual(r.code, 2, show(r))
      assert.include(r.stderr, "no order with id 424242")
      assert.include(r.stderr, "spreads orders")
    })
  )
})
