// PBFT's replica and client state, messages and events, field for field the variables and
// message records of specs/pbft/PBFT.tla (src/pbft/tla.ts maps one to the other).

import type { KeyedSet } from '../core/keyed-set.ts';

/** A replica, numbered 0 .. n - 1 as the paper and the spec number them. */
export type ReplicaId = number;
/** A client request, named as the model's Request constant names it (r1, ...). */
export type RequestId = string;
/** A digest: a request is its own digest; the null request's is the model's Null. */
export type Digest = string;

/** Normal: taking part in its view. ViewChange: moving to `view`, waiting for its NEW-VIEW. */
export type Status = 'Normal' | 'ViewChange';

/** A prepared certificate, named by its view, sequence number and digest. */
export interface Certificate {
  readonly view: number;
  readonly seq: number;
  readonly digest: Digest;
}

export interface PrePrepareMessage extends Certificate {
  readonly type: 'PrePrepare';
  /** Always the primary of `view`. */
  readonly sender: ReplicaId;
}

export interface PrepareMessage extends Certificate {
  readonly type: 'Prepare';
  readonly sender: ReplicaId;
}

export interface CommitMessage extends Certificate {
  readonly type: 'Commit';
  readonly sender: ReplicaId;
}

export interface ViewChangeMessage {
  readonly type: 'ViewChange';
  /** The view the sender moves to. */
  readonly view: number;
  /** The sender's prepared certificates, sorted by certificateKey. */
  readonly prepared: readonly Certificate[];
  readonly sender: ReplicaId;
}

export interface NewViewMessage {
  readonly type: 'NewView';
  readonly view: number;
  /** The view changes the new view is made of, sorted by messageKey. */
  readonly viewChanges: readonly ViewChangeMessage[];
  /** Always the primary of `view`. */
  readonly sender: ReplicaId;
}

export type PbftMessage = PrePrepareMessage | PrepareMessage | CommitMessage | ViewChangeMessage | NewViewMessage;

/** One correct replica's state: PBFT.tla's per-replica variables at index i. */
export interface Replica {
  readonly id: ReplicaId;
  readonly view: number;
  readonly status: Status;
  /** The pre-prepares it accepted (or sent, as primary) and every message it sent, by messageKey. */
  readonly log: KeyedSet<PbftMessage>;
  /** The certificates committed-local at it, by certificateKey. */
  readonly committed: KeyedSet<Certificate>;
  /** The requests it executed, in sequence-number order. */
  readonly executed: readonly Digest[];
}

export interface AcceptedResult {
  readonly request: RequestId;
  readonly result: number;
}

/** The clients: PBFT.tla's requests and accepted. */
export interface Clients {
  /** Sorted. */
  readonly requests: readonly RequestId[];
  /** Sorted by request. */
  readonly accepted: readonly AcceptedResult[];
}

/** What can happen to one correct replica: the reducer's input (src/pbft/node.ts, step). */
export type ReplicaEvent =
  | { readonly type: 'PrePrepare'; readonly request: RequestId }
  | { readonly type: 'ReceivePrePrepare'; readonly message: PrePrepareMessage }
  /** The PREPAREs matching the accepted pre-prepare that have arrived, the last of a quorum among them. */
  | { readonly type: 'ReceivePrepares'; readonly prePrepare: PrePrepareMessage; readonly prepares: readonly PrepareMessage[] }
  | { readonly type: 'ReceiveCommits'; readonly prePrepare: PrePrepareMessage; readonly commits: readonly CommitMessage[] }
  | { readonly type: 'Timeout' }
  | { readonly type: 'ReceiveViewChanges'; readonly viewChanges: readonly ViewChangeMessage[] }
  | { readonly type: 'ReceiveNewView'; readonly message: NewViewMessage };

/** What the clients can do: the client reducer's input (src/pbft/node.ts, clientStep). */
export type ClientEvent =
  | { readonly type: 'ClientRequest'; readonly request: RequestId }
  /** The replicas that replied `result` to `request`. */
  | { readonly type: 'ClientAccept'; readonly request: RequestId; readonly result: number; readonly repliers: readonly ReplicaId[] };

/** The reducer's output: the replica's new state and the messages it multicasts. */
export interface Transition {
  readonly replica: Replica;
  readonly sent: readonly PbftMessage[];
}
