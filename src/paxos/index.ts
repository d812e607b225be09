// Single-decree Paxos as a protocol of consensus-lab: its spec, its models, its cluster model.

import { defineProtocol } from '../core/protocol.ts';
import { constantInt, constantInts, constantModelValue, constantModelValues } from '../core/tla/constants.ts';
import type { TlaValue } from '../core/tla/value.ts';
import type { ClusterModel } from '../explore/model.ts';
import { clusterKey, initialCluster, successors } from './cluster.ts';
import type { PaxosAction, PaxosCluster, PaxosClusterConfig } from './cluster.ts';
import { PAXOS_ACTION_PROPERTIES, PAXOS_INVARIANTS } from './invariants.ts';
import { PAXOS_MUTANTS, paxosRules } from './mutants.ts';
import { actionToTla, clusterToTla } from './tla.ts';
import { paxosTraceValidator } from './validate.ts';

/** The cluster configuration of a model's constants (Paxos.tla's and MCPaxos's). */
export function paxosConfig(constants: ReadonlyMap<string, TlaValue>, options: { mutant?: string } = {}): PaxosClusterConfig {
  return {
    proposers: constantInts(constants, 'Proposer'),
    acceptors: constantInts(constants, 'Acceptor'),
    learners: constantInts(constants, 'Learner'),
    values: constantModelValues(constants, 'Value'),
    rounds: constantInts(constants, 'Round'),
    rules: paxosRules(options.mutant),
    bounds: {
      maxCopies: constantInt(constants, 'MaxCopies'),
      maxInFlight: constantInt(constants, 'MaxInFlight'),
    },
  };
}

/** The cluster model of a model's constants (Proposer, Acceptor, Learner, Value, Round, None and MCPaxos's bounds). */
export function createPaxosModel(
  constants: ReadonlyMap<string, TlaValue>,
  options: { mutant?: string } = {},
): ClusterModel<PaxosCluster, PaxosAction> {
  const none = constantModelValue(constants, 'None');
  const cfg = paxosConfig(constants, options);
  return {
    initialStates: [initialCluster(cfg)],
    successors: (c) => successors(cfg, c),
    key: clusterKey,
    invariants: PAXOS_INVARIANTS,
    actionProperties: PAXOS_ACTION_PROPERTIES,
    actionName: (a) => a.name,
    actionToTla,
    stateToTla: (c) => clusterToTla(c, none),
  };
}

export const paxos = defineProtocol<PaxosCluster, PaxosAction>({
  name: 'paxos',
  title: 'Single-decree Paxos',
  specDir: 'specs/paxos',
  module: 'MCPaxos.tla',
  traceModule: 'TracePaxos.tla',
  historyVariable: 'lastAction',
  specFiles: ['Paxos.tla', 'MCPaxos.tla', 'TracePaxos.tla', 'paxos.traces.cfg'],
  createModel: createPaxosModel,
  mutants: PAXOS_MUTANTS,
  mutantsModule: 'MutantsPaxos.tla',
  traceValidator: paxosTraceValidator,
  // Stale messages in flight (MaxInFlight above |Acceptor|): promises and votes of an earlier
  // ballot, requests below an acceptor's promise, which the conformance model never has.
  graphModels: ['stale'],
  targets: [
    {
      name: 'chosen-in-later-ballot',
      property: 'NoChoiceInLaterBallot',
      kind: 'invariant',
      description: 'a value is chosen in a ballot above one that another proposer started first or abandoned',
    },
    {
      name: 'value-adopted',
      property: 'NoReproposal',
      kind: 'property',
      description: 'a proposer proposes a value that its promises report accepted in an earlier ballot, not its own',
    },
  ],
  tlcOnlyModels: [
    {
      model: 'liveness',
      description: 'Termination: with one proposer, no loss and weak fairness, every learner eventually decides',
    },
  ],
});
