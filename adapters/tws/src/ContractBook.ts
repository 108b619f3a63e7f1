/**
 * The server's book of contracts: wire contracts <-> domain OptionContracts, qualification through the Broker port,
 * and the conId -> contract map that lets BAG orders and market data name their legs by conId alone.
 *
 * Invariant: every conId the server ever sent (CONTRACT_DATA, executions, OPEN_ORDER legs) resolves here, so a
 * client that qualified its legs with this server can always place a BAG on them.
 * @module
 */
import { type Broker, BrokerError } from "@spreads/application"
import { Contract, Price, Values } from "@spreads/domain"
import { Effect, Result } from "effect"
import type { WireContract } from "./wire/Types.ts"

/** A contract request the book could not turn into an option: what was wrong, for error 200 / 321 texts. */
export interface ContractProblem {
  readonly code: 200 | 321
  readonly message: string
}

const problem = (code: 200 | 321, message: string): ContractProblem => ({ code, message })

/** "C"/"CALL" -> "C", "P"/"PUT" -> "P". */
export const parseRight = (right: string): Values.Right | undefined => {
  const r = right.trim().toUpperCase()
  if (r === "C" || r === "CALL") return "C"
  if (r === "P" || r === "PUT") return "P"
  return undefined
}

/** The exact decimal a wire strike stands for (a double such as 212.5). */
export const strikeOf = (strike: number): Price.Decimal | undefined => {
  const r = Price.parsePositivePrice(String(strike), "strike")
  return Result.isSuccess(r) ? r.success : undefined
}

/** A YYYYMMDD wire expiry as a domain Expiry (past dates allowed: the broker decides if they trade). */
export const expiryOf = (text: string): Contract.Expiry | undefined => {
  const r = Contract.parseExpiry(text.trim(), "0000-00-00")
  return Result.isSuccess(r) && /^\d{8}$/.test(text.trim()) ? r.success : undefined
}

/** The underlying symbol of a wire contract, if it is a valid one. */
export const underlyingOf = (symbol: string): Values.Underlying | undefined => {
  const r = Values.decodeField(Values.Underlying, "symbol")(symbol.trim().toUpperCase())
  return Result.isSuccess(r) ? r.success : undefined
}

/**
 * A fully specified OPT wire contract as an OptionContract (no conId). Fails with 200 when a field does not name
 * a listed-looking option: an unknown right, a missing or malformed expiry or strike.
 */
export const optionFromWire = (c: WireContract): Result.Result<Contract.OptionContract, ContractProblem> => {
  const underlying = underlyingOf(c.symbol)
  if (underlying === undefined) return Result.fail(problem(200, `symbol ${JSON.stringify(c.symbol)} is not valid`))
  const expiry = expiryOf(c.lastTradeDateOrContractMonth)
  if (expiry === undefined) {
    return Result.fail(problem(200, `expiry ${JSON.stringify(c.lastTradeDateOrContractMonth)} is not a YYYYMMDD date`))
  }
  const strike = strikeOf(c.strike)
  if (strike === undefined) return Result.fail(problem(200, `strike ${c.strike} is not valid`))
  const right = parseRight(c.right)
  if (right === undefined) return Result.fail(problem(200, `right ${JSON.stringify(c.right)} is not C or P`))
  const multiplier = c.multiplier === "" ? 100 : Number(c.multiplier)
  if (!Number.isFinite(multiplier) || multiplier <= 0) {
    return Result.fail(problem(200, `multiplier ${JSON.stringify(c.multiplier)} is not valid`))
  }
  return Result.succeed(
    Contract.optionContract(underlying, expiry, strike, right, {
      multiplier,
      exchange: c.exchange === "" ? "SMART" : c.exchange,
      currency: c.currency === "" ? "USD" : c.currency
    })
  )
}

/** An option as IB describes it on the wire: conId, OCC local symbol, trading class = the underlying. */
export const optionToWire = (c: Contract.OptionContract): WireContract => ({
  conId: c.conId ?? 0,
  symbol: c.underlying,
  secType: "OPT",
  lastTradeDateOrContractMonth: Contract.toIbExpiry(c.expiry),
  strike: Number(Price.format(c.strike, 0)),
  right: c.right,
  multiplier: String(c.multiplier),
  exchange: c.exchange,
  primaryExch: "",
  currency: c.currency,
  localSymbol: Contract.occSymbol(c),
  tradingClass: c.underlying
})

/** Well-known IB stock conIds, so a stock looks like the real one; others get a stable hash. */
const KNOWN_STOCKS: Readonly<Record<string, number>> = {
  AAPL: 265598,
  MSFT: 272093,
  SPY: 756733,
  QQQ: 320227571,
  TSLA: 76792991,
  NVDA: 4815747,
  IWM: 9579970
}

/** The conId of a stock: IB's for a few well-known symbols, otherwise a stable hash in 1,000,000..99,999,999. */
export const stockConId = (symbol: string): number => {
  const known = KNOWN_STOCKS[symbol]
  if (known !== undefined) return known
  let h = 0x811c9dc5
  for (let i = 0; i < symbol.length; i++) h = Math.imul(h ^ symbol.charCodeAt(i), 0x01000193)
  return 1_000_000 + ((h >>> 0) % 99_000_000)
}

/** A spread made of `contracts`, one BUY leg each, to qualify them in one broker call. */
const probeSpread = (contracts: ReadonlyArray<Contract.OptionContract>) => ({
  strategy: "CUSTOM" as const,
  underlying: contracts[0]!.underlying,
  legs: contracts.map((contract) => ({ contract, action: "BUY" as const, ratio: 1 }))
})

/** conId -> qualified option, filled by every qualification and every contract the server learns. */
export class ContractBook {
  private readonly byConId = new Map<number, Contract.OptionContract>()
  private readonly byKey = new Map<string, Contract.OptionContract>()
  private readonly broker: Broker["Service"]

  constructor(broker: Broker["Service"]) {
    this.broker = broker
  }

  /** The option qualified under `conId`, if the server has seen it. */
  get(conId: number): Contract.OptionContract | undefined {
    return this.byConId.get(conId)
  }

  /** Remembers a qualified option. */
  remember(c: Contract.OptionContract): void {
    if (c.conId === undefined) return
    this.byConId.set(c.conId, c)
    this.byKey.set(Contract.contractKey(c), c)
  }

  /**
   * Qualifies options (all on one underlying) with the broker, remembering each. Already known ones are answered
   * from the book. Fails with the broker's error (NoSecurityDefinition when a contract is not listed).
   */
  readonly qualify = (
    contracts: ReadonlyArray<Contract.OptionContract>
  ): Effect.Effect<ReadonlyArray<Contract.OptionContract>, BrokerError> => {
    const missing = contracts.filter((c) => !this.byKey.has(Contract.contractKey(c)))
    const done = () => contracts.map((c) => this.byKey.get(Contract.contractKey(c)) ?? c)
    if (missing.length === 0) return Effect.sync(done)
    return this.broker.qualify(probeSpread(missing)).pipe(
      Effect.flatMap((spread) => {
        const unresolved = spread.legs.find((leg) => leg.contract.conId === undefined)
        if (unresolved !== undefined) {
          const message = `no contract id for ${Contract.contractKey(unresolved.contract)}`
          return Effect.fail(new BrokerError({ reason: "NoSecurityDefinition", message, code: 200 }))
        }
        for (const leg of spread.legs) this.remember(leg.contract)
        return Effect.sync(done)
      })
    )
  }

  /**
   * The option a wire contract names: by conId when it is known, else by its fields (qualified with the broker).
   * Fails with 200 when nothing matches.
   */
  readonly resolve = (c: WireContract): Effect.Effect<Contract.OptionContract, ContractProblem> => {
    const known = c.conId > 0 ? this.byConId.get(c.conId) : undefined
    if (known !== undefined) return Effect.succeed(known)
    const parsed = optionFromWire(c)
    if (Result.isFailure(parsed)) {
      return Effect.fail(c.conId > 0 ? problem(200, `conId ${c.conId} is not known`) : parsed.failure)
    }
    return this.qualify([parsed.success]).pipe(
      Effect.map((list) => list[0]!),
      Effect.mapError((e) => problem(200, e.message))
    )
  }
}
