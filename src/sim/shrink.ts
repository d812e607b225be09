// A failing seed's fault schedule, shrunk: faults are taken out one at a time, and each removal
// kept if the run with the same seed still fails, until no single fault can go (or the budget of
// runs is spent). What is left is the smaller schedule that still fails, as a scenario file.

import type { Scenario, TimedFault } from './scenario.ts';
import { simulate } from './simulator.ts';
import type { RunResult, SimulationOptions } from './simulator.ts';

export interface Shrunk {
  readonly scenario: Scenario;
  readonly result: RunResult;
  readonly from: number;
  readonly runs: number;
}

export function shrinkSchedule(options: SimulationOptions, failing: RunResult, maxRuns = 40): Shrunk {
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
  for (let changed = true; changed && runs < maxRuns; ) {
    changed = false;
    for (let k = current.length - 1; k >= 0 && runs < maxRuns; k--) {
      const candidate = current.filter((_, i) => i !== k);
      const r = run(candidate);
      runs++;
      if (!r.ok) {
        current = candidate;
        best = r;
        changed = true;
      }
    }
  }
  return { scenario: withTimeline(current), result: best, from: failing.schedule.length, runs };
}
