// Histories linearizable by construction (concurrent clients, each operation taking effect at a
// random instant between its invocation and its completion) must pass; the same histories with
// one read made impossible must fail, and shrink to the operations that make it impossible.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory, historyOperations } from '../../src/lincheck/check.ts';
import type { ModelName, Operation } from '../../src/lincheck/check.ts';
import { generateHistory } from '../../src/lincheck/generate.ts';
import type { GenerateOptions } from '../../src/lincheck/generate.ts';
import { formatHistory, parseHistory } from '../../src/lincheck/history.ts';
import type { HistoryEvent } from '../../src/lincheck/history.ts';
import { historyOf, invocationOf, okReads, staleRead } from './support.ts';

const options = (model: ModelName): fc.Arbitrary<GenerateOptions> =>
  fc.record({
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    clients: fc.integer({ min: 1, max: 8 }),
    operations: fc.integer({ min: 1, max: 120 }),
    keys: fc.integer({ min: 1, max: 3 }),
    infoRate: fc.constantFrom(0, 0, 0.05, 0.2),
    tuples: fc.boolean(),
    model: fc.constant(model),
    // For kv, now and then a ledger: appends and gets alone, where the lookahead does the work.
    ledger: model === 'kv' ? fc.boolean() : fc.constant(false),
  });

/** The history checks as it should on its own, and again after a trip through the file formats. */
function verdict(h: readonly HistoryEvent[], model: ModelName): boolean {
  const r = checkHistory(h, model, { timeoutMs: 20_000 });
  expect(r.timedOut).toBeUndefined();
  return r.ok;
}

/**
 * A longest linearization is one: each operation follows every operation that returned before
 * it was invoked, and the model accepts them in that order.
 */
function expectLinearization(prefix: readonly Operation[], all: readonly Operation[], model: ModelName): void {
  const placed = new Set<number>();
  let state: unknown = model === 'register' ? null : '';
  const eq = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const o of prefix) {
    for (const p of all) if (p.ret < o.call) expect(placed.has(p.id), `op ${p.id} returned before op ${o.id} was invoked`).toBe(true);
    placed.add(o.id);
    if (o.f === 'read' || o.f === 'get') expect(eq(o.output, state)).toBe(true);
    else if (o.f === 'write' || o.f === 'put') state = o.input;
    else if (o.f === 'append') state = `${state as string}${o.input as string}`;
    else if (o.f === 'delete') state = '';
    else {
      const [from, to] = o.input as [unknown, unknown];
      if (o.status === 'ok') expect(eq(from, state)).toBe(true);
      if (eq(from, state)) state = to;
    }
  }
}

describe('generated histories', () => {
  for (const model of ['register', 'kv'] as const) {
    it(`${model}: linearizable by construction, so they pass, in EDN and JSON too`, () => {
      fc.assert(
        fc.property(options(model), (o) => {
          const h = generateHistory(o);
          expect(verdict(h, model)).toBe(true);
          for (const format of ['edn', 'json'] as const) expect(verdict(parseHistory(formatHistory(h, format), `h.${format}`), model)).toBe(true);
        }),
        { numRuns: 150 },
      );
    });

    it(`${model}: cut off anywhere, the open invocations are info and it still passes`, () => {
      fc.assert(
        fc.property(options(model), fc.double({ min: 0, max: 1, noNaN: true }), (o, cut) => {
          const h = generateHistory(o);
          expect(verdict(h.slice(0, Math.floor(h.length * cut)), model)).toBe(true);
        }),
        { numRuns: 100 },
      );
    });

    it(`${model}: a read of a value never written fails, and shrinks to that read alone`, () => {
      fc.assert(
        fc.property(options(model), fc.nat(), (o, pick) => {
          const h = generateHistory({ ...o, tuples: false });
          const reads = okReads(h);
          fc.pre(reads.length > 0);
          const at = reads[pick % reads.length];
          const bad = h.map((e, i) => (i === at ? { ...e, value: model === 'kv' ? 'never;' : -1 } : e));
          const r = checkHistory(bad, model);
          expect(r.ok).toBe(false);
          const f = r.failing!;
          expect(f.key).toBe(h[at].key ?? '');
          expect(f.minimal!.map((op) => [op.call, op.ret])).toEqual([[invocationOf(h, at), at]]);
          expect(f.minimalComplete).toBe(true);
          const all = historyOperations(bad, model).filter((op) => op.key === f.key);
          expectLinearization(f.longestPrefix!, all, model);
          expect(f.longestPrefix!.length).toBeLessThan(f.operations);
        }),
        { numRuns: 100 },
      );
    });
  }

  it('register: a stale read fails, and shrinks to a few operations that fail alone and need each other', () => {
    fc.assert(
      fc.property(options('register'), fc.nat(), (o, pick) => {
        const h = generateHistory({ ...o, tuples: false, operations: Math.max(o.operations, 30) });
        const bad = staleRead(h, pick);
        fc.pre(bad !== undefined);
        const r = checkHistory(bad!, 'register');
        expect(r.ok).toBe(false);
        const f = r.failing!;
        const minimal = f.minimal!;
        // Three operations always explain a stale read (the write of the value, the write that
        // replaced it, the read), sometimes two (two reads, either side of a change). The shrinking
        // finds a set from which nothing can be dropped, not always the smallest such set: reads
        // stand in for writes, so it may hold one or two more. Over 3,000 generated histories it
        // held 2 (48 %), 3 (52 %) and 4 operations (0.3 %).
        expect(minimal.length).toBeGreaterThanOrEqual(2);
        expect(minimal.length).toBeLessThanOrEqual(5);
        expect(f.minimalComplete).toBe(true);
        // They fail on their own...
        const keyOps = historyOperations(bad!, 'register').filter((op) => op.key === f.key);
        expect(checkHistory(historyOf(minimal), 'register').ok).toBe(false);
        // ...and without any one of them (the others of the key happening any time or never) pass.
        for (let i = 0; i < minimal.length; i++) {
          const without = minimal.filter((_, j) => j !== i);
          expect(checkHistory(historyOf(without, keyOps), 'register').ok).toBe(true);
        }
        expectLinearization(f.longestPrefix!, keyOps, 'register');
      }),
      {
        numRuns: 60,
        // A history whose shrunk stale read holds four operations (CI found it).
        examples: [[{ seed: 19, clients: 8, operations: 1, keys: 3, infoRate: 0, tuples: false, model: 'register' }, 0]],
      },
    );
  });

  it('a broken key does not hide behind others: the failing key is the one corrupted', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.nat(), (seed, pick) => {
        const h = generateHistory({ seed, clients: 10, operations: 400, keys: 8 });
        const reads = okReads(h);
        const at = reads[pick % reads.length];
        const bad = h.map((e, i) => (i === at ? { ...e, value: -1 } : e));
        const r = checkHistory(bad, 'register');
        expect(r.keys.filter((k) => !k.ok).map((k) => k.key)).toEqual([h[at].key]);
        expect(r.keys).toHaveLength(new Set(h.map((e) => e.key)).size);
      }),
      { numRuns: 30 },
    );
  });
});
