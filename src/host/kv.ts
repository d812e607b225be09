// The replicated key-value store that every protocol's host runs on top of its log: the state
// machine that committed (or executed) commands are applied to, in order, on every replica.
//
// Clients have ids and sequence numbers; the store remembers each client's last sequence number
// and its result, so a command retried after a timeout (possibly through another server, so it
// may be in the log twice) is applied once, and the retry gets the first result (Raft thesis 6.3).

import { match } from 'ts-pattern';
import { unreachable } from '../core/unreachable.ts';

/** What a client asks the store to do, on string keys and values. */
export type KvOperation =
  | { readonly f: 'get'; readonly key: string }
  | { readonly f: 'put'; readonly key: string; readonly value: string }
  | { readonly f: 'delete'; readonly key: string }
  | { readonly f: 'append'; readonly key: string; readonly value: string }
  | { readonly f: 'cas'; readonly key: string; readonly from: string; readonly to: string };

/** A client's command: the operation, with the client's id and its sequence number. */
export interface KvCommand {
  readonly client: number;
  readonly seq: number;
  readonly op: KvOperation;
}

/** The result of a command: ok (a get's value), or, for a cas whose `from` did not match, not done. */
export interface KvResult {
  readonly ok: boolean;
  readonly value?: string;
}

/**
 * A command as the protocols carry it: a string, the specs' Value (Raft), Command (Multi-Paxos)
 * or Request (PBFT). Its fields are in a fixed order, so one command always has one encoding.
 */
export function encodeCommand(c: KvCommand): string {
  const op = c.op;
  const fields = match(op)
    .with({ f: 'get' }, { f: 'delete' }, (o) => [o.f, o.key])
    .with({ f: 'put' }, { f: 'append' }, (o) => [o.f, o.key, o.value])
    .with({ f: 'cas' }, (o) => [o.f, o.key, o.from, o.to])
    .exhaustive();
  return JSON.stringify([c.client, c.seq, ...fields]);
}

/** How many strings follow the key in each operation's encoding. */
const ARITY: Readonly<Record<KvOperation['f'], number>> = { get: 0, delete: 0, put: 1, append: 1, cas: 2 };

/**
 * Whether s is exactly encodeCommand's encoding of a command: a client id and a sequence number
 * (whole numbers, the sequence from 1), an operation, its key and its strings, nothing else, in the
 * one way it is written. What a replica may take from another as a client's request: decodeCommand
 * reads more leniently what only servers of this cluster wrote.
 */
export function isEncodedCommand(s: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(s);
  } catch {
    return false;
  }
  if (!Array.isArray(parsed)) return false;
  const [client, seq, f, key, ...strings] = parsed as unknown[];
  return (
    Number.isSafeInteger(client) &&
    (client as number) >= 0 &&
    Number.isSafeInteger(seq) &&
    (seq as number) >= 1 &&
    typeof f === 'string' &&
    Object.hasOwn(ARITY, f) &&
    typeof key === 'string' &&
    strings.length === ARITY[f as KvOperation['f']] &&
    strings.every((x) => typeof x === 'string') &&
    JSON.stringify(parsed) === s
  );
}

/** Commands lately decoded: every replica applies each one, so most are decoded once, not once a replica. */
const decoded = new Map<string, KvCommand>();

/** The command a string encodes, or undefined for anything else (a no-op, the null request). */
export function decodeCommand(s: string): KvCommand | undefined {
  if (!s.startsWith('[')) return undefined;
  const known = decoded.get(s);
  if (known !== undefined) return known;
  const command = parseCommand(s);
  if (decoded.size >= 4096) decoded.clear();
  decoded.set(s, command);
  return command;
}

function parseCommand(s: string): KvCommand {
  const [client, seq, f, key, a, b] = JSON.parse(s) as [number, number, KvOperation['f'], string, string?, string?];
  let op: KvOperation;
  switch (f) {
    case 'get':
    case 'delete':
      op = { f, key };
      break;
    case 'put':
    case 'append':
      op = { f, key, value: a ?? '' };
      break;
    case 'cas':
      op = { f, key, from: a ?? '', to: b ?? '' };
      break;
    default:
      return unreachable(f);
  }
  return { client, seq, op };
}

/** What a replica's store holds: the data, and each client's last command and its result. */
export class KvStore {
  private readonly data = new Map<string, string>();
  private readonly sessions = new Map<number, { readonly seq: number; readonly result: KvResult }>();
  /** The number of log entries applied (commands and no-ops). */
  applied = 0;

  /** Apply the next entry of the log; the result for its client, or undefined for a no-op or a stale retry. */
  apply(entry: string): { readonly command: KvCommand; readonly result: KvResult } | undefined {
    this.applied++;
    const command = decodeCommand(entry);
    if (command === undefined) return undefined;
    const session = this.sessions.get(command.client);
    // A retry of the client's last command: the first result, applied once.
    if (session !== undefined && session.seq === command.seq) return { command, result: session.result };
    // An older command, arriving after the client moved on: it gave up on it, and it must not apply now.
    if (session !== undefined && session.seq > command.seq) return undefined;
    const result = this.execute(command.op);
    this.sessions.set(command.client, { seq: command.seq, result });
    return { command, result };
  }

  private execute(op: KvOperation): KvResult {
    // A key never written reads as the empty string, as in 6.824's key-value service.
    const current = this.data.get(op.key) ?? '';
    switch (op.f) {
      case 'get':
        return { ok: true, value: current };
      case 'put':
        this.data.set(op.key, op.value);
        return { ok: true };
      case 'delete':
        this.data.delete(op.key);
        return { ok: true };
      case 'append':
        this.data.set(op.key, current + op.value);
        return { ok: true };
      case 'cas':
        if (current !== op.from) return { ok: false };
        this.data.set(op.key, op.to);
        return { ok: true };
      default:
        return unreachable(op);
    }
  }

  /** The result of a client's command, if it is the last one the store applied for that client. */
  lastResult(client: number, seq: number): KvResult | undefined {
    const session = this.sessions.get(client);
    return session !== undefined && session.seq === seq ? session.result : undefined;
  }

  /** The data, sorted by key: replicas that applied the same prefix have equal snapshots. */
  snapshot(): string {
    return JSON.stringify([...this.data].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
