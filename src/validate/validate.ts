// Trace validation by TLC (etcd-raft's and CCF's method): an implementation's event log becomes a
// generated TLA+ module, the log as a sequence of records, that EXTENDS the protocol's trace
// spec (specs/<protocol>/Validate<P>.tla); TLC follows the log line by line, each line one action
// of the spec whose successor agrees with what the line logs. The log is accepted when TLC's search
// reaches its last line (the depth of the search is one state a line, and the initial one); else
// the first line no behaviour can follow is at that depth, and the protocol explains it.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../core/errors.ts';
import type { Protocol } from '../core/protocol.ts';
import { repoRoot } from '../core/paths.ts';
import { defaultJavaOpts, runTlc } from '../core/tlc/run.ts';
import type { TlcProgress } from '../core/tlc/output.ts';
import { readEventLog } from './log.ts';
import type { LoggedLine } from './log.ts';

export interface TraceModel {
  /** The generated module's text (it EXTENDS the trace spec) and its model. */
  readonly module: string;
  readonly cfg: string;
  /** The lines that are steps, in order: TraceLog[k] is steps[k - 1]. */
  readonly steps: readonly LoggedLine[];
  /**
   * The trace spec's operator that TLC tells states apart by (its VIEW): the next line. A validator
   * gives it only for a log none of whose steps can have two different successors: each line then
   * has one state, the verdict is the same as without it, and TLC hashes a number at each line
   * rather than the whole state. (It may still make a successor twice, once for each disjunct of
   * an action that holds.)
   */
  readonly view?: string;
}

export interface TraceValidator {
  /** The trace spec, beside the protocol's other modules. */
  readonly module: string;
  model(lines: readonly LoggedLine[], moduleName: string): TraceModel;
  /** Why no behaviour follows step `failing` (0-based): the state before it, what is enabled, what disagrees. */
  explain(lines: readonly LoggedLine[], steps: readonly LoggedLine[], failing: number): string[];
}

export interface ValidationResult {
  readonly file: string;
  readonly lines: number;
  readonly steps: number;
  readonly accepted: boolean;
  /** The first line (of the file) that no behaviour of the spec can follow. */
  readonly rejectedLine?: number;
  readonly rejectedAction?: string;
  readonly explanation?: readonly string[];
  readonly tlc: { readonly distinctStates?: number; readonly statesGenerated?: number; readonly depth?: number; readonly seconds: number };
  readonly seconds: number;
}

/**
 * How far TLC has followed a log: TLC reports its depth about once a minute. Before it follows
 * the first line it reads the generated module, which for a long log takes minutes of its own
 * (SANY builds a node for every value of every line), so each stage before is reported too.
 */
export type ValidationProgress =
  | { readonly followed: number; readonly steps: number; readonly states: number; readonly seconds?: number }
  | { readonly stage: ValidationStage; readonly steps: number; readonly seconds: number };

export type ValidationStage = 'parsing' | 'semantic' | 'constants' | 'following';

const STAGE_TEXT: Readonly<Record<ValidationStage, string>> = {
  parsing: 'is parsing the log',
  semantic: 'is reading the log (SANY’s semantic processing)',
  constants: 'is evaluating the log as a constant',
  following: 'has started following the log',
};

/** The stage of a validation that TLC's (or SANY's) output line begins, if any. */
export function validationStage(line: string, moduleName: string): ValidationStage | undefined {
  if (line.startsWith('Parsing file ') && line.endsWith(`${moduleName}.tla`)) return 'parsing';
  if (line.startsWith(`Semantic processing of module ${moduleName}`)) return 'semantic';
  if (line.startsWith('Starting... (')) return 'constants';
  if (line.startsWith('Finished computing initial states')) return 'following';
  return undefined;
}

/** The progress as one line. */
export function validationProgressLine(x: ValidationProgress): string {
  const steps = x.steps.toLocaleString('en-US');
  if ('stage' in x) return `TLC ${STAGE_TEXT[x.stage]} of ${steps} steps (${x.seconds.toFixed(0)} s since it started)`;
  return `TLC has followed ${x.followed.toLocaleString('en-US')} of ${steps} steps${x.seconds === undefined ? '' : ` in ${x.seconds.toFixed(0)} s`} (${x.states.toLocaleString('en-US')} states)`;
}

/** TLC's message on one line, cut short: some end with a whole state, megabytes of it. */
export function abridged(message: string, max = 400): string {
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max)}... (${(line.length - max).toLocaleString('en-US')} more characters)`;
}

export async function validateLog(
  p: Protocol,
  validator: TraceValidator,
  file: string,
  options: { onProgress?: (x: ValidationProgress) => void; workers?: number } = {},
): Promise<ValidationResult> {
  const started = performance.now();
  const lines = readEventLog(file);
  // The name the trace spec EXTENDS.
  const name = 'TraceLogModule';
  const model = validator.model(lines, name);
  if (model.steps.length === 0) throw new UserError(`${file}: no steps to validate, only an Init line`);
  const dir = mkdtempSync(join(tmpdir(), 'consensus-lab-validate-'));
  try {
    writeFileSync(join(dir, `${name}.tla`), model.module);
    writeFileSync(join(dir, `${name}.cfg`), model.view === undefined ? model.cfg : `${model.cfg}VIEW ${model.view}\n`);
    // TLC checks the trace spec, which EXTENDS the generated module, found on TLC's library path.
    const tlcStarted = performance.now();
    const result = await runTlc({
      spec: join(repoRoot(), p.specDir, validator.module),
      config: join(dir, `${name}.cfg`),
      workers: options.workers ?? 1,
      libraries: [dir],
      // TLC evaluates an action's \A over a set one nested call an element: a primary's log of
      // thousands of pre-prepares (PBFT.tla's PrePrepare) needs more than the JVM's default stack.
      // A long log's states are large (the whole network, every log): half the machine's memory, not the JVM's quarter.
      javaOpts: ['-Xss256m', '-XX:MaxRAMPercentage=50', ...defaultJavaOpts()],
      // No checkpoints: TLC writes a state's level as a 16-bit number when it checkpoints (every
      // 30 minutes by default), and a log is one level a line, so the first checkpoint past line
      // 32,767 would end the run ("behaviors of length up to 65535 states").
      extraArgs: ['-checkpoint', '0'],
      onProgress:
        options.onProgress &&
        ((x: TlcProgress) => options.onProgress?.({ followed: Math.max(0, (x.depth ?? 1) - 1), steps: model.steps.length, states: x.distinct ?? x.generated, seconds: x.seconds })),
      onLine:
        options.onProgress &&
        ((line: string) => {
          const stage = validationStage(line, name);
          if (stage !== undefined) options.onProgress?.({ stage, steps: model.steps.length, seconds: (performance.now() - tlcStarted) / 1000 });
        }),
    });
    const tlc = { distinctStates: result.distinctStates, statesGenerated: result.statesGenerated, depth: result.depth, seconds: result.seconds };
    const base = { file, lines: lines.length, steps: model.steps.length, tlc };
    if (result.outcome !== 'ok' || result.depth === undefined) {
      throw new UserError(`TLC could not validate ${file}: ${abridged(result.error ?? `${result.outcome} ${result.violated ?? ''}`)}`);
    }
    // TLC's depth counts states: the initial one and one per line followed. All of them: accepted.
    // (Not by an invariant violated at the end: TLC would print the whole behaviour, every state.)
    if (result.depth === model.steps.length + 1) return { ...base, accepted: true, seconds: (performance.now() - started) / 1000 };
    // Else the line at index depth - 1 is the first that no behaviour follows.
    const failing = Math.min(Math.max(result.depth - 1, 0), model.steps.length - 1);
    const rejected = model.steps[failing];
    return {
      ...base,
      accepted: false,
      rejectedLine: rejected.line,
      rejectedAction: rejected.event.action,
      explanation: validator.explain(lines, model.steps, failing),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
