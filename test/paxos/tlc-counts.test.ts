// The explorer and TLC on the same small Paxos models: the same number of distinct states,
// states generated and depth. TLC really runs (the jar locateTlc finds, set up on first use).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/core/paths.ts';
import { parseCfg } from '../../src/core/tla/cfg.ts';
import { locateTlc } from '../../src/core/tlc/install.ts';
import { runTlc } from '../../src/core/tlc/run.ts';
import { explore } from '../../src/explore/explorer.ts';
import { createPaxosModel } from '../../src/paxos/index.ts';

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

let scratch: string;
beforeAll(async () => {
  await locateTlc();
  scratch = mkdtempSync(join(tmpdir(), 'paxos-tlc-counts-'));
}, 180_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('Paxos: the explorer counts as TLC does', () => {
  for (const [name, model] of Object.entries(MODELS)) {
    it(`on the ${name} model`, async () => {
      const text = cfgText(model);
      const config = join(scratch, `${name}.cfg`);
      writeFileSync(config, text);
      const tlc = await runTlc({ spec: join(repoRoot(), 'specs/paxos/MCPaxos.tla'), config, workers: 1, timeoutSeconds: 120 });
      expect(tlc.outcome, tlc.error).toBe('ok');

      const ts = explore(createPaxosModel(parseCfg(text, config).constants));
      expect(ts.outcome).toBe('ok');
      expect(ts.distinctStates).toBeGreaterThan(1000);
      expect({ distinct: ts.distinctStates, generated: ts.statesGenerated, depth: ts.depth }).toEqual({
        distinct: tlc.distinctStates,
        generated: tlc.statesGenerated,
        depth: tlc.depth,
      });
    }, 120_000);
  }
});
