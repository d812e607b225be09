// The protocols that run as systems (src/<protocol>/host.ts), by CLI name: what the simulator,
// and later a real cluster, run.

import { UserError } from './core/errors.ts';
import type { SystemProtocol } from './host/system.ts';
import { multiPaxosSystem } from './multipaxos/host.ts';
import { paxosSystem } from './paxos/host.ts';
import { pbftSystem } from './pbft/host.ts';
import { raftSystem } from './raft/host.ts';

export const SYSTEMS: readonly SystemProtocol[] = [raftSystem, multiPaxosSystem, paxosSystem, pbftSystem];

export function systemNamed(name: string | undefined): SystemProtocol {
  const found = SYSTEMS.find((p) => p.name === name);
  if (found === undefined) {
    throw new UserError(
      name === undefined ? `simulate needs a protocol: one of ${SYSTEMS.map((p) => p.name).join(', ')}` : `no protocol named "${name}" runs as a system: choose one of ${SYSTEMS.map((p) => p.name).join(', ')}`,
    );
  }
  return found;
}
