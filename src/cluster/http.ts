// The key-value API of a real cluster's node, over HTTP with JSON, in etcd's manner:
//
//   GET    /kv/{key}                 the value (a linearizable read: it goes through the log)
//   PUT    /kv/{key}                 the body is the value
//   DELETE /kv/{key}
//   POST   /kv/{key}/cas             {"from": "...", "to": "..."}: 412 when the value is not "from"
//   POST   /kv/{key}/append          the body is appended to the value
//   GET    /status                   the node's role, term or view, what it has committed and applied
//
// A request may name its client and sequence number (?client=N&seq=K): a retry with the same
// pair applies once and gets the first result. A node that cannot take the command answers 307
// with the leader's address when it knows it, else 503; a command whose outcome this node does
// not learn in time is 504 "unknown", never a false success. Errors are {"code", "message"}.

import { randomInt } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { UserError } from '../core/errors.ts';
import { encodeCommand } from '../host/kv.ts';
import type { KvOperation, KvResult } from '../host/kv.ts';
import type { ClientWire, NodeId } from '../host/types.ts';
import type { ClusterConfig } from './config.ts';

/** How long a request waits for its command to apply before its outcome is "unknown". */
export const REQUEST_TIMEOUT_MS = 5_000;
const MAX_BODY = 1024 * 1024;

type Reply = Extract<ClientWire, { type: 'ClientReply' }>;

interface Waiting {
  resolve(reply: Reply): void;
}

export interface NodeSide {
  /** Hand a client's request to the host. */
  deliver(wire: ClientWire): void;
  status(): Record<string, unknown>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class KvHttpServer {
  private server: Server | undefined;
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    private readonly config: ClusterConfig,
    private readonly id: NodeId,
    private readonly side: NodeSide,
  ) {}

  listen(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const server = createServer((req, res) => void this.handle(req, res));
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(e.code === 'EADDRINUSE' ? new UserError(`port ${port} on ${host} is in use: stop what holds it, or choose other ports with --port`) : e),
      );
      server.listen(port, host, () => {
        this.server = server;
        resolve();
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.server === undefined) return resolve();
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  /** The host's reply to a client: the HTTP request waiting for it, if any (a reply to a retry already answered is dropped). */
  reply(wire: Reply): void {
    const key = `${wire.client}:${wire.seq}`;
    const w = this.waiting.get(key);
    if (w === undefined) return;
    this.waiting.delete(key);
    w.resolve(wire);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://node');
      if (url.pathname === '/status' && req.method === 'GET') return send(res, 200, this.side.status());
      const route = /^\/kv\/([^/]+)(?:\/(cas|append))?$/.exec(url.pathname);
      if (route === null) throw new HttpError(404, 'not-found', `no such resource: ${req.method} ${url.pathname} (see GET /status, and /kv/{key})`);
      const key = decodeURIComponent(route[1]);
      const op = await operation(req, key, route[2]);
      const { client, seq } = session(url);
      const reply = await this.submit(client, seq, op);
      if (reply.result === undefined) return this.redirect(res, url, reply.leaderHint);
      const result: KvResult = reply.result;
      if (op.f === 'cas' && !result.ok) throw new HttpError(412, 'cas-failed', `the value of ${key} is not ${JSON.stringify(op.from)}`);
      return send(res, 200, { ok: true, ...(op.f === 'get' && { key, value: result.value ?? '' }), node: this.id, client, seq });
    } catch (e) {
      if (e instanceof HttpError) return send(res, e.status, { code: e.code, message: e.message, node: this.id });
      return send(res, 500, { code: 'internal', message: (e as Error).message, node: this.id });
    }
  }

  private submit(client: number, seq: number, op: KvOperation): Promise<Reply> {
    const command = encodeCommand({ client, seq, op });
    return new Promise((resolve, reject) => {
      const key = `${client}:${seq}`;
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(
          new HttpError(
            504,
            'unknown',
            `no outcome within ${REQUEST_TIMEOUT_MS / 1000} s: the command may yet apply; retry with ?client=${client}&seq=${seq} to apply it at most once and learn its result`,
          ),
        );
      }, REQUEST_TIMEOUT_MS);
      this.waiting.set(key, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
      this.side.deliver({ type: 'ClientRequest', client, seq, command });
    });
  }

  private redirect(res: ServerResponse, url: URL, hint: NodeId | undefined): void {
    const leader = hint === undefined ? undefined : this.config.nodes.find((n) => n.id === hint);
    if (leader === undefined || leader.id === this.id) {
      return send(res, 503, { code: 'no-leader', message: 'this node is not the leader and knows of none: retry shortly, or ask another node', node: this.id });
    }
    const location = `http://${this.config.host}:${leader.httpPort}${url.pathname}${url.search}`;
    res.setHeader('Location', location);
    return send(res, 307, { code: 'not-leader', message: `the leader is ${leader.id}, at ${location}`, leader: leader.id, node: this.id });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function operation(req: IncomingMessage, key: string, sub: string | undefined): Promise<KvOperation> {
  const method = req.method ?? 'GET';
  if (sub === undefined && method === 'GET') return { f: 'get', key };
  if (sub === undefined && method === 'PUT') return { f: 'put', key, value: await body(req) };
  if (sub === undefined && method === 'DELETE') return { f: 'delete', key };
  if (sub === 'append' && method === 'POST') return { f: 'append', key, value: await body(req) };
  if (sub === 'cas' && method === 'POST') {
    const text = await body(req);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'bad-request', 'a cas takes a JSON body {"from": "...", "to": "..."}');
    }
    const { from, to } = (parsed ?? {}) as { from?: unknown; to?: unknown };
    if (typeof from !== 'string' || typeof to !== 'string') throw new HttpError(400, 'bad-request', 'a cas takes a JSON body {"from": "...", "to": "..."} with two strings');
    return { f: 'cas', key, from, to };
  }
  throw new HttpError(405, 'method-not-allowed', `${method} is not a method of /kv/{key}${sub === undefined ? '' : `/${sub}`}`);
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new HttpError(413, 'too-large', `a value is at most ${MAX_BODY} bytes`));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The request's client and sequence number, or a fresh client (one command, never retried). */
function session(url: URL): { client: number; seq: number } {
  const c = url.searchParams.get('client');
  const s = url.searchParams.get('seq');
  if (c === null && s === null) return { client: randomInt(1, 2 ** 47), seq: 1 };
  const client = Number(c);
  const seq = Number(s);
  if (!Number.isSafeInteger(client) || client < 0 || !Number.isSafeInteger(seq) || seq <= 0) {
    throw new HttpError(400, 'bad-request', 'client is a whole number and seq a positive one (?client=N&seq=K)');
  }
  return { client, seq };
}
