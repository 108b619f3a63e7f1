/**
 * Leg qualification: each leg's IB contract id from reqContractDetails, cached by `Contract.contractKey`.
 *
 * Only legs are ever looked up: IB answers 321 to contract details for a BAG. A leg IB does not know fails with
 * BrokerError NoSecurityDefinition naming the leg ("leg 2 (AAPL 2026-12-18 215.00 C)"). When several listings match
 * (SPX and SPXW share strikes and expiries), the one whose trading class is the underlying's symbol wins; otherwise
 * the leg is refused as ambiguous rather than guessed.
 *
 * Concurrent qualifications of the same leg (several placements of a spread not qualified yet) share one in-flight
 * lookup: one contract-details request per contract, whoever asked first. The lookup runs in the qualifier's own
 * scope, so a caller that gives up (interrupted, timed out) never cancels it for the others; a failed lookup is not
 * cached, and the next qualification asks again.
 * @module
 */
import { BrokerError } from "@spreads/application"
import { Contract as DomainContract, Price, type Strategy } from "@spreads/domain"
import { type Contract, type ContractDetails, OptionType, SecType } from "@stoqey/ib"
import { Deferred, Effect, type Scope } from "effect"
import type { IbConnection } from "./IbConnection.ts"
import * as Requests from "./Requests.ts"

/** The qualifier of one connection. */
export interface Qualifier {
  /** The spread with every leg's conId filled in (legs that have one are kept as they are). */
  readonly qualify: (spread: Strategy.OptionSpread) => Effect.Effect<Strategy.OptionSpread, BrokerError>
  /** One option's conId (cached). `label` names it in errors. */
  readonly conId: (contract: DomainContract.OptionContract, label: string) => Effect.Effect<number, BrokerError>
  /** Contract details for any contract (not cached): for the underlying and the chain. */
  readonly details: (contract: Contract, what: string) => Effect.Effect<ReadonlyArray<ContractDetails>, BrokerError>
  /** The leg contract known under a conId (from earlier qualifications). */
  readonly byConId: (conId: number) => DomainContract.OptionContract | undefined
}

/** The IB contract of an option leg (no conId: that is what is being asked). */
export const optionContract = (c: DomainContract.OptionContract): Contract => ({
  symbol: c.underlying,
  secType: SecType.OPT,
  lastTradeDateOrContractMonth: DomainContract.toIbExpiry(c.expiry),
  strike: Number(Price.format(c.strike, 0)),
  right: c.right === "C" ? OptionType.Call : OptionType.Put,
  multiplier: c.multiplier,
  exchange: c.exchange,
  currency: c.currency
})

/** Picks the one listing a leg means, or explains why it cannot. */
export const pick = (
  c: DomainContract.OptionContract,
  label: string,
  found: ReadonlyArray<ContractDetails>
): number | BrokerError => {
  const conIds = [
    ...new Set(found.map((d) => d.contract.conId).filter((id): id is number => typeof id === "number" && id > 0))
  ]
  if (conIds.length === 1) return conIds[0]!
  if (conIds.length === 0) {
    return new BrokerError({
      reason: "NoSecurityDefinition",
      code: 200,
      message: `${label}: No security definition has been found (IB 200): IB lists no such option; check the expiry, strike and right`
    })
  }
  const primary = found.filter((d) => d.contract.tradingClass === c.underlying)
  const primaryIds = [...new Set(primary.map((d) => d.contract.conId))]
  if (primaryIds.length === 1 && typeof primaryIds[0] === "number") return primaryIds[0]
  const classes = [...new Set(found.map((d) => d.contract.tradingClass ?? "?"))].join(", ")
  return new BrokerError({
    reason: "NoSecurityDefinition",
    message: `${label}: ${conIds.length} IB listings match (trading classes ${classes}); give the leg's conId to choose one`
  })
}

/** A qualifier over `connection`, with an empty cache; shared lookups live as long as the scope. */
export const make = (connection: IbConnection): Effect.Effect<Qualifier, never, Scope.Scope> =>
  Effect.gen(function* () {
    const scope = yield* Effect.scope
    const cache = new Map<string, number>()
    const reverse = new Map<number, DomainContract.OptionContract>()
    const inFlight = new Map<string, Deferred.Deferred<number, BrokerError>>()

    const details = (contract: Contract, what: string) =>
      Requests.run<ReadonlyArray<ContractDetails>>(connection, {
        what,
        send: (api, reqId) => api.reqContractDetails(reqId, contract),
        handler: (reqId) => {
          const found: Array<ContractDetails> = []
          return (event) => {
            if (event._tag === "ContractDetails" && event.reqId === reqId) found.push(event.details)
            if (event._tag === "ContractDetailsEnd" && event.reqId === reqId) return Requests.done(found)
            return Requests.next
          }
        }
      })

    const lookup = (c: DomainContract.OptionContract, key: string, label: string): Effect.Effect<number, BrokerError> =>
      Effect.gen(function* () {
        const found = yield* details(optionContract(c), `contract details for ${label}`).pipe(
          Effect.mapError((e) =>
            e.reason === "NoSecurityDefinition"
              ? new BrokerError({
                  reason: "NoSecurityDefinition",
                  ...(e.code === undefined ? {} : { code: e.code }),
                  message: `${label}: No security definition has been found (IB 200): IB lists no such option; check the expiry, strike and right`
                })
              : e
          )
        )
        const picked = pick(c, label, found)
        if (typeof picked !== "number") return yield* picked
        cache.set(key, picked)
        reverse.set(picked, { ...c, conId: picked })
        return picked
      })

    const conId = (c: DomainContract.OptionContract, label: string): Effect.Effect<number, BrokerError> =>
      Effect.suspend(() => {
        if (c.conId !== undefined) {
          reverse.set(c.conId, c)
          return Effect.succeed(c.conId)
        }
        const key = DomainContract.contractKey(c)
        const cached = cache.get(key)
        if (cached !== undefined) return Effect.succeed(cached)
        const running = inFlight.get(key)
        if (running !== undefined) return Deferred.await(running)
        const shared = Deferred.makeUnsafe<number, BrokerError>()
        inFlight.set(key, shared)
        // The first caller's label names the leg in errors: the same contract is the same leg for every caller.
        return lookup(c, key, label).pipe(
          Effect.onExit((exit) =>
            Effect.sync(() => {
              inFlight.delete(key)
            }).pipe(Effect.andThen(Deferred.done(shared, exit)))
          ),
          Effect.forkIn(scope),
          Effect.andThen(Deferred.await(shared))
        )
      })

    const qualify = (spread: Strategy.OptionSpread) =>
      Effect.map(
        Effect.forEach(
          spread.legs,
          (leg, i) =>
            Effect.map(conId(leg.contract, `leg ${i + 1} (${DomainContract.contractKey(leg.contract)})`), (id) => ({
              ...leg,
              contract: { ...leg.contract, conId: id }
            })),
          { concurrency: 4 }
        ),
        (legs): Strategy.OptionSpread => ({ ...spread, legs })
      )

    return { qualify, conId, details, byConId: (id) => reverse.get(id) } satisfies Qualifier
  })
