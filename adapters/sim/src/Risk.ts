/**
 * Margin as the simulator charges it. A defined-risk combo needs its max loss at expiry (what the trader can lose
 * after paying `cost`); an undefined-risk combo (net short calls) needs its loss after a 30% rally above the highest
 * strike or the spot, whichever is higher. Spreads over several expiries are valued on intrinsic value alone, which
 * charges a long calendar its debit. All amounts are per share, in pips (see Execution.ts).
 * @module
 */

/** A leg as the risk model needs it. */
export interface RiskLeg {
  /** +1 when the trader ends up long the leg, -1 when short. */
  readonly dir: 1 | -1
  readonly ratio: number
  readonly right: "C" | "P"
  readonly strikeCents: number
}

const valueAt = (legs: ReadonlyArray<RiskLeg>, spotCents: number): number => {
  let v = 0
  for (const l of legs) {
    const intrinsic = Math.max(0, l.right === "C" ? spotCents - l.strikeCents : l.strikeCents - spotCents)
    v += l.dir * l.ratio * intrinsic
  }
  return v * 100
}

/** True when the combo loses without bound as the underlying rises (more calls sold than bought). */
export const isUndefinedRisk = (legs: ReadonlyArray<RiskLeg>): boolean =>
  legs.reduce((slope, l) => (l.right === "C" ? slope + l.dir * l.ratio : slope), 0) < 0

/**
 * Margin per combo per share, in pips, for a trader cost of `cost` pips (positive = paid): the worst loss over a
 * spot of zero, every strike, and (for undefined risk) a 30% rally. Never negative.
 */
export const marginPips = (legs: ReadonlyArray<RiskLeg>, cost: number, spotCents: number): number => {
  let worst = Math.min(0, valueAt(legs, 0) - cost)
  let top = 0
  for (const l of legs) {
    worst = Math.min(worst, valueAt(legs, l.strikeCents) - cost)
    top = Math.max(top, l.strikeCents)
  }
  if (isUndefinedRisk(legs)) worst = Math.min(worst, valueAt(legs, Math.max(top, spotCents) * 1.3) - cost)
  return Math.round(-worst)
}
