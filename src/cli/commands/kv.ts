// consensus-lab kv get|put|delete|append|cas KEY ... [--data DIR]: one command to a real cluster,
// as its clients send them: to the node it believes leads (to every node, for PBFT, taking f + 1
// matching replies), following redirects, retrying with its client id and sequence number so
// that a retry applies once. An outcome it cannot learn in time is "unknown", never a success.

import { randomInt } from 'node:crypto';
import { resolve } from 'node:path';
import { UserError } from '../../core/errors.ts';
import type { KvOperation } from '../../host/kv.ts';
import type { HistoryEvent } from '../../lincheck/history.ts';
import { httpClient } from '../../cluster/client.ts';
import { clusterSystem, readClusterConfig } from '../../cluster/config.ts';
import { sleep } from '../../cluster/control.ts';
import { intOption, stringOption } from '../main.ts';
import type { CommandContext } from '../main.ts';
import { printJson } from '../output.ts';
import { DEFAULT_DATA } from './cluster.ts';

const USAGE = 'kv get KEY | put KEY VALUE | delete KEY | append KEY VALUE | cas KEY FROM TO';

function operation(args: readonly string[]): KvOperation {
  const [f, key, a, b] = args;
  const want = (n: number) => {
    if (args.length !== n) throw new UserError(`kv ${f} takes ${n - 1} argument${n === 2 ? '' : 's'}: consensus-lab ${USAGE}`);
  };
  switch (f) {
    case 'get':
    case 'delete':
      want(2);
      return { f, key };
    case 'put':
    case 'append':
      want(3);
      return { f, key, value: a };
    case 'cas':
      want(4);
      return { f, key, from: a, to: b };
    default:
      throw new UserError(`kv: ${f === undefined ? 'which operation?' : `no operation "${f}"`}: consensus-lab ${USAGE}`);
  }
}

export async function kvCommand({ positionals, values }: CommandContext): Promise<number> {
  const op = operation(positionals);
  const dir = resolve(stringOption(values, 'data') ?? DEFAULT_DATA);
  const config = readClusterConfig(dir);
  const def = clusterSystem(config);
  const timeoutMs = (intOption(values, 'timeout') ?? 10) * 1000;
  const events: HistoryEvent[] = [];
  const side = { replies: def.clients?.replies ?? 1, broadcast: def.clients?.broadcast ?? false, halts: [] as (() => void)[] };
  const client = httpClient(config, side, randomInt(1, 2 ** 47), (e) => events.push(e), Date.now(), () => true, op);
  client.givingUp = false;
  client.start();
  const deadline = Date.now() + timeoutMs;
  while (!client.finished && Date.now() < deadline) await sleep(10);
  for (const halt of side.halts) halt();
  const done = events.find((e) => e.type !== 'invoke');
  if (done === undefined) {
    const message = `no outcome within ${timeoutMs / 1000} s: the ${op.f} may yet apply (is a leader serving? consensus-lab cluster status --data ${dir})`;
    if (values.json === true) printJson({ ok: false, outcome: 'unknown', message });
    else process.stderr.write(`consensus-lab: ${message}\n`);
    return 1;
  }
  if (done.type === 'fail') {
    const message = `the value of ${op.key} is not ${JSON.stringify(op.f === 'cas' ? op.from : '')}: nothing changed`;
    if (values.json === true) printJson({ ok: false, outcome: 'fail', message });
    else process.stderr.write(`consensus-lab: ${message}\n`);
    return 1;
  }
  if (values.json === true) printJson({ ok: true, ...(op.f === 'get' && { value: done.value ?? '' }) });
  else process.stdout.write(op.f === 'get' ? `${String(done.value ?? '')}\n` : 'ok\n');
  return 0;
}
