// PBFT's TypeScript state and actions as the TLA+ values of specs/pbft/PBFT.tla's variables and
// of TracePBFT.tla's history variable, for comparing with TLC's states and replaying its traces.

import { fn, int, modelValue, record, seq, set, str } from '../core/tla/value.ts';
import type { TlaState, TlaValue } from '../core/tla/value.ts';
import type { PbftAction, PbftCluster } from './cluster.ts';
import type { Certificate, PbftMessage, Replica, ViewChangeMessage } from './types.ts';

export const PBFT_VARIABLES = ['msgs', 'requests', 'accepted', 'view', 'status', 'log', 'committed', 'executed'] as const;

const replica = (id: number): TlaValue => int(id);
const digest = (d: string): TlaValue => modelValue(d);

export function certificateToTla(c: Certificate): TlaValue {
  return record({ view: int(c.view), seq: int(c.seq), digest: digest(c.digest) });
}

function viewChangeToTla(m: ViewChangeMessage): TlaValue {
  return record({
    type: str(m.type),
    view: int(m.view),
    prepared: set(m.prepared.map(certificateToTla)),
    sender: replica(m.sender),
  });
}

export function messageToTla(m: PbftMessage): TlaValue {
  switch (m.type) {
    case 'PrePrepare':
    case 'Prepare':
    case 'Commit':
      return record({ type: str(m.type), view: int(m.view), seq: int(m.seq), digest: digest(m.digest), sender: replica(m.sender) });
    case 'ViewChange':
      return viewChangeToTla(m);
    case 'NewView':
      return record({ type: str(m.type), view: int(m.view), viewChanges: set(m.viewChanges.map(viewChangeToTla)), sender: replica(m.sender) });
  }
}

/** The cluster as the values of PBFT.tla's variables. */
export function clusterToTla(c: PbftCluster): TlaState {
  const perReplica = (f: (r: Replica) => TlaValue) => fn(c.replicas.map((r) => [replica(r.id), f(r)] as const));
  return {
    msgs: set(c.messages.items.map(messageToTla)),
    requests: set(c.clients.requests.map(modelValue)),
    accepted: set(c.clients.accepted.map((a) => record({ request: modelValue(a.request), result: int(a.result) }))),
    view: perReplica((r) => int(r.view)),
    status: perReplica((r) => str(r.status)),
    log: perReplica((r) => set(r.log.items.map(messageToTla))),
    committed: perReplica((r) => set(r.committed.items.map(certificateToTla))),
    executed: perReplica((r) => seq(r.executed.map(digest))),
  };
}

/** The action as TracePBFT.tla records it in lastAction: [name |-> ..., params |-> [...]]. */
export function actionToTla(a: PbftAction): TlaValue {
  const params = ((): Record<string, TlaValue> => {
    switch (a.name) {
      case 'ClientRequest':
        return { r: modelValue(a.r) };
      case 'PrePrepare':
        return { i: replica(a.i), r: modelValue(a.r) };
      case 'ReceivePrePrepare':
        return { i: replica(a.i), n: int(a.n), d: digest(a.d) };
      case 'ReceivePrepares':
      case 'ReceiveCommits':
        return { i: replica(a.i), n: int(a.n) };
      case 'ClientAccept':
        return { r: modelValue(a.r), k: int(a.k) };
      case 'Timeout':
      case 'ReceiveViewChanges':
        return { i: replica(a.i) };
      case 'ReceiveNewView':
        return { i: replica(a.i), j: replica(a.j) };
    }
  })();
  return record({ name: str(a.name), params: record(params) });
}
