import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import {
  ConjunctionConnection,
  ExecutionCondition,
  MarginCondition,
  OptionType,
  OrderAction,
  OrderType,
  PercentChangeCondition,
  PriceCondition,
  SecType,
  TimeCondition,
  TriggerMethod,
  VolumeCondition
} from "@stoqey/ib"
import type { Contract, Order } from "@stoqey/ib"
import * as fc from "fast-check"
import { Frame, Incoming } from "../../adapters/tws/src/wire/index.ts"
import { type Harness, startHarness, until } from "./wire-harness.ts"

type Message = Incoming.IncomingMessage
type Tagged<T extends Message["_tag"]> = Extract<Message, { _tag: T }>

/** Parses and narrows, failing the test with the parser's message otherwise. */
const parseAs = <T extends Message["_tag"]>(fields: ReadonlyArray<string>, tag: T): Tagged<T> => {
  const r = Incoming.parseIncoming(fields)
  if (!r.ok) throw new Error(`parse failed: ${r.error.message}`)
  if (r.message._tag !== tag) throw new Error(`expected ${tag}, got ${r.message._tag}`)
  return r.message as Tagged<T>
}

const parseError = (
  fields: ReadonlyArray<string>
): { readonly code: number; readonly message: string; readonly id?: number } => {
  const r = Incoming.parseIncoming(fields)
  if (r.ok) throw new Error(`expected an error, got ${r.message._tag}`)
  return r.error
}

const ACCOUNT = "DU1234567"
const spyBag: Contract = {
  symbol: "SPY",
  secType: SecType.BAG,
  currency: "USD",
  exchange: "SMART",
  comboLegs: [
    { conId: 800001, ratio: 1, action: OrderAction.BUY, exchange: "SMART" },
    { conId: 800002, ratio: 1, action: OrderAction.SELL, exchange: "SMART" }
  ]
}
const spyCall: Contract = {
  conId: 800001,
  symbol: "SPY",
  secType: SecType.OPT,
  lastTradeDateOrContractMonth: "20261218",
  strike: 600,
  right: OptionType.Call,
  multiplier: 100,
  exchange: "SMART",
  currency: "USD",
  localSymbol: "SPY   261218C00600000",
  tradingClass: "SPY"
}

describe("client -> server, captured from the real @stoqey/ib 1.6.10", () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness({ clientId: 7 })
  })
  afterAll(async () => {
    await h.close()
  })

  /** Runs one client call and returns the single message (and its exact bytes) it produced. */
  const capture = async (
    call: () => void
  ): Promise<{ readonly fields: ReadonlyArray<string>; readonly raw: Buffer }> => {
    const from = h.messages.length
    const mark = h.bytes().length
    call()
    const fields = await until(() => h.messages[from], 5_000, "client message")
    const raw = h.bytes().subarray(mark)
    const reread = new Frame.FrameReader({ greeting: false }).feed(raw)
    assert.deepStrictEqual(reread, [{ _tag: "Message", fields }])
    return { fields, raw }
  }

  it("greeting and START_API", () => {
    assert.deepStrictEqual(h.greeting(), { _tag: "Greeting", minVersion: 100, maxVersion: 193, connectOptions: "" })
    const start = h.messages[0]
    assert.isDefined(start)
    if (start === undefined) return
    assert.deepStrictEqual(parseAs(start, "StartApi"), { _tag: "StartApi", clientId: 7, optionalCapabilities: "" })
    assert.deepStrictEqual(h.frameErrors, [])
  })

  it("PLACE_ORDER: 2-leg BAG LMT with NonGuaranteed smart combo routing (139 fields)", async () => {
    const order: Order = {
      action: OrderAction.BUY,
      orderType: OrderType.LMT,
      totalQuantity: 3,
      lmtPrice: 1.25,
      tif: "DAY",
      account: ACCOUNT,
      orderRef: "spread-42",
      transmit: true,
      smartComboRoutingParams: [{ tag: "NonGuaranteed", value: "1" }]
    }
    const { fields } = await capture(() => h.api.placeOrder(1001, spyBag, order))
    assert.strictEqual(fields.length, 139)
    const m = parseAs(fields, "PlaceOrder")
    assert.strictEqual(m.orderId, 1001)
    assert.strictEqual(m.fieldCount, 139)
    const c = m.contract
    assert.deepStrictEqual(
      [c.conId, c.symbol, c.secType, c.lastTradeDateOrContractMonth, c.strike, c.right, c.multiplier, c.exchange],
      [0, "SPY", "BAG", "", 0, "", "", "SMART"]
    )
    assert.deepStrictEqual([c.currency, c.localSymbol, c.tradingClass], ["USD", "", ""])
    assert.deepStrictEqual(
      c.comboLegs?.map((l) => [l.conId, l.ratio, l.action, l.exchange]),
      [
        [800001, 1, "BUY", "SMART"],
        [800002, 1, "SELL", "SMART"]
      ]
    )
    const o = m.order
    assert.deepStrictEqual(
      [o.action, o.totalQuantity, o.orderType, o.lmtPrice, o.auxPrice, o.tif, o.account, o.orderRef, o.transmit],
      ["BUY", 3, "LMT", 1.25, undefined, "DAY", ACCOUNT, "spread-42", true]
    )
    assert.strictEqual(o.outsideRth, false)
    assert.strictEqual(o.whatIf, false)
    assert.deepStrictEqual(o.orderComboLegPrices, [])
    assert.deepStrictEqual(o.smartComboRoutingParams, [{ tag: "NonGuaranteed", value: "1" }])
  })

  it("PLACE_ORDER: BAG with per-leg prices and two routing params", async () => {
    const order: Order = {
      action: OrderAction.SELL,
      orderType: OrderType.LMT,
      totalQuantity: 1,
      lmtPrice: -0.35,
      transmit: false,
      orderComboLegs: [{ price: 2.1 }, { price: undefined as unknown as number }],
      smartComboRoutingParams: [
        { tag: "NonGuaranteed", value: "1" },
        { tag: "LeginPrio", value: "0" }
      ]
    }
    const { fields } = await capture(() => h.api.placeOrder(1002, spyBag, order))
    assert.strictEqual(fields.length, 118 + 1 + 16 + 1 + 2 + 1 + 4)
    const o = parseAs(fields, "PlaceOrder").order
    assert.strictEqual(o.lmtPrice, -0.35)
    assert.strictEqual(o.transmit, false)
    assert.deepStrictEqual(o.orderComboLegPrices, [2.1, undefined])
    assert.deepStrictEqual(
      o.smartComboRoutingParams?.map((p) => p.tag),
      ["NonGuaranteed", "LeginPrio"]
    )
  })

  it("PLACE_ORDER: single-leg OPT LMT, outside RTH, GTC (118 fields)", async () => {
    const order: Order = {
      action: OrderAction.SELL,
      orderType: OrderType.LMT,
      totalQuantity: 2,
      lmtPrice: 4.05,
      tif: "GTC",
      account: ACCOUNT,
      orderRef: "leg",
      outsideRth: true,
      transmit: true
    }
    const { fields } = await capture(() => h.api.placeOrder(1003, spyCall, order))
    assert.strictEqual(fields.length, 118)
    const m = parseAs(fields, "PlaceOrder")
    const c = m.contract
    assert.deepStrictEqual(
      [c.conId, c.symbol, c.secType, c.lastTradeDateOrContractMonth, c.strike, c.right, c.multiplier],
      [800001, "SPY", "OPT", "20261218", 600, "C", "100"]
    )
    assert.deepStrictEqual(
      [c.exchange, c.currency, c.localSymbol, c.tradingClass, c.comboLegs],
      ["SMART", "USD", "SPY   261218C00600000", "SPY", undefined]
    )
    const o = m.order
    assert.deepStrictEqual(
      [o.action, o.totalQuantity, o.orderType, o.lmtPrice, o.tif, o.outsideRth, o.transmit, o.orderRef],
      ["SELL", 2, "LMT", 4.05, "GTC", true, true, "leg"]
    )
    assert.strictEqual(o.smartComboRoutingParams, undefined)
  })

  it("PLACE_ORDER: MKT order has no limit price; STP carries auxPrice; whatIf is read", async () => {
    const stock: Contract = { symbol: "SPY", secType: SecType.STK, exchange: "SMART", currency: "USD" }
    const mkt = await capture(() =>
      h.api.placeOrder(1004, stock, {
        action: OrderAction.BUY,
        orderType: OrderType.MKT,
        totalQuantity: 100,
        transmit: true
      })
    )
    const o = parseAs(mkt.fields, "PlaceOrder").order
    assert.deepStrictEqual([o.orderType, o.lmtPrice, o.auxPrice, o.totalQuantity], ["MKT", undefined, undefined, 100])
    const stp = await capture(() =>
      h.api.placeOrder(1005, stock, {
        action: OrderAction.SELL,
        orderType: OrderType.STP,
        totalQuantity: 100,
        auxPrice: 580.5,
        whatIf: true,
        transmit: true
      })
    )
    const s = parseAs(stp.fields, "PlaceOrder").order
    assert.deepStrictEqual([s.orderType, s.lmtPrice, s.auxPrice, s.whatIf], ["STP", undefined, 580.5, true])
  })

  it("PLACE_ORDER: every conditional tail block (delta-neutral, scale, hedge, algo, conditions) is consumed", async () => {
    const contract: Contract = { ...spyCall, deltaNeutralContract: { conId: 756733, delta: 0.5, price: 590.1 } }
    const order: Order = {
      action: OrderAction.BUY,
      orderType: OrderType.LMT,
      totalQuantity: 1,
      lmtPrice: 3,
      transmit: true,
      deltaNeutralOrderType: "MKT",
      deltaNeutralConId: 756733,
      deltaNeutralShortSale: true,
      scaleInitLevelSize: 5,
      scaleSubsLevelSize: 2,
      scalePriceIncrement: 0.05,
      scaleAutoReset: true,
      hedgeType: "D",
      hedgeParam: "0.5",
      algoStrategy: "Adaptive",
      algoParams: [{ tag: "adaptivePriority", value: "Normal" }],
      conditions: [
        new PriceCondition(601.5, TriggerMethod.Default, 756733, "SMART", true, ConjunctionConnection.AND),
        new TimeCondition("20261125 15:30:00 US/Eastern", false, ConjunctionConnection.OR),
        new MarginCondition(30, true, ConjunctionConnection.AND),
        new ExecutionCondition("SMART", SecType.STK, "SPY", ConjunctionConnection.AND),
        new VolumeCondition(100000, 756733, "SMART", true, ConjunctionConnection.AND),
        new PercentChangeCondition(2.5, 756733, "SMART", false, ConjunctionConnection.OR)
      ],
      conditionsIgnoreRth: true,
      conditionsCancelOrder: false
    }
    const { fields } = await capture(() => h.api.placeOrder(1006, contract, order))
    const m = parseAs(fields, "PlaceOrder")
    assert.strictEqual(m.fieldCount, fields.length)
    assert.deepStrictEqual(m.contract.deltaNeutralContract, { conId: 756733, delta: 0.5, price: 590.1 })
    const o = m.order
    assert.strictEqual(o.deltaNeutralOrderType, "MKT")
    assert.strictEqual(o.deltaNeutral?.conId, 756733)
    assert.strictEqual(o.deltaNeutral?.shortSale, true)
    assert.deepStrictEqual([o.scaleInitLevelSize, o.scaleSubsLevelSize, o.scalePriceIncrement], [5, 2, 0.05])
    assert.strictEqual(o.scale?.autoReset, true)
    assert.deepStrictEqual([o.hedgeType, o.hedgeParam], ["D", "0.5"])
    assert.deepStrictEqual([o.algoStrategy, o.algoParams], ["Adaptive", [{ tag: "adaptivePriority", value: "Normal" }]])
    assert.deepStrictEqual(o.conditions, [
      { type: 1, conjunction: "a", isMore: true, price: 601.5, conId: 756733, exchange: "SMART", triggerMethod: 0 },
      { type: 3, conjunction: "o", isMore: false, time: "20261125 15:30:00 US/Eastern" },
      { type: 4, conjunction: "a", isMore: true, percent: 30 },
      { type: 5, conjunction: "a", secType: "STK", exchange: "SMART", symbol: "SPY" },
      { type: 6, conjunction: "a", isMore: true, value: 100000, conId: 756733, exchange: "SMART" },
      { type: 7, conjunction: "o", isMore: false, value: 2.5, conId: 756733, exchange: "SMART" }
    ])
    assert.deepStrictEqual([o.conditionsIgnoreRth, o.conditionsCancelOrder], [true, false])
  })

  it("PLACE_ORDER: PEG BENCH, PEG BEST (up to mid), PEG MID and IBKRATS extras are consumed", async () => {
    const stock: Contract = { symbol: "SPY", secType: SecType.STK, exchange: "IBKRATS", currency: "USD" }
    const base = { action: OrderAction.BUY, totalQuantity: 10, transmit: true }
    const bench = await capture(() =>
      h.api.placeOrder(1007, stock, {
        ...base,
        orderType: OrderType.PEG_BENCH,
        referenceContractId: 756733,
        isPeggedChangeAmountDecrease: true,
        peggedChangeAmount: 0.1,
        referenceChangeAmount: 0.2,
        referenceExchangeId: "ARCA",
        minTradeQty: 5
      })
    )
    const b = parseAs(bench.fields, "PlaceOrder").order
    assert.deepStrictEqual(b.pegBench, {
      referenceContractId: 756733,
      isPeggedChangeAmountDecrease: true,
      peggedChangeAmount: 0.1,
      referenceChangeAmount: 0.2,
      referenceExchangeId: "ARCA"
    })
    assert.strictEqual(b.minTradeQty, 5)
    const best = await capture(() =>
      h.api.placeOrder(1008, stock, {
        ...base,
        orderType: OrderType.PEG_BEST,
        minCompeteSize: 100,
        competeAgainstBestOffset: Number.POSITIVE_INFINITY,
        midOffsetAtWhole: 0.01,
        midOffsetAtHalf: 0.005
      })
    )
    const p = parseAs(best.fields, "PlaceOrder").order
    assert.deepStrictEqual(
      [p.minCompeteSize, p.competeAgainstBestOffset, p.midOffsetAtWhole, p.midOffsetAtHalf],
      [100, Number.POSITIVE_INFINITY, 0.01, 0.005]
    )
    const mid = await capture(() =>
      h.api.placeOrder(
        1009,
        { ...stock, exchange: "SMART" },
        { ...base, orderType: OrderType.PEG_MID, midOffsetAtWhole: 0.02 }
      )
    )
    const d = parseAs(mid.fields, "PlaceOrder").order
    assert.deepStrictEqual([d.midOffsetAtWhole, d.midOffsetAtHalf, d.minTradeQty], [0.02, undefined, undefined])
  })

  it("PLACE_ORDER with orderMiscOptions (which 1.6.10 corrupts) is rejected as unsupported", async () => {
    const { fields } = await capture(() =>
      h.api.placeOrder(1010, spyCall, {
        action: OrderAction.BUY,
        orderType: OrderType.LMT,
        totalQuantity: 1,
        lmtPrice: 1,
        transmit: true,
        orderMiscOptions: [{ tag: "a", value: "b" }]
      })
    )
    const e = parseError(fields)
    assert.strictEqual(e.code, 321)
    assert.strictEqual(e.id, 1010)
    assert.include(e.message, "orderMiscOptions")
  })

  it("CANCEL_ORDER and REQ_GLOBAL_CANCEL (golden bytes)", async () => {
    const cancel = await capture(() => h.api.cancelOrder(1001))
    // "4\0" "1001\0" "\0" "\0" "2147483647\0"
    assert.strictEqual(
      cancel.raw.toString("hex"),
      "00000014" + Buffer.from("4\x001001\x00\x00\x002147483647\x00").toString("hex")
    )
    assert.deepStrictEqual(parseAs(cancel.fields, "CancelOrder"), {
      _tag: "CancelOrder",
      orderId: 1001,
      manualOrderCancelTime: "",
      extOperator: "",
      manualOrderIndicator: undefined
    })
    const global = await capture(() => h.api.reqGlobalCancel())
    assert.deepStrictEqual(parseAs(global.fields, "ReqGlobalCancel"), {
      _tag: "ReqGlobalCancel",
      extOperator: "",
      manualOrderIndicator: undefined
    })
  })

  it("REQ_CONTRACT_DATA for an option", async () => {
    const { fields } = await capture(() =>
      h.api.reqContractDetails(11, { ...spyCall, conId: undefined as unknown as number })
    )
    assert.strictEqual(fields.length, 19)
    const m = parseAs(fields, "ReqContractData")
    assert.strictEqual(m.reqId, 11)
    const c = m.contract
    assert.deepStrictEqual(
      [c.conId, c.symbol, c.secType, c.lastTradeDateOrContractMonth, c.strike, c.right, c.multiplier, c.exchange],
      [0, "SPY", "OPT", "20261218", 600, "C", "100", "SMART"]
    )
    assert.deepStrictEqual(
      [c.currency, c.localSymbol, c.tradingClass, m.includeExpired, m.issuerId],
      ["USD", "SPY   261218C00600000", "SPY", false, ""]
    )
  })

  it("REQ_MKT_DATA for a BAG (legs block), with delta-neutral, and for a stock", async () => {
    const bag = await capture(() => h.api.reqMktData(12, spyBag, "", false, false))
    const m = parseAs(bag.fields, "ReqMktData")
    assert.strictEqual(m.reqId, 12)
    assert.strictEqual(m.contract.secType, "BAG")
    assert.deepStrictEqual(m.contract.comboLegs, [
      { conId: 800001, ratio: 1, action: "BUY", exchange: "SMART" },
      { conId: 800002, ratio: 1, action: "SELL", exchange: "SMART" }
    ])
    assert.deepStrictEqual(
      [m.deltaNeutralContract, m.genericTickList, m.snapshot, m.regulatorySnapshot, m.mktDataOptions],
      [undefined, "", false, false, ""]
    )
    const dn = await capture(() =>
      h.api.reqMktData(
        13,
        { ...spyCall, deltaNeutralContract: { conId: 756733, delta: 0.4, price: 590 } },
        "100,101",
        true,
        false
      )
    )
    const n = parseAs(dn.fields, "ReqMktData")
    assert.deepStrictEqual(
      [n.deltaNeutralContract, n.genericTickList, n.snapshot],
      [{ conId: 756733, delta: 0.4, price: 590 }, "100,101", true]
    )
    assert.strictEqual(n.contract.comboLegs, undefined)
    const cancel = await capture(() => h.api.cancelMktData(12))
    assert.deepStrictEqual(parseAs(cancel.fields, "CancelMktData"), { _tag: "CancelMktData", reqId: 12 })
    const type = await capture(() => h.api.reqMarketDataType(3))
    assert.deepStrictEqual(parseAs(type.fields, "ReqMarketDataType"), { _tag: "ReqMarketDataType", marketDataType: 3 })
  })

  it("REQ_EXECUTIONS with a filter", async () => {
    const { fields } = await capture(() =>
      h.api.reqExecutions(14, {
        clientId: "7",
        acctCode: ACCOUNT,
        time: "20261125-09:30:00",
        symbol: "SPY",
        secType: SecType.BAG,
        exchange: "SMART",
        side: "BUY"
      })
    )
    assert.deepStrictEqual(parseAs(fields, "ReqExecutions"), {
      _tag: "ReqExecutions",
      reqId: 14,
      filter: {
        clientId: 7,
        acctCode: ACCOUNT,
        time: "20261125-09:30:00",
        symbol: "SPY",
        secType: "BAG",
        exchange: "SMART",
        side: "BUY"
      }
    })
    const empty = await capture(() => h.api.reqExecutions(15, {}))
    assert.deepStrictEqual(parseAs(empty.fields, "ReqExecutions").filter.clientId, undefined)
  })

  it("REQ_IDS (golden bytes), REQ_CURRENT_TIME, REQ_MANAGED_ACCTS, open-order requests", async () => {
    const ids = await capture(() => h.api.reqIds(1))
    assert.strictEqual(ids.raw.toString("hex"), "00000006" + "3800" + "3100" + "3100")
    assert.deepStrictEqual(parseAs(ids.fields, "ReqIds"), { _tag: "ReqIds", numIds: 1 })
    assert.deepStrictEqual(parseAs((await capture(() => h.api.reqCurrentTime())).fields, "ReqCurrentTime"), {
      _tag: "ReqCurrentTime"
    })
    assert.deepStrictEqual(parseAs((await capture(() => h.api.reqManagedAccts())).fields, "ReqManagedAccts"), {
      _tag: "ReqManagedAccts"
    })
    assert.deepStrictEqual(parseAs((await capture(() => h.api.reqOpenOrders())).fields, "ReqOpenOrders"), {
      _tag: "ReqOpenOrders"
    })
    assert.deepStrictEqual(parseAs((await capture(() => h.api.reqAllOpenOrders())).fields, "ReqAllOpenOrders"), {
      _tag: "ReqAllOpenOrders"
    })
    assert.deepStrictEqual(parseAs((await capture(() => h.api.reqAutoOpenOrders(true))).fields, "ReqAutoOpenOrders"), {
      _tag: "ReqAutoOpenOrders",
      autoBind: true
    })
  })

  it("the whole captured byte stream (greeting included) re-reads and parses without an error", () => {
    const events = new Frame.FrameReader().feed(h.bytes())
    assert.strictEqual(events[0]?._tag, "Greeting")
    const results = events.flatMap((e) => (e._tag === "Message" ? [Incoming.parseIncoming(e.fields)] : []))
    assert.strictEqual(results.length, h.messages.length)
    const failures = results.flatMap((r) => (r.ok ? [] : [r.error.message]))
    assert.strictEqual(failures.length, 1) // the orderMiscOptions order, rejected on purpose
    assert.include(failures[0], "orderMiscOptions")
    assert.deepStrictEqual(h.frameErrors, [])
    assert.deepStrictEqual(h.errors, [])
  })
})

/** A plain MKT order as 1.6.10 writes it (118 fields), for the malformed-input tests. */
const plainOrder = (): Array<string> => {
  const f = Array.from({ length: 118 }, () => "")
  f[0] = "3"
  f[1] = "2001"
  f[3] = "SPY"
  f[4] = "STK"
  f[9] = "SMART"
  f[11] = "USD"
  f[16] = "BUY"
  f[17] = "1"
  f[18] = "MKT"
  f[27] = "1"
  return f
}

describe("malformed client messages give clear errors, never throw", () => {
  it("the plain order fixture parses", () => {
    assert.strictEqual(parseAs(plainOrder(), "PlaceOrder").fieldCount, 118)
  })

  it("unknown, missing and non-numeric message ids", () => {
    assert.deepStrictEqual(parseError(["42", "1"]), { code: 505, message: "unknown message id 42" })
    assert.deepStrictEqual(parseError([]), { code: 320, message: "empty message (no message id)" })
    assert.deepStrictEqual(parseError(["x"]), { code: 320, message: "message id 'x' is not an integer" })
  })

  it("wrong field counts", () => {
    assert.deepStrictEqual(parseError(["8", "1", "1", "9"]), { code: 320, message: "REQ_IDS expected 3 fields, got 4" })
    assert.strictEqual(parseError(["71", "2"]).message, "START_API expected 4 fields, got 2")
    assert.strictEqual(parseError([...plainOrder(), ""]).message, "PLACE_ORDER expected 118 fields, got 119")
    const short = parseError(plainOrder().slice(0, 60))
    assert.strictEqual(short.id, 2001)
    assert.include(short.message, "PLACE_ORDER expected more than 60 fields, got 60")
  })

  it("malformed numbers and booleans name the field", () => {
    const lmt = plainOrder()
    lmt[19] = "abc"
    assert.deepStrictEqual(parseError(lmt), {
      code: 320,
      message: "PLACE_ORDER: field lmtPrice: 'abc' is not a number",
      id: 2001
    })
    const qty = plainOrder()
    qty[17] = "1e"
    assert.strictEqual(parseError(qty).message, "PLACE_ORDER: field totalQuantity: '1e' is not a number")
    const transmit = plainOrder()
    transmit[27] = "yes"
    assert.strictEqual(parseError(transmit).message, "PLACE_ORDER: field transmit: 'yes' is not a boolean (1 or 0)")
    assert.strictEqual(parseError(["8", "1", "1.5"]).message, "REQ_IDS: field numIds: '1.5' is not an integer")
    assert.strictEqual(parseError(["8", "2", "1"]).message, "REQ_IDS: field version: expected '1', got '2'")
  })

  it("bad counts in a BAG are caught before reading past the end", () => {
    const f = plainOrder()
    f[4] = "BAG"
    f.splice(35, 0, "999999", "0", "0")
    assert.include(parseError(f).message, "field comboLegCount: 999999 entries need 7999992 more fields")
    f[35] = "-1"
    assert.include(parseError(f).message, "field comboLegCount: negative count -1")
  })

  it("property: random field arrays never throw and always give a result", () => {
    const ids = fc.constantFrom(
      "1",
      "2",
      "3",
      "4",
      "5",
      "7",
      "8",
      "9",
      "15",
      "16",
      "17",
      "49",
      "58",
      "59",
      "71",
      "0",
      "x",
      ""
    )
    fc.assert(
      fc.property(
        ids,
        fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom("", "0", "1", "-1", "BAG", "2147483647")), {
          maxLength: 160
        }),
        (id, rest) => {
          const r = Incoming.parseIncoming([id, ...rest])
          if (!r.ok) assert.isTrue(r.error.message.length > 0 && r.error.code > 0)
        }
      ),
      { numRuns: 2000 }
    )
  })

  it("property: mutating a valid PLACE_ORDER never throws", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 117 }),
        fc.string({ maxLength: 5 }),
        fc.constantFrom("replace", "delete", "insert"),
        (at, value, op) => {
          const f = plainOrder()
          if (op === "replace") f[at] = value
          else if (op === "delete") f.splice(at, 1)
          else f.splice(at, 0, value)
          const r = Incoming.parseIncoming(f)
          if (!r.ok) assert.isTrue(r.error.message.length > 0)
        }
      ),
      { numRuns: 2000 }
    )
  })

  it("property: random bytes through FrameReader then parseIncoming never throw", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 10 }), (chunks) => {
        const reader = new Frame.FrameReader({ greeting: false, maxFrameSize: 1024 })
        for (const chunk of chunks) {
          for (const e of reader.feed(chunk)) if (e._tag === "Message") Incoming.parseIncoming(e.fields)
        }
      }),
      { numRuns: 1000 }
    )
  })
})
