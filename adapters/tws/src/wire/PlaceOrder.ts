/**
 * PLACE_ORDER (3), client -> server, exactly as @stoqey/ib 1.6.10 writes it at server version 193.
 *
 * Layout: a 35-field head (id, contract, main order fields), for BAG contracts the combo block (legs, per-leg
 * prices, smart combo routing params), then the long tail whose conditional blocks depend on earlier values
 * (delta-neutral order type, scale price increment, hedge type, delta-neutral contract, algo strategy,
 * PEG BENCH, conditions, IBKRATS, PEG BEST / PEG MID). A plain order has 118 fields, a BAG adds
 * `1 + 8N + 1 + M + 1 + 2K`. Every field must be consumed exactly.
 * @module
 */
import { FieldCursor, WireErrorCode } from "./Cursor.ts"
import type {
  WireComboLeg,
  WireContract,
  WireDeltaNeutralContract,
  WireDeltaNeutralOrder,
  WireOrder,
  WireOrderCondition,
  WirePegBench,
  WireScaleParams,
  WireTagValue
} from "./Types.ts"

/** A parsed PLACE_ORDER: the order id, the contract (with combo legs for a BAG) and the whole order. */
export interface PlaceOrder {
  readonly _tag: "PlaceOrder"
  readonly orderId: number
  readonly contract: WireContract
  readonly order: WireOrder
  /** How many fields the message had (all of them consumed). */
  readonly fieldCount: number
}

/** Reads `count` tag/value pairs. */
export const readTagValues = (c: FieldCursor, countField: string): ReadonlyArray<WireTagValue> => {
  const n = c.count(countField, 2)
  const out: Array<WireTagValue> = []
  for (let i = 0; i < n; i++)
    out.push({ tag: c.str(`${countField}[${i}].tag`), value: c.str(`${countField}[${i}].value`) })
  return out
}

const readComboLegs = (c: FieldCursor): ReadonlyArray<WireComboLeg> => {
  const n = c.count("comboLegCount", 8)
  const legs: Array<WireComboLeg> = []
  for (let i = 0; i < n; i++) {
    const f = (name: string): string => `comboLegs[${i}].${name}`
    legs.push({
      conId: c.int(f("conId")),
      ratio: c.int(f("ratio")),
      action: c.str(f("action")),
      exchange: c.str(f("exchange")),
      openClose: c.int(f("openClose")),
      shortSaleSlot: c.int(f("shortSaleSlot")),
      designatedLocation: c.str(f("designatedLocation")),
      exemptCode: c.int(f("exemptCode"), -1)
    })
  }
  return legs
}

const readDeltaNeutralOrder = (c: FieldCursor): WireDeltaNeutralOrder => ({
  conId: c.int("deltaNeutralConId"),
  settlingFirm: c.str("deltaNeutralSettlingFirm"),
  clearingAccount: c.str("deltaNeutralClearingAccount"),
  clearingIntent: c.str("deltaNeutralClearingIntent"),
  openClose: c.str("deltaNeutralOpenClose"),
  shortSale: c.bool("deltaNeutralShortSale"),
  shortSaleSlot: c.int("deltaNeutralShortSaleSlot"),
  designatedLocation: c.str("deltaNeutralDesignatedLocation")
})

const readScale = (c: FieldCursor): WireScaleParams => ({
  priceAdjustValue: c.doubleOrUnset("scalePriceAdjustValue"),
  priceAdjustInterval: c.intOrUnset("scalePriceAdjustInterval"),
  profitOffset: c.doubleOrUnset("scaleProfitOffset"),
  autoReset: c.bool("scaleAutoReset"),
  initPosition: c.intOrUnset("scaleInitPosition"),
  initFillQty: c.intOrUnset("scaleInitFillQty"),
  randomPercent: c.bool("scaleRandomPercent")
})

/** Reads a delta-neutral contract (conId, delta, price) after its flag. */
export const readDeltaNeutralContract = (c: FieldCursor): WireDeltaNeutralContract | undefined =>
  c.bool("deltaNeutralContract")
    ? {
        conId: c.int("deltaNeutralContract.conId"),
        delta: c.double("deltaNeutralContract.delta"),
        price: c.double("deltaNeutralContract.price")
      }
    : undefined

const readPegBench = (c: FieldCursor): WirePegBench => ({
  referenceContractId: c.int("referenceContractId"),
  isPeggedChangeAmountDecrease: c.bool("isPeggedChangeAmountDecrease"),
  peggedChangeAmount: c.double("peggedChangeAmount"),
  referenceChangeAmount: c.double("referenceChangeAmount"),
  referenceExchangeId: c.str("referenceExchangeId")
})

/** Reads one order condition (type, conjunction, then the type's fields). */
export const readCondition = (c: FieldCursor, i: number): WireOrderCondition => {
  const f = (name: string): string => `conditions[${i}].${name}`
  const type = c.int(f("type"))
  const raw = c.str(f("conjunction")).toLowerCase()
  if (raw !== "a" && raw !== "o") return c.fail(`field ${f("conjunction")}: '${raw}' is not 'a' or 'o'`)
  const conjunction: "a" | "o" = raw
  switch (type) {
    case 1: {
      const isMore = c.bool(f("isMore"))
      const price = c.double(f("price"))
      return {
        type,
        conjunction,
        isMore,
        price,
        conId: c.int(f("conId")),
        exchange: c.str(f("exchange")),
        triggerMethod: c.int(f("triggerMethod"))
      }
    }
    case 3:
      return { type, conjunction, isMore: c.bool(f("isMore")), time: c.str(f("time")) }
    case 4:
      return { type, conjunction, isMore: c.bool(f("isMore")), percent: c.double(f("percent")) }
    case 5:
      return {
        type,
        conjunction,
        secType: c.str(f("secType")),
        exchange: c.str(f("exchange")),
        symbol: c.str(f("symbol"))
      }
    case 6:
    case 7: {
      const isMore = c.bool(f("isMore"))
      const value = c.double(f("value"))
      return { type, conjunction, isMore, value, conId: c.int(f("conId")), exchange: c.str(f("exchange")) }
    }
    default:
      return c.fail(`field ${f("type")}: unknown condition type ${type}`)
  }
}

const isPegBench = (t: string): boolean => t === "PEG BENCH" || t === "PEGBENCH"
const isPegBest = (t: string): boolean => t === "PEG BEST" || t === "PEGBEST"
const isPegMid = (t: string): boolean => t === "PEG MID" || t === "PEGMID"

/** Reads the 12 contract fields conId .. tradingClass that PLACE_ORDER, REQ_CONTRACT_DATA and REQ_MKT_DATA share. */
export const readContractHead = (c: FieldCursor) => ({
  conId: c.int("conId"),
  symbol: c.str("symbol"),
  secType: c.str("secType"),
  lastTradeDateOrContractMonth: c.str("lastTradeDateOrContractMonth"),
  strike: c.double("strike"),
  right: c.str("right"),
  multiplier: c.str("multiplier"),
  exchange: c.str("exchange"),
  primaryExch: c.str("primaryExch"),
  currency: c.str("currency"),
  localSymbol: c.str("localSymbol"),
  tradingClass: c.str("tradingClass")
})

/**
 * Reads PLACE_ORDER with `c` placed after the message id. Fails (throws a WireParseFailure, which
 * `Incoming.parseIncoming` turns into an error result) on any mismatch. `transmit` written as "" (the client's
 * undefined) reads as false, as TWS reads it: such an order would not be transmitted.
 */
export const readPlaceOrder = (c: FieldCursor): PlaceOrder => {
  const orderId = c.int("orderId")
  const head = {
    ...readContractHead(c),
    secIdType: c.str("secIdType"),
    secId: c.str("secId")
  }
  const main = {
    orderId,
    action: c.str("action"),
    totalQuantity: c.double("totalQuantity"),
    orderType: c.str("orderType"),
    lmtPrice: c.doubleOrUnset("lmtPrice"),
    auxPrice: c.doubleOrUnset("auxPrice"),
    tif: c.str("tif"),
    ocaGroup: c.str("ocaGroup"),
    account: c.str("account"),
    openClose: c.str("openClose"),
    origin: c.int("origin"),
    orderRef: c.str("orderRef"),
    transmit: c.bool("transmit"),
    parentId: c.int("parentId"),
    blockOrder: c.bool("blockOrder"),
    sweepToFill: c.bool("sweepToFill"),
    displaySize: c.intOrUnset("displaySize"),
    triggerMethod: c.int("triggerMethod"),
    outsideRth: c.bool("outsideRth"),
    hidden: c.bool("hidden")
  }
  const isBag = head.secType.toUpperCase() === "BAG"
  const comboLegs = isBag ? readComboLegs(c) : undefined
  const orderComboLegPrices: Array<number | undefined> = []
  if (isBag) {
    const m = c.count("orderComboLegCount", 1)
    for (let i = 0; i < m; i++) orderComboLegPrices.push(c.doubleOrUnset(`orderComboLegs[${i}].price`))
  }
  const smartComboRoutingParams = isBag ? readTagValues(c, "smartComboRoutingParamCount") : []
  const sharesAllocation = c.str("sharesAllocation")
  if (sharesAllocation !== "") c.fail(`field sharesAllocation: expected '', got '${sharesAllocation}'`)
  const tail1 = {
    discretionaryAmt: c.double("discretionaryAmt"),
    goodAfterTime: c.str("goodAfterTime"),
    goodTillDate: c.str("goodTillDate"),
    faGroup: c.str("faGroup"),
    faMethod: c.str("faMethod"),
    faPercentage: c.str("faPercentage"),
    modelCode: c.str("modelCode"),
    shortSaleSlot: c.int("shortSaleSlot"),
    designatedLocation: c.str("designatedLocation"),
    exemptCode: c.int("exemptCode", -1),
    ocaType: c.int("ocaType"),
    rule80A: c.str("rule80A"),
    settlingFirm: c.str("settlingFirm"),
    allOrNone: c.bool("allOrNone"),
    minQty: c.intOrUnset("minQty"),
    percentOffset: c.doubleOrUnset("percentOffset"),
    eTradeOnly: c.bool("eTradeOnly"),
    firmQuoteOnly: c.bool("firmQuoteOnly"),
    nbboPriceCap: c.doubleOrUnset("nbboPriceCap"),
    auctionStrategy: c.intOrUnset("auctionStrategy"),
    startingPrice: c.doubleOrUnset("startingPrice"),
    stockRefPrice: c.doubleOrUnset("stockRefPrice"),
    delta: c.doubleOrUnset("delta"),
    stockRangeLower: c.doubleOrUnset("stockRangeLower"),
    stockRangeUpper: c.doubleOrUnset("stockRangeUpper"),
    overridePercentageConstraints: c.bool("overridePercentageConstraints"),
    volatility: c.doubleOrUnset("volatility"),
    volatilityType: c.intOrUnset("volatilityType"),
    deltaNeutralOrderType: c.str("deltaNeutralOrderType"),
    deltaNeutralAuxPrice: c.doubleOrUnset("deltaNeutralAuxPrice")
  }
  const deltaNeutral = tail1.deltaNeutralOrderType !== "" ? readDeltaNeutralOrder(c) : undefined
  const tail2 = {
    continuousUpdate: c.bool("continuousUpdate"),
    referencePriceType: c.intOrUnset("referencePriceType"),
    trailStopPrice: c.doubleOrUnset("trailStopPrice"),
    trailingPercent: c.doubleOrUnset("trailingPercent"),
    scaleInitLevelSize: c.intOrUnset("scaleInitLevelSize"),
    scaleSubsLevelSize: c.intOrUnset("scaleSubsLevelSize")
  }
  // 1.6.10 sends the 7 scale extras whenever the JS value is defined: a non-empty field on the wire.
  const scaleSent = c.fields[c.position] !== ""
  const scalePriceIncrement = c.doubleOrUnset("scalePriceIncrement")
  const scale = scaleSent ? readScale(c) : undefined
  const tail3 = {
    scaleTable: c.str("scaleTable"),
    activeStartTime: c.str("activeStartTime"),
    activeStopTime: c.str("activeStopTime"),
    hedgeType: c.str("hedgeType")
  }
  const hedgeParam = tail3.hedgeType !== "" ? c.str("hedgeParam") : ""
  const tail4 = {
    optOutSmartRouting: c.bool("optOutSmartRouting"),
    clearingAccount: c.str("clearingAccount"),
    clearingIntent: c.str("clearingIntent"),
    notHeld: c.bool("notHeld")
  }
  const deltaNeutralContract = readDeltaNeutralContract(c)
  const algoStrategy = c.str("algoStrategy")
  const algoParams = algoStrategy !== "" ? readTagValues(c, "algoParamCount") : []
  const tail5 = { algoId: c.str("algoId"), whatIf: c.bool("whatIf") }
  const misc = c.str("orderMiscOptions")
  if (misc !== "") {
    c.fail(
      `field orderMiscOptions: not supported (got '${misc}'; @stoqey/ib 1.6.10 corrupts it)`,
      WireErrorCode.Unsupported
    )
  }
  const tail6 = {
    solicited: c.bool("solicited"),
    randomizeSize: c.bool("randomizeSize"),
    randomizePrice: c.bool("randomizePrice")
  }
  const pegBench = isPegBench(main.orderType) ? readPegBench(c) : undefined
  const nConditions = c.count("conditionCount", 2)
  const conditions: Array<WireOrderCondition> = []
  for (let i = 0; i < nConditions; i++) conditions.push(readCondition(c, i))
  const conditionsIgnoreRth = nConditions > 0 ? c.bool("conditionsIgnoreRth") : false
  const conditionsCancelOrder = nConditions > 0 ? c.bool("conditionsCancelOrder") : false
  const tail7 = {
    adjustedOrderType: c.str("adjustedOrderType"),
    triggerPrice: c.doubleOrUnset("triggerPrice"),
    lmtPriceOffset: c.doubleOrUnset("lmtPriceOffset"),
    adjustedStopPrice: c.doubleOrUnset("adjustedStopPrice"),
    adjustedStopLimitPrice: c.doubleOrUnset("adjustedStopLimitPrice"),
    adjustedTrailingAmount: c.doubleOrUnset("adjustedTrailingAmount"),
    adjustableTrailingUnit: c.int("adjustableTrailingUnit"),
    extOperator: c.str("extOperator"),
    softDollarTier: { name: c.str("softDollarTier.name"), value: c.str("softDollarTier.value") },
    cashQty: c.doubleOrUnset("cashQty"),
    mifid2DecisionMaker: c.str("mifid2DecisionMaker"),
    mifid2DecisionAlgo: c.str("mifid2DecisionAlgo"),
    mifid2ExecutionTrader: c.str("mifid2ExecutionTrader"),
    mifid2ExecutionAlgo: c.str("mifid2ExecutionAlgo"),
    dontUseAutoPriceForHedge: c.bool("dontUseAutoPriceForHedge"),
    isOmsContainer: c.bool("isOmsContainer"),
    discretionaryUpToLimitPrice: c.bool("discretionaryUpToLimitPrice"),
    usePriceMgmtAlgo: c.boolOrUnset("usePriceMgmtAlgo"),
    duration: c.intOrUnset("duration"),
    postToAts: c.intOrUnset("postToAts"),
    autoCancelParent: c.bool("autoCancelParent"),
    advancedErrorOverride: c.str("advancedErrorOverride"),
    manualOrderTime: c.str("manualOrderTime")
  }
  const minTradeQty = head.exchange === "IBKRATS" ? c.intOrUnset("minTradeQty") : undefined
  let minCompeteSize: number | undefined
  let competeAgainstBestOffset: number | undefined
  let midOffsets = isPegMid(main.orderType)
  if (isPegBest(main.orderType)) {
    minCompeteSize = c.intOrUnset("minCompeteSize")
    if (c.fields[c.position] === "Infinity") {
      c.str("competeAgainstBestOffset")
      competeAgainstBestOffset = Number.POSITIVE_INFINITY
      midOffsets = true
    } else {
      competeAgainstBestOffset = c.doubleOrUnset("competeAgainstBestOffset")
    }
  }
  const midOffsetAtWhole = midOffsets ? c.doubleOrUnset("midOffsetAtWhole") : undefined
  const midOffsetAtHalf = midOffsets ? c.doubleOrUnset("midOffsetAtHalf") : undefined
  const tail8 = {
    customerAccount: c.str("customerAccount"),
    professionalCustomer: c.bool("professionalCustomer"),
    includeOvernight: c.bool("includeOvernight"),
    manualOrderIndicator: c.intOrUnset("manualOrderIndicator")
  }
  c.end()
  const contract: WireContract = {
    ...head,
    ...(comboLegs === undefined ? {} : { comboLegs }),
    ...(deltaNeutralContract === undefined ? {} : { deltaNeutralContract })
  }
  const order: WireOrder = {
    ...main,
    ...(isBag ? { orderComboLegPrices, smartComboRoutingParams } : {}),
    ...tail1,
    deltaNeutral,
    ...tail2,
    scalePriceIncrement,
    scale,
    ...tail3,
    hedgeParam,
    ...tail4,
    algoStrategy,
    algoParams,
    ...tail5,
    ...tail6,
    pegBench,
    conditions,
    conditionsIgnoreRth,
    conditionsCancelOrder,
    ...tail7,
    minTradeQty,
    minCompeteSize,
    competeAgainstBestOffset,
    midOffsetAtWhole,
    midOffsetAtHalf,
    ...tail8
  }
  return { _tag: "PlaceOrder", orderId, contract, order, fieldCount: c.fields.length }
}
