// cluster test, short: a real 3-node Raft cluster, clients over HTTP, its leader killed with
// SIGKILL twice (and restarted), the history linearizable, no acknowledged append lost, and the
// nodes' event logs, merged, a behaviour of the spec that TLC follows. Then the same, shorter, for
// Multi-Paxos (3 nodes, its leader killed) and PBFT (4 replicas, its primary killed, then one cut
// off), with TLC following the first steps of their merged logs (a prefix of a behaviour is one).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runClusterTest } from '../../src/cluster/jepsen.ts';
import type { Fault } from '../../src/cluster/jepsen.ts';
import { parseHistory } from '../../src/lincheck/history.ts';
import { checkHistory } from '../../src/lincheck/check.ts';

const dir = mkdtempSync(join(tmpdir(), 'jepsen-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Three blocks of 250 ports a run (a cluster's clients' ports, its nodes' a hundred above, its
// proxies two hundred above), below Linux's ephemeral ports (32768 on) and apart from cluster.test.ts's.
const port = 16000 + (process.pid % 20) * 750;

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

  const short: readonly { protocol: string; nodes: number; faults: readonly Fault[]; what: string }[] = [
    { protocol: 'multipaxos', nodes: 3, faults: [{ kind: 'kill', target: 'leader', ms: 1_500 }], what: 'its leader killed' },
    {
      protocol: 'pbft',
      nodes: 4,
      faults: [
        { kind: 'kill', target: 'leader', ms: 1_500 },
        { kind: 'partition', target: 'random', ms: 1_500 },
      ],
      what: 'its primary killed, then a replica cut off',
    },
  ];
  for (const { protocol, nodes, faults, what } of short) it(`${protocol}, ${what}: the history linearizable, nothing acknowledged lost, TLC follows the first 2,000 steps`, async () => {
    const r = await runClusterTest({
      protocol,
      nodes,
      dir: join(dir, protocol),
      port: port + (protocol === 'pbft' ? 500 : 250),
      seconds: 8,
      clients: 3,
      nemesis: [...new Set(faults.map((f) => f.kind))],
      faults,
      validateSteps: 2_000,
    });
    expect(r.faults).toHaveLength(faults.length);
    expect(r.faults[0]).toMatch(/: kill \S+ \(the (leader|primary)\) for 1\.5 s$/);
    expect(r.linearizable, r.lincheck).toBe(true);
    expect(r.ledger.lost, r.ledger.lostValues.join(' ')).toBe(0);
    expect(r.crashed).toEqual([]);
    expect(r.ledger.acknowledged).toBeGreaterThan(0);
    expect(r.ops.ok).toBeGreaterThan(5);
    expect('accepted' in r.validation && r.validation.accepted, JSON.stringify(r.validation)).toBe(true);
    expect('steps' in r.validation && r.validation.steps).toBe(2_000);
  }, 180_000);
});
