// The reducer refuses exactly what MultiPaxos.tla does not enable. `step` (src/multipaxos/node.ts)
// is the one entry point of every driver, so it, not a driver, must return undefined for an event
// whose action's enabling condition does not hold, and a transition for every one whose condition
// holds. Here the conditions are written out again from the spec, and checked against `step` over
// generated agent states of TypeOK's types (not only the reachable ones: any driver may hand the
// reducer any of them) with generated events, messages addressed to anyone included. A failure
// shrinks to the smallest state and event that tell them apart. The bounds of MCMultiPaxos.tla
// (MaxInFlight, MaxCopies) are the cluster model's and are not the reducer's to check.
//
// This file is part of the mutation chain (vitest.mutation.config.ts): keep it fast.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MULTIPAXOS_RULES, step } from '../../src/multipaxos/node.ts';
import type { MultiPaxosAgent, MultiPaxosConfig } from '../../src/multipaxos/node.ts';
import type {
  AcceptedEntry,
  AcceptorEvent,
  AcceptorState,
  Accept,
  Accepted,
  Ack,
  Command,
  Decision,
  MultiPaxosEvent,
  MultiPaxosMessage,
  PendingEntry,
  Prepare,
  PromiseMessage,
  PromiseRecord,
  ProposerEvent,
  ProposerState,
  ReplicaEvent,
  ReplicaState,
  Transition,
} from '../../src/multipaxos/types.ts';
import type { Ballot } from '../../src/paxos/ballot.ts';

const NOOP = 'NoOp';
const COMMANDS: readonly Command[] = ['c1', 'c2', 'c3'];

/** A model's constants: ids 1 .. 4 for each role (a server may play several), some rounds of 1 .. 4, slots 1 .. n. */
const sortedIds = fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }).map((xs) => [...xs].sort((a, b) => a - b));
const config: fc.Arbitrary<MultiPaxosConfig> = fc
  .record({
    proposers: sortedIds,
    acceptors: sortedIds,
    replicas: sortedIds,
    rounds: fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }).map((xs) => [...xs].sort((a, b) => a - b)),
    slotCount: fc.integer({ min: 1, max: 3 }),
  })
  .map(({ slotCount, ...ids }) => ({ ...ids, slots: Array.from({ length: slotCount }, (_, i) => i + 1), noop: NOOP, rules: MULTIPAXOS_RULES }));

// Every choice is a number, mapped into the model's lists (an id of the role, one of the rounds),
// and nothing depends on an earlier choice (no chain): a failure shrinks all of it, the model too.
type Raw<T> = (cfg: MultiPaxosConfig) => T;
const choice = fc.nat({ max: 7 });
const at = <T,>(xs: readonly T[], n: number): T => xs[n % xs.length];
const value = fc.nat({ max: 3 }).map((n): Raw<Command> => (cfg) => at([...COMMANDS, cfg.noop], n));
const slot = choice.map((n): Raw<number> => (cfg) => at(cfg.slots, n));
const ballot = fc.record({ round: choice, proposer: choice }).map(
  (b): Raw<Ballot> => (cfg) => ({ round: at(cfg.rounds, b.round), proposer: at(cfg.proposers, b.proposer) }),
);
const list = <T,>(xs: fc.Arbitrary<Raw<T>>, maxLength: number) => fc.array(xs, { maxLength }).map((ys): Raw<T[]> => (cfg) => ys.map((y) => y(cfg)));
/** An AcceptedLog: sorted by slot, one entry a slot. */
const acceptedLog = list(
  fc.record({ slot, bal: ballot, val: value }).map((e): Raw<AcceptedEntry> => (cfg) => ({ slot: e.slot(cfg), bal: e.bal(cfg), val: e.val(cfg) })),
  3,
).map((es): Raw<AcceptedEntry[]> => (cfg) => [...new Map(es(cfg).map((e) => [e.slot, e])).values()].sort((x, y) => x.slot - y.slot));
/** A set of distinct records, as a list. */
const distinct = <T,>(xs: readonly T[]) => [...new Map(xs.map((x) => [JSON.stringify(x), x])).values()];

const proposer = fc
  .record({
    id: choice,
    round: choice,
    phase: fc.constantFrom('Idle', 'Phase1', 'Leader'),
    // A set of records: an acceptor may appear in more than one (TypeOK allows it).
    promises: list(fc.record({ acceptor: choice, accepted: acceptedLog }).map((r): Raw<PromiseRecord> => (cfg) => ({ acceptor: at(cfg.acceptors, r.acceptor), accepted: r.accepted(cfg) })), 4),
    proposals: list(value, 3),
    acks: list(fc.record({ slot, acceptor: choice }).map((x): Raw<Ack> => (cfg) => ({ slot: x.slot(cfg), acceptor: at(cfg.acceptors, x.acceptor) })), 4),
  })
  .map(
    (p): Raw<ProposerState> =>
      (cfg) => ({
        id: at(cfg.proposers, p.id),
        round: at([0, ...cfg.rounds], p.round),
        phase: p.phase,
        promises: distinct(p.promises(cfg)),
        // TypeOK: DOMAIN proposals[p] \subseteq Slot.
        proposals: p.proposals(cfg).slice(0, cfg.slots.length),
        acks: distinct(p.acks(cfg)),
      }),
  );
const acceptor = fc
  .record({ id: choice, promised: fc.option(ballot, { nil: null }), accepted: acceptedLog })
  .map((a): Raw<AcceptorState> => (cfg) => ({ id: at(cfg.acceptors, a.id), promised: a.promised === null ? null : a.promised(cfg), accepted: a.accepted(cfg) }));
const replica = fc
  .record({ id: choice, log: list(value, 3), pending: list(fc.record({ slot, val: value }).map((e): Raw<PendingEntry> => (cfg) => ({ slot: e.slot(cfg), val: e.val(cfg) })), 3) })
  .map((r): Raw<ReplicaState> => (cfg) => {
    // TypeOK: the log's slots are of Slot, and pending holds slots beyond the one after the log, one entry a slot, sorted.
    const log = r.log(cfg).slice(0, cfg.slots.length);
    const pending = [...new Map(r.pending(cfg).filter((e) => e.slot > log.length + 1).map((e) => [e.slot, e])).values()];
    return { id: at(cfg.replicas, r.id), log, pending: pending.sort((x, y) => x.slot - y.slot) };
  });

/** A message from anyone to anyone of the ids 1 .. 5 (5 plays no role at all). */
const ends = { source: fc.integer({ min: 1, max: 5 }), dest: fc.integer({ min: 1, max: 5 }) };
const prepare = fc.record({ ballot, ...ends }).map((m): Raw<Prepare> => (cfg) => ({ type: 'Prepare', ...m, ballot: m.ballot(cfg) }));
const promise = fc.record({ ballot, accepted: acceptedLog, ...ends }).map((m): Raw<PromiseMessage> => (cfg) => ({ type: 'Promise', ...m, ballot: m.ballot(cfg), accepted: m.accepted(cfg) }));
const slotMessage = <T extends 'Accept' | 'Accepted'>(type: T) =>
  fc.record({ ballot, slot, value, ...ends }).map((m) => (cfg: MultiPaxosConfig) => ({ type, ...m, ballot: m.ballot(cfg), slot: m.slot(cfg), value: m.value(cfg) }));
const decision = fc.record({ slot, value, ...ends }).map((m): Raw<Decision> => (cfg) => ({ type: 'Decision', ...m, slot: m.slot(cfg), value: m.value(cfg) }));
const receive = <M,>(messages: fc.Arbitrary<Raw<M>>) => messages.map((m) => (cfg: MultiPaxosConfig) => ({ type: 'Receive' as const, message: m(cfg) }));

const proposerEvent: fc.Arbitrary<Raw<ProposerEvent>> = fc.oneof(
  fc.constant(() => ({ type: 'Phase1a' as const })),
  receive<PromiseMessage | Accepted>(fc.oneof(promise, slotMessage('Accepted'))),
  fc.constant(() => ({ type: 'BecomeLeader' as const })),
  value.map((c) => (cfg: MultiPaxosConfig) => ({ type: 'Propose' as const, command: c(cfg) })),
);
const acceptorEvent: fc.Arbitrary<Raw<AcceptorEvent>> = fc.oneof(receive<Prepare | Accept>(fc.oneof(prepare, slotMessage('Accept'))), fc.constant(() => ({ type: 'Restart' as const })));
const replicaEvent: fc.Arbitrary<Raw<ReplicaEvent>> = receive(decision);

type Case =
  | { readonly cfg: MultiPaxosConfig; readonly role: 'proposer'; readonly agent: ProposerState; readonly event: ProposerEvent }
  | { readonly cfg: MultiPaxosConfig; readonly role: 'acceptor'; readonly agent: AcceptorState; readonly event: AcceptorEvent }
  | { readonly cfg: MultiPaxosConfig; readonly role: 'replica'; readonly agent: ReplicaState; readonly event: ReplicaEvent };

/** A model, an agent of one of its roles in a state of TypeOK's types, and an event of that role. */
const cases: fc.Arbitrary<Case> = fc.oneof(
  fc.record({ cfg: config, agent: proposer, event: proposerEvent }).map(({ cfg, agent, event }): Case => ({ cfg, role: 'proposer', agent: agent(cfg), event: event(cfg) })),
  fc.record({ cfg: config, agent: acceptor, event: acceptorEvent }).map(({ cfg, agent, event }): Case => ({ cfg, role: 'acceptor', agent: agent(cfg), event: event(cfg) })),
  fc.record({ cfg: config, agent: replica, event: replicaEvent }).map(({ cfg, agent, event }): Case => ({ cfg, role: 'replica', agent: agent(cfg), event: event(cfg) })),
);

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
