/**
 * Option pricing for the simulated market: Black-Scholes (no dividends) with a simple volatility smile, greeks, and
 * IB's option price grid (0.01 under $3, 0.05 from $3). Floating point is fine here: model values are rounded onto
 * the grid, in integer cents, before anything leaves the simulator.
 * @module
 */

/** Milliseconds in a 365-day year: time to expiry is in calendar years. */
export const YEAR_MS = 365 * 86_400_000

/** Standard normal density. */
export const normPdf = (x: number): number => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI)

/** Standard normal distribution (Zelen & Severo / Abramowitz-Stegun 26.2.17, |error| < 7.5e-8). */
export const normCdf = (x: number): number => {
  const t = 1 / (1 + 0.2316419 * Math.abs(x))
  const poly = t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))))
  const tail = normPdf(x) * poly
  return x >= 0 ? 1 - tail : tail
}

/** Model value and greeks of one option, per share. Theta is per calendar day, vega per volatility point (1%). */
export interface ModelValue {
  readonly price: number
  readonly vol: number
  readonly delta: number
  readonly gamma: number
  readonly theta: number
  readonly vega: number
}

/**
 * Black-Scholes value of a call or put on spot `s`, strike `k`, `t` years to expiry, rate `r`, volatility `vol`.
 * At or after expiry (`t <= 0`) the value is intrinsic and the greeks are those of the payoff.
 */
export const blackScholes = (right: "C" | "P", s: number, k: number, t: number, r: number, vol: number): ModelValue => {
  if (t <= 0 || vol <= 0) {
    const itm = right === "C" ? s > k : s < k
    const price = Math.max(0, right === "C" ? s - k : k - s)
    return { price, vol, delta: itm ? (right === "C" ? 1 : -1) : 0, gamma: 0, theta: 0, vega: 0 }
  }
  const sqrtT = Math.sqrt(t)
  const d1 = (Math.log(s / k) + (r + 0.5 * vol * vol) * t) / (vol * sqrtT)
  const d2 = d1 - vol * sqrtT
  const disc = Math.exp(-r * t)
  const pdf = normPdf(d1)
  const gamma = pdf / (s * vol * sqrtT)
  const vega = (s * pdf * sqrtT) / 100
  if (right === "C") {
    const price = s * normCdf(d1) - k * disc * normCdf(d2)
    const theta = (-(s * pdf * vol) / (2 * sqrtT) - r * k * disc * normCdf(d2)) / 365
    return { price: Math.max(0, price), vol, delta: normCdf(d1), gamma, theta, vega }
  }
  const price = k * disc * normCdf(-d2) - s * normCdf(-d1)
  const theta = (-(s * pdf * vol) / (2 * sqrtT) + r * k * disc * normCdf(-d2)) / 365
  return { price: Math.max(0, price), vol, delta: normCdf(d1) - 1, gamma, theta, vega }
}

/**
 * Volatility at strike `k` for at-the-money volatility `atm` and spot `s`: a put skew plus curvature in
 * log-moneyness, clamped to [5%, 300%]. Lower strikes carry more volatility, as equity options do.
 */
export const smile = (atm: number, s: number, k: number): number => {
  const x = Math.log(k / s)
  return Math.min(3, Math.max(0.05, atm * (1 - 0.6 * x + 1.5 * x * x)))
}

/** IB's minimum option tick at a price in cents: 1 cent under $3, 5 cents from $3. */
export const tickCents = (cents: number): number => (cents < 300 ? 1 : 5)

/** Rounds a price (dollars) down onto the option grid, in cents; never below zero. */
export const floorTick = (price: number): number => {
  const c = Math.max(0, Math.floor(price * 100 + 1e-7))
  return c < 300 ? c : Math.floor(c / 5) * 5
}

/** Rounds a price (dollars) up onto the option grid, in cents. */
export const ceilTick = (price: number): number => {
  const c = Math.max(0, Math.ceil(price * 100 - 1e-7))
  return c <= 300 ? c : Math.ceil(c / 5) * 5
}

/** True when `cents` is a valid option price on IB's grid. */
export const isOnOptionGrid = (cents: number): boolean => Number.isInteger(cents) && cents % tickCents(cents) === 0

/**
 * Bid and ask (cents) around a model price: a spread of 2 cents plus 1.5% of the price, rounded outward onto the
 * grid, so the bid is below the ask by at least one tick and the bid is never negative.
 */
export const bidAsk = (model: number): { readonly bid: number; readonly ask: number } => {
  const half = (0.02 + 0.015 * model) / 2
  const bid = floorTick(model - half)
  let ask = ceilTick(model + half)
  if (ask <= bid) ask = bid + tickCents(bid)
  if (ask === 0) ask = 1
  return { bid, ask }
}
