// consensus-lab driver <protocol>: our reducer behind the driver protocol (docs/driver.md), on
// standard input and output: the reference a new implementation can compare its answers with,
// and the proof that the protocol carries ours (conform raft --impl "consensus-lab driver raft").

import { UserError } from '../../core/errors.ts';
import { serveDriver } from '../../impl/serve.ts';
import type { CommandContext } from '../main.ts';
import { requireProtocol } from './common.ts';

export async function driverCommand({ positionals }: CommandContext): Promise<number> {
  if (positionals.length !== 1) throw new UserError('driver takes one protocol: consensus-lab driver raft');
  const p = requireProtocol(positionals[0], 'driver');
  if (p.driver === undefined) throw new UserError(`driver: ${p.name} does not speak the driver protocol yet (raft does; docs/driver.md)`);
  await serveDriver(p.driver());
  return 0;
}
