// The network of a real cluster: TCP between the nodes' processes (node:net), one line of JSON a
// message. Every frame names the cluster, the sender and the receiver; a frame from outside the
// cluster, from a node that is not a peer, or (where the cluster has keys, as PBFT's does) with a
// MAC that fails the check is dropped and counted: nothing from outside changes state.
//
// Each node connects to each peer for what it sends, and reconnects with back-off (50 ms,
// doubling, at most 2 s) when a peer is down. A message sent while the connection is down waits
// in a bounded queue; past the bound, the oldest is dropped, as the spec's network may lose any
// message (DropMessage): the protocols retransmit what matters.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { UserError } from '../core/errors.ts';
import type { NodeId } from '../host/types.ts';

export interface PeerAddress {
  readonly id: NodeId;
  readonly host: string;
  readonly port: number;
}

export interface TransportOptions {
  readonly cluster: string;
  readonly self: NodeId;
  readonly host: string;
  readonly port: number;
  readonly peers: readonly PeerAddress[];
  /** Pairwise keys (PBFT's MACs): keys.get(peer) is the key this node shares with peer. Without them, frames carry no MAC. */
  readonly keys?: ReadonlyMap<NodeId, Buffer>;
  /** A frame that passed every check, from a peer. */
  onFrame(from: NodeId, body: unknown): void;
}

export interface TransportCounts {
  sent: number;
  received: number;
  /** Dropped on arrival: not JSON, another cluster, an unknown sender, not for this node, a bad MAC. */
  rejected: Record<'malformed' | 'cluster' | 'sender' | 'receiver' | 'mac', number>;
  /** Dropped on the way out: the queue to a peer that is down overflowed. */
  overflowed: number;
}

const QUEUE_LIMIT = 10_000;
const BACKOFF_MIN_MS = 50;
const BACKOFF_MAX_MS = 2_000;

/** The MAC of a frame's payload with the key two nodes share. */
export function frameMac(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

class Link {
  private socket: Socket | undefined;
  private connected = false;
  private readonly queue: string[] = [];
  private backoff = BACKOFF_MIN_MS;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly peer: PeerAddress,
    private readonly counts: TransportCounts,
  ) {}

  send(frame: string): void {
    if (this.closed) return;
    if (this.connected && this.socket !== undefined) {
      this.socket.write(frame);
      return;
    }
    this.queue.push(frame);
    if (this.queue.length > QUEUE_LIMIT) {
      this.queue.shift();
      this.counts.overflowed++;
    }
    if (this.socket === undefined && this.timer === undefined) this.connect();
  }

  private connect(): void {
    this.timer = undefined;
    if (this.closed) return;
    const socket = createConnection({ host: this.peer.host, port: this.peer.port });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('connect', () => {
      this.connected = true;
      this.backoff = BACKOFF_MIN_MS;
      for (const frame of this.queue.splice(0)) socket.write(frame);
    });
    // Nothing comes back on this connection; an error is followed by close.
    socket.on('error', () => {});
    socket.on('close', () => {
      this.connected = false;
      this.socket = undefined;
      if (this.closed) return;
      this.timer = setTimeout(() => this.connect(), this.backoff);
      this.backoff = Math.min(BACKOFF_MAX_MS, this.backoff * 2);
    });
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.socket?.destroy();
  }
}

export class TcpTransport {
  readonly counts: TransportCounts = { sent: 0, received: 0, rejected: { malformed: 0, cluster: 0, sender: 0, receiver: 0, mac: 0 }, overflowed: 0 };
  private readonly links = new Map<NodeId, Link>();
  private readonly inbound = new Set<Socket>();
  private server: Server | undefined;

  constructor(private readonly options: TransportOptions) {
    for (const peer of options.peers) if (peer.id !== options.self) this.links.set(peer.id, new Link(peer, this.counts));
  }

  /** Listen for the peers' connections; a port in use is one clear line. */
  listen(): Promise<void> {
    const { host, port } = this.options;
    return new Promise((resolve, reject) => {
      const server = createServer((socket) => this.accept(socket));
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(e.code === 'EADDRINUSE' ? new UserError(`port ${port} on ${host} is in use: stop what holds it, or choose other ports with --port`) : e),
      );
      server.listen(port, host, () => {
        this.server = server;
        resolve();
      });
    });
  }

  send(to: NodeId, body: unknown): void {
    const link = this.links.get(to);
    if (link === undefined) return;
    const payload = JSON.stringify({ c: this.options.cluster, f: this.options.self, t: to, b: body });
    const key = this.options.keys?.get(to);
    link.send(`${key === undefined ? '' : frameMac(key, payload)} ${payload}\n`);
    this.counts.sent++;
  }

  close(): Promise<void> {
    for (const link of this.links.values()) link.close();
    for (const socket of this.inbound) socket.destroy();
    return new Promise((resolve) => (this.server === undefined ? resolve() : this.server.close(() => resolve())));
  }

  private accept(socket: Socket): void {
    this.inbound.add(socket);
    socket.setNoDelay(true);
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        this.receive(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
      }
      // A peer that never ends a line is not one of ours.
      if (buffered.length > 64 * 1024 * 1024) {
        this.counts.rejected.malformed++;
        socket.destroy();
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => this.inbound.delete(socket));
  }

  private receive(line: string): void {
    const space = line.indexOf(' ');
    const mac = space < 0 ? '' : line.slice(0, space);
    const payload = line.slice(space + 1);
    let frame: { c?: unknown; f?: unknown; t?: unknown; b?: unknown };
    try {
      frame = JSON.parse(payload) as typeof frame;
    } catch {
      this.counts.rejected.malformed++;
      return;
    }
    const { cluster, self, keys } = this.options;
    if (typeof frame !== 'object' || frame === null || !('b' in frame)) return void this.counts.rejected.malformed++;
    if (frame.c !== cluster) return void this.counts.rejected.cluster++;
    if (typeof frame.f !== 'string' || !this.links.has(frame.f)) return void this.counts.rejected.sender++;
    if (frame.t !== self) return void this.counts.rejected.receiver++;
    if (keys !== undefined) {
      const key = keys.get(frame.f);
      const expected = key === undefined ? undefined : Buffer.from(frameMac(key, payload));
      const given = Buffer.from(mac);
      if (expected === undefined || expected.length !== given.length || !timingSafeEqual(expected, given)) return void this.counts.rejected.mac++;
    }
    this.counts.received++;
    this.options.onFrame(frame.f, frame.b);
  }
}
