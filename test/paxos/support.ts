// Paxos cluster configurations for tests, bigger or smaller than the TLC models.

import type { PaxosClusterConfig } from '../../src/paxos/cluster.ts';
import { paxosRules } from '../../src/paxos/mutants.ts';

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

/** Proposers are numbered from 9, so that their ids cross from one digit to two, as in the models. */
export function paxosConfig(
  sizes: { proposers: number; acceptors: number; learners: number },
  options: { rounds?: number[]; values?: string[]; maxCopies?: number; maxInFlight?: number; mutant?: string } = {},
): PaxosClusterConfig {
  return {
    proposers: range(9, sizes.proposers),
    acceptors: range(1, sizes.acceptors),
    learners: range(1, sizes.learners),
    values: options.values ?? ['v1', 'v2'],
    rounds: options.rounds ?? [1, 2],
    rules: paxosRules(options.mutant),
    bounds: { maxCopies: options.maxCopies ?? 2, maxInFlight: options.maxInFlight ?? 8 },
  };
}
