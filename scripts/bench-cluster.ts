// Benchmark: a real Raft cluster's speed on this machine (issue 12): puts, and linearizable gets
// (each one through the log), over HTTP, with 1 client and with 64 concurrent clients, on 3 nodes
// and on a single node with the same storage (SQLite, WAL, a synchronous commit per group of steps), all in
// this one run: throughput, latency p50 and p99, and the ratios. Prints figures; asserts nothing.
//
//   npx tsx scripts/bench-cluster.ts [--seconds 5] [--clients 1,64] [--nodes 3,1]

import { randomInt } from 'node:crypto';
import { Agent } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { count, table } from '../src/cli/output.ts';
import { call } from '../src/cluster/client.ts';
import { findLeader, startCluster, stopCluster } from '../src/cluster/control.ts';
import type { ClusterConfig } from '../src/cluster/config.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string' }, clients: { type: 'string' }, nodes: { type: 'string' }, port: { type: 'string' } } });
const seconds = Number(values.seconds ?? 5);
const clientCounts = (values.clients ?? '1,64').split(',').map(Number);
const nodeCounts = (values.nodes ?? '3,1').split(',').map(Number);
const port = Number(values.port ?? 7601);

interface Figures {
  readonly ops: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

/** `clients` loops, each one request at a time to the leader, for `seconds`. */
async function load(config: ClusterConfig, leader: string, clients: number, f: 'put' | 'get'): Promise<Figures> {
  const node = config.nodes.find((n) => n.id === leader)!;
  const latencies: number[] = [];
  let errors = 0;
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const client = randomInt(1, 2 ** 47);
      for (let seq = 1; performance.now() < until; seq++) {
        const t = performance.now();
        const { status } = await call(agent, config.host, node.httpPort, f === 'put' ? 'PUT' : 'GET', `/kv/k${c % 16}?client=${client}&seq=${seq}`, f === 'put' ? `v${seq}` : undefined, 10_000);
        if (status === 200) latencies.push(performance.now() - t);
        else errors++;
      }
    }),
  );
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (x: number) => (latencies.length === 0 ? 0 : latencies[Math.min(latencies.length - 1, Math.floor(x * latencies.length))]);
  return { ops: latencies.length, perSecond: latencies.length / seconds, p50: q(0.5), p99: q(0.99), errors };
}

const rows: string[][] = [];
const results = new Map<string, Figures>();
const dir = mkdtempSync(join(tmpdir(), 'bench-cluster-'));
try {
  for (const nodes of nodeCounts) {
    const data = join(dir, `raft-${nodes}`);
    const { config } = await startCluster({ protocol: 'raft', nodes, dir: data, port });
    try {
      for (const f of ['put', 'get'] as const) {
        for (const clients of clientCounts) {
          const leader = (await findLeader(config))!;
          const r = await load(config, leader, clients, f);
          results.set(`${nodes}/${f}/${clients}`, r);
          process.stderr.write(`${nodes} nodes, ${f}, ${clients} clients: ${r.perSecond.toFixed(0)}/s\n`);
          rows.push([String(nodes), f, String(clients), count(r.ops), r.perSecond.toFixed(0), r.p50.toFixed(1), r.p99.toFixed(1), String(r.errors)]);
        }
      }
    } finally {
      await stopCluster(data);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`Raft over HTTP on this machine, ${seconds} s a row, a synchronous SQLite commit per group of steps:\n`);
process.stdout.write(`${table(['nodes', 'op', 'clients', 'ops', 'ops/s', 'p50 ms', 'p99 ms', 'errors'], rows)}\n`);
const ratio = (a?: Figures, b?: Figures) => (a === undefined || b === undefined || b.perSecond === 0 ? '-' : `${(a.perSecond / b.perSecond).toFixed(2)}x`);
const [few, many] = [Math.min(...clientCounts), Math.max(...clientCounts)];
for (const f of ['put', 'get']) {
  for (const n of nodeCounts) process.stdout.write(`${f}, ${n} node${n === 1 ? '' : 's'}: ${many} clients / ${few} client = ${ratio(results.get(`${n}/${f}/${many}`), results.get(`${n}/${f}/${few}`))}\n`);
  if (nodeCounts.length > 1) {
    for (const c of clientCounts) process.stdout.write(`${f}, ${c} client${c === 1 ? '' : 's'}: ${nodeCounts[0]} nodes / ${nodeCounts[1]} node = ${ratio(results.get(`${nodeCounts[0]}/${f}/${c}`), results.get(`${nodeCounts[1]}/${f}/${c}`))}\n`);
  }
}
