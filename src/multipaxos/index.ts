// Multi-Paxos as a protocol of consensus-lab: its spec, its models, its cluster model.

import { defineProtocol } from '../core/protocol.ts';
import { constantInt, constantInts, constantModelValue, constantModelValues } from '../core/tla/constants.ts';
import { UserError } from '../core/errors.ts';
import type { TlaValue } from '../core/tla/value.ts';
import type { ClusterModel } from '../explore/model.ts';
import { clusterKey, initialCluster, successors } from './cluster.ts';
import type { MultiPaxosAction, MultiPaxosCluster, MultiPaxosClusterConfig } from './cluster.ts';
import { MULTIPAXOS_ACTION_PROPERTIES, multiPaxosInvariants } from './invariants.ts';
import { MULTIPAXOS_MUTANTS, multiPaxosRules } from './mutants.ts';
import { actionToTla, clusterToTla } from './tla.ts';
import { multiPaxosTraceValidator } from './validate.ts';

/** The cluster configuration of a model's constants (MultiPaxos.tla's and MCMultiPaxos's). */
export function multiPaxosConfig(constants: ReadonlyMap<string, TlaValue>, options: { mutant?: string } = {}): MultiPaxosClusterConfig {
  const slots = constantInts(constants, 'Slot');
  if (!slots.every((s, i) => s === i + 1)) throw new UserError(`the constant Slot must be 1 .. n, not {${slots.join(', ')}}`);
  const noop = constantModelValue(constants, 'NoOp');
  return {
    proposers: constantInts(constants, 'Proposer'),
    acceptors: constantInts(constants, 'Acceptor'),
    replicas: constantInts(constants, 'Replica'),
    commands: constantModelValues(constants, 'Command'),
    rounds: constantInts(constants, 'Round'),
    slots,
    noop: noop.kind === 'model' ? noop.name : '',
    rules: multiPaxosRules(options.mutant),
    bounds: {
      maxCopies: constantInt(constants, 'MaxCopies'),
      maxInFlight: constantInt(constants, 'MaxInFlight'),
    },
  };
}

/** The cluster model of a model's constants (Proposer, Acceptor, Replica, Command, Round, Slot, NoOp, None and MCMultiPaxos's bounds). */
export function createMultiPaxosModel(
  constants: ReadonlyMap<string, TlaValue>,
  options: { mutant?: string } = {},
): ClusterModel<MultiPaxosCluster, MultiPaxosAction> {
  const none = constantModelValue(constants, 'None');
  const cfg = multiPaxosConfig(constants, options);
  return {
    initialStates: [initialCluster(cfg)],
    successors: (c) => successors(cfg, c),
    key: clusterKey,
    invariants: multiPaxosInvariants(cfg.noop),
    actionProperties: MULTIPAXOS_ACTION_PROPERTIES,
    actionName: (a) => a.name,
    actionToTla,
    stateToTla: (c) => clusterToTla(c, none),
  };
}

export const multipaxos = defineProtocol<MultiPaxosCluster, MultiPaxosAction>({
  name: 'multipaxos',
  title: 'Multi-Paxos',
  specDir: 'specs/paxos',
  module: 'MCMultiPaxos.tla',
  traceModule: 'TraceMultiPaxos.tla',
  historyVariable: 'lastAction',
  specFiles: ['MultiPaxos.tla', 'MCMultiPaxos.tla', 'TraceMultiPaxos.tla', 'multipaxos.traces.cfg', 'multipaxos.targets.cfg'],
  createModel: createMultiPaxosModel,
  mutants: MULTIPAXOS_MUTANTS,
  mutantsModule: 'MutantsMultiPaxos.tla',
  traceValidator: multiPaxosTraceValidator,
  // Stale messages in flight (stale: MaxInFlight twice |Acceptor|), and the answers of an acceptor
  // outside the quorum (third-acceptor: three acceptors), which the conformance model never has.
  graphModels: ['stale', 'third-acceptor'],
  targets: [
    {
      name: 'leader-change-with-reproposal',
      property: 'NoReproposal',
      kind: 'property',
      description: 'a new leader proposes again, in its own ballot, a command its promises report accepted under the old leader',
      model: 'targets',
    },
    {
      name: 'gap-filled-with-noop',
      property: 'NoGapFill',
      kind: 'invariant',
      description: 'a new leader fills a gap in the reported log with a no-op, so that replicas can execute the slots after it',
      model: 'targets',
    },
  ],
});
