// How long a simulated history's operations waited for their answers: the measure of the hosts'
// steady-state tests (test/<protocol>/host.test.ts).

import type { HistoryEvent } from '../../src/lincheck/history.ts';

/**
 * The virtual ms from each operation's invocation to its completion (ok, fail or info), in the
 * history's order, for the operations invoked after `after` (all by default).
 */
export function answerTimes(history: readonly HistoryEvent[], after = Number.NEGATIVE_INFINITY): number[] {
  const invoked = new Map<string, number>();
  const times: number[] = [];
  for (const e of history) {
    const process = String(e.process);
    if (e.type === 'invoke') invoked.set(process, e.time!);
    else if (invoked.get(process)! > after) times.push(e.time! - invoked.get(process)!);
  }
  return times;
}
