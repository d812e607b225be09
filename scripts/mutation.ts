// Mutation testing of the reducers and cluster models with StrykerJS (issue 11, docs/mutation.md):
//
//   npm run mutation                      every protocol, one after the other, reducer then host
//   npm run mutation -- raft [pbft ...]   some (or MUTATION_PROTOCOL=raft npm run mutation)
//   npm run mutation -- raft --part host  only the host's policy (src/raft/host.ts); --part reducer,
//                                         only the reducer and cluster model (node.ts, cluster.ts)
//   npm run mutation -- pbft --part host --lines 791-880
//                                         only those lines of the host's policy (a part of a long run:
//                                         the scores file keeps each part's, the gate their sum)
//   npm run mutation -- raft --no-run     summarise the last run's report again, without Stryker
//   --json                                the summary as one JSON object on stdout
//
// For each protocol and part (the reducer with its cluster model; the host's policy): TLC's graphs of its conformance and extra graph models are made (or found)
// in .cache/graphs/, so that the sandbox Stryker copies has them; Stryker runs stryker.config.mjs
// with MUTATION_PROTOCOL and MUTATION_PART set, its reports going to reports/mutation/<protocol>/
// (the host's to reports/mutation/<protocol>-host/; mutation.html,
// mutation.json); this reads the JSON report (mutation-testing-report-schema) and prints, per
// mutated file, the mutants killed, survived, timed out and not covered, and the score; and it
// writes the scores, with the commit they were measured at, into docs/mutation-scores.json.
// Stryker's progress and its own table go to stderr. Exit 0 when every run completed (this is a
// measurement, not a gate: survivors do not fail it), 1 when Stryker failed, 2 on bad usage.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { count, printJson, table } from '../src/cli/output.ts';
import { tlcStateGraph } from '../src/conformance/checks.ts';
import { detectedPercent, mutatedFiles } from '../src/conformance/mutation-scores.ts';
import type { MutationPart } from '../src/conformance/mutation-scores.ts';
import { repoRoot } from '../src/core/paths.ts';
import type { Protocol } from '../src/core/protocol.ts';
import { PROTOCOLS, protocolNamed } from '../src/protocols.ts';

/** What this reads of Stryker's JSON report (mutation-testing-report-schema, schemaVersion 2). */
interface StrykerReport {
  readonly files: Readonly<Record<string, { readonly mutants: readonly ReportedMutant[] }>>;
  readonly testFiles?: Readonly<Record<string, { readonly tests: readonly { readonly id: string; readonly name: string }[] }>>;
}

type MutantStatus = 'Killed' | 'Survived' | 'NoCoverage' | 'CompileError' | 'RuntimeError' | 'Timeout' | 'Ignored' | 'Pending';

interface ReportedMutant {
  readonly id: string;
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: MutantStatus;
  readonly location: { readonly start: { readonly line: number; readonly column: number } };
  readonly killedBy?: readonly string[];
  /** For an ignored mutant, the reason of its `// Stryker disable` comment. */
  readonly statusReason?: string;
  readonly static?: boolean;
}

interface Tally {
  readonly mutants: number;
  readonly killed: number;
  readonly survived: number;
  readonly timeout: number;
  readonly noCoverage: number;
  /** Compile and runtime errors: mutants that are not valid code, outside the score. */
  readonly errors: number;
  readonly ignored: number;
  /** Stryker's mutation score: (killed + timed out) / (killed + timed out + survived + not covered), in %. */
  readonly score: number | null;
  /** The same over the mutants some test reached: (killed + timed out) / (killed + timed out + survived). */
  readonly coveredScore: number | null;
}

interface Undetected {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly mutator: string;
  readonly replacement: string | undefined;
  readonly status: 'Survived' | 'NoCoverage';
}

/** A mutant set aside in the code (`// Stryker disable next-line <mutator>: <reason>`): an equivalent one. */
interface SetAside {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly mutator: string;
  readonly reason: string;
}

interface RunRecord {
  readonly commit: string;
  /** Files of the protocol (src/<protocol>/, its specs) that differed from that commit when the run started. */
  readonly uncommitted: readonly string[];
  readonly started: string;
  readonly seconds: number;
  readonly stryker: string;
}

/** What a run mutates: the reducer and its cluster model, or the host's protocol policy (stryker.config.mjs). */
type Part = MutationPart;
const PARTS: readonly Part[] = ['reducer', 'host'];
const partFiles = (p: Protocol, part: Part) => mutatedFiles(p.name, part);

interface ProtocolSummary extends RunRecord {
  readonly protocol: string;
  readonly part: Part;
  /** The lines of the host's policy that were mutated ("791-880"), when not all of them. */
  readonly lines?: string;
  readonly total: Tally;
  readonly files: Readonly<Record<string, Tally>>;
  /** Mutants killed by each test of the evidence chain (the first to fail: the run bails there). */
  readonly killedBy: Readonly<Record<string, number>>;
  readonly undetected: readonly Undetected[];
  readonly setAside: readonly SetAside[];
}

function tally(mutants: readonly ReportedMutant[]): Tally {
  const n = (...statuses: MutantStatus[]) => mutants.filter((m) => statuses.includes(m.status)).length;
  const [killed, survived, timeout, noCoverage] = [n('Killed'), n('Survived'), n('Timeout'), n('NoCoverage')];
  return {
    mutants: mutants.length,
    killed,
    survived,
    timeout,
    noCoverage,
    errors: n('CompileError', 'RuntimeError'),
    ignored: n('Ignored', 'Pending'),
    score: detectedPercent(killed + timeout, killed + timeout + survived + noCoverage),
    coveredScore: detectedPercent(killed + timeout, killed + timeout + survived),
  };
}

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repoRoot(), encoding: 'utf8' });
}

const reportDir = (p: Protocol, part: Part, lines?: string) =>
  join(repoRoot(), 'reports', 'mutation', part === 'host' ? `${p.name}-host` : p.name, ...(lines === undefined ? [] : [`lines-${lines}`]));
const strykerBin = () => join(repoRoot(), 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
const strykerVersion = () => (JSON.parse(readFileSync(join(repoRoot(), 'node_modules', '@stryker-mutator', 'core', 'package.json'), 'utf8')) as { version: string }).version;

/** TLC's graphs that the evidence chain reads, made now if they are not in .cache/graphs/ yet. */
async function cacheGraphs(p: Protocol, note: (s: string) => void): Promise<void> {
  for (const model of ['conformance', ...(p.graphModels ?? [])]) {
    const graph = await tlcStateGraph(p, model);
    note(`${p.name}: TLC's graph of the ${model} model ${graph.cached ? 'is in .cache/graphs' : `dumped (${graph.tlc.seconds.toFixed(0)} s)`}`);
  }
}

function runStryker(p: Protocol, part: Part, lines: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [strykerBin(), 'run', 'stryker.config.mjs'], {
      cwd: repoRoot(),
      env: { ...process.env, MUTATION_PROTOCOL: p.name, MUTATION_PART: part, MUTATION_LINES: lines ?? '' },
      // Stryker's output is progress: stderr, so that --json's stdout is only the summary.
      stdio: ['ignore', 2, 2],
    });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

function summarise(p: Protocol, part: Part, lines: string | undefined, run: RunRecord): ProtocolSummary {
  const report = JSON.parse(readFileSync(join(reportDir(p, part, lines), 'mutation.json'), 'utf8')) as StrykerReport;
  const files: Record<string, Tally> = {};
  const all: ReportedMutant[] = [];
  const undetected: Undetected[] = [];
  const setAside: SetAside[] = [];
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const name = relative(repoRoot(), join(repoRoot(), file));
    files[name] = tally(mutants);
    all.push(...mutants);
    for (const m of mutants) {
      if (m.status === 'Survived' || m.status === 'NoCoverage') {
        undetected.push({ file: name, line: m.location.start.line, column: m.location.start.column, mutator: m.mutatorName, replacement: m.replacement, status: m.status });
      }
      if (m.status === 'Ignored') {
        setAside.push({ file: name, line: m.location.start.line, column: m.location.start.column, mutator: m.mutatorName, reason: m.statusReason ?? '' });
      }
    }
  }
  const testName = new Map(Object.values(report.testFiles ?? {}).flatMap((f) => f.tests.map((t) => [t.id, t.name] as const)));
  const killedBy: Record<string, number> = {};
  for (const m of all) {
    for (const id of m.killedBy ?? []) {
      const name = testName.get(id) ?? id;
      killedBy[name] = (killedBy[name] ?? 0) + 1;
    }
  }
  const byPlace = (a: { file: string; line: number; column: number }, b: { file: string; line: number; column: number }) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
  undetected.sort(byPlace);
  setAside.sort(byPlace);
  return { protocol: p.name, part, ...(lines !== undefined && { lines }), ...run, total: tally(all), files, killedBy, undetected, setAside };
}

/** docs/mutation-scores.json: the last measured scores of every protocol's reducer and host, each with its commit. */
function writeScores(summaries: readonly ProtocolSummary[]): string {
  const file = join(repoRoot(), 'docs', 'mutation-scores.json');
  type Entry = Record<string, unknown> & { parts?: Record<string, unknown> };
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { protocols?: Record<string, Entry>; hosts?: Record<string, Entry> }) : {};
  const protocols: Record<string, Entry> = { ...previous.protocols };
  const hosts: Record<string, Entry> = { ...previous.hosts };
  for (const s of summaries) {
    const of = s.part === 'host' ? hosts : protocols;
    const record = {
      commit: s.commit,
      uncommitted: s.uncommitted,
      measured: s.started,
      seconds: s.seconds,
      stryker: s.stryker,
      ...s.total,
      files: s.files,
      killedBy: s.killedBy,
      setAside: s.setAside.length,
    };
    // A part of the lines joins the parts measured before (a whole run, if any, stays); a whole run
    // replaces them all.
    if (s.lines === undefined) of[s.protocol] = record;
    else of[s.protocol] = { ...of[s.protocol], parts: { ...of[s.protocol]?.parts, [s.lines]: record } };
  }
  const ordered = (of: Record<string, Entry>) => Object.fromEntries(PROTOCOLS.map((p) => p.name).filter((n) => n in of).map((n) => [n, of[n]]));
  const about = "StrykerJS mutation scores of each protocol's reducer and cluster model (protocols) and of its host's policy (hosts), with the commit they were measured at; a host measured in parts of its lines (--lines) has them under parts: written by npm run mutation (docs/mutation.md)";
  writeFileSync(file, `${JSON.stringify({ about, protocols: ordered(protocols), hosts: ordered(hosts) }, null, 2)}\n`);
  return file;
}

const pct = (x: number | null) => (x === null ? '-' : `${x.toFixed(2)} %`);

function print(summaries: readonly ProtocolSummary[]): void {
  const rows: string[][] = [];
  for (const s of summaries) {
    const row = (name: string, t: Tally) => [name, count(t.mutants), count(t.killed), count(t.survived), count(t.timeout), count(t.noCoverage), count(t.errors), pct(t.score), pct(t.coveredScore)];
    for (const [file, t] of Object.entries(s.files)) rows.push(row(file, t));
    rows.push(row(`${s.protocol}${s.part === 'host' ? ' host' : ''}${s.lines === undefined ? '' : `, lines ${s.lines}`} (${(s.seconds / 60).toFixed(1)} min at ${s.commit.slice(0, 10)}${s.uncommitted.length > 0 ? ', uncommitted changes' : ''})`, s.total));
  }
  process.stdout.write(`${table(['file', 'mutants', 'killed', 'survived', 'timed out', 'no coverage', 'errors', 'score', 'covered score'], rows)}\n`);
  for (const s of summaries) {
    const name = `${s.protocol}${s.part === 'host' ? ' host' : ''}${s.lines === undefined ? '' : ` lines ${s.lines}`}`;
    process.stdout.write(`\n${name}: killed by ${Object.entries(s.killedBy).map(([t, n]) => `"${t}" ${n}`).join(', ') || 'none'}\n`);
    if (s.undetected.length > 0) {
      process.stdout.write(`${name}: survived and not covered (HTML report: ${relative(repoRoot(), join(reportDir(protocolNamed(s.protocol), s.part, s.lines), 'mutation.html'))})\n`);
      process.stdout.write(`${table(['where', 'status', 'mutator', 'replacement'], s.undetected.map((u) => [`${u.file}:${u.line}:${u.column}`, u.status, u.mutator, JSON.stringify(u.replacement ?? '').slice(0, 100)]))}\n`);
    }
    if (s.setAside.length > 0) {
      process.stdout.write(`${name}: set aside as equivalent (// Stryker disable comments; outside the score)\n`);
      process.stdout.write(`${table(['where', 'mutator', 'reason'], s.setAside.map((u) => [`${u.file}:${u.line}:${u.column}`, u.mutator, u.reason.slice(0, 120)]))}\n`);
    }
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { json: { type: 'boolean', default: false }, 'no-run': { type: 'boolean', default: false }, quiet: { type: 'boolean', default: false }, part: { type: 'string' }, lines: { type: 'string' } },
    allowPositionals: true,
  });
  const names = positionals.length > 0 ? positionals : process.env.MUTATION_PROTOCOL ? [process.env.MUTATION_PROTOCOL] : PROTOCOLS.map((p) => p.name);
  let protocols: Protocol[];
  try {
    protocols = names.map(protocolNamed);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  const partOption = values.part;
  if (partOption !== undefined && !PARTS.includes(partOption as Part)) {
    process.stderr.write(`--part ${partOption}: choose ${PARTS.join(' or ')} (without it, both)\n`);
    return 2;
  }
  const parts = partOption === undefined ? PARTS : [partOption as Part];
  const lines = values.lines;
  if (lines !== undefined) {
    const m = /^(\d+)-(\d+)$/.exec(lines);
    if (m === null || Number(m[1]) > Number(m[2]) || partOption !== 'host' || protocols.length !== 1) {
      process.stderr.write(`--lines ${lines}: give the lines of one protocol's host as A-B, A <= B, with --part host (npm run mutation -- pbft --part host --lines 791-880)\n`);
      return 2;
    }
  }
  const note = (s: string) => values.quiet || process.stderr.write(`${s}\n`);
  const summaries: ProtocolSummary[] = [];
  let failed = false;
  for (const p of protocols) {
    for (const part of parts) {
      const runFile = join(reportDir(p, part, lines), 'run.json');
      if (!values['no-run']) {
        await cacheGraphs(p, note);
        const run = {
          commit: git('rev-parse', 'HEAD').trim(),
          // Porcelain lines are "XY path": the status is two columns and a space.
          uncommitted: git('status', '--porcelain', '--', `src/${p.name}`, p.specDir).split('\n').filter((l) => l !== '').map((l) => l.slice(3)),
          started: new Date().toISOString(),
          stryker: strykerVersion(),
        };
        note(`${p.name}: Stryker ${run.stryker} over ${partFiles(p, part).map((f) => (lines === undefined ? f : `${f}:${lines}`)).join(' and ')} (reports in ${relative(repoRoot(), reportDir(p, part, lines))}/)`);
        const started = performance.now();
        const code = await runStryker(p, part, lines);
        if (code !== 0) {
          process.stderr.write(`${p.name}: Stryker exited with code ${code}\n`);
          failed = true;
          continue;
        }
        mkdirSync(reportDir(p, part, lines), { recursive: true });
        writeFileSync(runFile, `${JSON.stringify({ ...run, seconds: Math.round((performance.now() - started) / 100) / 10 }, null, 2)}\n`);
      }
      if (!existsSync(runFile) || !existsSync(join(reportDir(p, part, lines), 'mutation.json'))) {
        // --no-run over both parts: a part never run is said, not a failure; asked for by name, it is.
        process.stderr.write(`${p.name}: no ${part} report in ${relative(repoRoot(), reportDir(p, part, lines))}/: run npm run mutation -- ${p.name} --part ${part}${lines === undefined ? '' : ` --lines ${lines}`}\n`);
        if (partOption !== undefined || !values['no-run']) failed = true;
        continue;
      }
      summaries.push(summarise(p, part, lines, JSON.parse(readFileSync(runFile, 'utf8')) as RunRecord));
    }
  }
  if (summaries.length > 0) {
    const file = writeScores(summaries);
    if (values.json) printJson({ ok: !failed, protocols: summaries });
    else print(summaries);
    note(`scores written to ${relative(repoRoot(), file)}`);
  }
  return failed ? 1 : 0;
}

process.exitCode = await main();
