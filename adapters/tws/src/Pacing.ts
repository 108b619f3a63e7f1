/**
 * TWS's message pacing: at most `limit` messages from one client in any window of `windowMs` (50 per second).
 * A message over the limit is refused (error 100) and not processed; refused messages do not count.
 * @module
 */

/** A sliding-window counter for one connection. Times are Clock milliseconds supplied by the caller. */
export class Pacer {
  private readonly times: Array<number> = []
  private start = 0
  private readonly limit: number
  private readonly windowMs: number

  constructor(limit: number, windowMs = 1000) {
    this.limit = limit
    this.windowMs = windowMs
  }

  /** True when a message arriving at `now` is within the limit (and counts it); false when it must be refused. */
  admit(now: number): boolean {
    while (this.start < this.times.length && this.times[this.start]! <= now - this.windowMs) this.start++
    if (this.start > 1024) {
      this.times.splice(0, this.start)
      this.start = 0
    }
    if (this.times.length - this.start >= this.limit) return false
    this.times.push(now)
    return true
  }
}
