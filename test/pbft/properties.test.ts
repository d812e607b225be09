// Properties of the PBFT cluster model on configurations larger than the exhaustive models
// (more views, sequence numbers and requests, each replica Byzantine in turn): random action
// schedules, walked through `successors`, keep every invariant; fast-check shrinks a failing
// schedule to a minimal one.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCfg } from '../../src/core/tla/cfg.ts';
import { valuesEqual } from '../../src/core/tla/value.ts';
import { readCfg } from '../../src/core/tla/cfg.ts';
import { modelConfigPath } from '../../src/core/protocol.ts';
import { explore } from '../../src/explore/explorer.ts';
import type { ClusterModel } from '../../src/explore/model.ts';
import { runSchedule } from '../../src/explore/schedule.ts';
import type { PbftAction, PbftCluster } from '../../src/pbft/cluster.ts';
import { createPbftModel, pbft } from '../../src/pbft/index.ts';
import { PBFT_MUTANTS } from '../../src/pbft/mutants.ts';

function model(byzantine: number, options: { k?: number; maxView?: number; mutant?: string } = {}): ClusterModel<PbftCluster, PbftAction> {
  const correct = [0, 1, 2, 3].filter((i) => i !== byzantine);
  const text = `CONSTANTS
    N = 4
    Byzantine = {${byzantine}}
    Request = {r1, r2, r3}
    Null = Null
    K = ${options.k ?? 3}
    MaxView = ${options.maxView ?? 3}
    Timers = {${correct.join(', ')}}
`;
  return createPbftModel(parseCfg(text, 'properties').constants, { mutant: options.mutant });
}

// Unbiased choices: small numbers would keep picking the first successor; shrinking still goes to them.
const schedule = fc.array(fc.noBias(fc.nat({ max: 1 << 30 })), { minLength: 1, maxLength: 80, size: 'max' });

describe('PBFT under random schedules', () => {
  for (const byzantine of [0, 1, 2, 3]) {
    it(`keeps every invariant with replica ${byzantine} Byzantine (3 views, 3 sequence numbers, 3 requests)`, () => {
      const m = model(byzantine);
      fc.assert(
        fc.property(schedule, (s) => {
          const w = runSchedule(m, s);
          return w.broken === undefined || fc.pre(false);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('walks reach view changes, new views and executions', () => {
    const m = model(0, { maxView: 2 });
    const seen = new Set<string>();
    fc.assert(
      fc.property(schedule, (s) => {
        for (const a of runSchedule(m, s).actions) seen.add(a.name);
        return true;
      }),
      { numRuns: 200, seed: 42 },
    );
    expect([...seen]).toEqual(expect.arrayContaining(['Timeout', 'ReceiveViewChanges', 'ReceiveNewView', 'ReceiveCommits', 'ClientAccept']));
  });

  it('shrinks a schedule that breaks a seeded bug to a minimal one', () => {
    const m = model(0, { mutant: 'pbft-accept-two-digests' });
    const out = fc.check(
      fc.property(schedule, (s) => runSchedule(m, s).broken === undefined),
      { numRuns: 2000, seed: 7 },
    );
    expect(out.failed).toBe(true);
    const w = runSchedule(m, out.counterexample![0]);
    expect(w.broken).toBe('PreparedUniqueness');
    expect(out.numShrinks).toBeGreaterThan(0);
    // The shortest schedule has 8 steps: two requests issued, a backup accepting the Byzantine
    // primary's pre-prepares for both, each of the other backups one, and both prepared.
    // Shrinking the choices (indices into changing successor lists) gets close to it.
    expect(w.actions.length).toBeLessThanOrEqual(12);
  });
});

describe('PBFT models and mutants', () => {
  it('every seeded bug breaks the invariant it names on the conformance model too, so its state graph differs', () => {
    const constants = readCfg(modelConfigPath(pbft, 'conformance')).constants;
    expect(PBFT_MUTANTS.length).toBeGreaterThanOrEqual(3);
    for (const mutant of PBFT_MUTANTS) {
      const r = explore(createPbftModel(constants, { mutant: mutant.name }));
      expect(r.outcome, mutant.name).toBe('invariant');
      expect(r.violated, mutant.name).toBe(mutant.breaks);
    }
  }, 120_000);

  it('maps states and actions to TLA+ values injectively: equal keys exactly when equal TLA+ states', () => {
    const m = model(1, { k: 2, maxView: 2 });
    fc.assert(
      fc.property(schedule, schedule, (s1, s2) => {
        const end = (s: readonly number[]) => {
          let state = m.initialStates[0];
          for (const choice of s) {
            const next = m.successors(state);
            if (next.length === 0) break;
            state = next[choice % next.length].next;
          }
          return state;
        };
        const [a, b] = [end(s1), end(s2)];
        const sameTla = Object.keys(m.stateToTla(a)).every((v) => valuesEqual(m.stateToTla(a)[v], m.stateToTla(b)[v]));
        return (m.key(a) === m.key(b)) === sameTla;
      }),
      { numRuns: 200 },
    );
  });
});
