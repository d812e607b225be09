// Multi-Paxos's agent states, messages and events, field for field the variables and message
// records of specs/paxos/MultiPaxos.tla (src/multipaxos/tla.ts maps one to the other).

import type { Ballot } from '../paxos/ballot.ts';
import type { ServerId } from '../paxos/types.ts';

// Servers are numbered as in Paxos.
export type { ServerId } from '../paxos/types.ts';

/** A client command, or the no-op, named as the model's Command and NoOp constants name them. */
export type Command = string;

/** What an acceptor accepted in a slot: the ballot and the command. */
export interface AcceptedEntry {
  readonly slot: number;
  readonly bal: Ballot;
  readonly val: Command;
}

/** How far a proposer's current ballot has got. */
export type Phase = 'Idle' | 'Phase1' | 'Leader';

/** A promise a proposer has gathered: from which acceptor, reporting everything it accepted. */
export interface PromiseRecord {
  readonly acceptor: ServerId;
  /** Sorted by slot, one entry a slot. */
  readonly accepted: readonly AcceptedEntry[];
}

/** An acceptance a leader has counted: acceptor accepted slot of the leader's current ballot. */
export interface Ack {
  readonly slot: number;
  readonly acceptor: ServerId;
}

/** A command a replica has learned for a slot beyond a gap in its log. */
export interface PendingEntry {
  readonly slot: number;
  readonly val: Command;
}

/** A proposer: MultiPaxos.tla's round[p], phase[p], promises[p], proposals[p] and acks[p]. */
export interface ProposerState {
  readonly id: ServerId;
  /** 0 before its first ballot. */
  readonly round: number;
  readonly phase: Phase;
  /** Sorted by key (src/multipaxos/cluster.ts), without duplicates. */
  readonly promises: readonly PromiseRecord[];
  /** The commands it proposes in its ballot: slot s holds proposals[s - 1]; in phase 1, what its replica had executed when the ballot began. */
  readonly proposals: readonly Command[];
  /** Sorted by slot, then acceptor, without duplicates. */
  readonly acks: readonly Ack[];
}

/** An acceptor: MultiPaxos.tla's promised[a] and accepted[a], both on stable storage. */
export interface AcceptorState {
  readonly id: ServerId;
  readonly promised: Ballot | null;
  /** Sorted by slot, one entry a slot. */
  readonly accepted: readonly AcceptedEntry[];
}

/** A replica: MultiPaxos.tla's log[r] and pending[r]. */
export interface ReplicaState {
  readonly id: ServerId;
  /** The commands it has executed, in slot order: slot s holds log[s - 1]. */
  readonly log: readonly Command[];
  /** Sorted by slot: slots learned beyond a gap, waiting. */
  readonly pending: readonly PendingEntry[];
}

/** Phase 1a: one ballot for every slot from `from` on, the first its proposer's replica has not executed. */
export interface Prepare {
  readonly type: 'Prepare';
  readonly ballot: Ballot;
  readonly from: number;
  readonly source: ServerId;
  readonly dest: ServerId;
}

export interface PromiseMessage {
  readonly type: 'Promise';
  readonly ballot: Ballot;
  /** Everything the acceptor has accepted from the Prepare's first slot on, sorted by slot. */
  readonly accepted: readonly AcceptedEntry[];
  readonly source: ServerId;
  readonly dest: ServerId;
}

export interface Accept {
  readonly type: 'Accept';
  readonly ballot: Ballot;
  readonly slot: number;
  readonly value: Command;
  readonly source: ServerId;
  readonly dest: ServerId;
}

export interface Accepted {
  readonly type: 'Accepted';
  readonly ballot: Ballot;
  readonly slot: number;
  readonly value: Command;
  readonly source: ServerId;
  readonly dest: ServerId;
}

/** A leader tells a replica the command chosen in a slot. */
export interface Decision {
  readonly type: 'Decision';
  readonly slot: number;
  readonly value: Command;
  readonly source: ServerId;
  readonly dest: ServerId;
}

export type MultiPaxosMessage = Prepare | PromiseMessage | Accept | Accepted | Decision;

/** What can happen to a proposer: its reducer's input (src/multipaxos/node.ts, step). */
export type ProposerEvent =
  // executed: what the proposer's own replica has executed (MultiPaxos.tla's Executed(p)); none if it plays no replica.
  | { readonly type: 'Phase1a'; readonly executed: readonly Command[] }
  | { readonly type: 'Receive'; readonly message: PromiseMessage | Accepted }
  | { readonly type: 'BecomeLeader' }
  | { readonly type: 'Propose'; readonly command: Command };

export type AcceptorEvent = { readonly type: 'Receive'; readonly message: Prepare | Accept } | { readonly type: 'Restart' };

export type ReplicaEvent = { readonly type: 'Receive'; readonly message: Decision };

/** Any role's event (src/multipaxos/node.ts, step): the event says whose it is. */
export type MultiPaxosEvent = ProposerEvent | AcceptorEvent | ReplicaEvent;

/** A reducer's output: the agent's new state and the messages it sends. */
export interface Transition<N> {
  readonly node: N;
  readonly sent: readonly MultiPaxosMessage[];
}
