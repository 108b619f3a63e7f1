/**
 * Exactly-once submission across crashes with the live IB adapter (@spreads/ib) against the TWS simulator server.
 * The server and its simulator run in the test process and survive; the worker connects with a fixed clientId and
 * the SQLite journal, is SIGKILLed at each kill point, restarts with the same clientId and reconciles over the wire.
 * The broker's truth is what the server's simulator holds. A place that a SIGKILL drops with the socket is allowed,
 * but must then end up marked never-sent, like an intent that was never sent.
 *
 * Leg executions (and their commissions) of an order that finished before the restart are recovered: the adapter
 * reads the order's legs from the journal. An order cancelled while the worker was down (no execution, and the TWS
 * simulator does not answer REQ_COMPLETED_ORDERS) ends Cancelled: the restarted worker's cancel is refused with 10148
 * "state: Cancelled", which the adapter reports as the order's state.
 */
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { CASES, type Case, CHAIN, type Row, table } from "./fixtures/cases.ts"
import { crashAndRestart, crashChain, type Outcome, statusOf, type Variant } from "./fixtures/crash.ts"
import { account } from "./fixtures/harness.ts"
import type { Step } from "./fixtures/scenario.ts"
import { startTws } from "./fixtures/tws.ts"
import type { Problem } from "./fixtures/verify.ts"

const CLIENT_ID = 7
const KNOWN_GAPS: Variant["knownGaps"] = ["leg-execution", "commission", "completed-order-status"]
const rows: Array<Row> = []
const gaps: Array<Problem & { readonly point: string }> = []

/** Each case's outcome, for the pinned known-gap tests (which read the same runs instead of running their own). */
const outcomes = new Map(
  CASES.map((c) => {
    let settle!: (exit: Exit.Exit<Outcome>) => void
    const promise = new Promise<Outcome>((resolve, reject) => {
      settle = (exit) => (Exit.isSuccess(exit) ? resolve(exit.value) : reject(new Error(`${c.point} failed`)))
    })
    promise.catch(() => undefined)
    return [c.point, { promise, settle }] as const
  })
)

/** A fresh server (its simulator scripting the script's partial orders), an account, and the variant over them. */
const setUp = (script: ReadonlyArray<Step>) =>
  Effect.gen(function* () {
    const partial = script.flatMap((s) => (s.op === "place" && s.kind === "partial" ? [s.ref] : []))
    const tws = yield* startTws(partial)
    const acct = yield* account
    const variant: Variant = {
      broker: `ib:${tws.port}:${CLIENT_ID}`,
      truth: () => tws.truth,
      lostInFlight: true,
      quietRestart: false,
      knownGaps: KNOWN_GAPS
    }
    return { acct, variant }
  })

const runCase = (c: Case) => Effect.flatMap(setUp(c.script), ({ acct, variant }) => crashAndRestart(acct, c, variant))

/** The known gaps a case found about one order. */
const gapsOf = async (point: Case["point"], ref: string) =>
  (await outcomes.get(point)!.promise).gaps.filter((g) => g.text.startsWith(`${ref}:`))

describe("exactly-once submission across crashes (IB adapter over the TWS simulator)", { concurrent: true }, () => {
  afterAll(() => {
    const order = [...CASES.map((c) => c.point as string), CHAIN.label]
    rows.sort((a, b) => order.indexOf(a.point) - order.indexOf(b.point))
    console.log(table("durability, IB adapter -> TWS simulator (SIGKILL, reconnect same clientId, reconcile)", rows))
    const seen = [...new Set(gaps.map((g) => `  ${g.point} [${g.kind}] ${g.text}`))]
    if (seen.length > 0) console.log(`known gaps seen:\n${seen.join("\n")}`)
  })

  for (const c of CASES) {
    it.live(
      `killed ${c.point} (${c.target}): nothing lost, nothing placed twice, states are the broker's`,
      () =>
        Effect.scoped(runCase(c)).pipe(
          Effect.onExit((exit) => Effect.sync(() => outcomes.get(c.point)!.settle(exit))),
          Effect.map((outcome) => {
            rows.push(outcome.row)
            gaps.push(...outcome.gaps.map((g) => ({ ...g, point: c.point })))
          })
        ),
      40_000
    )
  }

  it.live(
    `${CHAIN.label}: nothing lost, nothing placed twice, states are the broker's`,
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const { acct, variant } = yield* setUp(CHAIN.script)
          const outcome = yield* crashChain(acct, CHAIN.script, CHAIN.kills, variant, CHAIN.label)
          for (const [ref, status] of Object.entries(CHAIN.final)) {
            const unknowable = outcome.gaps.some(
              (g) => g.kind === "completed-order-status" && g.text.startsWith(`${ref}:`)
            )
            if (!unknowable) assert.strictEqual(statusOf(outcome.journal, ref), status, `${ref} should end ${status}`)
          }
          rows.push(outcome.row)
          gaps.push(...outcome.gaps.map((g) => ({ ...g, point: CHAIN.label })))
        })
      ),
    60_000
  )

  it("leg executions and their commissions of an order that filled while the worker was down are recovered", async () => {
    assert.deepStrictEqual(await gapsOf("fill-unjournaled", "p-2"), [])
  }, 60_000)

  it("an order cancelled while the worker was down ends Cancelled", async () => {
    assert.deepStrictEqual(await gapsOf("after-cancel-sent", "c-1"), [])
  }, 60_000)
})
