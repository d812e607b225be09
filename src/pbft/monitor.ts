// PBFT.tla's invariants (src/pbft/invariants.ts, by the same names) over a run's correct replicas,
// checked after every step in time that does not grow with the log. Logs, committed sets and
// executed sequences only grow, so each invariant is checked in its over-time form: every prepared
// certificate, committed certificate and executed request ever seen is remembered, and a step is
// checked for what it added. What it added is found by comparing the replica's sorted log (and
// committed set) with the one of its previous step in O(added * log size) comparisons.
//
// AcceptedResults is about the clients, not the replicas: the simulator's linearizability check
// of the clients' history is its form over a run (a client that accepted a result no correct
// replica computed makes the history fail, unless the lie happens to be linearizable).

import { KeyedSet } from '../core/keyed-set.ts';
import type { KeyedEntry } from '../core/keyed-set.ts';
import type { NodeId, RunMonitor } from '../host/types.ts';
import { NULL_REQUEST, isRequest } from './host.ts';
import type { PbftConfig } from './node.ts';
import type { Certificate, PbftMessage, Replica } from './types.ts';

/** The entries of `after` that are not in `before`, both sorted by unique keys, `after` a superset of `before`. */
export function addedEntries<T>(before: readonly KeyedEntry<T>[], after: readonly KeyedEntry<T>[]): KeyedEntry<T>[] | undefined {
  const out: KeyedEntry<T>[] = [];
  const count = after.length - before.length;
  if (count < 0) return undefined;
  let i = 0;
  let j = 0;
  while (out.length < count) {
    // The first offset t at which before[i + t] and after[j + t] differ: after[j + t] is new.
    let lo = 0;
    let hi = before.length - i;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before[i + mid].key === after[j + mid].key) lo = mid + 1;
      else hi = mid;
    }
    out.push(after[j + lo]);
    i += lo;
    j += lo + 1;
  }
  // What is left of both must be the same entries (checked at the end only: logs only grow).
  if (before.length > i && before[before.length - 1].key !== after[after.length - 1].key) return undefined;
  return out;
}

interface Seen {
  log: KeyedSet<PbftMessage>;
  committed: KeyedSet<Certificate>;
  executed: number;
}

type Broken = { readonly invariant: string; readonly detail: string };

export function pbftMonitor(cfg: PbftConfig): RunMonitor<Replica> {
  const seen = new Map<NodeId, Seen>();
  /** (view.seq) -> the request some correct replica is prepared for, and which. */
  const prepared = new Map<string, { digest: string; by: number }>();
  /** seq -> the request some correct replica committed there, and in which view. */
  const committed = new Map<number, { digest: string; by: number; view: number }>();
  /** The longest executed sequence of any correct replica. */
  const executed: string[] = [];

  function checkLog(id: number, added: readonly KeyedEntry<PbftMessage>[]): Broken | undefined {
    for (const { item: m } of added) {
      // TypeOK: a log holds the pre-prepares the replica accepted and what it sent (msgs, whose senders are correct).
      if (m.type !== 'PrePrepare' && m.sender !== id) return { invariant: 'TypeOK', detail: `replica ${id}'s log holds a ${m.type} of replica ${m.sender}` };
      if (m.type !== 'Commit') continue;
      // PreparedUniqueness: a COMMIT of its own is what makes a replica prepared.
      const slot = `${m.view}.${m.seq}`;
      const other = prepared.get(slot);
      if (other === undefined) prepared.set(slot, { digest: m.digest, by: id });
      else if (other.digest !== m.digest) {
        return {
          invariant: 'PreparedUniqueness',
          detail: `replica ${id} is prepared for ${m.digest} at view ${m.view}, sequence number ${m.seq}, where replica ${other.by} is prepared for ${other.digest}`,
        };
      }
    }
    return undefined;
  }

  function checkCommitted(id: number, added: readonly KeyedEntry<Certificate>[]): Broken | undefined {
    for (const { item: c } of added) {
      // Agreement: one request per sequence number, in every view.
      const other = committed.get(c.seq);
      if (other === undefined) committed.set(c.seq, { digest: c.digest, by: id, view: c.view });
      else if (other.digest !== c.digest) {
        return {
          invariant: 'Agreement',
          detail: `replica ${id} committed ${c.digest} at sequence number ${c.seq} in view ${c.view}, where replica ${other.by} committed ${other.digest} in view ${other.view}`,
        };
      }
    }
    return undefined;
  }

  return {
    observe(nodeId, nodes) {
      const node = nodes.get(nodeId)!;
      const id = node.id;
      let s = seen.get(nodeId);
      if (s === undefined) {
        s = { log: KeyedSet.empty(), committed: KeyedSet.empty(), executed: 0 };
        seen.set(nodeId, s);
      }
      // TypeOK, for the replica that stepped.
      if (!Number.isInteger(node.view) || node.view < 0) return { invariant: 'TypeOK', detail: `replica ${id} is in view ${node.view}` };
      if (node.status !== 'Normal' && node.status !== 'ViewChange') return { invariant: 'TypeOK', detail: `replica ${id} has status ${String(node.status)}` };
      if (node.executed.length > cfg.k) return { invariant: 'TypeOK', detail: `replica ${id} executed ${node.executed.length} requests, above K = ${cfg.k}` };

      if (node.log !== s.log) {
        const added = addedEntries(s.log.entries, node.log.entries);
        if (added === undefined) return { invariant: 'TypeOK', detail: `replica ${id}'s log lost messages it had` };
        const broken = checkLog(id, added);
        s.log = node.log;
        if (broken !== undefined) return broken;
      }
      if (node.committed !== s.committed) {
        const added = addedEntries(s.committed.entries, node.committed.entries);
        if (added === undefined) return { invariant: 'TypeOK', detail: `replica ${id} no longer has a certificate it had committed` };
        const broken = checkCommitted(id, added);
        s.committed = node.committed;
        if (broken !== undefined) return broken;
      }
      if (node.executed.length < s.executed) return { invariant: 'ExecutionPrefix', detail: `replica ${id} un-executed requests` };
      for (let n = s.executed; n < node.executed.length; n++) {
        const d = node.executed[n];
        // Validity: only requests clients issued (encoded commands) and null requests are executed.
        if (d !== NULL_REQUEST && !isRequest(d)) return { invariant: 'Validity', detail: `replica ${id} executed ${JSON.stringify(d)} at ${n + 1}, which no client issued` };
        // ExecutionPrefix: the same requests in the same order everywhere.
        if (n < executed.length) {
          if (executed[n] !== d) {
            return { invariant: 'ExecutionPrefix', detail: `replica ${id} executed ${d} at ${n + 1}, where another correct replica executed ${executed[n]}` };
          }
        } else executed.push(d);
      }
      s.executed = node.executed.length;
      return undefined;
    },
  };
}
