/**
 * The spreads step library for cucumber. Register it in your own support code:
 *
 * ```ts
 * import * as cucumber from "@cucumber/cucumber"
 * import { registerSpreadsSteps, simBackend } from "@spreads/testing"
 * registerSpreadsSteps(cucumber, { backend: () => simBackend() })
 * ```
 *
 * Market steps ("Given AAPL trades at 212.40", "Given the market is closed"), order steps (place any strategy, cancel,
 * modify), time steps ("When 500 ms pass") and assertions on order views, fills and events. The project's own
 * features use exactly these steps.
 * @module
 */
import {
  cancelAll,
  cancelOrder,
  getOrderStatus,
  listOrders,
  modifyOrder,
  OrderBook,
  placeSpreadOrder,
  quoteSpread,
  Broker,
  watchOrder
} from "@spreads/application"
import { Contract, Price, Strategy, Values } from "@spreads/domain"
import { BigDecimal, Effect, Result, Stream } from "effect"
import { ScenarioControl } from "../ScenarioControl.ts"
import { type SpreadsWorld, type WorldBackend } from "../World.ts"
import { assertThat, type StepApi } from "./support.ts"

/** Options of {@link registerSpreadsSteps}. */
export interface StepOptions {
  /** Builds the broker backend of a scenario (a fresh one per scenario). */
  readonly backend: () => WorldBackend | Promise<WorldBackend>
}

const control = Effect.gen(function* () {
  return yield* ScenarioControl
})
const bookOrder = (id: number) =>
  Effect.gen(function* () {
    return yield* (yield* OrderBook.OrderBook).get(id)
  })
const bookLog = (id: number) =>
  Effect.gen(function* () {
    return yield* (yield* OrderBook.OrderBook).log(id)
  })
const connectionState = Effect.gen(function* () {
  return yield* (yield* Broker).connectionState
})

const price = (amount: string, side: string): Price.NetPrice =>
  side === "credit" ? Price.credit(amount) : Price.debit(amount)

const getSpread = (w: SpreadsWorld): Strategy.OptionSpread => {
  if (w.spread === undefined) throw new Error("no spread yet: start with 'Given I have a valid ... spread'")
  return w.spread
}

const currentId = (w: SpreadsWorld): number => {
  if (w.orderId === undefined) throw new Error("no order yet: place one first")
  return w.orderId
}

const buildSpread = (
  w: SpreadsWorld,
  strategy: string,
  symbol: string,
  strikes: string,
  expiry: Contract.Expiry,
  back?: Contract.Expiry
) => {
  const kind = Strategy.parseStrategy(strategy.replaceAll(" ", "-"))
  if (Result.isFailure(kind) || kind.success === "CUSTOM") throw new Error(`unknown strategy ${strategy}`)
  return Strategy.makeSpread({
    strategy: kind.success,
    underlying: Values.make.underlying(symbol),
    expiry,
    strikes: strikes.split("/").map((s) => Price.dec(s)),
    ...(back === undefined ? {} : { backExpiry: back })
  })
}

/** Places an order for the current spread and remembers it. */
const place = async (
  w: SpreadsWorld,
  input: {
    quantity: number
    orderType: "MARKET" | "LIMIT"
    limitPrice?: Price.NetPrice
    action?: Values.Action
    orderRef?: string
  },
  attempt: boolean
) => {
  const spread = getSpread(w)
  const action = input.action ?? "BUY"
  const quote = await w.attempt(quoteSpread(spread, action))
  if (quote !== undefined) w.bag.set("natural", quote.natural)
  const effect = placeSpreadOrder({ spread, action, ...input })
  const view = attempt ? await w.attempt(effect) : await w.run(effect)
  if (view !== undefined) {
    w.orderId = view.id
    w.lastView = view
    if (!w.orders.includes(view.id)) w.orders.push(view.id)
  }
  return view
}

const naturalLimit = async (w: SpreadsWorld): Promise<Price.NetPrice> => {
  const quote = await w.run(quoteSpread(getSpread(w), "BUY"))
  return quote.natural
}

const view = (w: SpreadsWorld) => w.run(getOrderStatus(currentId(w)))

/** Registers every step and the World on the given cucumber module. */
export const registerSpreadsSteps = (cucumber: StepApi, options: StepOptions): void => {
  const { Given, When, Then } = cucumber

  // ---- broker and market ----
  Given(/^I am connected to the (?:broker|simulated broker)$/, async function (this: SpreadsWorld) {
    await this.start(await options.backend())
    const state = await this.run(connectionState)
    assertThat(state === "Connected", `expected a connected broker, it is ${state}`)
  })
  Given(
    /^([A-Z][A-Z0-9.]*) trades at (\d+(?:\.\d+)?)$/,
    async function (this: SpreadsWorld, symbol: string, p: string) {
      await this.run(Effect.flatMap(control, (c) => c.setUnderlyingPrice(symbol, p)))
    }
  )
  Given("the market is closed", async function (this: SpreadsWorld) {
    await this.run(Effect.flatMap(control, (c) => c.setMarketOpen(false)))
  })
  Given("the market is open", async function (this: SpreadsWorld) {
    await this.run(Effect.flatMap(control, (c) => c.setMarketOpen(true)))
  })
  Given("the broker is disconnected", async function (this: SpreadsWorld) {
    await this.run(Effect.flatMap(control, (c) => c.disconnect))
  })
  Given(/^fills are partial, (\d+) contracts? at a time$/, async function (this: SpreadsWorld, n: string) {
    const sizes = Array.from({ length: 1000 }, () => Number(n))
    await this.run(Effect.flatMap(control, (c) => c.scriptFills({ _tag: "Partial", sizes })))
  })
  Given(/^only (\d+) contracts? will fill$/, async function (this: SpreadsWorld, n: string) {
    await this.run(Effect.flatMap(control, (c) => c.scriptFills({ _tag: "Partial", sizes: [Number(n)] })))
  })
  Given("fills are scripted to be full", async function (this: SpreadsWorld) {
    await this.run(Effect.flatMap(control, (c) => c.scriptFills({ _tag: "Full" })))
  })
  Given("orders do not fill", async function (this: SpreadsWorld) {
    await this.run(Effect.flatMap(control, (c) => c.scriptFills({ _tag: "None" })))
  })
  Given(/^cancels take (\d+) seconds?$/, async function (this: SpreadsWorld, n: string) {
    await this.run(Effect.flatMap(control, (c) => c.setCancelLatency(Number(n) * 1000)))
  })
  Given("a fill will land while a cancel is pending", async function (this: SpreadsWorld) {
    await this.run(Effect.flatMap(control, (c) => c.setFaults({ fillDuringPendingCancel: true })))
  })
  Given("executions arrive before acknowledgements", async function (this: SpreadsWorld) {
    await this.run(Effect.flatMap(control, (c) => c.setFaults({ execBeforeAck: true })))
  })
  Given("the broker sends every status twice", async function (this: SpreadsWorld) {
    await this.run(Effect.flatMap(control, (c) => c.setFaults({ duplicateStatus: true })))
  })
  Given("the broker sends events out of order", async function (this: SpreadsWorld) {
    await this.run(Effect.flatMap(control, (c) => c.setFaults({ outOfOrder: true })))
  })
  Given("the broker drops acknowledgements", async function (this: SpreadsWorld) {
    await this.run(Effect.flatMap(control, (c) => c.setFaults({ dropAck: true })))
  })
  Given(
    /^the broker rejects the next order with IB code (\d+) "([^"]*)"$/,
    async function (this: SpreadsWorld, code: string, reason: string) {
      await this.run(Effect.flatMap(control, (c) => c.rejectNext(Number(code), reason)))
    }
  )

  // ---- risk settings ----
  Given(/^the risk limit is (\d+) contracts per order$/, function (this: SpreadsWorld, n: string) {
    this.settings = { ...this.settings, risk: { ...this.settings.risk, maxContractsPerOrder: Number(n) } }
  })
  Given(/^the risk limit is a max loss of \$(\d+) per order$/, function (this: SpreadsWorld, n: string) {
    this.settings = { ...this.settings, risk: { ...this.settings.risk, maxLossPerOrder: Number(n) } }
  })
  Given(/^the risk limit is (\d+) open orders$/, function (this: SpreadsWorld, n: string) {
    this.settings = { ...this.settings, risk: { ...this.settings.risk, maxOpenOrders: Number(n) } }
  })
  Given(/^the buying power is \$(\d+)$/, function (this: SpreadsWorld, n: string) {
    this.settings = { ...this.settings, risk: { ...this.settings.risk, buyingPower: Number(n) } }
  })

  // ---- spreads ----
  Given(
    /^I have a valid ([a-z -]+) spread for ([A-Z][A-Z0-9.]*) ([\d./]+) expiring in (\d+) weeks?$/,
    function (this: SpreadsWorld, strategy: string, symbol: string, strikes: string, weeks: string) {
      const built = buildSpread(this, strategy, symbol, strikes, this.fridayIn(Number(weeks)))
      if (Result.isFailure(built)) throw built.failure
      this.spread = built.success
    }
  )
  Given(
    /^I have a valid calendar spread for ([A-Z][A-Z0-9.]*) ([\d.]+) expiring in (\d+) weeks? and (\d+) weeks?$/,
    function (this: SpreadsWorld, symbol: string, strike: string, front: string, back: string) {
      const built = buildSpread(
        this,
        "calendar",
        symbol,
        strike,
        this.fridayIn(Number(front)),
        this.fridayIn(Number(back))
      )
      if (Result.isFailure(built)) throw built.failure
      this.spread = built.success
    }
  )
  Given(
    /^I have a custom combo on ([A-Z][A-Z0-9.]*) expiring in (\d+) weeks? with legs "([^"]+)"$/,
    function (this: SpreadsWorld, symbol: string, weeks: string, legs: string) {
      const expiry = this.fridayIn(Number(weeks))
      const parsed = legs.split(",").map((text) => {
        const [action, ratio, right, strike] = text.trim().split(/\s+/)
        return {
          contract: Contract.optionContract(
            Values.make.underlying(symbol),
            expiry,
            Price.dec(strike!),
            right as Values.Right
          ),
          action: action as Values.Action,
          ratio: Number(ratio)
        }
      })
      const built = Strategy.customSpread(parsed)
      if (Result.isFailure(built)) throw built.failure
      this.spread = built.success
    }
  )
  When(
    /^I try to build a ([a-z-]+) spread for ([A-Z][A-Z0-9.]*) ([\d./]+) expiring (?:in (\d+) weeks?|on (\d{4}-\d{2}-\d{2}))$/,
    function (
      this: SpreadsWorld,
      strategy: string,
      symbol: string,
      strikes: string,
      weeks: string | null,
      date: string | null
    ) {
      const today = this.backend?.today ?? "2026-11-25"
      const expiry = date === null ? Result.succeed(this.fridayIn(Number(weeks))) : Contract.parseExpiry(date, today)
      if (Result.isFailure(expiry)) {
        this.lastError = { tag: expiry.failure._tag, message: expiry.failure.message }
        return
      }
      const built = buildSpread(this, strategy, symbol, strikes, expiry.success)
      this.lastError = Result.isFailure(built) ? { tag: built.failure._tag, message: built.failure.message } : undefined
      if (Result.isSuccess(built)) this.spread = built.success
    }
  )

  // ---- placing ----
  const limitStep =
    /^I (place|try to place|have placed) a limit order for (\d+) contracts? at (\d+(?:\.\d+)?) (debit|credit)(?: with reference "([^"]+)")?$/
  const onLimit = async function (
    this: SpreadsWorld,
    verb: string,
    n: string,
    amount: string,
    side: string,
    ref: string | null
  ) {
    await place(
      this,
      {
        quantity: Number(n),
        orderType: "LIMIT",
        limitPrice: price(amount, side),
        ...(ref === null ? {} : { orderRef: ref })
      },
      verb === "try to place"
    )
  }
  Given(limitStep, onLimit)
  const naturalStep = /^I (place|have placed) a limit order for (\d+) contracts? at the natural price$/
  const onNatural = async function (this: SpreadsWorld, _verb: string, n: string) {
    await place(this, { quantity: Number(n), orderType: "LIMIT", limitPrice: await naturalLimit(this) }, false)
  }
  Given(naturalStep, onNatural)
  const marketStep = /^I (place|try to place|have placed) a (SHORT |LONG )?market order for (\d+) contracts?$/
  const onMarket = async function (this: SpreadsWorld, verb: string, direction: string | null, n: string) {
    await place(
      this,
      { quantity: Number(n), orderType: "MARKET", action: direction?.trim() === "SHORT" ? "SELL" : "BUY" },
      verb === "try to place"
    )
  }
  Given(marketStep, onMarket)
  When(
    /^I try to place a limit order for (\d+) contracts? without a price$/,
    async function (this: SpreadsWorld, n: string) {
      await place(this, { quantity: Number(n), orderType: "LIMIT" }, true)
    }
  )
  When(/^I place a market order for (\d+) contracts? and watch it$/, async function (this: SpreadsWorld, n: string) {
    const spread = getSpread(this)
    const views = await this.run(
      Effect.gen(function* () {
        const book = yield* OrderBook.OrderBook
        const placed = yield* placeSpreadOrder({ spread, action: "BUY", quantity: Number(n), orderType: "MARKET" })
        yield* book.get(placed.id)
        return yield* Stream.runCollect(watchOrder(placed.id))
      })
    )
    this.watched = [...views]
    this.orderId = views[0]?.id
  })

  // ---- waiting ----
  const passStep = /^(\d+) (ms|milliseconds?|seconds?) pass(?:es)?$/
  const onPass = async function (this: SpreadsWorld, n: string, unit: string) {
    await this.pass(unit === "ms" || unit.startsWith("milli") ? Number(n) : Number(n) * 1000)
  }
  Given(passStep, onPass)
  Given("the order is not yet filled", async function (this: SpreadsWorld) {
    const v = await view(this)
    assertThat(v.filled === 0, `expected no fills yet, ${v.filled} filled`)
  })
  Given("the order is filled", async function (this: SpreadsWorld) {
    await waitFor(this, (v) => v.status === "Filled", "Filled")
  })
  Given(/^the order has filled (\d+) contracts?$/, async function (this: SpreadsWorld, n: string) {
    await waitFor(this, (v) => v.filled >= Number(n), `${n} filled`)
  })

  // ---- cancel and modify ----
  When("I cancel the order", async function (this: SpreadsWorld) {
    const r = await this.run(cancelOrder(currentId(this)))
    this.cancelOutcome = r.outcome
    this.lastView = r.order
  })
  When("I try to cancel the order", async function (this: SpreadsWorld) {
    const r = await this.attempt(cancelOrder(currentId(this)))
    this.cancelOutcome = r?.outcome
  })
  When(/^I try to cancel order (\d+)$/, async function (this: SpreadsWorld, id: string) {
    await this.attempt(cancelOrder(Number(id)))
  })
  When("I cancel all orders", async function (this: SpreadsWorld) {
    await this.run(cancelAll())
  })
  When(
    /^I cancel the order and meanwhile place a limit order for (\d+) contracts? at (\d+(?:\.\d+)?) (debit|credit)$/,
    async function (this: SpreadsWorld, n: string, amount: string, side: string) {
      const spread = getSpread(this)
      const first = currentId(this)
      const [cancelled, placed] = await this.run(
        Effect.all(
          [
            cancelOrder(first),
            placeSpreadOrder({
              spread,
              action: "BUY",
              quantity: Number(n),
              orderType: "LIMIT",
              limitPrice: price(amount, side)
            })
          ],
          { concurrency: "unbounded" }
        )
      )
      this.cancelOutcome = cancelled.outcome
      this.lastView = placed
      this.bag.set("second", placed)
    }
  )
  const modifyPrice = /^I (modify|try to modify) the order to a limit of (\d+(?:\.\d+)?) (debit|credit)$/
  When(modifyPrice, async function (this: SpreadsWorld, verb: string, amount: string, side: string) {
    const effect = modifyOrder(currentId(this), { limitPrice: price(amount, side) })
    this.lastView = verb === "modify" ? await this.run(effect) : await this.attempt(effect)
  })
  When(
    /^I (modify|try to modify) the order to a quantity of (\d+)$/,
    async function (this: SpreadsWorld, verb: string, n: string) {
      const effect = modifyOrder(currentId(this), { quantity: Number(n) })
      this.lastView = verb === "modify" ? await this.run(effect) : await this.attempt(effect)
    }
  )

  // ---- assertions ----
  Then("the order should be submitted successfully", async function (this: SpreadsWorld) {
    const v = await view(this)
    assertThat(v.status === "Submitted" || v.status === "PreSubmitted", `expected Submitted, it is ${v.status}`)
  })
  Then("the order status should be tracked", async function (this: SpreadsWorld) {
    const v = await view(this)
    assertThat(v.filled + v.remaining === v.quantity, `filled ${v.filled} + remaining ${v.remaining} != ${v.quantity}`)
    assertThat(
      v.submittedAt.length > 0 && v.legs.length === getSpread(this).legs.length,
      "view lacks submit time or legs"
    )
    assertThat(v.orderRef.length > 0 && v.symbol === getSpread(this).underlying, "view lacks orderRef or symbol")
  })
  Then(
    /^the order status should be (PendingSubmit|PreSubmitted|Submitted|PartiallyFilled|PendingCancel|PendingReplace|Filled|Cancelled|ApiCancelled|Rejected|Inactive|Unknown)$/,
    async function (this: SpreadsWorld, status: string) {
      const v = await view(this)
      assertThat(v.status === status, `expected ${status}, it is ${v.status}`)
    }
  )
  Then("the order should be filled", async function (this: SpreadsWorld) {
    await waitFor(this, (v) => v.status === "Filled", "Filled")
  })
  Then("the order should be filled at market price", async function (this: SpreadsWorld) {
    const v = await waitFor(this, (x) => x.status === "Filled", "Filled")
    const natural = this.bag.get("natural") as Price.NetPrice | undefined
    assertThat(v.avgFillPrice !== null, "a filled order has an average fill price")
    if (natural !== undefined) {
      const paid = (side: string, amount: string) =>
        side === "debit" ? Price.dec(amount) : BigDecimal.negate(Price.dec(amount))
      const diff = BigDecimal.abs(
        BigDecimal.subtract(paid(v.avgFillPrice!.side, v.avgFillPrice!.amount), Price.toSigned(natural))
      )
      assertThat(
        BigDecimal.isLessThanOrEqualTo(diff, Price.dec("0.25")),
        `filled at ${v.avgFillPrice!.amount} ${v.avgFillPrice!.side}, the natural price was ${Price.formatNet(natural)}`
      )
    }
    const order = await this.run(bookOrder(v.id))
    assertThat(order.legFills.length >= order.combo.spread.legs.length, "every leg has an execution")
  })
  Then(
    /^the order should show (\d+) filled and (\d+) remaining$/,
    async function (this: SpreadsWorld, f: string, r: string) {
      const v = await view(this)
      assertThat(
        v.filled === Number(f) && v.remaining === Number(r),
        `expected ${f} filled and ${r} remaining, got ${v.filled} and ${v.remaining}`
      )
    }
  )
  Then("the order should be cancelled successfully", async function (this: SpreadsWorld) {
    const v = await view(this)
    assertThat(this.cancelOutcome === "Cancelled", `cancel outcome was ${this.cancelOutcome}`)
    assertThat(v.status === "Cancelled", `expected Cancelled, it is ${v.status}`)
  })
  Then(/^the order should be rejected with IB code (\d+)$/, async function (this: SpreadsWorld, code: string) {
    assertThat(
      this.lastError?.tag === "OrderRejected",
      `expected OrderRejected, got ${this.lastError?.tag ?? "no error"}`
    )
    assertThat(this.lastError!.message.includes(`IB ${code}`), `expected IB ${code} in "${this.lastError!.message}"`)
    const all = await this.run(listOrders())
    const last = all[all.length - 1]
    assertThat(last?.status === "Rejected" || last?.status === "Inactive", `the order is on record as ${last?.status}`)
    assertThat(last?.rejection?.code === Number(code), `recorded code ${last?.rejection?.code}`)
  })
  Then(/^the rejection reason should mention "([^"]+)"$/, function (this: SpreadsWorld, text: string) {
    assertThat(
      this.lastError?.message.includes(text) === true,
      `"${this.lastError?.message}" does not mention "${text}"`
    )
  })
  Then(
    /^the order should have (\d+) legs with actions ([A-Z,]+)$/,
    async function (this: SpreadsWorld, n: string, actions: string) {
      const v = await view(this)
      const got = v.legs.map((l) => l.action).join(",")
      assertThat(v.legs.length === Number(n) && got === actions, `legs ${got}, expected ${actions}`)
    }
  )
  Then("every leg should have been executed", async function (this: SpreadsWorld) {
    const order = await this.run(bookOrder(currentId(this)))
    const executed = new Set(order.legFills.map((f) => f.legIndex))
    assertThat(executed.size === order.combo.spread.legs.length, `legs executed: ${[...executed].join(",")}`)
  })
  Then(/^the leg ratios should be ([\d,]+)$/, async function (this: SpreadsWorld, ratios: string) {
    const v = await view(this)
    assertThat(v.legs.map((l) => l.ratio).join(",") === ratios, `ratios ${v.legs.map((l) => l.ratio).join(",")}`)
  })
  Then(/^the order action should be (BUY|SELL)$/, async function (this: SpreadsWorld, action: string) {
    const v = await view(this)
    assertThat(v.action === action, `action is ${v.action}`)
  })
  Then(/^the average fill price should be a (debit|credit)$/, async function (this: SpreadsWorld, side: string) {
    const v = await waitFor(this, (x) => x.status === "Filled", "Filled")
    assertThat(v.avgFillPrice?.side === side, `average fill is ${v.avgFillPrice?.amount} ${v.avgFillPrice?.side}`)
  })
  Then("the order should have been partially filled at least twice", async function (this: SpreadsWorld) {
    await waitFor(this, (x) => x.status === "Filled", "Filled")
    const log = await this.run(bookLog(currentId(this)))
    const fills = log.filter((e) => e._tag === "Filled")
    assertThat(fills.length >= 3, `${fills.length} fills`)
  })
  Then("the average fill price should be exact over all fills", async function (this: SpreadsWorld) {
    const order = await this.run(bookOrder(currentId(this)))
    let sum = Price.ZERO
    let qty = 0
    for (const f of order.fills) {
      sum = BigDecimal.sum(sum, BigDecimal.multiply(Price.toSigned(f.price), BigDecimal.fromBigInt(BigInt(f.quantity))))
      qty += f.quantity
    }
    const expected = Price.fromSigned(Price.divide(sum, BigDecimal.fromBigInt(BigInt(qty))))
    const v = await view(this)
    assertThat(
      v.avgFillPrice?.amount === Price.format(expected.amount) &&
        v.avgFillPrice.side === (expected._tag === "Debit" ? "debit" : "credit"),
      `average ${v.avgFillPrice?.amount}, expected ${Price.formatNet(expected)}`
    )
  })
  Then(/^the cancel should be refused because the order is (\w+)$/, function (this: SpreadsWorld, status: string) {
    assertThat(this.lastError?.tag === "CancelRefused", `expected CancelRefused, got ${this.lastError?.tag}`)
    assertThat(this.lastError!.message.includes(`is ${status}`), `"${this.lastError!.message}"`)
  })
  Then(/^the cancel outcome should be (\w+)$/, function (this: SpreadsWorld, outcome: string) {
    assertThat(this.cancelOutcome === outcome, `cancel outcome was ${this.cancelOutcome}`)
  })
  Then(/^I should be told "([^"]+)"$/, function (this: SpreadsWorld, text: string) {
    assertThat(this.lastError !== undefined, `expected an error mentioning "${text}", but the step succeeded`)
    assertThat(this.lastError!.message.includes(text), `"${this.lastError!.message}" does not mention "${text}"`)
  })
  Then("no order should be open", async function (this: SpreadsWorld) {
    const open = await this.run(listOrders({ open: true }))
    assertThat(open.length === 0, `${open.length} still open: ${open.map((o) => `${o.id} ${o.status}`).join(", ")}`)
  })
  Then("both should complete, the second order being Submitted", function (this: SpreadsWorld) {
    const second = this.bag.get("second") as { status: string } | undefined
    assertThat(this.cancelOutcome !== undefined, "the cancel did not complete")
    assertThat(second?.status === "Submitted", `second order is ${second?.status}`)
  })
  Then(
    /^the order limit price should be (\d+(?:\.\d+)?) (debit|credit)$/,
    async function (this: SpreadsWorld, amount: string, side: string) {
      const v = await view(this)
      assertThat(
        v.limitPrice?.amount === Price.format(Price.dec(amount)) && v.limitPrice.side === side,
        `limit is ${v.limitPrice?.amount} ${v.limitPrice?.side}`
      )
    }
  )
  Then("no order should have been sent", async function (this: SpreadsWorld) {
    const sent = await this.run(
      Effect.gen(function* () {
        const b = yield* Broker
        return (yield* b.openOrders).length + (yield* b.completedOrders).length
      }).pipe(Effect.orElseSucceed(() => 0))
    )
    const ours = await this.run(listOrders())
    assertThat(sent === 0 && ours.length === 0, `${sent} orders at the broker, ${ours.length} on record`)
  })
  Then(/^exactly one order should exist with reference "([^"]+)"$/, async function (this: SpreadsWorld, ref: string) {
    const all = await this.run(listOrders())
    const n = all.filter((o) => o.orderRef === ref).length
    assertThat(n === 1 && all.length === 1, `${n} orders with that reference, ${all.length} in all`)
  })
  Then(/^the watched statuses should end with (\w+)$/, function (this: SpreadsWorld, status: string) {
    assertThat(this.watched.at(-1)?.status === status, `watched ${this.watched.map((v) => v.status).join(" > ")}`)
  })
  Then(/^the watched statuses should include (\w+)$/, function (this: SpreadsWorld, status: string) {
    assertThat(
      this.watched.some((v) => v.status === status),
      `watched ${this.watched.map((v) => v.status).join(" > ")}`
    )
  })
}

/** Waits (in scenario time, up to 60 s) until the current order satisfies `done`. */
const waitFor = async (w: SpreadsWorld, done: (v: Awaited<ReturnType<typeof view>>) => boolean, what: string) => {
  for (let i = 0; i < 600; i++) {
    const v = await view(w)
    if (done(v)) return v
    await w.pass(100)
  }
  const v = await view(w)
  throw new Error(`order ${v.id} never became ${what}: it is ${v.status} with ${v.filled} filled`)
}
