// Reading histories: Jepsen's EDN (a map per line, or a vector of maps), JSON lines, the
// independent [key value] tuples; and bad input, which is one InputError naming the line.

import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { checkHistory } from '../../src/lincheck/check.ts';
import { generateHistory } from '../../src/lincheck/generate.ts';
import { formatHistory, pairOperations, parseHistory } from '../../src/lincheck/history.ts';
import { errorOf } from '../support/errors.ts';

const fixtures = join(import.meta.dirname, 'fixtures');

describe('parseHistory', () => {
  it("reads Jepsen's history.edn: keywords, extra fields, comments, the nemesis", () => {
    const events = parseHistory(readFileSync(join(fixtures, 'register-ok.edn'), 'utf8'), 'register-ok.edn');
    expect(events).toHaveLength(11);
    expect(events[0]).toEqual({ process: 0, type: 'invoke', f: 'write', value: 1, time: 10, line: 3 });
    expect(events[6]).toMatchObject({ process: 'nemesis', type: 'info', f: 'start' });
    // The nemesis is not a client: its events make no operation.
    expect(pairOperations(events).map((o) => o.f)).toEqual(['write', 'read', 'write', 'read', 'read']);
  });

  it('reads a vector of maps across lines, with each map on its own line number', () => {
    const events = parseHistory(readFileSync(join(fixtures, 'independent.edn'), 'utf8'), 'independent.edn');
    expect(events.map((e) => e.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // [key value] tuples: the key comes out, for keywords and strings alike, and cas keeps [from to].
    expect(events[0]).toMatchObject({ key: 'x', value: 1 });
    expect(events[1]).toMatchObject({ key: 'y', value: 5 });
    expect(events[4]).toMatchObject({ key: 'x', f: 'cas', value: [1, 2] });
    expect(events[6]).toMatchObject({ key: 'y', value: null });
  });

  it('keeps a plain cas [from to] as it is', () => {
    const [e] = parseHistory('{:process 0, :type :invoke, :f :cas, :value [1 2]}', 'h.edn');
    expect(e).toMatchObject({ f: 'cas', value: [1, 2] });
    expect(e.key).toBeUndefined();
    const [n] = parseHistory('{:process 0, :type :invoke, :f :cas, :value [nil 2]}', 'h.edn');
    expect(n).toMatchObject({ value: [null, 2] });
  });

  it('reads JSON lines and a JSON array', () => {
    const events = parseHistory(readFileSync(join(fixtures, 'kv.jsonl'), 'utf8'), 'kv.jsonl');
    expect(events).toHaveLength(12);
    expect(events[0]).toEqual({ process: 0, type: 'invoke', f: 'put', key: 'a', value: 'x', line: 1 });
    const array = parseHistory('[\n{"process":0,"type":"invoke","f":"read","value":null},\n{"process":0,"type":"ok","f":"read","value":3}\n]', 'h.json');
    expect(array.map((e) => [e.type, e.value, e.line])).toEqual([
      ['invoke', null, 2],
      ['ok', 3, 3],
    ]);
  });

  it('accepts strings where Jepsen writes keywords, and string process names', () => {
    const [e] = parseHistory('{:process "c1", :type "invoke", :f "write", :key "k", :value "v"}', 'h.edn');
    expect(e).toEqual({ process: 'c1', type: 'invoke', f: 'write', key: 'k', value: 'v', line: 1 });
  });

  it('round-trips what formatHistory writes, in both formats', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.boolean(), fc.constantFrom('edn' as const, 'json' as const), (seed, kv, format) => {
        const events = generateHistory({ seed, clients: 3, operations: 20, model: kv ? 'kv' : 'register', keys: 2, infoRate: 0.1 });
        const back = parseHistory(formatHistory(events, format), `h.${format}`);
        expect(back.map(({ line: _, ...e }) => e)).toEqual(events);
      }),
      { numRuns: 50 },
    );
  });

  it('names the line and what is wrong', () => {
    const cases: [string, number, RegExp][] = [
      ['{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok, :f :read, :value 1', 2, /never closed/],
      ['{:process 0, :type :invoke, :f :read, :value nil}\n\n{:process 1, :type :done, :f :read, :value nil}', 3, /:type is "done": it must be invoke, ok, fail or info/],
      ['{:type :invoke, :f :read, :value nil}', 1, /no :process/],
      ['{:process 0, :type :invoke, :value nil}', 1, /no :f/],
      ['{:process 0, :type :invoke, :f :read, :value}', 1, /a key and no value/],
      ['{:process 0, :type :invoke, :f :read, :value nil}]', 1, /closes nothing/],
      ['{:process 0, :type :invoke, :f :read, :value [nil}', 1, /where the \[ opened on line 1 needs a \]/],
      ['{:process 0, :type :invoke, :f :read, :value "abc}', 1, /string that is never closed/],
      ['{:process 0, :type :invoke, :f :read, :value "\\q"}', 1, /not EDN/],
      ['{:process [1], :type :invoke, :f :read, :value nil}', 1, /:process is a vector/],
      ['{:process 0, :type :invoke, :f :read, :value nil, :time "soon"}', 1, /:time is "soon"/],
      ['[1 2]', 1, /each event must be a map/],
      ['{"process":0,"type":"invoke","f":"read","value":null}\n{"process":0,"type":"ok","f":"read",value:1}', 2, /not JSON/],
      ['{"process":0,"type":"invoke","f":"read","value":null}\n{"process":0,"typ":"ok","f":"read","value":1}', 2, /no "type"/],
    ];
    for (const [text, line, message] of cases) {
      const e = errorOf(() => parseHistory(text, 'h.edn'));
      expect(e.line, text).toBe(line);
      expect(e.message, text).toMatch(/^h\.edn:\d+: /);
      expect(e.message, text).toMatch(message);
      expect(e.message).not.toMatch(/\n/);
    }
  });

  it('names the line of a completion with no invocation, and of a second invocation', () => {
    const orphan = '{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok, :f :read, :value nil}\n{:process 1, :type :ok, :f :read, :value nil}';
    expect(errorOf(() => parseHistory(orphan, 'h.edn')).message).toMatch(/^h\.edn:3: ok for process 1, which has no operation open/);
    const twice = '{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :invoke, :f :write, :value 1}';
    expect(errorOf(() => parseHistory(twice, 'h.edn')).message).toMatch(/^h\.edn:2: process 0 invokes write while its read from line 1 is still open/);
    const other = '{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok, :f :write, :value 1}';
    expect(errorOf(() => parseHistory(other, 'h.edn')).message).toMatch(/^h\.edn:2: ok of write for process 0, whose open operation is read/);
    // Events made in code are checked too, by checkHistory.
    const made = [
      { process: 0, type: 'invoke' as const, f: 'read', value: null },
      { process: 1, type: 'ok' as const, f: 'read', value: null },
    ];
    expect(errorOf(() => checkHistory(made, 'register')).message).toMatch(/^history: event 2: ok for process 1, which has no operation open/);
  });

  it("names the line of an operation the model does not know, or a cas that is not [from to]", () => {
    const get = parseHistory('{:process 0, :type :invoke, :f :get, :value nil}', 'h.edn');
    expect(errorOf(() => checkHistory(get, 'register', { file: 'h.edn' })).message).toMatch(/^h\.edn:1: f is "get": the register model knows read, write and cas/);
    const cas = parseHistory('\n{:process 0, :type :invoke, :f :cas, :value 3}', 'h.edn');
    expect(errorOf(() => checkHistory(cas, 'register', { file: 'h.edn' })).message).toMatch(/^h\.edn:2: the cas value is 3: it must be \[from to\]/);
    const put = parseHistory('{"process":0,"type":"invoke","f":"put","key":"a","value":[1]}', 'h.json');
    expect(errorOf(() => checkHistory(put, 'kv', { file: 'h.json' })).message).toMatch(/^h\.json:1: value is \[1\]: the kv model's values are strings/);
  });

  it('never throws anything but a UserError, whatever the text', () => {
    const tokens = fc.constantFrom(
      '{', '}', '[', ']', '(', ')', '#{', '#_', '#inst', '#foo', '"', '\\', '\\u12', ';', ',', ' ', '\n', ':', '::',
      ':process', ':type', ':f', ':value', ':key', ':time', ':invoke', ':ok', ':fail', ':info', ':read', ':write', ':cas',
      'nil', '0', '1', '-2', '1N', '99999999999999999999N', '1.5', '1e999', 'true', '"x"', '"\\"', 'sym',
      '{"process":0', '"type":"invoke"', '"f":"read"', '"value":null', '"key":"k"', '{:process 0, :type :invoke, :f :read, :value nil}',
      '{:process 0, :type :ok, :f :read, :value 1}', '{:process 1, :type :invoke, :f :cas, :value [1 2]}', '{:process 1, :type :info, :f :cas, :value [1 2]}',
    );
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.array(tokens, { maxLength: 60 }).map((t) => t.join('')));
    fc.assert(
      fc.property(text, fc.constantFrom('register' as const, 'kv' as const), (t, model) => {
        try {
          const events = parseHistory(t, 'fuzz.edn');
          checkHistory(events, model, { file: 'fuzz.edn', timeoutMs: 1000 });
        } catch (e) {
          if (!(e instanceof UserError)) throw e;
          expect(e.message).toMatch(/^fuzz\.edn(:\d+)?: /);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses brackets nested absurdly deep, rather than overflowing the stack', () => {
    const deep = `{:process 0, :type :invoke, :f :write, :value ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(errorOf(() => parseHistory(deep, 'h.edn')).message).toMatch(/^h\.edn:1: brackets nested more than/);
  });
});
