// The Paxos reducers: one agent's state and one event in, its new state and the messages it
// sends out. Pure: no clocks, no I/O, no randomness; the drivers (src/paxos/cluster.ts, the
// explorer, the simulator) own time and the network. A server that plays several roles runs
// one reducer per role.
//
// One function per action of specs/paxos/Paxos.tla, with the same name, in the same order.
// Each returns undefined where the action is not enabled: where its enabling condition in
// Paxos.tla does not hold of the agent's state and the event (a message step's message is one
// in flight; that it is, is the driver's business). Every driver (the cluster model, the
// simulator's host) takes steps through the three reducers at the end, one per role, and nothing
// else: test/paxos/enabling.test.ts checks that they refuse exactly what the spec refuses.

import { unique, withElement } from '../core/sorted.ts';
import { unreachable } from '../core/unreachable.ts';
import { above, atLeast, ballotKey, ballotLess, ballotOf, highest, sameBallot } from './ballot.ts';
import type { Ballot, BallotOrder } from './ballot.ts';
import type {
  Accept,
  Accepted,
  AcceptedValue,
  AcceptorEvent,
  AcceptorState,
  Decided,
  LearnerEvent,
  LearnerState,
  Prepare,
  PromiseMessage,
  PromiseRecord,
  ProposerEvent,
  ProposerState,
  ServerId,
  Transition,
  Tally,
  Value,
} from './types.ts';

/**
 * The judgements Paxos's safety rests on, gathered so that a seeded bug (src/paxos/mutants.ts)
 * can replace one of them and the conformance suite must notice.
 */
export interface PaxosRules {
  /** The order of ballots (Paxos.tla Less): is b below c? */
  ballotLess: BallotOrder;
  /** Do these acceptors (without duplicates) make a quorum of all of them? */
  isQuorum(acceptors: readonly ServerId[], all: readonly ServerId[]): boolean;
  /** Phase 2a: the value a proposer must propose, given what its promises report accepted; null if it may propose its own. */
  requiredValue(reported: readonly AcceptedValue[], less: BallotOrder): Value | null;
  /** What an acceptor comes back with after a crash: what it kept on stable storage. */
  recover(acceptor: AcceptorState): AcceptorState;
  /** Paxos.tla AddVote(t, a, b, v): a learner's tally after acceptor `acceptor` voted for ballot `bal` and value `val`. */
  addVote(tally: Tally | null, acceptor: ServerId, bal: Ballot, val: Value, less: BallotOrder): Tally;
}

export const PAXOS_RULES: PaxosRules = {
  ballotLess,
  isQuorum: (acceptors, all) => acceptors.length * 2 > all.length,
  requiredValue: (reported, less) => (reported.length === 0 ? null : highest(reported, less).val),
  recover: (acceptor) => acceptor,
  addVote: (tally, acceptor, bal, val, less) => {
    if (tally === null || less(tally.bal, bal)) return { bal, val, acceptors: [acceptor] };
    if (sameBallot(tally.bal, bal)) return { ...tally, acceptors: unique([...tally.acceptors, acceptor]) };
    return tally;
  },
};

export interface PaxosConfig {
  /** Every proposer, acceptor and learner, sorted. */
  readonly proposers: readonly ServerId[];
  readonly acceptors: readonly ServerId[];
  readonly learners: readonly ServerId[];
  /** The rounds proposers go through, in increasing order. */
  readonly rounds: readonly number[];
  readonly rules: PaxosRules;
}

// ---- helpers (Paxos.tla's Helpers section) ---------------------------------------------------
// BallotOf, Above and AtLeast, which Multi-Paxos shares, are in ballot.ts.

/**
 * The key of the spec's None (no promise, nothing accepted, no tally, no decision) in the keys of
 * states and messages: any text that no ballot's key (digits and a dot) and no value (a TLA+
 * identifier, with a letter) can be.
 */
// Stryker disable next-line StringLiteral: "" is such a text too; every key stays injective (test/paxos/keys.test.ts), so the explorer's states are the same
export const NONE_KEY = '-';

export function acceptedKey(x: AcceptedValue | null): string {
  return x === null ? NONE_KEY : `${ballotKey(x.bal)}:${x.val}`;
}

export function promiseKey(r: PromiseRecord): string {
  return `${r.acceptor}/${acceptedKey(r.accepted)}`;
}

export function tallyKey(t: Tally | null): string {
  return t === null ? NONE_KEY : `${ballotKey(t.bal)}:${t.val}:${t.acceptors.join(',')}`;
}

export function initialProposer(id: ServerId): ProposerState {
  return { id, round: 0, phase: 'Idle', promises: [] };
}

export function initialAcceptor(id: ServerId): AcceptorState {
  return { id, promised: null, accepted: null };
}

export function initialLearner(id: ServerId): LearnerState {
  return { id, tally: null, decided: null };
}

// ---- actions -----------------------------------------------------------------------------------

/** Paxos.tla Phase1a(p): start a ballot in the next round and ask every acceptor for its promise. */
export function Phase1a(cfg: PaxosConfig, p: ProposerState): Transition<ProposerState> | undefined {
  const round = cfg.rounds.find((r) => r > p.round);
  if (round === undefined) return undefined;
  const ballot: Ballot = { round, proposer: p.id };
  return {
    node: { ...p, round, phase: 'Phase1', promises: [] },
    sent: cfg.acceptors.map((a): Prepare => ({ type: 'Prepare', ballot, source: p.id, dest: a })),
  };
}

/** Paxos.tla HandlePrepare(a, p): promise a ballot above every earlier promise, reporting the last accepted value. */
export function HandlePrepare(cfg: PaxosConfig, a: AcceptorState, m: Prepare): Transition<AcceptorState> | undefined {
  if (m.dest !== a.id) return undefined;
  if (!above(m.ballot, a.promised, cfg.rules.ballotLess)) return { node: a, sent: [] };
  const promise: PromiseMessage = { type: 'Promise', ballot: m.ballot, accepted: a.accepted, source: a.id, dest: m.source };
  return { node: { ...a, promised: m.ballot }, sent: [promise] };
}

/** Paxos.tla HandlePromise(p, a): count a promise for the current ballot while gathering them. */
export function HandlePromise(cfg: PaxosConfig, p: ProposerState, m: PromiseMessage): Transition<ProposerState> | undefined {
  if (m.dest !== p.id) return undefined;
  if (p.phase !== 'Phase1' || !sameBallot(m.ballot, ballotOf(p))) return { node: p, sent: [] };
  const promises = withElement(p.promises, { acceptor: m.source, accepted: m.accepted }, promiseKey);
  return { node: { ...p, promises }, sent: [] };
}

/** Paxos.tla Reported(p): the ballots and values the proposer's promises report accepted. */
export function reported(p: ProposerState): AcceptedValue[] {
  const out: AcceptedValue[] = [];
  const seen = new Set<string>();
  for (const r of p.promises) {
    if (r.accepted !== null && !seen.has(acceptedKey(r.accepted))) {
      seen.add(acceptedKey(r.accepted));
      out.push(r.accepted);
    }
  }
  return out;
}

/** Paxos.tla Phase2a(p, v): promised by a quorum, propose v, which must be the highest reported value if any. */
export function Phase2a(cfg: PaxosConfig, p: ProposerState, v: Value): Transition<ProposerState> | undefined {
  if (p.phase !== 'Phase1') return undefined;
  if (!cfg.rules.isQuorum(unique(p.promises.map((r) => r.acceptor)), cfg.acceptors)) return undefined;
  const required = cfg.rules.requiredValue(reported(p), cfg.rules.ballotLess);
  if (required !== null && v !== required) return undefined;
  const ballot = ballotOf(p);
  return {
    node: { ...p, phase: 'Phase2', promises: [] },
    sent: cfg.acceptors.map((a): Accept => ({ type: 'Accept', ballot, value: v, source: p.id, dest: a })),
  };
}

/** Paxos.tla HandleAccept(a, p): accept a ballot no lower than the promise, and tell every learner. */
export function HandleAccept(cfg: PaxosConfig, a: AcceptorState, m: Accept): Transition<AcceptorState> | undefined {
  if (m.dest !== a.id) return undefined;
  if (!atLeast(m.ballot, a.promised, cfg.rules.ballotLess)) return { node: a, sent: [] };
  return {
    node: { ...a, promised: m.ballot, accepted: { bal: m.ballot, val: m.value } },
    sent: cfg.learners.map((l): Accepted => ({ type: 'Accepted', ballot: m.ballot, value: m.value, source: a.id, dest: l })),
  };
}

/** Paxos.tla HandleAccepted(l, a): count a vote; a quorum in one ballot chooses its value, which l decides and tells. */
export function HandleAccepted(cfg: PaxosConfig, l: LearnerState, m: Accepted): Transition<LearnerState> | undefined {
  if (m.dest !== l.id) return undefined;
  if (l.decided !== null) return { node: l, sent: [] };
  const tally = cfg.rules.addVote(l.tally, m.source, m.ballot, m.value, cfg.rules.ballotLess);
  if (!cfg.rules.isQuorum(tally.acceptors, cfg.acceptors)) return { node: { ...l, tally }, sent: [] };
  return {
    node: { ...l, tally: null, decided: tally.val },
    sent: cfg.learners.filter((k) => k !== l.id).map((k): Decided => ({ type: 'Decided', value: tally.val, source: l.id, dest: k })),
  };
}

/** Paxos.tla HandleDecided(l, k): learn the value another learner decided, unless already decided. */
export function HandleDecided(cfg: PaxosConfig, l: LearnerState, m: Decided): Transition<LearnerState> | undefined {
  if (m.dest !== l.id) return undefined;
  return { node: { ...l, tally: null, decided: l.decided ?? m.value }, sent: [] };
}

/** Paxos.tla Restart(a): crash and restart with what is on stable storage: the promise and the accepted value. */
export function Restart(cfg: PaxosConfig, a: AcceptorState): Transition<AcceptorState> {
  return { node: cfg.rules.recover(a), sent: [] };
}

// ---- the reducers -----------------------------------------------------------------------------

// The dispatchers are switches, not ts-pattern's match: they run at every step of every
// simulation, and a switch over the union is as exhaustive (the default is unreachable: an
// ill-typed event from outside throws).

/** A message arriving at a proposer: the handler of its kind. */
function proposerReceives(cfg: PaxosConfig, p: ProposerState, m: PromiseMessage): Transition<ProposerState> | undefined {
  switch (m.type) {
    case 'Promise':
      return HandlePromise(cfg, p, m);
    default:
      return unreachable(m.type);
  }
}

/** The proposer's reducer: what `event` does to it; undefined if it is not enabled. */
export function stepProposer(cfg: PaxosConfig, p: ProposerState, event: ProposerEvent): Transition<ProposerState> | undefined {
  switch (event.type) {
    case 'Phase1a':
      return Phase1a(cfg, p);
    case 'Receive':
      return proposerReceives(cfg, p, event.message);
    case 'Phase2a':
      return Phase2a(cfg, p, event.value);
    default:
      return unreachable(event);
  }
}

/** A message arriving at an acceptor: the handler of its kind. */
function acceptorReceives(cfg: PaxosConfig, a: AcceptorState, m: Prepare | Accept): Transition<AcceptorState> | undefined {
  switch (m.type) {
    case 'Prepare':
      return HandlePrepare(cfg, a, m);
    case 'Accept':
      return HandleAccept(cfg, a, m);
    default:
      return unreachable(m);
  }
}

/** The acceptor's reducer. */
export function stepAcceptor(cfg: PaxosConfig, a: AcceptorState, event: AcceptorEvent): Transition<AcceptorState> | undefined {
  switch (event.type) {
    case 'Receive':
      return acceptorReceives(cfg, a, event.message);
    case 'Restart':
      return Restart(cfg, a);
    default:
      return unreachable(event);
  }
}

/** A message arriving at a learner: the handler of its kind. */
function learnerReceives(cfg: PaxosConfig, l: LearnerState, m: Accepted | Decided): Transition<LearnerState> | undefined {
  switch (m.type) {
    case 'Accepted':
      return HandleAccepted(cfg, l, m);
    case 'Decided':
      return HandleDecided(cfg, l, m);
    default:
      return unreachable(m);
  }
}

/** The learner's reducer. */
export function stepLearner(cfg: PaxosConfig, l: LearnerState, event: LearnerEvent): Transition<LearnerState> | undefined {
  switch (event.type) {
    case 'Receive':
      return learnerReceives(cfg, l, event.message);
    default:
      return unreachable(event.type);
  }
}
