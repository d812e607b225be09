// The gate's report of the last mutation scores (docs/mutation-scores.json, written by npm run mutation).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
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

  it('of a host measured in parts of its lines are the parts summed, at the oldest part\'s commit, with the lines named', () => {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot(), encoding: 'utf8' }).trim();
    const dir = mkdtempSync(join(tmpdir(), 'mutation-scores-'));
    const part = fc.record({ killed: fc.nat(300), timeout: fc.nat(20), survived: fc.nat(100), noCoverage: fc.nat(5), setAside: fc.nat(3), day: fc.integer({ min: 1, max: 28 }) });
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 2000 }), part), { minLength: 1, maxLength: 5, selector: ([from]) => from }), (parts) => {
        const stored = Object.fromEntries(
          parts.map(([from, p]) => [
            `${from}-${from + 9}`,
            { ...p, mutants: p.killed + p.timeout + p.survived + p.noCoverage + p.setAside, commit: head, measured: `2026-12-${String(p.day).padStart(2, '0')}T00:00:00.000Z` },
          ]),
        );
        const file = join(dir, 'scores.json');
        writeFileSync(file, JSON.stringify({ hosts: { pbft: { parts: stored } } }));
        const [s] = lastMutationScores(['pbft'], file);
        const sum = (f: (p: (typeof parts)[number][1]) => number) => parts.reduce((n, [, p]) => n + f(p), 0);
        const detected = sum((p) => p.killed + p.timeout);
        const scored = detected + sum((p) => p.survived + p.noCoverage);
        expect(s.part).toBe('host');
        expect(s.killed + s.timeout).toBe(detected);
        expect(s.score).toBe(scored === 0 ? null : Math.round((10_000 * detected) / scored) / 100);
        expect(s.measured.slice(8, 10)).toBe(String(Math.min(...parts.map(([, p]) => p.day))).padStart(2, '0'));
        expect(s.lines).toEqual(parts.map(([from]) => from).sort((a, b) => a - b).map((from) => `${from}-${from + 9}`));
        expect(formatMutationScores(['pbft'], [s])).toContain(`pbft host (lines ${s.lines?.join(', ')} only)`);
      }),
    );
  });
});
