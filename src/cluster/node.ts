// One node of a real cluster, as an operating-system process (`consensus-lab cluster node`): the
// simulator's host (src/host/host.ts) with real parts behind its HostEnvironment: timers from the
// real clock, TCP to the other nodes (transport.ts), SQLite for stable storage (storage.ts), the
// event log appended to a file, and the key-value API over HTTP (http.ts) as its clients.

import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { NodeHost } from '../host/host.ts';
import type { HostEnvironment, NodeId, Storage, SystemDefinition, Wire } from '../host/types.ts';
import { UserError } from '../core/errors.ts';
import { systemNamed } from '../systems.ts';
import { clusterSystem, keysOf, nodeDir, readClusterConfig, sendPort } from './config.ts';
import type { ClusterConfig } from './config.ts';
import { KvHttpServer } from './http.ts';
import { SqliteStorage } from './storage.ts';
import { TcpTransport } from './transport.ts';

export const EVENTS_FILE = 'events.ndjson';
export const DATABASE_FILE = 'node.db';
export const PID_FILE = 'pid';

/**
 * The real environment of one node: what the simulator fakes. Steps are committed in groups: the
 * steps taken in one turn of the event loop (the 64 requests that arrived together, and what
 * they led to) are one transaction of the node's database, their writes and their lines of the
 * event log together, and only when it has committed do their messages and replies leave. So a
 * step's writes are on disk before anything that depends on them is sent, as one step at a time
 * would have them, and a node killed at any moment has logged exactly the steps it kept; but a
 * sync is shared by every step of the group.
 */
class RealEnvironment<M> implements HostEnvironment<M> {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private lines: number;
  private readonly started = Date.now();
  /** The group not yet committed: the node's stable state after its last step, its lines, and what waits to be sent. */
  private group: { value: unknown; readonly lines: string[]; readonly outbox: (() => void)[] } | undefined;
  private readonly stable: Storage;
  host: NodeHost<unknown, M, unknown> | undefined;
  /** Groups committed and steps in them, for /status. */
  readonly commits = { groups: 0, steps: 0 };

  constructor(
    private readonly id: NodeId,
    private readonly database: SqliteStorage,
    private readonly transport: TcpTransport,
    private readonly http: KvHttpServer,
    private readonly events: number,
  ) {
    this.lines = database.lastEvent();
    this.stable = {
      read: () => database.read(),
      writeAndSync: (value) => {
        if (this.group === undefined) {
          this.group = { value, lines: [], outbox: [] };
          setImmediate(() => this.commit());
        } else this.group.value = value;
      },
    };
  }

  /** One transaction for the group's steps; then their messages leave. */
  private commit(): void {
    const group = this.group;
    if (group === undefined) return;
    this.group = undefined;
    this.database.writeSteps(group.value, group.lines);
    this.commits.groups++;
    this.commits.steps += group.lines.length;
    if (group.lines.length > 0) writeSync(this.events, `${group.lines.join('\n')}\n`);
    for (const send of group.outbox) send();
  }

  now(): number {
    return Date.now() - this.started;
  }

  random(): number {
    return Math.random();
  }

  setTimer(_node: NodeId, name: string, delayMs: number): void {
    this.cancelTimer(_node, name);
    this.timers.set(
      name,
      setTimeout(() => {
        this.timers.delete(name);
        this.host?.fireTimer(name);
      }, delayMs),
    );
  }

  cancelTimer(_node: NodeId, name: string): void {
    const t = this.timers.get(name);
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(name);
  }

  send(from: NodeId, to: NodeId, wire: Wire<M>): void {
    // Nothing leaves before the steps it depends on are on disk.
    if (this.group !== undefined) return void this.group.outbox.push(() => this.deliverNow(to, wire));
    this.deliverNow(to, wire);
    void from;
  }

  private deliverNow(to: NodeId, wire: Wire<M>): void {
    if (wire.type === 'ClientReply') this.http.reply(wire);
    // A server's roles talk to each other (Multi-Paxos's proposer to its own acceptor): through
    // the event loop, as a message, never inside the step that sent it.
    else if (to === this.id) setImmediate(() => this.host?.deliver(wire));
    else this.transport.send(to, wire);
  }

  storage(): Storage {
    return this.stable;
  }

  record(event: object): void {
    if (this.group === undefined) throw new Error('a step was recorded without its writes');
    // Wall-clock milliseconds, so that the nodes' logs of one run can be merged in one order.
    this.group.lines.push(JSON.stringify({ n: ++this.lines, t: Date.now(), ...event }));
  }

  applied(): void {}

  stepped(): void {}

  /** Commit what is pending now (before the node stops). */
  flush(): void {
    this.commit();
  }

  clearTimers(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}

/** Start node `id` of the cluster in `dir`; resolves once it serves, and returns how to stop it. */
export async function runNode(dir: string, id: NodeId): Promise<{ stop(): Promise<void> }> {
  const config = readClusterConfig(dir);
  const me = config.nodes.find((n) => n.id === id);
  if (me === undefined) throw new UserError(`${dir}: the cluster has no node ${id}: its nodes are ${config.nodes.map((n) => n.id).join(', ')}`);
  const system = systemNamed(config.protocol);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const def: SystemDefinition<any, any, any> = clusterSystem(config);
  if (!def.servers.includes(id)) throw new UserError(`${dir}: ${config.protocol}'s servers are ${def.servers.join(', ')}, not ${id}`);
  const own = nodeDir(dir, id);
  mkdirSync(own, { recursive: true });
  const storage = SqliteStorage.open(join(own, DATABASE_FILE), { cluster: config.cluster, protocol: config.protocol, node: id });
  let host: NodeHost<unknown, unknown, unknown> | undefined;
  const transport = new TcpTransport({
    cluster: config.cluster,
    self: id,
    host: config.host,
    port: me.peerPort,
    peers: config.nodes.map((n) => ({ id: n.id, host: config.host, port: sendPort(config, id, n.id) })),
    keys: keysOf(config, id),
    onFrame: (_from, body) => host?.deliver(body as Wire<unknown>),
  });
  const http = new KvHttpServer(config, id, {
    deliver: (wire) => host?.deliver(wire),
    status: () => statusOf(config, id, def, host, transport),
  });
  try {
    await transport.listen();
    await http.listen(config.host, me.httpPort);
  } catch (e) {
    await transport.close();
    await http.close();
    storage.close();
    throw e;
  }
  const events = openSync(join(own, EVENTS_FILE), 'a');
  const env = new RealEnvironment<unknown>(id, storage, transport, http, events);
  host = new NodeHost(def, id, env);
  env.host = host;
  host.start();
  writeFileSync(join(own, PID_FILE), `${process.pid}\n`);
  return {
    async stop() {
      env.clearTimers();
      env.flush();
      await http.close();
      await transport.close();
      storage.close();
      closeSync(events);
    },
  };
}

function statusOf(
  config: ClusterConfig,
  id: NodeId,
  def: SystemDefinition<unknown, unknown, unknown>,
  host: NodeHost<unknown, unknown, unknown> | undefined,
  transport: TcpTransport,
): Record<string, unknown> {
  const node = host?.node;
  const leading = node === undefined ? undefined : def.leading(node);
  return {
    id,
    protocol: config.protocol,
    cluster: config.cluster,
    pid: process.pid,
    role: leading !== undefined ? 'leader' : 'follower',
    leading: leading ?? null,
    committed: node === undefined ? 0 : def.committed(node).length,
    applied: host?.kv.applied ?? 0,
    state: node === undefined ? {} : summarise(def.logState(node)),
    transport: transport.counts,
  };
}

/** The logged state with lists shortened to their lengths: a status line, not a dump. */
function summarise(state: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(state).map(([k, v]) => [k, Array.isArray(v) ? { length: v.length } : v]));
}
