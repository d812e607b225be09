// The tests StrykerJS runs against each mutant (npm run mutation, stryker.config.mjs): the evidence
// chain of one protocol (mutation/<protocol>.test.ts) and its reducer's property tests, the
// enabling conditions (test/<protocol>/enabling.test.ts) and the explorer's keys
// (test/<protocol>/keys.test.ts), where they exist; or all protocols'. mutation/ is not part of
// npm test (vitest.config.ts does not include it); the property tests are.

import { defineConfig } from 'vitest/config';

const chosen = process.env.MUTATION_PROTOCOL;
const protocol = chosen === undefined || chosen === '' ? '*' : chosen;

export default defineConfig({
  test: {
    include: [`mutation/${protocol}.test.ts`, `test/${protocol}/enabling.test.ts`, `test/${protocol}/keys.test.ts`],
    // Reading a cached graph of 50,000 states and comparing it is seconds; a mutant that makes
    // the explorer wander is Stryker's to time out, not this.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
