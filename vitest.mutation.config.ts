// The tests StrykerJS runs against each mutant (npm run mutation, stryker.config.mjs): the evidence
// chain of one protocol, mutation/<protocol>.test.ts, or of all of them. Not part of npm test
// (vitest.config.ts does not include mutation/).

import { defineConfig } from 'vitest/config';

const protocol = process.env.MUTATION_PROTOCOL;

export default defineConfig({
  test: {
    include: [protocol === undefined || protocol === '' ? 'mutation/*.test.ts' : `mutation/${protocol}.test.ts`],
    // Reading a cached graph of 50,000 states and comparing it is seconds; a mutant that makes
    // the explorer wander is Stryker's to time out, not this.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
