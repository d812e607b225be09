// Seeded bugs: each replaces one of PBFT's rules (src/pbft/node.ts, PbftRules) with a plausible
// mistake, as specs/pbft/MutantsPBFT.tla replaces the same rule of the spec in the mutant's own
// model (specs/pbft/pbft.<model>.cfg). Each must be caught three ways: TLC finds the invariant
// it names violated, so does the explorer, and the mutated reducer parts from TLC's state graph
// of the correct spec (`npx consensus-lab mutants pbft`). Students can use them as exercises:
// find the counterexample, then read it.

import { rulesWithMutant } from '../core/protocol.ts';
import type { RulesMutant } from '../core/protocol.ts';
import { PBFT_RULES } from './node.ts';
import type { PbftRules } from './node.ts';

export const PBFT_MUTANTS: readonly RulesMutant<PbftRules>[] = [
  {
    name: 'pbft-weak-prepare',
    description:
      'a replica counts the pre-prepare as one of the 2f matching messages, so 2f - 1 prepares make it prepared; two such sets need not share a correct replica, and an equivocating primary gets two requests prepared at one sequence number (4.2)',
    rule: 'PrepareQuorum',
    breaks: 'PreparedUniqueness',
    model: 'mutant-weak-prepare',
    rules: { prepareQuorum: (preparers, f) => preparers >= 2 * f - 1 },
  },
  {
    name: 'pbft-weak-commit',
    description:
      'a request is committed-local with 2f matching commits, one correct replica’s and the Byzantine ones’: no other correct replica need be prepared, a view change leaves the request out, and the next view commits another request at its sequence number (4.2, 4.4)',
    rule: 'CommitQuorum',
    breaks: 'Agreement',
    model: 'mutant-weak-commit',
    rules: { commitQuorum: (committers, f) => committers >= 2 * f },
  },
  {
    name: 'pbft-newview-drops-prepared',
    description:
      'the primary of a new view ignores the prepared certificates of the view changes and starts afresh, so a request committed in the old view is replaced at its sequence number (4.4)',
    rule: 'NewViewCertificates',
    breaks: 'Agreement',
    model: 'mutant-newview-drops-prepared',
    rules: { newViewCertificates: () => [] },
  },
  {
    name: 'pbft-accept-two-digests',
    description:
      'a backup accepts a second pre-prepare for a view and sequence number it already accepted another request for, and prepares both (4.2)',
    rule: 'MayAcceptPrePrepare',
    breaks: 'PreparedUniqueness',
    model: 'mutant-accept-two-digests',
    rules: {
      mayAcceptPrePrepare: (accepted, m) => !accepted.some((pp) => pp.view === m.view && pp.seq === m.seq && pp.digest === m.digest),
    },
  },
  {
    name: 'pbft-client-trusts-f-replies',
    description: 'a client accepts a result that f replicas replied, which may all be Byzantine (4.2)',
    rule: 'ReplyQuorum',
    breaks: 'AcceptedResults',
    model: 'mutant-client-trusts-f-replies',
    rules: { replyQuorum: (repliers, f) => repliers >= f },
  },
];

export function pbftRules(mutant?: string): PbftRules {
  return rulesWithMutant(PBFT_RULES, PBFT_MUTANTS, mutant, 'PBFT');
}
