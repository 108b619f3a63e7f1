import { assert, describe, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { OrderStatus } from "@spreads/domain"
import { diagramBlock } from "../../scripts/readme-diagram.ts"

const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8")

describe("README", () => {
  it("carries the state diagram generated from the transition table", () => {
    assert.include(readme, diagramBlock(), "README diagram is stale: run `node scripts/readme-diagram.ts`")
  })

  it("the diagram shows every edge that changes state", () => {
    for (const edge of OrderStatus.TABLE) {
      if (edge.to === "same") continue
      const to = edge.to === "resume" ? "Working" : edge.to
      assert.include(readme, `${edge.from} --> ${to}: ${edge.on}`)
    }
  })

  it("documents the two quick-start commands", () => {
    assert.include(readme, "./spreads demo")
    assert.include(readme, "./scripts/test.sh")
  })
})
