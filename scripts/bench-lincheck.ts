// Benchmark: the linearizability checker on seeded histories (pure-rand, so every run checks the
// same ones). Prints figures; asserts nothing.
//
//   npx tsx scripts/bench-lincheck.ts
//
// Targets: 10,000 operations by 50 clients over 100 keys in under 1 s; one register with 10
// concurrent clients and 300 operations in under 1 s; and how the time grows with the clients
// on one register.

import { table } from '../src/cli/output.ts';
import { checkHistory } from '../src/lincheck/check.ts';
import type { ModelName } from '../src/lincheck/check.ts';
import { generateHistory } from '../src/lincheck/generate.ts';
import type { GenerateOptions } from '../src/lincheck/generate.ts';
import { formatHistory, parseHistory } from '../src/lincheck/history.ts';
import type { HistoryEvent } from '../src/lincheck/history.ts';

const SEEDS = [1, 2, 3, 4, 5];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => x.toFixed(x < 10 ? 1 : 0);

/** One ok read made impossible (a value never written), ~70% of the way through. */
function corrupt(h: HistoryEvent[], model: ModelName): HistoryEvent[] {
  const reads = h.flatMap((e, i) => (e.type === 'ok' && (e.f === 'read' || e.f === 'get') ? [i] : []));
  const at = reads[Math.floor(reads.length * 0.7)];
  return h.map((e, i) => (i === at ? { ...e, value: model === 'kv' ? 'never;' : -1 } : e));
}

interface Row {
  readonly ms: number[];
  readonly states: number[];
  readonly ok: boolean[];
  readonly undecided: boolean[];
}

function measure(o: Omit<GenerateOptions, 'seed'>, opts: { broken?: boolean; timeoutMs?: number; lookahead?: boolean; maxValues?: number } = {}): Row {
  const row: Row = { ms: [], states: [], ok: [], undecided: [] };
  const model = o.model ?? 'register';
  for (const seed of SEEDS) {
    let h = generateHistory({ ...o, seed });
    if (opts.broken) h = corrupt(h, model);
    const t = performance.now();
    const r = checkHistory(h, model, { timeoutMs: opts.timeoutMs ?? 60_000, lookahead: opts.lookahead, maxValues: opts.maxValues });
    row.ms.push(performance.now() - t);
    row.states.push(r.stats.statesExplored);
    row.ok.push(r.ok);
    row.undecided.push(r.timedOut === true);
  }
  return row;
}

const cells = (r: Row) => [ms(median(r.ms)), ms(Math.max(...r.ms)), median(r.states).toLocaleString('en-US'), verdicts(r)];
const verdicts = (r: Row) => {
  const undecided = r.undecided.filter((x) => x).length;
  if (undecided > 0) return `no verdict in ${undecided} of ${r.ok.length}`;
  return r.ok.every((x) => x) ? 'yes' : r.ok.every((x) => !x) ? 'no' : 'mixed';
};

// Warm the JIT up, so the first figure is not a compile time.
for (let i = 0; i < 3; i++) checkHistory(generateHistory({ seed: 99 + i, clients: 10, operations: 2000, keys: 20 }), 'register');

console.log(`lincheck benchmark: median and slowest of ${SEEDS.length} seeded histories each (Node ${process.version})\n`);

const targets: [string, Omit<GenerateOptions, 'seed'>, { broken?: boolean }][] = [
  ['register, 10,000 ops, 50 clients, 100 keys', { clients: 50, operations: 10_000, keys: 100, infoRate: 0.01 }, {}],
  ['kv, 10,000 ops, 50 clients, 100 keys', { model: 'kv', clients: 50, operations: 10_000, keys: 100, infoRate: 0.01 }, {}],
  ['register, 300 ops, 10 clients, 1 key', { clients: 10, operations: 300 }, {}],
  ['kv, 300 ops, 10 clients, 1 key', { model: 'kv', clients: 10, operations: 300 }, {}],
  ['register, 300 ops, 10 clients, 1 key, 5% info', { clients: 10, operations: 300, infoRate: 0.05 }, {}],
  ['register, 10,000 ops, 50 clients, 100 keys, one bad read', { clients: 50, operations: 10_000, keys: 100, infoRate: 0.01 }, { broken: true }],
  ['register, 300 ops, 10 clients, one bad read', { clients: 10, operations: 300 }, { broken: true }],
  ['kv, 300 ops, 10 clients, one bad read', { model: 'kv', clients: 10, operations: 300 }, { broken: true }],
];
console.log('The targets (the times of a failing history include shrinking it):');
console.log(
  table(
    ['history', 'median ms', 'slowest ms', 'states explored', 'linearizable'],
    targets.map(([name, o, opts]) => [name, ...cells(measure(o, opts))]),
  ),
);

// Reading the file too: the 10,000-operation history as Jepsen's EDN and as JSON lines.
const big = generateHistory({ seed: 1, clients: 50, operations: 10_000, keys: 100, infoRate: 0.01 });
const parseRows = (['edn', 'json'] as const).map((format) => {
  const text = formatHistory(big, format);
  const times = SEEDS.map(() => {
    const t = performance.now();
    parseHistory(text, `h.${format}`);
    return performance.now() - t;
  });
  return [format, `${(text.length / 1e6).toFixed(1)} MB`, ms(median(times))];
});
console.log('\nParsing the 10,000-operation history (20,000 events):');
console.log(table(['format', 'size', 'median ms'], parseRows));

console.log('\nOne register, 300 operations, as the clients grow (every client has an operation open almost all the time):');
const scaling = [2, 5, 10, 15, 20, 25, 30].map((clients) => [String(clients), ...cells(measure({ clients, operations: 300 }, { timeoutMs: 30_000 }))]);
console.log(table(['clients', 'median ms', 'slowest ms', 'states explored', 'linearizable'], scaling));

console.log('\nOne register, 1,000 operations:');
const scaling1k = [2, 5, 10, 15, 20].map((clients) => [String(clients), ...cells(measure({ clients, operations: 1000 }, { timeoutMs: 30_000 }))]);
console.log(table(['clients', 'median ms', 'slowest ms', 'states explored', 'linearizable'], scaling1k));

// A ledger, as the cluster test's key "ledger": one key, appends and a get in twenty. Without the
// lookahead the search tries the orders of the concurrent appends, each a new value, until it
// gives up (10 s, or a million values); with it, about one state per operation.
console.log('\nA ledger (one kv key, appends and a get in twenty, 8 clients), with the search\'s lookahead and without:');
const ledgerRows = [500, 1000, 2000, 5000].map((operations) => {
  const o = { model: 'kv' as const, clients: 8, operations, keys: 1, ledger: true };
  const on = measure(o, { timeoutMs: 10_000 });
  const off = measure(o, { timeoutMs: 10_000, lookahead: false, maxValues: 1_000_000 });
  return [operations.toLocaleString('en-US'), ...cells(on), verdicts(off), ms(median(off.ms))];
});
console.log(
  table(['operations', 'median ms', 'slowest ms', 'states explored', 'linearizable', 'without the lookahead', 'its median ms'], ledgerRows),
);
