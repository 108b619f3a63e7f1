/**
 * The CLI's own failures and the one table that turns every failure into an exit code and a sentence. Exit codes are
 * a public contract: 0 done, 2 bad input, 3 refused or rejected by the broker, 4 broker unreachable, 5 timed out while
 * the order is still working. 1 is left for what should never happen (a bug or a broken journal file).
 * @module
 */
import { Cause, Data } from "effect"

/** The order is still live when the wait ran out. Not a failure of the order: the user decides what comes next. */
export class StillWorking extends Data.TaggedError("StillWorking")<{
  readonly orderId: number
  readonly status: string
  readonly message: string
}> {}

/** The adapter the flags ask for is not part of this build, or cannot be loaded. */
export class AdapterUnavailable extends Data.TaggedError("AdapterUnavailable")<{ readonly message: string }> {}

/** Exit codes of the `spreads` command. */
export const ExitCode = {
  Ok: 0,
  Internal: 1,
  BadInput: 2,
  Refused: 3,
  Unreachable: 4,
  StillWorking: 5,
  Interrupted: 130
} as const

interface Tagged {
  readonly _tag: string
  readonly message?: unknown
  readonly reason?: unknown
}

const isTagged = (u: unknown): u is Tagged =>
  typeof u === "object" && u !== null && "_tag" in u && typeof (u as { _tag: unknown })._tag === "string"

/** The exit code for a typed failure. effect/cli's own errors (bad flags, unknown commands) are bad input. */
export const exitCodeOf = (error: unknown): number => {
  if (!isTagged(error)) return ExitCode.Internal
  switch (error._tag) {
    case "ValidationError":
    case "OrderNotFound":
    case "InvalidValue":
    case "MissingOption":
    case "MissingArgument":
    case "UnrecognizedOption":
    case "DuplicateOption":
    case "UnexpectedArgument":
    case "UnknownSubcommand":
    case "ShowHelp":
    case "UserError":
    case "SimConfigError":
      return ExitCode.BadInput
    case "OrderRejected":
    case "CancelRefused":
    case "ModifyRefused":
    case "RiskRefused":
      return ExitCode.Refused
    case "BrokerError":
      return error.reason === "Rejected" || error.reason === "NoSecurityDefinition"
        ? ExitCode.Refused
        : ExitCode.Unreachable
    case "AdapterUnavailable":
      return ExitCode.Unreachable
    case "JournalError":
      // A --db that is not a spreads journal (or one from a newer spreads) is the user's to fix; I/O is not. A refused
      // write (an orderRef already taken) is a refusal, like the broker's.
      if (error.reason === "Conflict") return ExitCode.Refused
      return error.reason === "Corrupt" || error.reason === "TooNew" ? ExitCode.BadInput : ExitCode.Internal
    case "StillWorking":
      return ExitCode.StillWorking
    default:
      return ExitCode.Internal
  }
}

/** One or two sentences for a person; never a stack trace. */
export const describe = (error: unknown): string => {
  if (!isTagged(error)) return `unexpected failure: ${String(error).split("\n")[0]}`
  const message = typeof error.message === "string" && error.message !== "" ? error.message : error._tag
  switch (error._tag) {
    case "BrokerError":
      return exitCodeOf(error) === ExitCode.Unreachable
        ? `${message}. Is the broker running? With --broker ib check TWS/IB Gateway, --host and --port.`
        : message
    case "RiskRefused":
      return `${message} (pre-trade risk check; nothing was sent)`
    case "JournalError":
      return `the order journal failed: ${message}. Check --db (or SPREADS_DB).`
    case "SimStateError":
      return `the simulated account in the database could not be restored: ${message}. Use another --db for a fresh account.`
    default:
      return message
  }
}

/** The exit code and sentence for a whole Cause: interruption (Ctrl-C) is 130, a defect is an internal error. */
export const fromCause = (cause: Cause.Cause<unknown>): { readonly code: number; readonly message?: string } => {
  const failure = cause.reasons.find(Cause.isFailReason)
  if (failure !== undefined) return { code: exitCodeOf(failure.error), message: describe(failure.error) }
  const defect = cause.reasons.find(Cause.isDieReason)
  if (defect !== undefined) {
    return { code: ExitCode.Internal, message: `internal error: ${describeDefect(defect.defect)}` }
  }
  return Cause.hasInterruptsOnly(cause) ? { code: ExitCode.Interrupted } : { code: ExitCode.Internal }
}

const describeDefect = (defect: unknown): string => {
  if (isTagged(defect) && typeof defect.message === "string" && defect.message !== "") return defect.message
  if (defect instanceof Error) return defect.message.split("\n")[0] ?? defect.name
  return String(defect).split("\n")[0] ?? "unknown"
}
