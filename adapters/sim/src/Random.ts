/**
 * Seeded randomness for the simulator, with no global state and no `Math.random`.
 *
 * Two shapes:
 * - counter-based draws ({@link uniformAt}, {@link normalAt}): a pure function of `(seed, purpose, keys...)`. The
 *   simulator uses these everywhere, so a draw is addressed by what it is for (the spot step of AAPL at minute m, the
 *   third fill attempt of order 1004) and adding a draw somewhere never shifts any other.
 * - streams ({@link stream}): an sfc32 generator for code that wants a sequence; {@link split} derives an independent
 *   stream per purpose from one seed.
 * @module
 */

const TWO_POW_32 = 4294967296

/** 32-bit FNV-1a hash of a string: stable across runs, platforms and Node versions. */
export const hashString = (s: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** The murmur3 finalizer: a bijective 32-bit avalanche mix. */
export const mix32 = (x: number): number => {
  let h = x >>> 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** Folds a key (any finite number, including epoch-scale integers) into a running 32-bit hash. */
export const combine = (h: number, key: number): number => {
  const lo = key >>> 0
  const hi = Math.floor(key / TWO_POW_32) >>> 0
  const a = mix32((h ^ lo) + 0x9e3779b9)
  return mix32((a ^ hi) + 0x7f4a7c15)
}

/** A purpose name hashed once: pass it as the first key of a counter-based draw. */
export const purpose = (name: string): number => hashString(name)

const key2 = (seed: number, p: number, a: number, b: number, c: number, d: number): number =>
  combine(combine(combine(combine(combine(mix32(seed), p), a), b), c), d)

/** A uniform draw in [0, 1) addressed by `(seed, purpose, a, b, c, d)`; the same address always gives the same draw. */
export const uniformAt = (seed: number, p: number, a = 0, b = 0, c = 0, d = 0): number =>
  key2(seed, p, a, b, c, d) / TWO_POW_32

/** A standard normal draw addressed like {@link uniformAt} (Box-Muller over two derived uniforms). */
export const normalAt = (seed: number, p: number, a = 0, b = 0, c = 0): number => {
  const h = key2(seed, p, a, b, c, 0)
  const u1 = (mix32(h ^ 0x68e31da4) + 0.5) / TWO_POW_32
  const u2 = mix32(h ^ 0xb5297a4d) / TWO_POW_32
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2)
}

/** A whole number in [min, max] (both included) from a uniform draw `u`. */
export const intIn = (u: number, min: number, max: number): number =>
  max <= min ? min : min + Math.min(max - min, Math.floor(u * (max - min + 1)))

/** A sequential generator. Each call advances its own state only. */
export interface Stream {
  /** Next 32-bit unsigned integer. */
  readonly next: () => number
  /** Next uniform in [0, 1). */
  readonly float: () => number
  /** Next standard normal. */
  readonly normal: () => number
  /** Next whole number in [min, max]. */
  readonly int: (min: number, max: number) => number
}

/** An sfc32 stream seeded from `seed` (any number; it is mixed first, so 1 and 2 give unrelated streams). */
export const stream = (seed: number): Stream => {
  let a = mix32(seed ^ 0x9e3779b9)
  let b = mix32(seed ^ 0x243f6a88)
  let c = mix32(seed ^ 0xb7e15162)
  let d = 1
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return t >>> 0
  }
  for (let i = 0; i < 12; i++) next()
  const float = () => next() / TWO_POW_32
  return {
    next,
    float,
    normal: () => Math.sqrt(-2 * Math.log((next() + 0.5) / TWO_POW_32)) * Math.cos(2 * Math.PI * float()),
    int: (min, max) => intIn(float(), min, max)
  }
}

/** An independent stream for one purpose of one seed: `split(7, "latency")` never overlaps `split(7, "sizes")`. */
export const split = (seed: number, name: string): Stream => stream(combine(mix32(seed), hashString(name)))
