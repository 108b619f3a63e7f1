import { assert, describe, it } from "@effect/vitest"
import {
  classifyIbError,
  IB_ERROR_TABLE_VERSION,
  IB_ERRORS,
  ibError,
  ibErrorText,
  type IbOutcome
} from "../../domain/src/IbErrors.ts"

type Row = {
  readonly code: number
  readonly new: IbOutcome
  readonly modify: IbOutcome
  readonly cancel: IbOutcome
  readonly none: IbOutcome
}
const all = (code: number, o: IbOutcome): Row => ({ code, new: o, modify: o, cancel: o, none: o })

/** What each code means, by what was last asked of the order. Written out by hand from IB-PROTOCOL.md. */
const EXPECTED: ReadonlyArray<Row> = [
  all(100, "Pacing"),
  all(103, "DuplicateOrderId"),
  all(104, "ModifyRejected"),
  all(105, "ModifyRejected"),
  { code: 110, new: "Rejected", modify: "ModifyRejected", cancel: "Rejected", none: "Rejected" },
  all(161, "CancelRejected"),
  all(200, "NoSecurityDefinition"),
  { code: 201, new: "Rejected", modify: "ModifyRejected", cancel: "Rejected", none: "Rejected" },
  all(202, "Cancelled"),
  all(203, "Rejected"),
  all(312, "Rejected"),
  all(313, "Rejected"),
  all(314, "Rejected"),
  all(321, "Rejected"),
  all(326, "ClientIdInUse"),
  all(399, "Warning"),
  all(492, "Warning"),
  all(1100, "ConnectionLost"),
  all(1101, "ConnectionRestoredDataLost"),
  all(1102, "ConnectionRestored"),
  all(2104, "Info"),
  all(2106, "Info"),
  all(2158, "Info"),
  all(10002, "Rejected"),
  all(10015, "Rejected"),
  all(10090, "Warning"),
  all(10147, "CancelRejected"),
  all(10148, "CancelRejected"),
  all(10167, "Warning")
]

describe("IbErrors", () => {
  describe("every code in the table, in every context", () => {
    it("the expectations cover exactly the table's codes", () => {
      assert.deepStrictEqual(
        EXPECTED.map((r) => r.code),
        IB_ERRORS.map((e) => e.code)
      )
    })

    it.each(
      EXPECTED.flatMap((r) =>
        (["new", "modify", "cancel", "none"] as const).map((context) => ({
          code: r.code,
          context,
          outcome: r[context]
        }))
      )
    )("$code in context $context -> $outcome", ({ code, context, outcome }) => {
      assert.strictEqual(classifyIbError(code, context), outcome)
    })

    it.each(IB_ERRORS)("$code has a text and is found by ibError", (entry) => {
      assert.isAbove(entry.text.length, 5)
      assert.strictEqual(ibError(entry.code), entry)
    })

    it("is ordered by code with no code twice", () => {
      const codes = IB_ERRORS.map((e) => e.code)
      assert.deepStrictEqual(
        codes,
        [...codes].sort((a, b) => a - b)
      )
      assert.strictEqual(new Set(codes).size, codes.length)
    })

    it("has every code IB-PROTOCOL.md lists", () => {
      const documented = [
        100, 103, 110, 161, 201, 202, 203, 312, 313, 314, 399, 1100, 1101, 1102, 2104, 2106, 2158, 10002, 10015, 10147,
        10148
      ]
      for (const code of documented) assert.isDefined(ibError(code), `code ${code}`)
    })

    it("treats the codes IB-PROTOCOL.md calls non-fatal as warnings, even on a new order", () => {
      for (const code of [399, 492, 10090, 10167])
        assert.strictEqual(classifyIbError(code, "new"), "Warning", `code ${code}`)
    })

    it("is versioned, and the version moved when outcomes changed", () => {
      assert.isAtLeast(IB_ERROR_TABLE_VERSION, 2)
      assert.isTrue(Number.isInteger(IB_ERROR_TABLE_VERSION))
    })
  })

  describe("unknown codes", () => {
    it.each([
      { code: 9999, context: "new", text: "", outcome: "Rejected" },
      { code: 9999, context: "modify", text: "", outcome: "ModifyRejected" },
      { code: 9999, context: "cancel", text: "", outcome: "CancelRejected" },
      { code: 9999, context: "none", text: "", outcome: "Info" },
      { code: 2099, context: "new", text: "", outcome: "Rejected" },
      { code: 2100, context: "new", text: "", outcome: "Warning" },
      { code: 2137, context: "cancel", text: "", outcome: "Warning" },
      { code: 2999, context: "modify", text: "", outcome: "Warning" },
      { code: 3000, context: "new", text: "", outcome: "Rejected" },
      { code: 9999, context: "new", text: "Order Message: BUY 1 BAG Warning: held until the open", outcome: "Warning" },
      { code: 9999, context: "cancel", text: "Warning: something", outcome: "Warning" },
      { code: 9999, context: "new", text: "warning: lower case is not IB's spelling", outcome: "Rejected" }
    ] as const)("$code in context $context with text '$text' -> $outcome", ({ code, context, text, outcome }) => {
      assert.strictEqual(classifyIbError(code, context, text), outcome)
    })

    it("defaults to no context", () => {
      assert.strictEqual(classifyIbError(9999), "Info")
      assert.strictEqual(classifyIbError(201), "Rejected")
      assert.isUndefined(ibError(9999))
    })
  })

  describe("ibErrorText", () => {
    it.each([
      { code: 201, detail: "Market is closed", text: "Order rejected - reason:Market is closed" },
      { code: 201, detail: undefined, text: "Order rejected - reason:" },
      { code: 202, detail: "", text: "Order Canceled - reason:" },
      { code: 10147, detail: "12", text: "OrderId 12 that needs to be cancelled is not found." },
      { code: 10148, detail: "12", text: "OrderId 12 that needs to be cancelled can not be cancelled, state: Filled." },
      { code: 103, detail: undefined, text: "Duplicate order ID." },
      {
        code: 110,
        detail: "ignored",
        text: "The price does not conform to the minimum price variation for this contract."
      },
      { code: 1100, detail: undefined, text: "Connectivity between IB and Trader Workstation has been lost." },
      { code: 9999, detail: "a text IB made up", text: "a text IB made up" }
    ])("ibErrorText($code, $detail) = $text", ({ code, detail, text }) => {
      assert.strictEqual(detail === undefined ? ibErrorText(code) : ibErrorText(code, detail), text)
    })

    it.each(IB_ERRORS.filter((e) => ![201, 202, 10147, 10148].includes(e.code)))(
      "$code without a variable part is the table's text",
      (entry) => {
        assert.strictEqual(ibErrorText(entry.code), entry.text)
      }
    )
  })
})
