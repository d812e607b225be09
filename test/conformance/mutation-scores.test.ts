// The gate's report of the last mutation scores (docs/mutation-scores.json, written by npm run mutation).

import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatMutationScores } from '../../src/cli/commands/gate.ts';
import { lastMutationScores } from '../../src/conformance/mutation-scores.ts';
import { repoRoot } from '../../src/core/paths.ts';

describe('the last mutation scores', () => {
  const scores = lastMutationScores(['raft', 'paxos', 'multipaxos', 'pbft']);

  it('are each measured at a commit of this repository, with the figures adding up', () => {
    expect(scores.length).toBeGreaterThan(0);
    for (const s of scores) {
      expect(execFileSync('git', ['cat-file', '-t', s.commit], { cwd: repoRoot(), encoding: 'utf8' }).trim()).toBe('commit');
      const detected = s.killed + s.timeout;
      expect(s.killed + s.timeout + s.survived + s.noCoverage).toBeLessThanOrEqual(s.mutants);
      expect(s.score).toBeCloseTo((100 * detected) / (detected + s.survived + s.noCoverage), 1);
      expect(s.changedSince).toBeDefined();
    }
  });

  it('are reported per protocol and part, with the commit, and a protocol never measured says how to measure it', () => {
    const [first] = scores;
    const text = formatMutationScores([first.protocol, 'nosuch'], [first]);
    expect(text).toContain(first.commit.slice(0, 10));
    expect(text).toContain(`${first.score?.toFixed(2)} %`);
    expect(text).toMatch(/nosuch +not measured .*npm run mutation -- nosuch --part reducer/);
    // Each protocol has a row for its host's policy too (src/<protocol>/host.ts), measured or not.
    expect(text).toMatch(/nosuch host +not measured .*npm run mutation -- nosuch --part host/);
  });
});
