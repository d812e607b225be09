// The Raft reducer: one server's state and one event in, its new state and the messages it
// sends out. Pure, like etcd-raft's raft.go: no clocks, no I/O, no randomness; the drivers
// (src/raft/cluster.ts, the explorer, the simulator) own time and the network.
//
// One function per action of specs/raft/Raft.tla, with the same name, in the same order.
// Each returns undefined where the action is not enabled.

import { unreachable } from '../core/unreachable.ts';
import { nextRole } from './roles.ts';
import type {
  AppendEntriesRequest,
  AppendEntriesResponse,
  LogEntry,
  RaftEvent,
  RaftMessage,
  RaftNode,
  RequestVoteRequest,
  RequestVoteResponse,
  ServerId,
  Transition,
  Value,
} from './types.ts';

/**
 * The judgements the protocol's safety rests on, gathered so that a seeded bug
 * (src/raft/mutants.ts) can replace one of them and the conformance suite must notice.
 */
export interface RaftRules {
  /** Raft 5.4.1: is a candidate's log, ending at (lastLogTerm, lastLogIndex), at least as up to date as the voter's? (Raft.tla CandidateLogIsUpToDate) */
  candidateLogIsUpToDate(lastLogTerm: number, lastLogIndex: number, voterLog: readonly LogEntry[]): boolean;
  /** Raft 5.2: may a server that has voted for `votedFor` in this term vote for `candidate`? */
  mayVote(votedFor: ServerId | null, candidate: ServerId): boolean;
  /** Do these servers make a quorum of the cluster? (Raft.tla Quorum) */
  isQuorum(servers: readonly ServerId[], cluster: readonly ServerId[]): boolean;
  /** Raft 5.4.2: may a leader of `currentTerm` commit an entry of `entryTerm` by counting its replicas? (Raft.tla MayCommitByCounting) */
  mayCommitByCounting(entryTerm: number, currentTerm: number): boolean;
  /** Raft 5.3: what a follower keeps of its log before the entries an AppendEntries request brings (Raft.tla LogBeforeNewEntry). */
  logBeforeNewEntry(log: readonly LogEntry[], prevLogIndex: number): readonly LogEntry[];
  /** Raft figure 2: the vote a server still has after a restart (Raft.tla VotedForAfterRestart). */
  votedForAfterRestart(votedFor: ServerId | null): ServerId | null;
}

export const RAFT_RULES: RaftRules = {
  candidateLogIsUpToDate: (lastLogTerm, lastLogIndex, voterLog) =>
    lastLogTerm > lastTerm(voterLog) || (lastLogTerm === lastTerm(voterLog) && lastLogIndex >= voterLog.length),
  mayVote: (votedFor, candidate) => votedFor === null || votedFor === candidate,
  isQuorum: (servers, cluster) => servers.length * 2 > cluster.length,
  mayCommitByCounting: (entryTerm, currentTerm) => entryTerm === currentTerm,
  // The entries up to prevLogIndex match the leader's; a conflicting entry goes, with all that follow it.
  logBeforeNewEntry: (log, prevLogIndex) => log.slice(0, prevLogIndex),
  // votedFor is persistent state.
  votedForAfterRestart: (votedFor) => votedFor,
};

export interface RaftConfig {
  /** Every server of the cluster, sorted. */
  readonly servers: readonly ServerId[];
  /** Raft.tla's MaxEntries: the most entries one AppendEntries request carries (1 in the models). */
  readonly maxEntries: number;
  readonly rules: RaftRules;
}

// ---- helpers (Raft.tla's Helpers section) ---------------------------------------------------

/** The term of the last entry of a log, 0 for an empty log. */
export function lastTerm(log: readonly LogEntry[]): number {
  return log.length === 0 ? 0 : log[log.length - 1].term;
}

/** Raft 5.1: a server that sees a newer term adopts it and becomes a follower that has not voted in it. */
function observeTerm(node: RaftNode, term: number): RaftNode {
  if (term <= node.currentTerm) return node;
  return { ...node, currentTerm: term, votedFor: null, role: nextRole(node.role, 'DiscoverNewerTerm') };
}

function everyServer(cfg: RaftConfig, value: number): Readonly<Record<ServerId, number>> {
  return Object.fromEntries(cfg.servers.map((j) => [j, value]));
}

function withServer(servers: readonly ServerId[], j: ServerId): readonly ServerId[] {
  return servers.includes(j) ? servers : [...servers, j].sort();
}

export function initialNode(cfg: RaftConfig, id: ServerId): RaftNode {
  return {
    id,
    currentTerm: 0,
    votedFor: null,
    log: [],
    role: 'Follower',
    commitIndex: 0,
    votesGranted: [],
    nextIndex: everyServer(cfg, 1),
    matchIndex: everyServer(cfg, 0),
  };
}

// ---- actions -----------------------------------------------------------------------------------

/** Raft.tla Timeout(i): the election timer fires; start an election in a new term (Raft 5.2). */
export function Timeout(cfg: RaftConfig, node: RaftNode): Transition | undefined {
  if (node.role === 'Leader') return undefined;
  const term = node.currentTerm + 1;
  const sent = cfg.servers
    .filter((j) => j !== node.id)
    .map(
      (j): RequestVoteRequest => ({
        type: 'RequestVoteRequest',
        term,
        lastLogTerm: lastTerm(node.log),
        lastLogIndex: node.log.length,
        source: node.id,
        dest: j,
      }),
    );
  return {
    node: { ...node, role: nextRole(node.role, 'ElectionTimeout'), currentTerm: term, votedFor: node.id, votesGranted: [node.id] },
    sent,
  };
}

/** Raft.tla HandleRequestVoteRequest(m): grant a vote at most once per term, only to an up-to-date log (Raft 5.4.1). */
export function HandleRequestVoteRequest(cfg: RaftConfig, node: RaftNode, m: RequestVoteRequest): Transition {
  const after = observeTerm(node, m.term);
  const grant =
    m.term >= node.currentTerm &&
    cfg.rules.mayVote(after.votedFor, m.source) &&
    cfg.rules.candidateLogIsUpToDate(m.lastLogTerm, m.lastLogIndex, node.log);
  const response: RequestVoteResponse = {
    type: 'RequestVoteResponse',
    term: after.currentTerm,
    voteGranted: grant,
    source: node.id,
    dest: m.source,
  };
  return { node: grant ? { ...after, votedFor: m.source } : after, sent: [response] };
}

/** Raft.tla HandleRequestVoteResponse(m): a candidate counts a vote of its current term. */
export function HandleRequestVoteResponse(cfg: RaftConfig, node: RaftNode, m: RequestVoteResponse): Transition {
  const after = observeTerm(node, m.term);
  const counts = m.voteGranted && m.term === node.currentTerm && node.role === 'Candidate';
  return { node: counts ? { ...after, votesGranted: withServer(after.votesGranted, m.source) } : after, sent: [] };
}

/** Raft.tla BecomeLeader(i): a candidate with the votes of a quorum leads its term. */
export function BecomeLeader(cfg: RaftConfig, node: RaftNode): Transition | undefined {
  if (node.role !== 'Candidate' || !cfg.rules.isQuorum(node.votesGranted, cfg.servers)) return undefined;
  return {
    node: {
      ...node,
      role: nextRole(node.role, 'WinElection'),
      nextIndex: everyServer(cfg, node.log.length + 1),
      matchIndex: everyServer(cfg, 0),
    },
    sent: [],
  };
}

/** Raft.tla ClientRequest(i, v): a leader appends a client's value to its log (Raft 5.3). */
export function ClientRequest(cfg: RaftConfig, node: RaftNode, v: Value): Transition | undefined {
  if (node.role !== 'Leader') return undefined;
  return { node: { ...node, log: [...node.log, { term: node.currentTerm, value: v }] }, sent: [] };
}

/** Raft.tla AppendEntriesRequest(i, j): the entries from nextIndex[j] (at most MaxEntries), after the one j must already hold. */
export function appendEntriesRequest(cfg: RaftConfig, node: RaftNode, j: ServerId): AppendEntriesRequest {
  const next = node.nextIndex[j];
  const prevLogIndex = next - 1;
  const lastEntry = Math.min(node.log.length, next + cfg.maxEntries - 1);
  return {
    type: 'AppendEntriesRequest',
    term: node.currentTerm,
    prevLogIndex,
    prevLogTerm: prevLogIndex > 0 ? node.log[prevLogIndex - 1].term : 0,
    entries: node.log.slice(next - 1, lastEntry),
    commitIndex: Math.min(node.commitIndex, lastEntry),
    source: node.id,
    dest: j,
  };
}

/** Raft.tla AppendEntries(i, j): a leader sends j an AppendEntries request with at most MaxEntries entries. */
export function AppendEntries(cfg: RaftConfig, node: RaftNode, j: ServerId): Transition | undefined {
  if (j === node.id || node.role !== 'Leader') return undefined;
  return { node, sent: [appendEntriesRequest(cfg, node, j)] };
}

/**
 * Raft.tla HandleAppendEntriesRequest(m): refuse a request of an older term; otherwise follow
 * the sender, and accept if the entry before the new one matches (the Log Matching check):
 * delete a conflicting entry with all that follow, append, learn the leader's commit index.
 */
export function HandleAppendEntriesRequest(cfg: RaftConfig, node: RaftNode, m: AppendEntriesRequest): Transition {
  const log = node.log;
  const logOk = m.prevLogIndex === 0 || (m.prevLogIndex <= log.length && log[m.prevLogIndex - 1].term === m.prevLogTerm);
  const accept = m.term >= node.currentTerm && logOk;
  const lastNew = m.prevLogIndex + m.entries.length;
  let after = observeTerm(node, m.term);
  // A candidate that hears from the leader of its term gives up.
  if (m.term >= node.currentTerm) after = { ...after, role: nextRole(after.role, 'DiscoverLeader') };
  if (accept) {
    // Every entry it brings is already there, with its term; otherwise the ones before the first
    // it lacks match, so the new log is the kept prefix and all of them.
    const holdsEntries = m.entries.every((e, k) => log.length > m.prevLogIndex + k && log[m.prevLogIndex + k].term === e.term);
    const newLog = holdsEntries ? log : [...cfg.rules.logBeforeNewEntry(log, m.prevLogIndex), ...m.entries];
    after = { ...after, log: newLog, commitIndex: Math.max(node.commitIndex, Math.min(m.commitIndex, lastNew)) };
  }
  const response: AppendEntriesResponse = {
    type: 'AppendEntriesResponse',
    term: after.currentTerm,
    success: accept,
    matchIndex: accept ? lastNew : 0,
    source: node.id,
    dest: m.source,
  };
  return { node: after, sent: [response] };
}

/** Raft.tla HandleAppendEntriesResponse(m): a leader learns how far j's log matches, or backs off one entry. */
export function HandleAppendEntriesResponse(cfg: RaftConfig, node: RaftNode, m: AppendEntriesResponse): Transition {
  const after = observeTerm(node, m.term);
  if (m.term !== node.currentTerm || node.role !== 'Leader') return { node: after, sent: [] };
  const j = m.source;
  const nextIndex = { ...after.nextIndex, [j]: m.success ? m.matchIndex + 1 : Math.max(after.nextIndex[j] - 1, 1) };
  const matchIndex = m.success ? { ...after.matchIndex, [j]: Math.max(after.matchIndex[j], m.matchIndex) } : after.matchIndex;
  return { node: { ...after, nextIndex, matchIndex }, sent: [] };
}

/** Raft.tla AdvanceCommitIndex(i): commit up to the highest entry of the leader's term that a quorum holds (Raft 5.4.2). */
export function AdvanceCommitIndex(cfg: RaftConfig, node: RaftNode): Transition | undefined {
  if (node.role !== 'Leader') return undefined;
  for (let index = node.log.length; index > node.commitIndex; index--) {
    const agree = cfg.servers.filter((k) => k === node.id || node.matchIndex[k] >= index);
    if (cfg.rules.isQuorum(agree, cfg.servers) && cfg.rules.mayCommitByCounting(node.log[index - 1].term, node.currentTerm)) {
      return { node: { ...node, commitIndex: index }, sent: [] };
    }
  }
  return undefined;
}

/** Raft.tla Restart(i): crash and restart, keeping currentTerm, votedFor and log (stable storage). */
export function Restart(cfg: RaftConfig, node: RaftNode): Transition {
  return {
    node: {
      ...node,
      role: nextRole(node.role, 'Restart'),
      votedFor: cfg.rules.votedForAfterRestart(node.votedFor),
      commitIndex: 0,
      votesGranted: [],
      nextIndex: everyServer(cfg, 1),
      matchIndex: everyServer(cfg, 0),
    },
    sent: [],
  };
}

// ---- the reducer ------------------------------------------------------------------------------

// The dispatchers are switches, not ts-pattern's match: they run at every step of every
// simulation, and a switch over the union is as exhaustive (the default is unreachable).

/** A message arriving at its destination: the handler of its kind. */
export function receive(cfg: RaftConfig, node: RaftNode, message: RaftMessage): Transition {
  switch (message.type) {
    case 'RequestVoteRequest':
      return HandleRequestVoteRequest(cfg, node, message);
    case 'RequestVoteResponse':
      return HandleRequestVoteResponse(cfg, node, message);
    case 'AppendEntriesRequest':
      return HandleAppendEntriesRequest(cfg, node, message);
    case 'AppendEntriesResponse':
      return HandleAppendEntriesResponse(cfg, node, message);
    default:
      return unreachable(message);
  }
}

/** The reducer: what `event` does to `node`; undefined if it is not enabled. */
export function step(cfg: RaftConfig, node: RaftNode, event: RaftEvent): Transition | undefined {
  switch (event.type) {
    case 'Timeout':
      return Timeout(cfg, node);
    case 'Receive':
      // HandleX(i, j) takes a message to i (m.mdest = i): a message to another server is not i's to handle.
      return event.message.dest === node.id ? receive(cfg, node, event.message) : undefined;
    case 'BecomeLeader':
      return BecomeLeader(cfg, node);
    case 'ClientRequest':
      return ClientRequest(cfg, node, event.value);
    case 'AppendEntries':
      return AppendEntries(cfg, node, event.to);
    case 'AdvanceCommitIndex':
      return AdvanceCommitIndex(cfg, node);
    case 'Restart':
      return Restart(cfg, node);
    default:
      return unreachable(event);
  }
}

/** What a cluster model needs of a Raft node: its initial state and its steps (ours, or an --impl's). */
export interface RaftReducer {
  initialNode(cfg: RaftConfig, id: ServerId): RaftNode;
  step(cfg: RaftConfig, node: RaftNode, event: RaftEvent): Transition | undefined;
}

export const RAFT_REDUCER: RaftReducer = { initialNode, step };
