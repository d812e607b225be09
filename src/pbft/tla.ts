// PBFT's TypeScript state and actions as the TLA+ values of specs/pbft/PBFT.tla's variables and
// of TracePBFT.tla's history variable, for comparing with TLC's states and replaying its traces.

import { fn, int, modelValue, record, seq, set, str } from '../core/tla/value.ts';
import type { TlaState, TlaValue } from '../core/tla/value.ts';
import type { PbftAction, PbftCluster } from './cluster.ts';
import type { Certificate, PbftMessage, Replica, ViewChangeMessage } from './types.ts';

export const PBFT_VARIABLES = ['msgs', 'requests', 'accepted', 'view', 'status', 'log', 'committed', 'executed'] as const;

const replica = (id: number): TlaValue => int(id);

/** The models name requests as model values (r1, r2, Null); a system's digests are strings (its commands, "null"). */
export type DigestToTla = (d: string) => TlaValue;

export function certificateToTla(c: Certificate, digest: DigestToTla = modelValue): TlaValue {
  return record({ view: int(c.view), seq: int(c.seq), digest: digest(c.digest) });
}

function viewChangeToTla(m: ViewChangeMessage, digest: DigestToTla): TlaValue {
  return record({
    type: str(m.type),
    view: int(m.view),
    prepared: set(m.prepared.map((c) => certificateToTla(c, digest))),
    sender: replica(m.sender),
  });
}

// A message is one immutable object, shared by every state it is in (the network and the logs):
// the model's states are converted once each when graphs are compared, and converting each
// state's messages anew was most of the time of a comparison.
const modelMessages = new WeakMap<PbftMessage, TlaValue>();

export function messageToTla(m: PbftMessage, digest: DigestToTla = modelValue): TlaValue {
  if (digest !== modelValue) return convertMessage(m, digest);
  let value = modelMessages.get(m);
  if (value === undefined) modelMessages.set(m, (value = convertMessage(m, digest)));
  return value;
}

function convertMessage(m: PbftMessage, digest: DigestToTla): TlaValue {
  switch (m.type) {
    case 'PrePrepare':
    case 'Prepare':
    case 'Commit':
      return record({ type: str(m.type), view: int(m.view), seq: int(m.seq), digest: digest(m.digest), sender: replica(m.sender) });
    case 'ViewChange':
      return viewChangeToTla(m, digest);
    case 'NewView':
      return record({ type: str(m.type), view: int(m.view), viewChanges: set(m.viewChanges.map((vc) => viewChangeToTla(vc, digest))), sender: replica(m.sender) });
  }
}

/** The cluster as the values of PBFT.tla's variables. */
export function clusterToTla(c: PbftCluster): TlaState {
  const perReplica = (f: (r: Replica) => TlaValue) => fn(c.replicas.map((r) => [replica(r.id), f(r)] as const));
  return {
    msgs: set(c.messages.items.map((m) => messageToTla(m))),
    requests: set(c.clients.requests.map(modelValue)),
    accepted: set(c.clients.accepted.map((a) => record({ request: modelValue(a.request), result: int(a.result) }))),
    view: perReplica((r) => int(r.view)),
    status: perReplica((r) => str(r.status)),
    log: perReplica((r) => set(r.log.items.map((m) => messageToTla(m)))),
    committed: perReplica((r) => set(r.committed.items.map((c) => certificateToTla(c)))),
    executed: perReplica((r) => seq(r.executed.map(modelValue))),
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
        return { i: replica(a.i), n: int(a.n), d: modelValue(a.d) };
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
