// The cache of TLC's graphs is keyed by everything TLC read: a changed module, .cfg or jar is a
// different graph; the same inputs are the same key, whichever process asks.

import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { graphDigest, readCachedGraph } from '../../src/conformance/graph-cache.ts';
import { readDotGraph } from '../../src/core/tla/dot.ts';
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

describe('a cached graph read back', () => {
  const DOT = [
    'strict digraph DiskGraph {',
    'subgraph cluster_graph {',
    '1 [label="/\\\\ x = 0\\n/\\\\ y = {1, 2}",style = filled]',
    '1 -> -2 [label="Inc",color="black",fontcolor="black"];',
    '-2 [label="/\\\\ x = 1\\n/\\\\ y = {1, 2}"];',
    '-2 -> -2 [label="Stay"];',
    '}',
    '}',
  ].join('\n');

  it('is the graph of the dump, whether read from the dump, from its parsed file, or from a parsed file that is not a graph', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graph-parsed-'));
    const dot = join(dir, 'm.conformance.0123.dot');
    writeFileSync(dot, DOT);
    const expected = await readDotGraph(dot);
    expect(expected.nodes.size).toBe(2);
    expect(await readCachedGraph(dot)).toEqual(expected);
    const parsed = join(dir, 'm.conformance.0123.parsed-1.v8');
    expect(existsSync(parsed)).toBe(true);
    writeFileSync(dot, 'not read again: the parsed file is');
    expect(await readCachedGraph(dot)).toEqual(expected);
    writeFileSync(dot, DOT);
    for (const bad of ['', 'garbage', JSON.stringify({ nodes: [] })]) {
      writeFileSync(parsed, bad);
      expect(await readCachedGraph(dot)).toEqual(expected);
    }
  });
});
