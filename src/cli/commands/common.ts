// What several commands share: resolving protocols and models, printing TLC's and the
// explorer's progress and verdicts.

import { UserError } from '../../core/errors.ts';
import { MODELS, modelConfigPath } from '../../core/protocol.ts';
import type { Protocol } from '../../core/protocol.ts';
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import type { TlcProgress, TlcResult } from '../../core/tlc/output.ts';
import { showState } from '../../core/tla/value.ts';
import type { ExploreProgress, ExploreResult } from '../../explore/explorer.ts';
import type { ClusterModel } from '../../explore/model.ts';
import { formatAction } from '../../conformance/diff.ts';
import { protocolNamed } from '../../protocols.ts';
import { count, secs } from '../output.ts';
import { loadImplementation } from '../../impl/implementation.ts';
import type { Implementation } from '../../impl/implementation.ts';
import { intOption, stringOption } from '../main.ts';
import type { CommandContext } from '../main.ts';
import type { Progress } from '../output.ts';

export function requireProtocol(name: string | undefined, command: string): Protocol {
  if (name === undefined) throw new UserError(`${command} needs a protocol: consensus-lab ${command} <protocol>`);
  return protocolNamed(name);
}

/** --impl and --impl-timeout: the implementation to drive instead of ours, if any. */
export async function implementationOption(values: CommandContext['values']): Promise<Implementation | undefined> {
  const spec = stringOption(values, 'impl');
  if (spec === undefined) {
    if (values['impl-timeout'] !== undefined) throw new UserError('--impl-timeout goes with --impl');
    return undefined;
  }
  return loadImplementation(spec, { timeoutSeconds: intOption(values, 'impl-timeout') });
}

/** A model name must have its .cfg: specs/<dir>/<protocol>.<model>.cfg. */
/** The protocols that have the seeded bug `name`; none is a usage error. */
export function protocolsWithMutant(protocols: readonly Protocol[], name: string): Protocol[] {
  const having = protocols.filter((p) => p.mutants.some((m) => m.name === name));
  if (having.length === 0) throw new UserError(`no seeded bug named "${name}" in ${protocols.map((p) => p.name).join(', ')}: \`consensus-lab mutants --json\` lists them`);
  return having;
}

export function requireModel(p: Protocol, model: string): string {
  const path = modelConfigPath(p, model);
  if (!existsSync(path)) {
    throw new UserError(`${p.name} has no model "${model}" (no ${relative(process.cwd(), path)}); its models: ${MODELS.join(', ')}`);
  }
  return model;
}

export function tlcProgressLine(label: string, p: TlcProgress): string {
  const rate = p.seconds !== undefined && p.seconds > 0 && p.distinct !== undefined ? `, ${count(Math.round(p.distinct / p.seconds))} states/s` : '';
  return `${label}: ${count(p.distinct)} distinct states, ${count(p.generated)} generated, ${count(p.queue)} on the queue${rate}`;
}

export function exploreProgressLine(label: string, p: ExploreProgress): string {
  return `${label}: ${count(p.distinctStates)} distinct states, ${count(p.statesGenerated)} generated, ${count(p.queue)} on the queue, depth ${p.depth}, ${count(Math.round(p.statesPerSecond))} states/s`;
}

export function tlcProgress(progress: Progress, label: string) {
  return (p: TlcProgress) => progress.update(tlcProgressLine(label, p));
}

export function exploreProgress(progress: Progress, label: string) {
  return (p: ExploreProgress) => progress.update(exploreProgressLine(label, p));
}

/** One line: TLC's verdict and figures. */
export function tlcSummary(r: TlcResult): string {
  const verdict = r.outcome === 'ok' ? 'ok' : r.outcome === 'error' ? `error: ${r.error}` : `${r.outcome}${r.violated ? ` ${r.violated}` : ''} violated`;
  return `${verdict}; ${count(r.distinctStates)} distinct states, ${count(r.statesGenerated)} generated, depth ${r.depth ?? '-'}, ${secs(r.seconds)}`;
}

export function exploreSummary(r: ExploreResult<unknown, unknown>): string {
  const verdict =
    r.outcome === 'ok'
      ? 'ok'
      : r.outcome === 'invariant'
        ? `invariant ${r.violated} violated`
        : r.outcome === 'property'
          ? `action property ${r.violated} violated`
          : 'stopped at the state limit';
  return `${verdict}; ${count(r.distinctStates)} distinct states, ${count(r.statesGenerated)} generated, ${count(r.edges)} edges, depth ${r.depth}, ${secs(r.seconds)}, ${count(Math.round(r.statesPerSecond))} states/s`;
}

/** TLC's counterexample as TLC prints it. */
export function formatTlcTrace(r: TlcResult): string {
  return (r.trace ?? [])
    .map((s) => `State ${s.index}: <${s.action}>\n${showState(s.state)}`)
    .concat(r.lassoStart !== undefined ? [`Back to state ${r.lassoStart}.`] : [])
    .join('\n\n');
}

/** The explorer's counterexample, as TLC would print it, with each step's parameters. */
export function formatExploreTrace(model: ClusterModel<unknown, unknown>, r: ExploreResult<unknown, unknown>): string {
  return (r.counterexample ?? [])
    .map((s, i) => `State ${i + 1}: <${s.action === undefined ? 'Initial predicate' : formatAction(model.actionToTla(s.action))}>\n${showState(model.stateToTla(s.state))}`)
    .join('\n\n');
}

export function tlcJson(r: TlcResult) {
  return {
    result: r.outcome,
    violated: r.violated,
    error: r.error,
    distinctStates: r.distinctStates,
    totalStates: r.statesGenerated,
    depth: r.depth,
    seconds: r.seconds,
    version: r.version,
  };
}

export function exploreJson(r: ExploreResult<unknown, unknown>) {
  return {
    result: r.outcome,
    violated: r.violated,
    distinctStates: r.distinctStates,
    totalStates: r.statesGenerated,
    edges: r.edges,
    depth: r.depth,
    seconds: r.seconds,
    statesPerSecond: Math.round(r.statesPerSecond),
  };
}

export function traceJson(model: ClusterModel<unknown, unknown>, r: ExploreResult<unknown, unknown>) {
  return r.counterexample?.map((s) => ({
    action: s.action === undefined ? 'Init' : formatAction(model.actionToTla(s.action)),
    state: Object.fromEntries(Object.entries(model.stateToTla(s.state)).map(([k, v]) => [k, v.key])),
  }));
}

export function tlcTraceJson(r: TlcResult) {
  return r.trace?.map((s) => ({ action: s.action, state: Object.fromEntries(Object.entries(s.state).map(([k, v]) => [k, v.key])) }));
}
