/**
 * The simulator's agenda: a binary min-heap of timers ordered by (time, insertion order). Timers due at the same
 * millisecond run in the order they were scheduled, which keeps every run of a seed identical. Timers are data, not
 * fibers, so a thousand resting orders cost a thousand small records and one sleeping fiber.
 * @module
 */

/** A scheduled item. */
export interface Entry<A> {
  readonly at: number
  readonly seq: number
  readonly item: A
}

/** A min-heap of timed items. */
export class TimerQueue<A> {
  private heap: Array<Entry<A>> = []
  private seq = 0

  /** Number of pending timers. */
  get size(): number {
    return this.heap.length
  }

  /** Schedules `item` at `at`. */
  push(at: number, item: A): void {
    const h = this.heap
    h.push({ at, seq: this.seq++, item })
    let i = h.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(h[i]!, h[parent]!)) break
      swap(h, i, parent)
      i = parent
    }
  }

  /** Time of the earliest timer, or undefined when empty. */
  peekAt(): number | undefined {
    return this.heap[0]?.at
  }

  /** Removes and returns the earliest timer if it is due at or before `now`. */
  next(now: number): Entry<A> | undefined {
    const top = this.heap[0]
    return top === undefined || top.at > now ? undefined : this.pop()
  }

  /** Removes and returns the earliest timer. */
  pop(): Entry<A> | undefined {
    const h = this.heap
    const top = h[0]
    if (top === undefined) return undefined
    const last = h.pop()!
    if (h.length > 0) {
      h[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < h.length && before(h[l]!, h[m]!)) m = l
        if (r < h.length && before(h[r]!, h[m]!)) m = r
        if (m === i) break
        swap(h, i, m)
        i = m
      }
    }
    return top
  }

  /** Keeps only the timers `keep` accepts, in the same order (a sorted array is a heap). O(n log n). */
  retain(keep: (item: A) => boolean): void {
    this.heap = this.heap.filter((e) => keep(e.item)).sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0))
  }

  /** Drops every timer. */
  clear(): void {
    this.heap = []
  }
}

const before = <A>(a: Entry<A>, b: Entry<A>): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq)

const swap = <A>(h: Array<Entry<A>>, i: number, j: number): void => {
  const t = h[i]!
  h[i] = h[j]!
  h[j] = t
}
