// The clients' operations, drawn from a workload's mix: what the simulator's clients and a real
// cluster's test clients (src/cluster/jepsen.ts) ask the key-value store to do.

import type { KvOperation } from './kv.ts';
import type { OpName, Workload } from '../sim/scenario.ts';

const OP_NAMES: readonly OpName[] = ['get', 'put', 'delete', 'append', 'cas'];

/**
 * The next operation, from the mix's weights, on one of the workload's keys, with a fresh value.
 * `lastWritten` (each key's last put, kept by the caller) gives half the cas operations a `from`
 * that may match.
 */
export function nextOperation(w: Pick<Workload, 'mix' | 'keys'>, register: boolean, lastWritten: ReadonlyMap<string, string>, random: () => number): KvOperation {
  // A register (Paxos) is read and written, one value, no key.
  const weights = OP_NAMES.map((f) => (register && f !== 'get' && f !== 'put' ? 0 : (w.mix[f] ?? 0)));
  const total = weights.reduce((a, b) => a + b, 0);
  let x = random() * total;
  let f: OpName = 'get';
  for (let k = 0; k < OP_NAMES.length; k++) {
    if (x < weights[k]) {
      f = OP_NAMES[k];
      break;
    }
    x -= weights[k];
  }
  const key = register ? 'register' : `k${Math.floor(random() * w.keys)}`;
  // Values are unique, so a history tells which write a read saw.
  const value = `${Math.floor(random() * 1e9).toString(36)}`;
  switch (f) {
    case 'get':
    case 'delete':
      return { f, key };
    case 'put':
    case 'append':
      return { f, key, value };
    case 'cas':
      // Half the time from the value last written by anyone: a cas that may succeed.
      return { f, key, from: random() < 0.5 ? '' : (lastWritten.get(key) ?? ''), to: value };
  }
}
