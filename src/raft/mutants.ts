// Seeded bugs: each replaces one of Raft's rules (src/raft/node.ts, RaftRules) with a plausible
// mistake, as specs/raft/MutantsRaft.tla replaces the same rule of the spec in the mutant's own
// model (specs/raft/raft.<model>.cfg). Each must be caught three ways: TLC finds the invariant
// it names violated, so does the explorer, and the mutated reducer parts from TLC's state graph
// of the correct spec (`npx consensus-lab mutants raft`). Students can use them as exercises:
// find the counterexample, then read it.

import { rulesWithMutant } from '../core/protocol.ts';
import type { RulesMutant } from '../core/protocol.ts';
import { RAFT_RULES } from './node.ts';
import type { RaftRules } from './node.ts';

export const RAFT_MUTANTS: readonly RulesMutant<RaftRules>[] = [
  {
    name: 'raft-commit-old-term',
    description:
      'a leader commits an entry of an earlier term once a quorum holds it; a later leader that never had the entry overwrites it (Raft 5.4.2, figure 8)',
    rule: 'MayCommitByCounting',
    breaks: 'LeaderCompleteness',
    model: 'mutant-commit-old-term',
    rules: { mayCommitByCounting: () => true },
  },
  {
    name: 'raft-vote-no-log-check',
    description:
      'a server grants its vote without checking that the candidate’s log is at least as up to date as its own, so a leader may lack committed entries (Raft 5.4.1)',
    rule: 'CandidateLogIsUpToDate',
    breaks: 'LeaderCompleteness',
    model: 'mutant-vote-no-log-check',
    rules: { candidateLogIsUpToDate: () => true },
  },
  {
    name: 'raft-no-truncate',
    description:
      'a follower whose log conflicts with the leader’s appends the leader’s entry after its own entries instead of deleting the conflicting ones (Raft 5.3)',
    rule: 'LogBeforeNewEntry',
    breaks: 'StateMachineSafety',
    model: 'mutant-no-truncate',
    // Logs never conflict with the two servers of the conformance model.
    graphModel: 'mutant-no-truncate',
    rules: { logBeforeNewEntry: (log) => log },
  },
  {
    name: 'raft-vote-twice',
    description:
      'a server keeps votedFor in memory, not on stable storage: when it restarts it forgets its vote, and votes for a second candidate in the same term (Raft figure 2)',
    rule: 'VotedForAfterRestart',
    breaks: 'ElectionSafety',
    model: 'mutant-vote-twice',
    rules: { votedForAfterRestart: () => null },
  },
  {
    name: 'raft-quorum-off-by-one',
    description: 'half the servers, rounded down, count as a quorum instead of a strict majority, so two quorums need not share a server',
    rule: 'Quorum',
    breaks: 'ElectionSafety',
    model: 'mutant-quorum-off-by-one',
    rules: { isQuorum: (servers, cluster) => servers.length >= Math.floor(cluster.length / 2) },
  },
];

export function raftRules(mutant?: string): RaftRules {
  return rulesWithMutant(RAFT_RULES, RAFT_MUTANTS, mutant, 'Raft');
}

