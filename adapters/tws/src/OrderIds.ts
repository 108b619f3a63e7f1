/**
 * Order ids across every client of one server.
 *
 * TWS keeps one id sequence per clientId; this server fronts one broker, so ids are also unique across clients.
 * Invariants:
 * - an id names at most one order, whoever placed it;
 * - a client's new order must use an id above every id that client used before (else 103), as TWS requires;
 * - every NEXT_VALID_ID sent at connect is above every id ever used or handed out, so a reconnecting client's ids
 *   keep going up. Each connect reserves a block of ids for that client, so clients connected at the same time do
 *   not collide while each counts up from its own NEXT_VALID_ID.
 * @module
 */

/** Why an id cannot be used for a new order. */
export type IdRefusal = "UsedByAnother" | "NotAboveHighest" | "OutOfRange"

/** The id book. Not an Effect service: the server owns one and mutates it synchronously. */
export class OrderIds {
  private readonly used = new Set<number>()
  private readonly highestByClient = new Map<number, number>()
  private readonly blocks = new Map<number, { readonly start: number; readonly end: number }>()
  private highest: number
  private reservedUpTo: number
  private readonly blockSize: number

  /**
   * @param firstId the lowest id handed out (IB clients' request ids start at 1 and share the space, so order ids
   *   start well above them)
   * @param blockSize ids reserved for a client at each connect
   */
  constructor(firstId: number, blockSize: number) {
    this.highest = firstId - 1
    this.reservedUpTo = firstId - 1
    this.blockSize = Math.max(1, blockSize)
  }

  /** Records ids the broker already knows (orders from before this server started). */
  seed(ids: Iterable<number>): void {
    for (const id of ids) {
      this.used.add(id)
      this.highest = Math.max(this.highest, id)
    }
  }

  /** Highest id used by anyone. */
  get highestUsed(): number {
    return this.highest
  }

  /** The NEXT_VALID_ID for a client that just connected: above everything, with a fresh block reserved. */
  onConnect(clientId: number): number {
    const next = Math.max(this.highest, this.reservedUpTo) + 1
    this.reservedUpTo = next + this.blockSize - 1
    this.blocks.set(clientId, { start: next, end: this.reservedUpTo })
    return next
  }

  /**
   * The NEXT_VALID_ID answering REQ_IDS: the next id of the client's block (above its own highest), or a new
   * block when it is used up.
   */
  onRequest(clientId: number): number {
    const block = this.blocks.get(clientId)
    if (block === undefined) return this.onConnect(clientId)
    let next = Math.max((this.highestByClient.get(clientId) ?? 0) + 1, block.start)
    while (this.used.has(next)) next++
    return next <= block.end ? next : this.onConnect(clientId)
  }

  /** Whether `id` may be used for a new order of `clientId` (undefined when it may). */
  check(clientId: number, id: number): IdRefusal | undefined {
    if (!Number.isInteger(id) || id <= 0 || id >= 2_147_483_647) return "OutOfRange"
    if (this.used.has(id)) return "UsedByAnother"
    if (id <= (this.highestByClient.get(clientId) ?? 0)) return "NotAboveHighest"
    return undefined
  }

  /** Marks `id` as used by `clientId`. */
  use(clientId: number, id: number): void {
    this.used.add(id)
    this.highest = Math.max(this.highest, id)
    this.highestByClient.set(clientId, Math.max(this.highestByClient.get(clientId) ?? 0, id))
  }
}
