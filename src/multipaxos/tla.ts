// Multi-Paxos's TypeScript state and actions as the TLA+ values of specs/paxos/MultiPaxos.tla's
// variables and of TraceMultiPaxos.tla's history variable, for comparing with TLC's states and
// replaying its traces.

import { bagToTla } from '../core/bag.ts';
import { fn, int, modelValue, record, seq, set, str } from '../core/tla/value.ts';
import type { TlaState, TlaValue } from '../core/tla/value.ts';
import { ballotToTla, perAgent, promisedToTla } from '../paxos/tla.ts';
import type { MultiPaxosCluster } from './cluster.ts';
import type { AcceptedEntry, MultiPaxosMessage, ServerId } from './types.ts';

// TraceMultiPaxos.tla records an action in lastAction as TracePaxos.tla does: its name and parameters.
export { actionToTla } from '../paxos/tla.ts';

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

/** An acceptor's accepted values: a function from slots to [bal |-> b, val |-> v]; `cmd` is how commands are written (the models' are model values, a log's strings). */
export function acceptedLogToTla(log: readonly AcceptedEntry[], cmd: (c: string) => TlaValue = command): TlaValue {
  return fn(log.map((e) => [int(e.slot), record({ bal: ballotToTla(e.bal), val: cmd(e.val) })] as const));
}

export function messageToTla(m: MultiPaxosMessage, cmd: (c: string) => TlaValue = command): TlaValue {
  const common = { mtype: str(m.type), msource: server(m.source), mdest: server(m.dest) };
  switch (m.type) {
    case 'Prepare':
      return record({ ...common, mbal: ballotToTla(m.ballot), mfrom: int(m.from) });
    case 'Promise':
      return record({ ...common, mbal: ballotToTla(m.ballot), maccepted: acceptedLogToTla(m.accepted, cmd) });
    case 'Accept':
    case 'Accepted':
      return record({ ...common, mbal: ballotToTla(m.ballot), mslot: int(m.slot), mval: cmd(m.value) });
    case 'Decision':
      return record({ ...common, mslot: int(m.slot), mval: cmd(m.value) });
  }
}

/** The cluster as the values of MultiPaxos.tla's variables; `none` is the model's None. */
export function clusterToTla(c: MultiPaxosCluster, none: TlaValue): TlaState {
  return {
    messages: bagToTla(c.messages, (m) => messageToTla(m)),
    round: perAgent(c.proposers, (p) => int(p.round)),
    phase: perAgent(c.proposers, (p) => str(p.phase)),
    promises: perAgent(c.proposers, (p) => set(p.promises.map((r) => record({ acceptor: server(r.acceptor), accepted: acceptedLogToTla(r.accepted) })))),
    proposals: perAgent(c.proposers, (p) => seq(p.proposals.map(command))),
    acks: perAgent(c.proposers, (p) => set(p.acks.map((x) => record({ slot: int(x.slot), acceptor: server(x.acceptor) })))),
    promised: perAgent(c.acceptors, (a) => promisedToTla(a.promised, none)),
    accepted: perAgent(c.acceptors, (a) => acceptedLogToTla(a.accepted)),
    log: perAgent(c.replicas, (r) => seq(r.log.map(command))),
    pending: perAgent(c.replicas, (r) => fn(r.pending.map((e) => [int(e.slot), command(e.val)] as const))),
    proposed: set(c.proposed.map(command)),
  };
}
