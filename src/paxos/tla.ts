// Paxos's TypeScript state and actions as the TLA+ values of specs/paxos/Paxos.tla's variables
// and of TracePaxos.tla's history variable, for comparing with TLC's states and replaying its traces.

import { bagToTla } from '../core/bag.ts';
import { fn, int, modelValue, record, set, str } from '../core/tla/value.ts';
import type { TlaState, TlaValue } from '../core/tla/value.ts';
import type { Ballot } from './ballot.ts';
import type { PaxosCluster } from './cluster.ts';
import type { AcceptedValue, PaxosMessage, ServerId, Value } from './types.ts';

export const PAXOS_VARIABLES = [
  'messages',
  'round',
  'phase',
  'promises',
  'promised',
  'accepted',
  'tally',
  'decided',
  'proposed',
] as const;

const server = (id: ServerId): TlaValue => int(id);
const value = (v: Value): TlaValue => modelValue(v);

export function ballotToTla(b: Ballot): TlaValue {
  return record({ round: int(b.round), proposer: server(b.proposer) });
}

/** An acceptor's promise: the ballot, or None. */
export function promisedToTla(b: Ballot | null, none: TlaValue): TlaValue {
  return b === null ? none : ballotToTla(b);
}

/** [bal |-> b, val |-> v], or None; `val` is how values are written (the models' are model values, a log's strings). */
export function acceptedToTla(x: AcceptedValue | null, none: TlaValue, val: (v: Value) => TlaValue = value): TlaValue {
  return x === null ? none : record({ bal: ballotToTla(x.bal), val: val(x.val) });
}

export function messageToTla(m: PaxosMessage, none: TlaValue, val: (v: Value) => TlaValue = value): TlaValue {
  const common = { mtype: str(m.type), msource: server(m.source), mdest: server(m.dest) };
  switch (m.type) {
    case 'Prepare':
      return record({ ...common, mbal: ballotToTla(m.ballot) });
    case 'Promise':
      return record({ ...common, mbal: ballotToTla(m.ballot), maccepted: acceptedToTla(m.accepted, none, val) });
    case 'Accept':
    case 'Accepted':
      return record({ ...common, mbal: ballotToTla(m.ballot), mval: val(m.value) });
    case 'Decided':
      return record({ ...common, mval: val(m.value) });
  }
}

/** A variable that holds a value for each agent of a role: [agent \in Role |-> f(agent)]. */
export function perAgent<N extends { readonly id: ServerId }>(agents: readonly N[], f: (n: N) => TlaValue): TlaValue {
  return fn(agents.map((n) => [server(n.id), f(n)] as const));
}

/** The cluster as the values of Paxos.tla's variables; `none` is the model's None. */
export function clusterToTla(c: PaxosCluster, none: TlaValue): TlaState {
  return {
    messages: bagToTla(c.messages, (m) => messageToTla(m, none)),
    round: perAgent(c.proposers, (p) => int(p.round)),
    phase: perAgent(c.proposers, (p) => str(p.phase)),
    promises: perAgent(c.proposers, (p) =>
      set(p.promises.map((r) => record({ acceptor: server(r.acceptor), accepted: acceptedToTla(r.accepted, none) }))),
    ),
    promised: perAgent(c.acceptors, (a) => promisedToTla(a.promised, none)),
    accepted: perAgent(c.acceptors, (a) => acceptedToTla(a.accepted, none)),
    tally: perAgent(c.learners, (l) =>
      l.tally === null
        ? none
        : record({ bal: ballotToTla(l.tally.bal), val: value(l.tally.val), acceptors: set(l.tally.acceptors.map(server)) }),
    ),
    decided: perAgent(c.learners, (l) => (l.decided === null ? none : value(l.decided))),
    proposed: set(c.proposed.map(value)),
  };
}

/**
 * The action as TracePaxos.tla (and TraceMultiPaxos.tla) records it in lastAction, with
 * Did(name, params): params are the action's own parameters, which are the fields of the
 * TypeScript action but m, the message a step took: servers (numbers) as numbers, values
 * (Multi-Paxos: commands) as model values.
 */
export function actionToTla(a: { readonly name: string }): TlaValue {
  const params: (readonly [string, TlaValue])[] = [];
  for (const [param, x] of Object.entries(a)) {
    if (param === 'name' || param === 'm') continue;
    params.push([param, typeof x === 'number' ? server(x) : value(x as Value)]);
  }
  return record({ name: str(a.name), params: record(params) });
}
