// The merge of the nodes' event logs (src/cluster/merge.ts): one order of every node's steps, each
// node's in its own order, every receipt after a send of its message, and a prefix of it what
// --validate-steps asks for.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeLogs } from '../../src/cluster/merge.ts';
import type { LogEvent } from '../../src/host/types.ts';
import type { LoggedLine } from '../../src/validate/log.ts';

/** A run of `nodes` nodes: each step at a node, at a time that does not go back, sending and taking messages. */
const run = fc
  .record({
    nodes: fc.integer({ min: 1, max: 3 }),
    steps: fc.array(
      fc.record({ node: fc.nat(2), dt: fc.nat(2), send: fc.boolean(), take: fc.option(fc.nat(20), { nil: undefined }), read: fc.option(fc.nat(20), { nil: undefined }) }),
      { maxLength: 40 },
    ),
  })
  .map(({ nodes, steps }) => {
    const logs: LoggedLine[][] = Array.from({ length: nodes }, () => []);
    const sent: string[] = [];
    let t = 0;
    for (const s of steps) {
      t += s.dt;
      const node = s.node % nodes;
      const recv = s.take !== undefined && sent.length > 0 ? { m: sent[s.take % sent.length] } : undefined;
      // A quorum step reads a message sent before without taking it (PBFT's ReceivePrepares).
      const reads = s.read !== undefined && sent.length > 0 ? [sent[s.read % sent.length]] : [];
      const out = s.send ? [{ m: `m${sent.length}` }] : [];
      for (const m of out) sent.push(m.m);
      const event: LogEvent = { n: 0, t, node: `n${node}`, action: 'Step', params: { reads }, ...(recv !== undefined && { recv }), sent: out };
      logs[node].push({ file: `n${node}`, line: logs[node].length + 1, event });
    }
    return logs;
  });

describe('the merge of the nodes’ event logs', () => {
  it('keeps every step, each node’s in its order, each receipt after a send of its message', () => {
    fc.assert(
      fc.property(run, (logs) => {
        const merged = mergeLogs(logs);
        expect(merged.length).toBe(logs.reduce((n, l) => n + l.length, 0));
        for (const log of logs) expect(merged.filter((e) => log.some((l) => l.event === e))).toEqual(log.map((l) => l.event));
        const seen = new Set<string>();
        for (const e of merged) {
          if (e.recv !== undefined) expect(seen.has(JSON.stringify(e.recv))).toBe(true);
          for (const m of e.sent ?? []) seen.add(JSON.stringify(m));
        }
      }),
    );
  });

  it('puts a step that reads messages without taking one after their sends, when the system says what it reads', () => {
    const reads = { of: (e: LogEvent) => e.params.reads as string[], readKey: (m: unknown) => (m as { m: string }).m };
    fc.assert(
      fc.property(run, (logs) => {
        const seen = new Set<string>();
        for (const e of mergeLogs(logs, Number.POSITIVE_INFINITY, reads)) {
          for (const m of reads.of(e)) expect(seen.has(m), `${m} read before it was sent`).toBe(true);
          for (const m of e.sent ?? []) seen.add((m as { m: string }).m);
        }
      }),
    );
    // Without it, a read and its send in the same millisecond can come the wrong way round: node 0's read first.
    const at = (node: number, event: Omit<LogEvent, 'n' | 't' | 'node' | 'action'>): LoggedLine => ({ file: `n${node}`, line: 1, event: { n: 0, t: 5, node: `n${node}`, action: 'Step', ...event } });
    const logs = [[at(0, { params: { reads: ['m0'] }, sent: [] })], [at(1, { params: { reads: [] }, sent: [{ m: 'm0' }] })]];
    expect(mergeLogs(logs).map((e) => e.node)).toEqual(['n0', 'n1']);
    expect(mergeLogs(logs, Number.POSITIVE_INFINITY, reads).map((e) => e.node)).toEqual(['n1', 'n0']);
  });

  it('with maxSteps, is the first steps of the whole merge', () => {
    fc.assert(
      fc.property(run, fc.nat(45), (logs, n) => {
        expect(mergeLogs(logs, n)).toEqual(mergeLogs(logs).slice(0, n));
      }),
    );
  });
});
