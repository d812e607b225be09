// consensus-lab simulate as a user meets it: a run's report, many seeds, determinism, a failing
// seed reproduced from the command it prints and shrunk, and one line for bad input.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, expectOneLineError } from '../support/cli.ts';

describe('consensus-lab simulate', () => {
  it('reports one run as a table, and many as a summary with every run in --json', () => {
    const one = cli(['simulate', 'raft', '--scenario', 'partitions', '--seed', '3']);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/^raft, scenario partitions, seed 3, 5 nodes: ok$/m);
    expect(one.stdout).toMatch(/^linearizable\s+yes$/m);
    expect(one.stdout).toMatch(/^digest\s+[0-9a-f]{16}$/m);
    const many = cli(['simulate', 'raft', '--scenario', 'leader-crashes', '--seeds', '1..4', '--json', '--quiet']);
    expect(many.code, many.stderr).toBe(0);
    const out = JSON.parse(many.stdout);
    expect(out.summary).toMatchObject({ runs: 4, ok: 4, failed: 0, linearizable: 4, invariantsBroken: 0, noProgress: 0 });
    expect(out.runs.map((r: { seed: number }) => r.seed)).toEqual([1, 2, 3, 4]);
    for (const r of out.runs) {
      expect(r).toMatchObject({ ok: true, linearizable: true, invariants: 'hold' });
      expect(r.latencyMs.p50).toBeLessThanOrEqual(r.latencyMs.p99);
      expect(r.leaders.length).toBeGreaterThan(0);
    }
  });

  it('runs a seed twice with --check and finds the same digest', () => {
    const r = cli(['simulate', 'raft', '--scenario', 'random-faults', '--seeds', '5..6', '--check', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/deterministic: every seed ran twice with the same digest/);
    const a = JSON.parse(cli(['simulate', 'raft', '--seed', '9', '--json']).stdout);
    const b = JSON.parse(cli(['simulate', 'raft', '--seed', '9', '--json']).stdout);
    expect(a.runs[0].digest).toBe(b.runs[0].digest);
  });

  it('keeps a failing seed, prints the command that reproduces it, and shrinks its faults', () => {
    const out = mkdtempSync(join(tmpdir(), 'sim-'));
    const r = cli(['simulate', 'raft', '--scenario', 'random-faults', '--seeds', '1..3', '--mutant', 'raft-vote-no-log-check', '--out', out, '--json', '--quiet']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    const [first] = report.failures;
    expect(first.failure.kind).toBe('invariant');
    expect(first.reproduce).toBe(`npx consensus-lab simulate raft --scenario random-faults --seed ${first.seed} --mutant raft-vote-no-log-check`);
    for (const f of ['events.ndjson', 'history.edn', 'history.jsonl', 'report.json']) expect(existsSync(join(first.kept, f)), f).toBe(true);
    // The event log is one JSON object a line, every step an action of the spec.
    const lines = readFileSync(join(first.kept, 'events.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ n: 1, node: expect.any(String), action: expect.any(String) });
    // The shrunk schedule has fewer faults, and fails again from the command printed for it.
    expect(first.shrunk.to).toBeLessThan(first.shrunk.from);
    const again = cli(first.shrunk.command.replace(/^npx consensus-lab /, '').split(' ').concat(['--json', '--quiet', '--no-shrink']));
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).failures[0].failure.kind).toBe('invariant');
  });

  it('refuses bad input in one line', () => {
    expectOneLineError(cli(['simulate', 'zab']), /no protocol named "zab" runs as a system: choose one of .*raft/);
    expectOneLineError(cli(['simulate']), /simulate needs a protocol/);
    expectOneLineError(cli(['simulate', 'raft', '--scenario', 'nowhere']), /no scenario "nowhere": name one of .*partitions/);
    expectOneLineError(cli(['simulate', 'raft', '--seeds', '9..3']), /--seeds takes a range N\.\.M/);
    expectOneLineError(cli(['simulate', 'raft', '--mutant', 'raft-nope']), /no raft mutant named raft-nope: the seeded bugs are raft-commit-old-term/);
    const dir = mkdtempSync(join(tmpdir(), 'scenario-'));
    writeFileSync(join(dir, 'bad.json'), '{ "network": { "loss": "lots" } }');
    expectOneLineError(cli(['simulate', 'raft', '--scenario', join(dir, 'bad.json')]), /bad\.json: network\.loss: expected a number in \[0, 1\]/);
    writeFileSync(join(dir, 'broken.json'), '{ "nodes": ');
    expectOneLineError(cli(['simulate', 'raft', '--scenario', join(dir, 'broken.json')]), /broken\.json: not JSON/);
  });
});
