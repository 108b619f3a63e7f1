/**
 * Writes the order-status state diagram into README.md between its markers, generated from the transition table so
 * the two cannot drift (test/workspace/readme.test.ts checks they match). Run: `node scripts/readme-diagram.ts`.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { OrderStatus } from "@spreads/domain"

const START = "<!-- state-diagram:start -->"
const END = "<!-- state-diagram:end -->"

/** The README section as it should read. */
export const diagramBlock = (): string => `${START}\n\n\`\`\`mermaid\n${OrderStatus.toMermaid()}\n\`\`\`\n\n${END}`

/** Replaces the block in a README text. */
export const withDiagram = (readme: string): string => {
  const from = readme.indexOf(START)
  const to = readme.indexOf(END)
  if (from < 0 || to < 0) throw new Error("README.md has no state-diagram markers")
  return readme.slice(0, from) + diagramBlock() + readme.slice(to + END.length)
}

if (import.meta.main) {
  const path = join(import.meta.dirname, "..", "README.md")
  writeFileSync(path, withDiagram(readFileSync(path, "utf8")))
}
