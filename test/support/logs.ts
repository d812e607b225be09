// Event logs for the trace-validation tests: a simulator run's, and a log written to a file.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SystemProtocol } from '../../src/host/system.ts';
import type { LogEvent } from '../../src/host/types.ts';
import { loadScenario } from '../../src/sim/scenario.ts';
import { simulate } from '../../src/sim/simulator.ts';

/** The event log of one simulator run (with the seeded bug `mutant`, if named). */
export function simulatorLog(system: SystemProtocol, scenario: string, seed: number, mutant?: string): LogEvent[] {
  const r = simulate({ protocol: system, scenario: loadScenario(scenario), seed, mutant, keepLog: true, skipLinearizability: true });
  return [...(r.log ?? [])];
}

/** Writes logs, one JSON line an event, into a fresh temporary folder; each call returns its file. */
export function logWriter(prefix: string): (name: string, events: readonly unknown[]) => string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return (name, events) => {
    const file = join(dir, name);
    writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    return file;
  };
}
