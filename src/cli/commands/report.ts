// The checks of one protocol, as `conform` and `gate` run them, and their report: for people
// (a table, and every failure's readable diff) and for machines (JSON, JUnit).

import { UserError } from '../../core/errors.ts';
import type { ModelName, Protocol } from '../../core/protocol.ts';
import type { TlcResult } from '../../core/tlc/output.ts';
import {
  checkWithTlc,
  clusterModel,
  compareWithTlcGraph,
  replayTraces,
  tlcStateGraph,
} from '../../conformance/checks.ts';
import type { TlcGraph } from '../../conformance/checks.ts';
import { formatGraphComparison } from '../../conformance/graph.ts';
import { catchMutants, mutantJson, mutantsSummary } from '../../conformance/mutants.ts';
import { formatReplayFailure } from '../../conformance/replay.ts';
import { explore } from '../../explore/explorer.ts';
import type { ExploreResult } from '../../explore/explorer.ts';
import type { Implementation } from '../../impl/implementation.ts';
import { count, secs, table } from '../output.ts';
import type { Progress } from '../output.ts';
import { exploreJson, exploreProgress, exploreProgressLine, formatExploreTrace, formatTlcTrace, tlcJson, tlcProgress, tlcProgressLine } from './common.ts';
import { formatMutantReports } from './mutants.ts';
import { runsAsSystem } from '../../sim/mutants.ts';
import { simulationSuite, validateSimulatorLogs } from '../../sim/suite.ts';
import { SYSTEMS } from '../../systems.ts';

export interface CheckOptions {
  readonly countsModel: ModelName;
  readonly graphModel: ModelName;
  readonly mutant?: string;
  /** Check that every seeded bug is caught every way (the gate does). */
  readonly mutants: boolean;
  /** The seeded bugs to catch (undefined: the whole catalogue). */
  readonly onlyMutants?: readonly string[];
  /** Run the protocol as a system in the simulator, this many seeds per named scenario (the gate does; 0 or undefined: not). */
  readonly simulationSeeds?: number;
  /** TLC validates only the first lines of each simulator log (the gate's short version; undefined: all of it). */
  readonly validationLines?: number;
  readonly workers?: number;
  /** Drive this implementation instead of our reducer (--impl): TLC's counts, graph and traces decide. */
  readonly implementation?: Implementation;
  readonly progress: Progress;
}

export interface CheckOutcome {
  readonly name: string;
  readonly ok: boolean;
  /** One line of figures. */
  readonly summary: string;
  /** What a person needs to see when it failed: a diff, a counterexample. */
  readonly details?: string;
  readonly seconds: number;
}

export interface ProtocolReport {
  readonly name: string;
  readonly ok: boolean;
  readonly checks: readonly CheckOutcome[];
  readonly json: Record<string, unknown>;
}

/** Run a check; a failure to run it (TLC cannot check the model, a stale trace) is a failed check, not a crash. */
async function attempt<T>(run: () => Promise<T> | T): Promise<{ value?: T; error?: string }> {
  try {
    return { value: await run() };
  } catch (e) {
    if (e instanceof UserError && e.exitCode === 1) return { error: e.message };
    throw e;
  }
}

export async function checkProtocol(p: Protocol, o: CheckOptions): Promise<ProtocolReport> {
  const checks: CheckOutcome[] = [];
  const json: Record<string, unknown> = { name: p.name, ...(o.implementation && { implementation: o.implementation.label }) };
  const impl = o.implementation;
  // Who the diffs name beside TLC.
  const ours = impl === undefined ? 'TypeScript' : 'the implementation';
  const whose = impl?.label ?? 'TypeScript';
  const label = (what: string) => `${p.name} ${what}`;

  // TLC's runs (the counts model, then each graph model's dump) go one after another in the
  // background, in their own process, while this one explores and compares: both cores stay busy.
  // The TypeScript side takes them in the same order, so each waits only for the run it needs.
  const graphModels = [o.graphModel, ...(p.graphModels ?? []).filter((m) => m !== o.graphModel)];
  let queue: Promise<unknown> = Promise.resolve();
  const inBackground = <T>(run: () => Promise<T>): Promise<T> => {
    const next = queue.then(run);
    queue = next.catch(() => undefined);
    return next;
  };
  o.progress.note(`${p.name}: TLC on the ${o.countsModel} model`);
  const tlcRun = inBackground(() => checkWithTlc(p, o.countsModel, { workers: o.workers, onProgress: tlcProgress(o.progress, label('TLC')) }));
  const tlcGraphs = new Map(
    graphModels.map((m) => [m, inBackground(() => attempt<TlcGraph>(() => tlcStateGraph(p, m, { workers: o.workers, onProgress: tlcProgress(o.progress, label(m === o.graphModel ? 'TLC graph' : `TLC graph ${m}`)) })))]),
  );
  // If the explorer throws, what TLC was still to run is not waited for: its failures are not this one.
  for (const pending of [tlcRun, ...tlcGraphs.values()]) pending.catch(() => undefined);

  // 1. The explorer on the counts model, with the TypeScript invariants (TLC runs meanwhile).
  o.progress.note(`${p.name}: the explorer on the ${o.countsModel} model${o.mutant ? ` (mutant ${o.mutant})` : ''}${impl ? ` driving ${impl.label}` : ''}`);
  const model = clusterModel(p, o.countsModel, o.mutant, impl);
  const ex: ExploreResult<unknown, unknown> = explore(model, { onProgress: exploreProgress(o.progress, label('explore')) });
  o.progress.clear();

  // 2. TLC on the same model.
  const tlc: TlcResult = await tlcRun;
  o.progress.clear();
  json.tlc = { model: o.countsModel, ...tlcJson(tlc) };
  checks.push({
    name: `tlc (${o.countsModel})`,
    ok: tlc.outcome === 'ok',
    summary: tlc.outcome === 'ok' ? `${count(tlc.distinctStates)} distinct, ${count(tlc.statesGenerated)} generated, depth ${tlc.depth}` : tlcFailure(tlc),
    details: tlc.outcome === 'ok' ? undefined : formatTlcTrace(tlc),
    seconds: tlc.seconds,
  });
  json.explore = { model: o.countsModel, ...exploreJson(ex) };
  checks.push({
    name: `explore (${o.countsModel})`,
    ok: ex.outcome === 'ok',
    summary:
      ex.outcome === 'ok'
        ? `${count(ex.distinctStates)} distinct, ${count(ex.statesGenerated)} generated, depth ${ex.depth}, ${count(Math.round(ex.statesPerSecond))} states/s`
        : `${ex.outcome === 'property' ? 'action property' : 'invariant'} ${ex.violated} violated after ${ex.counterexample?.length} states`,
    details: ex.outcome === 'ok' ? undefined : formatExploreTrace(model, ex),
    seconds: ex.seconds,
  });

  // 3. The counts: the explorer must find exactly TLC's states.
  const sameCounts =
    tlc.outcome === 'ok' && ex.outcome === 'ok' && tlc.distinctStates === ex.distinctStates && tlc.statesGenerated === ex.statesGenerated && tlc.depth === ex.depth;
  json.counts = { equal: sameCounts, tlcDistinctStates: tlc.distinctStates, tsDistinctStates: ex.distinctStates, tlcTotalStates: tlc.statesGenerated, tsTotalStates: ex.statesGenerated, tlcDepth: tlc.depth, tsDepth: ex.depth };
  checks.push({
    name: 'counts',
    ok: sameCounts,
    summary: `distinct ${count(tlc.distinctStates)} / ${count(ex.distinctStates)}, generated ${count(tlc.statesGenerated)} / ${count(ex.statesGenerated)}, depth ${tlc.depth} / ${ex.depth} (TLC / ${whose})`,
    seconds: 0,
  });
  // Rates measured side by side with the other's run, as the gate runs them: the benchmark scripts measure them alone.
  const tlcRate = tlc.distinctStates !== undefined && tlc.seconds > 0 ? tlc.distinctStates / tlc.seconds : undefined;
  json.benchmark = {
    model: o.countsModel,
    tlcStatesPerSecond: tlcRate === undefined ? undefined : Math.round(tlcRate),
    tsStatesPerSecond: Math.round(ex.statesPerSecond),
    ratio: tlcRate === undefined ? undefined : Number((ex.statesPerSecond / tlcRate).toFixed(2)),
  };

  // 4. The state graph of the conformance model against TLC's, then the protocol's other graph
  // models, for rules the conformance model cannot reach.
  const graphs: Record<string, unknown>[] = [];
  let conformanceGraph: TlcGraph | undefined;
  for (const m of graphModels) {
    o.progress.note(`${p.name}: TLC's state graph of the ${m} model against ${impl === undefined ? "the TypeScript model's" : impl.label}`);
    const g = await tlcGraphs.get(m)!;
    o.progress.clear();
    if (m === o.graphModel) conformanceGraph = g.value;
    const c = g.value === undefined ? undefined : compareWithTlcGraph(p, g.value, m, o.mutant, impl);
    const figures = c === undefined
      ? { model: m, equal: false, error: g.error }
      : { model: m, equal: c.equal, tlcStates: c.tlcStates, tsStates: c.tsStates, tlcEdges: c.tlcEdges, tsEdges: c.tsEdges, seconds: Number(((g.value?.tlc.seconds ?? 0) + c.seconds).toFixed(1)), cached: g.value?.cached === true, difference: c.difference };
    if (m === o.graphModel) json.graph = figures;
    else graphs.push(figures);
    checks.push({
      name: `graph (${m})`,
      ok: c?.equal === true,
      summary: c === undefined ? (g.error ?? 'no graph') : `${c.equal ? 'equal' : 'differ'}: ${count(c.tlcStates)} / ${count(c.tsStates)} states, ${count(c.tlcEdges)} / ${count(c.tsEdges)} edges (TLC / ${whose})${g.value?.cached ? '; TLC\'s graph from .cache/graphs' : ''}`,
      details: c === undefined || c.equal ? undefined : formatGraphComparison(c, ours),
      seconds: (g.value?.tlc.seconds ?? 0) + (c?.seconds ?? 0),
    });
  }
  if (graphs.length > 0) json.graphs = graphs;

  // 5. The TLC traces, replayed step for step.
  o.progress.note(`${p.name}: replaying traces/${p.name}`);
  const started = performance.now();
  const replay = await attempt(() => replayTraces(p, undefined, o.mutant, impl));
  const r = replay.value;
  json.traces = r === undefined ? { replayed: 0, steps: 0, failed: 0, error: replay.error } : { replayed: r.replayed, steps: r.steps, failed: r.failed, failures: r.failures.map((f) => ({ file: f.file, ...f.failure })) };
  checks.push({
    name: 'traces',
    ok: r !== undefined && r.failed === 0 && r.replayed > 0,
    summary: r === undefined ? (replay.error ?? 'not replayed') : `${count(r.replayed)} replayed, ${count(r.steps)} steps, ${r.failed} failed`,
    details: r === undefined || r.failed === 0 ? undefined : r.failures.slice(0, 3).map((f) => formatReplayFailure(f.file, f.failure, ours)).join('\n') + (r.failed > 3 ? `\n(and ${r.failed - 3} more)` : ''),
    seconds: (performance.now() - started) / 1000,
  });

  // 6. Every seeded bug must be caught four ways: by TLC and by the explorer on its own model, by
  // the graph comparison with the spec left correct, and by the simulator (src/conformance/mutants.ts).
  if (o.mutants) {
    o.progress.note(`${p.name}: the seeded bugs, each by TLC, the explorer, the state graph and the simulator`);
    const t0 = performance.now();
    const graphs = new Map<string, TlcGraph>(conformanceGraph === undefined ? [] : [[o.graphModel, conformanceGraph]]);
    const run = await attempt(() =>
      catchMutants(p, {
        graphs,
        only: o.onlyMutants,
        onTlcProgress: (l, x) => o.progress.update(tlcProgressLine(`${p.name} ${l}`, x)),
        onExploreProgress: (l, x) => o.progress.update(exploreProgressLine(`${p.name} ${l}`, x)),
      }),
    );
    o.progress.clear();
    const reports = run.value ?? [];
    const summary = mutantsSummary(reports);
    json.mutants = { ...summary, names: reports.map((r) => r.mutant.name), verdicts: reports.map(mutantJson), error: run.error };
    checks.push({
      name: 'mutants',
      ok: run.value !== undefined && summary.escaped.length === 0,
      summary:
        run.value === undefined
          ? (run.error ?? 'not checked')
          : `${summary.caught} of ${summary.total} caught by TLC, the explorer, the state graph${runsAsSystem(p) ? (p.traceValidator !== undefined ? ', the simulator and TLC on its logs' : ' and the simulator') : ''}${summary.escaped.length ? `; escaped: ${summary.escaped.join(', ')}` : ''}`,
      details: summary.escaped.length === 0 ? undefined : formatMutantReports(reports),
      seconds: (performance.now() - t0) / 1000,
    });
  }

  // 7. The protocol as a system: every named scenario in the simulator, some seeds each.
  const system = SYSTEMS.find((x) => x.name === p.name);
  if (o.simulationSeeds !== undefined && o.simulationSeeds > 0 && system !== undefined) {
    o.progress.note(`${p.name}: the simulator, ${o.simulationSeeds} seeds of each named scenario`);
    const suite = simulationSuite(system, o.simulationSeeds, (text) => o.progress.update(text));
    o.progress.clear();
    json.simulation = {
      runs: suite.runs,
      ok: suite.ok,
      linearizable: suite.linearizable,
      scenarios: suite.scenarios,
      failures: suite.failures,
      events: suite.events,
      seconds: Number(suite.seconds.toFixed(1)),
    };
    checks.push({
      name: 'simulation',
      ok: suite.failures.length === 0,
      summary: `${suite.ok} of ${suite.runs} runs ok (${suite.scenarios.length} scenarios x ${o.simulationSeeds} seeds), ${suite.linearizable} linearizable, terms up to ${Math.max(...suite.scenarios.map((x) => x.maxTerm))}, ${count(suite.events)} events`,
      details:
        suite.failures.length === 0
          ? undefined
          : suite.failures
              .slice(0, 5)
              .map((f) => `${f.scenario} seed ${f.seed}: ${f.failure?.kind}: ${f.failure?.detail}\n  reproduce: ${f.reproduce}`)
              .join('\n'),
      seconds: suite.seconds,
    });
  }

  // 7b. TLC validates the event logs of some simulator runs: every run is a behaviour of the spec.
  if (o.simulationSeeds !== undefined && o.simulationSeeds > 0 && system !== undefined && p.traceValidator !== undefined) {
    o.progress.note(`${p.name}: TLC validates the simulator's event logs`);
    const t0 = performance.now();
    const logs = await validateSimulatorLogs(p, system, [['partitions', 1], ['leader-crashes', 1]], o.validationLines);
    const rejected = logs.filter((l) => !l.accepted);
    json.validation = { logs: logs.map((l) => ({ scenario: l.scenario, seed: l.seed, lines: l.lines, logged: l.logged, accepted: l.accepted, rejectedLine: l.rejectedLine, tlcSeconds: l.tlc.seconds })) };
    checks.push({
      name: 'validation',
      ok: rejected.length === 0,
      summary: `${logs.length - rejected.length} of ${logs.length} simulator logs accepted by TLC (${logs.map((l) => `${l.scenario} seed ${l.seed}: ${l.lines < l.logged ? `the first ${count(l.lines)} of ${count(l.logged)}` : count(l.lines)} lines`).join(', ')})`,
      details: rejected.map((l) => `${l.scenario} seed ${l.seed}: rejected at line ${l.rejectedLine}\n  ${(l.explanation ?? []).join('\n  ')}`).join('\n') || undefined,
      seconds: (performance.now() - t0) / 1000,
    });
  }

  // 8. Models only TLC checks (liveness under fairness).
  const extra: Record<string, unknown>[] = [];
  for (const m of p.tlcOnlyModels ?? []) {
    o.progress.note(`${p.name}: TLC on the ${m.model} model (${m.description})`);
    const result = await checkWithTlc(p, m.model, { workers: o.workers, onProgress: tlcProgress(o.progress, label(`TLC ${m.model}`)) });
    o.progress.clear();
    extra.push({ model: m.model, description: m.description, ...tlcJson(result) });
    checks.push({ name: `tlc (${m.model})`, ok: result.outcome === 'ok', summary: result.outcome === 'ok' ? `${m.description}: holds` : tlcFailure(result), details: result.outcome === 'ok' ? undefined : formatTlcTrace(result), seconds: result.seconds });
  }
  if (extra.length > 0) json.tlcOnly = extra;

  const ok = checks.every((c) => c.ok);
  return { name: p.name, ok, checks, json: { ...json, ok } };
}

function tlcFailure(r: TlcResult): string {
  if (r.outcome === 'error') return `TLC error: ${r.error}`;
  return `${r.outcome}${r.violated ? ` ${r.violated}` : ''} violated`;
}

/** The reports as a table, preceded by the details of every failed check. */
export function formatReports(reports: readonly ProtocolReport[]): string {
  const out: string[] = [];
  for (const r of reports) {
    for (const c of r.checks) if (!c.ok && c.details) out.push(`== ${r.name} ${c.name} failed ==`, c.details, '');
  }
  const rows = reports.flatMap((r) => r.checks.map((c) => [r.name, c.name, c.ok ? 'ok' : 'FAIL', secs(c.seconds), c.summary]));
  out.push(table(['protocol', 'check', 'result', 'time', 'figures'], rows));
  const failed = reports.filter((r) => !r.ok).map((r) => r.name);
  out.push('', failed.length === 0 ? 'All checks hold.' : `Failed: ${failed.join(', ')}.`);
  return out.join('\n');
}
