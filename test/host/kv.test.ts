import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KvStore, decodeCommand, encodeCommand, isEncodedCommand } from '../../src/host/kv.ts';
import type { KvCommand, KvOperation } from '../../src/host/kv.ts';

const str = fc.string({ maxLength: 4 });
const operation: fc.Arbitrary<KvOperation> = fc.oneof(
  fc.record({ f: fc.constant('get' as const), key: str }),
  fc.record({ f: fc.constant('put' as const), key: str, value: str }),
  fc.record({ f: fc.constant('delete' as const), key: str }),
  fc.record({ f: fc.constant('append' as const), key: str, value: str }),
  fc.record({ f: fc.constant('cas' as const), key: str, from: str, to: str }),
);
const command: fc.Arbitrary<KvCommand> = fc.record({ client: fc.nat(5), seq: fc.nat(20), op: operation });

describe('the key-value state machine', () => {
  it('encodes every command to one string and back', () => {
    fc.assert(
      fc.property(command, (c) => {
        expect(decodeCommand(encodeCommand(c))).toEqual(c);
      }),
    );
    expect(decodeCommand('noop')).toBeUndefined();
  });

  it("takes exactly encodeCommand's strings as commands: every encoding, and nothing that does not encode back to itself", () => {
    fc.assert(
      fc.property(command, (c) => {
        expect(isEncodedCommand(encodeCommand({ ...c, seq: c.seq + 1 }))).toBe(true);
      }),
    );
    // Strings near an encoding: edits of one, and JSON arrays of anything.
    const near = fc.oneof(
      fc.tuple(command, fc.nat(), fc.string({ maxLength: 3 }), fc.nat(3)).map(([c, at, text, cut]) => {
        const e = encodeCommand(c);
        const k = at % (e.length + 1);
        return e.slice(0, k) + text + e.slice(Math.min(e.length, k + cut));
      }),
      fc.array(fc.oneof(fc.integer({ min: -2, max: 3 }), fc.constantFrom('get', 'put', 'cas', 'k'), fc.double(), fc.constant(null)), { maxLength: 7 }).map((a) => JSON.stringify(a)),
    );
    fc.assert(
      fc.property(near, (s) => {
        if (!isEncodedCommand(s)) return;
        const c = decodeCommand(s)!;
        expect(encodeCommand(c)).toBe(s);
        expect(Number.isSafeInteger(c.client) && c.client >= 0 && Number.isSafeInteger(c.seq) && c.seq >= 1).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('applies a retried command once, answering the retry with the first result (Raft thesis 6.3)', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 30 }), fc.array(fc.nat(29), { maxLength: 10 }), (commands, retries) => {
        // Each client's commands in increasing sequence order, as a client sends them.
        const ordered = commands.map((c, k) => ({ ...c, seq: k + 1 }));
        const once = new KvStore();
        for (const c of ordered) once.apply(encodeCommand(c));
        const twice = new KvStore();
        const log = ordered.flatMap((c, k) => (retries.includes(k) ? [c, c] : [c]));
        const results = new Map<number, unknown>();
        for (const c of log) {
          const r = twice.apply(encodeCommand(c));
          if (r === undefined) continue;
          if (results.has(c.seq)) expect(r.result).toEqual(results.get(c.seq));
          results.set(c.seq, r.result);
        }
        expect(twice.snapshot()).toEqual(once.snapshot());
      }),
    );
  });

  it('does not apply a command older than the client’s last', () => {
    const kv = new KvStore();
    kv.apply(encodeCommand({ client: 1, seq: 2, op: { f: 'put', key: 'x', value: 'new' } }));
    expect(kv.apply(encodeCommand({ client: 1, seq: 1, op: { f: 'put', key: 'x', value: 'old' } }))).toBeUndefined();
    expect(kv.apply(encodeCommand({ client: 2, seq: 1, op: { f: 'get', key: 'x' } }))?.result).toEqual({ ok: true, value: 'new' });
  });

  it('reads a key never written as the empty string; cas swaps only from the value it names', () => {
    const kv = new KvStore();
    const run = (seq: number, op: KvOperation) => kv.apply(encodeCommand({ client: 0, seq, op }))?.result;
    expect(run(1, { f: 'get', key: 'k' })).toEqual({ ok: true, value: '' });
    expect(run(2, { f: 'cas', key: 'k', from: 'a', to: 'b' })).toEqual({ ok: false });
    expect(run(3, { f: 'cas', key: 'k', from: '', to: 'b' })).toEqual({ ok: true });
    expect(run(4, { f: 'append', key: 'k', value: 'c' })).toEqual({ ok: true });
    expect(run(5, { f: 'get', key: 'k' })).toEqual({ ok: true, value: 'bc' });
    expect(run(6, { f: 'delete', key: 'k' })).toEqual({ ok: true });
    expect(run(7, { f: 'get', key: 'k' })).toEqual({ ok: true, value: '' });
  });
});
