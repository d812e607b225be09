// A node's SQLite storage: what was last written is what a restart reads, whatever the writes did
// to the log (grew, truncated, rewritten); another node's database is refused; a damaged one is
// refused and left as it was.

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStorage } from '../../src/cluster/storage.ts';

const dir = mkdtempSync(join(tmpdir(), 'storage-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const me = { cluster: 'c-1', protocol: 'raft', node: 's1' };
let files = 0;
const freshFile = () => join(dir, `node-${++files}.db`);

interface Entry {
  readonly term: number;
  readonly value: string;
}

/** A Raft-like stable state, and edits of it that keep unchanged entries shared, as the reducers do. */
const edit = fc.oneof(
  fc.record({ kind: fc.constant('append' as const), entries: fc.array(fc.record({ term: fc.nat(5), value: fc.string({ maxLength: 3 }) }), { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat(6) }),
  fc.record({ kind: fc.constant('term' as const), term: fc.nat(9), votedFor: fc.option(fc.constantFrom('s1', 's2', 's3'), { nil: null }) }),
);
type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

function apply(state: { currentTerm: number; votedFor: string | null; log: readonly Entry[] }, e: Edit) {
  switch (e.kind) {
    case 'append':
      return { ...state, log: [...state.log, ...e.entries] };
    case 'truncate':
      return { ...state, log: state.log.slice(0, e.keep) };
    case 'term':
      return { ...state, currentTerm: e.term, votedFor: e.votedFor };
  }
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('SqliteStorage', () => {
  it('reads back, after a reopen, the last state written, through any appends and truncations', () => {
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 12 }), (edits) => {
        const file = freshFile();
        let storage = SqliteStorage.open(file, me);
        expect(storage.read()).toBeUndefined();
        let state = { currentTerm: 0, votedFor: null as string | null, log: [] as readonly Entry[] };
        for (const [k, e] of edits.entries()) {
          state = apply(state, e);
          storage.writeAndSync(state);
          // Half the time, as a restart would: a new handle on the same file.
          if (k % 2 === 1) {
            storage.close();
            storage = SqliteStorage.open(file, me);
          }
          expect(storage.read()).toEqual(JSON.parse(JSON.stringify(state)));
        }
        storage.close();
        const again = SqliteStorage.open(file, me);
        const last: unknown = again.read() ?? { currentTerm: 0, votedFor: null, log: [] };
        expect(last).toEqual(JSON.parse(JSON.stringify(state)));
        again.close();
      }),
      { numRuns: 60 },
    );
  });

  it('reads back sets and maps as sets and maps (PBFT keeps its messages in sets), at any depth', () => {
    const leaf = fc.oneof(fc.integer(), fc.string({ maxLength: 4 }), fc.boolean(), fc.constant(null));
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('tree'), { maxLength: 3 }),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 3 }), tie('tree'), { maxKeys: 3 }),
        fc.array(leaf, { maxLength: 3 }).map((xs) => new Set(xs)),
        fc.array(fc.tuple(fc.string({ maxLength: 3 }), tie('tree')), { maxLength: 3 }).map((kv) => new Map(kv)),
      ),
    }));
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), tree, { maxKeys: 4 }), (state) => {
        const file = freshFile();
        const storage = SqliteStorage.open(file, me);
        storage.writeAndSync(state);
        storage.close();
        const again = SqliteStorage.open(file, me);
        const read = again.read() ?? {};
        again.close();
        expect(read).toEqual(state);
      }),
      { numRuns: 100 },
    );
  });

  it('writes a step that appends one entry to a long log as a page or two, not the whole log', () => {
    const file = freshFile();
    const storage = SqliteStorage.open(file, me);
    const log = Array.from({ length: 2000 }, (_, i) => ({ term: 1, value: `a client's command, number ${i}` }));
    storage.writeAndSync({ currentTerm: 1, votedFor: 's1', log });
    const walBefore = readFileSync(`${file}-wal`).length;
    storage.writeAndSync({ currentTerm: 1, votedFor: 's1', log: [...log, { term: 1, value: 'one more' }] });
    const written = readFileSync(`${file}-wal`).length - walBefore;
    // The log is about 100 KB (25 pages of 4 KiB); one appended row changes a leaf page and its parent.
    expect(JSON.stringify(log).length).toBeGreaterThan(90_000);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(3 * 4096 + 200);
    storage.close();
    expect((SqliteStorage.open(file, me).read() as { log: unknown[] }).log).toHaveLength(2001);
  });

  it('keeps a set a row a member: what a restart reads is the last set written, through members joining and leaving, before and after reopening', () => {
    const member = fc.record({ type: fc.constantFrom('Prepare', 'Commit'), seq: fc.nat(20), sender: fc.nat(3) });
    const step = fc.record({ join: fc.array(member, { maxLength: 4 }), leave: fc.array(fc.nat(), { maxLength: 2 }), reopen: fc.boolean() });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
        const file = freshFile();
        let storage = SqliteStorage.open(file, me);
        // The same objects from step to step, as a reducer's sets share their members.
        let members: object[] = [];
        for (const { join: joined, leave, reopen } of steps) {
          const leaving = new Set(leave.map((k) => members[k % Math.max(1, members.length)]));
          members = [...members.filter((m) => !leaving.has(m)), ...joined];
          storage.writeAndSync({ view: members.length, log: new Set(members) });
          if (reopen) {
            storage.close();
            storage = SqliteStorage.open(file, me);
            // After a restart, the node's state is what it read: its members are those objects.
            const read = storage.read() as { log: Set<object> } | undefined;
            members = read === undefined ? [] : [...read.log];
          }
        }
        storage.close();
        const again = SqliteStorage.open(file, me);
        const read = again.read() as { view: number; log: Set<object> } | undefined;
        again.close();
        if (steps.length === 0) {
          expect(read).toBeUndefined();
          return;
        }
        expect(read?.view).toBe(members.length);
        expect([...(read?.log ?? [])].map((m) => JSON.stringify(m)).sort()).toEqual(members.map((m) => JSON.stringify(m)).sort());
      }),
      { numRuns: 150 },
    );
  });

  it('writes a step that adds one member to a large set as a page or two, and reads a set written whole before as it was', () => {
    const file = freshFile();
    const storage = SqliteStorage.open(file, me);
    const members = Array.from({ length: 2000 }, (_, i) => ({ type: 'Prepare', view: 1, seq: i, digest: `a client's command, number ${i}` }));
    storage.writeAndSync({ view: 1, log: new Set(members) });
    const walBefore = readFileSync(`${file}-wal`).length;
    // The new member sorts first among the messages' keys: as a list, every entry would move.
    storage.writeAndSync({ view: 1, log: new Set([{ type: 'Commit', view: 0, seq: 0, digest: 'one more' }, ...members]) });
    const written = readFileSync(`${file}-wal`).length - walBefore;
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(3 * 4096 + 200);
    storage.close();
    expect((SqliteStorage.open(file, me).read() as { log: Set<unknown> }).log.size).toBe(2001);
  });

  it("refuses another cluster's, protocol's or node's database, naming it and leaving it as it was", () => {
    const file = freshFile();
    const storage = SqliteStorage.open(file, me);
    storage.writeAndSync({ currentTerm: 3, votedFor: null, log: [] });
    storage.close();
    const digest = sha(file);
    for (const other of [{ ...me, cluster: 'c-2' }, { ...me, protocol: 'pbft' }, { ...me, node: 's2' }]) {
      expect(() => SqliteStorage.open(file, other)).toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the database of (cluster|protocol|node) `));
    }
    expect(sha(file)).toBe(digest);
    expect(SqliteStorage.open(file, me).read()).toEqual({ currentTerm: 3, votedFor: null, log: [] });
  });

  it('refuses a damaged database or a file that is not one, and leaves it untouched', () => {
    const good = freshFile();
    const storage = SqliteStorage.open(good, me);
    storage.writeAndSync({ currentTerm: 1, votedFor: 's1', log: Array.from({ length: 500 }, (_, i) => ({ term: 1, value: `value number ${i}` })) });
    storage.close();
    const bytes = readFileSync(good);
    const damaged = freshFile();
    // Overwrite the middle of the file (past the header): pages of the log table.
    const copy = Buffer.from(bytes);
    copy.fill(0xa5, 4096 + 100, Math.min(copy.length, 4096 * 3));
    writeFileSync(damaged, copy);
    const notDb = freshFile();
    writeFileSync(notDb, 'this is not a database\n'.repeat(300));
    for (const file of [damaged, notDb]) {
      const digest = sha(file);
      expect(() => SqliteStorage.open(file, me)).toThrow(/: the database (is corrupt|cannot be read) .*it is left as it is/);
      expect(sha(file)).toBe(digest);
    }
  });
});
