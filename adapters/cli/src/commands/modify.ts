/**
 * `spreads modify ORDER_ID --limit PRICE [--qty N]`: replaces the terms of a working order under the same id. The
 * new price keeps the order's side (debit or credit) unless --credit or --debit says otherwise.
 * @module
 */
import { getOrderStatus, modifyOrder } from "@spreads/application"
import { Price } from "@spreads/domain"
import { Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { StillWorking } from "../Errors.ts"
import * as Flags from "../Flags.ts"
import * as Inputs from "../Inputs.ts"
import * as Output from "../Output.ts"
import * as Runtime from "../Runtime.ts"

export const modify = Command.make(
  "modify",
  {
    ...Flags.common,
    id: Inputs.orderIdArg,
    limit: Flag.String("limit").pipe(Flag.withDescription("New net limit price"), Flag.optional),
    qty: Flag.String("qty").pipe(Flag.withDescription("New total quantity (not below what has filled)"), Flag.optional),
    credit: Flag.Boolean("credit").pipe(Flag.withDescription("The new price is a credit"), Flag.withDefault(false)),
    debit: Flag.Boolean("debit").pipe(Flag.withDescription("The new price is a debit"), Flag.withDefault(false))
  },
  Effect.fn("cli.modify")(function* (flags) {
    const env = yield* Flags.resolve(flags)
    const id = yield* Effect.fromResult(Inputs.decodeOrderId(flags.id))
    if (Option.isNone(flags.limit) && Option.isNone(flags.qty)) {
      return yield* Inputs.invalid(
        "--limit",
        "give a new price with --limit PRICE, a new quantity with --qty N, or both"
      )
    }
    if (flags.credit && flags.debit) {
      return yield* Inputs.invalid("--credit", "give --credit or --debit, not both")
    }
    const amount = Option.isSome(flags.limit)
      ? yield* Effect.fromResult(Inputs.decodeNetPrice(flags.limit.value, false)).pipe(Effect.map((p) => p.amount))
      : undefined
    const quantity = Option.isSome(flags.qty)
      ? yield* Effect.fromResult(Inputs.decodeQuantity(flags.qty.value))
      : undefined
    yield* Effect.gen(function* () {
      const before = yield* getOrderStatus(id)
      const side = flags.credit ? "credit" : flags.debit ? "debit" : (before.limitPrice?.side ?? "debit")
      const limitPrice =
        amount === undefined ? undefined : side === "credit" ? Price.credit(amount) : Price.debit(amount)
      const after = yield* modifyOrder(id, { limitPrice, quantity })
      yield* flags.json ? Output.json(after) : Output.line(`modified ${Output.orderLine(after)}`)
      if (after.status === "PendingReplace") {
        return yield* new StillWorking({
          orderId: id,
          status: after.status,
          message: `the broker has not confirmed the new terms of order ${id} yet (PendingReplace); check with \`spreads status ${id}\``
        })
      }
    }).pipe(Runtime.provide(flags, env))
  })
).pipe(Command.withDescription("Change the limit price and/or quantity of a working order"))
