// Trace validation by TLC of Raft's event logs: the simulator's logs are behaviours of Raft.tla,
// a log with one value changed is not (and the line is named), a partial log still validates, a
// log written with a seeded bug is rejected.

import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { raft } from '../../src/raft/index.ts';
import { raftSystem } from '../../src/raft/host.ts';
import { readEventLog } from '../../src/validate/log.ts';
import { abridged, validateLog } from '../../src/validate/validate.ts';
import { logWriter, simulatorLog } from '../support/logs.ts';

const validator = raft.traceValidator!;
const write = logWriter('validate-');
const logOf = (scenario: string, seed: number, mutant?: string) => simulatorLog(raftSystem, scenario, seed, mutant);

describe('Raft trace validation by TLC', () => {
  it('accepts the simulator’s logs, crashes, restarts and duplicates included', async () => {
    for (const [scenario, seed] of [['leader-crashes', 2], ['partitions', 3]] as const) {
      const events = logOf(scenario, seed);
      expect(events.some((e) => e.action === 'Restart' || e.action === 'DuplicateMessage')).toBe(true);
      const r = await validateLog(raft, validator, write(`${scenario}.ndjson`, events));
      expect(r.accepted, `${scenario} ${seed}: ${r.explanation?.join('\n')}`).toBe(true);
      expect(r.steps).toBe(events.length - 1);
    }
  });

  it('rejects a log with one changed value, naming its line and the variable', async () => {
    const events = logOf('partitions', 3);
    const k = events.findIndex((e, n) => n > events.length / 2 && e.action === 'HandleAppendEntriesRequest' && typeof e.state?.commitIndex === 'number');
    const changed = events.map((e, n) => (n === k ? { ...e, state: { ...e.state, commitIndex: (e.state?.commitIndex as number) + 1 } } : e));
    const r = await validateLog(raft, validator, write('changed.ndjson', changed));
    expect(r.accepted).toBe(false);
    expect(r.rejectedLine).toBe(k + 1);
    expect(r.explanation?.join('\n')).toMatch(/commitIndex: logged \d+, the spec \d+/);
  });

  it('validates a partial log: no state logged but the term', async () => {
    const events = logOf('leader-crashes', 2).map((e) => (e.state === undefined ? e : { ...e, state: { currentTerm: e.state.currentTerm } }));
    const r = await validateLog(raft, validator, write('partial.ndjson', events));
    expect(r.accepted, r.explanation?.join('\n')).toBe(true);
  });

  it('rejects the log a seeded bug writes', async () => {
    const r = await validateLog(raft, validator, write('mutant.ndjson', logOf('random-faults', 1, 'raft-vote-no-log-check')));
    expect(r.accepted).toBe(false);
    expect(r.rejectedAction).toBe('HandleRequestVoteRequest');
  });

  it('names the file and line of a malformed log', () => {
    const file = write('bad.ndjson', []);
    writeFileSync(file, '{"action":"Init","params":{}}\n{"params":{}}\n');
    expect(() => readEventLog(file)).toThrow(InputError);
    expect(() => readEventLog(file)).toThrow(/bad\.ndjson:2: no "action"/);
    writeFileSync(file, '{"action":"Timeout"\n');
    expect(() => readEventLog(file)).toThrow(/bad\.ndjson:1: not JSON/);
  });

  it("cuts TLC's message to one short line: some end with a whole state, megabytes of it", () => {
    const state = `/\\ msgs = {${'[view |-> 7, seq |-> 1],\n'.repeat(100_000)}}`;
    const line = abridged(`The specification contains one or more behaviors with 65536 or more states.\nThe last state in the behavior is:\n${state}`);
    expect(line).not.toContain('\n');
    expect(line.length).toBeLessThan(500);
    expect(line).toMatch(/^The specification contains one or more behaviors with 65536 or more states\. The last state/);
    expect(line).toMatch(/\.\.\. \([\d,]+ more characters\)$/);
    expect(abridged('Too short  to\ncut.')).toBe('Too short to cut.');
  });

  it('refuses, in one line, a log longer than TLC can be given as one module', () => {
    const file = write('long.ndjson', logOf('leader-crashes', 1));
    expect(readEventLog(file).length).toBeGreaterThan(10);
    // The same check at 1 KiB as at MAX_EVENT_LOG_BYTES (256 MiB): no need to write a quarter of a gigabyte.
    expect(() => readEventLog(file, 1024)).toThrow(InputError);
    expect(() => readEventLog(file, 1024)).toThrow(/long\.ndjson: \d+ MiB, more than the 0 MiB of log that TLC can be given as one module here: validate its first lines/);
  });
});
