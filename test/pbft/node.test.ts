// Unit tests of the PBFT reducers (src/pbft/node.ts), one action at a time.

import { describe, expect, it } from 'vitest';
import { KeyedSet } from '../../src/core/keyed-set.ts';
import {
  ClientAccept,
  ClientRequest,
  PBFT_RULES,
  PrePrepare,
  ReceiveCommits,
  ReceiveNewView,
  ReceivePrePrepare,
  ReceivePrepares,
  ReceiveViewChanges,
  Timeout,
  certificateKey,
  clientStep,
  commitMsg,
  execute,
  initialClients,
  initialReplica,
  isPrepared,
  messageKey,
  newViewMsg,
  newViewPrePrepares,
  prePrepareMsg,
  prepareMsg,
  preparedCerts,
  result,
  step,
  viewChangeMsg,
} from '../../src/pbft/node.ts';
import type { PbftConfig } from '../../src/pbft/node.ts';
import { PBFT_MUTANTS, pbftRules } from '../../src/pbft/mutants.ts';
import { nextStatus, statusDiagram } from '../../src/pbft/roles.ts';
import type { Certificate, PbftMessage, Replica } from '../../src/pbft/types.ts';

const cfg: PbftConfig = { n: 4, f: 1, k: 2, nullDigest: 'Null', rules: PBFT_RULES };

function replica(id: number, fields: Partial<Omit<Replica, 'log' | 'committed'>> & { log?: PbftMessage[]; committed?: Certificate[] } = {}): Replica {
  const base = initialReplica(id);
  return {
    ...base,
    ...fields,
    log: KeyedSet.of(fields.log ?? [], messageKey),
    committed: KeyedSet.of(fields.committed ?? [], certificateKey),
  };
}

const pp01 = prePrepareMsg(cfg, 0, 1, 'r1');

describe('PrePrepare', () => {
  it('assigns the next sequence number of the view and multicasts the pre-prepare', () => {
    const t = PrePrepare(cfg, replica(0), 'r1');
    expect(t?.sent).toEqual([pp01]);
    expect(t?.replica.log.has(messageKey(pp01))).toBe(true);
    const t2 = PrePrepare(cfg, t!.replica, 'r2');
    expect(t2?.sent).toEqual([prePrepareMsg(cfg, 0, 2, 'r2')]);
  });

  it('is the primary alone that assigns, once per request and view, up to the high water mark', () => {
    expect(PrePrepare(cfg, replica(1), 'r1')).toBeUndefined();
    const once = PrePrepare(cfg, replica(0), 'r1')!.replica;
    expect(PrePrepare(cfg, once, 'r1')).toBeUndefined();
    const full = PrePrepare(cfg, PrePrepare(cfg, once, 'r2')!.replica, 'r3');
    expect(full).toBeUndefined();
    expect(PrePrepare(cfg, replica(0, { status: 'ViewChange' }), 'r1')).toBeUndefined();
  });
});

describe('ReceivePrePrepare', () => {
  it('accepts a pre-prepare of its view and multicasts a matching prepare', () => {
    const t = ReceivePrePrepare(cfg, replica(1), pp01);
    expect(t?.sent).toEqual([prepareMsg(pp01, 1)]);
    expect(t?.replica.log.items).toEqual(expect.arrayContaining([pp01, prepareMsg(pp01, 1)]));
  });

  it('accepts one request per view and sequence number: an equivocating primary gets one of them', () => {
    const after = ReceivePrePrepare(cfg, replica(1), pp01)!.replica;
    expect(ReceivePrePrepare(cfg, after, prePrepareMsg(cfg, 0, 1, 'r2'))).toBeUndefined();
    expect(ReceivePrePrepare(cfg, after, pp01)).toBeUndefined();
    expect(ReceivePrePrepare(cfg, after, prePrepareMsg(cfg, 0, 2, 'r2'))).toBeDefined();
  });

  it('refuses pre-prepares of other views, in a view change, or as the primary', () => {
    expect(ReceivePrePrepare(cfg, replica(1, { view: 1 }), pp01)).toBeUndefined();
    expect(ReceivePrePrepare(cfg, replica(1, { status: 'ViewChange' }), pp01)).toBeUndefined();
    expect(ReceivePrePrepare(cfg, replica(0), pp01)).toBeUndefined();
  });
});

describe('ReceivePrepares and ReceiveCommits', () => {
  const backup = replica(1, { log: [pp01, prepareMsg(pp01, 1)] });

  it('is prepared with 2f matching prepares from distinct backups, and commits', () => {
    expect(ReceivePrepares(cfg, backup, pp01, [prepareMsg(pp01, 1)])).toBeUndefined();
    const t = ReceivePrepares(cfg, backup, pp01, [prepareMsg(pp01, 1), prepareMsg(pp01, 2)]);
    expect(t?.sent).toEqual([commitMsg(pp01, 1)]);
    expect(isPrepared(t!.replica, pp01)).toBe(true);
    expect(preparedCerts(t!.replica)).toEqual([{ view: 0, seq: 1, digest: 'r1' }]);
    expect(ReceivePrepares(cfg, t!.replica, pp01, [prepareMsg(pp01, 1), prepareMsg(pp01, 2)])).toBeUndefined();
  });

  it('counts neither the primary, nor a replica twice, nor another request', () => {
    const other = prePrepareMsg(cfg, 0, 1, 'r2');
    expect(ReceivePrepares(cfg, backup, pp01, [prepareMsg(pp01, 1), prepareMsg(pp01, 0)])).toBeUndefined();
    expect(ReceivePrepares(cfg, backup, pp01, [prepareMsg(pp01, 1), prepareMsg(pp01, 1)])).toBeUndefined();
    expect(ReceivePrepares(cfg, backup, pp01, [prepareMsg(pp01, 1), prepareMsg(other, 2)])).toBeUndefined();
  });

  it('commits locally with 2f + 1 matching commits and executes in sequence-number order', () => {
    const pp02 = prePrepareMsg(cfg, 0, 2, 'r2');
    const prepared = replica(1, { log: [pp01, pp02, commitMsg(pp01, 1), commitMsg(pp02, 1)] });
    const commits = (m: Certificate) => [commitMsg(m, 1), commitMsg(m, 2), commitMsg(m, 3)];
    expect(ReceiveCommits(cfg, prepared, pp02, commits(pp02).slice(0, 2))).toBeUndefined();
    const second = ReceiveCommits(cfg, prepared, pp02, commits(pp02))!.replica;
    expect(second.executed).toEqual([]); // waits for sequence number 1
    const both = ReceiveCommits(cfg, second, pp01, commits(pp01))!.replica;
    expect(both.executed).toEqual(['r1', 'r2']);
    expect(ReceiveCommits(cfg, both, pp01, commits(pp01))).toBeUndefined();
  });

  it('takes commits only once prepared', () => {
    expect(ReceiveCommits(cfg, backup, pp01, [commitMsg(pp01, 1), commitMsg(pp01, 2), commitMsg(pp01, 3)])).toBeUndefined();
  });
});

describe('execute', () => {
  it('stops at a gap and at two different requests for one sequence number', () => {
    const certs = (cs: Certificate[]) => KeyedSet.of(cs, certificateKey);
    expect(execute([], certs([{ view: 0, seq: 2, digest: 'r2' }]))).toEqual([]);
    expect(execute([], certs([{ view: 0, seq: 1, digest: 'r1' }, { view: 1, seq: 1, digest: 'r1' }]))).toEqual(['r1']);
    expect(execute([], certs([{ view: 0, seq: 1, digest: 'r1' }, { view: 1, seq: 1, digest: 'r2' }]))).toEqual([]);
  });

  it('gives a request executed twice its first result', () => {
    expect(result(['r1', 'Null', 'r1'], 'r1')).toBe(1);
    expect(result(['Null', 'r2'], 'r2')).toBe(2);
    expect(result(['r2'], 'r1')).toBe(0);
  });
});

describe('view changes', () => {
  const prepared = replica(2, { log: [pp01, prepareMsg(pp01, 2), commitMsg(pp01, 2)] });

  it('a backup whose timer fires asks for the next view with its prepared certificates', () => {
    const t = Timeout(cfg, prepared)!;
    expect(t.sent).toEqual([viewChangeMsg(1, [{ view: 0, seq: 1, digest: 'r1' }], 2)]);
    expect(t.replica).toMatchObject({ view: 1, status: 'ViewChange' });
    expect(Timeout(cfg, t.replica)?.replica).toMatchObject({ view: 2, status: 'ViewChange' });
    expect(Timeout(cfg, replica(0))).toBeUndefined(); // the primary's timer does not fire
  });

  it('the new primary re-proposes the request of the highest-view certificate, and null requests for gaps', () => {
    const V = [
      viewChangeMsg(2, [{ view: 0, seq: 2, digest: 'r1' }], 1),
      viewChangeMsg(2, [{ view: 1, seq: 2, digest: 'r2' }, { view: 0, seq: 3, digest: 'r3' }], 3),
      viewChangeMsg(2, [], 0),
    ];
    const O = newViewPrePrepares({ ...cfg, k: 3 }, 2, V);
    expect(KeyedSet.of(O, messageKey).items).toEqual(
      KeyedSet.of([prePrepareMsg(cfg, 2, 1, 'Null'), prePrepareMsg(cfg, 2, 2, 'r2'), prePrepareMsg(cfg, 2, 3, 'r3')], messageKey).items,
    );
    expect(newViewPrePrepares(cfg, 1, [viewChangeMsg(1, [], 2)])).toEqual([]);
  });

  it('with 2f view changes from others the new primary multicasts the new view and enters it', () => {
    const primary1 = replica(1, { view: 0 });
    const Q = [viewChangeMsg(1, [{ view: 0, seq: 1, digest: 'r1' }], 2), viewChangeMsg(1, [], 3)];
    const t = ReceiveViewChanges(cfg, primary1, Q)!;
    const own = viewChangeMsg(1, [], 1);
    const nv = newViewMsg(cfg, 1, [...Q, own]);
    expect(t.sent).toEqual([own, nv, prePrepareMsg(cfg, 1, 1, 'r1')]);
    expect(t.replica).toMatchObject({ view: 1, status: 'Normal' });
    expect(ReceiveViewChanges(cfg, t.replica, Q)).toBeUndefined();
    expect(ReceiveViewChanges(cfg, primary1, Q.slice(0, 1))).toBeUndefined();
    expect(ReceiveViewChanges(cfg, replica(2), Q)).toBeUndefined();
    expect(ReceiveViewChanges(cfg, primary1, [Q[0], viewChangeMsg(1, [], 2)])).toBeUndefined();
  });

  it('a backup that accepts the new view prepares its pre-prepares', () => {
    const nv = newViewMsg(cfg, 1, [viewChangeMsg(1, [{ view: 0, seq: 1, digest: 'r1' }], 2), viewChangeMsg(1, [], 3), viewChangeMsg(1, [], 1)]);
    const t = ReceiveNewView(cfg, replica(3, { view: 1, status: 'ViewChange' }), nv)!;
    const pp11 = prePrepareMsg(cfg, 1, 1, 'r1');
    expect(t.sent).toEqual([prepareMsg(pp11, 3)]);
    expect(t.replica.log.has(messageKey(pp11))).toBe(true);
    expect(t.replica).toMatchObject({ view: 1, status: 'Normal' });
    expect(ReceiveNewView(cfg, t.replica, nv)).toBeUndefined();
    expect(ReceiveNewView(cfg, replica(1), nv)).toBeUndefined(); // its own
    expect(ReceiveNewView(cfg, replica(2), nv)).toBeDefined(); // from a view it never left
  });

  it('the status lifecycle allows only what the table says', () => {
    expect(nextStatus('Normal', 'TimerExpires')).toBe('ViewChange');
    expect(nextStatus('ViewChange', 'EnterView')).toBe('Normal');
    expect(statusDiagram()).toContain('ViewChange');
  });
});

describe('clients', () => {
  it('issue each request once, and accept a result with f + 1 matching replies', () => {
    const issued = ClientRequest(initialClients(), 'r2')!;
    expect(ClientRequest(issued, 'r2')).toBeUndefined();
    expect(ClientAccept(cfg, issued, 'r2', 1, [0])).toBeUndefined();
    const accepted = ClientAccept(cfg, issued, 'r2', 1, [0, 2])!;
    expect(accepted.accepted).toEqual([{ request: 'r2', result: 1 }]);
    expect(ClientAccept(cfg, accepted, 'r2', 2, [0, 1, 2])).toBeUndefined();
    expect(clientStep(cfg, initialClients(), { type: 'ClientRequest', request: 'r1' })?.requests).toEqual(['r1']);
  });
});

describe('step', () => {
  it('dispatches each event to its action', () => {
    expect(step(cfg, replica(0), { type: 'PrePrepare', request: 'r1' })?.sent).toEqual([pp01]);
    expect(step(cfg, replica(1), { type: 'ReceivePrePrepare', message: pp01 })?.sent).toEqual([prepareMsg(pp01, 1)]);
    expect(step(cfg, replica(1), { type: 'Timeout' })?.replica.view).toBe(1);
  });
});

describe('seeded bugs (src/pbft/mutants.ts): each takes a step that the rules refuse', () => {
  const mutated = (name: string): PbftConfig => ({ ...cfg, rules: pbftRules(name) });

  it('are the catalogue’s, each naming the rule of PBFT.tla it replaces and its own model', () => {
    expect(PBFT_MUTANTS.map((m) => [m.name, m.rule, m.breaks, m.model])).toEqual([
      ['pbft-weak-prepare', 'PrepareQuorum', 'PreparedUniqueness', 'mutant-weak-prepare'],
      ['pbft-weak-commit', 'CommitQuorum', 'Agreement', 'mutant-weak-commit'],
      ['pbft-newview-drops-prepared', 'NewViewCertificates', 'Agreement', 'mutant-newview-drops-prepared'],
      ['pbft-accept-two-digests', 'MayAcceptPrePrepare', 'PreparedUniqueness', 'mutant-accept-two-digests'],
      ['pbft-client-trusts-f-replies', 'ReplyQuorum', 'AcceptedResults', 'mutant-client-trusts-f-replies'],
    ]);
    expect(pbftRules()).toBe(PBFT_RULES);
    expect(() => pbftRules('weak-prepare')).toThrow(RangeError);
  });

  it('pbft-weak-prepare: a backup is prepared with 2f - 1 prepares, its own alone', () => {
    const backup = replica(1, { log: [pp01, prepareMsg(pp01, 1)] });
    expect(ReceivePrepares(cfg, backup, pp01, [prepareMsg(pp01, 1)])).toBeUndefined();
    expect(ReceivePrepares(mutated('pbft-weak-prepare'), backup, pp01, [prepareMsg(pp01, 1)])?.sent).toEqual([commitMsg(pp01, 1)]);
  });

  it('pbft-weak-commit: a prepared request is committed-local with 2f commits', () => {
    const prepared = replica(1, { log: [pp01, prepareMsg(pp01, 1), commitMsg(pp01, 1)] });
    const commits = [commitMsg(pp01, 1), commitMsg(pp01, 0)];
    expect(ReceiveCommits(cfg, prepared, pp01, commits)).toBeUndefined();
    expect(ReceiveCommits(mutated('pbft-weak-commit'), prepared, pp01, commits)?.replica.executed).toEqual(['r1']);
  });

  it('pbft-newview-drops-prepared: the new primary re-proposes no prepared request', () => {
    const Q = [viewChangeMsg(1, [{ view: 0, seq: 1, digest: 'r1' }], 2), viewChangeMsg(1, [], 3)];
    expect(ReceiveViewChanges(cfg, replica(1), Q)?.sent).toContainEqual(prePrepareMsg(cfg, 1, 1, 'r1'));
    const t = ReceiveViewChanges(mutated('pbft-newview-drops-prepared'), replica(1), Q)!;
    expect(t.sent.map((m) => m.type)).toEqual(['ViewChange', 'NewView']);
    const nv = newViewMsg(cfg, 1, [...Q, viewChangeMsg(1, [], 1)]);
    expect(ReceiveNewView(mutated('pbft-newview-drops-prepared'), replica(3, { view: 1, status: 'ViewChange' }), nv)?.sent).toEqual([]);
  });

  it('pbft-accept-two-digests: a backup accepts a second request for a view and sequence number', () => {
    const other = prePrepareMsg(cfg, 0, 1, 'r2');
    const backup = replica(1, { log: [pp01, prepareMsg(pp01, 1)] });
    expect(ReceivePrePrepare(cfg, backup, other)).toBeUndefined();
    expect(ReceivePrePrepare(mutated('pbft-accept-two-digests'), backup, other)?.sent).toEqual([prepareMsg(other, 1)]);
    expect(ReceivePrePrepare(mutated('pbft-accept-two-digests'), backup, pp01)).toBeUndefined();
  });

  it('pbft-client-trusts-f-replies: a client accepts the result of f replies', () => {
    const issued = ClientRequest(initialClients(), 'r1')!;
    expect(ClientAccept(cfg, issued, 'r1', 1, [0])).toBeUndefined();
    expect(ClientAccept(mutated('pbft-client-trusts-f-replies'), issued, 'r1', 1, [0])?.accepted).toEqual([{ request: 'r1', result: 1 }]);
  });
});
