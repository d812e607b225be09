// Running TLC on a spec and reading its verdict.
//
// TLC runs in its own JVM, which must never outlive the run that started it: a model checker
// left behind keeps every core busy. So java is started in a process group of its own, a
// timeout or an abort stops the whole group (SIGTERM, then SIGKILL after a grace period), and
// while any TLC runs, our own exit and SIGINT/SIGTERM/SIGHUP kill the groups still alive.
// Each run gets a fresh metadir (TLC's on-disk state queue and fingerprints), deleted afterwards,
// and a java.io.tmpdir of its own inside it: SANY copies the standard modules it EXTENDS out of
// the jar to a fixed name in the JVM's tmpdir (/tmp/Naturals.tla), truncating it first and
// deleting it at exit, so two TLCs sharing /tmp can parse each other's half-written copy and
// fail with "Module-Table lookup failure" (tlaplus/tlaplus#688, fixed after 2.18).

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { InputError, UserError } from '../errors.ts';
import { locateTlc } from './install.ts';
import { explainMissingModule, newerConfigKeyword, tlaLibraries } from './libraries.ts';
import { TlcOutputParser } from './output.ts';
import type { TlcProgress, TlcResult } from './output.ts';

export interface RunTlcOptions {
  /** The .tla file; TLC runs in its folder, so EXTENDS finds the modules beside it. */
  spec: string;
  /** Default: the spec's path with .cfg for .tla. */
  config?: string;
  /** Default 1, TLC's own default: one worker finds the same counterexample every time. */
  workers?: number | 'auto';
  timeoutSeconds?: number;
  /** Write the state graph as GraphViz with action labels (TLC adds ".dot" if the name lacks it). */
  dumpDot?: string;
  /** Random simulation instead of model checking: `num` behaviours of `depth` states, written to `file`_0_<i>. */
  simulate?: { file: string; num: number; depth: number; seed: number };
  /** false: do not report deadlocks (TLC's -deadlock). */
  deadlock?: boolean;
  extraArgs?: string[];
  /** Default: TLC_JAVA_OPTS split at whitespace, else -XX:+UseParallelGC (which TLC asks for). */
  javaOpts?: string[];
  onProgress?: (progress: TlcProgress) => void;
  /** Every line TLC prints, stdout and stderr. */
  onLine?: (line: string) => void;
  /** Aborting stops TLC and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Folders of modules and jars (--lib), besides specs/lib and TLA_LIBRARY (src/core/tlc/libraries.ts). */
  libraries?: readonly string[];
}

const KILL_GRACE_MS = 2000;

export async function runTlc(opts: RunTlcOptions): Promise<TlcResult> {
  const spec = resolve(opts.spec);
  requireFile(spec, opts.spec, 'no such TLA+ spec');
  const configName = opts.config ?? `${opts.spec.replace(/\.tla$/, '')}.cfg`;
  const config = resolve(configName);
  requireFile(config, configName, 'no such TLC config file');

  // TLC 2.18 reads a keyword it does not know as a broken config: say so before it runs.
  if (process.env.TLA2TOOLS_JAR === undefined || process.env.TLA2TOOLS_JAR === '') {
    const newer = newerConfigKeyword(readFileSync(config, 'utf8'));
    if (newer !== undefined) {
      throw new InputError(configName, newer[0], `${newer[1]} needs a newer TLC than the installed 2.18: set TLA2TOOLS_JAR to the official tla2tools.jar (1.8 or later)`);
    }
  }
  const libraries = tlaLibraries(opts.libraries);
  const { java, jar } = await locateTlc();
  // Output paths are the caller's, relative to our cwd, not to the spec's folder where TLC runs.
  const dumpDot = opts.dumpDot === undefined ? undefined : resolve(opts.dumpDot);
  const simulate = opts.simulate === undefined ? undefined : { ...opts.simulate, file: resolve(opts.simulate.file) };
  // TLC fails rather than create the folder of an output file.
  if (dumpDot !== undefined) await mkdir(dirname(dumpDot), { recursive: true });
  if (simulate !== undefined) await mkdir(dirname(simulate.file), { recursive: true });

  const metadir = await mkdtemp(join(tmpdir(), 'consensus-lab-tlc-'));
  try {
    const javaTmp = join(metadir, 'java-tmp');
    await mkdir(javaTmp);
    const tlcArgs = ['-tool', '-workers', String(opts.workers ?? 1), '-metadir', metadir, '-config', config];
    if (opts.deadlock === false) tlcArgs.push('-deadlock');
    if (dumpDot !== undefined) tlcArgs.push('-dump', 'dot,actionlabels', dumpDot);
    if (simulate !== undefined) {
      tlcArgs.push('-simulate', `file=${simulate.file},num=${simulate.num}`, '-depth', String(simulate.depth), '-seed', String(simulate.seed));
    }
    // TLC runs in the spec's folder and is given the spec's bare name: given a full path, it
    // looks for a -config file outside that folder in the wrong place.
    tlcArgs.push(...(opts.extraArgs ?? []), basename(spec));
    const args = [
      `-Djava.io.tmpdir=${javaTmp}`,
      ...(opts.javaOpts ?? defaultJavaOpts()),
      `-DTLA-Library=${libraries.folders.join(delimiter)}`,
      '-cp',
      [jar, ...libraries.jars].join(delimiter),
      'tlc2.TLC',
      ...tlcArgs,
    ];
    opts.signal?.throwIfAborted();
    const result = await supervise(java, args, dirname(spec), metadir, opts);
    const missing = result.outcome === 'error' && result.error !== undefined ? explainMissingModule(result.error) : undefined;
    return missing === undefined ? result : { ...result, error: missing };
  } finally {
    await rm(metadir, { recursive: true, force: true });
  }
}

function requireFile(path: string, given: string, detail: string): void {
  if (!existsSync(path) || !statSync(path).isFile()) throw new InputError(given, undefined, detail);
}

/** The JVM's options for TLC: TLC_JAVA_OPTS, or the parallel collector. */
export function defaultJavaOpts(): string[] {
  const fromEnv = process.env.TLC_JAVA_OPTS;
  if (fromEnv === undefined) return ['-XX:+UseParallelGC'];
  return fromEnv.split(/\s+/).filter((opt) => opt !== '');
}

function supervise(java: string, args: string[], cwd: string, metadir: string, opts: RunTlcOptions): Promise<TlcResult> {
  return new Promise((resolveResult, reject) => {
    const startedAt = performance.now();
    const wallSeconds = () => (performance.now() - startedAt) / 1000;
    const parser = new TlcOutputParser((event) => {
      if (event.kind === 'progress') opts.onProgress?.(event.progress);
      else if (event.kind === 'line') opts.onLine?.(event.line);
    });

    const child = spawn(java, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const run: LiveRun | undefined = child.pid === undefined ? undefined : { pid: child.pid, metadir };
    if (run !== undefined) track(run);

    let stoppedFor: 'timeout' | 'abort' | undefined;
    let escalation: NodeJS.Timeout | undefined;
    const stop = (reason: 'timeout' | 'abort') => {
      if (stoppedFor !== undefined || run === undefined) return;
      stoppedFor = reason;
      killGroup(run.pid, 'SIGTERM');
      escalation = setTimeout(() => killGroup(run.pid, 'SIGKILL'), KILL_GRACE_MS);
    };
    const timeout = opts.timeoutSeconds === undefined ? undefined : setTimeout(() => stop('timeout'), opts.timeoutSeconds * 1000);
    const onAbort = () => stop('abort');
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      clearTimeout(escalation);
      opts.signal?.removeEventListener('abort', onAbort);
      if (run !== undefined) untrack(run);
      outcome();
    };

    child.stdout.setEncoding('utf8').on('data', (chunk: string) => parser.feed(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => parser.feedStderr(chunk));
    child.on('error', (e) => settle(() => reject(new UserError(`could not run ${java}: ${e.message}`))));
    child.on('close', (code, signal) =>
      settle(() => {
        const result = parser.finish();
        if (stoppedFor === 'abort') reject(opts.signal?.reason);
        else if (stoppedFor === 'timeout') resolveResult(failed(result, `TLC timed out after ${opts.timeoutSeconds}s`, wallSeconds()));
        else if (signal !== null) resolveResult(failed(result, `TLC was killed by ${signal}${result.error === undefined ? '' : ` (${result.error})`}`, wallSeconds()));
        else if (result.outcome === 'ok' && code !== 0) resolveResult(failed(result, `TLC reported success but exited with code ${code}`, result.seconds));
        else resolveResult(result.seconds > 0 ? result : { ...result, seconds: wallSeconds() });
      }),
    );
  });
}

/** The result as an error: what TLC said before it stopped (statistics, warnings) is kept. */
function failed(result: TlcResult, error: string, seconds: number): TlcResult {
  const { violated: _violated, ...rest } = result;
  return { ...rest, outcome: 'error', error, seconds };
}

// ---- no TLC outlives us -------------------------------------------------------------------------

interface LiveRun {
  /** java's pid, which is also its process group's id. */
  pid: number;
  metadir: string;
}

const liveRuns = new Set<LiveRun>();
const FATAL_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function track(run: LiveRun): void {
  // Handlers only while TLC runs: a SIGINT listener would otherwise stop Ctrl-C from ending us.
  if (liveRuns.size === 0) {
    process.on('exit', killLiveRuns);
    for (const signal of FATAL_SIGNALS) process.on(signal, onFatalSignal);
  }
  liveRuns.add(run);
}

function untrack(run: LiveRun): void {
  liveRuns.delete(run);
  if (liveRuns.size === 0) removeHandlers();
}

function removeHandlers(): void {
  process.off('exit', killLiveRuns);
  for (const signal of FATAL_SIGNALS) process.off(signal, onFatalSignal);
}

/** Synchronous, for 'exit': there is no time for a grace period or async clean-up. */
function killLiveRuns(): void {
  for (const run of liveRuns) {
    killGroup(run.pid, 'SIGKILL');
    rmSync(run.metadir, { recursive: true, force: true });
  }
  liveRuns.clear();
}

function onFatalSignal(signal: NodeJS.Signals): void {
  killLiveRuns();
  removeHandlers();
  // Die of the signal, as we would have without our handler, unless someone else handles it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}
