// The Multi-Paxos reducer: one agent's state (a proposer's, an acceptor's or a replica's) and one
// event in, its new state and the messages it sends out. Pure: no clocks, no I/O, no randomness;
// the drivers (src/multipaxos/cluster.ts, the explorer, the simulator's host) own time and the
// network. A server that plays several roles has one state per role.
//
// One function per action of specs/paxos/MultiPaxos.tla, with the same name, in the same order.
// Every driver goes through `step`, which returns undefined where the spec does not enable the
// event's action: what the cluster model is proven to do is what the system runs. The bounds of
// MCMultiPaxos.tla are the cluster model's, not the reducer's.

import { unique, withElement } from '../core/sorted.ts';
import { unreachable } from '../core/unreachable.ts';
import { above, atLeast, ballotKey, ballotLess, ballotOf, highest, sameBallot } from '../paxos/ballot.ts';
import type { Ballot, BallotOrder } from '../paxos/ballot.ts';
import type {
  Accept,
  Accepted,
  AcceptedEntry,
  AcceptorEvent,
  AcceptorState,
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
  ServerId,
  Transition,
} from './types.ts';

/**
 * The judgements Multi-Paxos's safety rests on, gathered so that a seeded bug
 * (src/multipaxos/mutants.ts) can replace one of them and the conformance suite must notice.
 */
export interface MultiPaxosRules {
  /** The order of ballots: is b below c? */
  ballotLess: BallotOrder;
  /** Do these acceptors (without duplicates) make a quorum of all of them? */
  isQuorum(acceptors: readonly ServerId[], all: readonly ServerId[]): boolean;
  /** MultiPaxos.tla Reproposals: the log a new leader starts with, given what its replica had executed and the logs its promises report. */
  reproposals(executed: readonly Command[], reported: readonly (readonly AcceptedEntry[])[], less: BallotOrder, noop: Command): Command[];
  /** MultiPaxos.tla Execute: a replica's log after executing the known slots that follow it without a gap. */
  execute(log: readonly Command[], known: readonly PendingEntry[]): Command[];
}

/** The value of the highest ballot reported for each slot, by slot. */
export function highestBySlot(reported: readonly (readonly AcceptedEntry[])[], less: BallotOrder): Map<number, Command> {
  const bySlot = new Map<number, AcceptedEntry[]>();
  for (const log of reported) for (const e of log) bySlot.set(e.slot, [...(bySlot.get(e.slot) ?? []), e]);
  return new Map([...bySlot].map(([slot, entries]) => [slot, highest(entries, less).val]));
}

export const MULTIPAXOS_RULES: MultiPaxosRules = {
  ballotLess,
  isQuorum: (acceptors, all) => acceptors.length * 2 > all.length,
  reproposals: (executed, reported, less, noop) => {
    const values = highestBySlot(reported, less);
    const last = Math.max(executed.length, ...values.keys());
    return Array.from({ length: last }, (_, i) => (i < executed.length ? executed[i] : (values.get(i + 1) ?? noop)));
  },
  execute: (log, known) => {
    const out = [...log];
    for (let next = known.find((e) => e.slot === out.length + 1); next !== undefined; next = known.find((e) => e.slot === out.length + 1)) {
      out.push(next.val);
    }
    return out;
  },
};

export interface MultiPaxosConfig {
  /** Every proposer, acceptor and replica, sorted. */
  readonly proposers: readonly ServerId[];
  readonly acceptors: readonly ServerId[];
  readonly replicas: readonly ServerId[];
  /** The rounds proposers go through, in increasing order. */
  readonly rounds: readonly number[];
  /** The slots of the log, in increasing order (1 .. n). */
  readonly slots: readonly number[];
  /** The command that does nothing. */
  readonly noop: Command;
  readonly rules: MultiPaxosRules;
}

// ---- helpers (MultiPaxos.tla's Helpers section) ----------------------------------------------
// BallotOf, Above and AtLeast are the same as Paxos's: src/paxos/ballot.ts.

export const entryKey = (e: AcceptedEntry) => `${e.slot}=${ballotKey(e.bal)}:${e.val}`;
export const acceptedLogKey = (log: readonly AcceptedEntry[]) => log.map(entryKey).join(',');
export const promiseKey = (r: PromiseRecord) => `${r.acceptor}/${acceptedLogKey(r.accepted)}`;

const ackKey = (a: Ack) => `${a.slot}/${a.acceptor}`;
const ackOrder = (a: Ack, b: Ack) => a.slot - b.slot || a.acceptor - b.acceptor;

/** MultiPaxos.tla AcksAt(p, s). */
export function acksAt(p: ProposerState, slot: number): ServerId[] {
  const acked = p.acks.filter((x) => x.slot === slot);
  // Stryker disable next-line ArrowFunction: its only readers are the quorum rules, and each (the majority, the seeded off-by-one) counts the acceptors and reads no id
  return acked.map((x) => x.acceptor);
}

export function initialProposer(id: ServerId): ProposerState {
  return { id, round: 0, phase: 'Idle', promises: [], proposals: [], acks: [] };
}

export function initialAcceptor(id: ServerId): AcceptorState {
  return { id, promised: null, accepted: [] };
}

export function initialReplica(id: ServerId): ReplicaState {
  return { id, log: [], pending: [] };
}

// ---- actions -----------------------------------------------------------------------------------

/**
 * MultiPaxos.tla Phase1a(p): start a ballot in the next round, for every slot its replica has not
 * executed, and ask every acceptor; keep what the replica executed (`executed`, Executed(p)).
 */
export function Phase1a(cfg: MultiPaxosConfig, p: ProposerState, executed: readonly Command[]): Transition<ProposerState> | undefined {
  const round = cfg.rounds.find((r) => r > p.round);
  if (round === undefined) return undefined;
  const ballot: Ballot = { round, proposer: p.id };
  const from = executed.length + 1;
  return {
    node: { ...p, round, phase: 'Phase1', promises: [], proposals: executed, acks: [] },
    sent: cfg.acceptors.map((a): Prepare => ({ type: 'Prepare', ballot, from, source: p.id, dest: a })),
  };
}

/** MultiPaxos.tla AcceptedFrom(acc, s): the slots accepted from slot s on. */
export function acceptedFrom(accepted: readonly AcceptedEntry[], from: number): readonly AcceptedEntry[] {
  return accepted.filter((e) => e.slot >= from);
}

/** MultiPaxos.tla HandlePrepare(a, p): promise a ballot above the promise, for every slot, reporting everything accepted from the Prepare's first slot. */
export function HandlePrepare(cfg: MultiPaxosConfig, a: AcceptorState, m: Prepare): Transition<AcceptorState> {
  if (!above(m.ballot, a.promised, cfg.rules.ballotLess)) return { node: a, sent: [] };
  const accepted = acceptedFrom(a.accepted, m.from);
  const promise: PromiseMessage = { type: 'Promise', ballot: m.ballot, accepted, source: a.id, dest: m.source };
  return { node: { ...a, promised: m.ballot }, sent: [promise] };
}

/** MultiPaxos.tla HandlePromise(p, a): count a promise for the current ballot while gathering them. */
export function HandlePromise(cfg: MultiPaxosConfig, p: ProposerState, m: PromiseMessage): Transition<ProposerState> {
  if (p.phase !== 'Phase1' || !sameBallot(m.ballot, ballotOf(p))) return { node: p, sent: [] };
  const promises = withElement(p.promises, { acceptor: m.source, accepted: m.accepted }, promiseKey);
  return { node: { ...p, promises }, sent: [] };
}

/** MultiPaxos.tla AcceptRequests(p, s, v): the Accept requests for slot s of the leader's ballot. */
function acceptRequests(cfg: MultiPaxosConfig, p: ProposerState, slot: number, value: Command): Accept[] {
  const ballot = ballotOf(p);
  return cfg.acceptors.map((a): Accept => ({ type: 'Accept', ballot, slot, value, source: p.id, dest: a }));
}

/** MultiPaxos.tla BecomeLeader(p): promised by a quorum, lead: propose again what is reported, no-ops in the gaps, past what the replica had executed. */
export function BecomeLeader(cfg: MultiPaxosConfig, p: ProposerState): Transition<ProposerState> | undefined {
  if (p.phase !== 'Phase1' || !cfg.rules.isQuorum(unique(p.promises.map((r) => r.acceptor)), cfg.acceptors)) return undefined;
  const executed = p.proposals;
  const proposals = cfg.rules.reproposals(
    executed,
    p.promises.map((r) => r.accepted),
    cfg.rules.ballotLess,
    cfg.noop,
  );
  const node: ProposerState = { ...p, phase: 'Leader', proposals, promises: [] };
  return { node, sent: proposals.slice(executed.length).flatMap((v, i) => acceptRequests(cfg, node, executed.length + i + 1, v)) };
}

/**
 * MultiPaxos.tla Propose(p, c): phase 2a: a leader proposes a client's command in the next slot,
 * unless it already has. c is one of Command, which in every model leaves out NoOp.
 */
export function Propose(cfg: MultiPaxosConfig, p: ProposerState, c: Command): Transition<ProposerState> | undefined {
  const slot = p.proposals.length + 1;
  if (p.phase !== 'Leader' || !cfg.slots.includes(slot) || p.proposals.includes(c) || c === cfg.noop) return undefined;
  return { node: { ...p, proposals: [...p.proposals, c] }, sent: acceptRequests(cfg, p, slot, c) };
}

/** MultiPaxos.tla HandleAccept(a, p): accept a slot's command in a ballot no lower than the promise; tell the leader. */
export function HandleAccept(cfg: MultiPaxosConfig, a: AcceptorState, m: Accept): Transition<AcceptorState> {
  if (!atLeast(m.ballot, a.promised, cfg.rules.ballotLess)) return { node: a, sent: [] };
  const entry: AcceptedEntry = { slot: m.slot, bal: m.ballot, val: m.value };
  const accepted = [...a.accepted.filter((e) => e.slot !== m.slot), entry].sort((x, y) => x.slot - y.slot);
  const reply: Accepted = { type: 'Accepted', ballot: m.ballot, slot: m.slot, value: m.value, source: a.id, dest: m.source };
  return { node: { ...a, promised: m.ballot, accepted }, sent: [reply] };
}

/** MultiPaxos.tla HandleAccepted(p, a): count an acceptance of the current ballot; a quorum chooses the slot, which p tells every replica. */
export function HandleAccepted(cfg: MultiPaxosConfig, p: ProposerState, m: Accepted): Transition<ProposerState> {
  const counts =
    sameBallot(m.ballot, ballotOf(p)) &&
    !cfg.rules.isQuorum(acksAt(p, m.slot), cfg.acceptors) &&
    // Stryker disable next-line ConditionalExpression: implied by the ballot, in every state the spec reaches: p sent its ballot's Accepts as leader, and only Phase1a, into a new round, ends that
    p.phase === 'Leader';
  if (!counts) return { node: p, sent: [] };
  const acks = withElement(p.acks, { slot: m.slot, acceptor: m.source }, ackKey, ackOrder);
  const node = { ...p, acks };
  if (!cfg.rules.isQuorum(acksAt(node, m.slot), cfg.acceptors)) return { node, sent: [] };
  return {
    node,
    sent: cfg.replicas.map((r): Decision => ({ type: 'Decision', slot: m.slot, value: m.value, source: p.id, dest: r })),
  };
}

/** MultiPaxos.tla HandleDecision(r, p): learn a slot's command and execute what follows the log without a gap. */
export function HandleDecision(cfg: MultiPaxosConfig, r: ReplicaState, m: Decision): Transition<ReplicaState> {
  // The spec's IF also asks m.mslot > Len(log[r]); without it the step is the same: a slot the log
  // has executed is not pending (TypeOK), so executing does not take it, and pending' keeps only
  // the slots past the log.
  if (r.pending.some((e) => e.slot === m.slot)) return { node: r, sent: [] };
  const known = [...r.pending, { slot: m.slot, val: m.value }].sort((x, y) => x.slot - y.slot);
  const log = cfg.rules.execute(r.log, known);
  return { node: { ...r, log, pending: known.filter((e) => e.slot > log.length) }, sent: [] };
}

/** MultiPaxos.tla Restart(a): crash and restart with the promise and accepted values, which are on stable storage. */
export function Restart(cfg: MultiPaxosConfig, a: AcceptorState): Transition<AcceptorState> {
  return { node: a, sent: [] };
}

// ---- the reducer ------------------------------------------------------------------------------

// The dispatchers are switches, not ts-pattern's match: they run at every step of every
// simulation, and a switch over the union is as exhaustive (the default is unreachable). The
// event says which role takes it: Phase1a, BecomeLeader, Propose and the receipt of a Promise or
// an Accepted are the proposer's, Restart and the receipt of a Prepare or an Accept the acceptor's,
// the receipt of a Decision the replica's.

/** Any role's state. */
export type MultiPaxosAgent = ProposerState | AcceptorState | ReplicaState;

/** A message arriving at an agent: the handler of its kind; undefined unless the agent is its destination (MultiPaxos.tla's m.mdest = a, p or r). */
export function receive(cfg: MultiPaxosConfig, agent: MultiPaxosAgent, m: MultiPaxosMessage): Transition<MultiPaxosAgent> | undefined {
  if (m.dest !== agent.id) return undefined;
  switch (m.type) {
    case 'Prepare':
      return HandlePrepare(cfg, agent as AcceptorState, m);
    case 'Promise':
      return HandlePromise(cfg, agent as ProposerState, m);
    case 'Accept':
      return HandleAccept(cfg, agent as AcceptorState, m);
    case 'Accepted':
      return HandleAccepted(cfg, agent as ProposerState, m);
    case 'Decision':
      return HandleDecision(cfg, agent as ReplicaState, m);
    default:
      return unreachable(m);
  }
}

/** The reducer: what `event` does to a proposer, an acceptor or a replica; undefined if it is not enabled. */
export function step(cfg: MultiPaxosConfig, p: ProposerState, event: ProposerEvent): Transition<ProposerState> | undefined;
export function step(cfg: MultiPaxosConfig, a: AcceptorState, event: AcceptorEvent): Transition<AcceptorState> | undefined;
export function step(cfg: MultiPaxosConfig, r: ReplicaState, event: ReplicaEvent): Transition<ReplicaState> | undefined;
export function step(cfg: MultiPaxosConfig, agent: MultiPaxosAgent, event: MultiPaxosEvent): Transition<MultiPaxosAgent> | undefined {
  switch (event.type) {
    case 'Phase1a':
      return Phase1a(cfg, agent as ProposerState, event.executed);
    case 'Receive':
      return receive(cfg, agent, event.message);
    case 'BecomeLeader':
      return BecomeLeader(cfg, agent as ProposerState);
    case 'Propose':
      return Propose(cfg, agent as ProposerState, event.command);
    case 'Restart':
      return Restart(cfg, agent as AcceptorState);
    default:
      return unreachable(event);
  }
}

/** What a cluster model needs of the agents: their initial states and their steps. */
export interface MultiPaxosReducer {
  initialProposer(id: ServerId): ProposerState;
  initialAcceptor(id: ServerId): AcceptorState;
  initialReplica(id: ServerId): ReplicaState;
  step: typeof step;
}

export const MULTIPAXOS_REDUCER: MultiPaxosReducer = { initialProposer, initialAcceptor, initialReplica, step };
