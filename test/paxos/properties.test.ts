// Random schedules past the exhaustive bounds: three proposers, five acceptors, three learners,
// twelve rounds (past round 9, where ballots compared as text go wrong), loss, duplication and
// restarts; every invariant must hold in every state and every action property on every step,
// and a failure shrinks to a minimal schedule.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modelValue } from '../../src/core/tla/value.ts';
import { ballotLess, ballotLessAsText, compareBallots } from '../../src/paxos/ballot.ts';
import type { Ballot } from '../../src/paxos/ballot.ts';
import { clusterKey, initialCluster, successors } from '../../src/paxos/cluster.ts';
import type { PaxosAction, PaxosCluster, PaxosClusterConfig } from '../../src/paxos/cluster.ts';
import { PAXOS_ACTION_PROPERTIES, PAXOS_INVARIANTS } from '../../src/paxos/invariants.ts';
import { clusterToTla } from '../../src/paxos/tla.ts';
import { paxosConfig } from './support.ts';
import { runSchedule } from '../../src/explore/schedule.ts';
import type { ScheduleRun } from '../../src/explore/schedule.ts';
import { expectKeyAsFineAsTla, expectNothingBroken } from '../support/schedules.ts';

/**
 * A schedule is a list of choices; each picks one of the enabled actions, modulo their number.
 * Schedules are long: a short one rarely gets two proposers as far as a decision.
 */
const schedule = (maxLength: number) => fc.array(fc.nat(), { minLength: 1, maxLength, size: 'max' });

function run(cfg: PaxosClusterConfig, choices: readonly number[]): ScheduleRun<PaxosCluster, PaxosAction> {
  const model = { initialStates: [initialCluster(cfg)], successors: (c: PaxosCluster) => successors(cfg, c), invariants: PAXOS_INVARIANTS, actionProperties: PAXOS_ACTION_PROPERTIES };
  return runSchedule(model, choices);
}

const ballot = fc.record({ round: fc.nat(1000), proposer: fc.nat(1000) });

describe('ballot order', () => {
  it('is a strict total order consistent with (round, id) compared numerically', () => {
    fc.assert(
      fc.property(ballot, ballot, ballot, (x: Ballot, y: Ballot, z: Ballot) => {
        const numeric = x.round !== y.round ? x.round < y.round : x.proposer < y.proposer;
        expect(ballotLess(x, y)).toBe(numeric);
        expect(Math.sign(compareBallots(x, y))).toBe(ballotLess(x, y) ? -1 : ballotLess(y, x) ? 1 : 0);
        // Trichotomy, asymmetry, transitivity.
        const same = x.round === y.round && x.proposer === y.proposer;
        expect([ballotLess(x, y), ballotLess(y, x), same].filter(Boolean)).toHaveLength(1);
        if (ballotLess(x, y) && ballotLess(y, z)) expect(ballotLess(x, z)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('compared as text disagrees with the true order as soon as a number gains a digit', () => {
    const failure = fc.check(fc.property(ballot, ballot, (x, y) => ballotLessAsText(x, y) === ballotLess(x, y)), { seed: 7 });
    expect(failure.failed).toBe(true);
    const [x, y] = failure.counterexample as [Ballot, Ballot];
    expect(String(Math.max(x.round, y.round, x.proposer, y.proposer)).length).toBeGreaterThan(1);
  });
});

describe('Paxos under random schedules', () => {
  it('keeps every invariant and action property: 3 proposers, 5 acceptors, 3 learners, 12 rounds', () => {
    const cfg = paxosConfig(
      { proposers: 3, acceptors: 5, learners: 3 },
      { rounds: Array.from({ length: 12 }, (_, i) => i + 1), values: ['v1', 'v2', 'v3'], maxCopies: 2, maxInFlight: 14 },
    );
    expectNothingBroken((choices) => run(cfg, choices), schedule(300), 200);
  });

  it('finds a seeded bug and shrinks it to a minimal schedule', () => {
    // With quorum-off-by-one, one acceptor of three is a quorum: two learners decide two values.
    const cfg = paxosConfig({ proposers: 2, acceptors: 3, learners: 2 }, { rounds: [1], mutant: 'paxos-quorum-off-by-one', maxInFlight: 6 });
    const failure = fc.check(
      fc.property(schedule(80), (choices) => run(cfg, choices).broken === undefined),
      { numRuns: 2000, seed: 42 },
    );
    expect(failure.failed).toBe(true);
    const shrunk = run(cfg, failure.counterexample?.[0] ?? []);
    expect(shrunk.broken).toBe('Agreement');
    // Each proposer gets its own value decided with one acceptor: both start, and both propose.
    const names = shrunk.actions.map((a) => a.name);
    expect(names.filter((n) => n === 'Phase1a')).toHaveLength(2);
    expect(names.filter((n) => n === 'Phase2a')).toHaveLength(2);
    expect(names.length).toBeLessThanOrEqual(24);
  });

  it('has a key exactly as fine as the TLA+ state', () => {
    const cfg = paxosConfig({ proposers: 2, acceptors: 3, learners: 2 }, { rounds: [1, 2], maxInFlight: 6 });
    const none = modelValue('None');
    const reached = (choices: readonly number[]) => run(cfg, choices).states.at(-1) as PaxosCluster;
    expectKeyAsFineAsTla(reached, { key: clusterKey, stateToTla: (c) => clusterToTla(c, none) }, schedule(40), 300);
  });
});
