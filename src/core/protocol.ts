// What a protocol folder provides to the shared machinery (the TLC bridge, the explorer, the
// conformance checks, the traces and the CLI). Adding a protocol is adding one of these to
// src/protocols.ts, with its specs/, src/, conformance/ and traces/ folders.

import { join } from 'node:path';
import type { ClusterModel } from '../explore/model.ts';
import type { TlaValue } from './tla/value.ts';
import { repoRoot } from './paths.ts';

/** The models every protocol has: each a .cfg of the protocol's MC module. */
export const MODELS = ['ci', 'conformance', 'deep', 'traces'] as const;
export type ModelName = (typeof MODELS)[number] | (string & {});

export interface Mutant {
  /** A short kebab-case name, e.g. "vote-ignores-log". */
  readonly name: string;
  /** The bug, as a reader would describe it. */
  readonly description: string;
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
  createModel(constants: ReadonlyMap<string, TlaValue>, options?: { mutant?: string }): ClusterModel<S, A>;
  readonly mutants: readonly Mutant[];
  readonly targets: readonly TraceTarget[];
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
