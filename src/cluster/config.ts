// A real cluster's description, written by `cluster start` into its data directory
// (DIR/cluster.json) and read by every node's process: which protocol, which nodes on which
// ports, and, for PBFT, the pairwise keys of the MACs.

import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, UserError } from '../core/errors.ts';
import type { NodeId } from '../host/types.ts';
import type { Timing } from '../host/system.ts';
import { systemNamed } from '../systems.ts';

export interface ClusterNode {
  readonly id: NodeId;
  /** Where the other nodes reach it (TCP, framed messages). */
  readonly peerPort: number;
  /** Where clients reach it (HTTP, the key-value API). */
  readonly httpPort: number;
}

export interface ClusterConfig {
  readonly format: 1;
  /** A fresh id per cluster: every frame and every database names it. */
  readonly cluster: string;
  readonly protocol: string;
  readonly host: string;
  readonly nodes: readonly ClusterNode[];
  readonly timing: Timing;
  /** Pairwise MAC keys (base64), by "a|b" with a < b: PBFT's authenticated channels. */
  readonly keys?: Readonly<Record<string, string>>;
  /**
   * Where a node sends to another, by "from|to", when that is not the receiver's peerPort: a
   * proxy per directed link, which `cluster test` opens and closes to partition the network.
   */
  readonly links?: Readonly<Record<string, number>>;
}

export const CONFIG_FILE = 'cluster.json';

export function newClusterConfig(protocol: string, ids: readonly NodeId[], host: string, basePort: number, timing: Timing, macs: boolean, proxied = false): ClusterConfig {
  const keys: Record<string, string> = {};
  if (macs) {
    for (const a of ids) for (const b of ids) if (a < b) keys[`${a}|${b}`] = randomBytes(32).toString('base64');
  }
  return {
    format: 1,
    cluster: randomUUID(),
    protocol,
    host,
    // Clients' ports first (7001, 7002, ...), the nodes' own a hundred above them.
    nodes: ids.map((id, k) => ({ id, httpPort: basePort + k, peerPort: basePort + 100 + k })),
    timing,
    ...(macs && { keys }),
    // The links' proxies two hundred above the clients' ports, one per ordered pair of nodes.
    ...(proxied && { links: Object.fromEntries(ids.flatMap((a) => ids.filter((b) => b !== a).map((b) => `${a}|${b}`)).map((link, k) => [link, basePort + 200 + k])) }),
  };
}

/** The port node `from` sends to node `to` on: the link's proxy, or the receiver itself. */
export function sendPort(config: ClusterConfig, from: NodeId, to: NodeId): number {
  const proxy = config.links?.[`${from}|${to}`];
  return proxy ?? config.nodes.find((n) => n.id === to)!.peerPort;
}

/** The keys node `self` shares with each other node. */
export function keysOf(config: ClusterConfig, self: NodeId): Map<NodeId, Buffer> | undefined {
  if (config.keys === undefined) return undefined;
  const out = new Map<NodeId, Buffer>();
  for (const n of config.nodes) {
    if (n.id === self) continue;
    const key = config.keys[self < n.id ? `${self}|${n.id}` : `${n.id}|${self}`];
    if (key !== undefined) out.set(n.id, Buffer.from(key, 'base64'));
  }
  return out;
}

export function readClusterConfig(dir: string): ClusterConfig {
  const file = join(dir, CONFIG_FILE);
  if (!existsSync(file)) throw new UserError(`${dir}: no cluster here (no ${CONFIG_FILE}): start one with consensus-lab cluster start <protocol> --data ${dir}`);
  let config: ClusterConfig;
  try {
    config = JSON.parse(readFileSync(file, 'utf8')) as ClusterConfig;
  } catch (e) {
    throw new InputError(file, undefined, `not JSON (${(e as Error).message}): remove the directory and start the cluster again`);
  }
  if (config.format !== 1 || typeof config.cluster !== 'string' || !Array.isArray(config.nodes) || typeof config.protocol !== 'string') {
    throw new InputError(file, undefined, 'not a cluster description of this version of consensus-lab: remove the directory and start the cluster again');
  }
  return config;
}

export const nodeDir = (dir: string, id: NodeId) => join(dir, id);

/**
 * The protocol's system definition for a cluster's nodes: every node runs the protocol (a real
 * cluster has no simulated adversary; PBFT's Byzantine replicas are the simulator's).
 */
export function clusterSystem(config: Pick<ClusterConfig, 'protocol' | 'nodes' | 'timing'>) {
  return systemNamed(config.protocol).create({ nodes: config.nodes.length, timing: config.timing, byzantine: 'none' });
}
