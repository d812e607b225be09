// consensus-lab cluster start|status|stop|logs|node: a protocol as real processes on this machine,
// one per node, over TCP, with SQLite storage and the key-value API over HTTP (src/cluster/).
//
//   cluster start <protocol> [--nodes 3] [--data DIR] [--port P]   start, and return when a leader serves
//   cluster status [--data DIR]                                     per node: pid, role, term, committed, applied
//   cluster stop [--data DIR]                                       stop every node; nothing is left running
//   cluster restart NODE [--data DIR]                               start a node that was stopped or killed: it recovers from its database
//   cluster logs NODE [--data DIR]                                  the node's output, and where its event log is
//   cluster test <protocol> [--time 60] [--clients 8] [--nemesis kill,pause,partition]
//                                                                   Jepsen's test of a real cluster: clients, faults, the history checked
//   cluster node NODE [--data DIR]                                  run one node in this process (what start spawns)

import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { readClusterConfig, nodeDir } from '../../cluster/config.ts';
import { HOST, NODE_OUTPUT, fetchStatus, pidOf, processAlive, restartNode, startCluster, stopCluster } from '../../cluster/control.ts';
import { EVENTS_FILE, PID_FILE, runNode } from '../../cluster/node.ts';
import { NEMESES, runClusterTest } from '../../cluster/jepsen.ts';
import type { NemesisKind } from '../../cluster/jepsen.ts';
import { intOption, stringOption } from '../main.ts';
import type { CommandContext } from '../main.ts';
import { Progress, count, printJson, table } from '../output.ts';

export const DEFAULT_DATA = 'out/cluster';
const DEFAULT_TEST_DATA = 'out/cluster-test';
const DEFAULT_PORT = 7001;

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
    case 'test':
      return clusterTest(args, dir === resolve(DEFAULT_DATA) ? resolve(DEFAULT_TEST_DATA) : dir, values);
    case 'restart':
      return restart(args, dir);
    case 'logs':
      return logs(args, dir);
    case 'node':
      return node(args, dir);
    default:
      throw new UserError(`cluster ${sub === undefined ? 'needs' : `has no "${sub}"; it takes`} one of start, status, stop, restart, logs, test, node: consensus-lab cluster start raft --nodes 3`);
  }
}

async function start(args: readonly string[], dir: string, values: CommandContext['values']): Promise<number> {
  if (args.length !== 1) throw new UserError('cluster start takes one protocol: consensus-lab cluster start raft --nodes 3');
  const { config, leader } = await startCluster({ protocol: args[0], nodes: intOption(values, 'nodes'), dir, port: intOption(values, 'port') ?? DEFAULT_PORT });
  const rows = config.nodes.map((n) => [n.id, `http://${HOST}:${n.httpPort}`, `${HOST}:${n.peerPort}`, n.id === leader ? 'leader' : '']);
  if (values.json === true) printJson({ ok: true, data: dir, cluster: config.cluster, protocol: config.protocol, leader, nodes: config.nodes.map((n) => ({ ...n, url: `http://${HOST}:${n.httpPort}` })) });
  else {
    process.stdout.write(`${table(['node', 'key-value API', 'peers', ''], rows)}\n`);
    process.stdout.write(`${config.protocol} cluster ${config.cluster} serving in ${shown(dir)}; try: curl -L -X PUT --data hello http://${HOST}:${config.nodes[0].httpPort}/kv/greeting\n`);
  }
  return 0;
}

async function status(dir: string, json: boolean): Promise<number> {
  const config = readClusterConfig(dir);
  const rows: Record<string, unknown>[] = [];
  for (const n of config.nodes) {
    const pid = pidOf(dir, n.id);
    const s = processAlive(pid) ? await fetchStatus(config, n.id) : undefined;
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
  const { stopped, killed } = await stopCluster(dir);
  if (json) printJson({ ok: true, stopped, killed });
  else process.stdout.write(`stopped ${stopped.length === 0 ? 'nothing (no node was running)' : stopped.join(', ')}${killed.length > 0 ? ` (${killed.join(', ')} on SIGKILL)` : ''}; the data stays in ${shown(dir)}\n`);
  return 0;
}

async function restart(args: readonly string[], dir: string): Promise<number> {
  if (args.length !== 1) throw new UserError('cluster restart takes one node: consensus-lab cluster restart s1');
  await restartNode(dir, args[0]);
  process.stdout.write(`node ${args[0]} is back (pid ${pidOf(dir, args[0])}), recovered from its database\n`);
  return 0;
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







const shown = (path: string) => {
  const r = relative(process.cwd(), path);
  return r === '' ? '.' : r.startsWith('..') ? path : r;
};

async function clusterTest(args: readonly string[], dir: string, values: CommandContext['values']): Promise<number> {
  if (args.length !== 1) throw new UserError('cluster test takes one protocol: consensus-lab cluster test raft --time 60 --nemesis kill,pause,partition');
  const nemesis = (stringOption(values, 'nemesis') ?? NEMESES.join(',')).split(',').filter((x) => x !== '' && x !== 'none');
  for (const n of nemesis) if (!NEMESES.includes(n as NemesisKind)) throw new UserError(`--nemesis: no fault named "${n}": choose from ${NEMESES.join(', ')} (or none)`);
  const progress = new Progress(values.quiet === true || values.json === true);
  const r = await runClusterTest({
    protocol: args[0],
    nodes: intOption(values, 'nodes'),
    dir,
    port: intOption(values, 'port') ?? DEFAULT_PORT,
    seconds: intOption(values, 'time') ?? 60,
    clients: intOption(values, 'clients') ?? 8,
    nemesis: nemesis as NemesisKind[],
    validateSteps: intOption(values, 'validate-steps'),
    onProgress: (line) => progress.note(line),
  });
  progress.clear();
  const validated = 'accepted' in r.validation ? r.validation.accepted : !('error' in r.validation);
  const ok = r.linearizable && r.ledger.read && r.ledger.lost === 0 && validated && r.crashed.length === 0;
  if (values.json === true) printJson({ ok, ...r });
  else {
    const ms = (x: number) => `${x.toFixed(0)} ms`;
    process.stdout.write(
      `${table(
        ['what', 'result'],
        [
          ['cluster', `${r.protocol}, ${r.nodes} nodes, ${r.seconds.toFixed(1)} s`],
          ['faults', r.faults.length === 0 ? 'none' : `${r.faults.length} (below)`],
          ['operations', `${count(r.ops.ok)} ok, ${count(r.ops.fail)} fail, ${count(r.ops.info)} info (timed out: may have happened)`],
          ['availability', `${(100 * r.availability).toFixed(1)} % of operations had a definite outcome`],
          ['latency', `p50 ${ms(r.latencyMs.p50)}, p99 ${ms(r.latencyMs.p99)} (ok and fail)`],
          ['recovery', `the clients' last operations done ${(r.recoveredMs / 1000).toFixed(1)} s after the heal`],
          ['nodes that crashed', r.crashed.length === 0 ? 'none' : r.crashed.map((c) => `${c.node}: ${c.lastLine}`).join('; ')],
          ['linearizability', r.lincheck],
          ['acknowledged writes lost', !r.ledger.read ? `NOT KNOWN: the cluster did not answer a read of the ledger after the heal (${count(r.ledger.acknowledged)} appends acknowledged)` : `${r.ledger.lost} of ${count(r.ledger.acknowledged)} acknowledged appends to the ledger${r.ledger.lost > 0 ? `: ${r.ledger.lostValues.slice(0, 5).join(' ')}` : ''}`],
          [
            'TLC on the event logs',
            'skipped' in r.validation
              ? `skipped: ${r.validation.skipped}`
              : 'error' in r.validation
                ? `NOT VALIDATED: ${r.validation.error}`
                : `${r.validation.accepted ? 'accepted' : `REJECTED at line ${r.validation.rejectedLine}`}: ${r.validation.steps === r.validation.ofSteps ? `the nodes' ${count(r.validation.steps)} steps` : `the first ${count(r.validation.steps)} of the nodes' ${count(r.validation.ofSteps)} steps`}, merged (${shown(r.validation.log)}), ${r.validation.tlcSeconds.toFixed(1)} s of TLC`,
          ],
          ['history', shown(r.history)],
        ],
      )}\n${r.faults.map((f) => `  ${f}\n`).join('')}${'accepted' in r.validation && !r.validation.accepted ? `${(r.validation.explanation ?? []).join('\n')}\n` : ''}${ok ? 'The cluster kept its promises.' : 'FAILED.'}\n`,
    );
  }
  return ok ? 0 : 1;
}
