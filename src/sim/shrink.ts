// A failing seed's fault schedule, shrunk: runs of faults are taken out, halving in length down
// to single faults, and each removal kept if the run with the same seed still fails (or until the
// budget of runs is spent). What is left is the smaller schedule that still fails, as a scenario file.

import type { Scenario, TimedFault } from './scenario.ts';
import { simulate } from './simulator.ts';
import type { RunResult, SimulationOptions } from './simulator.ts';

export interface Shrunk {
  readonly scenario: Scenario;
  readonly result: RunResult;
  readonly from: number;
  readonly runs: number;
}

export function shrinkSchedule(options: SimulationOptions, failing: RunResult, maxRuns = 150): Shrunk {
  const base: Scenario = {
    ...options.scenario,
    name: `${options.scenario.name}-seed-${options.seed}-shrunk`,
    description: `${options.scenario.name}, seed ${options.seed}: the smallest fault schedule found that still fails (${failing.failure?.kind})`,
    randomFaults: undefined,
    heal: { ...options.scenario.heal, at: Number.isFinite(failing.healedAt) ? failing.healedAt : options.scenario.heal.at },
  };
  const withTimeline = (timeline: readonly TimedFault[]): Scenario => ({ ...base, timeline });
  const run = (timeline: readonly TimedFault[]) => simulate({ ...options, scenario: withTimeline(timeline), schedule: undefined, keepLog: false });
  let current = [...failing.schedule];
  let best = run(current);
  let runs = 1;
  // The resolved schedule may not fail where the drawn one did (a target drawn differently): keep the original then.
  if (best.ok) return { scenario: withTimeline(current), result: failing, from: failing.schedule.length, runs };
  // Delta debugging, in the manner of Zeller's ddmin: take out runs of faults, halving their length,
  // keeping each removal after which the same seed still fails; then single faults until none can go.
  for (let size = Math.ceil(current.length / 2); size >= 1 && runs < maxRuns; size = size === 1 ? 0 : Math.ceil(size / 2)) {
    for (let start = 0; start < current.length && runs < maxRuns; ) {
      const candidate = [...current.slice(0, start), ...current.slice(start + size)];
      const r = run(candidate);
      runs++;
      if (!r.ok) {
        current = candidate;
        best = r;
      } else start += size;
    }
  }
  return { scenario: withTimeline(current), result: best, from: failing.schedule.length, runs };
}
