// Known histories, linearizable and not, written by hand: the register and kv models, cas, fail
// and info operations, keys in a field and in Jepsen's independent tuples.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../src/lincheck/check.ts';
import { generateHistory } from '../../src/lincheck/generate.ts';
import type { ModelName } from '../../src/lincheck/check.ts';
import { parseHistory } from '../../src/lincheck/history.ts';
import type { HistoryEvent } from '../../src/lincheck/history.ts';
import { renderHtml } from '../../src/lincheck/html.ts';
import { historyOf } from './support.ts';

const fixtures = join(import.meta.dirname, 'fixtures');
const fixture = (name: string) => parseHistory(readFileSync(join(fixtures, name), 'utf8'), name);

/**
 * A history in a compact notation, one event per line: `process type f value`, with values in
 * EDN (nil, 1, "a", [1 2]) and an optional `@key` before the value.
 */
function h(text: string): ReturnType<typeof parseHistory> {
  const lines = text
    .trim()
    .split('\n')
    .map((l) => {
      const m = /^\s*(\S+)\s+(\S+)\s+(\S+)(?:\s+@(\S+))?(?:\s+(.*))?$/.exec(l);
      if (m === null) throw new Error(`bad test line ${l}`);
      const [, p, type, f, key, value] = m;
      return `{:process ${p}, :type :${type}, :f :${f}${key ? `, :key "${key}"` : ''}, :value ${value ?? 'nil'}}`;
    });
  return parseHistory(lines.join('\n'), 'test.edn');
}

const linearizable = (text: string, model: ModelName = 'register') => checkHistory(h(text), model).ok;

describe('the register model', () => {
  it('accepts the fixture of overlapping writes and reads', () => {
    const r = checkHistory(fixture('register-ok.edn'), 'register');
    expect(r).toMatchObject({ ok: true, operations: 5, keys: [{ key: '', ok: true, operations: 5 }] });
    expect(r.failing).toBeUndefined();
  });

  it('rejects a read of nil after a read of 1, and names the two reads', () => {
    const r = checkHistory(fixture('register-stale.edn'), 'register');
    expect(r.ok).toBe(false);
    // The write is not needed to explain it: had it happened at any time, or never, the reads still could not.
    expect(r.failing!.minimal!.map((o) => [o.f, o.output, o.invokeLine, o.completeLine])).toEqual([
      ['read', 1, 5, 6],
      ['read', null, 7, 8],
    ]);
    expect(r.failing!.minimalComplete).toBe(true);
    expect(r.failing!.longestPrefix!.map((o) => `${o.f} ${String(o.input ?? o.output)}`)).toEqual(['write 1', 'read 1']);
  });

  it('reads nil before any write, and a concurrent write either way', () => {
    expect(linearizable('0 invoke read\n0 ok read nil')).toBe(true);
    expect(linearizable('0 invoke read\n0 ok read 1')).toBe(false);
    const concurrent = (v: string) => `0 invoke write 1\n1 invoke read\n1 ok read ${v}\n0 ok write 1`;
    expect(linearizable(concurrent('1'))).toBe(true);
    expect(linearizable(concurrent('nil'))).toBe(true);
    expect(linearizable(concurrent('2'))).toBe(false);
  });

  it('keeps real-time order: a write that returned is seen by every read after it', () => {
    expect(linearizable('0 invoke write 1\n0 ok write 1\n0 invoke write 2\n0 ok write 2\n1 invoke read\n1 ok read 1')).toBe(false);
    expect(linearizable('0 invoke write 1\n0 ok write 1\n0 invoke write 2\n1 invoke read\n1 ok read 1\n0 ok write 2')).toBe(true);
  });

  it('tells 1 from "1"', () => {
    expect(linearizable('0 invoke write 1\n0 ok write 1\n1 invoke read\n1 ok read "1"')).toBe(false);
  });

  it('cas: ok swapped, fail did nothing', () => {
    const base = '0 invoke write 0\n0 ok write 0\n';
    expect(linearizable(`${base}1 invoke cas [0 1]\n1 ok cas [0 1]\n2 invoke read\n2 ok read 1`)).toBe(true);
    expect(linearizable(`${base}1 invoke cas [0 1]\n1 ok cas [0 1]\n2 invoke read\n2 ok read 0`)).toBe(false);
    expect(linearizable(`${base}1 invoke cas [0 1]\n1 fail cas [0 1]\n2 invoke read\n2 ok read 0`)).toBe(true);
    expect(linearizable(`${base}1 invoke cas [0 1]\n1 fail cas [0 1]\n2 invoke read\n2 ok read 1`)).toBe(false);
    // A cas that swapped from a value the register never held.
    expect(linearizable(`${base}1 invoke cas [5 1]\n1 ok cas [5 1]`)).toBe(false);
  });

  it('fail: the operation did not happen', () => {
    expect(linearizable('0 invoke write 1\n0 fail write 1\n1 invoke read\n1 ok read 1')).toBe(false);
    expect(linearizable('0 invoke write 1\n0 fail write 1\n1 invoke read\n1 ok read nil')).toBe(true);
  });
});

describe('info operations', () => {
  const infoWrite = '0 invoke write 1\n0 info write 1\n';
  it('a write that is info may take effect later: a read long after sees it', () => {
    expect(linearizable(`${infoWrite}1 invoke read\n1 ok read nil\n1 invoke read\n1 ok read nil\n1 invoke read\n1 ok read 1`)).toBe(true);
  });
  it('or never', () => {
    expect(linearizable(`${infoWrite}1 invoke read\n1 ok read nil`)).toBe(true);
  });
  it('but once seen it stays, until something else is written', () => {
    expect(linearizable(`${infoWrite}1 invoke read\n1 ok read 1\n1 invoke read\n1 ok read nil`)).toBe(false);
    expect(linearizable(`${infoWrite}1 invoke read\n1 ok read 1\n2 invoke write 2\n2 ok write 2\n1 invoke read\n1 ok read 2`)).toBe(true);
  });
  it('not before its invocation', () => {
    expect(linearizable('1 invoke read\n1 ok read 1\n0 invoke write 1\n0 info write 1')).toBe(false);
  });
  it('an invocation never completed is info', () => {
    expect(linearizable('0 invoke write 1\n1 invoke read\n1 ok read nil\n1 invoke read\n1 ok read 1')).toBe(true);
    expect(linearizable('0 invoke write 1\n1 invoke read\n1 ok read 1\n1 invoke read\n1 ok read nil')).toBe(false);
  });
  it('an info read constrains nothing', () => {
    const r = checkHistory(h('0 invoke read\n0 info read\n1 invoke write 1\n1 ok write 1'), 'register');
    expect(r).toMatchObject({ ok: true, operations: 1 });
  });
  it('an info cas may have swapped, or not', () => {
    const base = '0 invoke write 0\n0 ok write 0\n1 invoke cas [0 1]\n1 info cas [0 1]\n';
    expect(linearizable(`${base}2 invoke read\n2 ok read 1`)).toBe(true);
    expect(linearizable(`${base}2 invoke read\n2 ok read 0\n2 invoke read\n2 ok read 1`)).toBe(true);
    expect(linearizable(`${base}2 invoke read\n2 ok read 1\n2 invoke read\n2 ok read 0`)).toBe(false);
  });
  it('many info writes of values nobody reads do not slow the search down', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `${i + 10} invoke write ${i + 100}\n${i + 10} info write ${i + 100}`).join('\n');
    const r = checkHistory(h(`${lines}\n0 invoke read\n0 ok read 150\n0 invoke read\n0 ok read 120\n0 invoke read\n0 ok read 120`), 'register', { timeoutMs: 5000 });
    expect(r.ok).toBe(true);
    const bad = checkHistory(h(`${lines}\n0 invoke read\n0 ok read 150\n0 invoke read\n0 ok read 7`), 'register', { timeoutMs: 5000 });
    expect(bad.ok).toBe(false);
    expect(bad.failing!.minimal!.map((o) => o.output)).toEqual([7]);
  });
});

describe('keys', () => {
  it("checks each key of Jepsen's independent tuples on its own", () => {
    const r = checkHistory(fixture('independent.edn'), 'register');
    expect(r.ok).toBe(false);
    expect(r.keys.map((k) => [k.key, k.ok, k.operations])).toEqual([
      ['x', false, 3],
      ['y', true, 2],
    ]);
    expect(r.failing!.key).toBe('x');
    expect(r.failing!.minimal!.map((o) => `${o.f} ${JSON.stringify(o.input)} ${JSON.stringify(o.output)}`)).toEqual(['cas [1,2] true', 'read null 1']);
  });

  it('the same history in JSON lines, with :key fields, gets the same verdict', () => {
    const edn = fixture('independent.edn');
    const json = edn.map((e) => JSON.stringify({ process: e.process, type: e.type, f: e.f, key: e.key, value: e.value })).join('\n');
    const r = checkHistory(parseHistory(json, 'h.jsonl'), 'register');
    expect(r.keys.map((k) => [k.key, k.ok])).toEqual([
      ['x', false],
      ['y', true],
    ]);
  });

  it('a key that is linearizable alone stays so beside a broken one', () => {
    const r = checkHistory(h('0 invoke write @a 1\n0 ok write @a 1\n1 invoke read @b\n1 ok read @b 1\n2 invoke read @a\n2 ok read @a 1'), 'register');
    expect(r.keys.map((k) => [k.key, k.ok])).toEqual([
      ['a', true],
      ['b', false],
    ]);
  });
});

describe('the kv model', () => {
  it('accepts the fixture: put, a concurrent append, get of a key never written, delete', () => {
    expect(checkHistory(fixture('kv.jsonl'), 'kv')).toMatchObject({ ok: true, operations: 6 });
  });

  it('appends in one order only', () => {
    const two = '0 invoke put @k "a"\n0 ok put @k "a"\n1 invoke append @k "b"\n2 invoke append @k "c"\n1 ok append @k "b"\n2 ok append @k "c"\n3 invoke get @k';
    expect(linearizable(`${two}\n3 ok get @k "abc"`, 'kv')).toBe(true);
    expect(linearizable(`${two}\n3 ok get @k "acb"`, 'kv')).toBe(true);
    expect(linearizable(`${two}\n3 ok get @k "ab"`, 'kv')).toBe(false);
    expect(linearizable(`${two}\n3 ok get @k "acb"\n3 invoke get @k\n3 ok get @k "abc"`, 'kv')).toBe(false);
  });

  it('a key never written reads as "", and so does nil', () => {
    expect(linearizable('0 invoke get @k\n0 ok get @k ""', 'kv')).toBe(true);
    expect(linearizable('0 invoke read @k\n0 ok read @k nil', 'kv')).toBe(true);
    expect(linearizable('0 invoke get @k\n0 ok get @k "x"', 'kv')).toBe(false);
  });

  it('delete sets the key back to "", cas swaps strings', () => {
    expect(linearizable('0 invoke put @k "a"\n0 ok put @k "a"\n0 invoke delete @k\n0 ok delete @k\n1 invoke get @k\n1 ok get @k ""', 'kv')).toBe(true);
    expect(linearizable('0 invoke put @k "a"\n0 ok put @k "a"\n0 invoke delete @k\n0 ok delete @k\n1 invoke get @k\n1 ok get @k "a"', 'kv')).toBe(false);
    expect(linearizable('0 invoke put @k "a"\n0 ok put @k "a"\n0 invoke cas @k ["a" "b"]\n0 ok cas @k ["a" "b"]\n1 invoke get @k\n1 ok get @k "b"', 'kv')).toBe(true);
    expect(linearizable('0 invoke cas @k ["a" "b"]\n0 ok cas @k ["a" "b"]', 'kv')).toBe(false);
    expect(linearizable('0 invoke cas @k ["" "b"]\n0 ok cas @k ["" "b"]\n1 invoke get @k\n1 ok get @k "b"', 'kv')).toBe(true);
  });

  it('an info append may land late', () => {
    const base = '0 invoke put @k "a"\n0 ok put @k "a"\n1 invoke append @k "b"\n1 info append @k "b"\n';
    expect(linearizable(`${base}2 invoke get @k\n2 ok get @k "a"\n2 invoke get @k\n2 ok get @k "ab"`, 'kv')).toBe(true);
    expect(linearizable(`${base}2 invoke get @k\n2 ok get @k "ab"\n2 invoke get @k\n2 ok get @k "a"`, 'kv')).toBe(false);
  });
});

describe('the search', () => {
  it('is a loop, not recursion: a long single-client history is no trouble', () => {
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) lines.push(`{:process 0, :type :invoke, :f :write, :value ${i}}`, `{:process 0, :type :ok, :f :write, :value ${i}}`);
    lines.push('{:process 1, :type :invoke, :f :read, :value nil}', '{:process 1, :type :ok, :f :read, :value 19999}');
    expect(checkHistory(parseHistory(lines.join('\n'), 'long.edn'), 'register').ok).toBe(true);
    lines[lines.length - 1] = '{:process 1, :type :ok, :f :read, :value 19990}';
    const r = checkHistory(parseHistory(lines.join('\n'), 'long.edn'), 'register');
    expect(r.ok).toBe(false);
    expect(r.failing!.longestPrefix!.length).toBe(20_000);
    // write 19990, a later write, and the read: three operations out of 20,001.
    const minimal = r.failing!.minimal!;
    expect(minimal).toHaveLength(3);
    expect([minimal[0].f, minimal[0].input, minimal[1].f, minimal[2].f, minimal[2].output]).toEqual(['write', 19990, 'write', 'read', 19990]);
  });

  it('shrinks a failure whose causes lie far apart', () => {
    // write 0 .. write 299 one after another, then a read of 5: the writes of 5 and 6 and the read.
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) lines.push(`0 invoke write ${i}`, `0 ok write ${i}`, `${i + 1} invoke read`, `${i + 1} ok read ${i}`);
    lines.push('9 invoke read', '9 ok read 5');
    const r = checkHistory(h(lines.join('\n')), 'register');
    // Three operations that cannot be ordered: 5 is written once, so it cannot be read on both
    // sides of anything else (two reads of 5 around a later write or read of another value).
    const minimal = r.failing!.minimal!;
    expect(minimal).toHaveLength(3);
    expect(minimal[2]).toMatchObject({ f: 'read', output: 5, process: 9 });
    expect(r.failing!.minimalComplete).toBe(true);
    expect(checkHistory(historyOf(minimal), 'register').ok).toBe(false);
  });

  it('shrinks within its budget, shared by the failing keys; out of time, it says so', () => {
    const text = ['a', 'b', 'c'].map((k) => `0 invoke write @${k} 1\n0 ok write @${k} 1\n0 invoke write @${k} 2\n0 ok write @${k} 2\n1 invoke read @${k}\n1 ok read @${k} 1`).join('\n');
    const shrunk = checkHistory(h(text), 'register');
    expect(shrunk.keys.map((k) => [k.key, k.minimal!.length, k.minimalComplete])).toEqual([
      ['a', 3, true],
      ['b', 3, true],
      ['c', 3, true],
    ]);
    const hurried = checkHistory(h(`0 invoke read @z\n0 ok read @z nil\n${text}`), 'register', { shrinkMs: 0 });
    expect(hurried.failing!.key).toBe('a');
    // Every ok operation of the key: still a set that cannot be linearized, just not a small one.
    expect(hurried.keys.filter((k) => !k.ok).map((k) => [k.key, k.minimal!.length, k.minimalComplete])).toEqual([
      ['a', 3, false],
      ['b', 3, false],
      ['c', 3, false],
    ]);
  });

  it('gives up at the timeout with no verdict rather than a wrong one', () => {
    // Forty clients on one register, all with an operation open: seconds of search.
    const events = generateHistory({ seed: 2, clients: 40, operations: 400 });
    const started = performance.now();
    const r = checkHistory(events, 'register', { timeoutMs: 100 });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(r).toMatchObject({ ok: false, timedOut: true, keys: [{ key: '', ok: false, timedOut: true }] });
    expect(r.failing).toBeUndefined();
  });

  it('decides a key only appended to and read, however many appends are open at once, in about one state per operation', () => {
    // The cluster test's ledger: without the lookahead, 8 clients' appends concatenated in every
    // order real time allows made more values than a Map holds before the one read at the end.
    const ledger = generateHistory({ seed: 7, clients: 8, operations: 2000, model: 'kv', keys: 1, ledger: true });
    const r = checkHistory(ledger, 'kv');
    expect(r.ok).toBe(true);
    expect(r.stats.statesExplored).toBeLessThan(2 * 2000);
    expect(checkHistory(ledger, 'kv', { lookahead: false, maxValues: 100_000 }).timedOut).toBe(true);
    // The last read with its first and last appends swapped, far apart in time: not linearizable.
    const last = ledger.findLastIndex((e) => e.type === 'ok' && e.f === 'get');
    const parts = (ledger[last].value as string).split(';');
    const end = parts.length - 2; // the string ends with ";"
    [parts[0], parts[end]] = [parts[end], parts[0]];
    const broken = ledger.map((e, i) => (i === last ? { ...e, value: parts.join(';') } : e));
    const b = checkHistory(broken, 'kv');
    expect(b.ok).toBe(false);
    expect(b.failing!.minimal!.map((o) => o.f)).toContain('get');
  });

  it('gives up with no verdict, not a crash, when concurrent appends to one key make more values than it keeps', () => {
    // Eight appends open at once, then a read of the last order a search tries: 8! orders, each a
    // value. The put after it keeps the lookahead away (something can still replace the value).
    const events: HistoryEvent[] = [];
    for (let p = 0; p < 8; p++) events.push({ process: p, type: 'invoke', f: 'append', key: 'k', value: String(p) });
    for (let p = 0; p < 8; p++) events.push({ process: p, type: 'ok', f: 'append', key: 'k', value: String(p) });
    events.push({ process: 9, type: 'invoke', f: 'get', key: 'k', value: null }, { process: 9, type: 'ok', f: 'get', key: 'k', value: '76543210' });
    events.push({ process: 9, type: 'invoke', f: 'put', key: 'k', value: 'x' }, { process: 9, type: 'ok', f: 'put', key: 'k', value: 'x' });
    expect(checkHistory(events, 'kv').ok).toBe(true);
    const r = checkHistory(events, 'kv', { maxValues: 100 });
    expect(r).toMatchObject({ ok: false, timedOut: true, keys: [{ key: 'k', ok: false, timedOut: true, outgrew: 100 }] });
    expect(r.outgrew).toBe(r.keys[0]);
    expect(r.failing).toBeUndefined();
  });
});

describe('renderHtml', () => {
  it('draws each client on a time axis, the failing operations in red, info ones open-ended', () => {
    const events = h('0 invoke write 1\n0 ok write 1\n1 invoke read\n1 ok read 1\n2 invoke write 2\n2 info write 2\n1 invoke read\n1 ok read nil\n3 invoke cas [1 2]\n3 fail cas [1 2]');
    const r = checkHistory(events, 'register');
    const page = renderHtml(events, r, 'a <test> page');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('a &lt;test&gt; page');
    expect(page).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3\.org)/);
    expect(page.match(/<g class="op bad/g)).toHaveLength(2);
    expect(page.match(/<g class="op [^"]*open/g)).toHaveLength(1);
    expect(page.match(/<g class="op fail/g)).toHaveLength(1);
    expect(page).toContain('<text class="proc"');
    expect(page).toMatch(/#1 in the longest linearization/);
  });
});
