// A client of the replicated key-value store: one operation at a time, each invoked, retried
// after a timeout (possibly at another server) with the same sequence number, and completed ok,
// fail (a cas whose expected value did not match: it did not happen) or info (given up: it may
// have happened). It records what it saw as a Jepsen history, for the linearizability checker.
// The same client runs in the simulator and against a real cluster.

import type { HistoryEvent } from '../lincheck/history.ts';
import type { KvCommand, KvOperation, KvResult } from './kv.ts';
import { encodeCommand } from './kv.ts';
import type { NodeId } from './types.ts';

export interface ClientEnvironment {
  now(): number;
  random(): number;
  /** Send the request to a server. */
  send(to: NodeId, command: KvCommand, encoded: string): void;
  /** Call back `onTimer(name)` after delayMs (one timer of each name at a time). */
  setTimer(name: 'next' | 'retry', delayMs: number): void;
  record(event: HistoryEvent): void;
  /** The client took a result for the command: the replies of these servers matched it. */
  accepted?(encoded: string, repliers: readonly NodeId[]): void;
}

export interface ClientOptions {
  readonly id: number;
  readonly servers: readonly NodeId[];
  readonly ops: number;
  readonly intervalMs: readonly [number, number];
  readonly timeoutMs: number;
  readonly giveUpMs: number;
  /** Matching replies from distinct servers that make a result (1; PBFT: f + 1). */
  readonly replies: number;
  /** Send every request to every server (PBFT), rather than to the one it believes leads. */
  readonly broadcast: boolean;
  readonly nextOperation: (random: () => number) => KvOperation;
  /** The number of clients: a client that gave up goes on as process id + clients. */
  readonly clients: number;
  /** A single register (Paxos): the history has read and write on one value, with no key. */
  readonly register?: boolean;
}

interface Outstanding {
  readonly command: KvCommand;
  readonly encoded: string;
  readonly invokedAt: number;
  /** Results heard, by replica. */
  readonly replies: Map<NodeId, string>;
}

/** The history's value of an operation when it is invoked, and when it completes. */
export function historyValue(op: KvOperation, result?: KvResult): unknown {
  switch (op.f) {
    case 'get':
      return result?.value ?? null;
    case 'put':
    case 'append':
      return op.value;
    case 'delete':
      return null;
    case 'cas':
      return [op.from, op.to];
  }
}

export class KvClient {
  private seq = 0;
  private outstanding: Outstanding | undefined;
  private target: number;
  private done = 0;
  /** The history's process: as in Jepsen, a client that gave up on an operation goes on as a new process. */
  private process: number;
  /** While faults last it gives up on unanswered operations; once the network heals it waits for them. */
  givingUp = true;
  latencies: number[] = [];
  readonly counts = { ok: 0, fail: 0, info: 0 };

  constructor(
    readonly options: ClientOptions,
    private readonly env: ClientEnvironment,
  ) {
    this.target = options.id % options.servers.length;
    this.process = options.id;
  }

  get finished(): boolean {
    return this.done >= this.options.ops && this.outstanding === undefined;
  }

  get pending(): boolean {
    return this.outstanding !== undefined;
  }

  /** When the open operation was invoked (undefined when none is open). */
  get openSince(): number | undefined {
    return this.outstanding?.invokedAt;
  }

  start(): void {
    this.scheduleNext();
  }

  private scheduleNext(): void {
    if (this.done >= this.options.ops) return;
    const [min, max] = this.options.intervalMs;
    this.env.setTimer('next', min + Math.floor(this.env.random() * (max - min + 1)));
  }

  onTimer(name: 'next' | 'retry'): void {
    if (name === 'next') this.invoke();
    else this.retry();
  }

  private invoke(): void {
    if (this.outstanding !== undefined || this.done >= this.options.ops) return;
    const op = this.options.nextOperation(this.env.random);
    const command: KvCommand = { client: this.options.id, seq: ++this.seq, op };
    this.outstanding = { command, encoded: encodeCommand(command), invokedAt: this.env.now(), replies: new Map() };
    this.env.record({ process: this.process, type: 'invoke', ...this.operation(op), value: historyValue(op), time: this.env.now() });
    this.transmit();
  }

  private transmit(): void {
    const o = this.outstanding!;
    if (this.options.broadcast) for (const s of this.options.servers) this.env.send(s, o.command, o.encoded);
    else this.env.send(this.options.servers[this.target], o.command, o.encoded);
    this.env.setTimer('retry', this.options.timeoutMs);
  }

  private retry(): void {
    const o = this.outstanding;
    if (o === undefined) return;
    if (this.givingUp && this.env.now() - o.invokedAt >= this.options.giveUpMs) {
      this.complete('info');
      return;
    }
    this.target = (this.target + 1 + Math.floor(this.env.random() * (this.options.servers.length - 1))) % this.options.servers.length;
    this.transmit();
  }

  /** A server's answer: a result, or "not me, try leaderHint". */
  onReply(from: NodeId, seq: number, result: KvResult | undefined, leaderHint: NodeId | undefined): void {
    const o = this.outstanding;
    if (o === undefined || seq !== o.command.seq) return;
    if (result === undefined) {
      if (this.options.broadcast) return;
      const hinted = leaderHint === undefined ? -1 : this.options.servers.indexOf(leaderHint);
      if (hinted >= 0 && hinted !== this.target) {
        this.target = hinted;
        this.transmit();
      }
      return;
    }
    o.replies.set(from, JSON.stringify(result));
    const matching = [...o.replies.values()].filter((r) => r === JSON.stringify(result)).length;
    if (matching < this.options.replies) return;
    this.env.accepted?.(o.encoded, [...o.replies].filter(([, r]) => r === JSON.stringify(result)).map(([server]) => server));
    if (!this.options.broadcast) this.target = this.options.servers.indexOf(from);
    this.complete(result.ok ? 'ok' : 'fail', result);
  }

  /** The history's f and key: a register's get and put are Jepsen's read and write of its one value. */
  private operation(op: KvOperation): { f: string; key?: string } {
    if (!this.options.register) return { f: op.f, key: op.key };
    return { f: op.f === 'get' ? 'read' : op.f === 'put' ? 'write' : op.f };
  }

  /** The run is over: an operation still open may have happened, so it is :info. */
  abandon(): void {
    if (this.outstanding !== undefined) this.complete('info');
  }

  private complete(type: 'ok' | 'fail' | 'info', result?: KvResult): void {
    const o = this.outstanding!;
    const op = o.command.op;
    this.env.record({ process: this.process, type, ...this.operation(op), value: historyValue(op, result), time: this.env.now() });
    this.counts[type]++;
    if (type === 'info') this.process += this.options.clients;
    if (type !== 'info') this.latencies.push(this.env.now() - o.invokedAt);
    this.outstanding = undefined;
    this.done++;
    this.scheduleNext();
  }
}
