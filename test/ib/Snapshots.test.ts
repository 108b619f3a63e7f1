import { assert, describe, it } from "@effect/vitest"
import { Collector } from "../../adapters/ib/src/Snapshots.ts"
import type { Contract, Order, OrderState } from "@stoqey/ib"

const bag = { secType: "BAG", symbol: "AAPL" } as Contract
/** A COMPLETED_ORDER as @stoqey/ib decodes it: no orderId, no clientId. */
const completed = (fields: Partial<Order>): Order => ({ totalQuantity: 2, filledQuantity: 0, ...fields }) as Order
const cancelled = { status: "Cancelled", completedStatus: "Cancelled by Trader" } as OrderState

describe("completed orders (they carry no order id nor client id)", () => {
  const known = new Map([
    [41, { permId: 9001, orderRef: "ref-41" }],
    [42, { permId: undefined, orderRef: "ref-42" }]
  ])
  const idOf = (permId: number | undefined, orderRef: string | undefined) => {
    for (const [id, o] of known) if (permId !== undefined && o.permId === permId) return id
    for (const [id, o] of known) if (o.orderRef === orderRef) return id
    return undefined
  }
  const collect = (orders: ReadonlyArray<Order>) => {
    const c = new Collector(7, () => undefined, idOf)
    for (const o of orders) c.completedOrder(bag, o, cancelled)
    return c.snapshots()
  }

  it("are recognised by permId, then by orderRef", () => {
    const list = collect([completed({ permId: 9001, orderRef: "" }), completed({ permId: 5, orderRef: "ref-42" })])
    assert.deepStrictEqual(
      list.map((s) => [s.orderId, s.status]),
      [
        [41, "Cancelled"],
        [42, "Cancelled"]
      ]
    )
  })

  it("one this session never saw is listed under order id 0 with its orderRef, for reconcile to match", () => {
    const list = collect([completed({ permId: 77, orderRef: "from-yesterday", filledQuantity: 2 })])
    assert.strictEqual(list.length, 1)
    assert.strictEqual(list[0]!.orderId, 0)
    assert.strictEqual(list[0]!.orderRef, "from-yesterday")
    assert.strictEqual(list[0]!.permId, 77)
    assert.strictEqual(list[0]!.status, "Filled")
  })

  it("one with neither a known permId nor an orderRef is not ours and is left out", () => {
    assert.deepStrictEqual(collect([completed({ permId: 78, orderRef: "" })]), [])
  })
})
