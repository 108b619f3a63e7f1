/**
 * The connected API clients, by clientId. A clientId belongs to at most one live connection (a second one is
 * refused with 326) and is released when its socket closes. Order messages go to the order's owner (the clientId
 * that placed it, on whatever connection it has now) and to clients bound with REQ_AUTO_OPEN_ORDERS.
 * @module
 */
import type { WireFields } from "./wire/Values.ts"

/** What the rest of the server sees of one connection. */
export interface Peer {
  /** Connection number, unique for the server's life. */
  readonly connection: number
  /** The clientId from START_API; undefined before it. */
  readonly clientId: number | undefined
  /** Remote address, for logs. */
  readonly remote: string
  /** Sends one message now (handshake, answers to requests, errors). */
  readonly send: (fields: WireFields) => void
  /** Sends an order message, held while connectivity is down (quirk) and delivered after the restore notice. */
  readonly sendOrder: (fields: WireFields) => void
  /** True after REQ_AUTO_OPEN_ORDERS(true): receives every client's order messages. */
  readonly autoBind: boolean
  /** Delivers the order messages held during a connectivity window. */
  readonly resume: () => void
  /** Closes the socket. */
  readonly close: () => void
}

/** The registry. */
export class Clients {
  private readonly byClientId = new Map<number, Peer>()
  private readonly peers = new Set<Peer>()

  /** Registers a new connection (before its START_API). */
  add(peer: Peer): void {
    this.peers.add(peer)
  }

  /** Claims `clientId` for `peer`; false when another live connection holds it (TWS error 326). */
  claim(clientId: number, peer: Peer): boolean {
    const holder = this.byClientId.get(clientId)
    if (holder !== undefined && holder !== peer) return false
    this.byClientId.set(clientId, peer)
    return true
  }

  /** Forgets a closed connection and frees its clientId. */
  remove(peer: Peer): void {
    this.peers.delete(peer)
    if (peer.clientId !== undefined && this.byClientId.get(peer.clientId) === peer)
      this.byClientId.delete(peer.clientId)
  }

  /** The live connection of `clientId`, if any. */
  get(clientId: number): Peer | undefined {
    return this.byClientId.get(clientId)
  }

  /** Every connection, oldest first. */
  all(): ReadonlyArray<Peer> {
    return [...this.peers]
  }

  /** Connections that completed START_API, oldest first. */
  started(): ReadonlyArray<Peer> {
    return [...this.peers].filter((p) => p.clientId !== undefined)
  }

  /** Who hears about an order of `owner`: the owner's connection, then every bound connection. */
  audience(owner: number): ReadonlyArray<Peer> {
    const out: Array<Peer> = []
    const own = this.byClientId.get(owner)
    if (own !== undefined) out.push(own)
    for (const p of this.peers) if (p.autoBind && p !== own && p.clientId !== undefined) out.push(p)
    return out
  }
}
