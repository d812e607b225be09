import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { int, record, str } from '../../src/core/tla/value.ts';
import { explore } from '../../src/explore/explorer.ts';
import type { ClusterModel } from '../../src/explore/model.ts';

/**
 * Two counters x, y in 0..max; Inc increments one of them, Reset sets both to 0. Its graph is
 * known in closed form: (max+1)^2 states, every state one BFS level per unit of x + y.
 */
function counters(max: number, invariant?: (x: number, y: number) => boolean): ClusterModel<[number, number], string> {
  return {
    initialStates: [[0, 0]],
    successors: ([x, y]) => [
      ...(x < max ? [{ action: 'IncX', next: [x + 1, y] as [number, number] }] : []),
      ...(y < max ? [{ action: 'IncY', next: [x, y + 1] as [number, number] }] : []),
      { action: 'Reset', next: [0, 0] as [number, number] },
    ],
    key: ([x, y]) => `${x},${y}`,
    invariants: invariant === undefined ? [] : [{ name: 'Bounded', holds: ([x, y]) => invariant(x, y) }],
    actionName: (a) => a,
    actionToTla: (a) => record({ name: str(a), params: record({}) }),
    stateToTla: ([x, y]) => ({ x: int(x), y: int(y) }),
  };
}

describe('explore', () => {
  it('counts distinct states, states generated and depth as TLC does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), (max) => {
        const r = explore(counters(max));
        const n = (max + 1) ** 2;
        expect(r.outcome).toBe('ok');
        expect(r.distinctStates).toBe(n);
        // every state has Reset, plus one IncX unless x = max, plus one IncY unless y = max
        expect(r.statesGenerated).toBe(1 + n + 2 * max * (max + 1));
        expect(r.depth).toBe(2 * max + 1);
        // (0,0) --Reset--> (0,0) is one edge, like every other (state, action, state)
        expect(r.edges).toBe(r.statesGenerated - 1);
      }),
    );
  });

  it('finds a shortest counterexample, replayed state by state', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }), (max, limit) => {
        const r = explore(counters(max, (x, y) => x + y < limit));
        if (2 * max < limit) {
          expect(r.outcome).toBe('ok');
          return;
        }
        expect(r.outcome).toBe('invariant');
        expect(r.violated).toBe('Bounded');
        const trace = r.counterexample ?? [];
        expect(trace.length).toBe(limit + 1);
        expect(trace[0].action).toBeUndefined();
        const [x, y] = trace[trace.length - 1].state;
        expect(x + y).toBe(limit);
      }),
    );
  });

  it('checks action properties on every step, with a shortest trace to the breaking step', () => {
    const model = { ...counters(3), actionProperties: [{ name: 'NeverBack', holds: ([x]: [number, number], [x2]: [number, number]) => x2 >= x }] };
    const r = explore(model);
    expect(r.outcome).toBe('property');
    expect(r.violated).toBe('NeverBack');
    expect(r.counterexample?.map((s) => s.action)).toEqual([undefined, 'IncX', 'Reset']);
  });

  it('reports progress while it runs', () => {
    const seen: number[] = [];
    explore(counters(60), { onProgress: (p) => seen.push(p.distinctStates), progressIntervalMs: 0 });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((n, i) => i === 0 || n >= seen[i - 1])).toBe(true);
  });

  it('stops at a state limit', () => {
    expect(explore(counters(50), { maxStates: 100 }).outcome).toBe('limit');
  });
});
