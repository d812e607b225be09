// consensus-lab cluster start|status|stop|logs|node: a protocol as real processes on this machine,
// one per node, over TCP, with SQLite storage and the key-value API over HTTP (src/cluster/).
//
//   cluster start <protocol> [--nodes 3] [--data DIR] [--port P]   start, and return when a leader serves
//   cluster status [--data DIR]                                     per node: pid, role, term, committed, applied
//   cluster stop [--data DIR]                                       stop every node; nothing is left running
//   cluster logs NODE [--data DIR]                                  the node's output, and where its event log is
//   cluster node NODE [--data DIR]                                  run one node in this process (what start spawns)

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { repoRoot } from '../../core/paths.ts';
import { DEFAULT_TIMING } from '../../host/system.ts';
import { systemNamed } from '../../systems.ts';
import { CONFIG_FILE, newClusterConfig, nodeDir, readClusterConfig } from '../../cluster/config.ts';
import type { ClusterConfig } from '../../cluster/config.ts';
import { EVENTS_FILE, PID_FILE, runNode } from '../../cluster/node.ts';
import { intOption, stringOption } from '../main.ts';
import type { CommandContext } from '../main.ts';
import { count, printJson, table } from '../output.ts';

export const DEFAULT_DATA = 'out/cluster';
const DEFAULT_PORT = 7001;
const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 30_000;
export const NODE_OUTPUT = 'node.log';

export async function clusterCommand({ positionals, values }: CommandContext): Promise<number> {
  const [sub, ...args] = positionals;
  const dir = resolve(stringOption(values, 'data') ?? DEFAULT_DATA);
  switch (sub) {
    case 'start':
      return start(args, dir, values);
    case 'status':
      return status(dir, values.json === true);
    case 'stop':
      return stop(dir, values.json === true);
    case 'logs':
      return logs(args, dir);
    case 'node':
      return node(args, dir);
    default:
      throw new UserError(`cluster ${sub === undefined ? 'needs' : `has no "${sub}"; it takes`} one of start, status, stop, logs, node: consensus-lab cluster start raft --nodes 3`);
  }
}

async function start(args: readonly string[], dir: string, values: CommandContext['values']): Promise<number> {
  if (args.length !== 1) throw new UserError('cluster start takes one protocol: consensus-lab cluster start raft --nodes 3');
  const system = systemNamed(args[0]);
  const nodes = intOption(values, 'nodes') ?? system.defaultNodes;
  if (nodes < system.minNodes) throw new UserError(`${system.name} runs on ${system.minNodes} nodes or more, not ${nodes}`);
  const port = intOption(values, 'port') ?? DEFAULT_PORT;
  if (existsSync(join(dir, CONFIG_FILE))) {
    const running = alive(readClusterConfig(dir), dir);
    if (running.length > 0) throw new UserError(`${shown(dir)}: a cluster is running there (nodes ${running.join(', ')}): cluster stop --data ${shown(dir)} first`);
    // A stopped cluster's data is not reused by a new cluster, whose databases would refuse it.
    rmSync(dir, { recursive: true, force: true });
  }
  const ids = system.create({ nodes, timing: DEFAULT_TIMING }).servers;
  const config = newClusterConfig(system.name, ids, HOST, port, DEFAULT_TIMING, system.name === 'pbft');
  for (const n of config.nodes) {
    for (const p of [n.httpPort, n.peerPort]) {
      if (!(await portFree(HOST, p))) throw new UserError(`port ${p} on ${HOST} is in use: stop what holds it, or choose other ports with --port (the nodes use P, P+1, ... and P+100, P+101, ...)`);
    }
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
  const exited = new Set<string>();
  for (const n of config.nodes) {
    mkdirSync(nodeDir(dir, n.id), { recursive: true });
    const out = openSync(join(nodeDir(dir, n.id), NODE_OUTPUT), 'a');
    const child = spawn(process.execPath, [join(repoRoot(), 'bin', 'consensus-lab.js'), 'cluster', 'node', n.id, '--data', dir], { detached: true, stdio: ['ignore', out, out] });
    child.on('exit', () => exited.add(n.id));
    child.unref();
  }
  const leader = await waitForLeader(config, dir, exited, START_TIMEOUT_MS);
  const rows = config.nodes.map((n) => [n.id, `http://${HOST}:${n.httpPort}`, `${HOST}:${n.peerPort}`, n.id === leader ? 'leader' : '']);
  if (values.json === true) printJson({ ok: true, data: dir, cluster: config.cluster, protocol: config.protocol, leader, nodes: config.nodes.map((n) => ({ ...n, url: `http://${HOST}:${n.httpPort}` })) });
  else {
    process.stdout.write(`${table(['node', 'key-value API', 'peers', ''], rows)}\n`);
    process.stdout.write(`${system.name} cluster ${config.cluster} serving in ${shown(dir)}; try: curl -L -X PUT --data hello http://${HOST}:${config.nodes[0].httpPort}/kv/greeting\n`);
  }
  return 0;
}

/** Until some node says it leads; if a node exits first, or none leads in time, every node is stopped. */
async function waitForLeader(config: ClusterConfig, dir: string, exited: ReadonlySet<string>, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && exited.size === 0) {
    for (const n of config.nodes) {
      const s = await fetchStatus(config, n.httpPort);
      if (s !== undefined && s.role === 'leader') return n.id;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  stopAll(config, dir);
  const why = exited.size > 0 ? `node ${[...exited].join(', ')} exited` : `no leader within ${timeoutMs / 1000} s`;
  const first = [...exited][0] ?? config.nodes[0].id;
  throw new UserError(`${why}; the cluster was stopped. ${first}: ${lastLine(join(nodeDir(dir, first), NODE_OUTPUT))} (cluster logs ${first} --data ${shown(dir)})`);
}

async function fetchStatus(config: ClusterConfig, port: number): Promise<Record<string, unknown> | undefined> {
  try {
    const res = await fetch(`http://${config.host}:${port}/status`, { signal: AbortSignal.timeout(1_000) });
    return res.ok ? ((await res.json()) as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function status(dir: string, json: boolean): Promise<number> {
  const config = readClusterConfig(dir);
  const rows: Record<string, unknown>[] = [];
  for (const n of config.nodes) {
    const pid = pidOf(dir, n.id);
    const s = processAlive(pid) ? await fetchStatus(config, n.httpPort) : undefined;
    rows.push({ id: n.id, pid: pid ?? null, running: processAlive(pid), serving: s !== undefined, ...(s !== undefined && { role: s.role, leading: s.leading, committed: s.committed, applied: s.applied, state: s.state }) });
  }
  if (json) printJson({ ok: true, cluster: config.cluster, protocol: config.protocol, nodes: rows });
  else {
    process.stdout.write(
      `${table(
        ['node', 'pid', 'process', 'role', 'term (or view)', 'committed', 'applied'],
        rows.map((r) => [String(r.id), r.pid === null ? '-' : String(r.pid), r.running ? (r.serving ? 'serving' : 'not answering') : 'stopped', String(r.role ?? '-'), termOf(r.state as Record<string, unknown> | undefined), r.committed === undefined ? '-' : count(r.committed as number), r.applied === undefined ? '-' : count(r.applied as number)]),
      )}\n`,
    );
  }
  return 0;
}

/** The term, view or round a status reports: whichever the protocol's logged state has. */
function termOf(state: Record<string, unknown> | undefined): string {
  if (state === undefined) return '-';
  for (const k of ['currentTerm', 'view', 'round', 'ballot']) if (k in state) return JSON.stringify(state[k]);
  return '-';
}

async function stop(dir: string, json: boolean): Promise<number> {
  const config = readClusterConfig(dir);
  const stopped = stopAll(config, dir);
  const deadline = Date.now() + 5_000;
  while (alive(config, dir).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const left = alive(config, dir);
  for (const id of left) kill(pidOf(dir, id), 'SIGKILL');
  const killDeadline = Date.now() + 2_000;
  while (alive(config, dir).length > 0 && Date.now() < killDeadline) await new Promise((r) => setTimeout(r, 50));
  const still = alive(config, dir);
  for (const n of config.nodes) if (!still.includes(n.id)) rmSync(join(nodeDir(dir, n.id), PID_FILE), { force: true });
  if (still.length > 0) throw new UserError(`nodes ${still.join(', ')} did not stop, even on SIGKILL: pids ${still.map((id) => pidOf(dir, id)).join(', ')}`);
  if (json) printJson({ ok: true, stopped, killed: left });
  else process.stdout.write(`stopped ${stopped.length === 0 ? 'nothing (no node was running)' : stopped.join(', ')}${left.length > 0 ? ` (${left.join(', ')} on SIGKILL)` : ''}; the data stays in ${shown(dir)}\n`);
  return 0;
}

/** SIGTERM to every running node; the ones signalled. */
function stopAll(config: ClusterConfig, dir: string): string[] {
  const running = alive(config, dir);
  for (const id of running) kill(pidOf(dir, id), 'SIGTERM');
  return running;
}

function logs(args: readonly string[], dir: string): Promise<number> {
  if (args.length !== 1) throw new UserError('cluster logs takes one node: consensus-lab cluster logs s1');
  const config = readClusterConfig(dir);
  const n = config.nodes.find((x) => x.id === args[0]);
  if (n === undefined) throw new UserError(`the cluster has no node ${args[0]}: its nodes are ${config.nodes.map((x) => x.id).join(', ')}`);
  const file = join(nodeDir(dir, n.id), NODE_OUTPUT);
  process.stdout.write(existsSync(file) ? readFileSync(file, 'utf8') : '');
  process.stderr.write(`(${shown(file)}; the node's event log, for consensus-lab validate: ${shown(join(nodeDir(dir, n.id), EVENTS_FILE))})\n`);
  return Promise.resolve(0);
}

async function node(args: readonly string[], dir: string): Promise<number> {
  if (args.length !== 1) throw new UserError('cluster node takes one node id: consensus-lab cluster node s1 --data DIR');
  const running = await runNode(dir, args[0]);
  process.stdout.write(`${new Date().toISOString()} node ${args[0]} serving (pid ${process.pid})\n`);
  await new Promise<void>((done) => {
    const quit = () => void running.stop().then(done);
    process.once('SIGTERM', quit);
    process.once('SIGINT', quit);
  });
  rmSync(join(nodeDir(dir, args[0]), PID_FILE), { force: true });
  process.stdout.write(`${new Date().toISOString()} node ${args[0]} stopped\n`);
  return 0;
}

function pidOf(dir: string, id: string): number | undefined {
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

function kill(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, signal);
  } catch {
    // Gone already.
  }
}

/** The nodes whose process is running. */
function alive(config: ClusterConfig, dir: string): string[] {
  return config.nodes.filter((n) => processAlive(pidOf(dir, n.id))).map((n) => n.id);
}

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, host, () => server.close(() => done(true)));
  });
}

function lastLine(file: string): string {
  if (!existsSync(file)) return 'no output';
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  return lines[lines.length - 1] || 'no output';
}

const shown = (path: string) => {
  const r = relative(process.cwd(), path);
  return r === '' ? '.' : r.startsWith('..') ? path : r;
};
