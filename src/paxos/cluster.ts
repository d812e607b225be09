// The Paxos cluster model: every proposer's, acceptor's and learner's state plus the network
// and the history of proposals, with MCPaxos.tla's bounds, as one state machine whose steps are
// exactly the TLA+ spec's actions. The explorer walks it, and the conformance suite compares
// its graph with TLC's.

import { Bag } from '../core/bag.ts';
import { withElement } from '../core/sorted.ts';
import { agentsKey, bagClusterSteps, cachedKey } from '../explore/cluster.ts';
import type { NetworkBounds, NetworkStep } from '../explore/cluster.ts';
import type { Step } from '../explore/model.ts';
import { ballotKey } from './ballot.ts';
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
import type { AcceptorState, LearnerState, PaxosMessage, ProposerState, ServerId, Value } from './types.ts';

/** MCPaxos.tla's constants (the rounds, Paxos.tla's Round, are in the config). */
export type PaxosBounds = NetworkBounds;

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
  | NetworkStep<'DropMessage', PaxosMessage>
  | NetworkStep<'DuplicateMessage', PaxosMessage>;

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
      return `P ${ballotKey(m.ballot)} ${m.source} ${m.dest}`;
    case 'Promise':
      return `R ${ballotKey(m.ballot)} ${acceptedKey(m.accepted)} ${m.source} ${m.dest}`;
    case 'Accept':
      return `A ${ballotKey(m.ballot)} ${m.value} ${m.source} ${m.dest}`;
    case 'Accepted':
      return `V ${ballotKey(m.ballot)} ${m.value} ${m.source} ${m.dest}`;
    case 'Decided':
      return `D ${m.value} ${m.source} ${m.dest}`;
  }
}

/** Canonical, injective keys of the agents' states (an agent is implied by its position). */
const proposerKey = cachedKey((p: ProposerState) => `${p.round} ${p.phase} ${p.promises.map(promiseKey).join(',')}`);
const acceptorKey = cachedKey((a: AcceptorState) => `${a.promised === null ? '-' : ballotKey(a.promised)} ${acceptedKey(a.accepted)}`);
const learnerKey = cachedKey((l: LearnerState) => `${tallyKey(l.tally)} ${l.decided ?? '-'}`);

export function clusterKey(c: PaxosCluster): string {
  const agents = agentsKey(c.proposers, proposerKey) + agentsKey(c.acceptors, acceptorKey) + agentsKey(c.learners, learnerKey);
  return `${agents}${c.proposed.join(',')}|${c.messages.key}`;
}

/** How steps change the agents and the network (src/explore/cluster.ts). */
const steps = bagClusterSteps<PaxosCluster, PaxosMessage>(messageKey);

/** The step that delivers message m (whose key is `key`) to its receiver. */
function deliver(cfg: PaxosClusterConfig, c: PaxosCluster, m: PaxosMessage, key: string): Step<PaxosCluster, PaxosAction> {
  switch (m.type) {
    case 'Prepare':
      return { action: { name: 'HandlePrepare', a: m.dest, p: m.source, m }, next: steps.afterDelivery(c, 'acceptors', m, key, (a) => HandlePrepare(cfg, a, m)) };
    case 'Promise':
      return { action: { name: 'HandlePromise', p: m.dest, a: m.source, m }, next: steps.afterDelivery(c, 'proposers', m, key, (p) => HandlePromise(cfg, p, m)) };
    case 'Accept':
      return { action: { name: 'HandleAccept', a: m.dest, p: m.source, m }, next: steps.afterDelivery(c, 'acceptors', m, key, (a) => HandleAccept(cfg, a, m)) };
    case 'Accepted':
      return { action: { name: 'HandleAccepted', l: m.dest, a: m.source, m }, next: steps.afterDelivery(c, 'learners', m, key, (l) => HandleAccepted(cfg, l, m)) };
    case 'Decided':
      return { action: { name: 'HandleDecided', l: m.dest, k: m.source, m }, next: steps.afterDelivery(c, 'learners', m, key, (l) => HandleDecided(cfg, l, m)) };
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
      if (t) out.push({ action: { name: 'Phase1a', p: p.id }, next: steps.afterTransition(c, 'proposers', i, t) });
    });
  }
  for (const { key, item: m } of c.messages.entries) out.push(deliver(cfg, c, m, key));
  if (roomForRequests) {
    c.proposers.forEach((p, i) => {
      for (const v of cfg.values) {
        const t = Phase2a(cfg, p, v);
        if (t) {
          const proposed = withElement(c.proposed, v, (proposal) => proposal);
          out.push({ action: { name: 'Phase2a', p: p.id, v }, next: { ...steps.afterTransition(c, 'proposers', i, t), proposed } });
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
