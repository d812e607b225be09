// What the Paxos and Multi-Paxos trace-validation tests share: the simulator's logs, written to
// files, a log with one value changed, and the fifth verdict on a seeded bug.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Protocol } from '../../src/core/protocol.ts';
import type { SystemProtocol } from '../../src/host/system.ts';
import type { LogEvent } from '../../src/host/types.ts';
import { catchWithSimulation, catchWithValidation } from '../../src/sim/mutants.ts';
import { loadScenario } from '../../src/sim/scenario.ts';
import { simulate } from '../../src/sim/simulator.ts';

/** The event logs of a system's simulator runs (`workload` as simulate's clients and ops), and files to write them to. */
export function simulatorLogs(system: SystemProtocol, workload: { readonly clients?: number; readonly ops?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), `validate-${system.name}-`));
  return {
    logOf(scenario: string, seed: number): LogEvent[] {
      const r = simulate({ protocol: system, scenario: loadScenario(scenario), seed, ...workload, keepLog: true, skipLinearizability: true });
      return [...(r.log ?? [])];
    },
    write(name: string, events: readonly unknown[]): string {
      const file = join(dir, name);
      writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
      return file;
    },
    dir,
  };
}

/** The log with line k's logged variable `field` changed by `change`. */
export function withChanged(events: readonly LogEvent[], k: number, field: string, change: (v: unknown) => unknown): LogEvent[] {
  return events.map((e, n) => (n === k ? { ...e, state: { ...e.state, [field]: change(e.state?.[field]) } } : e));
}

/** The first failing seed the simulator finds for the seeded bug (its budget, src/sim/mutants.ts), and TLC rejects its log at `action`. */
export async function expectBugRejected(p: Protocol, mutant: string, action: string): Promise<void> {
  const simulation = catchWithSimulation(p, p.mutants.find((m) => m.name === mutant)!);
  expect(simulation.caught, simulation.error).toBe(true);
  const v = await catchWithValidation(p, simulation);
  expect(v?.caught, v?.error).toBe(true);
  expect(v?.rejectedAction).toBe(action);
}
