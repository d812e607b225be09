// The Raft cluster model: every server's state plus the network, with MCRaft.tla's bounds, as
// one state machine whose steps are exactly the TLA+ spec's actions. The explorer walks it,
// and the conformance suite compares its graph with TLC's.

import { Bag } from '../core/bag.ts';
import { agentsKey, bagClusterSteps } from '../explore/cluster.ts';
import type { NetworkBounds } from '../explore/cluster.ts';
import type { Step } from '../explore/model.ts';
import { RAFT_REDUCER } from './node.ts';
import type { RaftConfig, RaftReducer } from './node.ts';
import type { RaftEvent, RaftMessage, RaftNode, ServerId, Transition, Value } from './types.ts';

/** MCRaft.tla's constants, and the bounds for long histories where a model's .cfg assigns them. */
export interface RaftBounds extends NetworkBounds {
  readonly candidates: readonly ServerId[];
  readonly maxTerm: number;
  readonly maxLogLength: number;
  /** MCRaft's Faults: false, no Restart and no DropMessage (MCRestart, MCDropMessage). */
  readonly faults?: boolean;
  /** MCRaft's OddTermCandidates and EvenTermCandidates: who may time out into which term (MCTimeoutInTurn). */
  readonly termTurns?: { readonly odd: readonly ServerId[]; readonly even: readonly ServerId[] };
  /** MCRaft's IdleHeartbeats: false, a leader sends j nothing once matchIndex[j] is its whole log (MCAppendEntries). */
  readonly idleHeartbeats?: boolean;
}

/** MCTimeoutInTurn: with turns, a server times out only into a term of its turn. */
function timeoutInTurn(bounds: RaftBounds, node: RaftNode): boolean {
  if (bounds.termTurns === undefined) return true;
  const term = node.currentTerm + 1;
  return (term % 2 === 1 ? bounds.termTurns.odd : bounds.termTurns.even).includes(node.id);
}

export interface RaftClusterConfig extends RaftConfig {
  readonly values: readonly Value[];
  readonly bounds: RaftBounds;
  /** Whose steps the servers take: ours, or an implementation's (--impl, src/raft/implementation.ts). */
  readonly reducer?: RaftReducer;
}

export interface RaftCluster {
  /** In the order of config.servers. */
  readonly nodes: readonly RaftNode[];
  readonly messages: Bag<RaftMessage>;
}

/** A step of the spec's Next, with its parameters. */
export type RaftAction =
  | { readonly name: 'Timeout'; readonly i: ServerId }
  | MessageStep<'HandleRequestVoteRequest'>
  | MessageStep<'HandleRequestVoteResponse'>
  | { readonly name: 'BecomeLeader'; readonly i: ServerId }
  | { readonly name: 'ClientRequest'; readonly i: ServerId; readonly v: Value }
  | { readonly name: 'AppendEntries'; readonly i: ServerId; readonly j: ServerId }
  | MessageStep<'HandleAppendEntriesRequest'>
  | MessageStep<'HandleAppendEntriesResponse'>
  | { readonly name: 'AdvanceCommitIndex'; readonly i: ServerId }
  | { readonly name: 'Restart'; readonly i: ServerId }
  | MessageStep<'DropMessage'>
  | MessageStep<'DuplicateMessage'>;

/**
 * A step that takes a message m: its parameters are, as in Raft.tla, the two servers at its
 * ends (the receiver i and the sender j for a handler, the sender i and the receiver j for the
 * network's steps); m says which message it took.
 */
interface MessageStep<Name extends string> {
  readonly name: Name;
  readonly i: ServerId;
  readonly j: ServerId;
  readonly m: RaftMessage;
}

const HANDLER = {
  RequestVoteRequest: 'HandleRequestVoteRequest',
  RequestVoteResponse: 'HandleRequestVoteResponse',
  AppendEntriesRequest: 'HandleAppendEntriesRequest',
  AppendEntriesResponse: 'HandleAppendEntriesResponse',
} as const satisfies Record<RaftMessage['type'], RaftAction['name']>;

export function initialCluster(cfg: RaftClusterConfig): RaftCluster {
  const reducer = cfg.reducer ?? RAFT_REDUCER;
  return { nodes: cfg.servers.map((id) => reducer.initialNode(cfg, id)), messages: Bag.empty() };
}

/** A canonical, injective key of a message (src/core/bag.ts orders the network by it). */
export function messageKey(m: RaftMessage): string {
  switch (m.type) {
    case 'RequestVoteRequest':
      return `RVQ ${m.term} ${m.lastLogTerm} ${m.lastLogIndex} ${m.source} ${m.dest}`;
    case 'RequestVoteResponse':
      return `RVP ${m.term} ${m.voteGranted ? 1 : 0} ${m.source} ${m.dest}`;
    case 'AppendEntriesRequest':
      return `AEQ ${m.term} ${m.prevLogIndex} ${m.prevLogTerm} ${m.entries.map((e) => `${e.term}:${e.value}`).join(',')} ${m.commitIndex} ${m.source} ${m.dest}`;
    case 'AppendEntriesResponse':
      return `AEP ${m.term} ${m.success ? 1 : 0} ${m.matchIndex} ${m.source} ${m.dest}`;
  }
}

const nodeKeys = new WeakMap<RaftNode, string>();

/** A canonical, injective key of one server's state (the server is implied by its position). */
function nodeKey(cfg: RaftConfig, n: RaftNode): string {
  let key = nodeKeys.get(n);
  // Stryker disable next-line ConditionalExpression: a memo; computing the key again gives the same key (this sets aside `false` too, no key at all, which every graph would kill)
  if (key === undefined) {
    key = [
      n.currentTerm,
      // Stryker disable next-line StringLiteral: any placeholder for no vote that is not a server's name (a TLA+ identifier) keeps the key injective (test/raft/keys.test.ts)
      n.votedFor ?? '',
      n.log.map((e) => `${e.term}:${e.value}`).join(','),
      n.role,
      n.commitIndex,
      n.votesGranted.join(','),
      cfg.servers.map((j) => n.nextIndex[j]).join(','),
      cfg.servers.map((j) => n.matchIndex[j]).join(','),
    ].join(' ');
    nodeKeys.set(n, key);
  }
  return key;
}

export function clusterKey(cfg: RaftConfig, c: RaftCluster): string {
  return agentsKey(c.nodes, (n) => nodeKey(cfg, n)) + c.messages.key;
}

/** How steps change the servers and the network (src/explore/cluster.ts). */
const steps = bagClusterSteps<RaftCluster, RaftMessage>(messageKey);

/** Every enabled action of MCRaft's Next, in the order of Raft.tla's Next, with its successor. */
export function successors(cfg: RaftClusterConfig, c: RaftCluster): Step<RaftCluster, RaftAction>[] {
  const out: Step<RaftCluster, RaftAction>[] = [];
  const { bounds } = cfg;
  const inFlight = c.messages.size;
  const others = cfg.servers.length - 1;
  const reducer = cfg.reducer ?? RAFT_REDUCER;
  const act = (node: RaftNode, event: RaftEvent): Transition | undefined => reducer.step(cfg, node, event);

  c.nodes.forEach((node, i) => {
    // MCTimeout (and MCTimeoutInTurn)
    if (bounds.candidates.includes(node.id) && node.currentTerm < bounds.maxTerm && inFlight + others <= bounds.maxInFlight && timeoutInTurn(bounds, node)) {
      const t = act(node, { type: 'Timeout' });
      if (t) out.push({ action: { name: 'Timeout', i: node.id }, next: steps.afterTransition(c, 'nodes', i, t) });
    }
  });
  for (const { key, item: m } of c.messages.entries) {
    const action = { name: HANDLER[m.type], i: m.dest, j: m.source, m };
    // Always enabled in the spec; an implementation that refuses a message has no such edge.
    const t = act(c.nodes[cfg.servers.indexOf(m.dest)], { type: 'Receive', message: m });
    if (t) out.push({ action, next: steps.afterDelivery(c, 'nodes', m, key, () => t) });
  }
  c.nodes.forEach((node, i) => {
    const t = act(node, { type: 'BecomeLeader' });
    if (t) out.push({ action: { name: 'BecomeLeader', i: node.id }, next: steps.afterTransition(c, 'nodes', i, t) });
  });
  c.nodes.forEach((node, i) => {
    // MCClientRequest
    if (node.log.length >= bounds.maxLogLength) return;
    for (const v of cfg.values) {
      const t = act(node, { type: 'ClientRequest', value: v });
      if (t) out.push({ action: { name: 'ClientRequest', i: node.id, v }, next: steps.afterTransition(c, 'nodes', i, t) });
    }
  });
  c.nodes.forEach((node, i) => {
    for (const j of cfg.servers) {
      const t = act(node, { type: 'AppendEntries', to: j });
      // MCAppendEntries
      if (
        t &&
        (t.sent.length === 0 || c.messages.count(messageKey(t.sent[0])) < bounds.maxCopies) &&
        inFlight < bounds.maxInFlight &&
        (bounds.idleHeartbeats !== false || node.matchIndex[j] < node.log.length)
      ) {
        out.push({ action: { name: 'AppendEntries', i: node.id, j }, next: steps.afterTransition(c, 'nodes', i, t) });
      }
    }
  });
  c.nodes.forEach((node, i) => {
    const t = act(node, { type: 'AdvanceCommitIndex' });
    if (t) out.push({ action: { name: 'AdvanceCommitIndex', i: node.id }, next: steps.afterTransition(c, 'nodes', i, t) });
  });
  // MCRestart and MCDropMessage: only with faults.
  if (bounds.faults !== false) {
    c.nodes.forEach((node, i) => {
      const t = act(node, { type: 'Restart' });
      if (t) out.push({ action: { name: 'Restart', i: node.id }, next: steps.afterTransition(c, 'nodes', i, t) });
    });
    out.push(...steps.dropMessageSteps(c));
  }
  // MCDuplicateMessage: no message may have more than MaxCopies copies after the step.
  out.push(...steps.duplicateMessageSteps(c, bounds, (messages) => messages.entries.every((e) => e.count <= bounds.maxCopies)));
  return out;
}
