// The conformance suite, the same three checks for every protocol (conformance/<protocol>/):
//  1. state-graph equivalence: TLC's whole graph of the conformance model and the TypeScript
//     model's have the same states and action-labelled edges, and every seeded bug breaks that
//     (and one of them is caught by TLC and by the explorer on its own model, as the gate
//     catches every one: src/conformance/mutants.ts);
//  2. trace replay: every TLC trace in traces/<protocol>/ replays step for step, and traces
//     made from an older spec are refused;
//  3. invariants and counts: the TypeScript invariants hold on every reachable state of the
//     conformance model, whose distinct states, states generated and depth are TLC's.
// (The gate also asserts the counts on the larger ci model.)

import { beforeAll, describe, expect, it } from 'vitest';
import type { Protocol } from '../src/core/protocol.ts';
import {
  checkMutants,
  compareWithTlcGraph,
  exploreModel,
  replayTraces,
  tlcStateGraph,
} from '../src/conformance/checks.ts';
import type { TlcGraph } from '../src/conformance/checks.ts';
import { formatGraphComparison } from '../src/conformance/graph.ts';
import type { GraphComparison } from '../src/conformance/graph.ts';
import { catchMutants, mutantProblem } from '../src/conformance/mutants.ts';
import { formatReplayFailure } from '../src/conformance/replay.ts';
import { checkTracesFresh, readManifest } from '../src/conformance/traces.ts';
import { loadImplementation } from '../src/impl/implementation.ts';

export interface SuiteExpectations {
  /** For some seeded bugs: what the readable diff must mention. */
  readonly mutantDiffs?: Readonly<Record<string, RegExp>>;
  /** The seeded bugs of the catalogue (issue 5) the protocol must have. */
  readonly catalogue?: readonly string[];
  /** Random traces the manifest must hold at least (default 200). */
  readonly minRandomTraces?: number;
  /**
   * Implementations that are not ours (--impl: a command or a module, docs/driver.md), driven
   * through TLC's graph: each must have it, or part from it with a diff that says this.
   */
  readonly implementations?: readonly { readonly impl: string; readonly differs?: RegExp }[];
}

export function conformanceSuite(p: Protocol, expectations: SuiteExpectations = {}): void {
  describe(`${p.title} conformance`, () => {
    let graph: TlcGraph;
    beforeAll(async () => {
      graph = await tlcStateGraph(p, 'conformance');
    });

    it("has TLC's state graph, state for state and edge for edge", () => {
      const comparison = compareWithTlcGraph(p, graph, 'conformance');
      expect(comparison.equal, formatGraphComparison(comparison)).toBe(true);
      expect(comparison.tsStates).toBe(graph.tlc.distinctStates);
    });

    it('tells every seeded bug from the spec, with a readable diff', () => {
      const verdicts = checkMutants(p, graph, 'conformance');
      expect(verdicts.length).toBeGreaterThanOrEqual(1);
      for (const verdict of verdicts) {
        expect(verdict.caught, `mutant ${verdict.name} escaped`).toBe(true);
        const text = formatGraphComparison(verdict.comparison);
        expect(text).toMatch(/They part after \d+ steps?|The initial states differ/);
        expect(text).toMatch(/differs in:|has no \w+ step/);
        const wanted = expectations.mutantDiffs?.[verdict.name];
        if (wanted !== undefined) expect(text).toMatch(wanted);
      }
    });

    it('catches a seeded bug three ways: TLC and the explorer on its model, the state graph with the spec correct', async () => {
      for (const name of expectations.catalogue ?? []) expect(p.mutants.map((m) => m.name)).toContain(name);
      for (const m of p.mutants) expect(mutantProblem(p, m), m.name).toBeUndefined();
      // The first of the catalogue: the gate catches every one of them every way, with the same verdicts
      // (catchMutants), in CI; here, what each verdict holds. TLC's validation of the logs is the CLI test's.
      const first = p.mutants[0].name;
      const reports = await catchMutants(p, { graphs: new Map([['conformance', graph]]), only: [first], withoutValidation: true });
      expect(reports.map((r) => r.mutant.name)).toEqual([first]);
      for (const r of reports) {
        const name = r.mutant.name;
        expect(r.tlc.caught, `${name}: ${r.tlc.error}`).toBe(true);
        expect(r.tlc.result?.violated ?? r.mutant.breaks, name).toBe(r.mutant.breaks);
        if (r.mutant.liveness) expect(r.explorer.caught, name).toBe('n/a');
        else {
          expect(r.explorer.caught, `${name}: ${r.explorer.error}`).toBe(true);
          expect(r.explorer.result?.violated, name).toBe(r.mutant.breaks);
          // Both search breadth first: the shortest counterexamples are equally long.
          expect(r.explorer.traceLength, name).toBe(r.tlc.traceLength);
        }
        expect(r.conformance.caught, `${name}: ${r.conformance.error}`).toBe(true);
        expect(formatGraphComparison(r.conformance.comparison as GraphComparison)).toMatch(/They part after \d+ steps?|The initial states differ/);
        // The fourth way, where the protocol runs as a system: a failing seed of the simulator.
        if (r.simulation !== undefined) expect(r.simulation.caught, `${name}: ${r.simulation.error}`).toBe(true);
      }
    }, 900_000);

    it('replays every TLC trace step for step', () => {
      const manifest = readManifest(p);
      const random = manifest.traces.filter((t) => t.kind === 'random');
      expect(random.length).toBeGreaterThanOrEqual(expectations.minRandomTraces ?? 200);
      expect(Math.min(...random.map((t) => t.steps))).toBeGreaterThanOrEqual(30);
      expect(manifest.traces.filter((t) => t.kind === 'target').map((t) => t.property).sort()).toEqual(p.targets.map((t) => t.property).sort());
      const summary = replayTraces(p);
      const failures = summary.failures.map((f) => formatReplayFailure(f.file, f.failure)).join('\n');
      expect(summary.failed, failures).toBe(0);
      expect(summary.replayed).toBe(manifest.traces.length);
    });

    it('refuses traces made from another version of the spec', () => {
      const manifest = readManifest(p);
      const [file] = Object.keys(manifest.spec);
      const edited = { ...manifest, spec: { ...manifest.spec, [file]: '0'.repeat(64) } };
      expect(() => checkTracesFresh(p, edited)).toThrow(new RegExp(`another version of ${file.replace('.', '\\.')}.*traces generate ${p.name}`));
    });

    for (const { impl, differs } of expectations.implementations ?? []) {
      it(`${differs === undefined ? 'has' : 'tells from'} the implementation ${impl}${differs === undefined ? ", TLC's state graph and all" : ', with a readable diff'}`, async () => {
        const implementation = await loadImplementation(impl);
        const comparison = compareWithTlcGraph(p, graph, 'conformance', undefined, implementation);
        const text = formatGraphComparison(comparison, 'the implementation');
        if (differs === undefined) {
          expect(comparison.equal, text).toBe(true);
          expect(comparison.tsStates).toBe(graph.tlc.distinctStates);
        } else {
          expect(comparison.equal).toBe(false);
          expect(text).toMatch(differs);
        }
      }, 300_000);
    }

    it("holds its invariants on every reachable state, with TLC's counts", () => {
      const result = exploreModel(p, 'conformance');
      expect(result.outcome, `invariant ${result.violated} violated`).toBe('ok');
      expect(result.distinctStates).toBe(graph.tlc.distinctStates);
      expect(result.statesGenerated).toBe(graph.tlc.statesGenerated);
      expect(result.depth).toBe(graph.tlc.depth);
    });
  });
}
