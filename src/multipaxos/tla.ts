// Multi-Paxos's TypeScript state and actions as the TLA+ values of specs/paxos/MultiPaxos.tla's
// variables and of TraceMultiPaxos.tla's history variable, for comparing with TLC's states and
// replaying its traces.

import { fn, int, modelValue, record, seq, set, str } from '../core/tla/value.ts';
import type { TlaState, TlaValue } from '../core/tla/value.ts';
import { ballotToTla } from '../paxos/tla.ts';
import type { MultiPaxosAction, MultiPaxosCluster } from './cluster.ts';
import type { AcceptedEntry, MultiPaxosMessage, ServerId } from './types.ts';

export const MULTIPAXOS_VARIABLES = [
  'messages',
  'round',
  'phase',
  'promises',
  'proposals',
  'acks',
  'promised',
  'accepted',
  'log',
  'pending',
  'proposed',
] as const;

const server = (id: ServerId): TlaValue => int(id);
const command = (c: string): TlaValue => modelValue(c);

/** An acceptor's accepted values: a function from slots to [bal |-> b, val |-> v]. */
export function acceptedLogToTla(log: readonly AcceptedEntry[]): TlaValue {
  return fn(log.map((e) => [int(e.slot), record({ bal: ballotToTla(e.bal), val: command(e.val) })] as const));
}

export function messageToTla(m: MultiPaxosMessage): TlaValue {
  const common = { mtype: str(m.type), msource: server(m.source), mdest: server(m.dest) };
  switch (m.type) {
    case 'Prepare':
      return record({ ...common, mbal: ballotToTla(m.ballot) });
    case 'Promise':
      return record({ ...common, mbal: ballotToTla(m.ballot), maccepted: acceptedLogToTla(m.accepted) });
    case 'Accept':
    case 'Accepted':
      return record({ ...common, mbal: ballotToTla(m.ballot), mslot: int(m.slot), mval: command(m.value) });
    case 'Decision':
      return record({ ...common, mslot: int(m.slot), mval: command(m.value) });
  }
}

/** The cluster as the values of MultiPaxos.tla's variables; `none` is the model's None. */
export function clusterToTla(c: MultiPaxosCluster, none: TlaValue): TlaState {
  const per = <N extends { readonly id: ServerId }>(nodes: readonly N[], f: (n: N) => TlaValue) =>
    fn(nodes.map((n) => [server(n.id), f(n)] as const));
  return {
    messages: fn(c.messages.entries.map((e) => [messageToTla(e.item), int(e.count)] as const)),
    round: per(c.proposers, (p) => int(p.round)),
    phase: per(c.proposers, (p) => str(p.phase)),
    promises: per(c.proposers, (p) => set(p.promises.map((r) => record({ acceptor: server(r.acceptor), accepted: acceptedLogToTla(r.accepted) })))),
    proposals: per(c.proposers, (p) => seq(p.proposals.map(command))),
    acks: per(c.proposers, (p) => set(p.acks.map((x) => record({ slot: int(x.slot), acceptor: server(x.acceptor) })))),
    promised: per(c.acceptors, (a) => (a.promised === null ? none : ballotToTla(a.promised))),
    accepted: per(c.acceptors, (a) => acceptedLogToTla(a.accepted)),
    log: per(c.replicas, (r) => seq(r.log.map(command))),
    pending: per(c.replicas, (r) => fn(r.pending.map((e) => [int(e.slot), command(e.val)] as const))),
    proposed: set(c.proposed.map(command)),
  };
}

/** The action as TraceMultiPaxos.tla records it in lastAction: [name |-> ..., params |-> [...]]. */
export function actionToTla(a: MultiPaxosAction): TlaValue {
  const params = ((): Record<string, TlaValue> => {
    switch (a.name) {
      case 'Phase1a':
      case 'BecomeLeader':
        return { p: server(a.p) };
      case 'HandlePrepare':
      case 'HandleAccept':
        return { a: server(a.a), p: server(a.p) };
      case 'HandlePromise':
      case 'HandleAccepted':
        return { p: server(a.p), a: server(a.a) };
      case 'Propose':
        return { p: server(a.p), c: command(a.c) };
      case 'HandleDecision':
        return { r: server(a.r), p: server(a.p) };
      case 'Restart':
        return { a: server(a.a) };
      case 'DropMessage':
      case 'DuplicateMessage':
        return { i: server(a.i), j: server(a.j) };
    }
  })();
  return record({ name: str(a.name), params: record(params) });
}
