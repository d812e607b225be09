// Trace validation by TLC of Paxos's event logs: the simulator's logs are behaviours of Paxos.tla
// (crashes, restarts and duplicates included), a log with one value changed is not (and the line
// and the variable are named), a partial log still validates, the log of a seeded bug's failing
// run is rejected, and a malformed line names its file and line.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { paxosSystem } from '../../src/paxos/host.ts';
import { paxos } from '../../src/paxos/index.ts';
import { readEventLog } from '../../src/validate/log.ts';
import { validateLog } from '../../src/validate/validate.ts';
import { expectBugRejected, simulatorLogs, withChanged } from './validate-support.ts';

const { logOf, write, dir } = simulatorLogs(paxosSystem);
const validator = paxos.traceValidator!;

describe('Paxos trace validation by TLC', () => {
  it('accepts the simulator’s logs, crashes, restarts and duplicates included', async () => {
    // Proposers that duel over rounds past 20 on a lossy network, with crashes: every action of Paxos.tla.
    const events = logOf('contention', 1);
    for (const action of ['Restart', 'DuplicateMessage', 'HandleDecided', 'Phase2a']) expect(events.some((e) => e.action === action)).toBe(true);
    expect(Math.max(...events.map((e) => Number(e.state?.round ?? 0)))).toBeGreaterThan(10);
    const r = await validateLog(paxos, validator, write('contention.ndjson', events));
    expect(r.accepted, r.explanation?.join('\n')).toBe(true);
    // The log's lines, and the losses of the copies no later line takes.
    expect(r.tlc.depth).toBe(r.steps + 1);
    expect(r.steps).toBeGreaterThan(events.length - 1);
    const stages: string[] = [];
    const partitions = await validateLog(paxos, validator, write('partitions.ndjson', logOf('partitions', 1)), {
      onProgress: (x) => 'stage' in x && stages.push(x.stage),
    });
    expect(partitions.accepted, partitions.explanation?.join('\n')).toBe(true);
    // What TLC does before it follows the first line is reported, stage by stage, in order.
    expect(stages).toEqual(['parsing', 'semantic', 'constants', 'following']);
  });

  it('rejects a log with one changed value, naming its line and the variable', async () => {
    const events = logOf('leader-crashes', 1);
    const k = events.findIndex((e) => e.action === 'HandlePrepare');
    const changed = withChanged(events, k, 'promised', (b) => ({ ...(b as object), round: (b as { round: number }).round + 1 }));
    const r = await validateLog(paxos, validator, write('changed.ndjson', changed));
    expect(r.accepted).toBe(false);
    expect(r.rejectedLine).toBe(k + 1);
    expect(r.rejectedAction).toBe('HandlePrepare');
    expect(r.explanation?.join('\n')).toMatch(/HandlePrepare leads to a state that differs from the line in: promised: logged \{"round":2,"proposer":\d\}, the spec \{"round":1,"proposer":\d\}/);
  });

  it('validates a partial log: only the round and the decision, or no state and no messages', async () => {
    const events = logOf('leader-crashes', 1);
    const some = events.map((e) => (e.state === undefined ? e : { ...e, state: { round: e.state.round, decided: e.state.decided } }));
    const r = await validateLog(paxos, validator, write('partial.ndjson', some));
    expect(r.accepted, r.explanation?.join('\n')).toBe(true);
    // Without the messages taken, each receipt may take any message in flight between the two: no loss is inferred.
    const bare = events.map(({ action, params }) => ({ action, params }));
    const b = await validateLog(paxos, validator, write('bare.ndjson', bare));
    expect(b.accepted, b.explanation?.join('\n')).toBe(true);
    expect(b.steps).toBe(events.length - 1);
  });

  it('rejects the log of a seeded bug’s failing run', async () => {
    // A quorum of two of five acceptors: the first seed of the contention scenario that fails, found by the simulator.
    await expectBugRejected(paxos, 'paxos-quorum-off-by-one', 'Phase2a');
  });

  it('names the file and line of a malformed log', () => {
    const file = join(dir, 'bad.ndjson');
    const init = '{"action":"Init","params":{}}';
    const check = (line: string, error: RegExp) => {
      writeFileSync(file, `${init}\n${line}\n`);
      expect(() => validator.model(readEventLog(file), 'TraceLogModule')).toThrow(InputError);
      expect(() => validator.model(readEventLog(file), 'TraceLogModule')).toThrow(error);
    };
    check('{"action":"Phase1a","params":{"p":"s1"}}', /bad\.ndjson:2: .*"s1" is not a server id/);
    check('{"action":"HandlePrepare","params":{"a":1}}', /bad\.ndjson:2: HandlePrepare has no parameter p/);
    check('{"action":"Elect","params":{"p":1}}', /bad\.ndjson:2: Elect is not an action of Paxos\.tla/);
    check('{"action":"Phase1a","params":{"p":1},"state":{"promised":"1.1"}}', /bad\.ndjson:2: Phase1a: "1\.1" is not a ballot/);
    check('{"action":"HandlePrepare","params":{"a":1,"p":2},"recv":{"type":"Prepared"}}', /bad\.ndjson:2: HandlePrepare: the message .* is not one of Paxos\.tla's/);
    check('{"action":"HandlePromise","params":{"p":1,"a":2},"recv":{"type":"Promise","source":2,"dest":1}}', /bad\.ndjson:2: HandlePromise: the Promise .* has no ballot, accepted: Paxos\.tla's Promise has/);
  });
});
