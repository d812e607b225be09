// Seeded bugs: each replaces one of Raft's rules (src/raft/node.ts, RaftRules) with a plausible
// mistake, as specs/raft/MutantsRaft.tla replaces the same rule of the spec in the mutant's own
// model (specs/raft/raft.<model>.cfg). Each must be caught three ways: TLC finds the invariant
// it names violated, so does the explorer, and the mutated reducer parts from TLC's state graph
// of the correct spec (`npx consensus-lab mutants raft`). Students can use them as exercises:
// find the counterexample, then read it.

import { UserError } from '../core/errors.ts';
import type { Mutant } from '../core/protocol.ts';
import { constantModelValues } from '../core/tla/constants.ts';
import type { TlaValue } from '../core/tla/value.ts';
import type { Step } from '../explore/model.ts';
import type { RaftAction, RaftCluster } from './cluster.ts';
import { RAFT_RULES } from './node.ts';
import type { RaftRules } from './node.ts';

export const RAFT_MUTANTS: readonly (Mutant & { readonly rules: Partial<RaftRules> })[] = [
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
  if (mutant === undefined) return RAFT_RULES;
  const found = RAFT_MUTANTS.find((m) => m.name === mutant);
  if (found === undefined) throw new RangeError(`no Raft mutant named ${mutant}`);
  return { ...RAFT_RULES, ...found.rules };
}

/**
 * MutantsRaft.tla's bounds, which only the mutants' models assign, as an enabling condition on
 * the steps of MCRaft's Next: with Faults = FALSE no Restart and no DropMessage (MCRestart,
 * MCDropMessage); a Timeout only into a term of the server's turn (MCTimeoutInTurn: a server of
 * OddTermCandidates into an odd term, of EvenTermCandidates into an even one). Undefined for a
 * model without them.
 */
export function mutantModelBounds(
  constants: ReadonlyMap<string, TlaValue>,
): ((state: RaftCluster, step: Step<RaftCluster, RaftAction>) => boolean) | undefined {
  if (!constants.has('Faults')) return undefined;
  const faults = constants.get('Faults') as TlaValue;
  if (faults.kind !== 'bool') throw new UserError(`the constant Faults must be TRUE or FALSE, not ${faults.key}`);
  const odd = constantModelValues(constants, 'OddTermCandidates');
  const even = constantModelValues(constants, 'EvenTermCandidates');
  return (state, { action }) => {
    if (action.name === 'Restart' || action.name === 'DropMessage') return faults.value;
    if (action.name !== 'Timeout') return true;
    const term = (state.nodes.find((n) => n.id === action.i) as RaftCluster['nodes'][number]).currentTerm + 1;
    return (term % 2 === 1 ? odd : even).includes(action.i);
  };
}
