// What a run leaves behind in its --out folder: the event log (NDJSON, one step a line), the
// clients' history (JSON lines, and EDN as Jepsen writes history.edn), and the run's report.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toEDNString, toKeyword } from 'edn-data';
import type { EDNVal } from 'edn-data';
import type { LogEvent } from '../host/types.ts';
import type { HistoryEvent } from '../lincheck/history.ts';
import type { RunResult } from './simulator.ts';

/** A history line as Jepsen writes it: {:process 0, :type :invoke, :f :read, :key "k1", :value nil, :time 12}. */
export function historyToEdn(e: HistoryEvent): string {
  const value = (v: unknown): EDNVal => (v === null || v === undefined ? null : Array.isArray(v) ? v.map(value) : (v as EDNVal));
  return toEDNString({
    map: [
      [toKeyword('process'), e.process as EDNVal],
      [toKeyword('type'), toKeyword(e.type)],
      [toKeyword('f'), toKeyword(e.f)],
      ...(e.key !== undefined ? ([[toKeyword('key'), e.key]] as [EDNVal, EDNVal][]) : []),
      [toKeyword('value'), value(e.value)],
      ...(e.time !== undefined ? ([[toKeyword('time'), e.time]] as [EDNVal, EDNVal][]) : []),
    ],
  });
}

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
    writeFileSync(join(dir, 'history.edn'), r.history.map(historyToEdn).join('\n') + '\n');
  }
  writeFileSync(join(dir, 'report.json'), `${JSON.stringify(runReport(r), null, 2)}\n`);
}
