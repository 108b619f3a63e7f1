/**
 * PLACE_ORDER -> ComboOrder: what a TWS client asked for, in the domain's terms, or the IB error TWS would answer.
 *
 * A BAG's legs are named by conId and must have been qualified with this server (REQ_CONTRACT_DATA); a single-leg
 * OPT order may name its contract by fields. Leg actions are kept as sent (they define the combo) and the order's
 * action carries direction, as in IB and in the domain. The limit price is IB's signed BAG price, read with
 * `Price.fromIbLimit`. The client's orderRef is kept; one the domain cannot carry is replaced for the broker only.
 * @module
 */
import { ComboOrder, Contract, Price, Strategy, type Values } from "@spreads/domain"
import { BigDecimal, Effect, Result } from "effect"
import { type ContractBook, optionToWire } from "./ContractBook.ts"
import { optionTick } from "./ContractDetails.ts"
import { BAG_CON_ID } from "./wire/OpenOrder.ts"
import type { PlaceOrder } from "./wire/PlaceOrder.ts"
import type { WireComboLeg, WireContract, WireOrder } from "./wire/Types.ts"

/** An error TWS answers a PLACE_ORDER with, on the order's id. */
export interface OrderProblem {
  readonly code: number
  readonly message: string
}

/** A PLACE_ORDER the server can hand to the broker. */
export interface MappedOrder {
  readonly combo: ComboOrder.ComboOrder
  /** The contract as OPEN_ORDER echoes it (BAG: conId 28812380, right "?"; OPT: the qualified option). */
  readonly contract: WireContract
  /** The order as OPEN_ORDER echoes it (the client's fields, account filled in). */
  readonly order: WireOrder
  /** Identity of the contract, to tell a modify (same) from a different order under the same id (105). */
  readonly signature: string
  readonly isBag: boolean
}

const fail = (code: number, message: string): Effect.Effect<never, OrderProblem> => Effect.fail({ code, message })
const validation = (cause: string): string => `Error validating request.-'bN' : cause - ${cause}`
const rejected = (reason: string): string => `Order rejected - reason:${reason}`

/** Identity of a contract for the 105 check: the option's conId, or the BAG's legs in order. */
export const signatureOf = (contract: WireContract, legs: ReadonlyArray<WireComboLeg>): string =>
  contract.secType.toUpperCase() === "BAG"
    ? `BAG ${legs.map((l) => `${l.conId}x${l.ratio}${l.action.toUpperCase()}`).join(",")}`
    : `OPT ${contract.conId}`

const sameLegs = (a: ReadonlyArray<Strategy.SpreadLeg>, b: ReadonlyArray<Strategy.SpreadLeg>): boolean => {
  const key = (l: Strategy.SpreadLeg) => `${Contract.contractKey(l.contract)}|${l.action}|${l.ratio}`
  const set = new Set(a.map(key))
  return a.length === b.length && b.every((l) => set.has(key(l)))
}

const NAMED = Strategy.StrategyKind.literals.filter(
  (k): k is Exclude<Strategy.StrategyKind, "CUSTOM"> => k !== "CUSTOM"
)

/** The named strategy whose legs are exactly `legs`, else CUSTOM (so logs and the broker see "bull-call"). */
export const inferStrategy = (
  underlying: Values.Underlying,
  legs: ReadonlyArray<Strategy.SpreadLeg>
): Strategy.StrategyKind => {
  const strikes = [...new Map(legs.map((l) => [Price.format(l.contract.strike), l.contract.strike])).values()].sort(
    (a, b) => (BigDecimal.isLessThan(a, b) ? -1 : BigDecimal.equals(a, b) ? 0 : 1)
  )
  const expiries = [...new Set(legs.map((l) => l.contract.expiry))].sort()
  const right = legs[0]?.contract.right ?? "C"
  for (const strategy of NAMED) {
    const spec: Strategy.SpreadSpec = {
      strategy,
      underlying,
      expiry: expiries[0]!,
      strikes,
      right,
      ...(expiries[1] === undefined ? {} : { backExpiry: expiries[1] })
    }
    const built = Strategy.makeSpread(spec)
    if (Result.isSuccess(built) && sameLegs(built.success.legs, legs)) return strategy
  }
  return "CUSTOM"
}

const legsOfBag = Effect.fnUntraced(function* (book: ContractBook, contract: WireContract) {
  const wireLegs = contract.comboLegs ?? []
  if (wireLegs.length === 0) return yield* fail(314, "Security type 'BAG' requires combo leg details.")
  const legs: Array<Strategy.SpreadLeg> = []
  for (const [i, l] of wireLegs.entries()) {
    const action = l.action.toUpperCase()
    if ((action !== "BUY" && action !== "SELL") || !(l.ratio >= 1)) {
      return yield* fail(313, `The combo details for leg '${i}' are invalid. - action ${l.action}, ratio ${l.ratio}`)
    }
    const option = book.get(l.conId)
    if (option === undefined) {
      return yield* fail(200, `No security definition has been found for the request (combo leg conId ${l.conId})`)
    }
    legs.push({ contract: option, action, ratio: l.ratio })
  }
  const underlying = legs[0]!.contract.underlying
  if (legs.some((l) => l.contract.underlying !== underlying)) {
    return yield* fail(312, "The combo details are invalid. - legs on different underlyings")
  }
  const keys = new Set(legs.map((l) => Contract.contractKey(l.contract)))
  if (keys.size !== legs.length) return yield* fail(312, "The combo details are invalid. - a contract appears twice")
  return legs
})

/** The BAG contract as TWS echoes it in OPEN_ORDER. */
const bagEcho = (contract: WireContract, underlying: string): WireContract => ({
  conId: BAG_CON_ID,
  symbol: contract.symbol === "" ? underlying : contract.symbol,
  secType: "BAG",
  lastTradeDateOrContractMonth: "",
  strike: 0,
  right: "?",
  multiplier: "",
  exchange: contract.exchange === "" ? "SMART" : contract.exchange,
  primaryExch: "",
  currency: contract.currency === "" ? "USD" : contract.currency,
  localSymbol: String(BAG_CON_ID),
  tradingClass: "COMB",
  comboLegs: (contract.comboLegs ?? []).map((l) => ({ ...l, action: l.action.toUpperCase() }))
})

/** Parameters of the mapping that come from the server. */
export interface MappingContext {
  readonly book: ContractBook
  readonly account: string
  readonly clientId: number
  /** Net-price increment of combos. */
  readonly comboTick: Price.Decimal
  /** The ask of an option, for its tick (0.01 under $3, 0.05 from $3). */
  readonly askOf: (c: Contract.OptionContract) => Effect.Effect<number | undefined>
}

/**
 * Maps a PLACE_ORDER. Fails with the error TWS sends: 321 (not an option or combo, bad action, LMT without price),
 * 314/313/312/200 (combo legs), 387 (order type), 110 (price off the tick grid), 201 (what the domain refuses).
 */
export const mapPlaceOrder = Effect.fnUntraced(function* (
  ctx: MappingContext,
  msg: PlaceOrder
): Effect.fn.Return<MappedOrder, OrderProblem> {
  const { contract, order } = msg
  const secType = contract.secType.toUpperCase()
  if (secType !== "BAG" && secType !== "OPT") {
    return yield* fail(
      321,
      validation(`the simulator trades options and option combos, not ${contract.secType || "''"}`)
    )
  }
  const action = order.action.toUpperCase()
  if (action !== "BUY" && action !== "SELL") return yield* fail(321, validation(`invalid action '${order.action}'`))
  const isBag = secType === "BAG"
  const legs: ReadonlyArray<Strategy.SpreadLeg> = isBag
    ? yield* legsOfBag(ctx.book, contract)
    : [{ contract: yield* ctx.book.resolve(contract), action: "BUY", ratio: 1 }]
  const underlying = legs[0]!.contract.underlying
  const orderType = order.orderType.toUpperCase()
  if (orderType !== "MKT" && orderType !== "LMT") {
    return yield* fail(387, `Unsupported order type for this exchange and security type. (${order.orderType})`)
  }
  let limitPrice: Price.NetPrice | undefined
  let tick = ctx.comboTick
  if (orderType === "LMT") {
    if (order.lmtPrice === undefined) return yield* fail(321, validation("a LMT order needs a limit price"))
    const signed = Price.parseDecimal(String(order.lmtPrice), "lmtPrice")
    if (Result.isFailure(signed)) return yield* fail(321, validation(`limit price ${order.lmtPrice} is not a number`))
    if (!isBag) {
      if (signed.success.value < 0n) return yield* fail(321, validation("an option's limit price cannot be negative"))
      tick = Price.dec(optionTick(Math.abs(order.lmtPrice)))
    }
    if (!Price.isOnTick(signed.success, tick)) {
      return yield* fail(110, "The price does not conform to the minimum price variation for this contract.")
    }
    limitPrice = Price.fromIbLimit(action, signed.success)
  }
  const tif = order.tif === undefined || order.tif === "" ? "DAY" : order.tif.toUpperCase()
  if (tif !== "DAY" && tif !== "GTC") return yield* fail(201, rejected(`time in force ${tif} is not simulated`))
  const strategy = isBag ? inferStrategy(underlying, legs) : "CUSTOM"
  const clientRef = order.orderRef ?? ""
  const orderRef = /^[\x21-\x7e]{1,64}$/.test(clientRef) ? clientRef : `tws-${ctx.clientId}-${msg.orderId}`
  const account = order.account === undefined || order.account === "" ? ctx.account : order.account
  const made = ComboOrder.makeComboOrder({
    spread: { strategy, underlying, legs },
    action,
    quantity: order.totalQuantity,
    orderType: orderType === "MKT" ? "MARKET" : "LIMIT",
    limitPrice,
    tif,
    orderRef,
    account,
    tick
  })
  if (Result.isFailure(made)) return yield* fail(201, rejected(made.failure.message))
  const echo: WireContract = isBag ? bagEcho(contract, underlying) : { ...contract, ...optionEcho(legs[0]!.contract) }
  return {
    combo: made.success,
    contract: echo,
    order: { ...order, action, orderType, tif, account, clientId: ctx.clientId },
    signature: signatureOf(echo, echo.comboLegs ?? []),
    isBag
  }
})

/** The option's own fields for the echo (as in contract details); primaryExch stays as the client sent it. */
const optionEcho = (c: Contract.OptionContract): Partial<WireContract> => {
  const { primaryExch: _, ...fields } = optionToWire(c)
  return fields
}
