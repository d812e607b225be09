// Random schedules past the exhaustive bounds: five servers, more terms, longer logs, message
// loss, duplication and restarts; every invariant must hold in every state, and a failure
// shrinks to a minimal schedule.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modelValue } from '../../src/core/tla/value.ts';
import { clusterKey, initialCluster, successors } from '../../src/raft/cluster.ts';
import type { RaftAction, RaftCluster, RaftClusterConfig } from '../../src/raft/cluster.ts';
import { RAFT_INVARIANTS } from '../../src/raft/invariants.ts';
import { clusterToTla } from '../../src/raft/tla.ts';
import { raftConfig } from './support.ts';
import { runSchedule } from '../../src/explore/schedule.ts';
import type { ScheduleRun } from '../../src/explore/schedule.ts';
import { expectKeyAsFineAsTla, expectNothingBroken } from '../support/schedules.ts';

/** A schedule is a list of choices; each picks one of the enabled actions, modulo their number. */
const schedule = (maxLength: number) => fc.array(fc.nat(), { minLength: 1, maxLength });

function run(cfg: RaftClusterConfig, choices: readonly number[]): ScheduleRun<RaftCluster, RaftAction> {
  return runSchedule({ initialStates: [initialCluster(cfg)], successors: (c) => successors(cfg, c), invariants: RAFT_INVARIANTS }, choices);
}

describe('Raft under random schedules', () => {
  it('keeps every invariant on five servers with loss, duplication and restarts', () => {
    const cfg = raftConfig(5, { maxTerm: 5, maxLogLength: 4, maxCopies: 2, maxInFlight: 10 });
    expectNothingBroken((choices) => run(cfg, choices), schedule(300), 200);
  });

  it('finds a seeded bug and shrinks it to a minimal schedule', () => {
    // With raft-quorum-off-by-one, one server of three is a quorum: two candidates of term 1 both lead it.
    const cfg = raftConfig(3, { mutant: 'raft-quorum-off-by-one', maxTerm: 2, maxLogLength: 1, maxInFlight: 6 });
    const failure = fc.check(
      fc.property(schedule(60), (choices) => run(cfg, choices).broken === undefined),
      { numRuns: 1000, seed: 42 },
    );
    expect(failure.failed).toBe(true);
    const shrunk = run(cfg, failure.counterexample?.[0] ?? []);
    expect(shrunk.broken).toBe('ElectionSafety');
    // Two timeouts and two BecomeLeaders, in some order: nothing else is needed.
    expect(shrunk.actions.map((a) => a.name).sort()).toEqual(['BecomeLeader', 'BecomeLeader', 'Timeout', 'Timeout']);
  });

  it('has a key exactly as fine as the TLA+ state', () => {
    const cfg = raftConfig(3, { maxTerm: 2, maxLogLength: 2, maxInFlight: 4 });
    const nil = modelValue('Nil');
    const reached = (choices: readonly number[]) => run(cfg, choices).states.at(-1) as RaftCluster;
    expectKeyAsFineAsTla(reached, { key: (c) => clusterKey(cfg, c), stateToTla: (c) => clusterToTla(c, nil) }, schedule(40), 300);
  });
});
