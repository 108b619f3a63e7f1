/**
 * Plain records the wire codec reads and writes: contracts, orders, order states, executions, contract details.
 *
 * They mirror IB's own structures field for field and are independent of the project's domain model: the
 * server maps between the two. Optional fields default to what IB sends for "not set".
 * @module
 */

/** A tag/value pair (smart combo routing params, algo params, sec ids). */
export interface WireTagValue {
  readonly tag: string
  readonly value: string
}

/** One leg of a combo (BAG) contract. */
export interface WireComboLeg {
  readonly conId: number
  readonly ratio: number
  /** "BUY" or "SELL". */
  readonly action: string
  readonly exchange: string
  /** 0 same as parent, 1 open, 2 close, 3 unknown. */
  readonly openClose?: number
  readonly shortSaleSlot?: number
  readonly designatedLocation?: string
  /** -1 when not set. */
  readonly exemptCode?: number
}

/** The delta-neutral underlying attached to a contract. */
export interface WireDeltaNeutralContract {
  readonly conId: number
  readonly delta: number
  readonly price: number
}

/** A contract as it travels on the wire (conId and strike 0 when not set, strings "" when not set). */
export interface WireContract {
  readonly conId: number
  readonly symbol: string
  /** "STK", "OPT", "BAG", ... */
  readonly secType: string
  readonly lastTradeDateOrContractMonth: string
  readonly strike: number
  /** "C", "P", "" (BAG: "?" in OPEN_ORDER). */
  readonly right: string
  readonly multiplier: string
  readonly exchange: string
  readonly primaryExch: string
  readonly currency: string
  readonly localSymbol: string
  readonly tradingClass: string
  readonly secIdType?: string
  readonly secId?: string
  readonly comboLegs?: ReadonlyArray<WireComboLeg>
  /** OPEN_ORDER only: "conId|ratio,conId|ratio". */
  readonly comboLegsDescrip?: string
  readonly deltaNeutralContract?: WireDeltaNeutralContract
}

/** Order conditions (the six kinds IB defines; `type` is IB's number). */
export type WireOrderCondition =
  | {
      readonly type: 1
      readonly conjunction: "a" | "o"
      readonly isMore: boolean
      readonly price: number
      readonly conId: number
      readonly exchange: string
      readonly triggerMethod: number
    }
  | { readonly type: 3; readonly conjunction: "a" | "o"; readonly isMore: boolean; readonly time: string }
  | { readonly type: 4; readonly conjunction: "a" | "o"; readonly isMore: boolean; readonly percent: number }
  | {
      readonly type: 5
      readonly conjunction: "a" | "o"
      readonly secType: string
      readonly exchange: string
      readonly symbol: string
    }
  | {
      readonly type: 6 | 7
      readonly conjunction: "a" | "o"
      readonly isMore: boolean
      /** Volume (type 6) or percent change (type 7). */
      readonly value: number
      readonly conId: number
      readonly exchange: string
    }

/** The 8 extra delta-neutral order fields sent when `deltaNeutralOrderType` is not empty. */
export interface WireDeltaNeutralOrder {
  readonly conId: number
  readonly settlingFirm: string
  readonly clearingAccount: string
  readonly clearingIntent: string
  readonly openClose: string
  readonly shortSale: boolean
  readonly shortSaleSlot: number
  readonly designatedLocation: string
}

/** The 7 extra scale fields (PLACE_ORDER: when scalePriceIncrement is set; OPEN_ORDER: when it is > 0). */
export interface WireScaleParams {
  readonly priceAdjustValue?: number | undefined
  readonly priceAdjustInterval?: number | undefined
  readonly profitOffset?: number | undefined
  readonly autoReset: boolean
  readonly initPosition?: number | undefined
  readonly initFillQty?: number | undefined
  readonly randomPercent: boolean
}

/** The 5 pegged-to-benchmark fields sent for order type "PEG BENCH". */
export interface WirePegBench {
  readonly referenceContractId: number
  readonly isPeggedChangeAmountDecrease: boolean
  readonly peggedChangeAmount: number
  readonly referenceChangeAmount: number
  readonly referenceExchangeId: string
}

/**
 * An order. `orderId`, `action`, `totalQuantity` and `orderType` are required; everything else is optional and
 * defaults to IB's "not set" (undefined numbers are unset doubles/ints, undefined strings "", booleans false).
 * `clientId`, `permId`, `basisPoints*` and `bondAccruedInterest` exist only in OPEN_ORDER.
 */
export interface WireOrder {
  readonly orderId: number
  readonly action: string
  readonly totalQuantity: number
  readonly orderType: string
  readonly lmtPrice?: number | undefined
  readonly auxPrice?: number | undefined
  readonly tif?: string
  readonly ocaGroup?: string
  readonly account?: string
  readonly openClose?: string
  readonly origin?: number
  readonly orderRef?: string
  readonly transmit?: boolean
  readonly parentId?: number
  readonly blockOrder?: boolean
  readonly sweepToFill?: boolean
  readonly displaySize?: number | undefined
  readonly triggerMethod?: number
  readonly outsideRth?: boolean
  readonly hidden?: boolean
  readonly clientId?: number
  readonly permId?: number
  /** Per-leg prices of a BAG order (unset legs undefined). */
  readonly orderComboLegPrices?: ReadonlyArray<number | undefined>
  readonly smartComboRoutingParams?: ReadonlyArray<WireTagValue>
  readonly discretionaryAmt?: number
  readonly goodAfterTime?: string
  readonly goodTillDate?: string
  readonly faGroup?: string
  readonly faMethod?: string
  readonly faPercentage?: string
  readonly modelCode?: string
  readonly shortSaleSlot?: number
  readonly designatedLocation?: string
  readonly exemptCode?: number
  readonly ocaType?: number
  readonly rule80A?: string
  readonly settlingFirm?: string
  readonly allOrNone?: boolean
  readonly minQty?: number | undefined
  readonly percentOffset?: number | undefined
  readonly eTradeOnly?: boolean
  readonly firmQuoteOnly?: boolean
  readonly nbboPriceCap?: number | undefined
  readonly auctionStrategy?: number | undefined
  readonly startingPrice?: number | undefined
  readonly stockRefPrice?: number | undefined
  readonly delta?: number | undefined
  readonly stockRangeLower?: number | undefined
  readonly stockRangeUpper?: number | undefined
  readonly overridePercentageConstraints?: boolean
  readonly volatility?: number | undefined
  readonly volatilityType?: number | undefined
  readonly deltaNeutralOrderType?: string
  readonly deltaNeutralAuxPrice?: number | undefined
  readonly deltaNeutral?: WireDeltaNeutralOrder | undefined
  readonly continuousUpdate?: boolean
  readonly referencePriceType?: number | undefined
  readonly trailStopPrice?: number | undefined
  readonly trailingPercent?: number | undefined
  readonly basisPoints?: number | undefined
  readonly basisPointsType?: number | undefined
  readonly scaleInitLevelSize?: number | undefined
  readonly scaleSubsLevelSize?: number | undefined
  readonly scalePriceIncrement?: number | undefined
  readonly scale?: WireScaleParams | undefined
  readonly scaleTable?: string
  readonly activeStartTime?: string
  readonly activeStopTime?: string
  readonly hedgeType?: string
  readonly hedgeParam?: string
  readonly optOutSmartRouting?: boolean
  readonly clearingAccount?: string
  readonly clearingIntent?: string
  readonly notHeld?: boolean
  readonly algoStrategy?: string
  readonly algoParams?: ReadonlyArray<WireTagValue>
  readonly algoId?: string
  readonly whatIf?: boolean
  readonly solicited?: boolean
  readonly randomizeSize?: boolean
  readonly randomizePrice?: boolean
  readonly pegBench?: WirePegBench | undefined
  readonly conditions?: ReadonlyArray<WireOrderCondition>
  readonly conditionsIgnoreRth?: boolean
  readonly conditionsCancelOrder?: boolean
  readonly adjustedOrderType?: string
  readonly triggerPrice?: number | undefined
  readonly lmtPriceOffset?: number | undefined
  readonly adjustedStopPrice?: number | undefined
  readonly adjustedStopLimitPrice?: number | undefined
  readonly adjustedTrailingAmount?: number | undefined
  readonly adjustableTrailingUnit?: number
  readonly extOperator?: string
  readonly softDollarTier?: { readonly name: string; readonly value: string; readonly displayName?: string }
  readonly cashQty?: number | undefined
  readonly mifid2DecisionMaker?: string
  readonly mifid2DecisionAlgo?: string
  readonly mifid2ExecutionTrader?: string
  readonly mifid2ExecutionAlgo?: string
  readonly dontUseAutoPriceForHedge?: boolean
  readonly isOmsContainer?: boolean
  readonly discretionaryUpToLimitPrice?: boolean
  readonly usePriceMgmtAlgo?: boolean | undefined
  readonly duration?: number | undefined
  readonly postToAts?: number | undefined
  readonly autoCancelParent?: boolean
  readonly advancedErrorOverride?: string
  readonly manualOrderTime?: string
  readonly minTradeQty?: number | undefined
  readonly minCompeteSize?: number | undefined
  readonly competeAgainstBestOffset?: number | undefined
  readonly midOffsetAtWhole?: number | undefined
  readonly midOffsetAtHalf?: number | undefined
  readonly customerAccount?: string
  readonly professionalCustomer?: boolean
  readonly bondAccruedInterest?: string
  readonly includeOvernight?: boolean
  readonly manualOrderIndicator?: number | undefined
}

/** The state part of OPEN_ORDER: status, and the what-if margin and commission figures (undefined = unset). */
export interface WireOrderState {
  /** "PreSubmitted", "Submitted", "Filled", "Cancelled", ... */
  readonly status: string
  readonly initMarginBefore?: number | undefined
  readonly maintMarginBefore?: number | undefined
  readonly equityWithLoanBefore?: number | undefined
  readonly initMarginChange?: number | undefined
  readonly maintMarginChange?: number | undefined
  readonly equityWithLoanChange?: number | undefined
  readonly initMarginAfter?: number | undefined
  readonly maintMarginAfter?: number | undefined
  readonly equityWithLoanAfter?: number | undefined
  readonly commission?: number | undefined
  readonly minCommission?: number | undefined
  readonly maxCommission?: number | undefined
  readonly commissionCurrency?: string
  readonly warningText?: string
}

/** The state part of COMPLETED_ORDER: the final status, the quantity filled, and when and how the order ended. */
export interface WireCompletedOrderState {
  /** "Filled", "Cancelled", "ApiCancelled", "Inactive". */
  readonly status: string
  readonly filledQuantity: number
  /** "20261130 10:00:05 US/Eastern". */
  readonly completedTime: string
  /** IB's words, e.g. "Filled Size: 2", "Cancelled by Trader". */
  readonly completedStatus: string
}

/** One execution (fill), as in EXECUTION_DATA. */
export interface WireExecution {
  readonly orderId: number
  readonly execId: string
  /** "20261125 10:15:20 US/Eastern". */
  readonly time: string
  readonly acctNumber: string
  readonly exchange: string
  /** "BOT" or "SLD". */
  readonly side: string
  readonly shares: number
  readonly price: number
  readonly permId: number
  readonly clientId: number
  readonly liquidation?: number
  readonly cumQty: number
  readonly avgPrice: number
  readonly orderRef?: string
  readonly evRule?: string
  readonly evMultiplier?: number | undefined
  readonly modelCode?: string
  /** 1 added, 2 removed, 3 routed out. */
  readonly lastLiquidity?: number
  readonly pendingPriceRevision?: boolean
}

/** A commission report for one execution. */
export interface WireCommissionReport {
  readonly execId: string
  readonly commission: number
  readonly currency: string
  readonly realizedPNL?: number | undefined
  readonly yield?: number | undefined
  /** YYYYMMDD as an int, 0 when none. */
  readonly yieldRedemptionDate?: number
}

/** Contract details, as in CONTRACT_DATA (stocks, options, futures; not funds or bonds). */
export interface WireContractDetails {
  readonly contract: WireContract
  readonly marketName: string
  readonly minTick: number
  readonly orderTypes?: string
  readonly validExchanges?: string
  readonly priceMagnifier?: number
  readonly underConId?: number
  readonly longName?: string
  readonly contractMonth?: string
  readonly industry?: string
  readonly category?: string
  readonly subcategory?: string
  readonly timeZoneId?: string
  readonly tradingHours?: string
  readonly liquidHours?: string
  readonly evRule?: string
  readonly evMultiplier?: number | undefined
  readonly secIdList?: ReadonlyArray<WireTagValue>
  readonly aggGroup?: number
  readonly underSymbol?: string
  readonly underSecType?: string
  readonly marketRuleIds?: string
  readonly realExpirationDate?: string
  readonly lastTradeDate?: string
  readonly stockType?: string
  readonly minSize?: number | undefined
  readonly sizeIncrement?: number | undefined
  readonly suggestedSizeIncrement?: number | undefined
  readonly ineligibilityReasons?: ReadonlyArray<{ readonly id: string; readonly description: string }>
}
