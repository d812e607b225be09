// Raft cluster configurations for tests, bigger or smaller than the TLC models.

import { RAFT_RULES } from '../../src/raft/node.ts';
import type { RaftClusterConfig } from '../../src/raft/cluster.ts';
import { raftRules } from '../../src/raft/mutants.ts';

export function raftConfig(servers: number, options: Partial<RaftClusterConfig['bounds']> & { mutant?: string; values?: string[] } = {}): RaftClusterConfig {
  const ids = Array.from({ length: servers }, (_, i) => `s${i + 1}`);
  return {
    servers: ids,
    maxEntries: 1,
    values: options.values ?? ['v1', 'v2'],
    rules: options.mutant === undefined ? RAFT_RULES : raftRules(options.mutant),
    bounds: {
      candidates: options.candidates ?? ids,
      maxTerm: options.maxTerm ?? 4,
      maxLogLength: options.maxLogLength ?? 3,
      maxCopies: options.maxCopies ?? 2,
      maxInFlight: options.maxInFlight ?? 8,
    },
  };
}
