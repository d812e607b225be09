// Raft's node state, messages and events, field for field the variables and message records
// of specs/raft/Raft.tla (src/raft/tla.ts maps one to the other).

/** A server, named as the model's Server constant names it (s1, s2, ...). */
export type ServerId = string;
/** A client value, named as the model's Value constant names it (v1, ...). */
export type Value = string;

export type Role = 'Follower' | 'Candidate' | 'Leader';

export interface LogEntry {
  readonly term: number;
  readonly value: Value;
}

/** One server's state: Raft.tla's per-server variables at index i. */
export interface RaftNode {
  readonly id: ServerId;
  // Persistent: survives a restart.
  readonly currentTerm: number;
  /** null is the spec's Nil: no vote in currentTerm. */
  readonly votedFor: ServerId | null;
  readonly log: readonly LogEntry[];
  // Volatile.
  readonly role: Role;
  readonly commitIndex: number;
  /** Sorted, without duplicates. */
  readonly votesGranted: readonly ServerId[];
  readonly nextIndex: Readonly<Record<ServerId, number>>;
  readonly matchIndex: Readonly<Record<ServerId, number>>;
}

export interface RequestVoteRequest {
  readonly type: 'RequestVoteRequest';
  readonly term: number;
  readonly lastLogTerm: number;
  readonly lastLogIndex: number;
  readonly source: ServerId;
  readonly dest: ServerId;
}

export interface RequestVoteResponse {
  readonly type: 'RequestVoteResponse';
  readonly term: number;
  readonly voteGranted: boolean;
  readonly source: ServerId;
  readonly dest: ServerId;
}

export interface AppendEntriesRequest {
  readonly type: 'AppendEntriesRequest';
  readonly term: number;
  readonly prevLogIndex: number;
  readonly prevLogTerm: number;
  /** At most MaxEntries entries (Raft.tla); none is a heartbeat. */
  readonly entries: readonly LogEntry[];
  readonly commitIndex: number;
  readonly source: ServerId;
  readonly dest: ServerId;
}

export interface AppendEntriesResponse {
  readonly type: 'AppendEntriesResponse';
  readonly term: number;
  readonly success: boolean;
  readonly matchIndex: number;
  readonly source: ServerId;
  readonly dest: ServerId;
}

export type RaftMessage = RequestVoteRequest | RequestVoteResponse | AppendEntriesRequest | AppendEntriesResponse;

/** What can happen to one server: the reducer's input (src/raft/node.ts, step). */
export type RaftEvent =
  | { readonly type: 'Timeout' }
  | { readonly type: 'Receive'; readonly message: RaftMessage }
  | { readonly type: 'BecomeLeader' }
  | { readonly type: 'ClientRequest'; readonly value: Value }
  | { readonly type: 'AppendEntries'; readonly to: ServerId }
  | { readonly type: 'AdvanceCommitIndex' }
  | { readonly type: 'Restart' };

/** The reducer's output: the server's new state and the messages it sends. */
export interface Transition {
  readonly node: RaftNode;
  readonly sent: readonly RaftMessage[];
}
