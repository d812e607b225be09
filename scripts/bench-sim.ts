// Benchmark: the simulator's speed. A 5-node Raft key-value store under faults (the
// random-faults scenario, more clients and operations), on one core: simulated events (message
// deliveries plus timer firings) per second, with every invariant checked after every step and
// without, measured in this one run. The linearizability check of the runs' histories is timed
// apart. Prints figures; asserts nothing.
//
//   npx tsx scripts/bench-sim.ts [--seeds N] [--ops K] [--protocol raft]

import { parseArgs } from 'node:util';
import { count, table } from '../src/cli/output.ts';
import { checkHistory } from '../src/lincheck/check.ts';
import { loadScenario } from '../src/sim/scenario.ts';
import { simulate } from '../src/sim/simulator.ts';
import { systemNamed } from '../src/systems.ts';

const { values } = parseArgs({ options: { seeds: { type: 'string' }, ops: { type: 'string' }, protocol: { type: 'string' }, scenario: { type: 'string' } } });
const seeds = Number(values.seeds ?? 10);
const ops = Number(values.ops ?? 1000);
const protocol = systemNamed(values.protocol ?? 'raft');
const scenario = loadScenario(values.scenario ?? 'random-faults');

function run(checkInvariants: boolean) {
  let events = 0;
  let steps = 0;
  let lincheckMs = 0;
  let maxTerm = 0;
  let maxLog = 0;
  const started = performance.now();
  let simMs = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const t = performance.now();
    const r = simulate({ protocol, scenario, seed, ops, clients: 10, skipLinearizability: true, checkInvariants, keepLog: true });
    simMs += performance.now() - t;
    if (!r.ok) throw new Error(`seed ${seed} failed: ${r.failure?.kind}: ${r.failure?.detail}`);
    events += r.events;
    steps += r.steps;
    maxTerm = Math.max(maxTerm, ...r.leaders.map((l) => l.term));
    maxLog = Math.max(maxLog, r.commitsPerSecond.reduce((a, b) => a + b, 0));
    const l = performance.now();
    const lin = checkHistory(r.history ?? [], protocol.model);
    lincheckMs += performance.now() - l;
    if (!lin.ok) throw new Error(`seed ${seed}: not linearizable`);
  }
  return { events, steps, simMs, lincheckMs, wallMs: performance.now() - started, maxTerm, maxLog };
}

// A warm-up, so that both measured runs are of compiled code.
run(true);
const checked = run(true);
const unchecked = run(false);
const rate = (events: number, ms: number) => Math.round(events / (ms / 1000));
process.stdout.write(
  `${protocol.name}, ${scenario.name}, 5 nodes, 10 clients, ${ops} operations a run, ${seeds} seeds (terms up to ${checked.maxTerm}, logs up to ${checked.maxLog} entries)\n\n`,
);
process.stdout.write(
  `${table(
    ['invariants', 'events', 'steps', 'simulated in', 'events/s', 'steps/s'],
    [
      ['checked after every step', count(checked.events), count(checked.steps), `${(checked.simMs / 1000).toFixed(2)} s`, count(rate(checked.events, checked.simMs)), count(rate(checked.steps, checked.simMs))],
      ['not checked', count(unchecked.events), count(unchecked.steps), `${(unchecked.simMs / 1000).toFixed(2)} s`, count(rate(unchecked.events, unchecked.simMs)), count(rate(unchecked.steps, unchecked.simMs))],
    ],
  )}\n\n`,
);
process.stdout.write(`checking invariants costs ${((checked.simMs / unchecked.simMs - 1) * 100).toFixed(0)} % (${(checked.simMs / unchecked.simMs).toFixed(2)}x the time)\n`);
process.stdout.write(`linearizability of the ${seeds} histories: ${(checked.lincheckMs / 1000).toFixed(2)} s in all\n`);
