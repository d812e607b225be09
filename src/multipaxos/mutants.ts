// Seeded bugs: each replaces one of Multi-Paxos's rules (src/multipaxos/node.ts,
// MultiPaxosRules) with a plausible mistake, as specs/paxos/MutantsMultiPaxos.tla replaces the
// same rule of the spec in the mutant's own model (specs/paxos/multipaxos.<model>.cfg). Each must
// be caught three ways: TLC finds the invariant it names violated, so does the explorer, and the
// mutated reducer parts from TLC's state graph of the correct spec
// (`npx consensus-lab mutants multipaxos`).

import { rulesWithMutant } from '../core/protocol.ts';
import type { RulesMutant } from '../core/protocol.ts';
import { MULTIPAXOS_RULES } from './node.ts';
import type { MultiPaxosRules } from './node.ts';

export const MULTIPAXOS_MUTANTS: readonly RulesMutant<MultiPaxosRules>[] = [
  {
    name: 'multipaxos-no-reproposal',
    description:
      'a new leader starts with an empty log, ignoring the values its promises report accepted, and gives their slots to new commands: a command chosen under the old leader is replaced',
    rule: 'Reproposals',
    breaks: 'Agreement',
    model: 'mutant-no-reproposal',
    rules: { reproposals: () => [] },
  },
  {
    name: 'multipaxos-quorum-off-by-one',
    description: 'half the acceptors, rounded down, count as a quorum instead of a strict majority, so two leaders each get a quorum of their own',
    rule: 'Quorum',
    breaks: 'Agreement',
    model: 'mutant-quorum-off-by-one',
    rules: { isQuorum: (acceptors, all) => acceptors.length >= Math.floor(all.length / 2) },
  },
];

export function multiPaxosRules(mutant?: string): MultiPaxosRules {
  return rulesWithMutant(MULTIPAXOS_RULES, MULTIPAXOS_MUTANTS, mutant, 'Multi-Paxos');
}
