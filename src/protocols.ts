// The protocols consensus-lab knows, by CLI name.

import { UserError } from './core/errors.ts';
import type { Protocol } from './core/protocol.ts';
import { multipaxos } from './multipaxos/index.ts';
import { paxos } from './paxos/index.ts';
import { pbft } from './pbft/index.ts';
import { raft } from './raft/index.ts';

export const PROTOCOLS: readonly Protocol[] = [raft, paxos, multipaxos, pbft];

export function protocolNamed(name: string): Protocol {
  const found = PROTOCOLS.find((p) => p.name === name);
  if (found === undefined) {
    throw new UserError(`no protocol named "${name}": choose one of ${PROTOCOLS.map((p) => p.name).join(', ')}`);
  }
  return found;
}
