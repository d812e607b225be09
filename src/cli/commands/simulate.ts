// consensus-lab simulate <protocol>: the protocol as a system in the deterministic simulator,
// over one seed or many; a failing seed is reproduced by one command, kept, and shrunk.

import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { EXIT_CHECK_FAILED, EXIT_OK, UserError } from '../../core/errors.ts';
import { repoRoot } from '../../core/paths.ts';
import { loadScenario } from '../../sim/scenario.ts';
import { runReport, writeRun } from '../../sim/files.ts';
import { shrinkSchedule } from '../../sim/shrink.ts';
import { simulate } from '../../sim/simulator.ts';
import type { RunResult, SimulationOptions } from '../../sim/simulator.ts';
import { protocolNamed } from '../../protocols.ts';
import { systemNamed } from '../../systems.ts';
import type { CommandContext } from '../main.ts';
import { intOption, stringOption } from '../main.ts';
import { Progress, count, printJson, table } from '../output.ts';

/** "7" or "1..200": the seeds to run. */
export function parseSeeds(seed: string | undefined, seeds: string | undefined): number[] {
  if (seed !== undefined && seeds !== undefined) throw new UserError('give --seed N or --seeds N..M, not both');
  if (seeds !== undefined) {
    const m = /^(\d+)\.\.(\d+)$/.exec(seeds);
    if (m === null || Number(m[1]) > Number(m[2])) throw new UserError(`--seeds takes a range N..M (like 1..200), not "${seeds}"`);
    return Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, k) => Number(m[1]) + k);
  }
  if (seed === undefined) return [1];
  if (!/^\d+$/.test(seed)) throw new UserError(`--seed takes a whole number, not "${seed}"`);
  return [Number(seed)];
}

/** The one command that reproduces a run. */
export function reproduceCommand(o: SimulationOptions, scenarioArg: string | undefined): string {
  const parts = ['npx consensus-lab simulate', o.protocol.name];
  if (scenarioArg !== undefined) parts.push(`--scenario ${scenarioArg}`);
  parts.push(`--seed ${o.seed}`);
  if (o.nodes !== undefined) parts.push(`--nodes ${o.nodes}`);
  if (o.clients !== undefined) parts.push(`--clients ${o.clients}`);
  if (o.ops !== undefined) parts.push(`--ops ${o.ops}`);
  if (o.mutant !== undefined) parts.push(`--mutant ${o.mutant}`);
  return parts.join(' ');
}

const ms = (n: number) => `${count(Math.round(n))} ms`;

export function describeRun(r: RunResult): string {
  const verdict = r.ok ? 'ok' : `FAILED: ${r.failure?.kind}: ${r.failure?.detail}`;
  const leaders = r.leaders.length === 0 ? 'none' : r.leaders.slice(0, 8).map((l) => `${l.term}:${l.server}@${ms(l.at)}`).join(', ') + (r.leaders.length > 8 ? `, ... (${r.leaders.length})` : '');
  const rows: string[][] = [
    ['ops', `ok ${r.ops.ok}, fail ${r.ops.fail}, info ${r.ops.info}; availability ${(r.availability * 100).toFixed(1)} %`],
    ['linearizable', r.linearizable === null ? 'not checked' : r.linearizable ? 'yes' : 'NO'],
    ['invariants', `${r.invariants} (checked after each of ${count(r.steps)} steps)`],
    ['leaders', `${r.leaders.length} elected (term:server@time): ${leaders}`],
    ['commits / s', r.commitsPerSecond.join(' ')],
    ['messages', `sent ${count(r.messages.sent)}, lost ${count(r.messages.lost)}, duplicated ${count(r.messages.duplicated)}; ${r.messages.perCommittedOp} per committed op`],
    ['latency', `p50 ${ms(r.latencyMs.p50)}, p99 ${ms(r.latencyMs.p99)}, max ${ms(r.latencyMs.max)}`],
    ['events', `${count(r.events)} (deliveries + timers) in ${ms(r.virtualMs)} virtual; healed at ${Number.isFinite(r.healedAt) ? ms(r.healedAt) : '-'}`],
    ['digest', r.digest],
  ];
  return `${r.protocol}, scenario ${r.scenario}, seed ${r.seed}, ${r.nodes} nodes: ${verdict}\n${table(['', ''], rows).split('\n').slice(2).join('\n')}`;
}

export async function simulateCommand({ positionals, values }: CommandContext): Promise<number> {
  const protocol = systemNamed(positionals[0]);
  if (positionals.length > 1) throw new UserError(`simulate takes one protocol, not ${positionals.join(' ')}`);
  const scenarioArg = stringOption(values, 'scenario');
  const scenario = loadScenario(scenarioArg);
  const seeds = parseSeeds(stringOption(values, 'seed'), stringOption(values, 'seeds'));
  const nodes = intOption(values, 'nodes');
  const clients = intOption(values, 'clients');
  const ops = intOption(values, 'ops');
  const mutant = stringOption(values, 'mutant');
  const known = protocolNamed(protocol.name).mutants.map((m) => m.name);
  if (mutant !== undefined && !known.includes(mutant)) throw new UserError(`no ${protocol.name} mutant named ${mutant}: the seeded bugs are ${known.join(', ')}`);
  const outArg = stringOption(values, 'out');
  const check = values.check === true;
  const json = values.json === true;
  const progress = new Progress(values.quiet === true || seeds.length === 1, 2000);
  const outDir = outArg ?? join(repoRoot(), 'out', 'sim');

  const started = Date.now();
  const runs: RunResult[] = [];
  const failures: { result: RunResult; command: string; dir: string; shrunk?: { file: string; command: string; from: number; to: number } }[] = [];
  const nondeterministic: number[] = [];
  for (const [k, seed] of seeds.entries()) {
    const options: SimulationOptions = { protocol, scenario, seed, nodes, clients, ops, mutant, keepLog: outArg !== undefined || seeds.length === 1 };
    let r = simulate(options);
    if (check) {
      const again = simulate(options);
      if (again.digest !== r.digest) nondeterministic.push(seed);
    }
    if (!r.ok && !r.log) r = simulate({ ...options, keepLog: true });
    runs.push(r);
    const dir = join(outDir, `${protocol.name}-${scenario.name}-${seed}`);
    if (outArg !== undefined || !r.ok) writeRun(dir, r);
    if (!r.ok) {
      const failure: (typeof failures)[number] = { result: r, command: reproduceCommand(options, scenarioArg), dir };
      // The first failing seed's schedule is shrunk: one is enough to read, and each try is a run.
      if (failures.length === 0 && r.schedule.length > 0 && values['no-shrink'] !== true) {
        progress.note(`seed ${seed} failed (${r.failure?.kind}); shrinking its ${r.schedule.length} faults ...`);
        const s = shrinkSchedule(options, r);
        const file = join(dir, 'shrunk-scenario.json');
        writeFileSync(file, `${JSON.stringify(s.scenario, null, 2)}\n`);
        failure.shrunk = { file, command: reproduceCommand(options, relative(process.cwd(), file)), from: s.from, to: s.scenario.timeline.length };
      }
      failures.push(failure);
      progress.note(`seed ${seed}: ${r.failure?.kind}: ${r.failure?.detail}\n  reproduce: ${failure.command}`);
    }
    progress.update(`${protocol.name} ${scenario.name}: ${k + 1}/${seeds.length} seeds, ${runs.filter((x) => x.ok).length} ok, ${failures.length} failed`);
  }
  progress.clear();
  const seconds = (Date.now() - started) / 1000;
  const events = runs.reduce((a, r) => a + r.events, 0);
  const summary = {
    protocol: protocol.name,
    scenario: scenario.name,
    runs: runs.length,
    ok: runs.filter((r) => r.ok).length,
    failed: failures.length,
    linearizable: runs.filter((r) => r.linearizable === true).length,
    invariantsBroken: runs.filter((r) => r.failure?.kind === 'invariant').length,
    noProgress: runs.filter((r) => r.failure?.kind === 'no-progress').length,
    ops: { ok: sum(runs, (r) => r.ops.ok), fail: sum(runs, (r) => r.ops.fail), info: sum(runs, (r) => r.ops.info) },
    availability: Math.round((sum(runs, (r) => r.availability) / runs.length) * 1000) / 1000,
    latencyP99Ms: Math.max(...runs.map((r) => r.latencyMs.p99)),
    leadersElected: sum(runs, (r) => r.leaders.length),
    maxTerm: Math.max(0, ...runs.flatMap((r) => r.leaders.map((l) => l.term))),
    events,
    wallSeconds: Math.round(seconds * 10) / 10,
    eventsPerSecond: Math.round(events / seconds),
    ...(check && { deterministic: nondeterministic.length === 0, nondeterministicSeeds: nondeterministic }),
  };
  const failed = failures.length > 0 || nondeterministic.length > 0;
  if (json) {
    printJson({
      ok: !failed,
      summary,
      runs: runs.map(runReport),
      failures: failures.map((f) => ({ seed: f.result.seed, failure: f.result.failure, reproduce: f.command, kept: f.dir, shrunk: f.shrunk })),
    });
    return failed ? EXIT_CHECK_FAILED : EXIT_OK;
  }
  if (runs.length === 1) process.stdout.write(`${describeRun(runs[0])}\n`);
  else {
    process.stdout.write(
      `${table(
        ['protocol', 'scenario', 'runs', 'ok', 'failed', 'linearizable', 'invariants broken', 'no progress', 'ops ok/fail/info', 'availability', 'p99 latency', 'max term', 'events/s'],
        [[protocol.name, scenario.name, String(summary.runs), String(summary.ok), String(summary.failed), String(summary.linearizable), String(summary.invariantsBroken), String(summary.noProgress), `${summary.ops.ok}/${summary.ops.fail}/${summary.ops.info}`, `${(summary.availability * 100).toFixed(1)} %`, ms(summary.latencyP99Ms), String(summary.maxTerm), count(summary.eventsPerSecond)]],
      )}\n`,
    );
  }
  if (check) process.stdout.write(nondeterministic.length === 0 ? `deterministic: every seed ran twice with the same digest\n` : `NOT deterministic: seeds ${nondeterministic.join(', ')} gave two digests\n`);
  for (const f of failures) {
    process.stdout.write(`\nseed ${f.result.seed} failed: ${f.result.failure?.kind}: ${f.result.failure?.detail}\n  reproduce: ${f.command}\n  kept: ${relative(process.cwd(), f.dir)}/ (events.ndjson, history.edn, report.json)\n`);
    if (f.shrunk !== undefined) process.stdout.write(`  shrunk from ${f.shrunk.from} faults to ${f.shrunk.to}: ${f.shrunk.command}\n`);
  }
  return failed ? EXIT_CHECK_FAILED : EXIT_OK;
}

function sum(runs: readonly RunResult[], f: (r: RunResult) => number): number {
  return runs.reduce((a, r) => a + f(r), 0);
}
