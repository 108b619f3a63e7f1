/**
 * How a working order fills: the decision (market, marketable limit, resting limit by chance, scripted, forced) and
 * the execution report (one LegFilled per leg, the combo Filled, a CommissionReported per leg execution).
 *
 * Invariants: one execution never takes more than the order's remaining quantity; each leg execution is exactly
 * ratio x the combo execution; leg prices add up (dir x ratio) to the combo price, which is never worse for the
 * trader than the order's limit.
 * @module
 */
import type { OrderEvent, Price, Values } from "@spreads/domain"
import type { BrokerExecution } from "@spreads/application"
import * as Exec from "./Execution.ts"
import * as Random from "./Random.ts"
import type { Faults, SimConfig } from "./SimConfig.ts"
import type { SimMarket } from "./SimMarket.ts"
import type { SimOrder } from "./SimOrder.ts"
import * as V from "./Validation.ts"

const RESTING = Random.purpose("resting-fill")
const asExecId = (s: string) => s as Values.ExecId
const asQty = (n: number) => n as Values.Quantity

/** A position in one contract, as the simulated account holds it. */
export interface Position {
  readonly key: string
  readonly conId: number
  quantity: number
  /** Sum of signed quantity x price, in pips. */
  cost: number
}

/** What a fill needs from the broker around it (the engine). */
export interface FillDesk {
  readonly config: SimConfig
  readonly market: SimMarket
  readonly faults: Faults
  readonly positions: Map<string, Position>
  readonly send: (o: SimOrder, event: OrderEvent.OrderEvent) => void
  readonly record: (o: SimOrder, event: BrokerExecution["event"]) => void
  readonly finish: (o: SimOrder, at: number) => void
}

/** What a fill attempt came to. */
export type Outcome = "filled" | "inside" | "idle"

/**
 * One fill attempt on a working order at `at`. `forced` is the fault that makes a fill race a pending cancel.
 * "idle": nothing can fill until the market changes; "inside": a resting limit that missed its chance this time.
 */
export const attempt = (desk: FillDesk, o: SimOrder, at: number, forced: boolean): Outcome => {
  const remaining = o.quantity - o.filled
  if (remaining <= 0) return "idle"
  const quotes = o.legs.map((l) => desk.market.quote(l.contract, at))
  const sides = V.sidesOf(o.legs, quotes)
  const nat = Exec.costOf(
    sides,
    sides.map((s) => s.nat)
  )
  const far = Exec.costOf(
    sides,
    sides.map((s) => s.far)
  )
  const slipped = nat + desk.config.slippageTicks * Math.round(desk.config.comboTick * Exec.PIPS_PER_DOLLAR)
  const best = o.limit === undefined ? slipped : Math.min(nat, o.limit)
  if (forced) return execute(desk, o, at, desk.faults.fillDuringPendingCancel === "rest" ? remaining : 1, sides, best)
  const s = o.script
  if (s === "none") return "idle"
  if (s === "full") return execute(desk, o, at, remaining, sides, best)
  if (typeof s === "object") {
    const q = s.partial[o.scripted++]
    return q === undefined || q <= 0 ? "idle" : execute(desk, o, at, Math.min(q, remaining), sides, best)
  }
  let cap = remaining
  if (desk.config.partialFills) {
    for (let i = 0; i < o.legs.length; i++) {
      const size = o.legs[i]!.dir > 0 ? quotes[i]!.askSize : quotes[i]!.bidSize
      cap = Math.min(cap, Math.floor(size / o.legs[i]!.ratio))
    }
    cap = Math.max(1, cap)
  }
  if (o.limit === undefined) return execute(desk, o, at, cap, sides, slipped)
  if (nat <= o.limit) return execute(desk, o, at, cap, sides, nat)
  if (far >= o.limit) return "idle"
  const u = Random.uniformAt(desk.config.seed, RESTING, o.orderId, o.draws++)
  return u < desk.config.restingFillProbability ? execute(desk, o, at, cap, sides, o.limit) : "inside"
}

const execute = (
  desk: FillDesk,
  o: SimOrder,
  at: number,
  qty: number,
  sides: ReadonlyArray<Exec.LegSide>,
  target: number
): "filled" => {
  const { prices, total } = Exec.allocate(sides, target)
  const n = ++o.executions
  const legIds: Array<Values.ExecId> = []
  const commissions: Array<Price.Decimal> = []
  for (let i = 0; i < o.legs.length; i++) {
    const leg = o.legs[i]!
    const execId = asExecId(Exec.execIdOf(o.permId, n, i + 1))
    const commission = Exec.decimalOfPips(
      Exec.commissionPips(qty * leg.ratio, desk.config.commissionPerContract, desk.config.commissionMinimum)
    )
    legIds.push(execId)
    commissions.push(commission)
    const event = {
      _tag: "LegFilled",
      at,
      execId,
      legIndex: i,
      conId: leg.contract.conId,
      action: leg.action,
      quantity: asQty(qty * leg.ratio),
      price: Exec.decimalOfPips(prices[i]!)
    } as const
    // The executions snapshot carries the commission (as reqExecutions + commissionReport would); the live
    // report sends it separately, as IB does.
    desk.record(o, { ...event, commission })
    desk.send(o, event)
    const pos = desk.positions.get(leg.contract.key) ?? {
      key: leg.contract.key,
      conId: leg.contract.conId,
      quantity: 0,
      cost: 0
    }
    pos.quantity += leg.dir * leg.ratio * qty
    pos.cost += leg.dir * leg.ratio * qty * prices[i]!
    desk.positions.set(leg.contract.key, pos)
  }
  o.filled += qty
  o.notional += total * qty
  const fill: OrderEvent.OrderEvent = {
    _tag: "Filled",
    at,
    execId: asExecId(Exec.execIdOf(o.permId, n, 0)),
    quantity: asQty(qty),
    price: Exec.netPriceOfPips(total)
  }
  desk.record(o, fill)
  desk.send(o, fill)
  for (let i = 0; i < o.legs.length; i++) {
    desk.send(o, { _tag: "CommissionReported", at, execId: legIds[i]!, commission: commissions[i]! })
  }
  if (desk.faults.duplicateStatus) desk.send(o, fill)
  if (o.filled >= o.quantity) {
    o.status = "Filled"
    desk.finish(o, at)
  }
  if (desk.faults.outOfOrder) desk.send(o, { _tag: "Acknowledged", at, status: "Submitted", permId: o.permId })
  return "filled"
}
