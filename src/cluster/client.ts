// A client of a real cluster: the simulator's KvClient (src/host/client.ts), the same retries
// with the same client id and sequence number (so a retry applies once), its requests over the
// nodes' HTTP API behind real timers. `cluster test` runs many; `consensus-lab kv` runs one.

import { Agent, request as httpRequest } from 'node:http';
import { KvClient } from '../host/client.ts';
import type { KvCommand, KvOperation, KvResult } from '../host/kv.ts';
import type { NodeId } from '../host/types.ts';
import { nextOperation } from '../host/workload.ts';
import type { HistoryEvent } from '../lincheck/history.ts';
import type { ClusterConfig } from './config.ts';

/** The ledger: a key only appended to, whose final value tells whether an acknowledged write was lost. */
export const LEDGER = 'ledger';
const REQUEST_TIMEOUT_MS = 1_000;
const GIVE_UP_MS = 4_000;

export interface ClientSide {
  /** Matching replies from distinct nodes that make a result, and whether a request goes to every node (PBFT: f + 1, yes). */
  readonly replies: number;
  readonly broadcast: boolean;
  /** The client took a result on these nodes' replies: a step of the spec (PBFT.tla's ClientAccept), for the event log. */
  readonly accepted?: (client: number, encoded: string, repliers: readonly NodeId[]) => void;
  /** Every client's off switch: at the end of a run (or when it fails) no timer of theirs may keep the process alive. */
  readonly halts: (() => void)[];
}

/**
 * One request over a kept-alive connection of `agent`: its status and body. node:http rather than
 * fetch: with 64 clients, fetch (undici) took more of the machine's two cores than the leader did
 * (scripts/bench-cluster.ts measures with this too). It rejects when the node does not answer
 * within timeoutMs (down, paused, cut off).
 */
export function call(agent: Agent, host: string, port: number, method: string, path: string, body: string | undefined, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ agent, host, port, path, method, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export function httpClient(
  config: ClusterConfig,
  side: ClientSide,
  id: number,
  record: (e: HistoryEvent) => void,
  started: number,
  running: () => boolean,
  only?: KvOperation,
): KvClient {
  const timers = new Map<string, NodeJS.Timeout>();
  const lastWritten = new Map<string, string>();
  const agent = new Agent({ keepAlive: true, maxSockets: 2 * config.nodes.length });
  let client: KvClient;
  side.halts.push(() => {
    halted = true;
    for (const t of timers.values()) clearTimeout(t);
    agent.destroy();
  });
  let halted = false;
  const send = async (to: NodeId, command: KvCommand) => {
    if (halted) return;
    const node = config.nodes.find((n) => n.id === to)!;
    const { method, path, body } = request(command.op);
    try {
      const res = await call(agent, config.host, node.httpPort, method, `${path}?client=${command.client}&seq=${command.seq}`, body, REQUEST_TIMEOUT_MS * 3);
      const json = JSON.parse(res.body) as { value?: string; leader?: string };
      let result: KvResult | undefined;
      if (res.status === 200) result = { ok: true, ...(command.op.f === 'get' && { value: json.value ?? '' }) };
      else if (res.status === 412) result = { ok: false };
      else if (res.status === 307) return client.onReply(to, command.seq, undefined, json.leader);
      else return; // 503, 504: no outcome here; the client's retry timer tries again.
      client.onReply(to, command.seq, result, undefined);
    } catch {
      // Down, paused or cut off: the retry timer moves on to another node.
    }
  };
  client = new KvClient(
    {
      id,
      servers: config.nodes.map((n) => n.id),
      ops: only === undefined ? Number.POSITIVE_INFINITY : 1,
      intervalMs: [0, 20],
      timeoutMs: REQUEST_TIMEOUT_MS,
      giveUpMs: GIVE_UP_MS,
      replies: side.replies,
      broadcast: side.broadcast,
      // A fifth of the operations append to the ledger, whose final value tells whether an acknowledged write was lost.
      nextOperation: (random) => {
        if (only !== undefined) return only;
        if (random() < 0.2 && random() < 0.2) return { f: 'append', key: LEDGER, value: `${id}.${Math.floor(random() * 1e9).toString(36)};` };
        const op = nextOperation({ mix: { get: 3, put: 3, append: 2, cas: 1, delete: 1 }, keys: 3 }, false, lastWritten, random);
        if (op.f === 'put') lastWritten.set(op.key, op.value);
        return op;
      },
      clients: 1_000,
    },
    {
      now: () => Date.now() - started,
      random: Math.random,
      send: (to, command) => void send(to, command),
      setTimer: (name, delayMs) => {
        clearTimeout(timers.get(name));
        if (halted || (name === 'next' && !running())) return;
        // A next operation armed before the run ended is not begun after it (the ledger's read is the last).
        timers.set(
          name,
          setTimeout(() => (name === 'next' && !running() ? undefined : client.onTimer(name)), delayMs),
        );
      },
      record,
      ...(side.accepted !== undefined && { accepted: (encoded: string, repliers: readonly NodeId[]) => side.accepted!(id, encoded, repliers) }),
    },
  );
  return client;
}

export function request(op: KvOperation): { method: string; path: string; body?: string } {
  const path = `/kv/${encodeURIComponent(op.key)}`;
  switch (op.f) {
    case 'get':
      return { method: 'GET', path };
    case 'put':
      return { method: 'PUT', path, body: op.value };
    case 'delete':
      return { method: 'DELETE', path };
    case 'append':
      return { method: 'POST', path: `${path}/append`, body: op.value };
    case 'cas':
      return { method: 'POST', path: `${path}/cas`, body: JSON.stringify({ from: op.from, to: op.to }) };
  }
}

