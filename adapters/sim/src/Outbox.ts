/**
 * Where the simulated broker's events wait to go out. The engine only appends; the Effect shell drains the outbox
 * once the engine is back in a consistent state and publishes the batch. That matters because publishing to a
 * PubSub can run a waiting subscriber synchronously, and a subscriber may call the broker again: such a re-entrant
 * call then meets a settled engine, and its own events queue up behind the batch being published.
 *
 * While disconnected, executions are kept (as IB keeps them for reqExecutions) and status events are dropped; every
 * order the outage touched is noted so it can be reconciled when the connection comes back.
 * @module
 */
import type { BrokerEvent } from "@spreads/application"

/** The event outlet with its connection state. */
export class Outbox {
  private live = true
  private pending: Array<BrokerEvent> = []
  private missed: Array<BrokerEvent> = []
  private touched = new Set<number>()

  /** True while the connection is up. */
  get connected(): boolean {
    return this.live
  }

  /** True when events wait to be drained. */
  get hasPending(): boolean {
    return this.pending.length > 0
  }

  /** Queues one event, or holds it back while disconnected. */
  send(e: BrokerEvent): void {
    if (this.live) {
      this.pending.push(e)
      return
    }
    this.touched.add(e.orderId)
    const tag = e.event._tag
    if (tag === "Filled" || tag === "LegFilled" || tag === "CommissionReported") this.missed.push(e)
  }

  /** Takes every queued event, oldest first. */
  drain(): ReadonlyArray<BrokerEvent> {
    const out = this.pending
    if (out.length > 0) this.pending = []
    return out
  }

  /** Goes dark; `open` are the orders live at that moment, to be reconciled later. */
  disconnect(open: Iterable<number>): void {
    this.live = false
    for (const id of open) this.touched.add(id)
  }

  /** Comes back: queues the executions missed and returns the ids of the orders the outage touched. */
  reconnect(): ReadonlyArray<number> {
    this.live = true
    const touched = [...this.touched]
    for (const e of this.missed) this.pending.push(e)
    this.missed = []
    this.touched = new Set()
    return touched
  }
}
