// One event log of a real cluster's run, for TLC to validate (`consensus-lab validate`): each
// node logs its own steps, each in the transaction that keeps it (the events table of its
// database; DIR/<node>/events.ndjson is a copy for people), with its wall-clock time; this
// merges them into one behaviour, in the order of the clock, except that a step that takes a
// message waits for the step that sent it (two nodes' clocks are one machine's clock, but the
// milliseconds of a send and of its receipt can tie or, on another node's line, come first).
// The first line is the Init line the simulator writes, with the cluster's constants.

import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.ts';
import type { LogEvent, SystemDefinition } from '../host/types.ts';
import { systemNamed } from '../systems.ts';
import type { LoggedLine } from '../validate/log.ts';
import { clusterSystem, nodeDir } from './config.ts';
import type { ClusterConfig } from './config.ts';
import { DATABASE_FILE } from './node.ts';
import { SqliteStorage } from './storage.ts';

export const MERGED_EVENTS_FILE = 'events.ndjson';

export interface MergedLog {
  readonly file: string;
  /** The lines written: the Init line and the steps kept. */
  readonly lines: number;
  /** The steps of the whole run. */
  readonly steps: number;
}

/** Merge the nodes' event logs, and the clients' steps if the spec has any (PBFT's ClientAccept), into DIR/events.ndjson. */
/**
 * The nodes' logs (and the clients' steps) merged into one, written to the data directory; with
 * `maxSteps`, only the first steps of the merged order (a prefix of a behaviour is one too).
 */
export function mergeClusterLogs(dir: string, config: ClusterConfig, clientSteps: readonly LogEvent[] = [], maxSteps?: number): MergedLog {
  const def = clusterSystem(config);
  // The clients' steps last: on a tie of milliseconds, the replies they took come first.
  const logs = [...config.nodes.map((n) => nodeEvents(dir, config, n.id)), clientSteps.map((event, k) => ({ file: 'the clients', line: k + 1, event }))];
  const merged = mergeLogs(logs, maxSteps, def.reads);
  const init: Omit<LogEvent, 't'> & { t: number } = { n: 1, t: 0, node: '', action: 'Init', params: {}, ...(def.constants !== undefined && { constants: def.constants }) };
  const file = join(dir, MERGED_EVENTS_FILE);
  // Written a few thousand lines at a time: a minute of Multi-Paxos is hundreds of megabytes,
  // more than one JavaScript string holds.
  const fd = openSync(file, 'w');
  try {
    let chunk: string[] = [JSON.stringify(init)];
    merged.forEach((e, k) => {
      chunk.push(JSON.stringify({ ...e, n: k + 2 }));
      if (chunk.length === 4096) {
        writeSync(fd, `${chunk.join('\n')}\n`);
        chunk = [];
      }
    });
    if (chunk.length > 0) writeSync(fd, `${chunk.join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
  return { file, lines: merged.length + 1, steps: logs.reduce((n, l) => n + l.length, 0) };
}

/** A stopped node's event log, from its database. */
function nodeEvents(dir: string, config: ClusterConfig, id: string): LoggedLine[] {
  const file = join(nodeDir(dir, id), DATABASE_FILE);
  if (!existsSync(file)) return [];
  const db = SqliteStorage.open(file, { cluster: config.cluster, protocol: config.protocol, node: id });
  try {
    // Parsed when the merge reaches it: a minute of Multi-Paxos on five nodes is two million lines, of which --validate-steps may want the first thousands.
    return db.events().map((raw, k) => {
      let event: LogEvent | undefined;
      return {
        file,
        line: k + 1,
        get event() {
          return (event ??= JSON.parse(raw) as LogEvent);
        },
      };
    });
  } finally {
    db.close();
  }
}

/**
 * The nodes' steps in one order: by time, each node's in its own order, and a receipt after the
 * send of the message it takes. A message sent once is taken once where the network is a bag
 * (Raft's); a multicast (PBFT's PRE-PREPARE, to every backup) or a retransmission is taken more
 * often, where the network is the set of messages ever sent. So a receipt waits for a send of
 * its message, and on a tie of milliseconds comes after the send of a copy not yet taken; a
 * step that reads messages without taking one (`reads`: PBFT's quorum steps) comes, on a tie,
 * after the sends of those it reads. With maxSteps, only the first steps of that order.
 */
export function mergeLogs(logs: readonly (readonly LoggedLine[])[], maxSteps = Number.POSITIVE_INFINITY, reads?: SystemDefinition<unknown, unknown, unknown>['reads']): LogEvent[] {
  const cursors = logs.map(() => 0);
  const untaken = new Map<string, number>();
  const ever = new Set<string>();
  // The read keys of the messages sent so far.
  const everRead = new Set<string>();
  const readsSent = (event: LogEvent) => reads === undefined || reads.of(event).every((k) => everRead.has(k));
  const out: LogEvent[] = [];
  // The first maxSteps of the merged order are the same whether or not the merge goes on.
  const total = Math.min(maxSteps, logs.reduce((n, l) => n + l.length, 0));
  while (out.length < total) {
    // The earliest line that can come next; on a tie of milliseconds, one whose message has an untaken copy (or that takes none).
    let best = -1;
    let bestRank = 0;
    for (let k = 0; k < logs.length; k++) {
      const line = logs[k][cursors[k]];
      if (line === undefined) continue;
      const recv = line.event.recv === undefined ? undefined : JSON.stringify(line.event.recv);
      if (recv !== undefined && !ever.has(recv)) continue;
      // Last on a tie: a step that reads a message not sent yet (its send has the same millisecond).
      const rank = !readsSent(line.event) ? 2 : recv === undefined || (untaken.get(recv) ?? 0) > 0 ? 0 : 1;
      const t = line.event.t;
      const bestT = best < 0 ? 0 : logs[best][cursors[best]].event.t;
      if (best < 0 || t < bestT || (t === bestT && rank < bestRank)) {
        best = k;
        bestRank = rank;
      }
    }
    if (best < 0) {
      const stuck = logs.map((l, k) => l[cursors[k]]).filter((l) => l !== undefined)[0];
      throw new UserError(`${stuck.file}: event ${stuck.line} takes a message that no node's log sends: the logs are not of one run, or a step is missing`);
    }
    const { event } = logs[best][cursors[best]++];
    if (event.recv !== undefined) {
      const key = JSON.stringify(event.recv);
      untaken.set(key, Math.max(0, (untaken.get(key) ?? 0) - 1));
    }
    for (const m of event.sent ?? []) {
      const key = JSON.stringify(m);
      untaken.set(key, (untaken.get(key) ?? 0) + 1);
      ever.add(key);
      const readKey = reads?.readKey(m);
      if (readKey !== undefined) everRead.add(readKey);
    }
    out.push(event);
  }
  return out;
}
