// The PBFT cluster model (src/pbft/cluster.ts): the Byzantine replicas' messages, and the
// TLA+ images of actions.

import { describe, expect, it } from 'vitest';
import { parseCfg } from '../../src/core/tla/cfg.ts';
import { valuesEqual } from '../../src/core/tla/value.ts';
import type { PbftAction, PbftCluster } from '../../src/pbft/cluster.ts';
import { byzantineViewChanges, newViewsFrom, provableCerts, viewChangeQuorums } from '../../src/pbft/cluster.ts';
import type { PbftClusterConfig } from '../../src/pbft/cluster.ts';
import { createPbftModel } from '../../src/pbft/index.ts';
import { PBFT_RULES } from '../../src/pbft/node.ts';
import { actionToTla } from '../../src/pbft/tla.ts';

function cfgFor(byzantine: number): PbftClusterConfig {
  return {
    n: 4,
    f: 1,
    k: 1,
    nullDigest: 'Null',
    rules: PBFT_RULES,
    byzantine: [byzantine],
    correct: [0, 1, 2, 3].filter((i) => i !== byzantine),
    requests: ['r1', 'r2'],
    bounds: { maxView: 1, timers: [0, 1, 2, 3].filter((i) => i !== byzantine) },
  };
}

function modelFor(byzantine: number) {
  const text = `CONSTANTS\n N = 4\n Byzantine = {${byzantine}}\n Request = {r1, r2}\n Null = Null\n K = 1\n MaxView = 1\n Timers = {${cfgFor(byzantine).correct.join(', ')}}\n`;
  return createPbftModel(parseCfg(text, 'cluster.test').constants);
}

/** Take the steps named, each the first enabled one that matches. */
function run(byzantine: number, steps: ((a: PbftAction) => boolean)[]): PbftCluster {
  const m = modelFor(byzantine);
  let state = m.initialStates[0];
  for (const wanted of steps) {
    const step = m.successors(state).find((s) => wanted(s.action));
    if (step === undefined) throw new Error(`no such step from ${m.key(state)}`);
    state = step.next;
  }
  return state;
}

const is =
  (name: PbftAction['name'], fields: Record<string, unknown> = {}) =>
  (a: PbftAction) =>
    a.name === name && Object.entries(fields).every(([k, v]) => (a as unknown as Record<string, unknown>)[k] === v);

describe('the Byzantine replicas', () => {
  it('an equivocating primary: each backup may receive either request for one sequence number', () => {
    const c = run(0, [is('ClientRequest', { r: 'r1' }), is('ClientRequest', { r: 'r2' })]);
    const m = modelFor(0);
    const receipts = m.successors(c).filter((s) => s.action.name === 'ReceivePrePrepare');
    expect(receipts.map((s) => m.actionToTla(s.action).key)).toHaveLength(6); // 3 backups x 2 requests
  });

  it('a Byzantine view change claims any set of certificates that check, and only those', () => {
    // r1 and r2 accepted the Byzantine primary's r1: with the Byzantine-free prepares of two
    // backups, the certificate (0, 1, r1) checks; (0, 1, r2) has one prepare and does not.
    const c = run(0, [
      is('ClientRequest', { r: 'r1' }),
      is('ClientRequest', { r: 'r2' }),
      is('ReceivePrePrepare', { i: 1, d: 'r1' }),
      is('ReceivePrePrepare', { i: 2, d: 'r1' }),
      is('ReceivePrePrepare', { i: 3, d: 'r2' }),
    ]);
    const cfg = cfgFor(0);
    expect(provableCerts(cfg, c)).toEqual([{ view: 0, seq: 1, digest: 'r1' }]);
    expect(byzantineViewChanges(cfg, c, 1).map((vc) => vc.prepared)).toEqual([[], [{ view: 0, seq: 1, digest: 'r1' }]]);
  });

  it('a Byzantine new primary chooses among the sets of 2f + 1 or more view changes, one per replica', () => {
    const c = run(1, [is('Timeout', { i: 2 }), is('Timeout', { i: 3 })]);
    const cfg = cfgFor(1);
    const views = newViewsFrom(cfg, c, 1);
    // Replica 0's timer never fired: the only set is {1, 2, 3}, with the Byzantine view change
    // (no certificate checks, so it has one form).
    expect(views).toHaveLength(1);
    expect(views[0].viewChanges.map((vc) => vc.sender).sort()).toEqual([1, 2, 3]);
    expect(newViewsFrom(cfg, c, 2)).toEqual([]);
  });

  it('a correct new primary takes the view changes of 2f others', () => {
    const c = run(0, [is('Timeout', { i: 2 }), is('Timeout', { i: 3 })]);
    const cfg = cfgFor(0);
    const primary1 = c.replicas[0];
    // Q: any two of the view changes of 0 (Byzantine), 2 and 3.
    expect(viewChangeQuorums(cfg, c, primary1).map((Q) => Q.map((vc) => vc.sender))).toEqual([[2, 3], [0, 2], [0, 3]]);
  });
});

describe('actions as TLA+ values', () => {
  it("carry TracePBFT.tla's parameters, and only those", () => {
    const c = run(0, [is('ClientRequest', { r: 'r1' }), is('ReceivePrePrepare', { i: 1, d: 'r1' })]);
    const m = modelFor(0);
    const shown = m.successors(c).map((s) => m.actionToTla(s.action).key);
    expect(shown).toContain('[name |-> "ReceivePrePrepare", params |-> [d |-> r1, i |-> 2, n |-> 1]]');
    expect(
      valuesEqual(
        actionToTla({ name: 'ReceiveNewView', i: 2, j: 1, m: { type: 'NewView', view: 1, viewChanges: [], sender: 1 } }),
        actionToTla({ name: 'ReceiveNewView', i: 2, j: 1, m: { type: 'NewView', view: 5, viewChanges: [], sender: 1 } }),
      ),
    ).toBe(true);
  });
});
