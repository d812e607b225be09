// PBFT as a protocol of consensus-lab: its spec, its models, its cluster model.

import { defineProtocol } from '../core/protocol.ts';
import { constantInt, constantInts, constantModelValue, constantModelValues } from '../core/tla/constants.ts';
import type { TlaValue } from '../core/tla/value.ts';
import type { ClusterModel } from '../explore/model.ts';
import { clusterKey, initialCluster, successors } from './cluster.ts';
import type { PbftAction, PbftCluster, PbftClusterConfig } from './cluster.ts';
import { pbftInvariants } from './invariants.ts';
import { PBFT_MUTANTS, pbftRules } from './mutants.ts';
import { actionToTla, clusterToTla } from './tla.ts';
import { pbftTraceValidator } from './validate.ts';

/** The cluster model of a model's constants (N, Byzantine, Request, Null, K and MCPBFT's bounds). */
export function createPbftModel(
  constants: ReadonlyMap<string, TlaValue>,
  options: { mutant?: string } = {},
): ClusterModel<PbftCluster, PbftAction> {
  const n = constantInt(constants, 'N');
  const byzantine = constantInts(constants, 'Byzantine');
  const nullValue = constantModelValue(constants, 'Null');
  const nullDigest = nullValue.kind === 'model' ? nullValue.name : '';
  const k = constantInt(constants, 'K');
  const cfg: PbftClusterConfig = {
    n,
    f: Math.floor((n - 1) / 3),
    k,
    nullDigest,
    rules: pbftRules(options.mutant),
    byzantine,
    correct: Array.from({ length: n }, (_, i) => i).filter((i) => !byzantine.includes(i)),
    requests: constantModelValues(constants, 'Request'),
    bounds: {
      maxView: constantInt(constants, 'MaxView'),
      timers: constantInts(constants, 'Timers'),
      // MCPBFT's definitions that a model may give values to (with the override that uses them).
      ...(constants.has('ByzantineSeqNums') && { byzantineSeqNums: constantInts(constants, 'ByzantineSeqNums') }),
      ...(constants.has('ByzantineRequests') && { byzantineRequests: constantModelValues(constants, 'ByzantineRequests') }),
      ...(constants.has('AcceptedRequests') && { acceptedRequests: constantModelValues(constants, 'AcceptedRequests') }),
    },
  };
  return {
    initialStates: [initialCluster(cfg)],
    successors: (c) => successors(cfg, c),
    key: clusterKey,
    invariants: pbftInvariants(nullDigest, k),
    actionName: (a) => a.name,
    actionToTla,
    stateToTla: clusterToTla,
  };
}

export const pbft = defineProtocol<PbftCluster, PbftAction>({
  name: 'pbft',
  title: 'PBFT',
  specDir: 'specs/pbft',
  module: 'MCPBFT.tla',
  traceModule: 'TracePBFT.tla',
  historyVariable: 'lastAction',
  specFiles: ['PBFT.tla', 'MCPBFT.tla', 'TracePBFT.tla', 'pbft.traces.cfg'],
  createModel: createPbftModel,
  mutants: PBFT_MUTANTS,
  mutantsModule: 'MutantsPBFT.tla',
  // A second view change (MaxView = 2), and f = 2 (7 replicas). pbft.gaps.cfg (two sequence
  // numbers across a view change) is not among them: its dump and comparison take minutes.
  graphModels: ['views', 'quorums'],
  traceValidator: pbftTraceValidator,
  targets: [
    {
      name: 'prepared-request-carried',
      property: 'NoPreparedRequestCarried',
      kind: 'invariant',
      description: 'a request prepared in one view is re-proposed in the NEW-VIEW of the next, and the view change carries it over',
    },
    {
      name: 'equivocating-primary-replaced',
      property: 'NoEquivocatingPrimaryReplaced',
      kind: 'invariant',
      description: 'a Byzantine primary pre-prepares two requests for one sequence number, and a view change replaces it',
    },
  ],
});
