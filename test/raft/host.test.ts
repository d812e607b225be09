// Raft as a system: the simulator's runs are ok on every named scenario, repeat from their seed,
// check the invariants incrementally as the explorer's full invariants would, and catch the
// seeded bugs.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bag } from '../../src/core/bag.ts';
import { raftSystem } from '../../src/raft/host.ts';
import { RAFT_INVARIANTS } from '../../src/raft/invariants.ts';
import { RAFT_MUTANTS } from '../../src/raft/mutants.ts';
import type { RaftNode } from '../../src/raft/types.ts';
import { loadScenario, namedScenarios } from '../../src/sim/scenario.ts';
import { simulate } from '../../src/sim/simulator.ts';

describe('Raft in the simulator', () => {
  it.each(namedScenarios('raft'))('runs %s: linearizable, invariants hold, progress after healing', (name) => {
    const scenario = loadScenario(name);
    for (const seed of [1, 2, 3]) {
      const r = simulate({ protocol: raftSystem, scenario, seed });
      expect(r.failure, `seed ${seed}`).toBeUndefined();
      expect(r).toMatchObject({ ok: true, linearizable: true, invariants: 'hold' });
      expect(r.ops.ok + r.ops.fail + r.ops.info).toBe(scenario.workload.ops);
      expect(r.leaders.length).toBeGreaterThan(0);
    }
  });

  it('a seed is a run: the same digest twice, another seed another run', () => {
    const scenario = loadScenario('random-faults');
    const a = simulate({ protocol: raftSystem, scenario, seed: 11 });
    const b = simulate({ protocol: raftSystem, scenario, seed: 11 });
    const c = simulate({ protocol: raftSystem, scenario, seed: 12 });
    expect(b.digest).toBe(a.digest);
    expect(b.events).toBe(a.events);
    expect(c.digest).not.toBe(a.digest);
  });

  it('terms and logs grow far past the models’ bounds', () => {
    const r = simulate({ protocol: raftSystem, scenario: loadScenario('partitions'), seed: 4, ops: 600, clients: 10 });
    expect(r.ok).toBe(true);
    expect(Math.max(...r.leaders.map((l) => l.term))).toBeGreaterThanOrEqual(10);
    expect(r.commitsPerSecond.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(600);
  });

  it('a crash during a sync loses that step whole: nothing of it is logged or sent', () => {
    const r = simulate({ protocol: raftSystem, scenario: loadScenario('leader-crashes'), seed: 2, keepLog: true });
    expect(r.ok).toBe(true);
    // Every Restart follows the node's last logged step, and the log's line numbers have no gaps.
    expect(r.log?.map((e) => e.n)).toEqual(r.log?.map((_, k) => k + 1));
    expect(r.log?.some((e) => e.action === 'Restart')).toBe(true);
  });

  it('the incremental invariants catch whatever the explorer’s full invariants catch, step for step', () => {
    const scenario = { ...loadScenario('random-faults'), workload: { ...loadScenario('random-faults').workload, ops: 25, clients: 3 } };
    const mutants = [undefined, ...RAFT_MUTANTS.map((m) => m.name)];
    let fullBroken = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.constantFrom(...mutants), fc.constantFrom(3, 5), (seed, mutant, nodes) => {
        let broken: string | undefined;
        const r = simulate({
          protocol: raftSystem,
          scenario,
          seed,
          nodes,
          mutant,
          skipLinearizability: true,
          afterStep: (_, view) => {
            if (broken !== undefined) return;
            const cluster = { nodes: [...view.values()] as RaftNode[], messages: Bag.empty<never>() };
            broken = RAFT_INVARIANTS.find((inv) => !inv.holds(cluster))?.name;
          },
        });
        if (mutant === undefined) expect(broken).toBeUndefined();
        if (broken !== undefined) fullBroken++;
        if (broken !== undefined) expect(r.failure?.kind, `full ${broken}, seed ${seed}, ${mutant}`).toBe('invariant');
        if (mutant === undefined) expect(r.failure).toBeUndefined();
      }),
      { numRuns: 40 },
    );
    // The property was put to the test: some mutated runs broke the full invariants.
    expect(fullBroken).toBeGreaterThan(0);
  });
});
