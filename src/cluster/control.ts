// Starting, watching and stopping a real cluster's processes: what `cluster start|status|stop|restart`
// do, and what `cluster test`'s nemesis does to the nodes (SIGKILL and restart, SIGSTOP and SIGCONT).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { UserError } from '../core/errors.ts';
import { repoRoot } from '../core/paths.ts';
import type { Timing } from '../host/system.ts';
import type { NodeId } from '../host/types.ts';
import { systemNamed } from '../systems.ts';
import { CONFIG_FILE, newClusterConfig, nodeDir, readClusterConfig } from './config.ts';
import type { ClusterConfig } from './config.ts';
import { call } from './client.ts';
import { PID_FILE } from './node.ts';

export const HOST = '127.0.0.1';
export const NODE_OUTPUT = 'node.log';
const START_TIMEOUT_MS = 30_000;

/**
 * A real cluster's timing, etcd's defaults (heartbeat 100 ms, election timeout 1 s): processes on
 * a shared machine stall for longer than the simulator's 150 ms timeouts (a sync, a collection,
 * the scheduler), and every stall would be an election.
 */
export const CLUSTER_TIMING: Timing = { electionTimeoutMs: [1_000, 2_000], heartbeatMs: 100 };

export interface StartOptions {
  readonly protocol: string;
  readonly nodes?: number;
  readonly dir: string;
  readonly port: number;
  /** Send between nodes through a proxy per link (cluster test's partitions), started by the caller before the nodes. */
  readonly proxied?: boolean;
  /** Called with the cluster's description once it is written, before any node starts. */
  readonly beforeNodes?: (config: ClusterConfig) => Promise<void>;
}

/** A new cluster in `dir` (a stopped one there is replaced), its nodes started; resolves when one leads. */
export async function startCluster(o: StartOptions): Promise<{ config: ClusterConfig; leader: NodeId }> {
  const system = systemNamed(o.protocol);
  const nodes = o.nodes ?? system.defaultNodes;
  if (nodes < system.minNodes) throw new UserError(`${system.name} runs on ${system.minNodes} nodes or more, not ${nodes}`);
  if (existsSync(join(o.dir, CONFIG_FILE))) {
    const running = alive(readClusterConfig(o.dir), o.dir);
    if (running.length > 0) throw new UserError(`${o.dir}: a cluster is running there (nodes ${running.join(', ')}): cluster stop --data ${o.dir} first`);
    // A stopped cluster's data is not reused by a new cluster, whose databases would refuse it.
    rmSync(o.dir, { recursive: true, force: true });
  }
  const ids = system.create({ nodes, timing: CLUSTER_TIMING, byzantine: 'none' }).servers;
  const config = newClusterConfig(system.name, ids, HOST, o.port, CLUSTER_TIMING, system.name === 'pbft', o.proxied === true);
  for (const n of config.nodes) {
    for (const p of [n.httpPort, n.peerPort, ...Object.values(config.links ?? {})]) {
      if (!(await portFree(HOST, p))) throw new UserError(`port ${p} on ${HOST} is in use: stop what holds it, or choose other ports with --port (the nodes use P, P+1, ... and P+100, P+101, ...)`);
    }
  }
  mkdirSync(o.dir, { recursive: true });
  writeFileSync(join(o.dir, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
  await o.beforeNodes?.(config);
  const exited = new Set<NodeId>();
  for (const n of config.nodes) spawnNode(o.dir, n.id, () => exited.add(n.id));
  const leader = await waitForLeader(config, o.dir, exited, START_TIMEOUT_MS);
  return { config, leader };
}

/** Start node `id`'s process, detached, its output appended to its node.log. */
export function spawnNode(dir: string, id: NodeId, onExit?: () => void): void {
  mkdirSync(nodeDir(dir, id), { recursive: true });
  const out = openSync(join(nodeDir(dir, id), NODE_OUTPUT), 'a');
  const child = spawn(process.execPath, [join(repoRoot(), 'bin', 'consensus-lab.js'), 'cluster', 'node', id, '--data', dir], { detached: true, stdio: ['ignore', out, out] });
  if (onExit !== undefined) child.on('exit', onExit);
  child.unref();
}

/** Until some node says it leads; if a node exits first, or none leads in time, every node is stopped. */
export async function waitForLeader(config: ClusterConfig, dir: string, exited: ReadonlySet<NodeId>, timeoutMs: number): Promise<NodeId> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && exited.size === 0) {
    const leader = await findLeader(config);
    if (leader !== undefined) return leader;
    await sleep(100);
  }
  signalAll(config, dir, 'SIGTERM');
  const why = exited.size > 0 ? `node ${[...exited].join(', ')} exited` : `no leader within ${timeoutMs / 1000} s`;
  const first = [...exited][0] ?? config.nodes[0].id;
  throw new UserError(`${why}; the cluster was stopped. ${first}: ${lastLine(join(nodeDir(dir, first), NODE_OUTPUT))} (cluster logs ${first} --data ${dir})`);
}

/** The node that says it leads, if one does now. */
export async function findLeader(config: ClusterConfig): Promise<NodeId | undefined> {
  for (const n of config.nodes) {
    const s = await fetchStatus(config, n.id);
    if (s !== undefined && s.role === 'leader') return n.id;
  }
  return undefined;
}

/** A connection for each status read: the CLI exits when it is done, with no socket kept alive. */
const statusAgent = new Agent({ keepAlive: false });

export async function fetchStatus(config: ClusterConfig, id: NodeId): Promise<Record<string, unknown> | undefined> {
  const n = config.nodes.find((x) => x.id === id);
  if (n === undefined) return undefined;
  try {
    const res = await call(statusAgent, config.host, n.httpPort, 'GET', '/status', undefined, 1_000);
    return res.status === 200 ? (JSON.parse(res.body) as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Stop every node (SIGTERM, then SIGKILL for any still running after 5 s); throws if one survives even that. */
export async function stopCluster(dir: string): Promise<{ stopped: NodeId[]; killed: NodeId[] }> {
  const config = readClusterConfig(dir);
  // The processes, not their pid files: a node removes its file as it exits, before it is gone.
  const pids = new Map(alive(config, dir).map((id) => [id, pidOf(dir, id)!]));
  const running = () => [...pids].filter(([, pid]) => processAlive(pid)).map(([id]) => id);
  const stopped = [...pids.keys()];
  for (const [id] of pids) {
    signalNode(dir, id, 'SIGTERM');
    signalNode(dir, id, 'SIGCONT');
  }
  await until(() => running().length === 0, 5_000);
  const killed = running();
  for (const id of killed) process.kill(pids.get(id)!, 'SIGKILL');
  await until(() => running().length === 0, 2_000);
  const still = running();
  for (const n of config.nodes) if (!still.includes(n.id)) rmSync(join(nodeDir(dir, n.id), PID_FILE), { force: true });
  if (still.length > 0) throw new UserError(`nodes ${still.join(', ')} did not stop, even on SIGKILL: pids ${still.map((id) => pids.get(id)).join(', ')}`);
  return { stopped, killed };
}

/** Send `signal` to every running node (SIGCONT too, so that a paused one can take a SIGTERM); the ones signalled. */
export function signalAll(config: ClusterConfig, dir: string, signal: NodeJS.Signals): NodeId[] {
  const running = alive(config, dir);
  for (const id of running) {
    signalNode(dir, id, signal);
    if (signal === 'SIGTERM') signalNode(dir, id, 'SIGCONT');
  }
  return running;
}

export function signalNode(dir: string, id: NodeId, signal: NodeJS.Signals): boolean {
  const pid = pidOf(dir, id);
  if (pid === undefined) return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Start a node that is not running (after a kill -9, say): it recovers from its database. */
export async function restartNode(dir: string, id: NodeId): Promise<void> {
  const config = readClusterConfig(dir);
  if (!config.nodes.some((n) => n.id === id)) throw new UserError(`the cluster has no node ${id}: its nodes are ${config.nodes.map((n) => n.id).join(', ')}`);
  if (processAlive(pidOf(dir, id))) throw new UserError(`node ${id} is running (pid ${pidOf(dir, id)}): cluster stop, or kill it first`);
  rmSync(join(nodeDir(dir, id), PID_FILE), { force: true });
  let exited = false;
  spawnNode(dir, id, () => (exited = true));
  const up = await until(async () => exited || (await fetchStatus(config, id)) !== undefined, START_TIMEOUT_MS);
  if (exited || !up) throw new UserError(`node ${id} did not come back: ${lastLine(join(nodeDir(dir, id), NODE_OUTPUT))} (cluster logs ${id} --data ${dir})`);
}

export function pidOf(dir: string, id: NodeId): number | undefined {
  try {
    const pid = Number(readFileSync(join(nodeDir(dir, id), PID_FILE), 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the process runs: a killed node that no one has reaped yet (a zombie) does not. */
export function processAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // Linux: /proc/PID/stat's third field is the state; Z is a zombie.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** The nodes whose process is running. */
export function alive(config: ClusterConfig, dir: string): NodeId[] {
  return config.nodes.filter((n) => processAlive(pidOf(dir, n.id))).map((n) => n.id);
}

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, host, () => server.close(() => done(true)));
  });
}

/** The last line of a node's output that says what went wrong (an error, ours or Node's), else its last line. */
export function lastLine(file: string): string {
  if (!existsSync(file)) return 'no output';
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const error = lines.findLast((l) => /^(consensus-lab: |\w*Error\b)/.test(l));
  return error ?? (lines[lines.length - 1] || 'no output');
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await sleep(50);
  }
  return condition();
}
