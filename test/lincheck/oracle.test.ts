// The checker against linearizability by definition: on small random histories, linearizable or
// not, with fail, info and never-completed operations, its verdict is the brute force's.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory, historyOperations } from '../../src/lincheck/check.ts';
import { bruteForce, historyOf, smallHistory } from './support.ts';

describe('lincheck against brute force', () => {
  for (const [model, appends] of [['register', false], ['kv', false], ['kv', true]] as const) {
    it(`agrees on small ${model} histories${appends ? ' of a key mostly appended to and read' : ''}`, () => {
      let failing = 0;
      fc.assert(
        fc.property(smallHistory(model, Number(process.env.LINCHECK_OPS ?? 7), appends), (h) => {
          const expected = bruteForce(h, model);
          if (!expected) failing++;
          const r = checkHistory(h, model);
          expect(r.ok).toBe(expected);
          if (!r.ok) {
            // The minimal set fails on its own too; and relaxing any one of it (the key's other
            // operations relaxed as well) makes the rest pass.
            const minimal = r.failing!.minimal!;
            expect(r.failing!.minimalComplete).toBe(true);
            expect(bruteForce(historyOf(minimal), model)).toBe(false);
            const all = historyOperations(h, model);
            for (let i = 0; i < minimal.length; i++) expect(bruteForce(historyOf(minimal.filter((_, j) => j !== i), all), model)).toBe(true);
          }
        }),
        { numRuns: Number(process.env.LINCHECK_RUNS ?? 2000) },
      );
      // Both verdicts are exercised, or the comparison proves little.
      expect(failing).toBeGreaterThan(50);
    });
  }
});
