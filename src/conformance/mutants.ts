// The seeded bugs of a protocol (Protocol.mutants), each caught four ways:
//  1. TLC, on the mutant's own model (a .cfg of the protocol's mutants module whose one override
//     `Rule <- BuggyRule` puts the bug in the spec), finds the invariant or property the mutant
//     names violated, with a shortest counterexample (one worker: breadth first);
//  2. the TypeScript explorer, with the mutant's rule in the reducer, on the same model's
//     constants, finds the same invariant violated (n/a for a liveness bug: it checks safety);
//  3. with the spec left correct and only the reducer mutated, the reducer's state graph parts
//     from TLC's: on the conformance model, or on the mutant's model without its override where
//     the bug cannot show on the conformance model;
//  4. where the protocol runs as a system, the simulator with the mutated reducer finds a failing
//     seed within the mutant's budget (src/sim/mutants.ts).
// And each counterexample as a person reads it: the steps, what each sent and changed.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { modelConfigPath, modulePath } from '../core/protocol.ts';
import type { ModelName, Mutant, Protocol } from '../core/protocol.ts';
import { readCfg } from '../core/tla/cfg.ts';
import type { TlcConfig } from '../core/tla/cfg.ts';
import { field, functionEntries } from '../core/tla/value.ts';
import type { TlaState, TlaValue } from '../core/tla/value.ts';
import type { TlcProgress, TlcResult } from '../core/tlc/output.ts';
import { runTlc } from '../core/tlc/run.ts';
import { explore } from '../explore/explorer.ts';
import type { ExploreProgress, ExploreResult } from '../explore/explorer.ts';
import type { ClusterModel } from '../explore/model.ts';
import { actionLabels, clusterModel, compareWithTlcGraph, tlcStateGraph } from './checks.ts';
import type { TlcGraph } from './checks.ts';
import { formatAction } from './diff.ts';
import type { GraphComparison } from './graph.ts';
import { catchWithSimulation, catchWithValidation, runsAsSystem } from '../sim/mutants.ts';
import type { SimulationMutantVerdict, ValidationMutantVerdict } from '../sim/mutants.ts';

export interface TlcMutantVerdict {
  readonly caught: boolean;
  readonly result?: TlcResult;
  /** The states of TLC's counterexample, the initial one included. */
  readonly traceLength?: number;
  readonly seconds: number;
  readonly error?: string;
}

export interface ExplorerMutantVerdict {
  /** 'n/a' for a liveness bug: the explorer checks safety only. */
  readonly caught: boolean | 'n/a';
  readonly result?: ExploreResult<unknown, unknown>;
  /** The states of the explorer's counterexample, the initial one included. */
  readonly traceLength?: number;
  readonly seconds: number;
  readonly error?: string;
}

export interface ConformanceMutantVerdict {
  readonly caught: boolean;
  /** The model whose graph (TLC, correct spec) the mutated reducer is compared with. */
  readonly model: ModelName;
  readonly comparison?: GraphComparison;
  readonly seconds: number;
  readonly error?: string;
}

export interface MutantReport {
  readonly protocol: Protocol;
  readonly mutant: Mutant;
  readonly tlc: TlcMutantVerdict;
  readonly explorer: ExplorerMutantVerdict;
  readonly conformance: ConformanceMutantVerdict;
  /** The fourth way: the simulator, running the system with the mutated reducer, finds a failing seed. */
  readonly simulation?: SimulationMutantVerdict;
  /** The fifth: TLC rejects that failing run's event log (where the protocol has a trace spec). */
  readonly validation?: ValidationMutantVerdict;
  /** Caught every way (the explorer's is n/a for a liveness bug). */
  readonly caught: boolean;
  /** The explorer's model of the mutant (for its counterexample's actions and states). */
  readonly model?: ClusterModel<unknown, unknown>;
}

export interface CatchOptions {
  /** TLC's graphs of the correct spec already dumped, by model (the gate passes the conformance model's). */
  readonly graphs?: Map<string, TlcGraph>;
  /** Only these mutants (by name); default all. */
  readonly only?: readonly string[];
  /** Skip the simulator's verdict (the others' tests, which do not run systems). */
  readonly withoutSimulation?: boolean;
  /** Skip TLC's validation of the failing run's log (the fifth verdict). */
  readonly withoutValidation?: boolean;
  readonly onNote?: (text: string) => void;
  readonly onTlcProgress?: (label: string, p: TlcProgress) => void;
  readonly onExploreProgress?: (label: string, p: ExploreProgress) => void;
}

/** The mutant's model (.cfg) and the module it checks. */
export function mutantModelPaths(p: Protocol, m: Mutant): { spec: string; config: string } | undefined {
  if (p.mutantsModule === undefined || m.model === undefined) return undefined;
  return { spec: modulePath(p, p.mutantsModule), config: modelConfigPath(p, m.model) };
}

/** What keeps a mutant from being checked three ways: a field missing, a model without its override. */
export function mutantProblem(p: Protocol, m: Mutant): string | undefined {
  if (!m.name.startsWith(`${p.name}-`)) return `its name does not start with "${p.name}-"`;
  if (m.rule === undefined || m.breaks === undefined || m.model === undefined) return 'it names no rule, broken property or model';
  if (p.mutantsModule === undefined) return `${p.name} has no mutants module`;
  const paths = mutantModelPaths(p, m) as { spec: string; config: string };
  if (!existsSync(paths.config)) return `its model ${basename(paths.config)} does not exist`;
  const config = readCfg(paths.config);
  if (!config.overrides.has(m.rule)) return `its model ${basename(paths.config)} does not override ${m.rule}`;
  const listed = m.liveness ? config.properties : [...config.invariants, ...config.properties];
  if (!listed.includes(m.breaks)) return `its model ${basename(paths.config)} does not check ${m.breaks}`;
  // TLC does not name a violated temporal property: the model must check that one only.
  if (m.liveness && config.properties.length !== 1) return `its liveness model ${basename(paths.config)} must check ${m.breaks} alone`;
  return undefined;
}

/** Verdict 1: TLC on the mutant's model finds `breaks` violated. */
export async function catchWithTlc(p: Protocol, m: Mutant, onProgress?: (p: TlcProgress) => void): Promise<TlcMutantVerdict> {
  const problem = mutantProblem(p, m);
  if (problem !== undefined) return { caught: false, seconds: 0, error: problem };
  const result = await runTlc({ ...(mutantModelPaths(p, m) as { spec: string; config: string }), workers: 1, onProgress });
  const named = result.violated === m.breaks || (m.liveness === true && result.violated === undefined);
  const caught = (m.liveness ? result.outcome === 'property' : result.outcome === 'invariant' || result.outcome === 'property') && named;
  return {
    caught,
    result,
    traceLength: result.trace?.length,
    seconds: result.seconds,
    error: caught ? undefined : `TLC: ${result.outcome}${result.violated ? ` ${result.violated}` : ''}${result.error ? `: ${result.error}` : ''}`,
  };
}

/** The explorer's model of a mutant: its rules, its model's constants, the invariants and properties its .cfg checks. */
export function mutantClusterModel(p: Protocol, m: Mutant): ClusterModel<unknown, unknown> {
  const model = clusterModel(p, m.model as ModelName, m.name);
  const config = readCfg(modelConfigPath(p, m.model as ModelName));
  return {
    ...model,
    invariants: model.invariants.filter((inv) => config.invariants.includes(inv.name)),
    actionProperties: model.actionProperties?.filter((prop) => config.properties.includes(prop.name)),
  };
}

/** Verdict 2: the explorer, with the mutant's rules, on the same model finds `breaks` violated. */
export function catchWithExplorer(p: Protocol, m: Mutant, onProgress?: (p: ExploreProgress) => void): ExplorerMutantVerdict & { model?: ClusterModel<unknown, unknown> } {
  if (m.liveness) return { caught: 'n/a', seconds: 0 };
  const problem = mutantProblem(p, m);
  if (problem !== undefined) return { caught: false, seconds: 0, error: problem };
  const model = mutantClusterModel(p, m);
  const result = explore(model, { onProgress });
  const caught = (result.outcome === 'invariant' || result.outcome === 'property') && result.violated === m.breaks;
  return {
    caught,
    result,
    model,
    traceLength: result.counterexample?.length,
    seconds: result.seconds,
    error: caught ? undefined : `explorer: ${result.outcome}${result.violated ? ` ${result.violated}` : ''}`,
  };
}

/**
 * TLC (one worker) and the explorer both search breadth first, so their shortest counterexamples
 * are equally long; one longer than TLC's means the explorer is not searching the spec's machine.
 */
export function asLongAsTlcs(explorer: ExplorerMutantVerdict, tlc: TlcMutantVerdict): ExplorerMutantVerdict {
  if (explorer.caught !== true || !tlc.caught || explorer.traceLength === tlc.traceLength) return explorer;
  return { ...explorer, caught: false, error: `explorer: a counterexample ${explorer.traceLength} long where TLC's shortest is ${tlc.traceLength} (both search breadth first)` };
}

/**
 * TLC's graph of a model with the spec left correct: one of the protocol's models as it is, or
 * a mutant's model without the override (`Rule <- BuggyRule`) that puts the bug in the spec.
 */
export async function correctGraph(p: Protocol, model: ModelName, onProgress?: (p: TlcProgress) => void): Promise<TlcGraph> {
  const config = readCfg(modelConfigPath(p, model));
  const rules = p.mutants.flatMap((m) => (m.rule !== undefined && config.overrides.has(m.rule) ? [m.rule] : []));
  if (rules.length === 0 || p.mutantsModule === undefined) return tlcStateGraph(p, model, { workers: 1, onProgress });
  const dir = mkdtempSync(join(tmpdir(), 'consensus-lab-correct-'));
  try {
    const path = join(dir, `${p.name}.${model}.cfg`);
    writeFileSync(path, rules.reduce(withoutOverride, readFileSync(modelConfigPath(p, model), 'utf8')));
    return await tlcStateGraph(p, model, { workers: 1, onProgress, spec: modulePath(p, p.mutantsModule), config: path });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A .cfg's text without the override `rule <- X` (on a line of its own). */
export function withoutOverride(cfgText: string, rule: string): string {
  const line = new RegExp(`^[ \\t]*${rule}[ \\t]*<-[ \\t]*\\w+[ \\t]*\\n`, 'm');
  if (!line.test(cfgText)) throw new Error(`the override of ${rule} is not on a line of its own`);
  return cfgText.replace(line, '');
}

/** Verdict 3: the mutated reducer's state graph parts from TLC's of the correct spec. */
export async function catchWithConformance(
  p: Protocol,
  m: Mutant,
  graphs: Map<string, TlcGraph>,
  onProgress?: (p: TlcProgress) => void,
): Promise<ConformanceMutantVerdict> {
  const model = m.graphModel ?? 'conformance';
  const started = performance.now();
  let graph = graphs.get(model);
  if (graph === undefined) {
    graph = await correctGraph(p, model, onProgress);
    graphs.set(model, graph);
  }
  const comparison = compareWithTlcGraph(p, graph, model, m.name);
  return {
    caught: !comparison.equal,
    model,
    comparison,
    seconds: (performance.now() - started) / 1000,
    error: comparison.equal ? `the mutated reducer has TLC's state graph of the ${model} model` : undefined,
  };
}

/** Every seeded bug of a protocol, three verdicts each. */
export async function catchMutants(p: Protocol, options: CatchOptions = {}): Promise<MutantReport[]> {
  const graphs = options.graphs ?? new Map<string, TlcGraph>();
  const reports: MutantReport[] = [];
  for (const m of p.mutants) {
    if (options.only !== undefined && !options.only.includes(m.name)) continue;
    options.onNote?.(`${m.name}: TLC on ${m.model ?? '?'}, the explorer, the ${m.graphModel ?? 'conformance'} graph`);
    // TLC runs in its own process while the explorer runs in this one: two cores, both busy.
    const tlcRun = catchWithTlc(p, m, (x) => options.onTlcProgress?.(`${m.name} TLC`, x));
    tlcRun.catch(() => undefined);
    const { model, ...found } = catchWithExplorer(p, m, (x) => options.onExploreProgress?.(`${m.name} explore`, x));
    const tlc = await tlcRun;
    const explorer = asLongAsTlcs(found, tlc);
    const conformance = await catchWithConformance(p, m, graphs, (x) => options.onTlcProgress?.(`${m.name} TLC graph`, x));
    const simulation = options.withoutSimulation || !runsAsSystem(p) ? undefined : catchWithSimulation(p, m);
    const validation = simulation === undefined || options.withoutValidation ? undefined : await catchWithValidation(p, simulation);
    const caught = tlc.caught && explorer.caught !== false && conformance.caught && simulation?.caught !== false && validation?.caught !== false;
    reports.push({
      protocol: p,
      mutant: m,
      tlc,
      explorer,
      conformance,
      ...(simulation !== undefined && { simulation: { ...simulation, log: undefined } }),
      ...(validation !== undefined && { validation }),
      caught,
      model,
    });
  }
  return reports;
}

/** The verdicts as data: what `mutants --json` prints and the gate reports under each protocol. */
export function mutantJson(r: MutantReport) {
  const d = r.conformance.comparison?.difference;
  return {
    name: r.mutant.name,
    description: r.mutant.description,
    rule: r.mutant.rule,
    breaks: r.mutant.breaks,
    model: r.mutant.model,
    liveness: r.mutant.liveness === true,
    caught: r.caught,
    tlc: {
      caught: r.tlc.caught,
      result: r.tlc.result?.outcome,
      violated: r.tlc.result?.violated,
      traceLength: r.tlc.traceLength,
      distinctStates: r.tlc.result?.distinctStates,
      seconds: r.tlc.seconds,
      error: r.tlc.error,
    },
    explorer: {
      caught: r.explorer.caught,
      result: r.explorer.result?.outcome,
      violated: r.explorer.result?.violated,
      traceLength: r.explorer.traceLength,
      distinctStates: r.explorer.result?.distinctStates,
      seconds: r.explorer.result === undefined ? undefined : Number(r.explorer.seconds.toFixed(2)),
      error: r.explorer.error,
    },
    conformance: {
      caught: r.conformance.caught,
      model: r.conformance.model,
      /** The steps from the initial state to the first state where the graphs part (0: the initial states differ). */
      partsAfter: d?.path.length,
      path: d?.path,
      seconds: Number(r.conformance.seconds.toFixed(2)),
      error: r.conformance.error,
    },
    ...(r.simulation !== undefined && {
      simulation: {
        caught: r.simulation.caught,
        scenario: r.simulation.scenario,
        nodes: r.simulation.nodes,
        budget: r.simulation.budget,
        seedsTried: r.simulation.seedsTried,
        firstFailingSeed: r.simulation.firstFailingSeed,
        failure: r.simulation.failure,
        reproduce: r.simulation.reproduce,
        seconds: Number(r.simulation.seconds.toFixed(2)),
        error: r.simulation.error,
      },
    }),
    ...(r.validation !== undefined && {
      validation: {
        caught: r.validation.caught,
        lines: r.validation.lines,
        rejectedLine: r.validation.rejectedLine,
        rejectedAction: r.validation.rejectedAction,
        seconds: Number(r.validation.seconds.toFixed(2)),
        error: r.validation.error,
      },
    }),
  };
}

export function mutantsSummary(reports: readonly MutantReport[]) {
  const escaped = reports.filter((r) => !r.caught).map((r) => r.mutant.name);
  return { total: reports.length, caught: reports.length - escaped.length, escaped };
}

// ---- counterexamples as a person reads them ---------------------------------------------------

/** One step of a counterexample: the action, and what it changed. */
export interface ReadableStep {
  readonly action: string;
  readonly changes: readonly string[];
}

/** The mutant's shortest counterexample, from the explorer (with the actions' parameters), else TLC's. */
export function readableCounterexample(r: MutantReport): { source: 'explorer' | 'TLC'; steps: ReadableStep[] } | undefined {
  const ex = r.explorer.result?.counterexample;
  if (ex !== undefined && r.model !== undefined) {
    const model = r.model;
    const states = ex.map((s) => model.stateToTla(s.state));
    return { source: 'explorer', steps: ex.slice(1).map((s, i) => ({ action: formatAction(model.actionToTla(s.action)), changes: stateChanges(states[i], states[i + 1]) })) };
  }
  const trace = r.tlc.result?.trace;
  if (trace === undefined || r.mutant.model === undefined) return undefined;
  const labelOf = actionLabels(readCfg(modelConfigPath(r.protocol, r.mutant.model)));
  const steps = trace.slice(1).map((s, i) => ({
    action: s.action === 'Stuttering' ? 'Stuttering: from here on nothing changes' : labelOf(s.action),
    changes: stateChanges(trace[i].state, s.state),
  }));
  const loop = r.tlc.result?.lassoStart;
  if (loop !== undefined && loop < trace.length) steps.push({ action: `back to the state after step ${loop - 1}, and so on forever`, changes: [] });
  return { source: 'TLC', steps };
}

/**
 * A message: a record with a type (mtype or type), shown as `source → dest: Type(field value, ...)`,
 * or `source: Type(...)` for a message to all (PBFT's multicast); undefined for any other value.
 */
export function showMessage(m: TlaValue): string | undefined {
  if (m.kind !== 'record') return undefined;
  const typeField = m.fields.some(([f]) => f === 'mtype') ? 'mtype' : 'type';
  const type = field(m, typeField);
  if (type === undefined || type.kind !== 'str') return undefined;
  const source = field(m, 'msource') ?? field(m, 'sender');
  const dest = field(m, 'mdest');
  const shown = new Set([typeField, 'msource', 'mdest', 'sender']);
  const rest = m.fields.filter(([f]) => !shown.has(f)).map(([f, v]) => `${f} ${v.key}`);
  const ends = source === undefined ? '' : dest === undefined ? `${source.key}: ` : `${source.key} → ${dest.key}: `;
  return `${ends}${type.value}(${rest.join(', ')})`;
}

/**
 * How a state differs from the one before, one line per change: a message put on (+) or taken
 * off (−) the network (a bag, message -> copies), an element added to or removed from a set,
 * and `path: before → after` for everything else, at the smallest sub-value that differs.
 */
export function stateChanges(before: TlaState, after: TlaState): string[] {
  const out: string[] = [];
  for (const name of Object.keys(after).sort()) {
    const a = before[name];
    if (a !== undefined && a.key !== after[name].key) valueChanges(name, a, after[name], out);
  }
  return out;
}

const show = (v: TlaValue) => showMessage(v) ?? v.key;

function valueChanges(path: string, a: TlaValue | undefined, b: TlaValue | undefined, out: string[]): void {
  if (a !== undefined && b !== undefined && a.key === b.key) return;
  if (a !== undefined && b !== undefined && bagChanges(path, a, b, out)) return;
  if (a?.kind === 'set' && b?.kind === 'set') {
    const inA = new Set(a.elems.map((e) => e.key));
    const inB = new Set(b.elems.map((e) => e.key));
    for (const e of b.elems) if (!inA.has(e.key)) out.push(`${path} + ${show(e)}`);
    for (const e of a.elems) if (!inB.has(e.key)) out.push(`${path} − ${show(e)}`);
    return;
  }
  const isFunction = (v: TlaValue | undefined) => v !== undefined && (v.kind === 'seq' || v.kind === 'record' || v.kind === 'fn');
  if (isFunction(a) && isFunction(b)) {
    const left = new Map(functionEntries(a as TlaValue).map(([k, v]) => [k.key, [k, v] as const]));
    const right = new Map(functionEntries(b as TlaValue).map(([k, v]) => [k.key, [k, v] as const]));
    for (const [k] of new Map([...left, ...right]).values()) {
      const at = (a as TlaValue).kind === 'record' && k.kind === 'str' ? `${path}.${k.value}` : `${path}[${k.kind === 'str' ? k.value : k.key}]`;
      valueChanges(at, left.get(k.key)?.[1], right.get(k.key)?.[1], out);
    }
    return;
  }
  out.push(`${path}: ${a?.key ?? '(none)'} → ${b?.key ?? '(none)'}`);
}

/** A bag of messages (message -> copies, <<>> when empty): the copies put on and taken off. False if the values are not bags. */
function bagChanges(path: string, a: TlaValue, b: TlaValue, out: string[]): boolean {
  const asBag = (v: TlaValue): Map<string, [TlaValue, number]> | undefined => {
    if (v.kind === 'seq' && v.elems.length === 0) return new Map();
    if (v.kind !== 'fn') return undefined;
    if (!v.entries.every(([k, n]) => showMessage(k) !== undefined && n.kind === 'int')) return undefined;
    return new Map(v.entries.map(([k, n]) => [k.key, [k, n.kind === 'int' ? n.value : 0]]));
  };
  const x = asBag(a);
  const y = asBag(b);
  if (x === undefined || y === undefined || (x.size === 0 && y.size === 0)) return false;
  for (const [key, [m, n]] of y) if (n > (x.get(key)?.[1] ?? 0)) out.push(`${path} + ${showMessage(m)}${n > 1 ? ` (${n} copies)` : ''}`);
  for (const [key, [m, n]] of x) {
    const left = y.get(key)?.[1] ?? 0;
    if (left < n) out.push(`${path} − ${showMessage(m)}${left > 0 ? ` (${left} left)` : ''}`);
  }
  return true;
}

/** A model's bounds as its .cfg assigns them, e.g. "Server = {s1, s2}, MaxTerm = 2" (without `Nil = Nil`). */
export function modelConstants(config: TlcConfig): string {
  return [...config.constants]
    .filter(([name, v]) => !(v.kind === 'model' && v.name === name))
    .map(([name, v]) => `${name} = ${v.key}`)
    .join(', ');
}
