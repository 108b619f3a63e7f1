/**
 * Deadlines of pending waits: an indexed binary min-heap, so a wait that ends early leaves it in O(log n) and the
 * heap only ever holds the waits still pending. Pure data; the OrderBook's one sleeper fiber reads it.
 * @module
 */

/** One pending wait's deadline. `index` is the entry's place in the heap (-1 once it left). */
export interface Deadline {
  readonly at: number
  index: number
}

/** The pending deadlines, earliest first. */
export class Deadlines<A extends Deadline> {
  private readonly heap: Array<A> = []

  /** Number of pending deadlines. */
  get size(): number {
    return this.heap.length
  }

  /** The earliest pending deadline. */
  peek(): A | undefined {
    return this.heap[0]
  }

  /** Adds an entry. */
  push(entry: A): void {
    entry.index = this.heap.length
    this.heap.push(entry)
    this.up(entry.index)
  }

  /** Removes an entry if it is still in the heap. */
  remove(entry: A): void {
    const i = entry.index
    const h = this.heap
    if (i < 0 || h[i] !== entry) return
    entry.index = -1
    const last = h.pop()!
    if (i === h.length) return
    h[i] = last
    last.index = i
    this.up(i)
    this.down(last.index)
  }

  private up(i: number): void {
    const h = this.heap
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (h[parent]!.at <= h[i]!.at) break
      this.swap(i, parent)
      i = parent
    }
  }

  private down(i: number): void {
    const h = this.heap
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < h.length && h[l]!.at < h[m]!.at) m = l
      if (r < h.length && h[r]!.at < h[m]!.at) m = r
      if (m === i) return
      this.swap(i, m)
      i = m
    }
  }

  private swap(i: number, j: number): void {
    const h = this.heap
    const a = h[i]!
    const b = h[j]!
    h[i] = b
    h[j] = a
    a.index = j
    b.index = i
  }
}
