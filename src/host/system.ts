// What every protocol's system factory (src/<protocol>/host.ts) takes: the cluster's size, the
// timing its policy works to, and the seeded bug (if any) its reducer runs with.

import type { SystemDefinition } from './types.ts';

export interface Timing {
  /** Raft's election timeout and PBFT's view-change timer: each node draws its own in [min, max] (Raft 5.2). */
  readonly electionTimeoutMs: readonly [number, number];
  /** Raft's heartbeat, Multi-Paxos's and PBFT's retransmission interval. */
  readonly heartbeatMs: number;
}

export const DEFAULT_TIMING: Timing = { electionTimeoutMs: [150, 300], heartbeatMs: 50 };

export interface SystemOptions {
  readonly nodes: number;
  readonly timing: Timing;
  /** A seeded bug of the catalogue: the reducer runs with its rule. */
  readonly mutant?: string;
  /** PBFT: the Byzantine replicas' strategy. */
  readonly byzantine?: string;
  /** The scenario's settings of the protocol's policy (each protocol names its own, and refuses others). */
  readonly policy?: Readonly<Record<string, unknown>>;
}

/** A protocol that runs as a system: the CLI name and its factory. */
export interface SystemProtocol {
  readonly name: string;
  /** The smallest cluster it runs on, and its default size. */
  readonly minNodes: number;
  readonly defaultNodes: number;
  /** Whether its nodes can crash and restart (the spec has a restart step); if not, a crash is a pause. */
  readonly crashes: boolean;
  /** The model that the linearizability checker uses for its clients' history. */
  readonly model: 'kv' | 'register';
  // The state, message and event types are each protocol's own; the simulator only hands them back.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  create(options: SystemOptions): SystemDefinition<any, any, any>;
}

/** A timer's delay drawn in [min, max] with the host's generator. */
export function drawDelay(random: () => number, [min, max]: readonly [number, number]): number {
  return min + Math.floor(random() * (max - min + 1));
}
