// Paxos's agent states, messages and events, field for field the variables and message records
// of specs/paxos/Paxos.tla (src/paxos/tla.ts maps one to the other).

import type { Ballot } from './ballot.ts';

/** A server id. Ids are numbers, so that ballots compare as numbers; one server may play several roles. */
export type ServerId = number;
/** A value, named as the model's Value constant names it (v1, ...). */
export type Value = string;

/** A ballot and the value accepted in it. */
export interface AcceptedValue {
  readonly bal: Ballot;
  readonly val: Value;
}

/** How far a proposer's current ballot has got. */
export type Phase = 'Idle' | 'Phase1' | 'Phase2';

/** A promise a proposer has gathered: from which acceptor, reporting what it last accepted. */
export interface PromiseRecord {
  readonly acceptor: ServerId;
  /** null is the spec's None: the acceptor had accepted nothing. */
  readonly accepted: AcceptedValue | null;
}

/**
 * A learner's tally: the highest ballot it has heard accepted, the value accepted in it, and the
 * acceptors it has heard accept it (sorted, without duplicates).
 */
export interface Tally {
  readonly bal: Ballot;
  readonly val: Value;
  readonly acceptors: readonly ServerId[];
}

/** A proposer: Paxos.tla's round[p], phase[p] and promises[p]. */
export interface ProposerState {
  readonly id: ServerId;
  /** 0 before its first ballot. */
  readonly round: number;
  readonly phase: Phase;
  /** Sorted by key (src/paxos/cluster.ts), without duplicates. */
  readonly promises: readonly PromiseRecord[];
}

/** An acceptor: Paxos.tla's promised[a] and accepted[a], both on stable storage. */
export interface AcceptorState {
  readonly id: ServerId;
  /** null: no promise yet. */
  readonly promised: Ballot | null;
  /** null: nothing accepted yet. */
  readonly accepted: AcceptedValue | null;
}

/** A learner: Paxos.tla's tally[l] and decided[l]. */
export interface LearnerState {
  readonly id: ServerId;
  /** null: no vote heard since the last decision. */
  readonly tally: Tally | null;
  /** null: not decided yet. */
  readonly decided: Value | null;
}

/** Phase 1a: a proposer asks an acceptor to promise its ballot. */
export interface Prepare {
  readonly type: 'Prepare';
  readonly ballot: Ballot;
  readonly source: ServerId;
  readonly dest: ServerId;
}

/** Phase 1b: an acceptor promises a ballot and reports what it last accepted. */
export interface PromiseMessage {
  readonly type: 'Promise';
  readonly ballot: Ballot;
  readonly accepted: AcceptedValue | null;
  readonly source: ServerId;
  readonly dest: ServerId;
}

/** Phase 2a: a proposer asks an acceptor to accept a value in its ballot. */
export interface Accept {
  readonly type: 'Accept';
  readonly ballot: Ballot;
  readonly value: Value;
  readonly source: ServerId;
  readonly dest: ServerId;
}

/** Phase 2b: an acceptor tells a learner that it accepted a value in a ballot. */
export interface Accepted {
  readonly type: 'Accepted';
  readonly ballot: Ballot;
  readonly value: Value;
  readonly source: ServerId;
  readonly dest: ServerId;
}

/** A learner tells another the value it decided. */
export interface Decided {
  readonly type: 'Decided';
  readonly value: Value;
  readonly source: ServerId;
  readonly dest: ServerId;
}

export type PaxosMessage = Prepare | PromiseMessage | Accept | Accepted | Decided;

/** What can happen to a proposer: its reducer's input (src/paxos/node.ts, stepProposer). */
export type ProposerEvent =
  | { readonly type: 'Phase1a' }
  | { readonly type: 'Receive'; readonly message: PromiseMessage }
  | { readonly type: 'Phase2a'; readonly value: Value };

/** What can happen to an acceptor. */
export type AcceptorEvent = { readonly type: 'Receive'; readonly message: Prepare | Accept } | { readonly type: 'Restart' };

/** What can happen to a learner. */
export type LearnerEvent = { readonly type: 'Receive'; readonly message: Accepted | Decided };

/** A reducer's output: the agent's new state and the messages it sends. */
export interface Transition<N> {
  readonly node: N;
  readonly sent: readonly PaxosMessage[];
}
