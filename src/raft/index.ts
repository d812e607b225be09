// Raft as a protocol of consensus-lab: its spec, its models, its cluster model.

import { defineProtocol } from '../core/protocol.ts';
import { constantBool, constantInt, constantModelValue, constantModelValues } from '../core/tla/constants.ts';
import type { TlaValue } from '../core/tla/value.ts';
import type { ClusterModel } from '../explore/model.ts';
import { clusterKey, initialCluster, successors } from './cluster.ts';
import type { RaftAction, RaftCluster, RaftClusterConfig } from './cluster.ts';
import { RAFT_INVARIANTS } from './invariants.ts';
import { RAFT_MUTANTS, raftRules } from './mutants.ts';
import { actionToTla, clusterToTla } from './tla.ts';
import { raftTraceValidator } from './validate.ts';
import { raftDriverHandler, raftReducerOf } from './implementation.ts';
import type { Implementation } from '../impl/implementation.ts';

/** A term turn's candidates: the .cfg's, or MCRaft's default, every candidate. */
function turn(constants: ReadonlyMap<string, TlaValue>, name: string): readonly string[] {
  return constants.has(name) ? constantModelValues(constants, name) : constantModelValues(constants, 'Candidates');
}

/** The cluster model of a model's constants (Server, Value, Nil and MCRaft's bounds). */
export function createRaftModel(
  constants: ReadonlyMap<string, TlaValue>,
  options: { mutant?: string; implementation?: Implementation } = {},
): ClusterModel<RaftCluster, RaftAction> {
  const nil = constantModelValue(constants, 'Nil');
  const base: RaftClusterConfig = {
    servers: constantModelValues(constants, 'Server'),
    maxEntries: constantInt(constants, 'MaxEntries'),
    values: constantModelValues(constants, 'Value'),
    rules: raftRules(options.mutant),
    bounds: {
      candidates: constantModelValues(constants, 'Candidates'),
      maxTerm: constantInt(constants, 'MaxTerm'),
      maxLogLength: constantInt(constants, 'MaxLogLength'),
      maxCopies: constantInt(constants, 'MaxCopies'),
      maxInFlight: constantInt(constants, 'MaxInFlight'),
      // MCRaft's bounds for long histories, where the model's .cfg assigns them (their defaults bound nothing).
      ...(constants.has('Faults') && { faults: constantBool(constants, 'Faults') }),
      ...((constants.has('OddTermCandidates') || constants.has('EvenTermCandidates')) && {
        termTurns: { odd: turn(constants, 'OddTermCandidates'), even: turn(constants, 'EvenTermCandidates') },
      }),
      ...(constants.has('IdleHeartbeats') && { idleHeartbeats: constantBool(constants, 'IdleHeartbeats') }),
    },
  };
  const { implementation } = options;
  const cfg = implementation === undefined ? base : { ...base, reducer: raftReducerOf(implementation, base, base.values) };
  return {
    initialStates: [initialCluster(cfg)],
    successors: (c) => successors(cfg, c),
    key: (c) => clusterKey(cfg, c),
    invariants: RAFT_INVARIANTS,
    actionName: (a) => a.name,
    actionToTla,
    stateToTla: (c) => clusterToTla(c, nil),
  };
}

export const raft = defineProtocol<RaftCluster, RaftAction>({
  name: 'raft',
  title: 'Raft',
  specDir: 'specs/raft',
  module: 'MCRaft.tla',
  traceModule: 'TraceRaft.tla',
  historyVariable: 'lastAction',
  specFiles: ['Raft.tla', 'MCRaft.tla', 'TraceRaft.tla', 'raft.traces.cfg', 'raft.targets.cfg', 'raft.targets-long-log.cfg'],
  createModel: createRaftModel,
  driver: raftDriverHandler,
  mutants: RAFT_MUTANTS,
  mutantsModule: 'MutantsRaft.tla',
  // batch: AppendEntries of two entries (MaxEntries = 2), as the running system batches them.
  // two-candidates: a candidate steps down for the leader of its term. copies: MaxCopies bounds
  // every message in flight, not only the copied one. elections: three servers and a third term
  // (the vote's log check, the prevLogTerm check), with term turns, no faults and no idle
  // heartbeats. The small ones first: the mutation chain runs them in this order.
  graphModels: ['batch', 'two-candidates', 'copies', 'elections'],
  traceValidator: raftTraceValidator,
  targets: [
    {
      name: 'log-repair',
      property: 'NoLogRepair',
      kind: 'property',
      description: "a new leader overwrites a follower's conflicting entry (leader change with log repair)",
      model: 'targets',
    },
    {
      name: 'commit-in-later-term',
      property: 'NoCommitOfEarlierTerm',
      kind: 'invariant',
      description: 'a leader commits an entry of an earlier term together with one of its own',
      model: 'targets-long-log',
    },
    {
      name: 'restarted-leader',
      property: 'NoLeaderRestart',
      kind: 'property',
      description: 'a leader crashes and restarts, keeping its term, vote and log',
      model: 'targets',
    },
  ],
});
