// What the cluster models have in common where the spec's network is a bag of messages (Raft,
// Paxos, Multi-Paxos): the agents' states kept in lists by role, the network as a Bag, the
// network's own actions DropMessage and DuplicateMessage with the MC modules' bounds, and the
// canonical keys the explorer asks for.

import type { Bag } from '../core/bag.ts';
import type { Step } from './model.ts';

/** A message of a bag network: from its source to its dest. */
export interface Addressed {
  readonly source: unknown;
  readonly dest: unknown;
}

/** A cluster whose network is a bag of messages M: the specs' variable messages. */
export interface BagCluster<M> {
  readonly messages: Bag<M>;
}

/** The names of a cluster's lists of agents: its fields that hold agents' states, each with its id. */
export type Role<C> = { [R in keyof C]: C[R] extends readonly { readonly id: unknown }[] ? R : never }[keyof C];

/** The state of an agent of role R. */
export type Agent<C, R extends Role<C>> = C[R] extends readonly (infer N)[] ? N : never;

/** A reducer's output: the agent's new state and the messages it sends. */
export interface AgentTransition<N, M> {
  readonly node: N;
  readonly sent: readonly M[];
}

/** The MC modules' bounds on the network: the copies of one message, and all messages in flight. */
export interface NetworkBounds {
  readonly maxCopies: number;
  readonly maxInFlight: number;
}

/**
 * A step of the network itself, DropMessage(i, j) or DuplicateMessage(i, j): as in the specs, i
 * is the sender and j the receiver of m, the message it took.
 */
export interface NetworkStep<Name extends 'DropMessage' | 'DuplicateMessage', M extends Addressed> {
  readonly name: Name;
  readonly i: M['source'];
  readonly j: M['dest'];
  readonly m: M;
}

/**
 * How steps change a cluster whose network is a bag of messages M, each message in the bag under
 * its key `messageKey(m)`.
 */
export function bagClusterSteps<C extends BagCluster<M>, M extends Addressed>(messageKey: (m: M) => string) {
  /** The cluster after agent `index` of `role` took `t`, having consumed the message with key `consumed` (if a message). */
  const afterTransition = <R extends Role<C>>(c: C, role: R, index: number, t: AgentTransition<Agent<C, R>, M>, consumed?: string): C => {
    const agents = (c[role] as readonly Agent<C, R>[]).slice();
    agents[index] = t.node;
    let messages = consumed === undefined ? c.messages : c.messages.remove(consumed);
    for (const m of t.sent) messages = messages.add(m, messageKey(m));
    return { ...c, [role]: agents, messages };
  };

  /** The cluster after m's receiver, an agent of `role`, handled m, whose key in the network is `key`. */
  const afterDelivery = <R extends Role<C>>(c: C, role: R, m: M, key: string, handle: (agent: Agent<C, R>) => AgentTransition<Agent<C, R>, M>): C => {
    const agents = c[role] as readonly (Agent<C, R> & { readonly id: unknown })[];
    const index = agents.findIndex((agent) => agent.id === m.dest);
    return afterTransition(c, role, index, handle(agents[index]), key);
  };

  /** DropMessage(i, j), for each message in flight: the network loses a copy of it. */
  const dropMessageSteps = (c: C): Step<C, NetworkStep<'DropMessage', M>>[] =>
    c.messages.entries.map(({ key, item: m }) => ({
      action: { name: 'DropMessage', i: m.source, j: m.dest, m },
      next: { ...c, messages: c.messages.remove(key) },
    }));

  /**
   * MCDuplicateMessage(i, j), for each message in flight: with fewer than MaxInFlight messages in
   * flight, the network has one more copy of it, if it then has at most MaxCopies copies and the
   * network after the step is `bounded` (MCRaft bounds the copies of every message).
   */
  const duplicateMessageSteps = (
    c: C,
    bounds: NetworkBounds,
    bounded: (messages: Bag<M>) => boolean = () => true,
  ): Step<C, NetworkStep<'DuplicateMessage', M>>[] => {
    const out: Step<C, NetworkStep<'DuplicateMessage', M>>[] = [];
    if (c.messages.size >= bounds.maxInFlight) return out;
    for (const { key, item: m, count } of c.messages.entries) {
      if (count + 1 > bounds.maxCopies) continue;
      const messages = c.messages.add(m, key);
      if (bounded(messages)) out.push({ action: { name: 'DuplicateMessage', i: m.source, j: m.dest, m }, next: { ...c, messages } });
    }
    return out;
  };

  return { afterTransition, afterDelivery, dropMessageSteps, duplicateMessageSteps };
}

/** A key computed once per state object: the explorer asks again and again for the keys of agents a step left alone. */
export function cachedKey<N extends object>(key: (n: N) => string): (n: N) => string {
  const keys = new WeakMap<N, string>();
  return (n) => {
    let k = keys.get(n);
    if (k === undefined) {
      k = key(n);
      keys.set(n, k);
    }
    return k;
  };
}

/** The keys of a list of agents' states, each followed by "|" (an agent is implied by its position). */
export function agentsKey<N>(agents: readonly N[], key: (n: N) => string): string {
  let out = '';
  for (const n of agents) out += `${key(n)}|`;
  return out;
}
