// Seeded bugs: each replaces one of Raft's rules (src/raft/node.ts, RaftRules) with a plausible
// mistake. The conformance suite must tell every one of them from the spec; the gate fails if
// one escapes. Students can use them as exercises: find the counterexample, then read it.

import type { Mutant } from '../core/protocol.ts';
import { RAFT_RULES } from './node.ts';
import type { RaftRules } from './node.ts';

export const RAFT_MUTANTS: readonly (Mutant & { readonly rules: Partial<RaftRules> })[] = [
  {
    name: 'vote-ignores-log',
    description: 'a server votes for a candidate without checking that its log is at least as up to date (Raft 5.4.1)',
    rules: { candidateLogIsUpToDate: () => true },
  },
  {
    name: 'vote-twice',
    description: 'a server votes for every candidate that asks in a term, not only the first',
    rules: { mayVote: () => true },
  },
  {
    name: 'commit-by-counting-old-entries',
    description: "a leader commits an entry of an earlier term once a majority holds it (Raft 5.4.2, figure 8)",
    rules: { mayCommitByCounting: () => true },
  },
  {
    name: 'quorum-off-by-one',
    description: 'n/2 servers, rounded down, count as a quorum instead of a strict majority',
    rules: { isQuorum: (servers, cluster) => servers.length >= Math.floor(cluster.length / 2) },
  },
];

export function raftRules(mutant?: string): RaftRules {
  if (mutant === undefined) return RAFT_RULES;
  const found = RAFT_MUTANTS.find((m) => m.name === mutant);
  if (found === undefined) throw new RangeError(`no Raft mutant named ${mutant}`);
  return { ...RAFT_RULES, ...found.rules };
}
