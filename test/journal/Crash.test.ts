/**
 * Crash safety: a child process appends batches in a loop and is SIGKILLed mid-way, three times over on one file.
 * After each kill the journal opens, and holds exactly a prefix of whole batches — every batch fully present or
 * absent — including every batch the child reported committed.
 */
import { spawn } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { SqliteJournal } from "@spreads/journal"
import { Effect } from "effect"
import { created, entries } from "./fixtures/events.ts"
import { tempDb } from "./fixtures/temp.ts"

const writer = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "crash-writer.ts")
const BATCH = 200

/** Runs the writer until it has reported `atLeast` more commits, then SIGKILLs it. Resolves with the last reported. */
const runAndKill = (db: string, atLeast: number) =>
  Effect.callback<number, Error>((resume) => {
    const child = spawn(process.execPath, [writer, db, String(BATCH)], { stdio: ["ignore", "pipe", "pipe"] })
    let first: number | undefined
    let last = -1
    let pending = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      pending += chunk
      const lines = pending.split("\n")
      pending = lines.pop() ?? ""
      for (const line of lines) {
        last = Number(line)
        first ??= last
      }
      if (first !== undefined && last - first + 1 >= atLeast) child.kill("SIGKILL")
    })
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    // "close", not "exit": at "exit" the last lines may still sit unread in the pipe.
    child.on("close", (code, signal) =>
      resume(
        signal === "SIGKILL"
          ? Effect.succeed(last)
          : Effect.fail(new Error(`the writer stopped by itself (code ${code}): ${stderr}`))
      )
    )
    return Effect.sync(() => child.kill("SIGKILL"))
  })

/** Checks that the journal holds batches 0..n-1 whole and nothing else; returns n. */
const wholeBatches = (db: string) =>
  Effect.scoped(
    Effect.gen(function* () {
      const j = yield* SqliteJournal.make({ path: db })
      const orders = yield* j.loadAll
      const byBatch = new Map<number, Array<string>>()
      for (const o of orders) {
        for (const e of o.events) {
          const marks = byBatch.get(e.at) ?? []
          marks.push(
            e._tag === "Created" ? `created ${o.orderId}` : e._tag === "Warning" ? `warning ${e.code}` : e._tag
          )
          byBatch.set(e.at, marks)
        }
      }
      const n = byBatch.size
      for (let k = 0; k < n; k++) {
        const marks = byBatch.get(k)
        assert.isDefined(marks, `batch ${k} of ${n} is missing`)
        assert.strictEqual(marks!.length, BATCH, `batch ${k} has ${marks!.length} of ${BATCH} events`)
        assert.include(marks!, `created ${k + 1}`)
      }
      assert.strictEqual(yield* j.highestOrderId, n)
      assert.strictEqual(orders.length, n)
      return n
    })
  )

describe("SqliteJournal crash safety", () => {
  it.live(
    "after SIGKILL mid-append the journal opens with a prefix of whole transactions",
    () =>
      Effect.gen(function* () {
        const db = yield* tempDb
        let committed = 0
        for (const atLeast of [3, 25, 60]) {
          const lastReported = yield* runAndKill(db, atLeast)
          const n = yield* wholeBatches(db)
          assert.isAtLeast(n, lastReported + 1, "a batch reported committed was lost")
          assert.isAtLeast(n, committed + atLeast)
          committed = n
        }
        yield* Effect.scoped(
          Effect.gen(function* () {
            const j = yield* SqliteJournal.make({ path: db })
            yield* j.append(entries(committed + 1, created(committed + 1, "after-the-crashes")))
            assert.strictEqual(yield* j.findByRef("after-the-crashes"), committed + 1)
          })
        )
      }),
    60_000
  )
})
