// Trace validation by TLC of PBFT's event logs: the simulator's logs are behaviours of PBFT.tla,
// the Byzantine replica's doings included; a log with one value changed is not (and the line and
// the variable are named), a partial log still validates, the log a seeded bug writes is
// rejected at the step where the bug acts, and a malformed line names its file and line.

import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import type { LogEvent } from '../../src/host/types.ts';
import { pbftSystem } from '../../src/pbft/host.ts';
import { pbft } from '../../src/pbft/index.ts';
import { loadScenario } from '../../src/sim/scenario.ts';
import { simulate } from '../../src/sim/simulator.ts';
import { readEventLog } from '../../src/validate/log.ts';
import { validateLog } from '../../src/validate/validate.ts';
import { cli } from '../support/cli.ts';
import { logWriter, simulatorLog } from '../support/logs.ts';

const validator = pbft.traceValidator!;
const write = logWriter('validate-pbft-');
const logOf = (scenario: string, seed: number, mutant?: string) => simulatorLog(pbftSystem, scenario, seed, mutant);

/** The first seed of the scenario on which the seeded bug makes the simulator fail, and that run's log. */
function failingLog(mutant: string, scenario: string, seeds: number): LogEvent[] {
  for (let seed = 1; seed <= seeds; seed++) {
    if (!simulate({ protocol: pbftSystem, scenario: loadScenario(scenario), seed, mutant, skipLinearizability: mutant !== 'pbft-client-trusts-f-replies' }).ok) return logOf(scenario, seed, mutant);
  }
  throw new Error(`${mutant}: no failing seed of ${scenario} in 1..${seeds}`);
}

describe('PBFT trace validation by TLC', () => {
  for (const [scenario, seed] of [['partitions', 1], ['byzantine-primary', 2]] as const) {
    it(`accepts the simulator’s log of ${scenario} seed ${seed}: view changes, the Byzantine replica, duplicates, clients’ results`, async () => {
      const events = logOf(scenario, seed);
      for (const action of ['ReceiveViewChanges', 'ReceiveNewView', 'DuplicateMessage', 'ClientAccept']) expect(events.some((e) => e.action === action), action).toBe(true);
      const r = await validateLog(pbft, validator, write(`${scenario}.ndjson`, events));
      expect(r.accepted, `${scenario} ${seed}: ${r.explanation?.join('\n')}`).toBe(true);
      expect(r.steps).toBe(events.length - 1);
      // One state a line: every step of the node host's log has one successor.
      expect(r.tlc.distinctStates).toBe(events.length);
    });
  }

  it('rejects a log with one changed value, naming its line and the variable (consensus-lab validate pbft)', () => {
    const events = logOf('leader-crashes', 1);
    const k = events.findIndex((e, n) => n > events.length / 4 && e.action === 'ReceiveCommits');
    const changed = events.map((e, n) => (n === k ? { ...e, state: { ...e.state, executed: (e.state?.executed as number) + 1 } } : e));
    const file = write('changed.ndjson', changed);
    const r = cli(['validate', 'pbft', file, '--quiet']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(`${file}:${k + 1}: no behaviour of PBFT.tla takes this ReceiveCommits step after the lines before it`);
    expect(r.stdout).toMatch(/ReceiveCommits leads to a state that differs from the line in: executed: logged \d+, the spec \d+/);
  });

  it('validates a partial log: no constants, no state but the view, no messages sent but the new views', async () => {
    const events = logOf('byzantine-primary', 2).map((e) => {
      const { constants: _c, state, sent, ...rest } = e;
      return {
        ...rest,
        ...(state !== undefined && { state: { view: state.view } }),
        ...(e.action === 'ReceiveViewChanges' && { sent }),
      };
    });
    const r = await validateLog(pbft, validator, write('partial.ndjson', events));
    expect(r.accepted, r.explanation?.join('\n')).toBe(true);
    // Without the request a quorum step took, TLC hashes whole states (no VIEW): a shorter log.
    const blind = events.slice(0, 600).map((e) => (e.action === 'ReceivePrepares' || e.action === 'ReceiveCommits' ? { ...e, params: { i: e.params.i, n: e.params.n } } : e));
    const b = await validateLog(pbft, validator, write('partial-no-d.ndjson', blind));
    expect(b.accepted, b.explanation?.join('\n')).toBe(true);
    expect(validator.model(readEventLog(write('again.ndjson', blind)), 'TraceLogModule').view).toBeUndefined();
  });

  it('rejects the logs seeded bugs write, at the step where the bug acts', async () => {
    const prepare = await validateLog(pbft, validator, write('weak-prepare.ndjson', failingLog('pbft-weak-prepare', 'random-faults', 10)));
    expect(prepare.accepted).toBe(false);
    expect(prepare.rejectedAction).toBe('ReceivePrepares');
    expect(prepare.explanation?.join('\n')).toMatch(/PrepareQuorum needs 2f/);
    // The client's bug: it takes a result from f replies; the log records the clients' results.
    const client = await validateLog(pbft, validator, write('trusts-f.ndjson', failingLog('pbft-client-trusts-f-replies', 'random-faults', 10)));
    expect(client.accepted).toBe(false);
    expect(client.rejectedAction).toBe('ClientAccept');
    expect(client.explanation?.join('\n')).toMatch(/ReplyQuorum needs f \+ 1/);
  });

  it('names the file and line of a malformed log', async () => {
    const init = { action: 'Init', params: {}, constants: { N: 4, Byzantine: [0], K: 10 } };
    const file = write('bad.ndjson', [init, { action: 'Timeout', params: { i: 0 } }]);
    await expect(validateLog(pbft, validator, file)).rejects.toThrow(InputError);
    await expect(validateLog(pbft, validator, file)).rejects.toThrow(/bad\.ndjson:2: Timeout needs the correct replica that steps, i .*not the Byzantine 0/);
    const other = write('bad2.ndjson', [init, { action: 'Timeout', params: { i: 1 } }, { action: 'ReceiveNewView', params: { i: 2, j: 1 } }]);
    await expect(validateLog(pbft, validator, other)).rejects.toThrow(/bad2\.ndjson:3: ReceiveNewView logs no NEW-VIEW it took/);
    const unknown = write('bad3.ndjson', [init, { action: 'Restart', params: { i: 1 } }]);
    await expect(validateLog(pbft, validator, unknown)).rejects.toThrow(/bad3\.ndjson:2: Restart is not an action of PBFT\.tla/);
  });
});
