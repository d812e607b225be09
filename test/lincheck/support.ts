// Helpers for the lincheck tests: a brute-force oracle that shares nothing with the checker's
// search, random small histories for it, and corruptions of generated histories.

import fc from 'fast-check';
import type { HistoryEvent } from '../../src/lincheck/history.ts';
import type { ModelName, Operation } from '../../src/lincheck/check.ts';

interface OracleOp {
  readonly f: string;
  readonly input: unknown;
  readonly output: unknown;
  readonly call: number;
  readonly ret: number;
  readonly info: boolean;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Linearizability by definition, for a few operations: some order of the ok operations and of
 * some of the info ones (the others never happened), respecting real time (a returned before b
 * was invoked: a first), that the sequential model accepts. One key only.
 */
export function bruteForce(events: readonly HistoryEvent[], model: ModelName): boolean {
  const ops: OracleOp[] = [];
  const open = new Map<number | string, { e: HistoryEvent; at: number }>();
  events.forEach((e, at) => {
    if (e.type === 'invoke') open.set(e.process, { e, at });
    else {
      const inv = open.get(e.process)!;
      open.delete(e.process);
      if (e.type === 'fail') return;
      ops.push({ f: inv.e.f, input: inv.e.value, output: e.value, call: inv.at, ret: e.type === 'info' ? Infinity : at, info: e.type === 'info' });
    }
  });
  for (const { e, at } of open.values()) ops.push({ f: e.f, input: e.value, output: null, call: at, ret: Infinity, info: true });

  const init: unknown = model === 'register' ? null : '';
  /** The next state, or undefined if the operation cannot happen in `s`. */
  const apply = (s: unknown, o: OracleOp): { s: unknown } | undefined => {
    const isRead = o.f === 'read' || o.f === 'get';
    if (isRead) {
      if (o.info) return { s };
      const out = model === 'kv' && o.output === null ? '' : o.output;
      return same(out, s) ? { s } : undefined;
    }
    if (o.f === 'write' || o.f === 'put') return { s: o.input };
    if (o.f === 'delete') return { s: '' };
    if (o.f === 'append') return { s: `${s as string}${o.input as string}` };
    const [from, to] = o.input as [unknown, unknown];
    if (same(s, model === 'kv' && from === null ? '' : from)) return { s: to };
    return o.info ? { s } : undefined;
  };
  const placed = new Array<boolean>(ops.length).fill(false);
  const go = (s: unknown, left: number): boolean => {
    if (ops.every((o, i) => placed[i] || o.info)) return true;
    if (left === 0) return false;
    for (let i = 0; i < ops.length; i++) {
      if (placed[i]) continue;
      // Everything that returned before i was invoked must come before i.
      if (ops.some((p, j) => !placed[j] && j !== i && p.ret < ops[i].call)) continue;
      const next = apply(s, ops[i]);
      if (next === undefined) continue;
      placed[i] = true;
      const ok = go(next.s, left - 1);
      placed[i] = false;
      if (ok) return true;
    }
    return false;
  };
  return go(init, ops.length);
}

interface SmallOp {
  readonly process: number;
  readonly f: string;
  readonly value: unknown;
  readonly output: unknown;
  readonly end: 'ok' | 'fail' | 'info' | 'open';
}

const registerOp: fc.Arbitrary<SmallOp> = fc.record({
  process: fc.integer({ min: 0, max: 2 }),
  end: fc.constantFrom('ok', 'ok', 'ok', 'fail', 'info', 'open'),
  op: fc.oneof(
    fc.record({ f: fc.constant('read'), value: fc.constant(null), output: fc.constantFrom(null, 1, 2, 3) }),
    fc.record({ f: fc.constant('write'), value: fc.constantFrom(1, 2, 3), output: fc.constant(null) }),
    fc.record({ f: fc.constant('cas'), value: fc.tuple(fc.constantFrom(null, 1, 2), fc.constantFrom(1, 2, 3)), output: fc.constant(null) }),
  ),
}).map(({ process, end, op }) => ({ process, end: op.f === 'cas' || end !== 'fail' ? end : 'ok', ...op }) as SmallOp);

const kvOp: fc.Arbitrary<SmallOp> = fc.record({
  process: fc.integer({ min: 0, max: 2 }),
  end: fc.constantFrom('ok', 'ok', 'ok', 'fail', 'info', 'open'),
  op: fc.oneof(
    fc.record({ f: fc.constantFrom('get', 'read'), value: fc.constant(null), output: fc.constantFrom('', 'a', 'b', 'ab', 'ba', 'aa', 'bb') }),
    fc.record({ f: fc.constantFrom('put', 'write'), value: fc.constantFrom('a', 'b', ''), output: fc.constant(null) }),
    fc.record({ f: fc.constant('append'), value: fc.constantFrom('a', 'b'), output: fc.constant(null) }),
    fc.record({ f: fc.constant('delete'), value: fc.constant(null), output: fc.constant(null) }),
    fc.record({ f: fc.constant('cas'), value: fc.tuple(fc.constantFrom('', 'a', 'b'), fc.constantFrom('a', 'b', 'ab')), output: fc.constant(null) }),
  ),
}).map(({ process, end, op }) => ({ process, end: op.f === 'cas' || end !== 'fail' ? end : 'ok', ...op }) as SmallOp);

/** A key mostly appended to and read, as a ledger is: where the search's lookahead prunes most. */
const appendOp: fc.Arbitrary<SmallOp> = fc.record({
  process: fc.integer({ min: 0, max: 2 }),
  end: fc.constantFrom('ok', 'ok', 'ok', 'info', 'open'),
  op: fc.oneof(
    { weight: 4, arbitrary: fc.record({ f: fc.constant('append'), value: fc.constantFrom('a', 'b', 'c'), output: fc.constant(null) }) },
    { weight: 3, arbitrary: fc.record({ f: fc.constant('get'), value: fc.constant(null), output: fc.constantFrom('', 'a', 'ab', 'ba', 'abc', 'bca', 'cab', 'ac', 'aab') }) },
    { weight: 1, arbitrary: fc.record({ f: fc.constant('put'), value: fc.constantFrom('a', ''), output: fc.constant(null) }) },
  ),
}).map(({ process, end, op }) => ({ process, end, ...op }) as SmallOp);

/**
 * Histories of up to `max` operations by up to three clients, interleaved at random: linearizable
 * or not. `appends`: a kv key mostly appended to and read.
 */
export function smallHistory(model: ModelName, max = 7, appends = false): fc.Arbitrary<HistoryEvent[]> {
  return fc
    .tuple(fc.array(appends ? appendOp : model === 'register' ? registerOp : kvOp, { minLength: Math.min(3, max), maxLength: max, size: 'max' }), fc.array(fc.nat(), { minLength: 2 * max, maxLength: 2 * max }))
    .map(([ops, choices]) => interleave(ops, choices));
}

function interleave(ops: readonly SmallOp[], choices: readonly number[]): HistoryEvent[] {
  const queues = new Map<number, SmallOp[]>();
  for (const o of ops) queues.set(o.process, [...(queues.get(o.process) ?? []), o]);
  const events: HistoryEvent[] = [];
  const invoked = new Map<number, boolean>();
  const name = new Map<number, number>(); // a process that crashed comes back as another
  let k = 0;
  for (;;) {
    const ready = [...queues.entries()].filter(([, q]) => q.length > 0);
    if (ready.length === 0) break;
    const [client, q] = ready[(choices[k++] ?? 0) % ready.length];
    const o = q[0];
    const process = name.get(client) ?? client;
    if (!invoked.get(client)) {
      events.push({ process, type: 'invoke', f: o.f, value: o.f === 'read' || o.f === 'get' ? null : o.value });
      invoked.set(client, true);
      if (o.end === 'open') queues.set(client, []); // never completes; the client says no more
      continue;
    }
    const value = o.f === 'read' || o.f === 'get' ? o.output : o.value;
    events.push({ process, type: o.end as 'ok' | 'fail' | 'info', f: o.f, value: o.end === 'info' ? null : value });
    if (o.end === 'info') name.set(client, process + 10);
    invoked.set(client, false);
    q.shift();
  }
  return events;
}

/** Ok reads of a generated history, as indices into it. */
export function okReads(h: readonly HistoryEvent[]): number[] {
  return h.flatMap((e, i) => (e.type === 'ok' && (e.f === 'read' || e.f === 'get') ? [i] : []));
}

/** The invocation of the operation completed at `at`. */
export function invocationOf(h: readonly HistoryEvent[], at: number): number {
  for (let i = at - 1; i >= 0; i--) if (h[i].process === h[at].process && h[i].type === 'invoke') return i;
  throw new Error('no invocation');
}

/**
 * A stale read: a read whose value v was overwritten before it began, by a write that returned
 * ok after v's own (ok) write returned. Values in generated register histories are unique, so
 * the read is impossible. Returns the corrupted history, or undefined when there is no such read.
 */
export function staleRead(h: readonly HistoryEvent[], pick: number): HistoryEvent[] | undefined {
  // Per key: ok writes (and cas that swapped) with their invoke and ok positions.
  interface W {
    readonly value: unknown;
    readonly call: number;
    readonly ret: number;
  }
  const writes = new Map<string, W[]>();
  const open = new Map<number | string, number>();
  h.forEach((e, i) => {
    if (e.type === 'invoke') open.set(e.process, i);
    else if (e.type === 'ok' && (e.f === 'write' || e.f === 'cas')) {
      const call = open.get(e.process)!;
      const value = e.f === 'write' ? e.value : (e.value as unknown[])[1];
      const key = e.key ?? '';
      writes.set(key, [...(writes.get(key) ?? []), { value, call, ret: i }]);
    }
    if (e.type !== 'invoke') open.delete(e.process);
  });
  const candidates: { at: number; value: unknown }[] = [];
  for (const at of okReads(h)) {
    const call = invocationOf(h, at);
    const ws = writes.get(h[at].key ?? '') ?? [];
    // w1 returned before w2 was invoked, and w2 returned before the read was invoked.
    for (const w2 of ws) {
      if (w2.ret >= call) continue;
      const w1 = ws.find((w) => w.ret < w2.call && w.value !== h[at].value);
      if (w1 !== undefined) {
        candidates.push({ at, value: w1.value });
        break;
      }
    }
  }
  if (candidates.length === 0) return undefined;
  const { at, value } = candidates[pick % candidates.length];
  return h.map((e, i) => (i === at ? { ...e, value } : e));
}

/**
 * A history of just `ops`, each invoked and completed where it was (an info one left open). With
 * `relaxed`, the key's other operations are there too, relaxed as the shrinking relaxes them:
 * reads dropped, updates left open (info: any time after their invocation, or never).
 */
export function historyOf(ops: readonly Operation[], relaxed: readonly Operation[] = []): HistoryEvent[] {
  const keep = new Set(ops.map((o) => o.id));
  const at: [number, number, HistoryEvent][] = [];
  const isRead = (o: Operation) => o.f === 'read' || o.f === 'get';
  for (const o of [...ops, ...relaxed.filter((r) => !keep.has(r.id) && !isRead(r))]) {
    at.push([o.call, 0, { process: o.id, type: 'invoke', f: o.f, ...(o.key !== '' ? { key: o.key } : {}), value: isRead(o) ? null : o.input }]);
    if (keep.has(o.id) && o.status === 'ok') at.push([o.ret, 1, { process: o.id, type: 'ok', f: o.f, ...(o.key !== '' ? { key: o.key } : {}), value: isRead(o) ? o.output : o.input }]);
  }
  return at.sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, , e]) => e);
}
