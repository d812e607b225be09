// The Paxos cluster model: every proposer's, acceptor's and learner's state plus the network
// and the history of proposals, with MCPaxos.tla's bounds, as one state machine whose steps are
// exactly the TLA+ spec's actions. The explorer walks it, and the conformance suite compares
// its graph with TLC's.

import { Bag } from '../core/bag.ts';
import type { Step } from '../explore/model.ts';
import {
  HandleAccept,
  HandleAccepted,
  HandleDecided,
  HandlePrepare,
  HandlePromise,
  Phase1a,
  Phase2a,
  Restart,
  acceptedKey,
  initialAcceptor,
  initialLearner,
  initialProposer,
  promiseKey,
  tallyKey,
} from './node.ts';
import type { PaxosConfig } from './node.ts';
import type { AcceptorState, LearnerState, PaxosMessage, ProposerState, ServerId, Transition, Value } from './types.ts';

/** MCPaxos.tla's constants (the rounds, Paxos.tla's Round, are in the config). */
export interface PaxosBounds {
  readonly maxCopies: number;
  readonly maxInFlight: number;
}

export interface PaxosClusterConfig extends PaxosConfig {
  readonly values: readonly Value[];
  readonly bounds: PaxosBounds;
}

export interface PaxosCluster {
  /** In the order of config.proposers, config.acceptors and config.learners. */
  readonly proposers: readonly ProposerState[];
  readonly acceptors: readonly AcceptorState[];
  readonly learners: readonly LearnerState[];
  readonly messages: Bag<PaxosMessage>;
  /** History: the values proposed so far, sorted. */
  readonly proposed: readonly Value[];
}

/**
 * A step of the spec's Next, with its parameters, named as Paxos.tla names them. A message
 * step's parameters are the receiver and the sender; m is the message it took.
 */
export type PaxosAction =
  | { readonly name: 'Phase1a'; readonly p: ServerId }
  | { readonly name: 'HandlePrepare'; readonly a: ServerId; readonly p: ServerId; readonly m: PaxosMessage }
  | { readonly name: 'HandlePromise'; readonly p: ServerId; readonly a: ServerId; readonly m: PaxosMessage }
  | { readonly name: 'Phase2a'; readonly p: ServerId; readonly v: Value }
  | { readonly name: 'HandleAccept'; readonly a: ServerId; readonly p: ServerId; readonly m: PaxosMessage }
  | { readonly name: 'HandleAccepted'; readonly l: ServerId; readonly a: ServerId; readonly m: PaxosMessage }
  | { readonly name: 'HandleDecided'; readonly l: ServerId; readonly k: ServerId; readonly m: PaxosMessage }
  | { readonly name: 'Restart'; readonly a: ServerId }
  | { readonly name: 'DropMessage'; readonly i: ServerId; readonly j: ServerId; readonly m: PaxosMessage }
  | { readonly name: 'DuplicateMessage'; readonly i: ServerId; readonly j: ServerId; readonly m: PaxosMessage };

export function initialCluster(cfg: PaxosClusterConfig): PaxosCluster {
  return {
    proposers: cfg.proposers.map(initialProposer),
    acceptors: cfg.acceptors.map(initialAcceptor),
    learners: cfg.learners.map(initialLearner),
    messages: Bag.empty(),
    proposed: [],
  };
}

/** A canonical, injective key of a message (src/core/bag.ts orders the network by it). */
export function messageKey(m: PaxosMessage): string {
  switch (m.type) {
    case 'Prepare':
      return `P ${m.ballot.round}.${m.ballot.proposer} ${m.source} ${m.dest}`;
    case 'Promise':
      return `R ${m.ballot.round}.${m.ballot.proposer} ${acceptedKey(m.accepted)} ${m.source} ${m.dest}`;
    case 'Accept':
      return `A ${m.ballot.round}.${m.ballot.proposer} ${m.value} ${m.source} ${m.dest}`;
    case 'Accepted':
      return `V ${m.ballot.round}.${m.ballot.proposer} ${m.value} ${m.source} ${m.dest}`;
    case 'Decided':
      return `D ${m.value} ${m.source} ${m.dest}`;
  }
}

const nodeKeys = new WeakMap<object, string>();

/** A canonical, injective key of one agent's state (the agent is implied by its position), cached. */
function cachedKey<N extends object>(n: N, compute: (n: N) => string): string {
  let key = nodeKeys.get(n);
  if (key === undefined) {
    key = compute(n);
    nodeKeys.set(n, key);
  }
  return key;
}

const proposerKey = (p: ProposerState) => `${p.round} ${p.phase} ${p.promises.map(promiseKey).join(',')}`;
const acceptorKey = (a: AcceptorState) =>
  `${a.promised === null ? '-' : `${a.promised.round}.${a.promised.proposer}`} ${acceptedKey(a.accepted)}`;
const learnerKey = (l: LearnerState) => `${tallyKey(l.tally)} ${l.decided ?? '-'}`;

export function clusterKey(c: PaxosCluster): string {
  let key = '';
  for (const p of c.proposers) key += `${cachedKey(p, proposerKey)}|`;
  for (const a of c.acceptors) key += `${cachedKey(a, acceptorKey)}|`;
  for (const l of c.learners) key += `${cachedKey(l, learnerKey)}|`;
  return `${key}${c.proposed.join(',')}|${c.messages.key}`;
}

/** The network after an agent sent `sent`, having consumed `consumed` (if a message). */
function network(c: PaxosCluster, sent: readonly PaxosMessage[], consumed?: string): Bag<PaxosMessage> {
  let messages = consumed === undefined ? c.messages : c.messages.remove(consumed);
  for (const m of sent) messages = messages.add(m, messageKey(m));
  return messages;
}

function withProposer(c: PaxosCluster, index: number, t: Transition<ProposerState>, consumed?: string): PaxosCluster {
  const proposers = c.proposers.slice();
  proposers[index] = t.node;
  return { ...c, proposers, messages: network(c, t.sent, consumed) };
}

function withAcceptor(c: PaxosCluster, index: number, t: Transition<AcceptorState>, consumed?: string): PaxosCluster {
  const acceptors = c.acceptors.slice();
  acceptors[index] = t.node;
  return { ...c, acceptors, messages: network(c, t.sent, consumed) };
}

function withLearner(c: PaxosCluster, index: number, t: Transition<LearnerState>, consumed?: string): PaxosCluster {
  const learners = c.learners.slice();
  learners[index] = t.node;
  return { ...c, learners, messages: network(c, t.sent, consumed) };
}

function withProposed(proposed: readonly Value[], v: Value): readonly Value[] {
  return proposed.includes(v) ? proposed : [...proposed, v].sort();
}

/** The step that delivers message m (whose key is `key`) to its receiver. */
function deliver(cfg: PaxosClusterConfig, c: PaxosCluster, m: PaxosMessage, key: string): Step<PaxosCluster, PaxosAction> {
  switch (m.type) {
    case 'Prepare': {
      const at = cfg.acceptors.indexOf(m.dest);
      const next = withAcceptor(c, at, HandlePrepare(cfg, c.acceptors[at], m), key);
      return { action: { name: 'HandlePrepare', a: m.dest, p: m.source, m }, next };
    }
    case 'Promise': {
      const at = cfg.proposers.indexOf(m.dest);
      const next = withProposer(c, at, HandlePromise(cfg, c.proposers[at], m), key);
      return { action: { name: 'HandlePromise', p: m.dest, a: m.source, m }, next };
    }
    case 'Accept': {
      const at = cfg.acceptors.indexOf(m.dest);
      const next = withAcceptor(c, at, HandleAccept(cfg, c.acceptors[at], m), key);
      return { action: { name: 'HandleAccept', a: m.dest, p: m.source, m }, next };
    }
    case 'Accepted': {
      const at = cfg.learners.indexOf(m.dest);
      const next = withLearner(c, at, HandleAccepted(cfg, c.learners[at], m), key);
      return { action: { name: 'HandleAccepted', l: m.dest, a: m.source, m }, next };
    }
    case 'Decided': {
      const at = cfg.learners.indexOf(m.dest);
      const next = withLearner(c, at, HandleDecided(cfg, c.learners[at], m), key);
      return { action: { name: 'HandleDecided', l: m.dest, k: m.source, m }, next };
    }
  }
}

/** Every enabled action of MCPaxos's Next, in the order of Paxos.tla's Next, with its successor. */
export function successors(cfg: PaxosClusterConfig, c: PaxosCluster): Step<PaxosCluster, PaxosAction>[] {
  const out: Step<PaxosCluster, PaxosAction>[] = [];
  const { bounds } = cfg;
  const inFlight = c.messages.size;
  // MCPhase1a and MCPhase2a: room for a request to every acceptor.
  const roomForRequests = inFlight + cfg.acceptors.length <= bounds.maxInFlight;

  if (roomForRequests) {
    c.proposers.forEach((p, i) => {
      const t = Phase1a(cfg, p);
      if (t) out.push({ action: { name: 'Phase1a', p: p.id }, next: withProposer(c, i, t) });
    });
  }
  for (const { key, item: m } of c.messages.entries) out.push(deliver(cfg, c, m, key));
  if (roomForRequests) {
    c.proposers.forEach((p, i) => {
      for (const v of cfg.values) {
        const t = Phase2a(cfg, p, v);
        if (t) out.push({ action: { name: 'Phase2a', p: p.id, v }, next: { ...withProposer(c, i, t), proposed: withProposed(c.proposed, v) } });
      }
    });
  }
  c.acceptors.forEach((a, i) => {
    out.push({ action: { name: 'Restart', a: a.id }, next: withAcceptor(c, i, Restart(cfg, a)) });
  });
  for (const { key, item: m } of c.messages.entries) {
    out.push({ action: { name: 'DropMessage', i: m.source, j: m.dest, m }, next: { ...c, messages: c.messages.remove(key) } });
  }
  // MCDuplicateMessage: the message duplicated has at most MaxCopies copies afterwards.
  if (inFlight < bounds.maxInFlight) {
    for (const { key, item: m, count } of c.messages.entries) {
      if (count + 1 <= bounds.maxCopies) {
        out.push({ action: { name: 'DuplicateMessage', i: m.source, j: m.dest, m }, next: { ...c, messages: c.messages.add(m, key) } });
      }
    }
  }
  return out;
}
