// Raft.tla's invariants over the TypeScript cluster state, by the same names (Raft figure 3).

import type { Invariant } from '../explore/model.ts';
import type { RaftCluster } from './cluster.ts';
import type { LogEntry, RaftNode } from './types.ts';

const sameEntry = (a: LogEntry, b: LogEntry) => a.term === b.term && a.value === b.value;

function samePrefix(a: readonly LogEntry[], b: readonly LogEntry[], length: number): boolean {
  if (a.length < length || b.length < length) return false;
  for (let n = 0; n < length; n++) if (!sameEntry(a[n], b[n])) return false;
  return true;
}

function pairs(nodes: readonly RaftNode[], holds: (a: RaftNode, b: RaftNode) => boolean): boolean {
  for (const a of nodes) for (const b of nodes) if (!holds(a, b)) return false;
  return true;
}

/** At most one leader can be elected in a given term. */
export function ElectionSafety(c: RaftCluster): boolean {
  return pairs(c.nodes, (a, b) => a === b || !(a.role === 'Leader' && b.role === 'Leader' && a.currentTerm === b.currentTerm));
}

/** Two logs with an entry of the same index and term are identical up through that index. */
export function LogMatching(c: RaftCluster): boolean {
  return pairs(c.nodes, (a, b) => {
    const shorter = Math.min(a.log.length, b.log.length);
    for (let n = 1; n <= shorter; n++) {
      if (a.log[n - 1].term === b.log[n - 1].term && !samePrefix(a.log, b.log, n)) return false;
    }
    return true;
  });
}

/** An entry committed in a term is in the log of every leader of a later term. */
export function LeaderCompleteness(c: RaftCluster): boolean {
  return pairs(
    c.nodes,
    (leader, j) =>
      leader.role !== 'Leader' ||
      j.currentTerm >= leader.currentTerm ||
      (j.commitIndex <= leader.log.length && samePrefix(leader.log, j.log, j.commitIndex)),
  );
}

/** No two servers apply different entries at the same index. */
export function StateMachineSafety(c: RaftCluster): boolean {
  return pairs(c.nodes, (a, b) => samePrefix(a.log, b.log, Math.min(a.commitIndex, b.commitIndex)));
}

/** The shape of the state, as far as TypeScript's types do not already guarantee it. */
export function TypeOK(c: RaftCluster): boolean {
  return (
    c.messages.entries.every((e) => e.count >= 1) &&
    c.nodes.every(
      (n) =>
        n.commitIndex <= n.log.length &&
        n.currentTerm >= 0 &&
        Object.values(n.nextIndex).every((x) => x >= 1) &&
        Object.values(n.matchIndex).every((x) => x >= 0),
    )
  );
}

export const RAFT_INVARIANTS: readonly Invariant<RaftCluster>[] = [
  { name: 'TypeOK', holds: TypeOK },
  { name: 'ElectionSafety', holds: ElectionSafety },
  { name: 'LogMatching', holds: LogMatching },
  { name: 'LeaderCompleteness', holds: LeaderCompleteness },
  { name: 'StateMachineSafety', holds: StateMachineSafety },
];
