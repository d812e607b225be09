// The Multi-Paxos cluster model: every proposer's, acceptor's and replica's state plus the
// network and the history of proposals, with MCMultiPaxos.tla's bounds, as one state machine
// whose steps are exactly the TLA+ spec's actions. The explorer walks it, and the conformance
// suite compares its graph with TLC's.

import { Bag } from '../core/bag.ts';
import { withElement } from '../core/sorted.ts';
import { agentsKey, bagClusterSteps, cachedKey } from '../explore/cluster.ts';
import type { NetworkBounds, NetworkStep } from '../explore/cluster.ts';
import type { Step } from '../explore/model.ts';
import { ballotKey } from '../paxos/ballot.ts';
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
import type { AcceptorState, Command, MultiPaxosMessage, ProposerState, ReplicaState, ServerId } from './types.ts';

/** MCMultiPaxos.tla's constants (the rounds and slots are in the config). */
export type MultiPaxosBounds = NetworkBounds;

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
  | NetworkStep<'DropMessage', MultiPaxosMessage>
  | NetworkStep<'DuplicateMessage', MultiPaxosMessage>;

export function initialCluster(cfg: MultiPaxosClusterConfig): MultiPaxosCluster {
  return {
    proposers: cfg.proposers.map(initialProposer),
    acceptors: cfg.acceptors.map(initialAcceptor),
    replicas: cfg.replicas.map(initialReplica),
    messages: Bag.empty(),
    proposed: [],
  };
}

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

/** Canonical, injective keys of the agents' states (an agent is implied by its position). */
const proposerKey = cachedKey(
  (p: ProposerState) =>
    `${p.round} ${p.phase} ${p.promises.map(promiseKey).join(';')} ${p.proposals.join(',')} ${p.acks.map((x) => `${x.slot}/${x.acceptor}`).join(',')}`,
);
const acceptorKey = cachedKey((a: AcceptorState) => `${a.promised === null ? '-' : ballotKey(a.promised)} ${acceptedLogKey(a.accepted)}`);
const replicaKey = cachedKey((r: ReplicaState) => `${r.log.join(',')} ${r.pending.map((e) => `${e.slot}=${e.val}`).join(',')}`);

export function clusterKey(c: MultiPaxosCluster): string {
  const agents = agentsKey(c.proposers, proposerKey) + agentsKey(c.acceptors, acceptorKey) + agentsKey(c.replicas, replicaKey);
  return `${agents}${c.proposed.join(',')}|${c.messages.key}`;
}

/** How steps change the agents and the network (src/explore/cluster.ts). */
const steps = bagClusterSteps<MultiPaxosCluster, MultiPaxosMessage>(messageKey);

/** The step that delivers message m (whose key is `key`) to its receiver. */
function deliver(cfg: MultiPaxosClusterConfig, c: MultiPaxosCluster, m: MultiPaxosMessage, key: string): Step<MultiPaxosCluster, MultiPaxosAction> {
  switch (m.type) {
    case 'Prepare':
      return { action: { name: 'HandlePrepare', a: m.dest, p: m.source, m }, next: steps.afterDelivery(c, 'acceptors', m, key, (a) => HandlePrepare(cfg, a, m)) };
    case 'Promise':
      return { action: { name: 'HandlePromise', p: m.dest, a: m.source, m }, next: steps.afterDelivery(c, 'proposers', m, key, (p) => HandlePromise(cfg, p, m)) };
    case 'Accept':
      return { action: { name: 'HandleAccept', a: m.dest, p: m.source, m }, next: steps.afterDelivery(c, 'acceptors', m, key, (a) => HandleAccept(cfg, a, m)) };
    case 'Accepted':
      return { action: { name: 'HandleAccepted', p: m.dest, a: m.source, m }, next: steps.afterDelivery(c, 'proposers', m, key, (p) => HandleAccepted(cfg, p, m)) };
    case 'Decision':
      return { action: { name: 'HandleDecision', r: m.dest, p: m.source, m }, next: steps.afterDelivery(c, 'replicas', m, key, (r) => HandleDecision(cfg, r, m)) };
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
      if (t) out.push({ action: { name: 'Phase1a', p: p.id }, next: steps.afterTransition(c, 'proposers', i, t) });
    });
  }
  for (const { key, item: m } of c.messages.entries) out.push(deliver(cfg, c, m, key));
  c.proposers.forEach((p, i) => {
    const t = BecomeLeader(cfg, p);
    if (t) out.push({ action: { name: 'BecomeLeader', p: p.id }, next: steps.afterTransition(c, 'proposers', i, t) });
  });
  if (roomForRequests) {
    // MCPropose
    c.proposers.forEach((p, i) => {
      for (const command of cfg.commands) {
        const t = Propose(cfg, p, command);
        if (t) {
          const proposed = withElement(c.proposed, command, (proposal) => proposal);
          out.push({ action: { name: 'Propose', p: p.id, c: command }, next: { ...steps.afterTransition(c, 'proposers', i, t), proposed } });
        }
      }
    });
  }
  c.acceptors.forEach((a, i) => {
    out.push({ action: { name: 'Restart', a: a.id }, next: steps.afterTransition(c, 'acceptors', i, Restart(cfg, a)) });
  });
  out.push(...steps.dropMessageSteps(c));
  // MCDuplicateMessage: the message duplicated has at most MaxCopies copies afterwards.
  out.push(...steps.duplicateMessageSteps(c, bounds));
  return out;
}
