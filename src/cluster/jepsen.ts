// `cluster test`: what Jepsen does to etcd, done to a real cluster of ours. It starts the
// cluster (a proxy on every link), runs concurrent clients over HTTP (the simulator's KvClient,
// src/host/client.ts, behind real timers and node:http), and a nemesis that kills nodes with SIGKILL
// and restarts them, pauses them with SIGSTOP and SIGCONT, and cuts the network around one of
// them; then it heals everything, waits for the cluster to recover, reads back an append-only
// ledger, and checks the clients' history with the linearizability checker.
//
// Acknowledged writes lost: every append to the ledger that a client saw succeed must be in the
// ledger's final value. The history, as Jepsen EDN, and the nodes' event logs stay in the data
// directory.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.ts';
import type { KvClient } from '../host/client.ts';
import { clientNode } from '../host/host.ts';
import type { LogEvent, NodeId } from '../host/types.ts';
import { checkHistory } from '../lincheck/check.ts';
import { formatHistory } from '../lincheck/history.ts';
import type { HistoryEvent } from '../lincheck/history.ts';
import { systemNamed } from '../systems.ts';
import { clusterSystem } from './config.ts';
import type { ClusterConfig } from './config.ts';
import { NODE_OUTPUT, alive, findLeader, lastLine, restartNode, signalNode, sleep, startCluster, stopCluster } from './control.ts';
import { LEDGER, httpClient } from './client.ts';
import type { ClientSide } from './client.ts';
import { LinkProxies } from './proxy.ts';
import { mergeClusterLogs } from './merge.ts';
import { protocolNamed } from '../protocols.ts';
import { validateLog, validationProgressLine } from '../validate/validate.ts';

export type NemesisKind = 'kill' | 'pause' | 'partition';
export const NEMESES: readonly NemesisKind[] = ['kill', 'pause', 'partition'];

export interface ClusterTestOptions {
  readonly protocol: string;
  readonly nodes?: number;
  readonly dir: string;
  readonly port: number;
  readonly seconds: number;
  readonly clients: number;
  readonly nemesis: readonly NemesisKind[];
  /** Exactly these faults, in turn, instead of random ones (the short test in npm test). */
  readonly faults?: readonly Fault[];
  /** TLC validates only the first steps of the merged log (all when undefined). */
  readonly validateSteps?: number;
  readonly onProgress?: (line: string) => void;
}

export interface Fault {
  readonly kind: NemesisKind;
  /** Aim at the leader of the moment, or at a node at random. */
  readonly target: 'leader' | 'random';
  readonly ms: number;
}

export interface ClusterTestReport {
  readonly protocol: string;
  readonly nodes: number;
  /** From the first client's start to the clients' last operation after the heal. */
  readonly seconds: number;
  readonly ops: { readonly ok: number; readonly fail: number; readonly info: number };
  /** Operations with a definite outcome (ok or fail) over all: the rest timed out (info). */
  readonly availability: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number };
  readonly faults: readonly string[];
  readonly linearizable: boolean;
  readonly lincheck: string;
  /** `read` false: the cluster did not answer the final read of the ledger, so what was lost is not known (a failure). */
  readonly ledger: { readonly read: boolean; readonly acknowledged: number; readonly lost: number; readonly lostValues: readonly string[] };
  readonly recoveredMs: number;
  /** Nodes that stopped on their own during the run (not killed by the nemesis), with the last line of their output. */
  readonly crashed: readonly { readonly node: NodeId; readonly lastLine: string }[];
  readonly history: string;
  /** TLC's verdict on the nodes' event logs, merged into one (src/cluster/merge.ts). */
  readonly validation:
    | {
        readonly log: string;
        /** The steps TLC followed: all of the run's, or the first --validate-steps. */
        readonly steps: number;
        readonly ofSteps: number;
        readonly accepted: boolean;
        readonly rejectedLine?: number;
        readonly explanation?: readonly string[];
        readonly tlcSeconds: number;
      }
    | { readonly skipped: string }
    | { readonly error: string };
}


/** A client of a real cluster: the simulator's KvClient, its requests over HTTP. */
export async function runClusterTest(o: ClusterTestOptions): Promise<ClusterTestReport> {
  const system = systemNamed(o.protocol);
  if (system.model === 'register') throw new UserError(`cluster test runs the key-value store; ${system.name} decides one value`);
  const note = o.onProgress ?? (() => {});
  let proxies: LinkProxies | undefined;
  const { config } = await startCluster({
    protocol: o.protocol,
    nodes: o.nodes,
    dir: o.dir,
    port: o.port,
    proxied: true,
    beforeNodes: async (c) => void (proxies = await LinkProxies.open(c)),
  });
  note(`${config.protocol}: ${config.nodes.length} nodes serving; ${o.clients} clients for ${o.seconds} s, nemesis ${o.nemesis.join(', ') || 'none'}`);
  const started = Date.now();
  const history: HistoryEvent[] = [];
  let running = true;
  const def = clusterSystem(config);
  // The clients' own steps of the spec (PBFT's ClientAccept), with the clock's time, for the merged event log.
  const clientSteps: LogEvent[] = [];
  const side: ClientSide = {
    replies: def.clients?.replies ?? 1,
    broadcast: def.clients?.broadcast ?? false,
    halts: [],
    ...(def.clients?.logAccepts === true && {
      accepted: (client: number, encoded: string, repliers: readonly NodeId[]) =>
        clientSteps.push({ n: clientSteps.length + 1, t: Date.now(), node: clientNode(client), action: 'ClientAccept', params: { r: encoded, from: repliers } }),
    }),
  };
  const clients = Array.from({ length: o.clients }, (_, c) => httpClient(config, side, c, (e) => history.push(e), started, () => running));
  const faults: string[] = [];
  try {
    for (const c of clients) c.start();
    const schedule = o.faults ?? randomFaults(o.nemesis, o.seconds * 1000);
    const deadline = started + o.seconds * 1000;
    for (const [k, fault] of schedule.entries()) {
      if (Date.now() >= deadline) break;
      // Quiet time between faults, so that the cluster serves between them.
      await sleep(Math.min(deadline - Date.now(), o.faults === undefined ? 1_000 + Math.random() * 2_000 : 1_500));
      if (Date.now() >= deadline) break;
      const target = fault.target === 'leader' ? ((await findLeader(config)) ?? pick(config)) : pick(config);
      const at = ((Date.now() - started) / 1000).toFixed(1);
      faults.push(`${at} s: ${fault.kind} ${target} (${fault.target === 'leader' ? 'the leader' : 'a node'}) for ${(fault.ms / 1000).toFixed(1)} s`);
      note(`fault ${k + 1}: ${faults[faults.length - 1]}`);
      await inflict(o.dir, config, proxies!, fault, target);
    }
    await sleep(Math.max(0, deadline - Date.now()));
    // Heal: every link open, every node running; then wait for the cluster to agree again.
    running = false;
    proxies!.heal();
    for (const n of config.nodes) signalNode(o.dir, n.id, 'SIGCONT');
    // The nemesis restarts every node it kills: one that is down now stopped by itself (a bug).
    const crashed = config.nodes
      .filter((n) => !alive(config, o.dir).includes(n.id))
      .map((n) => ({ node: n.id, lastLine: lastLine(join(o.dir, n.id, NODE_OUTPUT)) }));
    for (const c of crashed) await restartNode(o.dir, c.node);
    const healed = Date.now();
    for (const c of clients) c.givingUp = false;
    while (clients.some((c) => c.pending) && Date.now() - healed < RECOVERY_MS) await sleep(50);
    for (const c of clients) c.abandon();
    const recoveredMs = Date.now() - healed;
    note(`healed; the clients' last operations done after ${(recoveredMs / 1000).toFixed(1)} s`);

    // The ledger's final value, read through the log like any get, and part of the history.
    const ledger = await finalRead(httpClient(config, side, o.clients, (e) => history.push(e), started, () => true, { f: 'get', key: LEDGER }), history);
    const acknowledged = ledgerAppends(history, 'ok');
    const seen = new Set((ledger ?? '').split(';').filter((x) => x !== '').map((x) => `${x};`));
    const lostValues = ledger === undefined ? [] : acknowledged.filter((v) => !seen.has(v));
    if (ledger === undefined) note(`the cluster did not answer a read of the ledger within ${RECOVERY_MS / 1000} s`);

    const verdict = checkHistory(history, 'kv', { timeoutMs: 60_000 });
    const ops = clients.reduce((t, c) => ({ ok: t.ok + c.counts.ok, fail: t.fail + c.counts.fail, info: t.info + c.counts.info }), { ok: 0, fail: 0, info: 0 });
    const latencies = clients.flatMap((c) => c.latencies).sort((a, b) => a - b);
    const file = join(o.dir, 'history.edn');
    writeFileSync(file, formatHistory(history));
    const seconds = (Date.now() - started) / 1000;
    // The nodes stopped, their logs are whole: TLC decides whether, merged, they are a behaviour of the spec.
    await stopCluster(o.dir);
    const validation = await validateRun(o, config, clientSteps, note);
    return {
      protocol: config.protocol,
      nodes: config.nodes.length,
      seconds,
      ops,
      availability: (ops.ok + ops.fail) / Math.max(1, ops.ok + ops.fail + ops.info),
      latencyMs: { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) },
      faults,
      linearizable: verdict.ok,
      lincheck: verdict.ok
        ? `linearizable: ${verdict.operations} operations on ${verdict.keys.length} keys`
        : verdict.timedOut
          ? verdict.outgrew !== undefined
            ? `undecided: the checker's search of key ${verdict.outgrew.key} outgrew its room`
            : 'undecided: the checker timed out'
          : `NOT linearizable: key ${verdict.failing?.key ?? '?'} (consensus-lab lincheck ${file} --model kv shows why)`,
      ledger: { read: ledger !== undefined, acknowledged: acknowledged.length, lost: lostValues.length, lostValues },
      recoveredMs,
      crashed,
      history: file,
      validation,
    };
  } finally {
    running = false;
    for (const halt of side.halts.splice(0)) halt();
    await stopCluster(o.dir).catch(() => undefined);
    await proxies?.close();
  }
}

async function validateRun(o: ClusterTestOptions, config: ClusterConfig, clientSteps: readonly LogEvent[], note: (l: string) => void): Promise<ClusterTestReport['validation']> {
  const p = protocolNamed(config.protocol);
  if (p.traceValidator === undefined) return { skipped: `${p.name} has no trace spec` };
  const merged = mergeClusterLogs(o.dir, config, clientSteps, o.validateSteps);
  const steps = merged.lines - 1;
  note(`TLC validates the nodes' event logs, merged: ${steps === merged.steps ? `${merged.steps} steps` : `the first ${steps} of ${merged.steps} steps`}`);
  try {
    const r = await validateLog(p, p.traceValidator, merged.file, { onProgress: (x) => note(validationProgressLine(x)) });
    return { log: merged.file, steps, ofSteps: merged.steps, accepted: r.accepted, rejectedLine: r.rejectedLine, explanation: r.explanation, tlcSeconds: r.tlc.seconds };
  } catch (e) {
    // The rest of the report stands: what the clients saw was checked; that TLC did not finish is said in it.
    if (e instanceof UserError) return { error: `${e.message}${steps > 20_000 ? `; a log this long may need --validate-steps N to check its first N steps` : ''}` };
    throw e;
  }
}

/** The nemesis's faults for a run: one every few seconds, of the kinds asked for, at the leader half the time. */
function randomFaults(kinds: readonly NemesisKind[], ms: number): Fault[] {
  if (kinds.length === 0) return [];
  return Array.from({ length: Math.ceil(ms / 2_500) }, () => ({
    kind: kinds[Math.floor(Math.random() * kinds.length)],
    target: Math.random() < 0.5 ? ('leader' as const) : ('random' as const),
    ms: 1_000 + Math.floor(Math.random() * 2_000),
  }));
}

async function inflict(dir: string, config: ClusterConfig, proxies: LinkProxies, fault: Fault, target: NodeId): Promise<void> {
  switch (fault.kind) {
    case 'kill':
      signalNode(dir, target, 'SIGKILL');
      await sleep(fault.ms);
      await restartNode(dir, target);
      return;
    case 'pause':
      signalNode(dir, target, 'SIGSTOP');
      await sleep(fault.ms);
      signalNode(dir, target, 'SIGCONT');
      return;
    case 'partition':
      proxies.partition([target], config.nodes.map((n) => n.id).filter((id) => id !== target));
      await sleep(fault.ms);
      proxies.heal();
      return;
  }
}

const pick = (config: ClusterConfig): NodeId => config.nodes[Math.floor(Math.random() * config.nodes.length)].id;

function quantile(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** The values of the ledger's appends that completed with `type`. */
function ledgerAppends(history: readonly HistoryEvent[], type: 'ok'): string[] {
  return history.filter((e) => e.type === type && e.f === 'append' && e.key === LEDGER).map((e) => String(e.value));
}

/**
 * How long the cluster has, after the heal, to finish the clients' operations, and then to answer
 * the ledger's read. PBFT doubles its view-change timeout with each view change that fails in a
 * row (4.5.2), up to 16 times the 1 to 2 s of the cluster's timing: after a minute of faults, a
 * view change may take 32 s, and the one after the heal must be let finish.
 */
const RECOVERY_MS = 60_000;

/**
 * The reader's one get of the ledger, invoked after the heal, retried until it completes; undefined
 * when it did not within RECOVERY_MS (the report says so, and the history and logs are still kept).
 */
async function finalRead(reader: KvClient, history: readonly HistoryEvent[]): Promise<string | undefined> {
  reader.givingUp = false;
  const before = history.length;
  reader.start();
  const deadline = Date.now() + RECOVERY_MS;
  while (!reader.finished && Date.now() < deadline) await sleep(20);
  reader.abandon();
  // The reader's get: only it reads the ledger (a client's late append to it is no answer).
  const done = history.slice(before).find((e) => e.type === 'ok' && e.f === 'get' && e.key === LEDGER);
  return done === undefined ? undefined : String(done.value ?? '');
}
