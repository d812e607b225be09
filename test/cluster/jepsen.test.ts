// cluster test, short: a real 3-node Raft cluster, clients over HTTP, its leader killed with
// SIGKILL twice (and restarted), the history linearizable, no acknowledged append lost, and the
// nodes' event logs, merged, a behaviour of the spec that TLC follows.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runClusterTest } from '../../src/cluster/jepsen.ts';
import { parseHistory } from '../../src/lincheck/history.ts';
import { checkHistory } from '../../src/lincheck/check.ts';

const dir = mkdtempSync(join(tmpdir(), 'jepsen-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const port = 25000 + (process.pid % 1500) * 4;

describe('cluster test', () => {
  it('kills the leader twice: the history is linearizable, no acknowledged write is lost, TLC accepts the logs', async () => {
    const lines: string[] = [];
    const r = await runClusterTest({
      protocol: 'raft',
      nodes: 3,
      dir: join(dir, 'raft'),
      port,
      seconds: 12,
      clients: 4,
      nemesis: ['kill'],
      faults: [
        { kind: 'kill', target: 'leader', ms: 1_500 },
        { kind: 'kill', target: 'leader', ms: 1_500 },
      ],
      onProgress: (l) => lines.push(l),
    });
    expect(r.faults).toHaveLength(2);
    for (const f of r.faults) expect(f).toMatch(/: kill s\d \(the leader\) for 1\.5 s$/);
    expect(r.linearizable, r.lincheck).toBe(true);
    expect(r.ledger.lost, r.ledger.lostValues.join(' ')).toBe(0);
    expect(r.crashed).toEqual([]);
    expect(r.ledger.acknowledged).toBeGreaterThan(2);
    expect(r.ops.ok).toBeGreaterThan(20);
    // TLC follows the nodes' event logs, merged into one, as a behaviour of Raft.tla.
    expect('accepted' in r.validation && r.validation.accepted, JSON.stringify(r.validation)).toBe(true);
    expect('steps' in r.validation && r.validation.steps === r.validation.ofSteps && r.validation.steps).toBeGreaterThan(100);
    // The history on disk is Jepsen's EDN, and the checker reads it back to the same verdict.
    const events = parseHistory(readFileSync(r.history, 'utf8'), r.history);
    expect(events.filter((e) => e.type === 'invoke').length).toBe(r.ops.ok + r.ops.fail + r.ops.info + 1);
    expect(checkHistory(events, 'kv').ok).toBe(true);
  }, 120_000);
});
