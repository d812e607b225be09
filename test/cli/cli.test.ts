// The command line as a user meets it: real processes, real TLC, exit codes and one-line errors.

import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exploreModel } from '../../src/conformance/checks.ts';
import { catchWithExplorer } from '../../src/conformance/mutants.ts';
import type { Mutant } from '../../src/core/protocol.ts';
import { raft } from '../../src/raft/index.ts';
import { cli, expectOneLineError, root } from '../support/cli.ts';

const fixtures = join(root, 'test', 'cli', 'fixtures');

/**
 * `gate raft` on the conformance model with one seeded bug, run once for the tests that read it
 * (the gate in CI catches the whole catalogue with the same code: catchMutants).
 */
let gate: { r: ReturnType<typeof cli>; junit: string } | undefined;
function gateRun() {
  if (gate === undefined) {
    const junit = join(mkdtempSync(join(tmpdir(), 'junit-')), 'gate.xml');
    gate = { r: cli(['gate', 'raft', '--model', 'conformance', '--mutant', 'raft-vote-twice', '--json', '--quiet', '--junit', junit]), junit };
  }
  return gate;
}

describe('consensus-lab', () => {
  it('prints its usage', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/consensus-lab gate \[protocol\.\.\.\]/);
  });

  it('refuses what it does not know, in one line', () => {
    expectOneLineError(cli(['frobnicate']), /unknown command "frobnicate"/);
    expectOneLineError(cli(['explore', 'zab']), /no protocol named "zab": choose one of .*raft/);
    expectOneLineError(cli(['explore', 'raft', '--bogus']), /Unknown option '--bogus'/);
    expectOneLineError(cli(['explore', 'raft', '--model', 'huge']), /raft has no model "huge"/);
    expectOneLineError(cli(['explore', 'raft', '--model', 'conformance', '--mutant', 'nope']), /raft has no mutant "nope": choose one of .*raft-vote-no-log-check/);
    expectOneLineError(cli(['gate', 'raft', '--mutant', 'paxos-forget-promise']), /no seeded bug named "paxos-forget-promise" in raft/);
  });

  it("checks a user's own spec with TLC, with counts a person can verify", () => {
    const r = cli(['tlc', join(fixtures, 'Counter.tla'), '--config', join(fixtures, 'Counter.cfg'), '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    // 3 counters in 0..4: 5^3 states; a state whose counters sum to s is reached in s steps.
    expect(result).toMatchObject({ ok: true, result: 'ok', distinctStates: 5 ** 3, depth: 3 * 4 + 1 });
  });

  it('names the file and line of a spec that does not parse', () => {
    expectOneLineError(cli(['tlc', join(fixtures, 'Broken.tla'), '--config', join(fixtures, 'Broken.cfg')]), /Broken\.tla.*line 6|Broken\.tla:6/);
  });

  it('names a missing spec file', () => {
    expectOneLineError(cli(['tlc', 'nowhere/Spec.tla']), /nowhere\/Spec\.tla: no such TLA\+ spec/);
  });

  it('names the file and line of a malformed trace', () => {
    expectOneLineError(cli(['traces', 'replay', 'raft', join(fixtures, 'malformed.itf.json')]), /malformed\.itf\.json:4:/);
  });

  it('says what to install when java is missing', () => {
    const bin = mkdtempSync(join(tmpdir(), 'no-java-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    const r = cli(['tlc', 'raft', '--model', 'conformance'], { PATH: bin, HOME: process.env.HOME });
    expectOneLineError(r, /java not found on PATH: install a JDK/);
  });

  it("explores a protocol's model and reports as JSON", () => {
    const r = cli(['explore', 'raft', '--model', 'conformance', '--json', '--quiet']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    const direct = exploreModel(raft, 'conformance');
    expect(result).toMatchObject({ ok: true, protocol: 'raft', model: 'conformance', result: 'ok', distinctStates: direct.distinctStates, totalStates: direct.statesGenerated, depth: direct.depth });
  });

  it('fails a seeded bug with exit code 1 and the place where it parts from TLC', () => {
    const r = cli(['conform', 'raft', '--mutant', 'raft-vote-no-log-check', '--counts-model', 'conformance', '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/graph \(conformance\) failed/);
    expect(r.stdout).toMatch(/They part after \d+ steps/);
    expect(r.stdout).toMatch(/Failed: raft\./);
  });

  it('catches a Raft seeded bug every way, and the gate says so in one JSON object', () => {
    // The gate's mutants verdicts are `mutants --json`'s (mutantJson): one run serves both tests.
    const { r, junit } = gateRun();
    expect(r.code, r.stderr).toBe(0);
    const [entry] = JSON.parse(r.stdout).protocols;
    expect(entry.mutants).toMatchObject({ total: 1, caught: 1, escaped: [] });
    expect(junit).toBeDefined();
    const out = { mutants: entry.mutants.verdicts };
    expect(out.mutants.map((m: { name: string }) => m.name)).toEqual(['raft-vote-twice']);
    for (const m of out.mutants) {
      const mutant = raft.mutants.find((x) => x.name === m.name);
      expect(m, m.name).toMatchObject({
        caught: true,
        breaks: mutant?.breaks,
        tlc: { caught: true, result: 'invariant', violated: mutant?.breaks },
        explorer: { caught: true, result: 'invariant', violated: mutant?.breaks },
        conformance: { caught: true, model: mutant?.graphModel ?? 'conformance' },
        // The fourth way: the simulator, with the mutated reducer, finds a failing seed within its budget.
        simulation: { caught: true, failure: { kind: expect.stringMatching(/invariant|replicas-disagree|not-linearizable|no-progress/) } },
      });
      expect(m.simulation.firstFailingSeed, m.name).toBeLessThanOrEqual(m.simulation.budget);
      expect(m.simulation.reproduce, m.name).toMatch(new RegExp(`--seed ${m.simulation.firstFailingSeed} .*--mutant ${m.name}$`));
      // The fifth: TLC rejects the event log of that failing run.
      expect(m.validation, m.name).toMatchObject({ caught: true, rejectedLine: expect.any(Number) });
      // TLC (one worker) and the explorer both search breadth first: their shortest counterexamples are as long.
      expect(m.explorer.traceLength, m.name).toBe(m.tlc.traceLength);
      expect(m.conformance.partsAfter, m.name).toBe(m.conformance.path.length);
    }
    // The explorer's verdict, computed again here: the same counterexample length.
    const twice = raft.mutants.find((m) => m.name === 'raft-vote-twice');
    const direct = catchWithExplorer(raft, twice as Mutant);
    expect(out.mutants.find((m: { name: string }) => m.name === 'raft-vote-twice').explorer.traceLength).toBe(direct.traceLength);
  });

  it("prints a seeded bug's counterexample step by step, as the README shows it", () => {
    const r = cli(['mutants', 'raft', '--mutant', 'raft-vote-twice', '--markdown', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const section = r.stdout.slice(r.stdout.indexOf('### raft-vote-twice')).trim();
    expect(section).toMatch(/^1\. `Timeout\(i = s\d\)`$/m);
    // The step that is the bug: a restart that forgets the vote.
    expect(section).toMatch(/`Restart\(i = (s\d)\)`\n\s+- `votedFor\[\1\]: s\d → Nil`/);
    expect(section).toMatch(/`ElectionSafety` is violated in the last state/);
    expect(readFileSync(join(root, 'docs', 'mutants.md'), 'utf8')).toContain(section);
    expectOneLineError(cli(['mutants', 'raft', '--mutant', 'nope']), /no seeded bug named "nope"/);
  });

  it('gates, with one JSON object and JUnit XML', () => {
    const { r, junit } = gateRun();
    expect(r.code, r.stderr).toBe(0);
    const gate = JSON.parse(r.stdout);
    expect(gate.ok).toBe(true);
    const [entry] = gate.protocols;
    expect(entry.name).toBe('raft');
    expect(entry.tlc).toMatchObject({ result: 'ok' });
    expect(entry.explore.distinctStates).toBe(entry.tlc.distinctStates);
    expect(entry.graph).toMatchObject({ equal: true });
    expect(entry.graph.tsStates).toBe(entry.graph.tlcStates);
    expect(entry.traces.failed).toBe(0);
    expect(entry.traces.replayed).toBeGreaterThanOrEqual(200);
    expect(entry.mutants.escaped).toEqual([]);
    expect(entry.mutants.verdicts.map((v: { name: string }) => v.name)).toEqual(['raft-vote-twice']);
    for (const v of entry.mutants.verdicts) expect(v, v.name).toMatchObject({ caught: true, tlc: { caught: true }, explorer: { caught: true }, conformance: { caught: true } });
    // The protocol as a system: every named scenario, 5 seeds each, all ok.
    expect(entry.simulation.failures).toEqual([]);
    expect(entry.simulation.ok).toBe(entry.simulation.runs);
    expect(entry.simulation.runs).toBeGreaterThanOrEqual(25);
    // Every extra graph model (batch, elections, two-candidates, copies), each equal to TLC's.
    expect(entry.graphs.map((g: { model: string }) => g.model)).toEqual(raft.graphModels);
    for (const g of entry.graphs) expect(g, g.model).toMatchObject({ equal: true });
    expect(raft.graphModels).toContain('elections');
    // The last mutation scores ride along, per protocol checked: its reducer's, and its host's once measured.
    expect(gate.mutation.filter((m: { part: string }) => m.part === 'reducer').map((m: { protocol: string }) => m.protocol)).toEqual(['raft']);
    expect(gate.mutation.every((m: { protocol: string }) => m.protocol === 'raft')).toBe(true);
    expect(entry.validation.logs.map((l: { accepted: boolean }) => l.accepted)).toEqual([true, true]);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuite name="raft" tests="\d+" failures="0"/);
  });
});
