// Reading an event log (NDJSON, one step a line, docs/simulator.md): each line an object with an
// action, and where the implementation logged them its parameters, node, message taken and sent,
// and variables after the step. A line that is not that is one clear error naming file and line.

import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../core/errors.ts';
import type { LogEvent } from '../host/types.ts';

export interface LoggedLine {
  readonly line: number;
  readonly file: string;
  readonly event: LogEvent;
}

/**
 * The longest log read for validation: its generated module holds the whole log as one string
 * (a JavaScript string holds at most 2^29 characters), which TLC's parser then reads at once.
 */
export const MAX_EVENT_LOG_BYTES = 256 * 2 ** 20;

export function readEventLog(file: string, maxBytes = MAX_EVENT_LOG_BYTES): LoggedLine[] {
  let text: string;
  try {
    const bytes = statSync(file).size;
    if (bytes > maxBytes) {
      throw new InputError(
        file,
        undefined,
        `${(bytes / 2 ** 20).toFixed(0)} MiB, more than the ${(maxBytes / 2 ** 20).toFixed(0)} MiB of log that TLC can be given as one module here: validate its first lines (head -n N, or cluster test's --validate-steps N)`,
      );
    }
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
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
