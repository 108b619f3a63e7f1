/**
 * Order input from the command line: `SYMBOL STRATEGY STRIKES --expiry ... --qty N (--limit PRICE | --market)`,
 * decoded with the domain's own decoders into a PlaceSpreadInput. Every bad value becomes a ValidationError whose
 * message starts with the flag or argument as the user typed it (`--qty`, `STRIKES`) and says what is allowed.
 * @module
 */
import type { PlaceSpreadInput } from "@spreads/application"
import { ComboOrder, Contract, Price, Strategy, ValidationError, Values } from "@spreads/domain"
import { Duration, Option, Result } from "effect"
import { Argument, Flag } from "effect/cli"

type R<A> = Result.Result<A, ValidationError>

/** A ValidationError about a flag or argument as the user typed it. */
export const invalid = (name: string, message: string): ValidationError =>
  new ValidationError({ field: name, message: `${name}: ${message}` })

/** Re-addresses a domain ValidationError (`quantity: ...`) to the flag or argument the user typed (`--qty: ...`). */
export const rename = (error: ValidationError, name: string): ValidationError => {
  const prefix = `${error.field}: `
  return invalid(name, error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message)
}

const mapError = <A>(r: R<A>, name: string): R<A> => Result.mapError(r, (e) => rename(e, name))

/** Arguments and flags that name a spread (place, whatif, quote). */
export const spreadParams = {
  symbol: Argument.String("SYMBOL").pipe(Argument.withDescription("Underlying symbol, e.g. AAPL")),
  strategy: Argument.String("STRATEGY").pipe(
    Argument.withDescription(
      "bull-call, bear-put, bear-call, bull-put, straddle, strangle, iron-condor, iron-butterfly, butterfly or calendar"
    )
  ),
  strikes: Argument.String("STRIKES").pipe(Argument.withDescription("Strikes low to high, e.g. 150/155")),
  expiry: Flag.String("expiry").pipe(Flag.withDescription("Expiry date YYYY-MM-DD (the front month for calendars)")),
  backExpiry: Flag.String("back-expiry").pipe(Flag.withDescription("Back-month expiry, calendars only"), Flag.optional),
  right: Flag.String("right").pipe(
    Flag.withDescription("call or put, for butterflies and calendars (default call)"),
    Flag.optional
  ),
  ratio: Flag.String("ratio").pipe(
    Flag.withDescription("Leg ratios in leg order, e.g. 1:2 (makes a custom ratio combo)"),
    Flag.optional
  ),
  short: Flag.Boolean("short").pipe(
    Flag.withDescription("Sell the spread as defined instead of buying it"),
    Flag.withDefault(false)
  )
}

/** Flags that make the spread an order (place, whatif). */
export const orderParams = {
  qty: Flag.String("qty").pipe(Flag.withDescription("Number of spreads, a whole number from 1")),
  limit: Flag.String("limit").pipe(Flag.withDescription("Net limit price, a debit unless --credit"), Flag.optional),
  market: Flag.Boolean("market").pipe(Flag.withDescription("Market order (no price)"), Flag.withDefault(false)),
  credit: Flag.Boolean("credit").pipe(
    Flag.withDescription("The --limit price is a credit received"),
    Flag.withDefault(false)
  ),
  tif: Flag.String("tif").pipe(Flag.withDescription("Time in force: DAY (default) or GTC"), Flag.optional)
}

type ValueOf<P> = P extends Flag.Flag<infer A> ? A : P extends Argument.Argument<infer A> ? A : never

/** Parsed spread params. */
export type SpreadRaw = { readonly [K in keyof typeof spreadParams]: ValueOf<(typeof spreadParams)[K]> }
/** Parsed order params. */
export type OrderRaw = { readonly [K in keyof typeof orderParams]: ValueOf<(typeof orderParams)[K]> }

/** `SYMBOL`: upper-cased, then checked as an IB underlying. */
export const decodeSymbol = (input: string): R<Values.Underlying> =>
  mapError(Values.decodeField(Values.Underlying, "SYMBOL")(input.trim().toUpperCase()), "SYMBOL")

/** `STRIKES`: one or more positive prices separated by `/`. */
export const decodeStrikes = (input: string): R<ReadonlyArray<Price.Decimal>> => {
  const parts = input.split("/").map((s) => s.trim())
  if (input.trim() === "" || parts.some((p) => p === "")) {
    return Result.fail(
      invalid("STRIKES", `expected strikes separated by "/", low to high, like 150/155; got ${JSON.stringify(input)}`)
    )
  }
  const out: Array<Price.Decimal> = []
  for (const p of parts) {
    const r = Contract.parseStrike(p, "STRIKES")
    if (Result.isFailure(r)) return Result.fail(rename(r.failure, "STRIKES"))
    out.push(r.success)
  }
  return Result.succeed(out)
}

const decodeRight = (input: Option.Option<string>): R<Values.Right | undefined> => {
  if (Option.isNone(input)) return Result.succeed(undefined)
  const v = input.value.trim().toUpperCase()
  if (v === "C" || v === "CALL") return Result.succeed("C")
  if (v === "P" || v === "PUT") return Result.succeed("P")
  return Result.fail(invalid("--right", `expected call or put, got ${JSON.stringify(input.value)}`))
}

const decodeRatios = (input: string, legs: number): R<ReadonlyArray<number>> => {
  const parts = input.split(/[:/,]/).map((s) => s.trim())
  const allowed = `${legs} whole numbers from 1 to 100 separated by ":", one per leg, like ${Array.from({ length: legs }, (_, i) => (i === 0 ? 1 : 2)).join(":")}`
  if (parts.length !== legs || parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 100)) {
    return Result.fail(invalid("--ratio", `expected ${allowed}; got ${JSON.stringify(input)}`))
  }
  return Result.succeed(parts.map(Number))
}

/** Builds the spread: the named strategy, then the ratios when `--ratio` is given (a custom ratio combo). */
export const decodeSpread = (raw: SpreadRaw, today: string): R<Strategy.OptionSpread> =>
  Result.gen(function* () {
    const underlying = yield* decodeSymbol(raw.symbol)
    const kind = yield* mapError(Strategy.parseStrategy(raw.strategy), "STRATEGY")
    if (kind === "CUSTOM") {
      return yield* Result.fail(invalid("STRATEGY", "custom combos are built with --ratio on a named strategy"))
    }
    const strikes = yield* decodeStrikes(raw.strikes)
    const expiry = yield* Contract.parseExpiry(raw.expiry.trim(), today, "--expiry")
    const backExpiry = Option.isSome(raw.backExpiry)
      ? yield* Contract.parseExpiry(raw.backExpiry.value.trim(), today, "--back-expiry")
      : undefined
    if (backExpiry !== undefined && kind !== "CALENDAR") {
      return yield* Result.fail(
        invalid("--back-expiry", `only calendars take a back-month expiry, not ${Strategy.strategyName(kind)}`)
      )
    }
    const right = yield* decodeRight(raw.right)
    if (right !== undefined && kind !== "BUTTERFLY" && kind !== "CALENDAR") {
      return yield* Result.fail(
        invalid(
          "--right",
          `only butterflies and calendars take a right; a ${Strategy.strategyName(kind)}'s legs are fixed`
        )
      )
    }
    const spec: Strategy.SpreadSpec = {
      strategy: kind,
      underlying,
      expiry,
      strikes,
      ...(right === undefined ? {} : { right }),
      ...(backExpiry === undefined ? {} : { backExpiry })
    }
    const named = yield* Result.mapError(Strategy.makeSpread(spec), (e) =>
      rename(e, e.field === "backExpiry" ? "--back-expiry" : e.field === "strikes" ? "STRIKES" : e.field)
    )
    if (Option.isNone(raw.ratio)) return named
    const ratios = yield* decodeRatios(raw.ratio.value, named.legs.length)
    return yield* mapError(Strategy.customSpread(named.legs.map((l, i) => ({ ...l, ratio: ratios[i]! }))), "--ratio")
  })

/** `--qty`: a positive whole number of spreads. */
export const decodeQuantity = (input: string, name = "--qty"): R<Values.Quantity> => {
  const text = input.trim()
  if (!/^[+-]?\d+(\.\d+)?$/.test(text)) {
    return Result.fail(
      invalid(name, `expected a positive whole number of contracts (1 to 1000000), got ${JSON.stringify(input)}`)
    )
  }
  return mapError(Values.decodeField(Values.Quantity, name)(Number(text)), name)
}

/** `--limit` with `--credit`: a net price, never negative (the side is given by --credit). */
export const decodeNetPrice = (input: string, credit: boolean, name = "--limit"): R<Price.NetPrice> => {
  const text = input.trim()
  if (/^-/.test(text)) {
    return Result.fail(
      invalid(
        name,
        `expected the net amount without a sign, like 2.85, and --credit when you receive it; got ${JSON.stringify(input)}`
      )
    )
  }
  return Result.map(mapError(Price.parsePrice(text, name), name), (amount) =>
    credit ? Price.credit(amount) : Price.debit(amount)
  )
}

const decodeTif = (input: Option.Option<string>): R<Values.TimeInForce> => {
  if (Option.isNone(input)) return Result.succeed("DAY")
  const v = input.value.trim().toUpperCase()
  return v === "DAY" || v === "GTC"
    ? Result.succeed(v)
    : Result.fail(invalid("--tif", `expected DAY or GTC, got ${JSON.stringify(input.value)}`))
}

/** Decodes everything `place` and `whatif` take into the use case's input. */
export const decodePlace = (raw: SpreadRaw & OrderRaw, today: string): R<PlaceSpreadInput> =>
  Result.gen(function* () {
    const spread = yield* decodeSpread(raw, today)
    const quantity = yield* decodeQuantity(raw.qty)
    const tif = yield* decodeTif(raw.tif)
    if (raw.market && Option.isSome(raw.limit)) {
      return yield* Result.fail(invalid("--limit", "give either --limit PRICE or --market, not both"))
    }
    if (!raw.market && Option.isNone(raw.limit)) {
      return yield* Result.fail(
        invalid(
          "--limit",
          "a net price is required: give --limit PRICE (a debit, or a credit with --credit), or --market"
        )
      )
    }
    if (raw.market && raw.credit) {
      return yield* Result.fail(invalid("--credit", "--credit qualifies a --limit price; a --market order has none"))
    }
    const limitPrice = Option.isSome(raw.limit) ? yield* decodeNetPrice(raw.limit.value, raw.credit) : undefined
    const offGrid = ComboOrder.checkPrice(raw.market ? "MARKET" : "LIMIT", limitPrice)
    if (offGrid !== undefined) return yield* Result.fail(rename(offGrid, "--limit"))
    return {
      spread,
      action: raw.short ? "SELL" : "BUY",
      quantity,
      orderType: raw.market ? "MARKET" : "LIMIT",
      ...(limitPrice === undefined ? {} : { limitPrice }),
      tif
    } satisfies PlaceSpreadInput
  })

/** The `ORDER_ID` argument, decoded by {@link decodeOrderId} so its message matches the others. */
export const orderIdArg = Argument.String("ORDER_ID").pipe(
  Argument.withDescription("The order's id, as place printed it")
)

/** An `ORDER_ID`: a positive whole number. */
export const decodeOrderId = (input: string, name = "ORDER_ID"): R<Values.OrderId> =>
  /^\d+$/.test(input.trim())
    ? mapError(Values.decodeField(Values.OrderId, name)(Number(input.trim())), name)
    : Result.fail(invalid(name, `expected a positive whole order id like 1001, got ${JSON.stringify(input)}`))

/** `--wait`: `30s`, `500ms`, `2m`, `1h`, or a bare number of seconds; zero or more. */
export const decodeDuration = (input: string, name = "--wait"): R<Duration.Duration> => {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)?$/i.exec(input.trim())
  if (m === null) {
    return Result.fail(invalid(name, `expected a duration like 30s, 500ms or 2m, got ${JSON.stringify(input)}`))
  }
  const n = Number(m[1])
  const unit = (m[2] ?? "s").toLowerCase()
  const ms = unit === "ms" ? n : unit.startsWith("h") ? n * 3_600_000 : unit.startsWith("m") ? n * 60_000 : n * 1000
  return Result.succeed(Duration.millis(Math.round(ms)))
}
