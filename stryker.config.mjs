// StrykerJS over the reducers and cluster models, with each protocol's evidence chain as the test
// (mutation/<protocol>.test.ts, vitest.mutation.config.ts). Run it with `npm run mutation`
// (scripts/mutation.ts: one protocol at a time, TLC's graphs cached first, the summary and
// docs/mutation-scores.json after), or for one protocol by hand:
//   MUTATION_PROTOCOL=raft npx stryker run
//   MUTATION_PROTOCOL=raft MUTATION_PART=host npx stryker run
//   MUTATION_PROTOCOL=pbft MUTATION_PART=host MUTATION_LINES=791-880 npx stryker run
// docs/mutation.md says what the run measures and what its survivors are.

const PROTOCOLS = ['raft', 'paxos', 'multipaxos', 'pbft'];
const chosen = process.env.MUTATION_PROTOCOL || undefined;
if (chosen !== undefined && !PROTOCOLS.includes(chosen)) {
  throw new Error(`MUTATION_PROTOCOL=${chosen}: choose one of ${PROTOCOLS.join(', ')}`);
}
const protocols = chosen === undefined ? PROTOCOLS : [chosen];
// What is mutated: the reducer (one function per TLA+ action) and the cluster model (MC's bounds,
// Next's steps); or the host's protocol policy (when to fire which action, timers), src/<p>/host.ts.
const PARTS = { reducer: (p) => [`src/${p}/node.ts`, `src/${p}/cluster.ts`], host: (p) => [`src/${p}/host.ts`] };
const part = process.env.MUTATION_PART || 'reducer';
if (!(part in PARTS)) throw new Error(`MUTATION_PART=${part}: choose one of ${Object.keys(PARTS).join(', ')}`);
// A host's policy in parts (PBFT's is hours): only the lines A-B of its one file, reported apart.
const lines = process.env.MUTATION_LINES || undefined;
if (lines !== undefined && !(/^\d+-\d+$/.test(lines) && part === 'host' && chosen !== undefined)) {
  throw new Error(`MUTATION_LINES=${lines}: give lines as A-B, with MUTATION_PART=host and one MUTATION_PROTOCOL`);
}
const reports = `reports/mutation/${chosen ?? 'all'}${part === 'host' ? '-host' : ''}${lines === undefined ? '' : `/lines-${lines}`}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: protocols.flatMap(PARTS[part]).map((f) => (lines === undefined ? f : `${f}:${lines}`)),
  // With --incremental, a mutant whose code and tests are unchanged keeps its last result.
  incrementalFile: `${reports}/stryker-incremental.json`,
  // A mutant runs only the tests that reached it when the tests ran unmutated.
  coverageAnalysis: 'perTest',
  // Two cores; each worker is a vitest process holding one TLC graph of up to 50,000 states.
  concurrency: 2,
  // A test run is seconds (Raft's graph comparisons about 6 s and 9 s, on a machine others share):
  // a mutant gets twice its tests' time and half a minute more before it counts as timed out.
  timeoutFactor: 2,
  timeoutMS: 30_000,
  dryRunTimeoutMinutes: 20,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `${reports}/mutation.html` },
  jsonReporter: { fileName: `${reports}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  // The sandbox is a copy of the repository; these it does not need (out/ is gigabytes of runs).
  // TLC's jar and graphs (.cache/) it does: the graphs' digests do not depend on where the copy is.
  ignorePatterns: ['/out', '/reports', '/.cache/graphs/*', ...protocols.map((p) => `!/.cache/graphs/${p}.*`)],
  tempDirName: '.stryker-tmp',
};
