/**
 * The pieces under the command, in process: the exit-code table and the input decoders. Table-driven; the child
 * process suites check the same rules end to end.
 */
import { assert, describe, it } from "@effect/vitest"
import {
  BrokerError,
  CancelRefused,
  JournalError,
  OrderNotFound,
  OrderRejected,
  RiskRefused
} from "@spreads/application"
import { Price, ValidationError } from "@spreads/domain"
import { Duration, Option, Result } from "effect"
import { AdapterUnavailable, exitCodeOf, StillWorking } from "../../adapters/cli/src/Errors.ts"
import * as Inputs from "../../adapters/cli/src/Inputs.ts"

describe("exit codes", () => {
  const table: ReadonlyArray<readonly [string, unknown, number]> = [
    ["bad input", new ValidationError({ field: "--qty", message: "--qty: no" }), 2],
    ["unknown order", new OrderNotFound({ orderId: 7, message: "no order" }), 2],
    ["broker rejection", new OrderRejected({ orderId: 7, code: 201, reason: "closed", message: "rejected" }), 3],
    ["refused cancel", new CancelRefused({ orderId: 7, status: "Filled", message: "filled" }), 3],
    ["risk", new RiskRefused({ rule: "MaxContracts", message: "too many" }), 3],
    ["no such contract", new BrokerError({ reason: "NoSecurityDefinition", code: 200, message: "none" }), 3],
    ["not connected", new BrokerError({ reason: "NotConnected", message: "down" }), 4],
    ["unavailable", new BrokerError({ reason: "Unavailable", message: "down" }), 4],
    ["no adapter", new AdapterUnavailable({ message: "later" }), 4],
    ["still working", new StillWorking({ orderId: 7, status: "Submitted", message: "working" }), 5],
    ["orderRef taken", new JournalError({ reason: "Conflict", message: "taken" }), 3],
    ["not a journal", new JournalError({ reason: "Corrupt", message: "garbage" }), 2],
    ["disk full", new JournalError({ reason: "Io", message: "no space" }), 1],
    ["a bug", new Error("boom"), 1]
  ]
  for (const [what, error, code] of table) {
    it(`${what} -> ${code}`, () => assert.strictEqual(exitCodeOf(error), code))
  }
})

const raw: Inputs.SpreadRaw & Inputs.OrderRaw = {
  symbol: "aapl",
  strategy: "bull-call",
  strikes: "210/215",
  expiry: "2026-12-18",
  backExpiry: Option.none(),
  right: Option.none(),
  ratio: Option.none(),
  short: false,
  qty: "2",
  limit: Option.some("2.50"),
  market: false,
  credit: false,
  tif: Option.none()
}

describe("decodePlace", () => {
  it("builds the use case's input: upper-cased symbol, legs low to high, a debit limit", () => {
    const r = Result.getOrThrow(Inputs.decodePlace(raw, "2026-11-25"))
    assert.strictEqual(r.spread.underlying, "AAPL")
    assert.strictEqual(r.action, "BUY")
    assert.strictEqual(r.quantity, 2)
    assert.strictEqual(r.orderType, "LIMIT")
    assert.strictEqual(r.tif, "DAY")
    assert.deepStrictEqual(r.limitPrice, Price.debit("2.50"))
    assert.deepStrictEqual(
      r.spread.legs.map((l) => [l.action, l.contract.right, Price.format(l.contract.strike)]),
      [
        ["BUY", "C", "210.00"],
        ["SELL", "C", "215.00"]
      ]
    )
  })

  it("--short sells the spread as defined, --credit makes the price a credit, --tif gtc is GTC", () => {
    const r = Result.getOrThrow(
      Inputs.decodePlace(
        { ...raw, strategy: "bull-put", short: true, credit: true, tif: Option.some("gtc") },
        "2026-11-25"
      )
    )
    assert.strictEqual(r.action, "SELL")
    assert.deepStrictEqual(r.limitPrice, Price.credit("2.50"))
    assert.strictEqual(r.tif, "GTC")
  })

  it("--ratio turns the named legs into a custom ratio combo", () => {
    const r = Result.getOrThrow(Inputs.decodePlace({ ...raw, ratio: Option.some("1:2") }, "2026-11-25"))
    assert.strictEqual(r.spread.strategy, "CUSTOM")
    assert.deepStrictEqual(
      r.spread.legs.map((l) => l.ratio),
      [1, 2]
    )
  })

  it("a calendar takes --back-expiry and --right", () => {
    const r = Result.getOrThrow(
      Inputs.decodePlace(
        {
          ...raw,
          strategy: "calendar",
          strikes: "210",
          backExpiry: Option.some("20270115"),
          right: Option.some("put")
        },
        "2026-11-25"
      )
    )
    assert.deepStrictEqual(
      r.spread.legs.map((l) => [l.action, l.contract.right, l.contract.expiry]),
      [
        ["SELL", "P", "2026-12-18"],
        ["BUY", "P", "2027-01-15"]
      ]
    )
  })

  it("every failure names what the user typed", () => {
    const field = (over: Partial<typeof raw>) => {
      const r = Inputs.decodePlace({ ...raw, ...over }, "2026-11-25")
      return Result.isFailure(r) ? r.failure.field : "ok"
    }
    assert.strictEqual(field({ symbol: "1X" }), "SYMBOL")
    assert.strictEqual(field({ strategy: "wheel" }), "STRATEGY")
    assert.strictEqual(field({ strikes: "215/210" }), "STRIKES")
    assert.strictEqual(field({ expiry: "2026-11-20" }), "--expiry")
    assert.strictEqual(field({ qty: "0" }), "--qty")
    assert.strictEqual(field({ limit: Option.none() }), "--limit")
    assert.strictEqual(field({ tif: Option.some("FOK") }), "--tif")
    assert.strictEqual(field({ strategy: "calendar", strikes: "210" }), "--back-expiry")
  })
})

describe("the message says what is allowed", () => {
  const table: ReadonlyArray<readonly [string, Partial<typeof raw>, ReadonlyArray<string>]> = [
    ["a quantity in words", { qty: "ten" }, ["--qty:", "positive whole number of contracts", '"ten"']],
    ["a fractional quantity", { qty: "1.5" }, ["--qty:", "positive whole number", "1.5"]],
    ["a price in words", { limit: Option.some("abc") }, ["--limit:", "decimal number like 2.85"]],
    ["a price with 5 decimals", { limit: Option.some("2.12345") }, ["--limit:", "more than 4 decimal places"]],
    ["a price off the cent grid", { limit: Option.some("2.505") }, ["--limit:", "minimum increment 0.01"]],
    ["both --limit and --market", { market: true }, ["--limit:", "not both"]],
    ["strikes high to low", { strikes: "215/210" }, ["STRIKES:", "low to high"]],
    ["a strike in words", { strikes: "210/abc" }, ["STRIKES:", "decimal number"]],
    ["an empty strike", { strikes: "210/" }, ["STRIKES:", 'separated by "/"']],
    ["unequal wings", { strategy: "iron-butterfly", strikes: "200/210/215" }, ["STRIKES:", "equal wings"]],
    ["an impossible date", { expiry: "2026-02-30" }, ["--expiry:", "YYYY-MM-DD"]],
    [
      "a right that is neither",
      { strategy: "butterfly", strikes: "200/210/220", right: Option.some("both") },
      ["--right:", "call or put"]
    ],
    [
      "a back expiry before the front",
      { strategy: "calendar", strikes: "210", backExpiry: Option.some("2026-12-11") },
      ["--back-expiry:", "must be after"]
    ],
    ["ratios in words", { ratio: Option.some("one:two") }, ["--ratio:", "whole numbers"]],
    ["ratios not in lowest terms", { ratio: Option.some("2:4") }, ["--ratio:", "lowest terms"]]
  ]
  for (const [what, over, texts] of table) {
    it(what, () => {
      const r = Inputs.decodePlace({ ...raw, ...over }, "2026-11-25")
      assert.isTrue(Result.isFailure(r), what)
      if (Result.isFailure(r)) for (const t of texts) assert.include(r.failure.message, t)
    })
  }

  it("an order id of zero or in words", () => {
    for (const id of ["0", "-3", "abc", "1.5"]) {
      const r = Inputs.decodeOrderId(id)
      assert.isTrue(
        Result.isFailure(r) && r.failure.message.startsWith("ORDER_ID: expected a positive whole order id"),
        id
      )
    }
  })
})

describe("decodeDuration", () => {
  const table: ReadonlyArray<readonly [string, number]> = [
    ["30s", 30_000],
    ["500ms", 500],
    ["2m", 120_000],
    ["1.5s", 1_500],
    ["10", 10_000],
    ["1h", 3_600_000]
  ]
  for (const [text, ms] of table) {
    it(`${text} is ${ms} ms`, () =>
      assert.strictEqual(Duration.toMillis(Result.getOrThrow(Inputs.decodeDuration(text))), ms))
  }
  it("refuses words", () => assert.isTrue(Result.isFailure(Inputs.decodeDuration("soon"))))
})
