/**
 * Dependencies point inward: domain imports only `effect`; application imports only the domain and `effect`; no node:
 * modules in either; adapters are imported only by the CLI, the testing kit, the TWS server (which fronts the
 * simulator), features and tests.
 */
import { assert, describe, it } from "@effect/vitest"
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"

const root = join(import.meta.dirname, "..", "..")

const sources = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : name.endsWith(".ts") ? [path] : []
  })

const importsOf = (file: string): Array<string> => {
  const text = readFileSync(file, "utf8")
  const found: Array<string> = []
  for (const m of text.matchAll(
    /(?:import|export)\s[^"']*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g
  )) {
    found.push((m[1] ?? m[2])!)
  }
  return found
}

const external = (spec: string) => !spec.startsWith(".")
const pkg = (spec: string) => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!)

const allowed: Record<string, ReadonlyArray<string>> = {
  domain: ["effect"],
  application: ["effect", "@spreads/domain"],
  "adapters/sim": ["effect", "@spreads/domain", "@spreads/application"],
  "adapters/journal": ["effect", "@spreads/domain", "@spreads/application", "node:"],
  "adapters/tws": ["effect", "@spreads/domain", "@spreads/application", "@spreads/sim", "node:"],
  "adapters/ib": ["effect", "@spreads/domain", "@spreads/application", "@stoqey/ib", "rxjs", "node:"]
}

describe("dependency direction", () => {
  for (const [dir, ok] of Object.entries(allowed)) {
    it(`${dir} imports only ${ok.join(", ")}`, () => {
      const files = sources(join(root, dir, "src"))
      assert.isAbove(files.length, 0, `${dir}/src has no sources`)
      const bad = files.flatMap((f) =>
        importsOf(f)
          .filter(external)
          .filter((spec) => !ok.some((a) => (a.endsWith(":") ? spec.startsWith(a) : pkg(spec) === a)))
          .map((spec) => `${f.slice(root.length + 1)} imports ${spec}`)
      )
      assert.deepStrictEqual(bad, [])
    })
  }

  it("the import scanner sees imports (guards the test itself)", () => {
    const files = sources(join(root, "application", "src"))
    const all = files.flatMap(importsOf)
    assert.isTrue(all.includes("@spreads/domain"))
    assert.isTrue(all.includes("effect"))
  })
})
