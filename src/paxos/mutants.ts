// Seeded bugs: each replaces one of Paxos's rules (src/paxos/node.ts, PaxosRules) with a
// plausible mistake, as specs/paxos/MutantsPaxos.tla replaces the same rule of the spec in the
// mutant's own model (specs/paxos/paxos.<model>.cfg). Each must be caught three ways: TLC finds
// the invariant or property it names violated, so does the explorer (not for a liveness bug: it
// checks safety only), and the mutated reducer parts from TLC's state graph of the correct spec
// (`npx consensus-lab mutants paxos`). Students can use them as exercises: find the
// counterexample, then read it.

import { rulesWithMutant } from '../core/protocol.ts';
import type { RulesMutant } from '../core/protocol.ts';
import { ballotLessAsText, highest } from './ballot.ts';
import { PAXOS_RULES } from './node.ts';
import type { PaxosRules } from './node.ts';

export const PAXOS_MUTANTS: readonly RulesMutant<PaxosRules>[] = [
  {
    name: 'paxos-mixed-ballot-order',
    description:
      'acceptors compare ballots as numbers, but a proposer picks the highest ballot its promises report as text ("10-1" < "9-1"): it proposes the value of round 9 when round 10 chose another. Any one total order is safe; mixing two is not',
    rule: 'Highest',
    breaks: 'Agreement',
    model: 'mutant-mixed-ballot-order',
    // The conformance model has one round, in which no promise reports two ballots that text and numbers rank
    // differently: it parts from TLC's graph of three rounds (without a learner, to keep it small).
    graphModel: 'three-rounds',
    rules: { requiredValue: (reported) => (reported.length === 0 ? null : highest(reported, ballotLessAsText).val) },
  },
  {
    name: 'paxos-string-ballots',
    description:
      'ballots are compared as text everywhere ("10-1" < "9-1"): a total order, so Paxos stays safe, but an acceptor that promised round 9 never promises round 10, and a proposer past round 9 makes no progress',
    rule: 'Less',
    breaks: 'Termination',
    model: 'mutant-string-ballots',
    liveness: true,
    rules: { ballotLess: ballotLessAsText },
  },
  {
    name: 'paxos-forget-promise',
    description:
      'an acceptor keeps its accepted ballot and value on stable storage but its promise in memory: after a restart it accepts a ballot lower than one it promised, whose proposer counted on it',
    rule: 'PromiseAfterRestart',
    breaks: 'Agreement',
    model: 'mutant-forget-promise',
    rules: { recover: (a) => ({ ...a, promised: a.accepted === null ? null : a.accepted.bal }) },
  },
  {
    name: 'paxos-ignore-accepted',
    description: 'a proposer proposes its own value even when its promises report a value accepted in an earlier ballot, which may have been chosen',
    rule: 'RequiredValue',
    breaks: 'Agreement',
    model: 'mutant-ignore-accepted',
    rules: { requiredValue: () => null },
  },
  {
    name: 'paxos-quorum-off-by-one',
    description: 'half the acceptors, rounded down, count as a quorum instead of a strict majority, so two quorums need not share an acceptor',
    rule: 'Quorum',
    breaks: 'Agreement',
    model: 'mutant-quorum-off-by-one',
    rules: { isQuorum: (acceptors, all) => acceptors.length >= Math.floor(all.length / 2) },
  },
];

export function paxosRules(mutant?: string): PaxosRules {
  return rulesWithMutant(PAXOS_RULES, PAXOS_MUTANTS, mutant, 'Paxos');
}
