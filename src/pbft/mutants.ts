// Seeded bugs: each replaces one of PBFT's rules (src/pbft/node.ts, PbftRules) with a plausible
// mistake. The conformance suite must tell every one of them from the spec; the gate fails if
// one escapes. Students can use them as exercises: find the counterexample, then read it.

import type { Mutant } from '../core/protocol.ts';
import { PBFT_RULES } from './node.ts';
import type { PbftRules } from './node.ts';

export const PBFT_MUTANTS: readonly (Mutant & { readonly rules: Partial<PbftRules> })[] = [
  {
    name: 'prepared-with-2f-1-prepares',
    description:
      'a replica counts itself prepared with 2f - 1 matching prepares, so an equivocating primary gets two requests prepared (4.2)',
    rules: { isPrepared: (preparers, f) => preparers >= 2 * f - 1 },
  },
  {
    name: 'committed-with-2f-commits',
    description:
      'a request is committed-local with 2f matching commits, which need not include f + 1 correct prepared replicas to carry it into the next view (4.2, 4.4)',
    rules: { isCommitted: (committers, f) => committers >= 2 * f },
  },
  {
    name: 'accept-two-digests',
    description:
      'a backup accepts a second pre-prepare for a view and sequence number it already accepted another request for, and prepares both (4.2)',
    rules: {
      mayAcceptPrePrepare: (accepted, m) => !accepted.some((pp) => pp.view === m.view && pp.seq === m.seq && pp.digest === m.digest),
    },
  },
  {
    name: 'new-view-forgets-prepared',
    description: 'a new view re-proposes none of the prepared requests of the view changes: its primary starts afresh (4.4)',
    rules: { newViewPrePrepares: () => [] },
  },
  {
    name: 'client-trusts-f-replies',
    description: 'a client accepts a result that f replicas replied, which may all be Byzantine (4.2)',
    rules: { acceptsResult: (repliers, f) => repliers >= f },
  },
];

export function pbftRules(mutant?: string): PbftRules {
  if (mutant === undefined) return PBFT_RULES;
  const found = PBFT_MUTANTS.find((m) => m.name === mutant);
  if (found === undefined) throw new RangeError(`no PBFT mutant named ${mutant}`);
  return { ...PBFT_RULES, ...found.rules };
}
