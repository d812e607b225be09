// --impl on the command line: an implementation that is not ours (the Python Raft of
// examples/raft-py, the exercise's TypeScript skeleton) driven through the explorer and TLC's
// traces, with the exit codes CI reads. (TLC's whole graph is driven by conformance/raft.)

import { describe, expect, it } from 'vitest';
import { cli, expectOneLineError } from '../support/cli.ts';

const python = 'python3 examples/raft-py/node.py';

describe('consensus-lab --impl', () => {
  it('explores the Python Raft: TLC\'s count of states, every invariant holding', () => {
    const r = cli(['explore', 'raft', '--model', 'conformance', '--impl', python, '--json']);
    expect(r.code, r.stderr).toBe(0);
    // TLC's count for the conformance model (conformance/raft checks the graph itself).
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, implementation: python, distinctStates: 35_133, totalStates: 192_713, depth: 30 });
  });

  it('replays TLC\'s traces through it, and fails with a diff where a rule is broken', () => {
    const ok = cli(['traces', 'replay', 'raft', '--impl', python, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, failed: 0 });
    const broken = cli(['traces', 'replay', 'raft', '--impl', `${python} --bug no-log-check`]);
    expect(broken.code, broken.stderr).toBe(1);
    expect(broken.stdout).toMatch(/step \d+, HandleRequestVoteRequest\(i = s\d, j = s\d\): state differs\n[\s\S]*votedFor\[s\d\]: trace = \w+, the implementation = s\d/);
  });

  it('refuses what it cannot drive, in one line', () => {
    expectOneLineError(cli(['explore', 'raft', '--impl', './no/such/reducer.ts']), /--impl \.\/no\/such\/reducer\.ts: no such module/);
    expectOneLineError(cli(['explore', 'paxos', '--impl', python]), /--impl: paxos cannot drive another implementation yet/);
    expectOneLineError(cli(['explore', 'raft', '--impl', python, '--mutant', 'raft-vote-twice']), /--impl and --mutant do not go together/);
    expectOneLineError(cli(['gate', '--impl', python]), /gate --impl checks one protocol/);
    expectOneLineError(cli(['explore', 'raft', '--model', 'conformance', '--impl', 'python3 -c "print(1)"']), /--impl python3 -c "print\(1\)": its reply 1 is not in_reply_to 1|not a JSON object/);
  });
});
