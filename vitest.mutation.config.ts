// The tests StrykerJS runs against each mutant (npm run mutation, stryker.config.mjs): the evidence
// chain of one protocol (mutation/<protocol>.test.ts) and, for its reducer, its property tests: the
// enabling conditions (test/<protocol>/enabling.test.ts) and the explorer's keys
// (test/<protocol>/keys.test.ts); for its host (MUTATION_PART=host), the host's tests
// (test/<protocol>/host.test.ts, and PBFT's checks of what it receives, messages.test.ts); or all
// protocols'. mutation/ is not part of npm test (vitest.config.ts does not include it); the
// property tests are.

import { defineConfig } from 'vitest/config';
import { BaseSequencer } from 'vitest/node';
import type { TestSpecification } from 'vitest/node';

/**
 * Stryker stops a mutant's run at its first failing test: the quick tests first (the property
 * tests, then the host's), the evidence chain (the simulator's scenarios, TLC) last.
 */
class QuickFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => (f.moduleId.includes('/mutation/') ? 2 : f.moduleId.endsWith('/host.test.ts') ? 1 : 0);
    return [...files].sort((a, b) => rank(a) - rank(b) || a.moduleId.localeCompare(b.moduleId));
  }
}

const chosen = process.env.MUTATION_PROTOCOL;
const protocol = chosen === undefined || chosen === '' ? '*' : chosen;
// The host's policy (MUTATION_PART=host) is tested by the chain's simulator and TLC's validation of
// its log, and by the host's own tests; the reducer's property tests do not reach it.
const host = process.env.MUTATION_PART === 'host';

export default defineConfig({
  test: {
    include: host
      ? [`mutation/${protocol}.test.ts`, `test/${protocol}/host.test.ts`, `test/${protocol}/messages.test.ts`]
      : [`mutation/${protocol}.test.ts`, `test/${protocol}/enabling.test.ts`, `test/${protocol}/keys.test.ts`],
    // Reading a cached graph of 50,000 states and comparing it is seconds; a mutant that makes
    // the explorer wander is Stryker's to time out, not this.
    sequence: { sequencer: QuickFirst },
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
