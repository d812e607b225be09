// Seeded bugs: each replaces one of Paxos's rules (src/paxos/node.ts, PaxosRules) with a
// plausible mistake. The conformance suite must tell every one of them from the spec; the gate
// fails if one escapes. Students can use them as exercises: find the counterexample, then read it.

import type { Mutant } from '../core/protocol.ts';
import { ballotLessAsText } from './ballot.ts';
import { PAXOS_RULES } from './node.ts';
import type { PaxosRules } from './node.ts';

export const PAXOS_MUTANTS: readonly (Mutant & { readonly rules: Partial<PaxosRules> })[] = [
  {
    name: 'ballots-compared-as-text',
    description: 'ballots are compared in their printed form "round-proposer", so that "10-1" comes before "9-1"',
    rules: { ballotLess: ballotLessAsText },
  },
  {
    name: 'quorum-off-by-one',
    description: 'n/2 acceptors, rounded down, count as a quorum instead of a strict majority',
    rules: { isQuorum: (acceptors, all) => acceptors.length >= Math.floor(all.length / 2) },
  },
  {
    name: 'ignore-reported-values',
    description: 'a proposer proposes its own value even when its promises report a value accepted in an earlier ballot',
    rules: { requiredValue: () => null },
  },
  {
    name: 'promise-not-persisted',
    description: 'an acceptor keeps its accepted ballot and value on disk but its promise in memory, and forgets it in a restart',
    rules: { recover: (a) => ({ ...a, promised: a.accepted === null ? null : a.accepted.bal }) },
  },
  {
    name: 'count-votes-across-ballots',
    description: 'a learner that hears of a higher ballot keeps counting the acceptors that accepted the lower one',
    rules: {
      addVote: (tally, acceptor, bal, val, less) => {
        if (tally === null) return { bal, val, acceptors: [acceptor] };
        if (less(bal, tally.bal)) return tally;
        return { bal, val, acceptors: [...new Set([...tally.acceptors, acceptor])].sort((a, b) => a - b) };
      },
    },
  },
];

export function paxosRules(mutant?: string): PaxosRules {
  if (mutant === undefined) return PAXOS_RULES;
  const found = PAXOS_MUTANTS.find((m) => m.name === mutant);
  if (found === undefined) throw new RangeError(`no Paxos mutant named ${mutant}`);
  return { ...PAXOS_RULES, ...found.rules };
}

