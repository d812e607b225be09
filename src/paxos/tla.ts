// Paxos's TypeScript state and actions as the TLA+ values of specs/paxos/Paxos.tla's variables
// and of TracePaxos.tla's history variable, for comparing with TLC's states and replaying its traces.

import { fn, int, modelValue, record, set, str } from '../core/tla/value.ts';
import type { TlaState, TlaValue } from '../core/tla/value.ts';
import type { Ballot } from './ballot.ts';
import type { PaxosAction, PaxosCluster } from './cluster.ts';
import type { AcceptedValue, PaxosMessage, ServerId } from './types.ts';

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
const value = (v: string): TlaValue => modelValue(v);

export function ballotToTla(b: Ballot): TlaValue {
  return record({ round: int(b.round), proposer: server(b.proposer) });
}

/** [bal |-> b, val |-> v], or None. */
export function acceptedToTla(x: AcceptedValue | null, none: TlaValue): TlaValue {
  return x === null ? none : record({ bal: ballotToTla(x.bal), val: value(x.val) });
}

export function messageToTla(m: PaxosMessage, none: TlaValue): TlaValue {
  const common = { mtype: str(m.type), msource: server(m.source), mdest: server(m.dest) };
  switch (m.type) {
    case 'Prepare':
      return record({ ...common, mbal: ballotToTla(m.ballot) });
    case 'Promise':
      return record({ ...common, mbal: ballotToTla(m.ballot), maccepted: acceptedToTla(m.accepted, none) });
    case 'Accept':
    case 'Accepted':
      return record({ ...common, mbal: ballotToTla(m.ballot), mval: value(m.value) });
    case 'Decided':
      return record({ ...common, mval: value(m.value) });
  }
}

/** The cluster as the values of Paxos.tla's variables; `none` is the model's None. */
export function clusterToTla(c: PaxosCluster, none: TlaValue): TlaState {
  const per = <N extends { readonly id: ServerId }>(nodes: readonly N[], f: (n: N) => TlaValue) =>
    fn(nodes.map((n) => [server(n.id), f(n)] as const));
  return {
    messages: fn(c.messages.entries.map((e) => [messageToTla(e.item, none), int(e.count)] as const)),
    round: per(c.proposers, (p) => int(p.round)),
    phase: per(c.proposers, (p) => str(p.phase)),
    promises: per(c.proposers, (p) =>
      set(p.promises.map((r) => record({ acceptor: server(r.acceptor), accepted: acceptedToTla(r.accepted, none) }))),
    ),
    promised: per(c.acceptors, (a) => (a.promised === null ? none : ballotToTla(a.promised))),
    accepted: per(c.acceptors, (a) => acceptedToTla(a.accepted, none)),
    tally: per(c.learners, (l) =>
      l.tally === null
        ? none
        : record({ bal: ballotToTla(l.tally.bal), val: value(l.tally.val), acceptors: set(l.tally.acceptors.map(server)) }),
    ),
    decided: per(c.learners, (l) => (l.decided === null ? none : value(l.decided))),
    proposed: set(c.proposed.map(value)),
  };
}

/** The action as TracePaxos.tla records it in lastAction: [name |-> ..., params |-> [...]]. */
export function actionToTla(a: PaxosAction): TlaValue {
  const params = ((): Record<string, TlaValue> => {
    switch (a.name) {
      case 'Phase1a':
        return { p: server(a.p) };
      case 'HandlePrepare':
      case 'HandleAccept':
        return { a: server(a.a), p: server(a.p) };
      case 'HandlePromise':
        return { p: server(a.p), a: server(a.a) };
      case 'Phase2a':
        return { p: server(a.p), v: value(a.v) };
      case 'HandleAccepted':
        return { l: server(a.l), a: server(a.a) };
      case 'HandleDecided':
        return { l: server(a.l), k: server(a.k) };
      case 'Restart':
        return { a: server(a.a) };
      case 'DropMessage':
      case 'DuplicateMessage':
        return { i: server(a.i), j: server(a.j) };
    }
  })();
  return record({ name: str(a.name), params: record(params) });
}
