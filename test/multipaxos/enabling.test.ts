// The reducer refuses exactly what MultiPaxos.tla does not enable. `step` (src/multipaxos/node.ts)
// is the one entry point of every driver, so it, not a driver, must return undefined for an event
// whose action's enabling condition does not hold, and a transition for every one whose condition
// holds. Here the conditions are written out again from the spec, and checked against `step` over
// generated agent states of TypeOK's types (not only the reachable ones: any driver may hand the
// reducer any of them) with generated events, messages addressed to anyone included
// (arbitraries.ts). A failure shrinks to the smallest state and event that tell them apart. The bounds of MCMultiPaxos.tla
// (MaxInFlight, MaxCopies) are the cluster model's and are not the reducer's to check.
//
// This file is part of the mutation chain (vitest.mutation.config.ts): keep it fast.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MULTIPAXOS_RULES, step } from '../../src/multipaxos/node.ts';
import type { MultiPaxosAgent, MultiPaxosConfig } from '../../src/multipaxos/node.ts';
import type { MultiPaxosEvent, MultiPaxosMessage, ProposerState, Transition } from '../../src/multipaxos/types.ts';
import { NOOP, cases } from './arbitraries.ts';
import type { Case } from './arbitraries.ts';

/** MultiPaxos.tla's Quorum (Majority): sets of acceptors more than half of Acceptor. */
const isMajority = (acceptors: readonly number[], all: readonly number[]) => new Set(acceptors).size * 2 > all.length;

/**
 * The enabling condition of the event's action in MultiPaxos.tla, for this agent (the action's
 * parameter: p, a or r), written out from the spec. A receipt's condition is the message's being
 * addressed to the agent (m.mdest); its being in flight is the driver's, which hands it over.
 */
function enabled(c: Case): boolean {
  const { cfg, event } = c;
  if (event.type === 'Receive') return event.message.dest === c.agent.id;
  if (c.role !== 'proposer') return true; // Restart(a): a \in Acceptor
  const p = c.agent;
  switch (event.type) {
    case 'Phase1a': // {r \in Round : r > round[p]} /= {}
      return cfg.rounds.some((r) => r > p.round);
    case 'BecomeLeader': // phase[p] = "Phase1" /\ {r.acceptor : r \in promises[p]} \in Quorum
      return p.phase === 'Phase1' && isMajority(p.promises.map((r) => r.acceptor), cfg.acceptors);
    case 'Propose': // phase[p] = "Leader" /\ Len(proposals[p]) + 1 \in Slot /\ c \notin Range(proposals[p]), for c \in Command
      return p.phase === 'Leader' && p.proposals.length + 1 <= cfg.slots.length && !p.proposals.includes(event.command) && event.command !== cfg.noop;
    default:
      return true;
  }
}

/** `step` on the case: the same overloaded entry point the cluster model and the host call. */
type Stepper = (cfg: MultiPaxosConfig, agent: MultiPaxosAgent, event: MultiPaxosEvent) => Transition<MultiPaxosAgent> | undefined;
const ours = step as Stepper;

/** The first case, if any, where `take` refuses an enabled event or takes one that is not enabled. */
function disagreement(take: Stepper, runs: number, seed: number) {
  return fc.check(
    fc.property(cases, (c) => (take(c.cfg, c.agent, c.event) !== undefined) === enabled(c)),
    { numRuns: runs, seed },
  );
}

describe('Multi-Paxos step: enabled exactly where MultiPaxos.tla enables it', () => {
  it('refuses every event whose enabling condition does not hold and takes every one that holds', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const t = ours(c.cfg, c.agent, c.event);
        expect(t !== undefined, `${c.role} ${JSON.stringify(c.agent)} ${JSON.stringify(c.event)} in ${JSON.stringify({ ...c.cfg, rules: undefined })}`).toBe(enabled(c));
        // A step is the agent's own: its id does not change.
        if (t !== undefined) expect(t.node.id).toBe(c.agent.id);
      }),
      { numRuns: 4000, seed: 11 },
    );
  });

  it('generates both sides of every condition', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(cases, (c) => {
        const m = c.event.type === 'Receive' ? c.event.message.type : '';
        seen.add(`${c.event.type}${m} ${enabled(c)}`);
      }),
      { numRuns: 4000, seed: 11 },
    );
    for (const e of ['Phase1a', 'ReceivePrepare', 'ReceivePromise', 'BecomeLeader', 'Propose', 'ReceiveAccept', 'ReceiveAccepted', 'ReceiveDecision']) {
      expect(seen, e).toContain(`${e} true`);
      expect(seen, e).toContain(`${e} false`);
    }
    expect(seen).toContain('Restart true');
  });

  it('tells a reducer that takes a message meant for another server, and shrinks the case to the smallest', () => {
    // A reducer that forgets m.mdest = a: it takes any message as if it were its own.
    const careless: Stepper = (cfg, agent, event) =>
      ours(cfg, agent, event.type === 'Receive' ? ({ type: 'Receive', message: { ...event.message, dest: agent.id } } as MultiPaxosEvent) : event);
    const result = disagreement(careless, 2000, 5);
    expect(result.failed).toBe(true);
    // Shrunk all the way: one server of each role, one round, one slot, an empty replica, a Decision for server 2.
    const [c] = result.counterexample!;
    expect({ ...c, cfg: { ...c.cfg, rules: undefined } }).toEqual({
      cfg: { proposers: [1], acceptors: [1], replicas: [1], rounds: [1], slots: [1], noop: NOOP, rules: undefined },
      role: 'replica',
      agent: { id: 1, log: [], pending: [] },
      event: { type: 'Receive', message: { type: 'Decision', slot: 1, value: 'c1', source: 1, dest: 2 } },
    });
  });

  it('tells a reducer that lets a leader propose beyond the last slot', () => {
    const unbounded: Stepper = (cfg, agent, event) => ours({ ...cfg, slots: [...cfg.slots, cfg.slots.length + 1] }, agent, event);
    const result = disagreement(unbounded, 4000, 5);
    expect(result.failed).toBe(true);
    const [c] = result.counterexample!;
    expect(c.event.type).toBe('Propose');
    expect((c.agent as ProposerState).proposals).toHaveLength(c.cfg.slots.length);
  });

  it('throws on an ill-typed event or message, which only an outside driver can hand it', () => {
    const cfg: MultiPaxosConfig = { proposers: [1], acceptors: [1], replicas: [1], rounds: [1], slots: [1], noop: NOOP, rules: MULTIPAXOS_RULES };
    const p: ProposerState = { id: 1, round: 0, phase: 'Idle', promises: [], proposals: [], acks: [] };
    expect(() => ours(cfg, p, { type: 'Phase2a' } as unknown as MultiPaxosEvent)).toThrow(/unreachable/);
    expect(() => ours(cfg, p, { type: 'Receive', message: { type: 'Nack', source: 1, dest: 1 } } as unknown as MultiPaxosEvent)).toThrow(/unreachable/);
  });
});
