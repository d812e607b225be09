// The evidence chain of one protocol, as the test StrykerJS runs against each mutant of its
// reducer and cluster model (npm run mutation, docs/mutation.md): TLC's state graph of the
// conformance model against the TypeScript model's, the explorer's invariants and TLC's counts on
// it, the TLC traces replayed, the protocol's other graph models (Raft's batch), then the protocol
// as a system: one seed of every named scenario in the simulator (its monitors and the
// linearizability checker), and TLC's validation of a simulator log. TLC's graphs come from
// .cache/graphs/ (scripts/mutation.ts fills it before Stryker starts), so a mutant costs the
// comparisons, not TLC; the simulator and TLC's validation come last, so only the mutants that the
// graphs let through pay for them.
//
// The tests run in this order and Stryker stops at the first failure: the graph comparison, which
// stops at the first state where the graphs part, comes before the explorer, which a mutant that
// loses a bound would send into a state space of its own. Each test loads only the graph it needs:
// with Stryker's perTest coverage, a mutant that only one test reaches costs only that test.

import { describe, expect, it } from 'vitest';
import { compareWithTlcGraph, exploreModel, replayTraces, tlcStateGraph } from '../src/conformance/checks.ts';
import type { TlcGraph } from '../src/conformance/checks.ts';
import { formatGraphComparison } from '../src/conformance/graph.ts';
import { formatReplayFailure } from '../src/conformance/replay.ts';
import type { ModelName, Protocol } from '../src/core/protocol.ts';
import { simulationSuite, validateSimulatorLogs } from '../src/sim/suite.ts';
import { SYSTEMS } from '../src/systems.ts';

/** The simulator log TLC validates per mutant: the gate's first run, and as many lines as the gate takes. */
const VALIDATED_RUN: readonly [string, number] = ['partitions', 1];
const VALIDATED_LINES = 1500;

export function evidenceChain(p: Protocol): void {
  const graphs = new Map<ModelName, Promise<TlcGraph>>();
  const graphOf = (model: ModelName): Promise<TlcGraph> => {
    let graph = graphs.get(model);
    if (graph === undefined) graphs.set(model, (graph = tlcStateGraph(p, model)));
    return graph;
  };
  const sameGraph = async (model: ModelName): Promise<void> => {
    const graph = await graphOf(model);
    const comparison = compareWithTlcGraph(p, graph, model);
    expect(comparison.equal, formatGraphComparison(comparison)).toBe(true);
  };

  describe(`${p.name} evidence`, () => {
    it("has TLC's state graph of the conformance model", () => sameGraph('conformance'));

    it("holds its invariants on the conformance model, with TLC's counts", async () => {
      const { tlc } = await graphOf('conformance');
      const result = exploreModel(p, 'conformance');
      expect(result.outcome, `invariant ${result.violated} violated`).toBe('ok');
      expect([result.distinctStates, result.statesGenerated, result.depth]).toEqual([tlc.distinctStates, tlc.statesGenerated, tlc.depth]);
    });

    it('replays every TLC trace step for step', () => {
      const summary = replayTraces(p);
      expect(summary.failed, summary.failures.map((f) => formatReplayFailure(f.file, f.failure)).join('\n')).toBe(0);
    });

    for (const model of p.graphModels ?? []) {
      it(`has TLC's state graph of the ${model} model`, () => sameGraph(model));
    }

    const system = SYSTEMS.find((s) => s.name === p.name);
    if (system !== undefined) {
      it('runs every named scenario in the simulator, its monitors and clients satisfied', () => {
        const suite = simulationSuite(system, 1);
        const failures = suite.failures.map((f) => `${f.scenario} seed ${f.seed}: ${f.failure === undefined ? 'failed' : `${f.failure.kind}: ${f.failure.detail}`} (${f.reproduce})`);
        expect(failures, failures.join('\n')).toEqual([]);
      });
    }
    if (system !== undefined && p.traceValidator !== undefined) {
      it("has a simulator log that TLC accepts as a behaviour of the spec", async () => {
        const [log] = await validateSimulatorLogs(p, system, [VALIDATED_RUN], VALIDATED_LINES);
        expect(log?.accepted, `TLC rejected ${VALIDATED_RUN.join(' seed ')} at line ${log?.rejectedLine}`).toBe(true);
      });
    }
  });
}
