// Benchmark: the TypeScript explorer against TLC on the same model, the same states.
//
//   npm run bench -- [protocol...] [--model ci]
//
// Each engine runs in a process of its own, measured from outside the same way: wall time, and
// peak resident memory sampled from /proc. TLC runs with one worker and with every core. The
// distinct-state counts must agree, or the figures compare nothing and the benchmark fails.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../src/core/paths.ts';
import { modelConfigPath, modulePath } from '../src/core/protocol.ts';
import { locateTlc } from '../src/core/tlc/install.ts';
import { parseTlcOutput } from '../src/core/tlc/output.ts';
import { PROTOCOLS, protocolNamed } from '../src/protocols.ts';
import { count, table } from '../src/cli/output.ts';

interface Measurement {
  readonly engine: string;
  readonly distinct: number | undefined;
  readonly generated: number | undefined;
  readonly seconds: number;
  readonly peakMB: number | undefined;
}

/** Run a command to completion, sampling its resident memory; stdout is returned. */
function measure(command: string, args: string[], cwd: string): Promise<{ stdout: string; seconds: number; peakMB: number | undefined; code: number | null }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    let peakKB: number | undefined;
    const sample = () => {
      try {
        const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
        if (rss !== undefined) peakKB = Math.max(peakKB ?? 0, Number(rss));
      } catch {
        // not Linux, or the process is gone
      }
    };
    const timer = setInterval(sample, 100);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ stdout, seconds: (performance.now() - started) / 1000, peakMB: peakKB === undefined ? undefined : peakKB / 1024, code });
    });
  });
}

async function tlc(protocol: string, model: string, workers: number): Promise<Measurement> {
  const p = protocolNamed(protocol);
  const { java, jar } = await locateTlc();
  const spec = modulePath(p, p.module);
  const metadir = join(repoRoot(), '.cache', `bench-metadir-${process.pid}-${workers}`);
  const args = ['-XX:+UseParallelGC', '-cp', jar, 'tlc2.TLC', '-tool', '-workers', String(workers), '-metadir', metadir, '-config', modelConfigPath(p, model), spec.split('/').pop() as string];
  const run = await measure(java, args, join(repoRoot(), p.specDir));
  const result = parseTlcOutput(run.stdout);
  if (result.outcome !== 'ok') throw new Error(`TLC on ${protocol} ${model}: ${result.error ?? result.outcome}`);
  return { engine: `TLC, ${workers} worker${workers === 1 ? '' : 's'}`, distinct: result.distinctStates, generated: result.statesGenerated, seconds: run.seconds, peakMB: run.peakMB };
}

async function explorer(protocol: string, model: string): Promise<Measurement> {
  const run = await measure(process.execPath, [join(repoRoot(), 'bin', 'consensus-lab.js'), 'explore', protocol, '--model', model, '--json', '--quiet'], repoRoot());
  const result = JSON.parse(run.stdout) as { distinctStates: number; totalStates: number; result: string };
  if (result.result !== 'ok') throw new Error(`the explorer on ${protocol} ${model}: ${result.result}`);
  return { engine: 'TypeScript explorer', distinct: result.distinctStates, generated: result.totalStates, seconds: run.seconds, peakMB: run.peakMB };
}

const { values, positionals } = parseArgs({ options: { model: { type: 'string', default: 'ci' } }, allowPositionals: true });
const model = values.model as string;
const names = positionals.length > 0 ? positionals : PROTOCOLS.map((p) => p.name);
const cores = availableParallelism();
const rows: string[][] = [];
const ratios: string[] = [];
let failed = false;
for (const name of names) {
  const runs = [await tlc(name, model, 1), ...(cores > 1 ? [await tlc(name, model, cores)] : []), await explorer(name, model)];
  const rate = (m: Measurement) => (m.distinct ?? 0) / m.seconds;
  for (const m of runs) {
    rows.push([`${name} ${model}`, m.engine, count(m.distinct), count(m.generated), m.seconds.toFixed(1), count(Math.round(rate(m))), m.peakMB === undefined ? '-' : m.peakMB.toFixed(0)]);
  }
  const ts = runs[runs.length - 1];
  const best = runs[runs.length - 2];
  if (runs.some((m) => m.distinct !== ts.distinct)) {
    failed = true;
    ratios.push(`${name} ${model}: the engines found different numbers of states; no comparison`);
  } else {
    const memory = ts.peakMB !== undefined && best.peakMB !== undefined ? `, ${(ts.peakMB / best.peakMB).toFixed(2)}x the memory` : '';
    ratios.push(`${name} ${model}: the TypeScript explorer runs at ${(rate(ts) / rate(best)).toFixed(2)}x the states per second of ${best.engine}${memory}, on the same ${count(ts.distinct)} states`);
  }
}
process.stdout.write(`${table(['model', 'engine', 'distinct', 'generated', 'seconds', 'states/s', 'peak MB'], rows)}\n\n${ratios.join('\n')}\n`);
process.exitCode = failed ? 1 : 0;
