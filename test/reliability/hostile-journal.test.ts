/**
 * Hostile journal files: a real SQLite journal with orders in it gets garbage written into its events table (random
 * text, random JSON, real events with a field changed or cut short, a body filed under the wrong tag, invalid UTF-8,
 * a megabyte of noise) or random bytes written over its pages, and is then opened again. Every load either succeeds
 * or fails with a JournalError (Corrupt naming the seq of the broken row, for a bad row); nothing throws, and the file
 * is left byte for byte as it was: nothing already journaled is changed.
 */
import { afterAll, assert, describe, it } from "@effect/vitest"
import { JournalError } from "@spreads/application"
import { OrderEvent } from "@spreads/domain"
import { SqliteJournal } from "@spreads/journal"
import { Cause, Effect, Exit, Schema } from "effect"
import * as fc from "fast-check"
import * as fs from "node:fs"
import { DatabaseSync } from "node:sqlite"
import * as os from "node:os"
import * as path from "node:path"
import { acknowledged, created, entries, event as journalEvent, filled, warning } from "../journal/fixtures/events.ts"
import { hostileText, show } from "./fixtures/hostile.ts"
import { pick, report, seedFor } from "./fixtures/mode.ts"

const figures = { inputs: 0, loaded: 0, corrupt: 0, otherRefusals: 0, crashes: 0, changed: 0 }
const problems: Array<string> = []

const encodeJson = Schema.encodeSync(Schema.toCodecJson(OrderEvent.OrderEvent))

/** The rows of both tables, as text, to compare before and after. */
const rows = (file: string): string => {
  try {
    const db = new DatabaseSync(file, { readOnly: true })
    try {
      const orders = db.prepare("SELECT * FROM orders ORDER BY order_id").all()
      const events = db.prepare("SELECT seq, order_id, tag, hex(body) AS body FROM events ORDER BY seq").all()
      return JSON.stringify({ orders, events })
    } finally {
      db.close()
    }
  } catch (e) {
    // A damaged file may not be readable at all; then the bytes alone are compared.
    return `unreadable: ${e instanceof Error ? e.message : String(e)}`
  }
}

/** Opens the journal and loads everything, and one order; the outcome, or the defect that escaped. */
const load = (file: string) =>
  Effect.runPromiseExit(
    Effect.scoped(
      Effect.gen(function* () {
        const j = yield* SqliteJournal.make({ path: file })
        const all = yield* j.loadAll
        yield* j.loadOrder(1)
        yield* j.unsent
        return all.length
      })
    )
  )

/** Checks one damaged copy: the load's outcome, and that the file did not change. */
const check = async (file: string, what: string, expectSeq: number | undefined) => {
  figures.inputs++
  const bytes = fs.readFileSync(file)
  const before = rows(file)
  const exit = await load(file)
  if (Exit.isSuccess(exit)) figures.loaded++
  else {
    const failure = exit.cause.reasons.find(Cause.isFailReason)
    const error = failure?.error
    if (!(error instanceof JournalError)) {
      figures.crashes++
      problems.push(`${what}: not a JournalError: ${Cause.pretty(exit.cause).split("\n")[0]}`)
    } else if (error.reason === "Corrupt") {
      figures.corrupt++
      if (expectSeq !== undefined && !error.message.includes(`seq ${expectSeq}`) && problems.length < 20) {
        problems.push(`${what}: the Corrupt error does not name seq ${expectSeq}: ${error.message}`)
      }
    } else figures.otherRefusals++
    if (error instanceof JournalError && (error.message.trim().length < 20 || /\n\s+at /.test(error.message))) {
      problems.push(`${what}: unreadable error: ${error.message}`)
    }
  }
  // Nothing already journaled may change: not the rows, not a byte of the file (no -wal left to replay either).
  // (An empty file holds nothing: opening it starts a new journal there.)
  const after = fs.readFileSync(file)
  if (bytes.length === 0) return
  if (!after.equals(bytes) || (fs.existsSync(`${file}-wal`) && fs.statSync(`${file}-wal`).size > 0)) {
    figures.changed++
    problems.push(`${what}: the file changed on open`)
  } else if (rows(file) !== before) {
    figures.changed++
    problems.push(`${what}: the rows changed on open`)
  }
}

describe("reliability: hostile journal files", () => {
  afterAll(() => {
    report("hostile journal files", {
      "inputs tried": figures.inputs,
      "loaded (the damage was still a valid event)": figures.loaded,
      "refused as Corrupt": figures.corrupt,
      "refused otherwise": figures.otherRefusals,
      "files changed by opening": figures.changed,
      crashes: figures.crashes
    })
  })

  it(
    "garbage rows and damaged pages: a clear JournalError naming the seq, no crash, the file untouched",
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spreads-hostile-journal-"))
      try {
        // A journal with a few orders at every stage of their life.
        const good = path.join(dir, "good.db")
        await Effect.runPromise(
          Effect.scoped(
            Effect.gen(function* () {
              const j = yield* SqliteJournal.make({ path: good })
              yield* j.append(entries(1, created(1, "r1"), acknowledged(), filled("x1", 1)))
              yield* j.append(entries(2, created(2, "r2"), acknowledged(), warning(399)))
              yield* j.append(entries(3, created(3, "r3")))
              yield* j.markSent(1)
              yield* j.markSent(2)
            })
          )
        )
        const goodRows = rows(good)
        const sample = encodeJson(filled("x9", 1))

        const body = fc.oneof(
          hostileText,
          fc.jsonValue().map((j) => JSON.stringify(j)),
          journalEvent.map((e) => JSON.stringify(encodeJson(e))),
          fc.tuple(journalEvent, fc.nat(), fc.oneof(fc.jsonValue(), hostileText)).map(([e, at, v]) => {
            const json = encodeJson(e) as Record<string, unknown>
            const keys = Object.keys(json)
            json[keys[at % keys.length]!] = v
            return JSON.stringify(json)
          }),
          fc.nat().map((n) => JSON.stringify(sample).slice(0, n % JSON.stringify(sample).length)),
          fc.constant("x".repeat(1_000_000))
        )
        const row = fc.record({
          orderId: fc.constantFrom(1, 2, 3),
          tag: fc.oneof(fc.constantFrom("Filled", "Acknowledged", "Created", "Warning"), hostileText),
          body,
          invalidUtf8: fc.boolean()
        })
        const cases = fc.sample(row, { numRuns: pick(120, 1_200), seed: seedFor("journal rows") })
        for (const [n, c] of cases.entries()) {
          const file = path.join(dir, `row-${n}.db`)
          fs.copyFileSync(good, file)
          const db = new DatabaseSync(file)
          let seq: number
          try {
            const insert = c.invalidUtf8
              ? db.prepare(
                  "INSERT INTO events (order_id, tag, body) VALUES (?, ?, CAST(? AS TEXT) || CAST(X'C328FF' AS TEXT))"
                )
              : db.prepare("INSERT INTO events (order_id, tag, body) VALUES (?, ?, ?)")
            seq = Number(insert.run(c.orderId, c.tag, c.body).lastInsertRowid)
          } finally {
            db.close()
          }
          await check(file, `row ${n} ${show(c).slice(0, 120)}`, seq)
          fs.rmSync(file, { force: true })
        }

        // Random bytes over the file's pages (the header page included, sometimes).
        const damage = fc.record({
          at: fc.nat(),
          bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
          truncate: fc.boolean()
        })
        const damages = fc.sample(damage, { numRuns: pick(40, 400), seed: seedFor("journal pages") })
        for (const [n, d] of damages.entries()) {
          const file = path.join(dir, `page-${n}.db`)
          fs.copyFileSync(good, file)
          const size = fs.statSync(file).size
          const fd = fs.openSync(file, "r+")
          try {
            fs.writeSync(fd, d.bytes, 0, d.bytes.length, d.at % size)
            if (d.truncate) fs.ftruncateSync(fd, d.at % size)
          } finally {
            fs.closeSync(fd)
          }
          await check(file, `page damage ${n} at ${d.at % size}${d.truncate ? " (truncated)" : ""}`, undefined)
          fs.rmSync(file, { force: true })
        }
        assert.strictEqual(rows(good), goodRows, "the original journal changed")
        assert.deepStrictEqual(problems.slice(0, 10), [])
        assert.strictEqual(figures.crashes, 0)
        assert.strictEqual(figures.changed, 0)
        assert.isAbove(figures.corrupt, 0)
      } finally {
        fs.rmSync(dir, { recursive: true, force: true })
      }
    },
    pick(60_000, 600_000)
  )
})
