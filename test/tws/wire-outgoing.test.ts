import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { EventName } from "@stoqey/ib"
import { Frame, OpenOrder, Outgoing, Reports } from "../../adapters/tws/src/wire/index.ts"
import type { WireContract, WireContractDetails, WireExecution, WireOrder } from "../../adapters/tws/src/wire/index.ts"
import type { WireFields } from "../../adapters/tws/src/wire/Values.ts"
import { ACCOUNT, CONNECTION_TIME, type Harness, startHarness, until } from "./wire-harness.ts"

const text = (fields: WireFields): string => Frame.encodeFrame(fields).subarray(4).toString("utf8")
const U = "1.7976931348623157E308"

const leg = (conId: number, right: "C" | "P", strike: number): WireContract => ({
  conId,
  symbol: "SPY",
  secType: "OPT",
  lastTradeDateOrContractMonth: "20261218",
  strike,
  right,
  multiplier: "100",
  exchange: "SMART",
  primaryExch: "",
  currency: "USD",
  localSymbol: `SPY   261218${right}00${strike}000`,
  tradingClass: "SPY"
})
const call600 = leg(800001, "C", 600)
const bag: WireContract = {
  conId: OpenOrder.BAG_CON_ID,
  symbol: "SPY",
  secType: "BAG",
  lastTradeDateOrContractMonth: "",
  strike: 0,
  right: "?",
  multiplier: "",
  exchange: "SMART",
  primaryExch: "",
  currency: "USD",
  localSymbol: "",
  tradingClass: "",
  comboLegs: [
    { conId: 800001, ratio: 1, action: "BUY", exchange: "SMART" },
    { conId: 800002, ratio: 1, action: "SELL", exchange: "SMART" }
  ]
}
const bagOrder: WireOrder = {
  orderId: 1001,
  action: "BUY",
  totalQuantity: 3,
  orderType: "LMT",
  lmtPrice: 1.25,
  tif: "DAY",
  account: ACCOUNT,
  orderRef: "spread-42",
  transmit: true,
  clientId: 7,
  permId: 900001,
  smartComboRoutingParams: [{ tag: "NonGuaranteed", value: "1" }]
}
const plainOrder: WireOrder = { orderId: 1002, action: "SELL", totalQuantity: 2, orderType: "MKT", permId: 900002 }

/** Record type of the client's event objects (they are plain objects with many fields). */
type Obj = Record<string, unknown>
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null ? (v as Obj) : {})

describe("server -> client messages decoded by the real @stoqey/ib 1.6.10", () => {
  let h: Harness
  const seen = new Map<EventName, Array<ReadonlyArray<unknown>>>()
  const events = (e: EventName): Array<ReadonlyArray<unknown>> => seen.get(e) ?? []
  /** Sends `fields` and resolves with the arguments of the next `event`. */
  const roundTrip = async (fields: WireFields, event: EventName): Promise<ReadonlyArray<unknown>> => {
    const before = events(event).length
    h.send(fields)
    return until(() => events(event)[before], 5_000, `event ${event}`)
  }

  beforeAll(async () => {
    h = await startHarness({ clientId: 7 })
    const names = [
      EventName.openOrder,
      EventName.orderStatus,
      EventName.execDetails,
      EventName.execDetailsEnd,
      EventName.commissionReport,
      EventName.contractDetails,
      EventName.contractDetailsEnd,
      EventName.tickPrice,
      EventName.tickSize,
      EventName.tickOptionComputation,
      EventName.tickSnapshotEnd,
      EventName.marketDataType,
      EventName.currentTime,
      EventName.openOrderEnd,
      EventName.managedAccounts,
      EventName.nextValidId,
      EventName.error,
      EventName.info
    ]
    for (const name of names) seen.set(name, h.collect(name))
  })
  afterAll(async () => {
    const decodingErrors = h.errors.filter((e) => e.code === 505 || /decod|underrun|unprocessed/i.test(e.message))
    await h.close()
    assert.deepStrictEqual(decodingErrors, [])
  })

  it("the handshake: hello, MANAGED_ACCTS, NEXT_VALID_ID are accepted", async () => {
    assert.strictEqual(h.api.serverVersion, 193)
    assert.deepStrictEqual(await roundTrip(Outgoing.managedAccounts(["DU1", "DU2"]), EventName.managedAccounts), [
      "DU1,DU2"
    ])
    assert.deepStrictEqual(await roundTrip(Outgoing.nextValidId(5000), EventName.nextValidId), [5000])
  })

  it("OPEN_ORDER for a 2-leg BAG with NonGuaranteed (151 fields)", async () => {
    const fields = OpenOrder.openOrder(bag, bagOrder, { status: "Submitted" })
    assert.strictEqual(fields.length, 133 + 8 * 2 + 2)
    const args = await roundTrip(fields, EventName.openOrder)
    assert.strictEqual(args[0], 1001)
    const [, contract, order, state] = args.map(obj)
    const c = contract ?? {}
    assert.deepStrictEqual(
      [c["conId"], c["symbol"], c["secType"], c["currency"], c["exchange"]],
      [28812380, "SPY", "BAG", "USD", "SMART"]
    )
    assert.strictEqual(c["comboLegsDescription"], "800001|1,800002|-1")
    assert.deepStrictEqual(c["comboLegs"], [
      {
        conId: 800001,
        ratio: 1,
        action: "BUY",
        exchange: "SMART",
        openClose: 0,
        shortSaleSlot: 0,
        designatedLocation: "",
        exemptCode: -1
      },
      {
        conId: 800002,
        ratio: 1,
        action: "SELL",
        exchange: "SMART",
        openClose: 0,
        shortSaleSlot: 0,
        designatedLocation: "",
        exemptCode: -1
      }
    ])
    const o = order ?? {}
    assert.deepStrictEqual(
      [o["orderId"], o["action"], o["totalQuantity"], o["orderType"], o["lmtPrice"], o["auxPrice"], o["tif"]],
      [1001, "BUY", 3, "LMT", 1.25, undefined, "DAY"]
    )
    assert.deepStrictEqual(
      [o["account"], o["orderRef"], o["clientId"], o["permId"], o["outsideRth"]],
      [ACCOUNT, "spread-42", 7, 900001, false]
    )
    assert.deepStrictEqual(o["smartComboRoutingParams"], [{ tag: "NonGuaranteed", value: "1" }])
    assert.strictEqual(o["orderComboLegs"], undefined)
    assert.deepStrictEqual(
      [state?.["status"], state?.["commission"], state?.["initMarginAfter"]],
      ["Submitted", undefined, undefined]
    )
  })

  it("OPEN_ORDER for a single-leg option with what-if margins and commission (133 fields)", async () => {
    const order: WireOrder = {
      orderId: 1003,
      action: "SELL",
      totalQuantity: 2,
      orderType: "LMT",
      lmtPrice: 4.05,
      whatIf: true,
      outsideRth: true,
      permId: 900003
    }
    const fields = OpenOrder.openOrder(call600, order, {
      status: "PreSubmitted",
      initMarginBefore: 1000,
      maintMarginBefore: 900,
      equityWithLoanBefore: 100000,
      initMarginChange: 250.5,
      maintMarginChange: 200,
      equityWithLoanChange: -1.3,
      initMarginAfter: 1250.5,
      maintMarginAfter: 1100,
      equityWithLoanAfter: 99998.7,
      commission: 1.3,
      minCommission: 1,
      maxCommission: 2,
      commissionCurrency: "USD",
      warningText: "careful"
    })
    assert.strictEqual(fields.length, 133)
    const [, contract, o, s] = (await roundTrip(fields, EventName.openOrder)).map(obj)
    const c = contract ?? {}
    assert.deepStrictEqual(
      [
        c["conId"],
        c["secType"],
        c["lastTradeDateOrContractMonth"],
        c["strike"],
        c["right"],
        c["multiplier"],
        c["localSymbol"],
        c["tradingClass"]
      ],
      [800001, "OPT", "20261218", 600, "C", 100, "SPY   261218C00600000", "SPY"]
    )
    assert.deepStrictEqual([o?.["whatIf"], o?.["outsideRth"], o?.["lmtPrice"]], [true, true, 4.05])
    const state = s ?? {}
    assert.deepStrictEqual(
      [
        state["status"],
        state["initMarginChange"],
        state["equityWithLoanChange"],
        state["commission"],
        state["minCommission"],
        state["maxCommission"]
      ],
      ["PreSubmitted", 250.5, -1.3, 1.3, 1, 2]
    )
    assert.deepStrictEqual(
      [state["commissionCurrency"], state["warningText"], state["initMarginAfter"]],
      ["USD", "careful", 1250.5]
    )
  })

  it("OPEN_ORDER with every conditional block (delta-neutral, scale, hedge, algo, PEG BENCH, conditions)", async () => {
    const contract: WireContract = { ...call600, deltaNeutralContract: { conId: 756733, delta: 0.5, price: 590.1 } }
    const order: WireOrder = {
      ...plainOrder,
      orderId: 1004,
      orderType: "PEG BENCH",
      deltaNeutralOrderType: "MKT",
      deltaNeutral: {
        conId: 756733,
        settlingFirm: "",
        clearingAccount: "",
        clearingIntent: "",
        openClose: "O",
        shortSale: true,
        shortSaleSlot: 0,
        designatedLocation: ""
      },
      scaleInitLevelSize: 5,
      scalePriceIncrement: 0.05,
      scale: { autoReset: true, randomPercent: false, profitOffset: 0.1 },
      hedgeType: "D",
      hedgeParam: "0.5",
      algoStrategy: "Adaptive",
      algoParams: [{ tag: "adaptivePriority", value: "Normal" }],
      pegBench: {
        referenceContractId: 756733,
        isPeggedChangeAmountDecrease: true,
        peggedChangeAmount: 0.1,
        referenceChangeAmount: 0.2,
        referenceExchangeId: "ARCA"
      },
      conditions: [
        { type: 1, conjunction: "a", isMore: true, price: 601.5, conId: 756733, exchange: "SMART", triggerMethod: 0 },
        { type: 3, conjunction: "o", isMore: false, time: "20261125 15:30:00 US/Eastern" },
        { type: 4, conjunction: "a", isMore: true, percent: 30 },
        { type: 5, conjunction: "a", secType: "STK", exchange: "SMART", symbol: "SPY" },
        { type: 6, conjunction: "a", isMore: true, value: 100000, conId: 756733, exchange: "SMART" },
        { type: 7, conjunction: "o", isMore: false, value: 2.5, conId: 756733, exchange: "SMART" }
      ],
      conditionsIgnoreRth: true
    }
    const fields = OpenOrder.openOrder(contract, order, { status: "Submitted" })
    const conditionFields = 7 + 4 + 4 + 5 + 6 + 6 + 2
    assert.strictEqual(fields.length, 133 + 8 + 7 + 1 + 3 + 3 + 5 + conditionFields)
    const [, c, o] = (await roundTrip(fields, EventName.openOrder)).map(obj)
    assert.deepStrictEqual(c?.["deltaNeutralContract"], { conId: 756733, delta: 0.5, price: 590.1 })
    const ord = o ?? {}
    assert.deepStrictEqual(
      [
        ord["deltaNeutralOrderType"],
        ord["deltaNeutralConId"],
        ord["deltaNeutralOpenClose"],
        ord["deltaNeutralShortSale"]
      ],
      ["MKT", 756733, "O", true]
    )
    assert.deepStrictEqual(
      [ord["scalePriceIncrement"], ord["scaleAutoReset"], ord["scaleProfitOffset"]],
      [0.05, true, 0.1]
    )
    assert.deepStrictEqual([ord["hedgeType"], ord["hedgeParam"], ord["algoStrategy"]], ["D", "0.5", "Adaptive"])
    assert.deepStrictEqual(ord["algoParams"], [{ tag: "adaptivePriority", value: "Normal" }])
    assert.deepStrictEqual(
      [ord["referenceContractId"], ord["referenceExchangeId"], ord["conditionsIgnoreRth"]],
      [756733, "ARCA", true]
    )
    const conditions = Array.isArray(ord["conditions"]) ? ord["conditions"].map(obj) : []
    assert.deepStrictEqual(
      conditions.map((x) => x["type"]),
      [1, 3, 4, 5, 6, 7]
    )
    assert.deepStrictEqual(
      [conditions[0]?.["price"], conditions[1]?.["time"], conditions[4]?.["volume"]],
      [601.5, "20261125 15:30:00 US/Eastern", 100000]
    )
  })

  it("ORDER_STATUS (golden) and OPEN_ORDER_END", async () => {
    const fields = Outgoing.orderStatus({
      orderId: 1001,
      status: "Filled",
      filled: 3,
      remaining: 0,
      avgFillPrice: 1.23,
      permId: 900001,
      lastFillPrice: 1.22,
      clientId: 7
    })
    assert.strictEqual(
      text(fields),
      ["3", "1001", "Filled", "3", "0", "1.23", "900001", "0", "1.22", "7", "", "0", ""].join("\0")
    )
    assert.deepStrictEqual(await roundTrip(fields, EventName.orderStatus), [
      1001,
      "Filled",
      3,
      0,
      1.23,
      900001,
      0,
      1.22,
      7,
      "",
      0
    ])
    assert.deepStrictEqual(await roundTrip(Outgoing.openOrderEnd(), EventName.openOrderEnd), [])
  })

  it("EXECUTION_DATA for a leg and for the BAG, EXECUTION_DATA_END, COMMISSION_REPORT", async () => {
    const exec: WireExecution = {
      orderId: 1001,
      execId: "0000e0d5.6571a1b2.01.01",
      time: "20261125 10:15:20 US/Eastern",
      acctNumber: ACCOUNT,
      exchange: "CBOE",
      side: "BOT",
      shares: 3,
      price: 4.1,
      permId: 900001,
      clientId: 7,
      cumQty: 3,
      avgPrice: 4.1,
      orderRef: "spread-42",
      lastLiquidity: 2
    }
    const fields = Reports.executionData(-1, call600, exec)
    assert.strictEqual(fields.length, 32)
    const [reqId, c, e] = await roundTrip(fields, EventName.execDetails)
    assert.strictEqual(reqId, -1)
    const contract = obj(c)
    assert.deepStrictEqual(
      [
        contract["conId"],
        contract["symbol"],
        contract["secType"],
        contract["strike"],
        contract["right"],
        contract["multiplier"],
        contract["tradingClass"]
      ],
      [800001, "SPY", "OPT", 600, "C", 100, "SPY"]
    )
    assert.deepStrictEqual(e, {
      orderId: 1001,
      execId: "0000e0d5.6571a1b2.01.01",
      time: "20261125 10:15:20 US/Eastern",
      acctNumber: ACCOUNT,
      exchange: "CBOE",
      side: "BOT",
      shares: 3,
      price: 4.1,
      permId: 900001,
      clientId: 7,
      liquidation: 0,
      cumQty: 3,
      avgPrice: 4.1,
      orderRef: "spread-42",
      evRule: "",
      evMultiplier: undefined,
      modelCode: "",
      lastLiquidity: 2,
      pendingPriceRevision: false
    })
    const [bagReq, bagContract] = await roundTrip(
      Reports.executionData(14, bag, { ...exec, execId: "0000e0d5.6571a1b2.01.03", price: 1.23, avgPrice: 1.23 }),
      EventName.execDetails
    )
    assert.deepStrictEqual([bagReq, obj(bagContract)["conId"], obj(bagContract)["secType"]], [14, 28812380, "BAG"])
    assert.deepStrictEqual(await roundTrip(Outgoing.executionDataEnd(14), EventName.execDetailsEnd), [14])
    const report = Reports.commissionReport({ execId: exec.execId, commission: 1.05, currency: "USD" })
    assert.strictEqual(text(report), ["59", "1", exec.execId, "1.05", "USD", U, U, "0", ""].join("\0"))
    assert.deepStrictEqual(await roundTrip(report, EventName.commissionReport), [
      {
        execId: exec.execId,
        commission: 1.05,
        currency: "USD",
        realizedPNL: undefined,
        yield: undefined,
        yieldRedemptionDate: 0
      }
    ])
  })

  it("CONTRACT_DATA for an option (42 fields) and a stock with sec ids, then CONTRACT_DATA_END", async () => {
    const details: WireContractDetails = {
      contract: call600,
      marketName: "SPY",
      minTick: 0.01,
      orderTypes: "LMT,MKT",
      validExchanges: "SMART,CBOE",
      underConId: 756733,
      longName: "SPDR S&P 500 ETF TRUST",
      contractMonth: "202612",
      timeZoneId: "US/Eastern",
      tradingHours: "20261125:0930-20261125:1615",
      liquidHours: "20261125:0930-20261125:1615",
      underSymbol: "SPY",
      underSecType: "STK",
      marketRuleIds: "32,32",
      realExpirationDate: "20261218",
      lastTradeDate: "20261218",
      minSize: 1,
      sizeIncrement: 1,
      suggestedSizeIncrement: 1
    }
    const fields = Reports.contractData(11, details)
    assert.strictEqual(fields.length, 42)
    const [reqId, d] = await roundTrip(fields, EventName.contractDetails)
    assert.strictEqual(reqId, 11)
    const got = obj(d)
    const c = obj(got["contract"])
    assert.deepStrictEqual(
      [
        c["conId"],
        c["symbol"],
        c["secType"],
        c["lastTradeDateOrContractMonth"],
        c["lastTradeDate"],
        c["strike"],
        c["right"]
      ],
      [800001, "SPY", "OPT", "20261218", "20261218", 600, "C"]
    )
    assert.deepStrictEqual(
      [c["multiplier"], c["exchange"], c["currency"], c["localSymbol"], c["tradingClass"]],
      [100, "SMART", "USD", "SPY   261218C00600000", "SPY"]
    )
    assert.deepStrictEqual(
      [
        got["marketName"],
        got["minTick"],
        got["orderTypes"],
        got["validExchanges"],
        got["underConId"],
        got["longName"],
        got["priceMagnifier"]
      ],
      ["SPY", 0.01, "LMT,MKT", "SMART,CBOE", 756733, "SPDR S&P 500 ETF TRUST", 1]
    )
    assert.deepStrictEqual(
      [got["realExpirationDate"], got["minSize"], got["ineligibilityReasonList"]],
      ["20261218", 1, []]
    )
    const stock: WireContractDetails = {
      contract: {
        ...call600,
        conId: 756733,
        secType: "STK",
        lastTradeDateOrContractMonth: "",
        strike: 0,
        right: "",
        multiplier: "",
        localSymbol: "SPY",
        primaryExch: "ARCA"
      },
      marketName: "SPY",
      minTick: 0.01,
      secIdList: [{ tag: "ISIN", value: "US78462F1030" }],
      stockType: "ETF",
      ineligibilityReasons: [{ id: "1", description: "test" }]
    }
    const [, sd] = await roundTrip(Reports.contractData(12, stock), EventName.contractDetails)
    const s = obj(sd)
    assert.deepStrictEqual(
      [obj(s["contract"])["primaryExch"], s["secIdList"], s["stockType"]],
      ["ARCA", [{ tag: "ISIN", value: "US78462F1030" }], "ETF"]
    )
    assert.deepStrictEqual(s["ineligibilityReasonList"], [{ id: "1", description: "test" }])
    assert.deepStrictEqual(await roundTrip(Outgoing.contractDataEnd(12), EventName.contractDetailsEnd), [12])
  })

  it("ERR_MSG: order errors, notices (id -1), advanced reject JSON, and invalid JSON made safe", async () => {
    const fields = Outgoing.errorMessage({ id: 1001, code: 202, message: "Order Canceled - reason:" })
    assert.strictEqual(text(fields), "4\x002\x001001\x00202\x00Order Canceled - reason:\x00\x00")
    const [err, code, reqId] = await roundTrip(fields, EventName.error)
    assert.deepStrictEqual(
      [err instanceof Error ? err.message : err, code, reqId],
      ["Order Canceled - reason:", 202, 1001]
    )
    assert.deepStrictEqual(
      await roundTrip(
        Outgoing.errorMessage({ id: -1, code: 2104, message: "Market data farm connection is OK:usfarm" }),
        EventName.info
      ),
      ["Market data farm connection is OK:usfarm", 2104]
    )
    const adv = await roundTrip(
      Outgoing.errorMessage({
        id: 1002,
        code: 201,
        message: "Order rejected - reason:x",
        advancedOrderRejectJson: '{"rejectReason":"x"}'
      }),
      EventName.error
    )
    assert.deepStrictEqual(adv[3], { rejectReason: "x" })
    const bad = Outgoing.errorMessage({
      id: 1003,
      code: 201,
      message: "Order rejected",
      advancedOrderRejectJson: "{not json"
    })
    assert.strictEqual(bad[5], "")
    const safe = await roundTrip(bad, EventName.error)
    assert.deepStrictEqual([safe[1], safe[2], safe[3]], [201, 1003, undefined])
    assert.isFalse(Outgoing.isSafeAdvancedOrderRejectJson('{"a":"\\u0022"}'))
  })

  it("TICK_PRICE, TICK_SIZE (the bid size 1.6.10 drops), TICK_SNAPSHOT_END, MARKET_DATA_TYPE", async () => {
    const sizesBefore = events(EventName.tickSize).length
    assert.deepStrictEqual(
      await roundTrip(
        Outgoing.tickPrice({ tickerId: 13, tickType: Outgoing.TickType.BID, price: 4, size: 10, attrMask: 1 }),
        EventName.tickPrice
      ),
      [13, 1, 4, true]
    )
    assert.deepStrictEqual(
      await roundTrip(Outgoing.tickSize(13, Outgoing.TickType.BID_SIZE, 10), EventName.tickSize),
      [13, 0, 10]
    )
    assert.strictEqual(events(EventName.tickSize).length, sizesBefore + 1)
    assert.deepStrictEqual(
      await roundTrip(
        Outgoing.tickPrice({ tickerId: 13, tickType: Outgoing.TickType.ASK, price: 4.2, size: 12 }),
        EventName.tickSize
      ),
      [13, 3, 12]
    )
    assert.deepStrictEqual(await roundTrip(Outgoing.tickSnapshotEnd(13), EventName.tickSnapshotEnd), [13])
    assert.deepStrictEqual(await roundTrip(Outgoing.marketDataType(13, 3), EventName.marketDataType), [13, 3])
  })

  it("TICK_OPTION_COMPUTATION with values (golden) and not computed", async () => {
    const model = Outgoing.tickOptionComputation({
      tickerId: 13,
      tickType: Outgoing.TickType.MODEL_OPTION,
      impliedVol: 0.18,
      delta: 0.52,
      optPrice: 4.1,
      pvDividend: 0,
      gamma: 0.03,
      vega: 0.25,
      theta: -0.12,
      undPrice: 599.5
    })
    assert.strictEqual(
      text(model),
      "21\x0013\x0013\x000\x000.18\x000.52\x004.1\x000\x000.03\x000.25\x00-0.12\x00599.5\x00"
    )
    assert.deepStrictEqual(
      await roundTrip(model, EventName.tickOptionComputation),
      [13, 13, 0, 0.18, 0.52, 4.1, 0, 0.03, 0.25, -0.12, 599.5]
    )
    const bid = Outgoing.tickOptionComputation({ tickerId: 13, tickType: Outgoing.TickType.BID_OPTION })
    assert.deepStrictEqual(await roundTrip(bid, EventName.tickOptionComputation), [
      13,
      10,
      0,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined
    ])
  })

  it("CURRENT_TIME", async () => {
    assert.deepStrictEqual(await roundTrip(Outgoing.currentTime(1795623320), EventName.currentTime), [1795623320])
  })
})

describe("golden server frames and layout sizes", () => {
  it("hello and NEXT_VALID_ID, byte for byte", () => {
    const hello = Buffer.concat([Buffer.from("00000021", "hex"), Buffer.from(`193\0${CONNECTION_TIME}\0`)])
    assert.strictEqual(Frame.encodeFrame(Outgoing.serverHello(CONNECTION_TIME)).toString("hex"), hello.toString("hex"))
    assert.deepStrictEqual(Outgoing.serverHello(Date.UTC(2026, 10, 25, 15, 0, 0)), [193, CONNECTION_TIME])
    assert.strictEqual(
      Frame.encodeFrame(Outgoing.nextValidId(1000)).toString("hex"),
      "00000009" + "3900" + "3100" + "3130303000"
    )
  })

  it("OPEN_ORDER sizes: 133 plain, 141 with a delta-neutral order type, BAG adds 8N + M + 2K", () => {
    assert.strictEqual(OpenOrder.openOrder(call600, plainOrder, { status: "Submitted" }).length, 133)
    assert.strictEqual(
      OpenOrder.openOrder(call600, { ...plainOrder, deltaNeutralOrderType: "None" }, { status: "Submitted" }).length,
      141
    )
    assert.strictEqual(
      OpenOrder.openOrder(bag, { ...bagOrder, orderComboLegPrices: [1, undefined] }, { status: "Submitted" }).length,
      133 + 16 + 2 + 2
    )
    assert.strictEqual(OpenOrder.comboLegsDescrip(bag.comboLegs ?? []), "800001|1,800002|-1")
  })

  it("OPEN_ORDER head, golden (index by index)", () => {
    const f = OpenOrder.openOrder(bag, bagOrder, { status: "Submitted" })
    assert.deepStrictEqual(f.slice(0, 27), [
      5,
      1001,
      28812380,
      "SPY",
      "BAG",
      "",
      0,
      "?",
      "",
      "SMART",
      "USD",
      "",
      "",
      "BUY",
      3,
      "LMT",
      "1.25",
      U,
      "DAY",
      "",
      ACCOUNT,
      "",
      0,
      "spread-42",
      7,
      900001,
      false
    ])
    assert.strictEqual(f[69], "800001|1,800002|-1")
    assert.strictEqual(f[70], 2)
  })
})

describe("the harness catches layout drift (negative control)", () => {
  it("an OPEN_ORDER one field too long or too short makes the client report error 505", async () => {
    const h = await startHarness()
    try {
      const fields = OpenOrder.openOrder(call600, plainOrder, { status: "Submitted" })
      h.send([...fields, ""])
      await until(() => h.errors.find((e) => e.code === 505), 5_000, "505 for a long message")
      const before = h.errors.length
      h.send(fields.slice(0, -1))
      await until(() => h.errors.slice(before).find((e) => e.code === 505), 5_000, "505 for a short message")
    } finally {
      await h.close()
    }
  })
})
