import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import {
  edge,
  isCancellable,
  isModifiable,
  isOpen,
  isTerminal,
  isWorking,
  OrderStatus,
  StatusEvent,
  TABLE,
  toMermaid,
  transition
} from "../../domain/src/OrderStatus.ts"
import { failureOf } from "./fixtures.ts"

const STATES = OrderStatus.literals
const EVENTS = StatusEvent.literals
const TERMINAL = ["Filled", "Cancelled", "ApiCancelled", "Rejected", "Inactive"] as const
const REQUESTS = ["CancelRequested", "ModifyRequested"] as const
const key = (from: string, on: string) => `${from}|${on}`
const listed = new Set(TABLE.map((e) => key(e.from, e.on)))
const missing = STATES.flatMap((from) => EVENTS.filter((on) => !listed.has(key(from, on))).map((on) => ({ from, on })))

describe("OrderStatus", () => {
  describe("every edge of TABLE", () => {
    it.each(TABLE.map((e) => ({ ...e, why: e.why ?? "" })))("$from --$on--> $to $why", ({ from, on, to }) => {
      // Two different resume targets, so "resume" cannot pass by accident.
      for (const resumeTo of ["Submitted", "PartiallyFilled"] as const) {
        const r = transition(from, on, resumeTo)
        assert.isTrue(Result.isSuccess(r), `${from} + ${on} should be legal`)
        const expected = to === "same" ? from : to === "resume" ? resumeTo : to
        assert.strictEqual(Result.getOrThrow(r), expected)
      }
      assert.strictEqual(edge(from, on)?.to, to)
    })

    it("lists each (state, event) pair at most once", () => {
      assert.strictEqual(listed.size, TABLE.length)
    })
  })

  describe("every pair missing from TABLE is an IllegalTransition with a readable message", () => {
    it("there are missing pairs, and they are the ones we mean to refuse", () => {
      assert.deepStrictEqual(
        missing.map((m) => key(m.from, m.on)).sort(),
        [
          ...TERMINAL.flatMap((t) => REQUESTS.map((r) => key(t, r))),
          key("PendingSubmit", "ModifyRequested"),
          key("PendingCancel", "ModifyRequested"),
          key("PendingReplace", "ModifyRequested"),
          key("Unknown", "ModifyRequested"),
          key("PartiallyFilled", "Rejected"),
          key("PendingReplace", "Rejected"),
          // Only a Filled order is reopened (by reconciliation); no other state takes Reopened.
          ...STATES.filter((s) => s !== "Filled").map((s) => key(s, "Reopened"))
        ].sort()
      )
    })

    it.each(missing)("$from + $on", ({ from, on }) => {
      const error = failureOf(transition(from, on, "Submitted"))
      assert.strictEqual(error._tag, "IllegalTransition")
      assert.strictEqual(error.from, from)
      assert.strictEqual(error.event, on)
      const what =
        on === "CancelRequested"
          ? "a cancel request"
          : on === "ModifyRequested"
            ? "a modify request"
            : `the event ${on}`
      assert.strictEqual(error.message, `an order that is ${from} cannot take ${what}`)
      assert.isUndefined(edge(from, on))
    })
  })

  describe("the real-world rules the table encodes", () => {
    it.each(TERMINAL)("%s absorbs every broker event and refuses the trader's requests", (t) => {
      for (const on of EVENTS) {
        if (on === "Reopened") continue // not a broker event: see the next test
        const r = transition(t, on, "Submitted")
        if ((REQUESTS as ReadonlyArray<string>).includes(on)) assert.isTrue(Result.isFailure(r), `${t} + ${on}`)
        else assert.strictEqual(Result.getOrThrow(r), t, `${t} + ${on}`)
      }
    })

    it("the one way out of a terminal state: reconciliation reopens a Filled order, and nothing else", () => {
      assert.strictEqual(Result.getOrThrow(transition("Filled", "Reopened", "Submitted")), "PartiallyFilled")
      assert.isDefined(edge("Filled", "Reopened")?.why)
      const leaving = TABLE.filter((e) => isTerminal(e.from) && e.to !== "same").map((e) => key(e.from, e.on))
      assert.deepStrictEqual(leaving, [key("Filled", "Reopened")])
      for (const s of STATES.filter((s) => s !== "Filled")) {
        assert.strictEqual(failureOf(transition(s, "Reopened", "Submitted"))._tag, "IllegalTransition", s)
      }
    })

    it.each(STATES.filter((s) => !isTerminal(s)))(
      "%s: a full fill ends it as Filled, a partial fill never goes back",
      (s) => {
        assert.strictEqual(Result.getOrThrow(transition(s, "FullFill", "Submitted")), "Filled")
        const partial = Result.getOrThrow(transition(s, "PartialFill", "Submitted"))
        assert.include(["PartiallyFilled", "PendingCancel", "PendingReplace"], partial)
      }
    )

    it.each([
      { from: "PendingSubmit", on: "PartialFill", to: "PartiallyFilled", why: "fills before the ack are accepted" },
      { from: "PendingSubmit", on: "FullFill", to: "Filled", why: "a fill before the ack can complete the order" },
      { from: "PendingCancel", on: "PartialFill", to: "PendingCancel", why: "PendingCancel is live" },
      { from: "PendingCancel", on: "FullFill", to: "Filled", why: "a full fill wins over the cancel" },
      { from: "PendingReplace", on: "PartialFill", to: "PendingReplace", why: "fills at the old terms" },
      { from: "Submitted", on: "PreSubmitted", to: "Submitted", why: "a late PreSubmitted never moves backwards" },
      { from: "PartiallyFilled", on: "Submitted", to: "PartiallyFilled", why: "IB says Submitted with filled > 0" },
      { from: "PendingCancel", on: "CancelRequested", to: "PendingCancel", why: "a repeated cancel is idempotent" },
      {
        from: "PendingReplace",
        on: "CancelRequested",
        to: "PendingCancel",
        why: "a cancel overrides a pending replace"
      },
      { from: "PendingCancel", on: "Rejected", to: "Rejected", why: "a refusal can beat the cancel" },
      { from: "Submitted", on: "ContactLost", to: "Unknown", why: "lost contact" },
      { from: "Unknown", on: "Submitted", to: "Submitted", why: "the broker's next report is the truth" },
      { from: "Unknown", on: "CancelRequested", to: "PendingCancel", why: "cancelling is always safe to ask" },
      { from: "Unknown", on: "ContactLost", to: "Unknown", why: "losing contact twice" }
    ] as const)("$from + $on -> $to ($why)", ({ from, on, to }) => {
      assert.strictEqual(Result.getOrThrow(transition(from, on, "Submitted")), to)
    })

    it.each([
      { from: "PendingCancel", on: "CancelRejected", resumeTo: "PartiallyFilled" },
      { from: "PendingCancel", on: "CancelRejected", resumeTo: "PreSubmitted" },
      { from: "PendingReplace", on: "ModifyRejected", resumeTo: "Submitted" },
      { from: "PendingReplace", on: "Modified", resumeTo: "PartiallyFilled" }
    ] as const)("$from + $on resumes to the working state given ($resumeTo)", ({ from, on, resumeTo }) => {
      assert.strictEqual(Result.getOrThrow(transition(from, on, resumeTo)), resumeTo)
    })

    it("only a rejected cancel or modify, or a confirmed modify, resumes", () => {
      const resumes = TABLE.filter((e) => e.to === "resume").map((e) => key(e.from, e.on))
      assert.deepStrictEqual(
        resumes.sort(),
        [
          key("PendingCancel", "CancelRejected"),
          key("PendingReplace", "ModifyRejected"),
          key("PendingReplace", "Modified")
        ].sort()
      )
    })

    it("every unusual edge says why (absorbed, stale, echoes, early fills)", () => {
      for (const e of TABLE) {
        // More fills on a partially filled order is the ordinary self-loop; Unknown's edges are explained as a group.
        if (e.from === "Unknown" || (e.from === "PartiallyFilled" && e.on === "PartialFill")) continue
        const unusual = e.to === "same" || e.to === "resume" || (e.from === "PendingSubmit" && e.on === "PartialFill")
        if (unusual) assert.isDefined(e.why, `${e.from} + ${e.on} needs a why`)
      }
    })
  })

  describe("derived predicates", () => {
    const expected: Record<
      OrderStatus,
      { terminal: boolean; cancellable: boolean; modifiable: boolean; working: boolean }
    > = {
      PendingSubmit: { terminal: false, cancellable: true, modifiable: false, working: true },
      PreSubmitted: { terminal: false, cancellable: true, modifiable: true, working: true },
      Submitted: { terminal: false, cancellable: true, modifiable: true, working: true },
      PartiallyFilled: { terminal: false, cancellable: true, modifiable: true, working: true },
      PendingCancel: { terminal: false, cancellable: true, modifiable: false, working: false },
      PendingReplace: { terminal: false, cancellable: true, modifiable: false, working: false },
      Filled: { terminal: true, cancellable: false, modifiable: false, working: false },
      Cancelled: { terminal: true, cancellable: false, modifiable: false, working: false },
      ApiCancelled: { terminal: true, cancellable: false, modifiable: false, working: false },
      Rejected: { terminal: true, cancellable: false, modifiable: false, working: false },
      Inactive: { terminal: true, cancellable: false, modifiable: false, working: false },
      Unknown: { terminal: false, cancellable: true, modifiable: false, working: false }
    }
    it.each(STATES.map((s) => ({ s, ...expected[s] })))(
      "$s: terminal=$terminal cancellable=$cancellable modifiable=$modifiable working=$working",
      ({ s, terminal, cancellable, modifiable, working }) => {
        assert.strictEqual(isTerminal(s), terminal)
        assert.strictEqual(isOpen(s), !terminal)
        assert.strictEqual(isCancellable(s), cancellable)
        assert.strictEqual(isModifiable(s), modifiable)
        assert.strictEqual(isWorking(s), working)
      }
    )
  })

  describe("toMermaid", () => {
    const mermaid = toMermaid()
    const lines = mermaid.split("\n")

    it("starts as a state diagram entered at PendingSubmit", () => {
      assert.strictEqual(lines[0], "stateDiagram-v2")
      assert.strictEqual(lines[1], "    [*] --> PendingSubmit")
    })

    it.each(TABLE.filter((e) => e.to !== "same"))("has $from --> $to: $on", (e) => {
      const to = e.to === "resume" ? "Working" : e.to
      assert.include(lines, `    ${e.from} --> ${to}: ${e.on}`)
    })

    it("leaves absorbed and duplicate edges out, and draws each edge once", () => {
      const arrows = lines.filter((l) => / --> [A-Za-z]+: /.test(l))
      assert.strictEqual(arrows.length, new Set(arrows).size)
      assert.strictEqual(arrows.length, TABLE.filter((e) => e.to !== "same").length)
    })

    it.each(TERMINAL)("ends at %s", (t) => {
      assert.include(lines, `    ${t} --> [*]`)
    })

    it("explains the Working pseudo-state", () => {
      assert.include(lines, "    Working: Working (resume: the state before the request)")
    })
  })
})
