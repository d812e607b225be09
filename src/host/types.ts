// What a protocol gives the node host (src/host/host.ts) to run as a system, and what the host's
// environment gives it: a clock with timers, a network, stable storage, an event log. The
// simulator (src/sim/) provides virtual ones; a real cluster provides real ones; the host and
// the protocols' policies are the same code in both, as Stateright runs one actor in its checker
// and on a network.

import type { KvResult } from './kv.ts';

/** A server, as the host and the network name it: the spec's server id as a string ("s1", "0"). */
export type NodeId = string;

/** One step of a reducer: the spec's action, by name and parameters, and what it did. */
export interface ReducerStep<N, M> {
  readonly node: N;
  readonly sent: readonly M[];
  /** The spec's action (Raft.tla's "HandleAppendEntriesRequest"), as TLC would label the step. */
  readonly action: string;
  /** The action's parameters, as the spec names them ({ i: "s1", j: "s2" }). */
  readonly params: Readonly<Record<string, unknown>>;
  /** The message the step took, if it took one. */
  readonly received?: M;
}

/** What a client sends a server, and what it gets back. */
export type ClientWire =
  | { readonly type: 'ClientRequest'; readonly client: number; readonly seq: number; readonly command: string }
  | {
      readonly type: 'ClientReply';
      readonly client: number;
      readonly seq: number;
      /** undefined: this server cannot take the command; try `leaderHint`, or another. */
      readonly result?: KvResult;
      readonly leaderHint?: NodeId;
      /** The replica that replies (PBFT's clients count f + 1 matching replies from distinct replicas). */
      readonly replica: NodeId;
    };

/** Everything that crosses the network: a protocol's message, or a client's. */
export type Wire<M> = { readonly type: 'Protocol'; readonly message: M } | ClientWire;

/**
 * The context a protocol's policy acts through. Everything it does to the node is a reducer step
 * (`step`): the host syncs its writes, logs it, sends its messages and applies what it commits.
 */
export interface HostContext<N, E> {
  readonly id: NodeId;
  readonly node: N;
  /** Milliseconds: virtual in the simulator, real in a cluster. */
  now(): number;
  /** A number in [0, 1) from the environment's generator (seeded in the simulator). */
  random(): number;
  /** Take the reducer step `event`; false if the spec does not enable it (nothing happens). */
  step(event: E): boolean;
  /** Arm (or re-arm) the timer `name` to fire after `delayMs`; the policy's onTimer hears it. */
  setTimer(name: string, delayMs: number): void;
  cancelTimer(name: string): void;
  /**
   * Send a protocol message outside any step: one the node has sent or received before (a
   * retransmission, or PBFT's forwarding of the PREPAREs behind a certificate). Where the spec's
   * network is the set of messages ever sent, this changes no state of the spec: it is not logged.
   */
  resend(message: unknown): void;
}

/**
 * What the spec leaves to the environment: when timers fire and what they do, when internal
 * actions (BecomeLeader, AdvanceCommitIndex, Phase1a, ...) are taken, what a client command
 * becomes. Policies decide only which enabled action to take next; the reducer decides what it does.
 */
export interface HostPolicy<N, M, E> {
  /** The node has booted (fresh, or restarted from stable storage): arm its timers. */
  start(ctx: HostContext<N, E>): void;
  onTimer(ctx: HostContext<N, E>, timer: string): void;
  onMessage(ctx: HostContext<N, E>, message: M): void;
  /** A client's command: taken (it will be committed, or a retry will find it), or refused with a hint. */
  onClientCommand(ctx: HostContext<N, E>, command: string): { readonly taken: true } | { readonly taken: false; readonly leaderHint?: NodeId };
  /** After every step: take the internal actions it enabled. */
  afterStep(ctx: HostContext<N, E>, step: ReducerStep<N, M>): void;
}

/** A protocol run as a system: its reducer behind one entry point, its storage, its log, its policy. */
export interface SystemDefinition<N, M, E> {
  /** Every server of the cluster, correct or not, in the spec's order. */
  readonly servers: readonly NodeId[];
  initialNode(id: NodeId): N;
  /** The reducer: the spec's action that `event` is at `node`, or undefined where the spec does not enable it. */
  reduce(node: N, event: E): ReducerStep<N, M> | undefined;
  /** Where a message goes: its dest, or every other replica for a multicast (PBFT). */
  destinations(message: M): readonly NodeId[];
  /** The part of the state on stable storage, written (and synced) after every step that changes it. */
  stable(node: N): unknown;
  /** A crashed node's state as it restarts, rebuilt from stable storage alone, and the restart step to take. */
  recover(id: NodeId, stable: unknown): { readonly node: N; readonly restart?: E };
  /** The commands the node has committed (or executed), in log order: no-ops included. */
  committed(node: N): { readonly length: number; entry(index: number): string };
  /** The term (view, round) the node leads, or undefined: for reports and for faults aimed at `leader`. */
  leading(node: N): number | undefined;
  /**
   * A waiting client command that the node can answer from its state without applying it (a
   * write-once register's read of the decided value, or a write that lost), or undefined to wait
   * for it to apply. Tried when the command arrives and after every step.
   */
  readonly answer?: (node: N, command: string) => KvResult | undefined;
  /**
   * The clients' side: how many matching replies from distinct servers make a result (PBFT: f + 1),
   * whether a request goes to every server, and whether the event log records a client's taking
   * a result, with the servers whose replies made it (a step of the spec: PBFT.tla's ClientAccept).
   */
  readonly clients?: { readonly replies: number; readonly broadcast: boolean; readonly logAccepts?: boolean };
  /** Servers that do not follow the protocol (PBFT's Byzantine replicas): the environment runs an adversary in their place. */
  readonly byzantine?: {
    readonly ids: readonly NodeId[];
    create(id: NodeId, ctx: AdversaryContext<M>): Adversary<M>;
  };
  /** The node's state after a step, as the event log records it (the spec's variables at i, small ones in full). */
  logState(node: N): Readonly<Record<string, unknown>>;
  /** The constants the event log's Init line records (the servers, the bounds the spec takes as constants). */
  readonly constants?: Readonly<Record<string, unknown>>;
  /** The message as the event log records it. */
  logMessage?(message: M): unknown;
  /**
   * For merging a real cluster's logs (src/cluster/merge.ts): the messages a logged step reads
   * from the network without taking one (a quorum step, where the network is the set of messages
   * ever sent: PBFT's ReceivePrepares), as keys that `readKey` gives a logged message sent; on a
   * tie of milliseconds, the merge puts the step after their sends.
   */
  readonly reads?: {
    of(event: LogEvent): readonly string[];
    readKey(logged: unknown): string | undefined;
  };
  /** The policy of one server, made anew at each boot: what it remembers (a leader hint, say) is volatile. */
  policy(id: NodeId): HostPolicy<N, M, E>;
  /** The spec's invariants over a run, checked after every step, incrementally where a full check would grow with the log. */
  monitor(): RunMonitor<N>;
}

/**
 * The protocol's invariants (the ones the explorer checks, by the same names) over a run. A
 * monitor sees every step and may remember what it has seen, so it can check in constant time
 * what a check of the whole state does in time that grows with the log; the over-time form it
 * checks implies the state invariant at every step.
 */
export interface RunMonitor<N> {
  /** After node `id` took `step`; `nodes` holds every correct server's state. The broken invariant, with a detail, or undefined. */
  observe(id: NodeId, nodes: ReadonlyMap<NodeId, N>, step: ReducerStep<N, unknown>): { readonly invariant: string; readonly detail: string } | undefined;
}

/** One line of the event log: a reducer step at a node, or a step of the network. */
export interface LogEvent {
  /** The line's number, from 1. */
  readonly n: number;
  /** Virtual (or real) milliseconds. */
  readonly t: number;
  readonly node: NodeId;
  readonly action: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly recv?: unknown;
  readonly sent?: readonly unknown[];
  readonly state?: Readonly<Record<string, unknown>>;
  /** On the Init line, the run's constants (the servers, MaxEntries): what trace validation needs of the model. */
  readonly constants?: Readonly<Record<string, unknown>>;
}

/** Stable storage: a step's writes are synced before its messages leave and before it is logged. */
export interface Storage {
  read(): unknown;
  /** Write and sync. A crash in the middle loses the step: it never happened. */
  writeAndSync(value: unknown): void;
}

/** What the host needs from where it runs. */
export interface HostEnvironment<M> {
  now(): number;
  random(): number;
  setTimer(node: NodeId, name: string, delayMs: number): void;
  cancelTimer(node: NodeId, name: string): void;
  send(from: NodeId, to: NodeId, wire: Wire<M>): void;
  storage(node: NodeId): Storage;
  /** A step was taken at a node (synced, its messages sent): record it. */
  record(event: Omit<LogEvent, 'n' | 't'>): void;
  /** The node applied log entry `index` (from 0) to its state machine. */
  applied(node: NodeId, index: number, entry: string): void;
  /** A step was taken: the environment checks its invariants. */
  stepped(node: NodeId, step: ReducerStep<unknown, M>): void;
}

/** What a Byzantine replica can do: send anything it likes, to anyone, whenever it hears something. */
export interface AdversaryContext<M> {
  readonly id: NodeId;
  now(): number;
  random(): number;
  send(to: NodeId, wire: Wire<M>): void;
  /** Every correct replica's state: an adversary may know everything. */
  correct(): ReadonlyMap<NodeId, unknown>;
}

export interface Adversary<M> {
  deliver(wire: Wire<M>): void;
  /** Called every heartbeat interval. */
  tick(): void;
}
