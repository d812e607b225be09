// Histories that are linearizable by construction, for tests and the benchmark: concurrent
// clients run operations against one sequential model, and each operation takes effect
// atomically at a random instant between its invocation and its completion. Seeded, so a run
// repeats.

import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { HistoryEvent } from './history.ts';
import type { ModelName } from './check.ts';

export interface GenerateOptions {
  readonly seed: number;
  readonly clients: number;
  /** how many operations are invoked */
  readonly operations: number;
  readonly model?: ModelName;
  /** keys k0, k1, ...; with 1 key and the register model the events have no key */
  readonly keys?: number;
  /** put keys in Jepsen's independent tuples, [key value], rather than in a key field */
  readonly tuples?: boolean;
  /** the chance that an operation crashes: it completes as info, having taken effect or not */
  readonly infoRate?: number;
  /** kv only: appends and gets alone, one get in twenty, as on the cluster test's ledger key */
  readonly ledger?: boolean;
}

type Phase = 'idle' | 'invoked' | 'done';

interface Client {
  process: number;
  phase: Phase;
  f: string;
  key: string;
  value: unknown;
  result: 'ok' | 'fail' | 'info';
  output: unknown;
}

export function generateHistory(o: GenerateOptions): HistoryEvent[] {
  const rng = xoroshiro128plus(o.seed);
  const int = (lo: number, hi: number) => uniformInt(rng, lo, hi);
  const chance = (p: number) => p > 0 && int(0, 9_999) < p * 10_000;
  const model = o.model ?? 'register';
  const nKeys = o.keys ?? 1;
  const keyed = nKeys > 1 || model === 'kv';
  const state = new Map<string, unknown>();
  const written = new Map<string, unknown[]>(); // per key, every value it has held, for stale cas
  const initial = model === 'register' ? null : '';
  let fresh = 0;
  let time = 0;
  let issued = 0;
  const events: HistoryEvent[] = [];
  const clients: Client[] = Array.from({ length: o.clients }, (_, i) => ({ process: i, phase: 'idle', f: '', key: '', value: null, result: 'ok', output: null }));

  const emit = (c: Client, type: HistoryEvent['type'], value: unknown) => {
    const v = keyed && o.tuples ? [c.key, value] : value;
    events.push({ process: c.process, type, f: c.f, ...(keyed && !o.tuples ? { key: c.key } : {}), value: v, time: time++ });
  };
  const pickFrom = (key: string) => {
    const past = written.get(key) ?? [initial];
    // Half the time the current value, so that cas sometimes succeeds.
    return chance(0.5) ? (state.has(key) ? state.get(key) : initial) : past[int(0, past.length - 1)];
  };
  const choose = (c: Client) => {
    c.key = `k${int(0, nKeys - 1)}`;
    const r = int(0, 99);
    if (model === 'register') {
      if (r < 50) [c.f, c.value] = ['read', null];
      else if (r < 80) [c.f, c.value] = ['write', ++fresh];
      else [c.f, c.value] = ['cas', [pickFrom(c.key), ++fresh]];
    } else if (o.ledger) {
      if (r < 5) [c.f, c.value] = ['get', null];
      else [c.f, c.value] = ['append', `a${++fresh};`];
    } else {
      if (r < 40) [c.f, c.value] = ['get', null];
      else if (r < 60) [c.f, c.value] = ['put', `p${++fresh};`];
      else if (r < 85) [c.f, c.value] = ['append', `a${++fresh};`];
      else if (r < 90) [c.f, c.value] = ['delete', null];
      else [c.f, c.value] = ['cas', [pickFrom(c.key), `c${++fresh};`]];
    }
  };
  /** The operation takes effect, now, on the model. */
  const apply = (c: Client) => {
    const cur = state.has(c.key) ? state.get(c.key) : initial;
    let next = cur;
    c.result = 'ok';
    c.output = c.value;
    if (c.f === 'read' || c.f === 'get') c.output = cur;
    else if (c.f === 'write' || c.f === 'put') next = c.value;
    else if (c.f === 'append') next = `${cur as string}${c.value as string}`;
    else if (c.f === 'delete') next = '';
    else if (c.f === 'cas') {
      const [from, to] = c.value as [unknown, unknown];
      if (from === cur) next = to;
      else c.result = 'fail';
    }
    state.set(c.key, next);
    if (next !== cur) written.set(c.key, [...(written.get(c.key) ?? [initial]), next]);
  };

  for (;;) {
    const busy = clients.filter((c) => c.phase !== 'idle');
    if (issued >= o.operations && busy.length === 0) break;
    const c = issued < o.operations ? clients[int(0, clients.length - 1)] : busy[int(0, busy.length - 1)];
    if (c.phase === 'idle') {
      if (issued >= o.operations) continue;
      choose(c);
      issued++;
      emit(c, 'invoke', c.value);
      c.phase = 'invoked';
    } else if (c.phase === 'invoked') {
      if (chance(o.infoRate ?? 0)) {
        // A crash: the operation may or may not have reached the model; nobody learns which.
        if (chance(0.5)) apply(c);
        c.result = 'info';
      } else apply(c);
      c.phase = 'done';
    } else {
      emit(c, c.result, c.result === 'info' ? c.value : c.output);
      // Jepsen gives a crashed client a new process: the old one may still be running its op.
      if (c.result === 'info') c.process += clients.length;
      c.phase = 'idle';
    }
  }
  return events;
}
