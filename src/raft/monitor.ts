// Raft.tla's invariants (src/raft/invariants.ts) over a run, checked after every step in time that
// does not grow with the log. Each is checked in its over-time form, which implies the state
// invariant at every step: what has been committed, who has led which term, and the prefix of
// every (index, term) entry ever seen are remembered, and each step is checked against them.

import type { NodeId, RunMonitor } from '../host/types.ts';
import type { LogEntry, RaftNode } from './types.ts';

/** A hash of a log's prefix through each entry: two logs agree through index n when their hashes at n do (up to collisions). */
function extend(previous: number, e: LogEntry): number {
  let h = Math.imul(previous ^ e.term, 0x01000193) >>> 0;
  for (let k = 0; k < e.value.length; k++) h = Math.imul(h ^ e.value.charCodeAt(k), 0x01000193) >>> 0;
  return Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
}

interface Seen {
  log: readonly LogEntry[];
  /** hashes[n] is the hash of the prefix through entry n + 1. */
  hashes: number[];
  /** How much of its committed prefix has been checked against the committed log. */
  verified: number;
  role: RaftNode['role'];
  term: number;
}

interface Committed {
  readonly entry: LogEntry;
  /** The term of the server that first committed it: every leader of a later term must hold it. */
  readonly term: number;
}

const same = (a: LogEntry, b: LogEntry) => a.term === b.term && a.value === b.value;

export function raftMonitor(): RunMonitor<RaftNode> {
  const seen = new Map<NodeId, Seen>();
  const leaderOfTerm = new Map<number, NodeId>();
  /** The longest committed log any server has had. */
  const committed: Committed[] = [];
  /** The prefix hash of every (index, term) entry ever held by a server. */
  const prefixOf = new Map<string, number>();

  return {
    observe(id, nodes) {
      const node = nodes.get(id)!;
      let s = seen.get(id);
      if (s === undefined) {
        s = { log: [], hashes: [], verified: 0, role: 'Follower', term: 0 };
        seen.set(id, s);
      }
      // TypeOK, for the server that stepped.
      if (node.commitIndex > node.log.length || node.commitIndex < 0) {
        return { invariant: 'TypeOK', detail: `${id} has commitIndex ${node.commitIndex} past its log of ${node.log.length}` };
      }

      // LogMatching: every entry (index, term) ever held has one prefix.
      if (node.log !== s.log) {
        let from = 0;
        const shorter = Math.min(node.log.length, s.log.length);
        while (from < shorter && node.log[from] === s.log[from]) from++;
        s.hashes.length = from;
        s.verified = Math.min(s.verified, from);
        for (let n = from; n < node.log.length; n++) {
          const e = node.log[n];
          const h = extend(n === 0 ? 0 : s.hashes[n - 1], e);
          s.hashes.push(h);
          const key = `${n + 1}:${e.term}`;
          const known = prefixOf.get(key);
          if (known === undefined) prefixOf.set(key, h);
          else if (known !== h) {
            return { invariant: 'LogMatching', detail: `${id}'s entry ${n + 1} of term ${e.term} follows a different log than another server's` };
          }
        }
        s.log = node.log;
      }

      // ElectionSafety: at most one leader in a term, ever.
      const becameLeader = node.role === 'Leader' && (s.role !== 'Leader' || s.term !== node.currentTerm);
      s.role = node.role;
      s.term = node.currentTerm;
      if (becameLeader) {
        const other = leaderOfTerm.get(node.currentTerm);
        if (other !== undefined && other !== id) {
          return { invariant: 'ElectionSafety', detail: `${other} and ${id} both lead term ${node.currentTerm}` };
        }
        leaderOfTerm.set(node.currentTerm, id);
        // LeaderCompleteness: a new leader holds every entry committed in an earlier term.
        for (let n = 0; n < committed.length; n++) {
          if (committed[n].term < node.currentTerm && (n >= node.log.length || !same(node.log[n], committed[n].entry))) {
            return { invariant: 'LeaderCompleteness', detail: `${id} leads term ${node.currentTerm} without entry ${n + 1}, committed in term ${committed[n].term}` };
          }
        }
      }

      // StateMachineSafety: what a server commits is what every server commits at that index.
      for (let n = s.verified; n < node.commitIndex; n++) {
        const e = node.log[n];
        if (n < committed.length) {
          if (!same(e, committed[n].entry)) {
            return { invariant: 'StateMachineSafety', detail: `${id} commits a different entry ${n + 1} (term ${e.term}) than another server (term ${committed[n].entry.term})` };
          }
          continue;
        }
        committed.push({ entry: e, term: node.currentTerm });
        // LeaderCompleteness, the other way round: the leaders of later terms already hold it.
        for (const [j, other] of nodes) {
          if (other.role === 'Leader' && other.currentTerm > node.currentTerm && (n >= other.log.length || !same(other.log[n], e))) {
            return { invariant: 'LeaderCompleteness', detail: `${j} leads term ${other.currentTerm} without entry ${n + 1}, committed in term ${node.currentTerm}` };
          }
        }
      }
      s.verified = Math.max(s.verified, node.commitIndex);
      return undefined;
    },
  };
}
