/**
 * @spreads/journal — the durable OrderJournal on node:sqlite (WAL), and the simulated broker's state in the same
 * database, so that separate runs against the embedded simulator behave like one paper account.
 * @module
 */
export * as JournalDatabase from "./JournalDatabase.ts"
export * as Migrations from "./Migrations.ts"
export * as SimStateStore from "./SimStateStore.ts"
export * as SqliteJournal from "./SqliteJournal.ts"
