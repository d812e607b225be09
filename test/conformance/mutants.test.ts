// The explorer's verdict on a seeded bug stands only with a counterexample as long as TLC's.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asLongAsTlcs } from '../../src/conformance/mutants.ts';

describe("a seeded bug's counterexamples", () => {
  it('are caught by the explorer only when as long as TLC’s shortest, and say why not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.boolean(), (ours, tlcs, tlcCaught) => {
        const verdict = asLongAsTlcs({ caught: true, traceLength: ours, seconds: 0 }, { caught: tlcCaught, traceLength: tlcs, seconds: 0 });
        // TLC missing the bug is TLC's verdict to report, not a reason to doubt the explorer's.
        expect(verdict.caught).toBe(ours === tlcs || !tlcCaught);
        if (verdict.caught === false) expect(verdict.error).toBe(`explorer: a counterexample ${ours} long where TLC's shortest is ${tlcs} (both search breadth first)`);
      }),
    );
    // A liveness bug, which the explorer does not look for, stays 'n/a'.
    expect(asLongAsTlcs({ caught: 'n/a', seconds: 0 }, { caught: true, traceLength: 5, seconds: 0 }).caught).toBe('n/a');
  });
});
