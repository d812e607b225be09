// The TLC-generated traces each protocol's TypeScript model must replay (traces/<protocol>/):
// random behaviours from TLC's simulator with fixed seeds, and targeted behaviours that TLC
// finds as the shortest counterexamples to "this never happens" properties. A manifest says
// from what they were made (spec digests, TLC version, seeds, command), so that a change to the
// spec without regenerating them is caught.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { InputError, UserError } from '../core/errors.ts';
import { repoRoot } from '../core/paths.ts';
import { modelConfigPath, modulePath } from '../core/protocol.ts';
import type { Protocol, TraceTarget } from '../core/protocol.ts';
import { readItf, writeItf } from '../core/tla/itf.ts';
import type { ItfTrace } from '../core/tla/itf.ts';
import { parseSimulationTrace } from '../core/tla/simulation.ts';
import type { TlaState } from '../core/tla/value.ts';
import { locateTlc } from '../core/tlc/install.ts';
import { runTlc } from '../core/tlc/run.ts';

export const TRACE_MODEL = 'traces';

export interface TraceEntry {
  /** Relative to traces/<protocol>/. */
  readonly file: string;
  readonly kind: 'random' | 'target';
  readonly steps: number;
  /** Random traces: TLC's -seed, and which of that run's behaviours this is. */
  readonly seed?: number;
  readonly behaviour?: number;
  /** Targeted traces: the property TLC found violated. */
  readonly property?: string;
  readonly description?: string;
}

export interface TraceManifest {
  readonly protocol: string;
  /** The command that regenerates everything here. */
  readonly command: string;
  readonly tlc: { readonly version: string; readonly jarSha256: string };
  /** The module and model the traces were drawn from. */
  readonly module: string;
  readonly model: string;
  /** sha256 of each spec file the traces depend on, when they were made. */
  readonly spec: Readonly<Record<string, string>>;
  readonly simulation: { readonly depth: number; readonly minSteps: number; readonly behavioursPerSeed: number; readonly command: string };
  readonly traces: readonly TraceEntry[];
}

export function tracesDir(p: Protocol): string {
  return join(repoRoot(), 'traces', p.name);
}

export function regenerateCommand(p: Protocol): string {
  return `npx consensus-lab traces generate ${p.name}`;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** The digests of the spec files a protocol's traces depend on. */
export function specDigests(p: Protocol): Record<string, string> {
  return Object.fromEntries(
    p.specFiles.map((f) => {
      const path = join(repoRoot(), p.specDir, f);
      if (!existsSync(path)) throw new InputError(relative(repoRoot(), path), undefined, 'spec file listed by the protocol is missing');
      return [f, sha256(readFileSync(path))];
    }),
  );
}

export function readManifest(p: Protocol): TraceManifest {
  const path = join(tracesDir(p), 'manifest.json');
  const shown = relative(repoRoot(), path);
  if (!existsSync(path)) throw new UserError(`${shown} is missing: run \`${regenerateCommand(p)}\``);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as TraceManifest;
  } catch (e) {
    throw new InputError(shown, undefined, `not valid JSON (${(e as Error).message}): run \`${regenerateCommand(p)}\``);
  }
}

/** Throws if a spec file changed since the traces were made. */
export function checkTracesFresh(p: Protocol, manifest: TraceManifest): void {
  const now = specDigests(p);
  const changed = Object.keys({ ...now, ...manifest.spec }).filter((f) => now[f] !== manifest.spec[f]);
  if (changed.length > 0) {
    throw new UserError(
      `traces/${p.name} were generated from another version of ${changed.join(', ')}: run \`${regenerateCommand(p)}\` and commit the result`,
      1,
    );
  }
}

/** Read a trace file, gzipped or not. */
export function readTraceFile(path: string): ItfTrace {
  const shown = relative(process.cwd(), path) || path;
  if (!existsSync(path)) throw new InputError(shown, undefined, 'no such trace file');
  const bytes = readFileSync(path);
  let text: string;
  try {
    text = path.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  } catch {
    throw new InputError(shown, undefined, 'not a gzip file: trace files ending in .gz must be gzipped ITF JSON');
  }
  return readItf(text, shown);
}

function writeTraceFile(path: string, trace: ItfTrace): void {
  const text = writeItf(trace);
  writeFileSync(path, path.endsWith('.gz') ? gzipSync(text, { level: 9 }) : text);
}

export interface GenerateOptions {
  /** Random traces to keep (default 200). */
  readonly count?: number;
  /** States per random behaviour, TLC's -depth (default 41: 40 steps). */
  readonly depth?: number;
  /** Shortest random behaviour kept, in steps (default 30). */
  readonly minSteps?: number;
  readonly behavioursPerSeed?: number;
  readonly log?: (line: string) => void;
}

/** Regenerate traces/<protocol>/ from scratch with TLC, and write its manifest. */
export async function generateTraces(p: Protocol, options: GenerateOptions = {}): Promise<TraceManifest> {
  const count = options.count ?? 200;
  const depth = options.depth ?? 41;
  const minSteps = options.minSteps ?? 30;
  const perSeed = options.behavioursPerSeed ?? 25;
  const log = options.log ?? (() => {});
  const spec = modulePath(p, p.traceModule);
  const config = modelConfigPath(p, TRACE_MODEL);
  const { jar } = await locateTlc();
  const dir = tracesDir(p);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'random'), { recursive: true });
  mkdirSync(join(dir, 'targets'), { recursive: true });
  const entries: TraceEntry[] = [];
  let version = '';

  const scratch = mkdtempSync(join(tmpdir(), 'consensus-lab-traces-'));
  try {
    for (let seed = 1; entries.length < count; seed++) {
      if (seed > 20 * Math.ceil(count / perSeed)) {
        throw new UserError(`TLC's behaviours of ${relative(repoRoot(), config)} are too short: fewer than ${count} reach ${minSteps} steps`);
      }
      const prefix = join(scratch, `seed${seed}`, 'trace');
      const result = await runTlc({ spec, config, deadlock: false, simulate: { file: prefix, num: perSeed, depth, seed } });
      if (result.outcome !== 'ok') throw new UserError(`TLC's simulation of ${p.name} failed: ${result.error ?? result.violated ?? result.outcome}`);
      version = result.version ?? version;
      const files = readdirSync(join(scratch, `seed${seed}`)).filter((f) => /^trace_\d+_\d+$/.test(f));
      files.sort((a, b) => Number(a.split('_')[2]) - Number(b.split('_')[2]));
      for (const f of files) {
        if (entries.length >= count) break;
        const states = parseSimulationTrace(readFileSync(join(scratch, `seed${seed}`, f), 'utf8'), f);
        if (states.length - 1 < minSteps) continue;
        const behaviour = Number(f.split('_')[2]);
        const file = `random/seed${seed}-${behaviour}.itf.json.gz`;
        writeTraceFile(join(dir, file), itfOf(p, states, { model: TRACE_MODEL, source: 'TLC -simulate', seed, behaviour }));
        entries.push({ file, kind: 'random', steps: states.length - 1, seed, behaviour });
      }
      log(`  seed ${seed}: ${entries.length}/${count} random traces`);
    }
    for (const target of p.targets) {
      const states = await findTarget(p, target, scratch);
      const file = `targets/${target.name}.itf.json`;
      const meta = { model: target.model ?? TRACE_MODEL, source: `TLC: shortest counterexample to ${target.property}`, description: target.description };
      writeTraceFile(join(dir, file), itfOf(p, states, meta));
      entries.push({ file, kind: 'target', steps: states.length - 1, property: target.property, description: target.description });
      log(`  target ${target.name}: ${states.length - 1} steps`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const manifest: TraceManifest = {
    protocol: p.name,
    command: regenerateCommand(p),
    tlc: { version, jarSha256: sha256(readFileSync(jar)) },
    module: p.traceModule,
    model: relative(join(repoRoot(), p.specDir), config),
    spec: specDigests(p),
    simulation: {
      depth,
      minSteps,
      behavioursPerSeed: perSeed,
      command: `java -cp tla2tools.jar tlc2.TLC -simulate file=trace,num=${perSeed} -depth ${depth} -seed <seed> -deadlock -config ${relative(join(repoRoot(), p.specDir), config)} ${p.traceModule}`,
    },
    traces: entries,
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/** TLC's shortest behaviour that violates the target's "this never happens" property. */
async function findTarget(p: Protocol, target: TraceTarget, scratch: string): Promise<TlaState[]> {
  const base = readFileSync(modelConfigPath(p, target.model ?? TRACE_MODEL), 'utf8');
  const config = join(scratch, `${target.name}.cfg`);
  writeFileSync(config, `${base}\n${target.kind === 'invariant' ? 'INVARIANT' : 'PROPERTY'} ${target.property}\n`);
  const result = await runTlc({ spec: modulePath(p, p.traceModule), config, deadlock: false, workers: 1 });
  if (result.violated !== target.property || result.trace === undefined) {
    throw new UserError(
      `TLC did not find ${target.property} violated in ${p.name}'s traces model (${result.outcome}${result.error ? `: ${result.error}` : ''}): the targeted trace "${target.name}" cannot be made`,
    );
  }
  return result.trace.map((s) => s.state);
}

function itfOf(p: Protocol, states: TlaState[], meta: Record<string, unknown>): ItfTrace {
  return {
    meta: { format: 'ITF', 'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html', protocol: p.name, module: p.traceModule, ...meta },
    vars: Object.keys(states[0]).sort(),
    states,
  };
}

/** Every trace of the manifest, as files. */
export function manifestTraceFiles(p: Protocol, manifest: TraceManifest): string[] {
  return manifest.traces.map((t) => join(tracesDir(p), t.file));
}
