// Trace validation by TLC of Multi-Paxos's event logs: the simulator's logs are behaviours of
// MultiPaxos.tla (leader changes, crashes, restarts and duplicates included), a log with one value
// changed is not (and the line and the variable are named), a partial log still validates, the log
// of a seeded bug's failing run is rejected, and a malformed line names its file and line.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { multiPaxosSystem } from '../../src/multipaxos/host.ts';
import { multipaxos } from '../../src/multipaxos/index.ts';
import { readEventLog } from '../../src/validate/log.ts';
import { validateLog } from '../../src/validate/validate.ts';
import { expectBugRejected, simulatorLogs, withChanged } from '../paxos/validate-support.ts';

// Two clients, ten commands: thousands of lines all the same (new leaders decide the log again, and again).
const { logOf, write, dir } = simulatorLogs(multiPaxosSystem, { clients: 2, ops: 10 });
const validator = multipaxos.traceValidator!;

describe('Multi-Paxos trace validation by TLC', () => {
  it('accepts the simulator’s logs, leader changes, crashes, restarts and duplicates included', async () => {
    for (const [scenario, seed, action] of [['leader-crashes', 1, 'Restart'], ['partitions', 1, 'DuplicateMessage']] as const) {
      const events = logOf(scenario, seed);
      expect(events.some((e) => e.action === action)).toBe(true);
      expect(events.filter((e) => e.action === 'BecomeLeader').length).toBeGreaterThan(5);
      const r = await validateLog(multipaxos, validator, write(`${scenario}.ndjson`, events));
      expect(r.accepted, `${scenario} ${seed}: ${r.explanation?.join('\n')}`).toBe(true);
      expect(r.tlc.depth).toBe(r.steps + 1);
    }
  });

  it('rejects a log with one changed value, naming its line and the variable', async () => {
    const events = logOf('leader-crashes', 1);
    const k = events.findIndex((e, n) => n > events.length / 2 && e.action === 'HandleDecision' && typeof e.state?.logLength === 'number');
    const changed = withChanged(events, k, 'logLength', (n) => (n as number) + 1);
    const r = await validateLog(multipaxos, validator, write('changed.ndjson', changed));
    expect(r.accepted).toBe(false);
    expect(r.rejectedLine).toBe(k + 1);
    expect(r.explanation?.join('\n')).toMatch(/HandleDecision leads to a state that differs from the line in: logLength: logged \d+, the spec \d+/);
  });

  it('validates a partial log: only the round and the replica’s log length', async () => {
    const events = logOf('partitions', 1).map((e) => (e.state === undefined ? e : { ...e, state: { round: e.state.round, logLength: e.state.logLength } }));
    const r = await validateLog(multipaxos, validator, write('partial.ndjson', events));
    expect(r.accepted, r.explanation?.join('\n')).toBe(true);
  });

  it('rejects the log of a seeded bug’s failing run', async () => {
    // A new leader that proposes nothing again: the first seed of random-faults that fails, found by the simulator.
    await expectBugRejected(multipaxos, 'multipaxos-no-reproposal', 'BecomeLeader');
  });

  it('names the file and line of a malformed log', () => {
    const file = join(dir, 'bad.ndjson');
    const check = (line: string, error: RegExp) => {
      writeFileSync(file, `{"action":"Init","params":{}}\n${line}\n`);
      expect(() => validator.model(readEventLog(file), 'TraceLogModule')).toThrow(InputError);
      expect(() => validator.model(readEventLog(file), 'TraceLogModule')).toThrow(error);
    };
    check('{"action":"Propose","params":{"p":1}}', /bad\.ndjson:2: Propose has no parameter c/);
    check('{"action":"Propose","params":{"p":1,"c":7}}', /bad\.ndjson:2: Propose: 7 is not a value/);
    check('{"action":"HandleDecided","params":{"r":1,"p":1}}', /bad\.ndjson:2: HandleDecided is not an action of MultiPaxos\.tla/);
    check('{"action":"Phase1a","params":{"p":1},"state":{"logLength":"ten"}}', /bad\.ndjson:2: Phase1a: .*not an integer/);
    // A Prepare of the host before 8f51b5f, without the first slot not executed.
    check(
      '{"action":"HandlePrepare","params":{"a":2,"p":1},"recv":{"type":"Prepare","source":1,"dest":2,"ballot":{"round":1,"proposer":1}}}',
      /bad\.ndjson:2: HandlePrepare: the Prepare .* has no from: MultiPaxos\.tla's Prepare has source, dest, ballot, from/,
    );
    writeFileSync(file, '{"action":"Init","params":{}}\n{"params":{"p":1}}\n');
    expect(() => readEventLog(file)).toThrow(/bad\.ndjson:2: no "action"/);
  });
});
