// A node's stable storage in a real cluster: an embedded SQLite database (better-sqlite3), in WAL
// mode with synchronous commits, so that a step's writes are on disk before its messages leave
// (src/host/host.ts syncs, then sends). What the host stores is the protocol's stable part of a
// node (SystemDefinition.stable: Raft's currentTerm, votedFor and log); each of its fields is a
// row, and a field that is a list (a log) is a row per entry, so that a step which appends one
// entry writes one row, not the whole log. A field that is a Set (PBFT's log of messages, kept in
// the order of their keys, where a new message lands anywhere) is a row per member, written when
// it joins and deleted when it leaves. One step's rows are one transaction.
//
// The database names the cluster, the protocol and the node it belongs to: opened for another,
// it is refused; found corrupt, it is left as it is and the node does not start.

import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { UserError } from '../core/errors.ts';
import type { Storage } from '../host/types.ts';

/** Whose database this is: it is refused for any other. */
export interface StorageIdentity {
  readonly cluster: string;
  readonly protocol: string;
  readonly node: string;
}

const FORMAT = '1';

/**
 * A value as a row holds it: JSON, with the sets and maps of a protocol's state (PBFT's replica
 * keeps its messages in sets) as {"$set": [...]} and {"$map": [[key, value], ...]}, so that what a
 * restart reads back is what was written.
 */
export function encodeValue(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value, (_key, v: unknown) =>
    v instanceof Set ? { $set: [...v] } : v instanceof Map ? { $map: [...v] } : v,
  );
}

export function decodeValue(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    const keys = Object.keys(v);
    if (keys.length !== 1) return v;
    if (keys[0] === '$set' && Array.isArray((v as { $set: unknown }).$set)) return new Set((v as { $set: unknown[] }).$set);
    if (keys[0] === '$map' && Array.isArray((v as { $map: unknown }).$map)) return new Map((v as { $map: [unknown, unknown][] }).$map);
    return v;
  });
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS fields (name TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS entries (field TEXT NOT NULL, idx INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY (field, idx));
  CREATE TABLE IF NOT EXISTS events (n INTEGER PRIMARY KEY, line TEXT NOT NULL);
`;

/**
 * A field as last written. A list: its entries themselves (reducers share unchanged ones), to find
 * where a new list departs. A set: the row of each member (the same objects again: reducers share
 * them too), to find who joined and who left.
 */
type Written =
  | { readonly kind: 'value'; readonly json: string }
  | { readonly kind: 'list'; readonly entries: readonly unknown[] }
  | { readonly kind: 'set'; readonly rows: Map<unknown, number>; next: number };

export class SqliteStorage implements Storage {
  private readonly db: Database.Database;
  private readonly written = new Map<string, Written>();
  private readonly putField: Database.Statement;
  private readonly deleteField: Database.Statement;
  private readonly putEntry: Database.Statement;
  private readonly truncate: Database.Statement;
  private readonly deleteEntry: Database.Statement;
  private readonly transaction: (value: Record<string, unknown>, events: readonly string[]) => void;
  private readonly putEvent: Database.Statement;
  private readonly maxEvent: Database.Statement;

  /** Open (or create) the database of `identity` at `file`. */
  static open(file: string, identity: StorageIdentity): SqliteStorage {
    if (existsSync(file)) checkExisting(file, identity);
    return new SqliteStorage(file, identity);
  }

  private constructor(
    readonly file: string,
    identity: StorageIdentity,
  ) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // In WAL mode, FULL syncs the log at every commit: a committed step survives a power loss, not only a crash.
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    const meta = this.db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)');
    this.db.transaction(() => {
      meta.run('format', FORMAT);
      meta.run('cluster', identity.cluster);
      meta.run('protocol', identity.protocol);
      meta.run('node', identity.node);
    })();
    this.putField = this.db.prepare('INSERT INTO fields (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
    this.deleteField = this.db.prepare('DELETE FROM fields WHERE name = ?');
    this.putEntry = this.db.prepare('INSERT INTO entries (field, idx, value) VALUES (?, ?, ?) ON CONFLICT (field, idx) DO UPDATE SET value = excluded.value');
    this.truncate = this.db.prepare('DELETE FROM entries WHERE field = ? AND idx >= ?');
    this.deleteEntry = this.db.prepare('DELETE FROM entries WHERE field = ? AND idx = ?');
    this.putEvent = this.db.prepare('INSERT INTO events (n, line) VALUES (?, ?)');
    this.maxEvent = this.db.prepare('SELECT max(n) AS n FROM events');
    this.transaction = this.db.transaction((value: Record<string, unknown>, events: readonly string[]) => {
      this.writeFields(value);
      let n = events.length === 0 ? 0 : this.lastEvent();
      for (const line of events) this.putEvent.run(++n, line);
    });
    const { value, rows } = this.readAll();
    this.remember(value, rows);
  }

  read(): unknown {
    return this.readAll().value;
  }

  writeAndSync(value: unknown): void {
    this.writeSteps(value, []);
  }

  /**
   * The stable state after some steps, and their lines of the event log, in one transaction: a
   * node killed at any moment has logged exactly the steps it kept (a step synced but not logged
   * would be one the log's reader, TLC, never saw, and the node's next line would not follow).
   */
  writeSteps(value: unknown, events: readonly string[]): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`stable storage holds an object of fields, not ${JSON.stringify(value)}`);
    }
    this.transaction(value as Record<string, unknown>, events);
  }

  /** The event log's lines, in order. */
  events(): string[] {
    return (this.db.prepare('SELECT line FROM events ORDER BY n').all() as { line: string }[]).map((r) => r.line);
  }

  lastEvent(): number {
    return (this.maxEvent.get() as { n: number | null }).n ?? 0;
  }

  close(): void {
    this.db.close();
  }

  private writeFields(value: Record<string, unknown>): void {
    for (const [name, was] of this.written) {
      if (name in value) continue;
      if (was.kind !== 'value') this.truncate.run(name, 0);
      this.deleteField.run(name);
      this.written.delete(name);
    }
    for (const [name, v] of Object.entries(value)) {
      const was = this.written.get(name);
      if (Array.isArray(v)) {
        // A list: rewrite it from the first entry that is not the one written (a log that was truncated, or grew).
        const old = was?.kind === 'list' ? was.entries : [];
        let from = 0;
        while (from < old.length && from < v.length && old[from] === v[from]) from++;
        if (was?.kind !== 'list') {
          if (was?.kind === 'set') this.truncate.run(name, 0);
          this.putField.run(name, '[]');
        }
        if (from < old.length) this.truncate.run(name, from);
        for (let i = from; i < v.length; i++) this.putEntry.run(name, i, encodeValue(v[i]));
        this.written.set(name, { kind: 'list', entries: v });
      } else if (v instanceof Set) {
        // A set: a row for each member that joined, none for those that stayed, the rows of those that left deleted.
        let set = was?.kind === 'set' ? was : undefined;
        if (set === undefined) {
          if (was?.kind === 'list') this.truncate.run(name, 0);
          this.putField.run(name, encodeValue(new Set()));
          set = { kind: 'set', rows: new Map(), next: 0 };
        }
        const rows = new Map<unknown, number>();
        let joined = 0;
        for (const member of v) {
          let row = set.rows.get(member);
          if (row === undefined) {
            this.putEntry.run(name, (row = set.next++), encodeValue(member));
            joined++;
          }
          rows.set(member, row);
        }
        // Some left only if fewer stayed than were there.
        if (rows.size - joined < set.rows.size) for (const [member, row] of set.rows) if (!rows.has(member)) this.deleteEntry.run(name, row);
        this.written.set(name, { kind: 'set', rows, next: set.next });
      } else {
        const json = encodeValue(v);
        if (was !== undefined && was.kind !== 'value') this.truncate.run(name, 0);
        if (was?.kind !== 'value' || was.json !== json) this.putField.run(name, json);
        this.written.set(name, { kind: 'value', json });
      }
    }
  }

  /** The stored state, and the row of each member of its sets. */
  private readAll(): { value: Record<string, unknown> | undefined; rows: Map<string, Map<unknown, number>> } {
    const rows = new Map<string, Map<unknown, number>>();
    const fields = this.db.prepare('SELECT name, value FROM fields ORDER BY name').all() as { name: string; value: string }[];
    if (fields.length === 0) return { value: undefined, rows };
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      out[f.name] = decodeValue(f.value);
      // A set of rows has an empty set as its field (a set written whole, as a value, has its members there).
      if (out[f.name] instanceof Set && (out[f.name] as Set<unknown>).size === 0) rows.set(f.name, new Map());
    }
    const entries = this.db.prepare('SELECT field, idx, value FROM entries ORDER BY field, idx').all() as { field: string; idx: number; value: string }[];
    for (const e of entries) {
      const field = out[e.field];
      const members = rows.get(e.field);
      if (field instanceof Set && members !== undefined) {
        const member = decodeValue(e.value);
        field.add(member);
        members.set(member, e.idx);
        continue;
      }
      if (!Array.isArray(field) || field.length !== e.idx) throw new UserError(`${this.file}: entry ${e.idx} of ${e.field} is out of place: the database is damaged; move it aside to start this node afresh`);
      field.push(decodeValue(e.value));
    }
    return { value: out, rows };
  }

  private remember(value: Record<string, unknown> | undefined, rows: ReadonlyMap<string, Map<unknown, number>>): void {
    this.written.clear();
    for (const [name, v] of Object.entries(value ?? {})) {
      const members = rows.get(name);
      if (v instanceof Set && members !== undefined) {
        let next = 0;
        for (const row of members.values()) if (row >= next) next = row + 1;
        this.written.set(name, { kind: 'set', rows: members, next });
      } else this.written.set(name, Array.isArray(v) ? { kind: 'list', entries: v } : { kind: 'value', json: encodeValue(v) });
    }
  }
}

/** An existing database, read only: intact, of this format, and this node's. Nothing is written to a file that fails. */
function checkExisting(file: string, identity: StorageIdentity): void {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') {
      const problems = String(check).split('\n').filter((l) => !l.startsWith('***'));
      throw new UserError(`${file}: the database is corrupt (${problems[0]}${problems.length > 1 ? `, and ${problems.length - 1} more problems` : ''}); it is left as it is: move it aside to start this node afresh`);
    }
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get() !== undefined;
    if (!hasMeta) throw new UserError(`${file}: not a consensus-lab node's database (no meta table); it is left as it is: choose another --data directory`);
    const meta = new Map((db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
    if (meta.get('format') !== FORMAT) throw new UserError(`${file}: a database of format ${meta.get('format') ?? 'unknown'}, this is format ${FORMAT}; it is left as it is`);
    for (const key of ['cluster', 'protocol', 'node'] as const) {
      if (meta.get(key) !== identity[key]) {
        throw new UserError(`${file}: the database of ${key} ${JSON.stringify(meta.get(key))}, not ${JSON.stringify(identity[key])}; it is left as it is: start this node with its own --data directory`);
      }
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${file}: the database cannot be read (${(e as Error).message.split('\n')[0]}); it is left as it is: move it aside to start this node afresh`);
  } finally {
    db?.close();
  }
}
