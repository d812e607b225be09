// The simulator's part of the gate: every named scenario, some seeds each, for a protocol that
// runs as a system. `gate --full` runs many more seeds.

import { mkdtempSync, rmSync } from 'node:fs';
import { writeEventLog } from './files.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Protocol } from '../core/protocol.ts';
import type { SystemProtocol } from '../host/system.ts';
import { validateLog } from '../validate/validate.ts';
import type { ValidationResult } from '../validate/validate.ts';
import { loadScenario, namedScenarios } from './scenario.ts';
import { simulate } from './simulator.ts';
import type { Failure } from './simulator.ts';

export interface SuiteFailure {
  readonly scenario: string;
  readonly seed: number;
  readonly failure?: Failure;
  readonly reproduce: string;
}

export interface SuiteResult {
  readonly runs: number;
  readonly ok: number;
  readonly linearizable: number;
  readonly scenarios: readonly { readonly name: string; readonly runs: number; readonly ok: number; readonly maxTerm: number; readonly events: number }[];
  readonly failures: readonly SuiteFailure[];
  readonly events: number;
  readonly seconds: number;
}

export function simulationSuite(system: SystemProtocol, seedsPerScenario: number, onProgress?: (text: string) => void): SuiteResult {
  const started = performance.now();
  const failures: SuiteFailure[] = [];
  const scenarios: SuiteResult['scenarios'][number][] = [];
  let runs = 0;
  let ok = 0;
  let linearizable = 0;
  let events = 0;
  for (const name of namedScenarios(system.name)) {
    const scenario = loadScenario(name);
    const row = { name, runs: 0, ok: 0, maxTerm: 0, events: 0 };
    for (let seed = 1; seed <= seedsPerScenario; seed++) {
      const r = simulate({ protocol: system, scenario, seed });
      runs++;
      row.runs++;
      row.events += r.events;
      row.maxTerm = Math.max(row.maxTerm, ...r.leaders.map((l) => l.term));
      events += r.events;
      if (r.linearizable === true) linearizable++;
      if (r.ok) {
        ok++;
        row.ok++;
      } else failures.push({ scenario: name, seed, failure: r.failure, reproduce: `npx consensus-lab simulate ${system.name} --scenario ${name} --seed ${seed}` });
      onProgress?.(`${system.name} simulate ${name}: seed ${seed}/${seedsPerScenario}, ${failures.length} failed`);
    }
    scenarios.push(row);
  }
  return { runs, ok, linearizable, scenarios, failures, events, seconds: (performance.now() - started) / 1000 };
}

/**
 * TLC's verdict on the event logs of these runs (scenario, seed): each must be a behaviour of the
 * spec. With `maxLines`, only each log's first lines (a prefix of a behaviour is one): a
 * Multi-Paxos run of 5 s writes 10,000 lines, a minute of TLC.
 */
export async function validateSimulatorLogs(
  p: Protocol,
  system: SystemProtocol,
  runs: readonly (readonly [string, number])[],
  maxLines?: number,
): Promise<(ValidationResult & { readonly scenario: string; readonly seed: number; readonly logged: number })[]> {
  const validator = p.traceValidator;
  if (validator === undefined) return [];
  const dir = mkdtempSync(join(tmpdir(), 'sim-logs-'));
  try {
    const out = [];
    for (const [name, seed] of runs) {
      const r = simulate({ protocol: system, scenario: loadScenario(name), seed, keepLog: true, skipLinearizability: true });
      const file = join(dir, `${name}-${seed}.ndjson`);
      const log = r.log ?? [];
      writeEventLog(file, maxLines === undefined ? log : log.slice(0, maxLines));
      out.push({ ...(await validateLog(p, validator, file)), scenario: name, seed, logged: log.length });
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
