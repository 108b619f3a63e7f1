import { assert, describe, it } from "@effect/vitest"
import { IbEvent, Masking, Reducer } from "@spreads/ib"
import { EventName, IBApi } from "@stoqey/ib"
import { CLIENT_ID, combo } from "./fixtures.ts"

const FULL_ACCOUNT = /\b(?:DU|DF|U|F)\d{5,}\b/

describe("Masking: account ids out of IB's own texts", () => {
  it("masks account-shaped tokens and known ids, keeping enough to tell them apart", () => {
    const text = "Order rejected - reason: account DU1234567 lacks trading permissions; see U7654321 and ACME-77"
    const masked = Masking.maskAccounts(text, ["ACME-77"])
    assert.notMatch(masked, FULL_ACCOUNT)
    assert.notInclude(masked, "ACME-77")
    assert.include(masked, "DU*****67")
    assert.include(masked, "Order rejected - reason: account")
    assert.strictEqual(Masking.maskAccounts("Order Canceled - reason: 202"), "Order Canceled - reason: 202")
  })

  it("an IB error read from IBApi reaches the reducer's rejection with the account masked", () => {
    const api = new IBApi({ host: "127.0.0.1", port: 1 })
    const seen: Array<IbEvent.IbEvent> = []
    const detach = IbEvent.attach(
      api,
      (e) => void seen.push(e),
      Masking.masker(() => ["DU7654321"])
    )
    api.emit(
      EventName.error,
      new Error("Order rejected - reason: account DU7654321 lacks trading permissions"),
      201,
      11
    )
    detach()
    api.emit(EventName.error, new Error("after detach DU7654321"), 201, 11)
    assert.strictEqual(seen.length, 1)
    const r = new Reducer.Reducer(CLIENT_ID)
    r.placed(11, combo())
    const out = seen.flatMap((e) => [...r.apply(e, 1)])
    assert.strictEqual(out[0]?.event._tag, "Rejected")
    const reason = (out[0]!.event as { readonly reason: string }).reason
    assert.notMatch(reason, FULL_ACCOUNT)
    assert.include(reason, "lacks trading permissions")
  })
})
