// What a protocol folder provides to the shared machinery (the TLC bridge, the explorer, the
// conformance checks, the traces and the CLI). Adding a protocol is adding one of these to
// src/protocols.ts, with its specs/, src/, conformance/ and traces/ folders.

import { join } from 'node:path';
import type { ClusterModel } from '../explore/model.ts';
import type { TlaValue } from './tla/value.ts';
import type { TraceValidator } from '../validate/validate.ts';
import type { Implementation } from '../impl/implementation.ts';
import type { DriverHandler } from '../impl/serve.ts';
import { repoRoot } from './paths.ts';

/** The models every protocol has: each a .cfg of the protocol's MC module. */
export const MODELS = ['ci', 'conformance', 'deep', 'traces'] as const;
export type ModelName = (typeof MODELS)[number] | (string & {});

/**
 * A seeded bug: one rule of the reducer replaced with a plausible mistake, and the same rule of
 * the spec replaced in the mutant's own model (a .cfg of the protocol's mutants module with one
 * override `Rule <- BuggyRule`). It must be caught three ways (src/conformance/mutants.ts): TLC
 * on its model finds `breaks` violated, so does the explorer, and the mutated reducer parts from
 * TLC's state graph of the correct spec.
 */
export interface Mutant {
  /** A kebab-case name that starts with the protocol's, e.g. "raft-vote-no-log-check". */
  readonly name: string;
  /** The bug, as a reader would describe it. */
  readonly description: string;
  /** The spec's operator the mutant's model overrides (`rule <- BuggyRule` in its .cfg). */
  readonly rule?: string;
  /** The invariant or property the bug breaks, as the spec (and TLC) names it. */
  readonly breaks?: string;
  /** The mutant's model: specs/<dir>/<protocol>.<model>.cfg, a model of the protocol's mutantsModule. */
  readonly model?: ModelName;
  /** A liveness bug: TLC finds `breaks`, a temporal property, violated; the explorer checks safety only (its verdict is n/a). */
  readonly liveness?: boolean;
  /**
   * The model whose state graph (TLC, correct spec) the mutated reducer must part from:
   * 'conformance' (the default), or a model where the bug can show, without its override.
   */
  readonly graphModel?: ModelName;
}

/** A mutant that replaces some of its reducer's rules (the rules object of src/<protocol>/node.ts). */
export interface RulesMutant<R> extends Mutant {
  readonly rules: Partial<R>;
}

/** The reducer's rules: the reference ones, or with the named mutant's in their place. */
export function rulesWithMutant<R>(reference: R, mutants: readonly RulesMutant<R>[], mutant: string | undefined, title: string): R {
  if (mutant === undefined) return reference;
  const found = mutants.find((m) => m.name === mutant);
  if (found === undefined) throw new RangeError(`no ${title} mutant named ${mutant}`);
  return { ...reference, ...found.rules };
}

/** A "this never happens" property of the trace module whose counterexample is a targeted trace. */
export interface TraceTarget {
  /** The trace's file name under traces/<protocol>/targets/, e.g. "log-repair". */
  readonly name: string;
  /** The invariant or action property (in the trace module) that TLC must find violated. */
  readonly property: string;
  readonly kind: 'invariant' | 'property';
  readonly description: string;
  /** The model (a .cfg beside the trace module) to search; default the traces model. */
  readonly model?: string;
}

export interface Protocol<S = unknown, A = unknown> {
  /** The CLI name, e.g. "raft". */
  readonly name: string;
  readonly title: string;
  /** The folder of the TLA+ modules and models, relative to the repository root. */
  readonly specDir: string;
  /** The MC module the ci, conformance and deep models check. */
  readonly module: string;
  /** The module with the history variable that the traces model simulates. */
  readonly traceModule: string;
  readonly historyVariable: string;
  /** The TLA+ files a trace depends on: a change to one means the traces must be regenerated. */
  readonly specFiles: readonly string[];
  /** The cluster model for a .cfg's constants; a mutant replaces one of the protocol's rules. */
  createModel(constants: ReadonlyMap<string, TlaValue>, options?: { mutant?: string; implementation?: Implementation }): ClusterModel<S, A>;
  /**
   * Where the protocol speaks the driver protocol (docs/driver.md): createModel takes an
   * implementation that is not ours (--impl), and this answers as ours (consensus-lab driver).
   */
  readonly driver?: () => DriverHandler;
  readonly mutants: readonly Mutant[];
  /** The module the mutants' models check (EXTENDS the MC module, defines the buggy rules), e.g. "MutantsRaft.tla". */
  readonly mutantsModule?: string;
  readonly targets: readonly TraceTarget[];
  /** Trace validation of implementations' event logs (consensus-lab validate): the trace spec and the log's mapping. */
  readonly traceValidator?: TraceValidator;
  /** More models whose whole state graph must be TLC's, for rules the conformance model cannot reach (Raft's batch). */
  readonly graphModels?: readonly ModelName[];
  /** Models only TLC checks, e.g. a liveness property under fairness; the gate requires them to pass. */
  readonly tlcOnlyModels?: readonly { readonly model: string; readonly description: string }[];
}

/**
 * A protocol with its state and action types forgotten, as the shared machinery (which only
 * hands a model back what the model gave it) and the registry hold it.
 */
export function defineProtocol<S, A>(p: Protocol<S, A>): Protocol {
  return p as unknown as Protocol;
}

/** The .cfg of a protocol's model: specs/<dir>/<protocol>.<model>.cfg. */
export function modelConfigPath(p: Protocol, model: ModelName): string {
  return join(repoRoot(), p.specDir, `${p.name}.${model}.cfg`);
}

export function modulePath(p: Protocol, module: string): string {
  return join(repoRoot(), p.specDir, module);
}
