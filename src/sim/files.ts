// What a run leaves behind in its --out folder: the event log (NDJSON, one step a line), the
// clients' history (JSON lines, and EDN as Jepsen writes history.edn), and the run's report.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogEvent } from '../host/types.ts';
import { formatHistory } from '../lincheck/history.ts';
import type { RunResult } from './simulator.ts';

/** The run's summary, without its log and history. */
export function runReport(r: RunResult) {
  const { log: _log, history: _history, lincheck, ...report } = r;
  return { ...report, ...(lincheck?.failing !== undefined && { lincheckFailure: lincheck.failing }) };
}

/** An event log as NDJSON: one step a line. */
export function writeEventLog(file: string, log: readonly LogEvent[]): void {
  writeFileSync(file, log.map((e) => JSON.stringify(e)).join('\n') + '\n');
}

export function writeRun(dir: string, r: RunResult): void {
  mkdirSync(dir, { recursive: true });
  if (r.log !== undefined) writeEventLog(join(dir, 'events.ndjson'), r.log);
  if (r.history !== undefined) {
    writeFileSync(join(dir, 'history.jsonl'), r.history.map((e) => JSON.stringify(e)).join('\n') + '\n');
    writeFileSync(join(dir, 'history.edn'), formatHistory(r.history));
  }
  writeFileSync(join(dir, 'report.json'), `${JSON.stringify(runReport(r), null, 2)}\n`);
}
