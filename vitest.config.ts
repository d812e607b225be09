import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'conformance/**/*.test.ts'],
    // The conformance suites run TLC on whole models; a minute or two is normal there.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // TLC and the explorer each want a core; two files at a time keep the machine's two busy.
    maxWorkers: 2,
  },
});
