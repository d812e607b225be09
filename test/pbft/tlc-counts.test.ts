// The explorer and TLC on the same small PBFT models: the same number of distinct states,
// states generated and depth. TLC really runs (the jar locateTlc finds, set up on first use).

import { createPbftModel } from '../../src/pbft/index.ts';
import { describeTlcCounts } from '../support/tlc-counts.ts';

/** Small models of MCPBFT (a few thousand states), each exercising a different part of the protocol. */
const MODELS = {
  // A Byzantine backup; the view change needs it or both other backups.
  'byzantine-backup': { byzantine: '{3}', requests: '{r1}', k: 1, maxView: 1, timers: '{1, 2}' },
  // A Byzantine new primary, choosing which view changes make its new view.
  'byzantine-new-primary': { byzantine: '{1}', requests: '{r1}', k: 1, maxView: 1, timers: '{2, 3}' },
  // The normal case only, with two sequence numbers for a Byzantine primary to play with.
  'two-sequence-numbers': { byzantine: '{0}', requests: '{r1}', k: 2, maxView: 0, timers: '{1}' },
} as const;

function cfgText(m: (typeof MODELS)[keyof typeof MODELS]): string {
  return `CONSTANTS
    N = 4
    Byzantine = ${m.byzantine}
    Request = ${m.requests}
    Null = Null
    K = ${m.k}
    MaxView = ${m.maxView}
    Timers = ${m.timers}
    Timeout <- MCTimeout
INIT Init
NEXT Next
INVARIANTS TypeOK PreparedUniqueness Agreement ExecutionPrefix Validity AcceptedResults
CHECK_DEADLOCK FALSE
`;
}

describeTlcCounts({ protocol: 'PBFT', spec: 'specs/pbft/MCPBFT.tla', models: MODELS, cfgText, createModel: createPbftModel });
