// The explorer and TLC on the same small PBFT models: the same number of distinct states,
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
import { createPbftModel } from '../../src/pbft/index.ts';

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

let scratch: string;
beforeAll(async () => {
  await locateTlc();
  scratch = mkdtempSync(join(tmpdir(), 'pbft-tlc-counts-'));
}, 180_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('PBFT: the explorer counts as TLC does', () => {
  for (const [name, model] of Object.entries(MODELS)) {
    it(`on the ${name} model`, async () => {
      const text = cfgText(model);
      const config = join(scratch, `${name}.cfg`);
      writeFileSync(config, text);
      const tlc = await runTlc({ spec: join(repoRoot(), 'specs/pbft/MCPBFT.tla'), config, workers: 1, timeoutSeconds: 120 });
      expect(tlc.outcome, tlc.error).toBe('ok');

      const ts = explore(createPbftModel(parseCfg(text, config).constants));
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
