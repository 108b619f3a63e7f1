/**
 * Exactly-once submission across crashes, against the embedded simulator whose state lives in the journal's database
 * (saved after every broker event, request and journal append, so the "broker" survives a crash up to its last save).
 * A child process is SIGKILLed at each step of a placement and of a cancel, restarted on the same database with the
 * same script, and then: every orderRef is one order at the broker and in the journal, no orderRef was placed twice,
 * nothing the broker has is missing from the journal, intents the broker never got are marked never-sent, the final
 * states are the broker's, and folding each order's journaled events gives what the process reported.
 */
import { afterAll, assert, describe, it } from "@effect/vitest"
import { SimStateStore } from "@spreads/journal"
import { Effect, Option } from "effect"
import { CASES, CHAIN, type Row, table } from "./fixtures/cases.ts"
import { crashAndRestart, crashChain, statusOf, type Variant } from "./fixtures/crash.ts"
import { account } from "./fixtures/harness.ts"
import { SIM_STATE_KEY } from "./fixtures/scenario.ts"
import { truthOfSimState } from "./fixtures/verify.ts"

const embedded: Variant = {
  broker: "sim",
  quietRestart: true,
  truth: (acct) =>
    Effect.scoped(
      Effect.gen(function* () {
        const store = yield* SimStateStore.make({ path: acct.db })
        const saved = yield* store.get(SIM_STATE_KEY)
        if (Option.isNone(saved)) return { orders: [], executions: [] }
        return truthOfSimState(saved.value)
      })
    ).pipe(Effect.orDie)
}

const rows: Array<Row> = []

describe("exactly-once submission across crashes (embedded simulator)", { concurrent: true }, () => {
  afterAll(() => {
    const order = [...CASES.map((c) => c.point as string), CHAIN.label]
    rows.sort((a, b) => order.indexOf(a.point) - order.indexOf(b.point))
    console.log(table("durability, embedded simulator (SIGKILL, restart, reconcile)", rows))
  })

  for (const c of CASES) {
    it.live(
      `killed ${c.point} (${c.target}): nothing lost, nothing placed twice, states are the broker's`,
      () =>
        Effect.scoped(
          Effect.gen(function* () {
            const acct = yield* account
            rows.push((yield* crashAndRestart(acct, c, embedded)).row)
          })
        ),
      30_000
    )
  }

  it.live(
    `${CHAIN.label}: nothing lost, nothing placed twice, states are the broker's`,
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const acct = yield* account
          const outcome = yield* crashChain(acct, CHAIN.script, CHAIN.kills, embedded, CHAIN.label)
          for (const [ref, status] of Object.entries(CHAIN.final)) {
            assert.strictEqual(statusOf(outcome.journal, ref), status, `${ref} should end ${status}`)
          }
          rows.push(outcome.row)
        })
      ),
    45_000
  )
})
