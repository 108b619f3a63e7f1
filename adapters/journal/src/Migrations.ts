/**
 * The journal's schema, as a list of steps keyed by version. A database records the version it is at in `meta`;
 * opening it runs the missing steps in one transaction. Steps are append-only: never edit a released step, add one.
 * @module
 */

/** One schema step: the SQL that takes a database from `version - 1` to `version`. */
export interface Migration {
  readonly version: number
  readonly description: string
  readonly sql: string
}

/** Every step, in version order, starting at 1. */
export const migrations: ReadonlyArray<Migration> = [
  {
    version: 1,
    description: "orders, their events, and the schema version",
    sql: `
      CREATE TABLE meta (
        key TEXT PRIMARY KEY NOT NULL,
        value ANY
      ) STRICT;
      CREATE TABLE orders (
        order_id INTEGER PRIMARY KEY NOT NULL,
        order_ref TEXT UNIQUE,
        sent INTEGER NOT NULL DEFAULT 0 CHECK (sent IN (0, 1)),
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX orders_unsent ON orders (order_id) WHERE sent = 0;
      CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        order_id INTEGER NOT NULL REFERENCES orders (order_id),
        tag TEXT NOT NULL,
        body TEXT NOT NULL
      ) STRICT;
      CREATE INDEX events_by_order ON events (order_id, seq);
    `
  },
  {
    version: 2,
    description: "the simulated broker's state (a key/value table of JSON documents)",
    sql: `
      CREATE TABLE sim_state (
        key TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
    `
  }
]

/** The schema version this build of spreads writes and knows how to read. */
export const latestVersion: number = migrations.reduce((v, m) => Math.max(v, m.version), 0)
