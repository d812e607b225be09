// The fourth verdict on a seeded bug: the simulator, running the protocol as a system with the
// mutated reducer, finds a failing seed (an invariant broken, replicas that disagree, a history
// that is not linearizable, or no progress after healing) within a stated budget of seeds.
// Each mutant has the scenario where its bug shows soonest; the budget is what the gate spends at
// most, and the first failing seed is reported, with the command that reproduces it.

import type { Mutant, Protocol } from '../core/protocol.ts';
import { SYSTEMS } from '../systems.ts';
import { loadScenario } from './scenario.ts';
import { simulate } from './simulator.ts';
import type { Failure } from './simulator.ts';
import type { LogEvent } from '../host/types.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeEventLog } from './files.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateLog } from '../validate/validate.ts';

export interface ValidationMutantVerdict {
  /** TLC rejects the event log the mutated reducer wrote in its failing run. */
  readonly caught: boolean;
  readonly lines: number;
  readonly rejectedLine?: number;
  readonly rejectedAction?: string;
  readonly seconds: number;
  readonly error?: string;
}

/** The fifth verdict: the log of the simulator's failing run, with the mutated reducer, is not a behaviour of the correct spec. */
export async function catchWithValidation(p: Protocol, simulation: SimulationMutantVerdict): Promise<ValidationMutantVerdict | undefined> {
  const validator = p.traceValidator;
  if (validator === undefined) return undefined;
  if (simulation.log === undefined) return { caught: false, lines: 0, seconds: 0, error: 'the simulator found no failing run to validate' };
  const dir = mkdtempSync(join(tmpdir(), 'mutant-log-'));
  try {
    const file = join(dir, 'events.ndjson');
    writeEventLog(file, simulation.log);
    const r = await validateLog(p, validator, file);
    return {
      caught: !r.accepted,
      lines: r.lines,
      rejectedLine: r.rejectedLine,
      rejectedAction: r.rejectedAction,
      seconds: r.seconds,
      error: r.accepted ? `TLC accepts the log of seed ${simulation.firstFailingSeed}: it is a behaviour of the correct spec` : undefined,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface SimulationBudget {
  readonly scenario: string;
  readonly nodes?: number;
  /** Seeds 1 .. seeds are tried, in order, until one fails. */
  readonly seeds: number;
}

/** Where each bug shows soonest. Unlisted mutants get the default. */
const BUDGETS: Readonly<Record<string, SimulationBudget>> = {
  // Two candidates of one term, and a voter that restarts between their requests: contested, bounced elections on 3 servers.
  'raft-vote-twice': { scenario: 'elections', nodes: 3, seeds: 200 },
  // Figure 8 needs a leader to count an entry of an earlier term onto a majority and crash before an
  // entry of its own spreads. A no-op at the start of each term and batches of entries hide it (the
  // no-op goes out with the old entries and commits them by the rule), so the figure-8 scenario runs
  // a Raft without them: many short runs of contested, bounced elections on 3 servers.
  'raft-commit-old-term': { scenario: 'figure-8', nodes: 3, seeds: 1000 },
  // A register decided in tens of ms shows ballot and quorum bugs only when proposers duel: contention.
  'paxos-string-ballots': { scenario: 'contention', seeds: 50 },
  'paxos-quorum-off-by-one': { scenario: 'contention', seeds: 50 },
  'paxos-mixed-ballot-order': { scenario: 'contention', nodes: 3, seeds: 100 },
};

const DEFAULT_BUDGET: SimulationBudget = { scenario: 'random-faults', seeds: 50 };

export function simulationBudget(m: Mutant): SimulationBudget {
  return BUDGETS[m.name] ?? DEFAULT_BUDGET;
}

export interface SimulationMutantVerdict {
  readonly caught: boolean;
  readonly scenario: string;
  readonly nodes?: number;
  readonly budget: number;
  readonly seedsTried: number;
  readonly firstFailingSeed?: number;
  readonly failure?: Failure;
  readonly reproduce?: string;
  readonly seconds: number;
  readonly error?: string;
  /** The failing run's event log (for the fifth verdict: TLC must reject it). */
  readonly log?: readonly LogEvent[];
}

export function runsAsSystem(p: Protocol): boolean {
  return SYSTEMS.some((s) => s.name === p.name);
}

export function catchWithSimulation(p: Protocol, m: Mutant): SimulationMutantVerdict {
  const started = performance.now();
  const budget = simulationBudget(m);
  const system = SYSTEMS.find((s) => s.name === p.name);
  const base = { scenario: budget.scenario, nodes: budget.nodes, budget: budget.seeds };
  if (system === undefined) return { ...base, caught: false, seedsTried: 0, seconds: 0, error: `${p.name} does not run as a system yet` };
  const scenario = loadScenario(budget.scenario);
  for (let seed = 1; seed <= budget.seeds; seed++) {
    const r = simulate({ protocol: system, scenario, seed, nodes: budget.nodes, mutant: m.name });
    if (!r.ok) {
      const { log } = simulate({ protocol: system, scenario, seed, nodes: budget.nodes, mutant: m.name, keepLog: true, skipLinearizability: true });
      return {
        ...base,
        caught: true,
        seedsTried: seed,
        firstFailingSeed: seed,
        failure: r.failure,
        reproduce: `npx consensus-lab simulate ${p.name} --scenario ${budget.scenario} --seed ${seed}${budget.nodes === undefined ? '' : ` --nodes ${budget.nodes}`} --mutant ${m.name}`,
        seconds: (performance.now() - started) / 1000,
        log,
      };
    }
  }
  return {
    ...base,
    caught: false,
    seedsTried: budget.seeds,
    seconds: (performance.now() - started) / 1000,
    error: `the simulator: seeds 1..${budget.seeds} of ${budget.scenario} all pass with the bug`,
  };
}
