// The Multi-Paxos cluster model: every proposer's, acceptor's and replica's state plus the
// network and the history of proposals, with MCMultiPaxos.tla's bounds, as one state machine
// whose steps are exactly the TLA+ spec's actions. The explorer walks it, and the conformance
// suite compares its graph with TLC's.

import { Bag } from '../core/bag.ts';
import { withElement } from '../core/sorted.ts';
import { agentsKey, bagClusterSteps, cachedKey } from '../explore/cluster.ts';
import type { Agent, NetworkBounds, NetworkStep } from '../explore/cluster.ts';
import type { Step } from '../explore/model.ts';
import { ballotKey } from '../paxos/ballot.ts';
import { MULTIPAXOS_REDUCER, acceptedLogKey, promiseKey } from './node.ts';
import type { MultiPaxosConfig, MultiPaxosReducer } from './node.ts';
import type { AcceptorState, Command, MultiPaxosMessage, ProposerState, ReplicaState, ServerId, Transition } from './types.ts';

/** MCMultiPaxos.tla's constants (the rounds and slots are in the config). */
export type MultiPaxosBounds = NetworkBounds;

export interface MultiPaxosClusterConfig extends MultiPaxosConfig {
  /** The client commands (the model's Command constant), sorted. */
  readonly commands: readonly Command[];
  readonly bounds: MultiPaxosBounds;
  /** Whose steps the agents take (ours unless given). */
  readonly reducer?: MultiPaxosReducer;
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
  const reducer = cfg.reducer ?? MULTIPAXOS_REDUCER;
  return {
    proposers: cfg.proposers.map((id) => reducer.initialProposer(id)),
    acceptors: cfg.acceptors.map((id) => reducer.initialAcceptor(id)),
    replicas: cfg.replicas.map((id) => reducer.initialReplica(id)),
    messages: Bag.empty(),
    proposed: [],
  };
}

/** A canonical, injective key of a message (src/core/bag.ts orders the network by it). */
export function messageKey(m: MultiPaxosMessage): string {
  switch (m.type) {
    case 'Prepare':
      return `P ${ballotKey(m.ballot)} ${m.from} ${m.source} ${m.dest}`;
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
// Stryker disable next-line StringLiteral: any placeholder for no promise that is not a ballot's key (round.proposer) keeps the key injective
const NO_PROMISE = '-';
const acceptorKey = cachedKey((a: AcceptorState) => `${a.promised === null ? NO_PROMISE : ballotKey(a.promised)} ${acceptedLogKey(a.accepted)}`);
const replicaKey = cachedKey((r: ReplicaState) => `${r.log.join(',')} ${r.pending.map((e) => `${e.slot}=${e.val}`).join(',')}`);

export function clusterKey(c: MultiPaxosCluster): string {
  const agents = agentsKey(c.proposers, proposerKey) + agentsKey(c.acceptors, acceptorKey) + agentsKey(c.replicas, replicaKey);
  return `${agents}${c.proposed.join(',')}|${c.messages.key}`;
}

/** How steps change the agents and the network (src/explore/cluster.ts). */
const steps = bagClusterSteps<MultiPaxosCluster, MultiPaxosMessage>(messageKey);

type Role = 'proposers' | 'acceptors' | 'replicas';
/** Every enabled action of MCMultiPaxos's Next, in the order of MultiPaxos.tla's Next, with its successor. */
export function successors(cfg: MultiPaxosClusterConfig, c: MultiPaxosCluster): Step<MultiPaxosCluster, MultiPaxosAction>[] {
  const out: Step<MultiPaxosCluster, MultiPaxosAction>[] = [];
  const { bounds } = cfg;
  const reducer = cfg.reducer ?? MULTIPAXOS_REDUCER;
  /** The step `action` if the reducer took it (t), agent `index` of `role` having taken the message whose key is `consumed`, if any. */
  const take = <R extends Role>(action: MultiPaxosAction, role: R, index: number, t: Transition<Agent<MultiPaxosCluster, R>> | undefined, consumed?: string): void => {
    if (t) out.push({ action, next: steps.afterTransition(c, role, index, t, consumed) });
  };
  /** The index of m's receiver among the agents of its role. */
  const receiver = (agents: readonly { readonly id: ServerId }[], m: MultiPaxosMessage): number => agents.findIndex((agent) => agent.id === m.dest);
  // MCPhase1a and MCPropose: room for a request to every acceptor.
  const roomForRequests = c.messages.size + cfg.acceptors.length <= bounds.maxInFlight;

  // Phase1a(p), MCPhase1a; Executed(p): the log of the replica p is, if it is one
  const executed = (p: ServerId) => c.replicas.find((r) => r.id === p)?.log ?? [];
  if (roomForRequests) c.proposers.forEach((p, i) => take({ name: 'Phase1a', p: p.id }, 'proposers', i, reducer.step(cfg, p, { type: 'Phase1a', executed: executed(p.id) })));
  for (const { key, item: m } of c.messages.entries) {
    switch (m.type) {
      case 'Prepare': {
        // HandlePrepare(a, p)
        const i = receiver(c.acceptors, m);
        take({ name: 'HandlePrepare', a: m.dest, p: m.source, m }, 'acceptors', i, reducer.step(cfg, c.acceptors[i], { type: 'Receive', message: m }), key);
        break;
      }
      case 'Promise': {
        // HandlePromise(p, a)
        const i = receiver(c.proposers, m);
        take({ name: 'HandlePromise', p: m.dest, a: m.source, m }, 'proposers', i, reducer.step(cfg, c.proposers[i], { type: 'Receive', message: m }), key);
        break;
      }
      case 'Accept': {
        // HandleAccept(a, p)
        const i = receiver(c.acceptors, m);
        take({ name: 'HandleAccept', a: m.dest, p: m.source, m }, 'acceptors', i, reducer.step(cfg, c.acceptors[i], { type: 'Receive', message: m }), key);
        break;
      }
      case 'Accepted': {
        // HandleAccepted(p, a)
        const i = receiver(c.proposers, m);
        take({ name: 'HandleAccepted', p: m.dest, a: m.source, m }, 'proposers', i, reducer.step(cfg, c.proposers[i], { type: 'Receive', message: m }), key);
        break;
      }
      case 'Decision': {
        // HandleDecision(r, p)
        const i = receiver(c.replicas, m);
        take({ name: 'HandleDecision', r: m.dest, p: m.source, m }, 'replicas', i, reducer.step(cfg, c.replicas[i], { type: 'Receive', message: m }), key);
        break;
      }
    }
  }
  // BecomeLeader(p)
  c.proposers.forEach((p, i) => take({ name: 'BecomeLeader', p: p.id }, 'proposers', i, reducer.step(cfg, p, { type: 'BecomeLeader' })));
  // Propose(p, c), MCPropose; the history variable proposed gets c
  if (roomForRequests) {
    c.proposers.forEach((p, i) => {
      for (const command of cfg.commands) {
        const t = reducer.step(cfg, p, { type: 'Propose', command });
        if (t) {
          const proposed = withElement(c.proposed, command, (proposal) => proposal);
          out.push({ action: { name: 'Propose', p: p.id, c: command }, next: { ...steps.afterTransition(c, 'proposers', i, t), proposed } });
        }
      }
    });
  }
  // Restart(a)
  c.acceptors.forEach((a, i) => take({ name: 'Restart', a: a.id }, 'acceptors', i, reducer.step(cfg, a, { type: 'Restart' })));
  // DropMessage(i, j)
  out.push(...steps.dropMessageSteps(c));
  // DuplicateMessage(i, j), MCDuplicateMessage: the message duplicated has at most MaxCopies copies afterwards.
  out.push(...steps.duplicateMessageSteps(c, bounds));
  return out;
}
