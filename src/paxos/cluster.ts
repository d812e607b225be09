// The Paxos cluster model: every proposer's, acceptor's and learner's state plus the network
// and the history of proposals, with MCPaxos.tla's bounds, as one state machine whose steps are
// exactly the TLA+ spec's actions. The explorer walks it, and the conformance suite compares
// its graph with TLC's.
//
// It drives the agents only through their reducers' entry points (stepProposer, stepAcceptor,
// stepLearner in src/paxos/node.ts), as the simulator's host does, so that what is checked is what
// runs. Paxos.tla's enabling conditions are the reducers' (a step they refuse has no edge); what
// this adds are MCPaxos's bounds, which network a message is taken from, and the history
// variable proposed.

import { Bag } from '../core/bag.ts';
import { withElement } from '../core/sorted.ts';
import { agentsKey, bagClusterSteps, cachedKey } from '../explore/cluster.ts';
import type { Agent, NetworkBounds, NetworkStep, Role } from '../explore/cluster.ts';
import type { Step } from '../explore/model.ts';
import { ballotKey } from './ballot.ts';
import { NONE_KEY, acceptedKey, initialAcceptor, initialLearner, initialProposer, promiseKey, stepAcceptor, stepLearner, stepProposer, tallyKey } from './node.ts';
import type { PaxosConfig } from './node.ts';
import type { AcceptorState, LearnerState, PaxosMessage, ProposerState, ServerId, Transition, Value } from './types.ts';

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
const acceptorKey = cachedKey((a: AcceptorState) => `${a.promised === null ? NONE_KEY : ballotKey(a.promised)} ${acceptedKey(a.accepted)}`);
const learnerKey = cachedKey((l: LearnerState) => `${tallyKey(l.tally)} ${l.decided ?? NONE_KEY}`);

export function clusterKey(c: PaxosCluster): string {
  const agents = agentsKey(c.proposers, proposerKey) + agentsKey(c.acceptors, acceptorKey) + agentsKey(c.learners, learnerKey);
  return `${agents}${c.proposed.join(',')}|${c.messages.key}`;
}

/** How steps change the agents and the network (src/explore/cluster.ts). */
const steps = bagClusterSteps<PaxosCluster, PaxosMessage>(messageKey);

/** Every enabled action of MCPaxos's Next, in the order of Paxos.tla's Next, with its successor. */
export function successors(cfg: PaxosClusterConfig, c: PaxosCluster): Step<PaxosCluster, PaxosAction>[] {
  const out: Step<PaxosCluster, PaxosAction>[] = [];
  const { bounds } = cfg;
  // MCPhase1a and MCPhase2a: room for a request to every acceptor.
  const roomForRequests = c.messages.size + cfg.acceptors.length <= bounds.maxInFlight;
  /**
   * The step `action`, if the reducer of agent `index` of `role` takes it (t, undefined where it
   * refuses): the agent's new state, the network without the message with key `consumed` (if
   * the step took one) and with the messages sent, and the history variable as `history` sets it.
   */
  const take = <R extends Role<PaxosCluster>>(
    action: PaxosAction,
    role: R,
    index: number,
    t: Transition<Agent<PaxosCluster, R>> | undefined,
    consumed?: string,
    history = (next: PaxosCluster) => next,
  ): void => {
    if (t !== undefined) out.push({ action, next: history(steps.afterTransition(c, role, index, t, consumed)) });
  };
  const proposer = (m: PaxosMessage) => cfg.proposers.indexOf(m.dest);
  const acceptor = (m: PaxosMessage) => cfg.acceptors.indexOf(m.dest);
  const learner = (m: PaxosMessage) => cfg.learners.indexOf(m.dest);

  // MCPhase1a(p)
  if (roomForRequests) c.proposers.forEach((p, i) => take({ name: 'Phase1a', p: p.id }, 'proposers', i, stepProposer(cfg, p, { type: 'Phase1a' })));
  // HandlePrepare(a, p), HandlePromise(p, a), HandleAccept(a, p), HandleAccepted(l, a) and HandleDecided(l, k): each message in flight, taken by its receiver.
  for (const { key, item: m } of c.messages.entries) {
    switch (m.type) {
      case 'Prepare':
        take({ name: 'HandlePrepare', a: m.dest, p: m.source, m }, 'acceptors', acceptor(m), stepAcceptor(cfg, c.acceptors[acceptor(m)], { type: 'Receive', message: m }), key);
        break;
      case 'Promise':
        take({ name: 'HandlePromise', p: m.dest, a: m.source, m }, 'proposers', proposer(m), stepProposer(cfg, c.proposers[proposer(m)], { type: 'Receive', message: m }), key);
        break;
      case 'Accept':
        take({ name: 'HandleAccept', a: m.dest, p: m.source, m }, 'acceptors', acceptor(m), stepAcceptor(cfg, c.acceptors[acceptor(m)], { type: 'Receive', message: m }), key);
        break;
      case 'Accepted':
        take({ name: 'HandleAccepted', l: m.dest, a: m.source, m }, 'learners', learner(m), stepLearner(cfg, c.learners[learner(m)], { type: 'Receive', message: m }), key);
        break;
      case 'Decided':
        take({ name: 'HandleDecided', l: m.dest, k: m.source, m }, 'learners', learner(m), stepLearner(cfg, c.learners[learner(m)], { type: 'Receive', message: m }), key);
        break;
    }
  }
  // MCPhase2a(p, v), which adds v to the history variable proposed.
  if (roomForRequests) {
    c.proposers.forEach((p, i) => {
      for (const v of cfg.values) {
        const proposed = (next: PaxosCluster): PaxosCluster => ({ ...next, proposed: withElement(c.proposed, v, (proposal) => proposal) });
        take({ name: 'Phase2a', p: p.id, v }, 'proposers', i, stepProposer(cfg, p, { type: 'Phase2a', value: v }), undefined, proposed);
      }
    });
  }
  // Restart(a)
  c.acceptors.forEach((a, i) => take({ name: 'Restart', a: a.id }, 'acceptors', i, stepAcceptor(cfg, a, { type: 'Restart' })));
  // DropMessage(i, j)
  out.push(...steps.dropMessageSteps(c));
  // MCDuplicateMessage(i, j): the message duplicated has at most MaxCopies copies afterwards.
  out.push(...steps.duplicateMessageSteps(c, bounds));
  return out;
}
