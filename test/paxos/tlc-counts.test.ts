// The explorer and TLC on the same small Paxos models: the same number of distinct states,
// states generated and depth. TLC really runs (the jar locateTlc finds, set up on first use).

import { createPaxosModel } from '../../src/paxos/index.ts';
import { describeTlcCounts } from '../support/tlc-counts.ts';

/** Small models of MCPaxos (a few thousand states), each exercising a different part of the protocol. */
const MODELS = {
  // Two proposers duel for one round each; ids 9 and 10 cross a power of ten.
  duelling: { proposers: '{9, 10}', acceptors: '{1, 2}', learners: '{1}', values: '{v1, v2}', rounds: '{1}', maxCopies: 1, maxInFlight: 2 },
  // One proposer retries in round 10 after round 9, and two learners tell each other.
  retrying: { proposers: '{1}', acceptors: '{1, 2}', learners: '{1, 2}', values: '{v1, v2}', rounds: '{9, 10}', maxCopies: 1, maxInFlight: 2 },
  // Duplicated messages.
  duplicating: { proposers: '{9, 10}', acceptors: '{1, 2}', learners: '{1, 2}', values: '{v1}', rounds: '{1}', maxCopies: 2, maxInFlight: 2 },
} as const;

function cfgText(m: (typeof MODELS)[keyof typeof MODELS]): string {
  return `CONSTANTS
    Proposer = ${m.proposers}
    Acceptor = ${m.acceptors}
    Learner = ${m.learners}
    Value = ${m.values}
    Round = ${m.rounds}
    None = None
    MaxCopies = ${m.maxCopies}
    MaxInFlight = ${m.maxInFlight}
    Phase1a <- MCPhase1a
    Phase2a <- MCPhase2a
    DuplicateMessage <- MCDuplicateMessage
INIT Init
NEXT Next
INVARIANTS TypeOK Agreement Validity AcceptedBelowPromise
PROPERTIES Integrity AcceptorMonotonicity
CHECK_DEADLOCK FALSE
`;
}

describeTlcCounts({ protocol: 'Paxos', spec: 'specs/paxos/MCPaxos.tla', models: MODELS, cfgText, createModel: createPaxosModel });
