// The explorer and TLC on the same small models of a protocol: the same number of distinct
// states, states generated and depth. TLC really runs (the jar locateTlc finds, set up on first
// use), with one worker, on each model's .cfg text; the explorer runs on the same constants.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/core/paths.ts';
import { parseCfg } from '../../src/core/tla/cfg.ts';
import type { TlaValue } from '../../src/core/tla/value.ts';
import { locateTlc } from '../../src/core/tlc/install.ts';
import { runTlc } from '../../src/core/tlc/run.ts';
import { explore } from '../../src/explore/explorer.ts';
import type { ClusterModel } from '../../src/explore/model.ts';

export interface CountedModels<M, S, A> {
  /** The protocol's name, as the test titles give it. */
  readonly protocol: string;
  /** The MC module TLC checks, relative to the repository. */
  readonly spec: string;
  /** The models by name; each should have over a thousand states, so that the counts say something. */
  readonly models: Readonly<Record<string, M>>;
  /** A model's .cfg text. */
  readonly cfgText: (model: M) => string;
  readonly createModel: (constants: ReadonlyMap<string, TlaValue>) => ClusterModel<S, A>;
}

/** One test per model: TLC's and the explorer's counts are equal. */
export function describeTlcCounts<M, S, A>({ protocol, spec, models, cfgText, createModel }: CountedModels<M, S, A>): void {
  let scratch: string;
  beforeAll(async () => {
    await locateTlc();
    scratch = mkdtempSync(join(tmpdir(), `${protocol.toLowerCase()}-tlc-counts-`));
  }, 180_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  describe(`${protocol}: the explorer counts as TLC does`, () => {
    for (const [name, model] of Object.entries(models)) {
      it(`on the ${name} model`, async () => {
        const text = cfgText(model);
        const config = join(scratch, `${name}.cfg`);
        writeFileSync(config, text);
        const tlc = await runTlc({ spec: join(repoRoot(), spec), config, workers: 1, timeoutSeconds: 120 });
        expect(tlc.outcome, tlc.error).toBe('ok');

        const ts = explore(createModel(parseCfg(text, config).constants));
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
}
