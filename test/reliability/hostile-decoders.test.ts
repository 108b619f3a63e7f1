/**
 * Hostile input to every decoder a user's data goes through: the CLI's argument decoders (Inputs.ts, --sim-clock), the
 * TWS simulator's command line, the domain's decoders (values, expiries, strikes, prices, strategies, combo orders),
 * the event schema that journal rows and snapshots are read with, the simulator's snapshot and the adapters' settings.
 * Every input gives a value or a typed error whose message is a sentence naming what was wrong; nothing throws.
 */
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Flags, Inputs } from "@spreads/cli"
import { ComboOrder, Contract, OrderEvent, Price, Strategy, ValidationError, Values } from "@spreads/domain"
import { IbConfig } from "@spreads/ib"
import { SimConfig, SimState } from "@spreads/sim"
import { Main } from "@spreads/tws"
import { Effect, Exit, Option, Result, Schema } from "effect"
import * as fc from "fast-check"
import { event as journalEvent } from "../journal/fixtures/events.ts"
import { hostileText, Tally } from "./fixtures/hostile.ts"
import { pick, report, seedFor } from "./fixtures/mode.ts"

const tally = new Tally()
let accepted = 0
const RUNS = pick(1_500, 15_000)

/** Anything a caller might pass where a value is expected, including what JSON cannot hold. */
const anything = fc.oneof(
  { weight: 3, arbitrary: hostileText },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer() },
  {
    weight: 2,
    arbitrary: fc.anything({ withBigInt: true, withNullPrototype: true, withMap: true, withSet: true, maxDepth: 2 })
  }
)

/** A refusal must be a sentence: non-empty, starting with the field's name when `name` is given. */
const checkRefusal = (error: unknown, input: unknown, name?: string) => {
  if (!(error instanceof Error)) throw new Error(`refused with a non-error: ${String(error)}`)
  const message = error.message
  if (typeof message !== "string" || message.trim().length < 8) throw new Error(`unreadable refusal: ${message}`)
  if (message.includes("[object Object]") && !safeIncludes(input, "[object Object]")) {
    throw new Error(`refusal shows [object Object]: ${message}`)
  }
  if (name !== undefined && !message.startsWith(`${name}: `)) {
    throw new Error(`refusal does not name ${name}: ${message}`)
  }
}

const safeIncludes = (input: unknown, text: string): boolean => {
  try {
    return JSON.stringify(input, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))?.includes(text) ?? false
  } catch {
    return true
  }
}

/** Runs a Result-returning decoder on one input and checks the outcome. */
const decode = <A>(input: unknown, run: () => Result.Result<A, unknown>, name?: string, label = name) =>
  tally.run(
    input,
    () => {
      const r = run()
      if (Result.isSuccess(r)) accepted++
      else checkRefusal(r.failure, input, name)
    },
    label
  )

const property = <A>(label: string, arb: fc.Arbitrary<A>, check: (a: A) => void, runs = RUNS) =>
  fc.assert(
    fc.property(arb, (a) => {
      check(a)
      return true
    }),
    { numRuns: runs, seed: seedFor(label) }
  )

const TODAY = "2026-11-30"

describe("reliability: hostile input to every decoder", () => {
  afterAll(() => {
    report("hostile input to decoders", {
      "inputs tried": tally.inputs,
      accepted,
      refused: tally.inputs - accepted - tally.crashes,
      crashes: tally.crashes
    })
    if (tally.crashes > 0) console.log("decoders that threw:", Object.fromEntries(tally.byLabel), tally.examples)
  })

  it("CLI argument decoders: every refusal names the flag or argument as typed", () => {
    property("cli text", hostileText, (text) => {
      decode(text, () => Inputs.decodeSymbol(text), "SYMBOL")
      decode(text, () => Inputs.decodeStrikes(text), "STRIKES")
      decode(text, () => Inputs.decodeQuantity(text), "--qty")
      decode(text, () => Inputs.decodeNetPrice(text, false), "--limit")
      decode(text, () => Inputs.decodeNetPrice(text, true), "--limit")
      decode(text, () => Inputs.decodeOrderId(text), "ORDER_ID")
      decode(text, () => Inputs.decodeDuration(text), "--wait")
      tally.run(text, () => {
        const exit = Effect.runSyncExit(Flags.parseSimClock(text))
        if (Exit.isSuccess(exit)) accepted++
        else if (exit.cause.reasons.length > 0) {
          const failure = exit.cause.reasons.find((r) => r._tag === "Fail")
          if (failure === undefined) throw new Error(`--sim-clock died on ${JSON.stringify(text)}`)
          checkRefusal(failure.error, text, "--sim-clock")
        }
      })
    })
    const token = (valid: ReadonlyArray<string>) =>
      fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...valid) }, { weight: 1, arbitrary: hostileText })
    const optional = (valid: ReadonlyArray<string>) => fc.option(token(valid)).map((o) => Option.fromNullishOr(o))
    const raw = fc.record({
      symbol: token(["AAPL", "spy", " msft "]),
      strategy: token(["bull-call", "BEAR_PUT", "iron-condor", "butterfly", "calendar", "straddle", "custom"]),
      strikes: token(["210/215", "200/205/210/215", "210", "210/210", "215/210", "1e3/2e3"]),
      expiry: token(["2026-12-18", "20261218", "2026-11-01", "2026-02-30"]),
      backExpiry: optional(["2027-01-15", "2026-12-18"]),
      right: optional(["call", "P", "x"]),
      ratio: optional(["1:2", "1:2:1", "0:1", "1:101"]),
      short: fc.boolean(),
      qty: token(["1", "10", "0", "-1", "1.5", "1000001"]),
      limit: optional(["2.85", "0", "-1", "2.855", "0.001"]),
      market: fc.boolean(),
      credit: fc.boolean(),
      tif: optional(["DAY", "gtc", "IOC"])
    })
    property(
      "cli place",
      raw,
      (r) => {
        decode(r, () => Inputs.decodeSpread(r, TODAY))
        decode(r, () => Inputs.decodePlace(r, TODAY))
      },
      pick(3_000, 30_000)
    )
  })

  it("the TWS simulator's command line: a usage sentence or settings, never a throw", () => {
    const flag = fc.constantFrom("--host", "--port", "--seed", "--account", "--quirk", "--market-closed", "--nope")
    property("tws argv", fc.array(fc.oneof(flag, hostileText), { maxLength: 8 }), (argv) => {
      tally.run(argv, () => {
        const r = Main.parseArgs(argv)
        if (typeof r === "string") {
          if (r.trim().length < 8) throw new Error(`unreadable usage error: ${r}`)
        } else accepted++
      })
    })
  })

  it("domain decoders: values, expiries, strikes, prices and strategy names", () => {
    const fields = [
      ["underlying", Values.decodeField(Values.Underlying, "underlying")],
      ["quantity", Values.decodeField(Values.Quantity, "quantity")],
      ["orderId", Values.decodeField(Values.OrderId, "orderId")],
      ["orderRef", Values.decodeField(Values.OrderRef, "orderRef")],
      ["execId", Values.decodeField(Values.ExecId, "execId")],
      ["right", Values.decodeField(Values.Right, "right")],
      ["action", Values.decodeField(Values.Action, "action")],
      ["tif", Values.decodeField(Values.TimeInForce, "tif")]
    ] as const
    property("domain values", anything, (input) => {
      for (const [name, f] of fields) {
        decode(input, (): Result.Result<unknown, ValidationError> => f(input), name, `Values.decodeField(${name})`)
      }
      decode(input, () => Contract.parseExpiry(input, TODAY), "expiry", "Contract.parseExpiry")
      decode(input, () => Contract.parseStrike(input), "strike", "Contract.parseStrike")
      decode(input, () => Price.parsePrice(input, "price"), "price", "Price.parsePrice")
      decode(input, () => Price.parseDecimal(input, "decimal"), "decimal", "Price.parseDecimal")
      if (typeof input === "string") decode(input, () => Strategy.parseStrategy(input), undefined, "parseStrategy")
    })
  })

  it("spreads and combo orders from random specs: built, or refused with the rule they break", () => {
    const strike = fc.oneof(
      fc.integer({ min: -5, max: 400 }).map((n) => Price.dec(n)),
      fc.constantFrom("0.0001", "212.5", "99999999").map(Price.dec)
    )
    const spec = fc.record({
      // Every named strategy (CUSTOM takes legs, not strikes).
      strategy: fc.constantFrom(...Strategy.StrategyKind.literals.filter((k) => k !== "CUSTOM")) as fc.Arbitrary<
        Strategy.SpreadSpec["strategy"]
      >,
      underlying: fc.constantFrom("AAPL", "SPY").map((s) => Values.make.underlying(s)),
      expiry: fc.constantFrom("2026-12-18", "2027-01-15").map(Contract.expiry),
      backExpiry: fc.option(fc.constantFrom("2026-12-18", "2027-01-15").map(Contract.expiry), { nil: undefined }),
      strikes: fc.array(strike, { maxLength: 5 }),
      right: fc.option(fc.constantFrom("C" as const, "P" as const), { nil: undefined })
    })
    property("spreads", spec, (s) => {
      const input: Strategy.SpreadSpec = {
        strategy: s.strategy,
        underlying: s.underlying,
        expiry: s.expiry,
        strikes: s.strikes,
        ...(s.backExpiry === undefined ? {} : { backExpiry: s.backExpiry }),
        ...(s.right === undefined ? {} : { right: s.right })
      }
      decode(s, () => Strategy.makeSpread(input))
      const spread = Strategy.makeSpread(input)
      if (Result.isSuccess(spread)) {
        decode(s, () => Strategy.customSpread(spread.success.legs.map((l, i) => ({ ...l, ratio: i + 1 }))))
      }
    })
    const spread = Result.getOrThrow(
      Strategy.makeSpread({
        strategy: "BULL_CALL",
        underlying: Values.make.underlying("AAPL"),
        expiry: Contract.expiry("2026-12-18"),
        strikes: [Price.dec(210), Price.dec(215)]
      })
    )
    const net = fc.option(
      fc
        .tuple(fc.boolean(), fc.constantFrom("2.85", "0", "2.855", "100000"))
        .map(([d, a]) => (d ? Price.debit(Price.dec(a)) : Price.credit(Price.dec(a)))),
      { nil: undefined }
    )
    property(
      "combo orders",
      fc.record({
        quantity: anything,
        orderRef: anything,
        orderType: fc.constantFrom("MARKET" as const, "LIMIT" as const),
        limitPrice: net,
        action: fc.constantFrom("BUY" as const, "SELL" as const)
      }),
      (o) =>
        decode(o, () =>
          ComboOrder.makeComboOrder({
            spread,
            action: o.action,
            quantity: o.quantity,
            orderType: o.orderType,
            limitPrice: o.limitPrice,
            orderRef: o.orderRef
          })
        )
    )
  })

  it("the event schema (journal rows, snapshots): real events mutated, random JSON, never a throw", () => {
    const codec = Schema.toCodecJson(OrderEvent.OrderEvent)
    const encode = Schema.encodeSync(codec)
    const decodeEvent = Schema.decodeUnknownResult(codec)
    /** Replaces one leaf (chosen by `at`) of a JSON value with `value`, or deletes it. */
    const mutateJson = (json: unknown, at: number, value: unknown, remove: boolean): unknown => {
      const paths: Array<Array<string>> = []
      const walk = (v: unknown, path: Array<string>) => {
        paths.push(path)
        if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, [...path, k])
      }
      walk(json, [])
      const path = paths[at % paths.length]!
      if (path.length === 0) return value
      const copy = structuredClone(json) as Record<string, unknown>
      let node: Record<string, unknown> = copy
      for (const k of path.slice(0, -1)) node = node[k] as Record<string, unknown>
      if (remove) delete node[path[path.length - 1]!]
      else node[path[path.length - 1]!] = value
      return copy
    }
    const mutatedEvent = fc
      .tuple(journalEvent, fc.nat(), fc.oneof(fc.jsonValue(), hostileText), fc.boolean())
      .map(([e, at, value, remove]) => mutateJson(encode(e), at, value, remove))
    property("event json", fc.oneof(mutatedEvent, fc.jsonValue()), (json) =>
      decode(json, () => Result.mapError(decodeEvent(json), (e) => new Error(e.message)))
    )
    property(
      "sim snapshot",
      fc.oneof(fc.jsonValue(), fc.record({ version: fc.constant(1), orders: fc.array(fc.jsonValue()) })),
      (json) => decode(json, () => SimState.decode(json)),
      pick(300, 3_000)
    )
  })

  it("adapter and simulator settings: random overrides are validated, never thrown", () => {
    // Settings are typed (numbers and strings): hostile values of the right type, as a config file or flags give them.
    const number = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.constantFrom(0, -1, 0.5, 65_536, 2_147_483_647, Number.MAX_SAFE_INTEGER + 2)
    )
    property(
      "ib config",
      fc.record({ clientId: number, port: number, host: hostileText, messagesPerSecond: number, burst: number }),
      (input) =>
        decode(
          input,
          () =>
            Result.try({
              try: () => IbConfig.make(input as unknown as IbConfig.IbConfigInput),
              catch: (e) => {
                throw e
              }
            }).pipe(Result.flatMap((r) => r)),
          undefined,
          "IbConfig.make"
        ),
      pick(500, 5_000)
    )
    property(
      "sim config",
      fc.record({
        seed: number,
        ackMs: number,
        evaluationIntervalMs: number,
        restingFillProbability: number,
        comboTick: number,
        maxOrderSize: number
      }),
      (input) =>
        decode(
          input,
          () => {
            const c = SimConfig.make(input as unknown as SimConfig.SimConfigInput)
            return c instanceof SimConfig.SimConfigError ? Result.fail(c) : Result.succeed(c)
          },
          undefined,
          "SimConfig.make"
        ),
      pick(500, 5_000)
    )
    assert.deepStrictEqual(tally.examples, [], "a decoder threw instead of refusing")
    assert.strictEqual(tally.crashes, 0)
    assert.isTrue(new ValidationError({ field: "x", message: "x: y" }) instanceof Error)
  })
})
