// The checks that tie a protocol's TypeScript model to its TLA+ spec, as the CLI, the gate and
// the conformance suite (conformance/) run them: TLC on a model, the explorer on the same model,
// TLC's state graph against the explorer's, the TLC traces replayed, the seeded bugs caught.

import { availableParallelism } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../core/errors.ts';
import { modelConfigPath, modulePath } from '../core/protocol.ts';
import type { ModelName, Protocol } from '../core/protocol.ts';
import { readCfg } from '../core/tla/cfg.ts';
import type { TlcConfig } from '../core/tla/cfg.ts';
import { readDotGraph } from '../core/tla/dot.ts';
import type { DotGraph } from '../core/tla/dot.ts';
import type { TlcProgress, TlcResult } from '../core/tlc/output.ts';
import { runTlc } from '../core/tlc/run.ts';
import { explore } from '../explore/explorer.ts';
import type { ExploreProgress, ExploreResult } from '../explore/explorer.ts';
import type { ClusterModel } from '../explore/model.ts';
import type { Implementation } from '../impl/implementation.ts';
import { compareGraphs } from './graph.ts';
import { cachedGraph, graphCacheDir, graphCacheEnabled, graphDigest, keepGraph, readCachedGraph } from './graph-cache.ts';
import type { GraphComparison } from './graph.ts';
import { replayTrace } from './replay.ts';
import type { ReplayFailure } from './replay.ts';
import { checkTracesFresh, manifestTraceFiles, readManifest, readTraceFile } from './traces.ts';

export function modelConfig(p: Protocol, model: ModelName): TlcConfig {
  return readCfg(modelConfigPath(p, model));
}

/** The protocol's cluster model for one of its TLC models: our reducer, a seeded bug in it, or an implementation that is not ours. */
export function clusterModel(p: Protocol, model: ModelName, mutant?: string, implementation?: Implementation): ClusterModel<unknown, unknown> {
  if (mutant !== undefined && !p.mutants.some((m) => m.name === mutant)) {
    throw new UserError(`${p.name} has no mutant "${mutant}": choose one of ${p.mutants.map((m) => m.name).join(', ')}`);
  }
  if (implementation !== undefined) {
    if (mutant !== undefined) throw new UserError('--impl and --mutant do not go together: a seeded bug is one of our reducer\'s');
    if (p.driver === undefined) throw new UserError(`--impl: ${p.name} cannot drive another implementation yet (raft can; docs/driver.md)`);
  }
  return p.createModel(modelConfig(p, model).constants, { mutant, implementation });
}

/** TLC labels an action X that a model's cfg replaced with `X <- MCX` as "MCX"; this maps it back. */
export function actionLabels(config: TlcConfig): (tlcLabel: string) => string {
  const original = new Map([...config.overrides].map(([name, replacement]) => [replacement, name]));
  return (label) => original.get(label) ?? label;
}

export function defaultWorkers(): number {
  return availableParallelism();
}

/** TLC on one of a protocol's models. */
export async function checkWithTlc(
  p: Protocol,
  model: ModelName,
  options: { workers?: number; timeoutSeconds?: number; onProgress?: (p: TlcProgress) => void } = {},
): Promise<TlcResult> {
  return runTlc({
    spec: modulePath(p, p.module),
    config: modelConfigPath(p, model),
    workers: options.workers ?? defaultWorkers(),
    timeoutSeconds: options.timeoutSeconds,
    onProgress: options.onProgress,
  });
}

/** The TypeScript explorer on one of a protocol's models, invariants checked on every state. */
export function exploreModel(
  p: Protocol,
  model: ModelName,
  options: { mutant?: string; implementation?: Implementation; onProgress?: (p: ExploreProgress) => void } = {},
): ExploreResult<unknown, unknown> {
  return explore(clusterModel(p, model, options.mutant, options.implementation), { onProgress: options.onProgress });
}

export interface TlcGraph {
  readonly dot: DotGraph;
  readonly labelOf: (tlcLabel: string) => string;
  readonly tlc: TlcResult;
  /** Read from .cache/graphs/ (TLC made it from the same inputs before) rather than dumped now. */
  readonly cached?: boolean;
}

/**
 * TLC's whole state graph of a model, dumped and read back, or read from the cache when TLC has
 * dumped it from the same spec, model and jar before (src/conformance/graph-cache.ts). `spec` and
 * `config` (paths) replace the protocol's MC module and the model's .cfg, e.g. a mutant's model
 * without its override.
 */
export async function tlcStateGraph(
  p: Protocol,
  model: ModelName,
  options: { workers?: number; onProgress?: (p: TlcProgress) => void; spec?: string; config?: string } = {},
): Promise<TlcGraph> {
  const spec = options.spec ?? modulePath(p, p.module);
  const config = options.config ?? modelConfigPath(p, model);
  const labelOf = actionLabels(modelConfig(p, model));
  const name = `${p.name}.${model}`;
  const digest = graphCacheEnabled() ? graphDigest(spec, config) : undefined;
  const started = performance.now();
  const hit = digest === undefined ? undefined : cachedGraph(name, digest);
  if (hit !== undefined) return { dot: await readCachedGraph(hit.dot), labelOf, tlc: { ...hit.tlc, seconds: (performance.now() - started) / 1000 }, cached: true };
  const dir = mkdtempSync(join(digest === undefined ? tmpdir() : graphCacheDir(), 'dump-'));
  try {
    const file = join(dir, `${name}.dot`);
    const tlc = await runTlc({ spec, config, workers: options.workers ?? defaultWorkers(), dumpDot: file, onProgress: options.onProgress });
    if (tlc.outcome !== 'ok') {
      throw new UserError(`TLC could not check ${p.name}'s ${model} model, so there is no graph to compare: ${tlc.error ?? `${tlc.outcome} ${tlc.violated ?? ''}`}`, 1);
    }
    const dot = await readDotGraph(file);
    if (digest !== undefined) keepGraph(name, digest, file, tlc);
    return { dot, labelOf, tlc };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function compareWithTlcGraph(p: Protocol, graph: TlcGraph, model: ModelName, mutant?: string, implementation?: Implementation): GraphComparison {
  return compareGraphs(graph.dot, graph.labelOf, clusterModel(p, model, mutant, implementation));
}

export interface TraceReplaySummary {
  readonly replayed: number;
  readonly steps: number;
  readonly failed: number;
  readonly failures: readonly { readonly file: string; readonly failure: ReplayFailure }[];
}

/**
 * Replay traces: the given files, or every trace in the protocol's manifest (which must be
 * fresh: generated from the spec as it is now).
 */
export function replayTraces(p: Protocol, files?: readonly string[], mutant?: string, implementation?: Implementation): TraceReplaySummary {
  let paths = files;
  if (paths === undefined || paths.length === 0) {
    const manifest = readManifest(p);
    checkTracesFresh(p, manifest);
    paths = manifestTraceFiles(p, manifest);
  }
  const models = new Map<string, ClusterModel<unknown, unknown>>();
  let steps = 0;
  const failures: { file: string; failure: ReplayFailure }[] = [];
  for (const file of paths) {
    const trace = readTraceFile(file);
    // A trace is replayed on the model it was drawn from, named in its metadata.
    const modelName = typeof trace.meta.model === 'string' ? trace.meta.model : 'traces';
    let model = models.get(modelName);
    if (model === undefined) models.set(modelName, (model = clusterModel(p, modelName, mutant, implementation)));
    const result = replayTrace(model, trace, p.historyVariable);
    steps += result.steps;
    if (result.failure !== undefined) failures.push({ file, failure: result.failure });
  }
  return { replayed: paths.length, steps, failed: failures.length, failures };
}

export interface MutantVerdict {
  readonly name: string;
  readonly description: string;
  readonly caught: boolean;
  readonly comparison: GraphComparison;
}

/**
 * Every seeded bug whose graph model (Mutant.graphModel, default 'conformance') is `model`,
 * against TLC's graph of it: each must make the graphs differ. (src/conformance/mutants.ts
 * catches every seeded bug three ways.)
 */
export function checkMutants(p: Protocol, graph: TlcGraph, model: ModelName): MutantVerdict[] {
  return p.mutants.filter((m) => (m.graphModel ?? 'conformance') === model).map((m) => {
    const comparison = compareWithTlcGraph(p, graph, model, m.name);
    return { name: m.name, description: m.description, caught: !comparison.equal, comparison };
  });
}
