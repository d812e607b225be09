// Generated Multi-Paxos models, and agents' states of TypeOK's types (not only the reachable
// ones: any driver may hand the reducer any of them) with events for them, messages addressed to
// anyone included: the inputs of the property tests (enabling.test.ts, keys.test.ts). The agents'
// sets are in the canonical order the reducer keeps them in (sorted, without duplicates).

import fc from 'fast-check';
import { byKey } from '../../src/core/sorted.ts';
import { MULTIPAXOS_RULES, promiseKey } from '../../src/multipaxos/node.ts';
import type { MultiPaxosConfig } from '../../src/multipaxos/node.ts';
import type {
  AcceptedEntry,
  AcceptorEvent,
  AcceptorState,
  Accept,
  Accepted,
  Ack,
  Command,
  Decision,
  PendingEntry,
  Prepare,
  PromiseMessage,
  PromiseRecord,
  ProposerEvent,
  ProposerState,
  ReplicaEvent,
  ReplicaState,
} from '../../src/multipaxos/types.ts';
import type { Ballot } from '../../src/paxos/ballot.ts';

export const NOOP = 'NoOp';
const COMMANDS: readonly Command[] = ['c1', 'c2', 'c3'];

/** A model's constants: ids 1 .. 4 for each role (a server may play several), some rounds of 1 .. 4, slots 1 .. n. */
const sortedIds = fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }).map((xs) => [...xs].sort((a, b) => a - b));
export const config: fc.Arbitrary<MultiPaxosConfig> = fc
  .record({
    proposers: sortedIds,
    acceptors: sortedIds,
    replicas: sortedIds,
    rounds: fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }).map((xs) => [...xs].sort((a, b) => a - b)),
    slotCount: fc.integer({ min: 1, max: 4 }),
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
    proposals: list(value, 4),
    acks: list(fc.record({ slot, acceptor: choice }).map((x): Raw<Ack> => (cfg) => ({ slot: x.slot(cfg), acceptor: at(cfg.acceptors, x.acceptor) })), 4),
  })
  .map(
    (p): Raw<ProposerState> =>
      (cfg) => ({
        id: at(cfg.proposers, p.id),
        round: at([0, ...cfg.rounds], p.round),
        phase: p.phase,
        promises: distinct(p.promises(cfg)).sort(byKey(promiseKey)),
        // TypeOK: DOMAIN proposals[p] \subseteq Slot.
        proposals: p.proposals(cfg).slice(0, cfg.slots.length),
        acks: distinct(p.acks(cfg)).sort((x, y) => x.slot - y.slot || x.acceptor - y.acceptor),
      }),
  );
const acceptor = fc
  .record({ id: choice, promised: fc.option(ballot, { nil: null }), accepted: acceptedLog })
  .map((a): Raw<AcceptorState> => (cfg) => ({ id: at(cfg.acceptors, a.id), promised: a.promised === null ? null : a.promised(cfg), accepted: a.accepted(cfg) }));
const replica = fc
  .record({ id: choice, log: list(value, 4), pending: list(fc.record({ slot, val: value }).map((e): Raw<PendingEntry> => (cfg) => ({ slot: e.slot(cfg), val: e.val(cfg) })), 3) })
  .map((r): Raw<ReplicaState> => (cfg) => {
    // TypeOK: the log's slots are of Slot, and pending holds slots beyond the one after the log, one entry a slot, sorted.
    const log = r.log(cfg).slice(0, cfg.slots.length);
    const pending = [...new Map(r.pending(cfg).filter((e) => e.slot > log.length + 1).map((e) => [e.slot, e])).values()];
    return { id: at(cfg.replicas, r.id), log, pending: pending.sort((x, y) => x.slot - y.slot) };
  });

/** A message from anyone to anyone of the ids 1 .. 5 (5 plays no role at all). */
const ends = { source: fc.integer({ min: 1, max: 5 }), dest: fc.integer({ min: 1, max: 5 }) };
/** A Prepare's first slot: TypeOK's 1 .. Cardinality(Slot) + 1 (one past the last, from a replica that executed every slot). */
const from = choice.map((n): Raw<number> => (cfg) => at([...cfg.slots, cfg.slots.length + 1], n));
const prepare = fc.record({ ballot, from, ...ends }).map((m): Raw<Prepare> => (cfg) => ({ type: 'Prepare', ...m, ballot: m.ballot(cfg), from: m.from(cfg) }));
const promise = fc.record({ ballot, accepted: acceptedLog, ...ends }).map((m): Raw<PromiseMessage> => (cfg) => ({ type: 'Promise', ...m, ballot: m.ballot(cfg), accepted: m.accepted(cfg) }));
const slotMessage = <T extends 'Accept' | 'Accepted'>(type: T) =>
  fc.record({ ballot, slot, value, ...ends }).map((m) => (cfg: MultiPaxosConfig) => ({ type, ...m, ballot: m.ballot(cfg), slot: m.slot(cfg), value: m.value(cfg) }));
const decision = fc.record({ slot, value, ...ends }).map((m): Raw<Decision> => (cfg) => ({ type: 'Decision', ...m, slot: m.slot(cfg), value: m.value(cfg) }));
const receive = <M,>(messages: fc.Arbitrary<Raw<M>>) => messages.map((m) => (cfg: MultiPaxosConfig) => ({ type: 'Receive' as const, message: m(cfg) }));

const proposerEvent: fc.Arbitrary<Raw<ProposerEvent>> = fc.oneof(
  // What the proposer's replica executed: a log of TypeOK's type (its slots are of Slot).
  list(value, 4).map((log) => (cfg: MultiPaxosConfig) => ({ type: 'Phase1a' as const, executed: log(cfg).slice(0, cfg.slots.length) })),
  receive<PromiseMessage | Accepted>(fc.oneof(promise, slotMessage('Accepted'))),
  fc.constant(() => ({ type: 'BecomeLeader' as const })),
  value.map((c) => (cfg: MultiPaxosConfig) => ({ type: 'Propose' as const, command: c(cfg) })),
);
const acceptorEvent: fc.Arbitrary<Raw<AcceptorEvent>> = fc.oneof(receive<Prepare | Accept>(fc.oneof(prepare, slotMessage('Accept'))), fc.constant(() => ({ type: 'Restart' as const })));
const replicaEvent: fc.Arbitrary<Raw<ReplicaEvent>> = receive(decision);

export type Case =
  | { readonly cfg: MultiPaxosConfig; readonly role: 'proposer'; readonly agent: ProposerState; readonly event: ProposerEvent }
  | { readonly cfg: MultiPaxosConfig; readonly role: 'acceptor'; readonly agent: AcceptorState; readonly event: AcceptorEvent }
  | { readonly cfg: MultiPaxosConfig; readonly role: 'replica'; readonly agent: ReplicaState; readonly event: ReplicaEvent };

/** A model, an agent of one of its roles in a state of TypeOK's types, and an event of that role. */
export const cases: fc.Arbitrary<Case> = fc.oneof(
  fc.record({ cfg: config, agent: proposer, event: proposerEvent }).map(({ cfg, agent, event }): Case => ({ cfg, role: 'proposer', agent: agent(cfg), event: event(cfg) })),
  fc.record({ cfg: config, agent: acceptor, event: acceptorEvent }).map(({ cfg, agent, event }): Case => ({ cfg, role: 'acceptor', agent: agent(cfg), event: event(cfg) })),
  fc.record({ cfg: config, agent: replica, event: replicaEvent }).map(({ cfg, agent, event }): Case => ({ cfg, role: 'replica', agent: agent(cfg), event: event(cfg) })),
);
