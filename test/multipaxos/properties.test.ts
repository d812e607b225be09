// Random schedules past the exhaustive bounds of Multi-Paxos: three proposers, five acceptors,
// three replicas, four rounds (ids 9, 10, 11, so that ballots cross a power of ten), four
// slots, loss, duplication and restarts. Every invariant must hold in every state and every
// action property on every step; a failure shrinks to a minimal schedule.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCfg } from '../../src/core/tla/cfg.ts';
import { runSchedule } from '../../src/explore/schedule.ts';
import { createMultiPaxosModel } from '../../src/multipaxos/index.ts';
import { expectKeyAsFineAsTla, expectNothingBroken } from '../support/schedules.ts';

function model(options: { proposers: string; acceptors: string; rounds: string; slots: string; maxInFlight: number; mutant?: string }) {
  const text = `CONSTANTS
    Proposer = ${options.proposers}
    Acceptor = ${options.acceptors}
    Replica = {1, 2, 3}
    Command = {c1, c2, c3}
    Round = ${options.rounds}
    Slot = ${options.slots}
    NoOp = NoOp
    None = None
    MaxCopies = 2
    MaxInFlight = ${options.maxInFlight}
`;
  return createMultiPaxosModel(parseCfg(text, 'properties').constants, { mutant: options.mutant });
}

// Unbiased choices: small numbers would keep picking the first successor; shrinking still goes to them.
const schedule = (maxLength: number) => fc.array(fc.noBias(fc.nat({ max: 1 << 30 })), { minLength: 1, maxLength, size: 'max' });

describe('Multi-Paxos under random schedules', () => {
  const big = model({ proposers: '{9, 10, 11}', acceptors: '{1, 2, 3, 4, 5}', rounds: '{1, 2, 3, 4}', slots: '{1, 2, 3, 4}', maxInFlight: 16 });

  it('keeps every invariant and action property: 3 proposers, 5 acceptors, 3 replicas, 4 rounds, 4 slots', () => {
    expectNothingBroken((choices) => runSchedule(big, choices), schedule(300), 150);
  });

  it('reaches leader changes, re-proposals and execution on every replica', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(schedule(300), (choices) => {
        for (const a of runSchedule(big, choices).actions) seen.add(a.name);
      }),
      { numRuns: 100, seed: 3 },
    );
    expect([...seen]).toEqual(expect.arrayContaining(['Phase1a', 'BecomeLeader', 'Propose', 'HandleAccepted', 'HandleDecision', 'Restart', 'DropMessage', 'DuplicateMessage']));
  });

  it('finds a seeded bug and shrinks it to a minimal schedule', () => {
    const small = model({ proposers: '{9, 10}', acceptors: '{1, 2, 3}', rounds: '{1}', slots: '{1, 2}', maxInFlight: 6, mutant: 'multipaxos-quorum-off-by-one' });
    const failure = fc.check(
      fc.property(schedule(80), (choices) => runSchedule(small, choices).broken === undefined),
      { numRuns: 3000, seed: 42 },
    );
    expect(failure.failed).toBe(true);
    const shrunk = runSchedule(small, failure.counterexample?.[0] ?? []);
    expect(shrunk.broken).toBeDefined();
    // Two leaders, each with one acceptor as its "quorum", choose two commands for one slot.
    expect(shrunk.actions.filter((a) => a.name === 'BecomeLeader')).toHaveLength(2);
    expect(shrunk.actions.length).toBeLessThanOrEqual(30);
  });

  it('has a key exactly as fine as the TLA+ state', () => {
    const m = model({ proposers: '{9, 10}', acceptors: '{1, 2, 3}', rounds: '{1, 2}', slots: '{1, 2}', maxInFlight: 6 });
    expectKeyAsFineAsTla((choices) => runSchedule(m, choices).states.at(-1)!, m, schedule(40), 300);
  });
});
