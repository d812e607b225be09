// Seeded bugs: each replaces one of Multi-Paxos's rules (src/multipaxos/node.ts,
// MultiPaxosRules) with a plausible mistake. The conformance suite must tell every one of them
// from the spec; the gate fails if one escapes.

import type { Mutant } from '../core/protocol.ts';
import { ballotLessAsText } from '../paxos/ballot.ts';
import { MULTIPAXOS_RULES, highestBySlot } from './node.ts';
import type { MultiPaxosRules } from './node.ts';

export const MULTIPAXOS_MUTANTS: readonly (Mutant & { readonly rules: Partial<MultiPaxosRules> })[] = [
  {
    name: 'ballots-compared-as-text',
    description: 'ballots are compared in their printed form "round-proposer", so that "1-10" comes before "1-9"',
    rules: { ballotLess: ballotLessAsText },
  },
  {
    name: 'quorum-off-by-one',
    description: 'n/2 acceptors, rounded down, count as a quorum instead of a strict majority',
    rules: { isQuorum: (acceptors, all) => acceptors.length >= Math.floor(all.length / 2) },
  },
  {
    name: 'new-leader-ignores-reports',
    description: 'a new leader starts with an empty log, ignoring the values its promises report accepted',
    rules: { reproposals: () => [] },
  },
  {
    name: 'no-gap-fill',
    description: 'a new leader proposes again only the slots before the first gap, and gives the gap and the slots after it to new commands',
    rules: {
      reproposals: (reported, less) => {
        const values = highestBySlot(reported, less);
        const out = [];
        for (let s = 1; values.has(s); s++) out.push(values.get(s) as string);
        return out;
      },
    },
  },
  {
    name: 'execute-past-gap',
    description: 'a replica executes every command it learns at once, in slot order, without waiting for the gaps before it',
    rules: { execute: (log, known) => [...log, ...known.map((e) => e.val)] },
  },
];

export function multiPaxosRules(mutant?: string): MultiPaxosRules {
  if (mutant === undefined) return MULTIPAXOS_RULES;
  const found = MULTIPAXOS_MUTANTS.find((m) => m.name === mutant);
  if (found === undefined) throw new RangeError(`no Multi-Paxos mutant named ${mutant}`);
  return { ...MULTIPAXOS_RULES, ...found.rules };
}
