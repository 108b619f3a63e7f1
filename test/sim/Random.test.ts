import { assert, describe, it } from "@effect/vitest"
import { Random } from "@spreads/sim"

describe("Random", () => {
  it("a counter-based draw is a pure function of its address", () => {
    const p = Random.purpose("fills")
    assert.strictEqual(Random.uniformAt(7, p, 1, 2, 3), Random.uniformAt(7, p, 1, 2, 3))
    assert.notStrictEqual(Random.uniformAt(7, p, 1, 2, 3), Random.uniformAt(8, p, 1, 2, 3))
    assert.notStrictEqual(Random.uniformAt(7, p, 1, 2, 3), Random.uniformAt(7, Random.purpose("sizes"), 1, 2, 3))
    assert.notStrictEqual(Random.uniformAt(7, p, 1, 2, 3), Random.uniformAt(7, p, 1, 2, 4))
    assert.strictEqual(Random.normalAt(7, p, 29_000_000), Random.normalAt(7, p, 29_000_000))
  })

  it("keys beyond 32 bits are told apart", () => {
    const p = Random.purpose("x")
    assert.notStrictEqual(Random.uniformAt(1, p, 2 ** 32), Random.uniformAt(1, p, 0))
    assert.notStrictEqual(Random.uniformAt(1, p, 1_796_050_800_000), Random.uniformAt(1, p, 1_796_050_800_001))
  })

  it("uniforms are in [0, 1) with mean 1/2, normals have mean 0 and variance 1", () => {
    const p = Random.purpose("moments")
    const n = 20_000
    let su = 0
    let sn = 0
    let sn2 = 0
    for (let i = 0; i < n; i++) {
      const u = Random.uniformAt(3, p, i)
      assert.isTrue(u >= 0 && u < 1)
      su += u
      const z = Random.normalAt(3, p, i)
      sn += z
      sn2 += z * z
    }
    assert.approximately(su / n, 0.5, 0.01)
    assert.approximately(sn / n, 0, 0.03)
    assert.approximately(sn2 / n, 1, 0.05)
  })

  it("split streams are reproducible and independent per purpose", () => {
    const a = Random.split(42, "latency")
    const b = Random.split(42, "latency")
    const c = Random.split(42, "sizes")
    const xs = Array.from({ length: 5 }, () => a.next())
    assert.deepStrictEqual(
      Array.from({ length: 5 }, () => b.next()),
      xs
    )
    assert.notDeepEqual(
      Array.from({ length: 5 }, () => c.next()),
      xs
    )
    const s = Random.stream(1)
    for (let i = 0; i < 1000; i++) {
      const k = s.int(1, 50)
      assert.isTrue(Number.isInteger(k) && k >= 1 && k <= 50)
    }
  })

  it("intIn covers both ends", () => {
    assert.strictEqual(Random.intIn(0, 10, 20), 10)
    assert.strictEqual(Random.intIn(0.999999, 10, 20), 20)
    assert.strictEqual(Random.intIn(0.5, 5, 5), 5)
  })
})
