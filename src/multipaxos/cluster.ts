// The Multi-Paxos cluster model: every proposer's, acceptor's and replica's state plus the
// network and the history of proposals, with MCMultiPaxos.tla's bounds, as one state machine
// whose steps are exactly the TLA+ spec's actions. The explorer walks it, and the conformance
// suite compares its graph with TLC's.

import { Bag } from '../core/bag.ts';
import type { Step } from '../explore/model.ts';
import {
  BecomeLeader,
  HandleAccept,
  HandleAccepted,
  HandleDecision,
  HandlePrepare,
  HandlePromise,
  Phase1a,
  Propose,
  Restart,
  acceptedLogKey,
  initialAcceptor,
  initialProposer,
  initialReplica,
  promiseKey,
} from './node.ts';
import type { MultiPaxosConfig } from './node.ts';
import type { AcceptorState, Command, MultiPaxosMessage, ProposerState, ReplicaState, ServerId, Transition } from './types.ts';

/** MCMultiPaxos.tla's constants (the rounds and slots are in the config). */
export interface MultiPaxosBounds {
  readonly maxCopies: number;
  readonly maxInFlight: number;
}

export interface MultiPaxosClusterConfig extends MultiPaxosConfig {
  /** The client commands (the model's Command constant), sorted. */
  readonly commands: readonly Command[];
  readonly bounds: MultiPaxosBounds;
}

export interface MultiPaxosCluster {
  /** In the order of config.proposers, config.acceptors and config.replicas. */
  readonly proposers: readonly ProposerState[];
  readonly acceptors: readonly AcceptorState[];
  readonly replicas: readonly ReplicaState[];
  readonly messages: Bag<MultiPaxosMessage>;
  /** History: the commands clients have asked leaders to propose, sorted. */
  readonly proposed: readonly Command[];
}

/**
 * A step of the spec's Next, with its parameters, named as MultiPaxos.tla names them. A message
 * step's parameters are the receiver and the sender; m is the message it took.
 */
export type MultiPaxosAction =
  | { readonly name: 'Phase1a'; readonly p: ServerId }
  | { readonly name: 'HandlePrepare'; readonly a: ServerId; readonly p: ServerId; readonly m: MultiPaxosMessage }
  | { readonly name: 'HandlePromise'; readonly p: ServerId; readonly a: ServerId; readonly m: MultiPaxosMessage }
  | { readonly name: 'BecomeLeader'; readonly p: ServerId }
  | { readonly name: 'Propose'; readonly p: ServerId; readonly c: Command }
  | { readonly name: 'HandleAccept'; readonly a: ServerId; readonly p: ServerId; readonly m: MultiPaxosMessage }
  | { readonly name: 'HandleAccepted'; readonly p: ServerId; readonly a: ServerId; readonly m: MultiPaxosMessage }
  | { readonly name: 'HandleDecision'; readonly r: ServerId; readonly p: ServerId; readonly m: MultiPaxosMessage }
  | { readonly name: 'Restart'; readonly a: ServerId }
  | { readonly name: 'DropMessage'; readonly i: ServerId; readonly j: ServerId; readonly m: MultiPaxosMessage }
  | { readonly name: 'DuplicateMessage'; readonly i: ServerId; readonly j: ServerId; readonly m: MultiPaxosMessage };

export function initialCluster(cfg: MultiPaxosClusterConfig): MultiPaxosCluster {
  return {
    proposers: cfg.proposers.map(initialProposer),
    acceptors: cfg.acceptors.map(initialAcceptor),
    replicas: cfg.replicas.map(initialReplica),
    messages: Bag.empty(),
    proposed: [],
  };
}

const ballotKey = (b: { round: number; proposer: number }) => `${b.round}.${b.proposer}`;

/** A canonical, injective key of a message (src/core/bag.ts orders the network by it). */
export function messageKey(m: MultiPaxosMessage): string {
  switch (m.type) {
    case 'Prepare':
      return `P ${ballotKey(m.ballot)} ${m.source} ${m.dest}`;
    case 'Promise':
      return `R ${ballotKey(m.ballot)} [${acceptedLogKey(m.accepted)}] ${m.source} ${m.dest}`;
    case 'Accept':
      return `A ${ballotKey(m.ballot)} ${m.slot} ${m.value} ${m.source} ${m.dest}`;
    case 'Accepted':
      return `V ${ballotKey(m.ballot)} ${m.slot} ${m.value} ${m.source} ${m.dest}`;
    case 'Decision':
      return `D ${m.slot} ${m.value} ${m.source} ${m.dest}`;
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

const proposerKey = (p: ProposerState) =>
  `${p.round} ${p.phase} ${p.promises.map(promiseKey).join(';')} ${p.proposals.join(',')} ${p.acks.map((x) => `${x.slot}/${x.acceptor}`).join(',')}`;
const acceptorKey = (a: AcceptorState) => `${a.promised === null ? '-' : ballotKey(a.promised)} ${acceptedLogKey(a.accepted)}`;
const replicaKey = (r: ReplicaState) => `${r.log.join(',')} ${r.pending.map((e) => `${e.slot}=${e.val}`).join(',')}`;

export function clusterKey(c: MultiPaxosCluster): string {
  let key = '';
  for (const p of c.proposers) key += `${cachedKey(p, proposerKey)}|`;
  for (const a of c.acceptors) key += `${cachedKey(a, acceptorKey)}|`;
  for (const r of c.replicas) key += `${cachedKey(r, replicaKey)}|`;
  return `${key}${c.proposed.join(',')}|${c.messages.key}`;
}

function network(c: MultiPaxosCluster, sent: readonly MultiPaxosMessage[], consumed?: string): Bag<MultiPaxosMessage> {
  let messages = consumed === undefined ? c.messages : c.messages.remove(consumed);
  for (const m of sent) messages = messages.add(m, messageKey(m));
  return messages;
}

function withProposer(c: MultiPaxosCluster, index: number, t: Transition<ProposerState>, consumed?: string): MultiPaxosCluster {
  const proposers = c.proposers.slice();
  proposers[index] = t.node;
  return { ...c, proposers, messages: network(c, t.sent, consumed) };
}

function withAcceptor(c: MultiPaxosCluster, index: number, t: Transition<AcceptorState>, consumed?: string): MultiPaxosCluster {
  const acceptors = c.acceptors.slice();
  acceptors[index] = t.node;
  return { ...c, acceptors, messages: network(c, t.sent, consumed) };
}

function withReplica(c: MultiPaxosCluster, index: number, t: Transition<ReplicaState>, consumed?: string): MultiPaxosCluster {
  const replicas = c.replicas.slice();
  replicas[index] = t.node;
  return { ...c, replicas, messages: network(c, t.sent, consumed) };
}

/** The step that delivers message m (whose key is `key`) to its receiver. */
function deliver(cfg: MultiPaxosClusterConfig, c: MultiPaxosCluster, m: MultiPaxosMessage, key: string): Step<MultiPaxosCluster, MultiPaxosAction> {
  switch (m.type) {
    case 'Prepare': {
      const at = cfg.acceptors.indexOf(m.dest);
      return { action: { name: 'HandlePrepare', a: m.dest, p: m.source, m }, next: withAcceptor(c, at, HandlePrepare(cfg, c.acceptors[at], m), key) };
    }
    case 'Promise': {
      const at = cfg.proposers.indexOf(m.dest);
      return { action: { name: 'HandlePromise', p: m.dest, a: m.source, m }, next: withProposer(c, at, HandlePromise(cfg, c.proposers[at], m), key) };
    }
    case 'Accept': {
      const at = cfg.acceptors.indexOf(m.dest);
      return { action: { name: 'HandleAccept', a: m.dest, p: m.source, m }, next: withAcceptor(c, at, HandleAccept(cfg, c.acceptors[at], m), key) };
    }
    case 'Accepted': {
      const at = cfg.proposers.indexOf(m.dest);
      return { action: { name: 'HandleAccepted', p: m.dest, a: m.source, m }, next: withProposer(c, at, HandleAccepted(cfg, c.proposers[at], m), key) };
    }
    case 'Decision': {
      const at = cfg.replicas.indexOf(m.dest);
      return { action: { name: 'HandleDecision', r: m.dest, p: m.source, m }, next: withReplica(c, at, HandleDecision(cfg, c.replicas[at], m), key) };
    }
  }
}

/** Every enabled action of MCMultiPaxos's Next, in the order of MultiPaxos.tla's Next, with its successor. */
export function successors(cfg: MultiPaxosClusterConfig, c: MultiPaxosCluster): Step<MultiPaxosCluster, MultiPaxosAction>[] {
  const out: Step<MultiPaxosCluster, MultiPaxosAction>[] = [];
  const { bounds } = cfg;
  const inFlight = c.messages.size;
  // MCPhase1a and MCPropose: room for a request to every acceptor.
  const roomForRequests = inFlight + cfg.acceptors.length <= bounds.maxInFlight;

  if (roomForRequests) {
    c.proposers.forEach((p, i) => {
      const t = Phase1a(cfg, p);
      if (t) out.push({ action: { name: 'Phase1a', p: p.id }, next: withProposer(c, i, t) });
    });
  }
  for (const { key, item: m } of c.messages.entries) out.push(deliver(cfg, c, m, key));
  c.proposers.forEach((p, i) => {
    const t = BecomeLeader(cfg, p);
    if (t) out.push({ action: { name: 'BecomeLeader', p: p.id }, next: withProposer(c, i, t) });
  });
  if (roomForRequests) {
    // MCPropose
    c.proposers.forEach((p, i) => {
      for (const command of cfg.commands) {
        const t = Propose(cfg, p, command);
        if (t) {
          const proposed = c.proposed.includes(command) ? c.proposed : [...c.proposed, command].sort();
          out.push({ action: { name: 'Propose', p: p.id, c: command }, next: { ...withProposer(c, i, t), proposed } });
        }
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
