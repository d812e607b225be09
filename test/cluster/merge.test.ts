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
    steps: fc.array(fc.record({ node: fc.nat(2), dt: fc.nat(2), send: fc.boolean(), take: fc.option(fc.nat(20), { nil: undefined }) }), { maxLength: 40 }),
  })
  .map(({ nodes, steps }) => {
    const logs: LoggedLine[][] = Array.from({ length: nodes }, () => []);
    const sent: string[] = [];
    let t = 0;
    for (const s of steps) {
      t += s.dt;
      const node = s.node % nodes;
      const recv = s.take !== undefined && sent.length > 0 ? { m: sent[s.take % sent.length] } : undefined;
      const out = s.send ? [{ m: `m${sent.length}` }] : [];
      for (const m of out) sent.push(m.m);
      const event: LogEvent = { n: 0, t, node: `n${node}`, action: 'Step', params: {}, ...(recv !== undefined && { recv }), sent: out };
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

  it('with maxSteps, is the first steps of the whole merge', () => {
    fc.assert(
      fc.property(run, fc.nat(45), (logs, n) => {
        expect(mergeLogs(logs, n)).toEqual(mergeLogs(logs).slice(0, n));
      }),
    );
  });
});
