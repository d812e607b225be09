// A real Raft cluster: three processes on this machine, TCP between them, SQLite under each, the
// key-value API over HTTP. Writes acknowledged before the leader is killed with SIGKILL are all
// there after; `cluster stop` leaves no process; bad starts are one clear line.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processAlive as alive } from '../../src/cluster/control.ts';
import { cli, expectOneLineError } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'cluster-test-'));
// Ports of their own, away from the default 7001 a person may be using.
// A block of 500 ports a run, two clusters' (a cluster's clients' ports, its nodes' a hundred
// above), below Linux's ephemeral ports (32768 on) and apart from jepsen.test.ts's (16000 on).
const port = 10000 + (process.pid % 12) * 500;
const url = (k: number) => `http://127.0.0.1:${port + k}`;

afterAll(() => {
  cli(['cluster', 'stop', '--data', join(dir, 'raft')]);
  rmSync(dir, { recursive: true, force: true });
});

const pidOf = (data: string, id: string) => Number(readFileSync(join(data, id, 'pid'), 'utf8'));

/** A request that follows the redirect to the leader and retries while there is none. */
async function kv(method: string, path: string, body?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const deadline = Date.now() + 15_000;
  for (let k = 0; ; k = (k + 1) % 3) {
    try {
      const res = await fetch(`${url(k)}${path}`, { method, body, redirect: 'follow', signal: AbortSignal.timeout(6_000) });
      const json = (await res.json()) as Record<string, unknown>;
      if ((res.status !== 503 && res.status !== 504) || Date.now() > deadline) return { status: res.status, json };
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('cluster', () => {
  const data = join(dir, 'raft');

  it('starts three Raft nodes, serves puts and gets, loses nothing acknowledged when the leader is killed, and stops', async () => {
    const started = cli(['cluster', 'start', 'raft', '--nodes', '3', '--data', data, '--port', String(port), '--json']);
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    const { leader, nodes } = JSON.parse(started.stdout) as { leader: string; nodes: { id: string }[] };
    expect(nodes.map((n) => n.id)).toEqual(['s1', 's2', 's3']);

    const acknowledged: string[] = [];
    for (let i = 0; i < 15; i++) {
      const put = await kv('PUT', `/kv/k${i}`, `v${i}`);
      expect(put.status, JSON.stringify(put.json)).toBe(200);
      acknowledged.push(`k${i}`);
    }
    expect((await kv('POST', '/kv/k0/cas', JSON.stringify({ from: 'v0', to: 'w0' }))).status).toBe(200);
    expect((await kv('POST', '/kv/k0/cas', JSON.stringify({ from: 'v0', to: 'x0' }))).json.code).toBe('cas-failed');
    expect((await kv('POST', '/kv/k1/append', '+'))).toMatchObject({ status: 200 });

    // The command-line client finds the leader and says what became of each command.
    const kvCli = (...args: string[]) => cli(['kv', ...args, '--data', data]);
    expect(kvCli('put', 'greeting', 'hello').stdout).toBe('ok\n');
    expect(kvCli('append', 'greeting', ', world').stdout).toBe('ok\n');
    expect(kvCli('get', 'greeting').stdout).toBe('hello, world\n');
    expectOneLineError({ ...kvCli('cas', 'greeting', 'nope', 'x'), code: 2 }, /the value of greeting is not "nope": nothing changed/);
    expect(kvCli('cas', 'greeting', 'nope', 'x').code).toBe(1);
    expectOneLineError(kvCli('frob', 'greeting'), /no operation "frob"/);

    // kill -9 the leader: the two others elect a new one, and every acknowledged write is there.
    const leaderPid = pidOf(data, leader);
    process.kill(leaderPid, 'SIGKILL');
    const status = JSON.parse(cli(['cluster', 'status', '--data', data, '--json']).stdout) as { nodes: { id: string; running: boolean }[] };
    expect(status.nodes.find((n) => n.id === leader)?.running).toBe(false);
    for (const [i, key] of acknowledged.entries()) {
      const got = await kv('GET', `/kv/${key}`);
      expect(got.status).toBe(200);
      expect(got.json.value).toBe(i === 0 ? 'w0' : i === 1 ? 'v1+' : `v${i}`);
    }
    const after = JSON.parse(cli(['cluster', 'status', '--data', data, '--json']).stdout) as { nodes: { id: string; role?: string; leading?: number }[] };
    const newLeader = after.nodes.find((n) => n.role === 'leader');
    expect(newLeader?.id).not.toBe(leader);
    expect(newLeader?.leading).toBeGreaterThan(1);

    // The killed node comes back from its database and catches up with the others.
    const restarted = cli(['cluster', 'restart', leader, '--data', data]);
    expect(restarted.stdout).toMatch(new RegExp(`^node ${leader} is back \\(pid \\d+\\), recovered from its database`));
    expectOneLineError(cli(['cluster', 'restart', leader, '--data', data]), new RegExp(`node ${leader} is running`));
    const applied = async () => {
      const s = JSON.parse(cli(['cluster', 'status', '--data', data, '--json']).stdout) as { nodes: { applied?: number }[] };
      return s.nodes.map((n) => n.applied ?? -1);
    };
    let caughtUp = await applied();
    for (let k = 0; k < 50 && new Set(caughtUp).size > 1; k++) {
      await new Promise((r) => setTimeout(r, 200));
      caughtUp = await applied();
    }
    expect(new Set(caughtUp).size, `applied ${caughtUp.join(', ')}`).toBe(1);
    expect(caughtUp[0]).toBeGreaterThanOrEqual(acknowledged.length + 3);

    const pids = ['s1', 's2', 's3'].map((id) => pidOf(data, id));
    const stopped = cli(['cluster', 'stop', '--data', data]);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/^stopped s1, s2, s3;/);
    const cmdline = (pid: number) => {
      try {
        return readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        return 'gone';
      }
    };
    for (const pid of [leaderPid, ...pids]) expect(alive(pid), `pid ${pid}: ${cmdline(pid)}`).toBe(false);
    expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })).not.toContain(`cluster node s1 --data ${data}`);
  }, 90_000);

  it('refuses, in one line, a port in use and a damaged database, and leaves nothing running', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(port + 1, '127.0.0.1', r));
    try {
      expectOneLineError(cli(['cluster', 'start', 'raft', '--data', join(dir, 'busy'), '--port', String(port)]), new RegExp(`port ${port + 1} on 127\\.0\\.0\\.1 is in use`));
    } finally {
      busy.close();
    }
    expectOneLineError(cli(['cluster', 'status', '--data', join(dir, 'nothing')]), /no cluster here \(no cluster\.json\)/);
    expectOneLineError(cli(['cluster', 'start', 'nosuch', '--data', join(dir, 'x')]), /no protocol named "nosuch"/);

    // A node whose database is not one: it does not start, and says why; the others are stopped.
    const damaged = join(dir, 'damaged');
    const first = cli(['cluster', 'start', 'raft', '--data', damaged, '--port', String(port + 200)]);
    expect(first.code).toBe(0);
    const cfg = readFileSync(join(damaged, 'cluster.json'), 'utf8');
    expect(cli(['cluster', 'stop', '--data', damaged]).code).toBe(0);
    writeFileSync(join(damaged, 's2', 'node.db'), 'not a database\n'.repeat(100));
    rmSync(join(damaged, 's2', 'node.db-wal'), { force: true });
    const node = cli(['cluster', 'node', 's2', '--data', damaged]);
    expectOneLineError(node, /s2\/node\.db: the database cannot be read \(file is not a database\); it is left as it is/);
    expect(readFileSync(join(damaged, 's2', 'node.db'), 'utf8')).toBe('not a database\n'.repeat(100));
    expect(readFileSync(join(damaged, 'cluster.json'), 'utf8')).toBe(cfg);
  }, 90_000);
});
