// Reading an event log (NDJSON, one step a line, docs/simulator.md): each line an object with an
// action, and where the implementation logged them its parameters, node, message taken and sent,
// and variables after the step. A line that is not that is one clear error naming file and line.

import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.ts';
import type { LogEvent } from '../host/types.ts';

export interface LoggedLine {
  readonly line: number;
  readonly file: string;
  readonly event: LogEvent;
}

export function readEventLog(file: string): LoggedLine[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(file, undefined, `cannot read it: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const out: LoggedLine[] = [];
  text.split('\n').forEach((raw, k) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw new InputError(file, k + 1, `not JSON: ${(e as Error).message}; every line is one JSON object (docs/simulator.md)`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(file, k + 1, 'not a JSON object: every line is one event');
    const e = value as Record<string, unknown>;
    if (typeof e.action !== 'string') throw new InputError(file, k + 1, 'no "action": every line names the spec\'s action it took');
    if (e.params !== undefined && (typeof e.params !== 'object' || e.params === null || Array.isArray(e.params))) throw new InputError(file, k + 1, '"params" must be an object');
    if (e.state !== undefined && (typeof e.state !== 'object' || e.state === null || Array.isArray(e.state))) throw new InputError(file, k + 1, '"state" must be an object');
    out.push({ line: k + 1, file, event: { n: k + 1, t: 0, node: '', params: {}, ...e } as LogEvent });
  });
  if (out.length === 0) throw new InputError(file, undefined, 'no events: the log is empty');
  return out;
}
