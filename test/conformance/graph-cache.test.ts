// The cache of TLC's graphs is keyed by everything TLC read: a changed module, .cfg or jar is a
// different graph; the same inputs are the same key, whichever process asks.

import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { graphDigest } from '../../src/conformance/graph-cache.ts';
import { repoRoot } from '../../src/core/paths.ts';

const specs = join(repoRoot(), 'specs', 'raft');

describe('the graph cache key', () => {
  it('is stable, and changes with the .cfg, a module beside the spec, and the jar', () => {
    const dir = mkdtempSync(join(tmpdir(), 'graph-key-'));
    for (const f of ['Raft.tla', 'MCRaft.tla']) copyFileSync(join(specs, f), join(dir, f));
    const cfg = join(dir, 'raft.conformance.cfg');
    copyFileSync(join(specs, 'raft.conformance.cfg'), cfg);
    const spec = join(dir, 'MCRaft.tla');
    const key = graphDigest(spec, cfg);
    expect(graphDigest(spec, cfg)).toBe(key);
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (extra) => {
        const original = readFileSync(cfg, 'utf8');
        writeFileSync(cfg, `${original}\\* ${extra}\n`);
        const changed = graphDigest(spec, cfg);
        writeFileSync(cfg, original);
        expect(changed).not.toBe(key);
      }),
      { numRuns: 20 },
    );
    writeFileSync(join(dir, 'Raft.tla'), `${readFileSync(join(specs, 'Raft.tla'), 'utf8')}\n\\* an edit\n`);
    expect(graphDigest(spec, cfg)).not.toBe(key);
    const before = process.env.TLA2TOOLS_JAR;
    process.env.TLA2TOOLS_JAR = cfg;
    try {
      const other = graphDigest(spec, cfg);
      delete process.env.TLA2TOOLS_JAR;
      expect(other).not.toBe(graphDigest(spec, cfg));
    } finally {
      if (before === undefined) delete process.env.TLA2TOOLS_JAR;
      else process.env.TLA2TOOLS_JAR = before;
    }
  });
});
