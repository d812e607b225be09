// The reducer refuses exactly what PBFT.tla does not enable. `step` and `clientStep`
// (src/pbft/node.ts) are the entry points of every driver (the cluster model, the simulator's
// host), so they, not a driver, must return undefined for an event whose action's enabling
// condition does not hold, and a transition for every one whose condition holds. Here the
// conditions are written out again from the spec, quorums as numbers (2f, 2f + 1, f + 1), and
// checked against the reducers over generated replica and client states of TypeOK's types (not
// only the reachable ones: any driver may hand the reducer any of them), with generated events,
// for f = 1 .. 3. A failure shrinks to the smallest state and event that tell them apart.
//
// What the network holds (the messages correct replicas sent, the Byzantine replicas' messages,
// the requests clients issued) and MCPBFT's bounds (Timers, MaxView) are the driver's to check,
// not the reducer's: an event stands for messages that arrived.
//
// This file is part of the mutation chain (vitest.mutation.config.ts): keep it fast.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyedSet } from '../../src/core/keyed-set.ts';
import { parseCfg } from '../../src/core/tla/cfg.ts';
import { byzantineViewChanges, newViewsFrom, provableCerts, viewChangeQuorums } from '../../src/pbft/cluster.ts';
import { createPbftModel } from '../../src/pbft/index.ts';
import {
  PBFT_REDUCER,
  PBFT_RULES,
  certificateKey,
  clientStep,
  commitMsg,
  execute,
  messageKey,
  newViewMsg,
  newViewPrePrepares,
  prePrepareMsg,
  prepareMsg,
  step,
  viewChangeMsg,
} from '../../src/pbft/node.ts';
import type { PbftConfig } from '../../src/pbft/node.ts';
import type {
  Certificate,
  ClientEvent,
  Clients,
  PbftMessage,
  PrePrepareMessage,
  Replica,
  ReplicaEvent,
  ViewChangeMessage,
} from '../../src/pbft/types.ts';

const NULL = 'Null';
const REQUESTS = ['r1', 'r2'];
const DIGESTS = [...REQUESTS, NULL];
const MAX_VIEW = 3;

const configOf = (f: number, k: number): PbftConfig => ({ n: 3 * f + 1, f, k, nullDigest: NULL, rules: PBFT_RULES });

// ---- the spec's enabling conditions, written out again -------------------------------------------

const primaryOf = (cfg: PbftConfig, v: number) => v % cfg.n;
const prePreparesOf = (r: Replica) => r.log.items.filter((m): m is PrePrepareMessage => m.type === 'PrePrepare');
const inLog = (r: Replica, m: PbftMessage) => r.log.items.some((x) => JSON.stringify(x) === JSON.stringify(m));
const sameCert = (a: Certificate, b: Certificate) => a.view === b.view && a.seq === b.seq && a.digest === b.digest;
/** Prepared(i, m): i's COMMIT for m is in its log. */
const preparedAt = (r: Replica, m: Certificate) => inLog(r, commitMsg(m, r.id));
const distinctCount = (xs: readonly number[]) => new Set(xs).size;
/** The view condition of ViewChangeQuorums and ReceiveNewView: a later view, or the one i is moving to. */
const laterOrMovingTo = (r: Replica, v: number) => v > r.view || (v === r.view && r.status === 'ViewChange');

function enabled(cfg: PbftConfig, r: Replica, e: ReplicaEvent): boolean {
  const { f, k } = cfg;
  switch (e.type) {
    case 'PrePrepare': {
      const ofView = prePreparesOf(r).filter((m) => m.view === r.view);
      const nextSeq = 1 + Math.max(0, ...ofView.map((m) => m.seq));
      return r.status === 'Normal' && primaryOf(cfg, r.view) === r.id && ofView.every((m) => m.digest !== e.request) && nextSeq <= k;
    }
    case 'ReceivePrePrepare': {
      const m = e.message;
      return (
        m.seq >= 1 &&
        m.seq <= k &&
        m.sender === primaryOf(cfg, m.view) &&
        m.view === r.view &&
        primaryOf(cfg, r.view) !== r.id &&
        r.status === 'Normal' &&
        prePreparesOf(r).every((pp) => !(pp.view === m.view && pp.seq === m.seq))
      );
    }
    case 'ReceivePrepares': {
      const m = e.prePrepare;
      const preparers = e.prepares.filter((p) => sameCert(p, m) && p.sender !== primaryOf(cfg, m.view)).map((p) => p.sender);
      return inLog(r, m) && m.view === r.view && r.status === 'Normal' && !preparedAt(r, m) && distinctCount(preparers) >= 2 * f;
    }
    case 'ReceiveCommits': {
      const m = e.prePrepare;
      const committers = e.commits.filter((c) => sameCert(c, m)).map((c) => c.sender);
      const committed = r.committed.items.some((c) => sameCert(c, m));
      return inLog(r, m) && m.view === r.view && r.status === 'Normal' && preparedAt(r, m) && !committed && distinctCount(committers) >= 2 * f + 1;
    }
    case 'Timeout':
      return r.status === 'ViewChange' || primaryOf(cfg, r.view) !== r.id;
    case 'ReceiveViewChanges': {
      const Q = e.viewChanges;
      if (Q.length !== 2 * f) return false;
      const v = Q[0].view;
      return (
        Q.every((m) => m.view === v && primaryOf(cfg, m.view) === r.id && m.sender !== r.id) &&
        distinctCount(Q.map((m) => m.sender)) === 2 * f &&
        laterOrMovingTo(r, v)
      );
    }
    case 'ReceiveNewView':
      return e.message.sender !== r.id && laterOrMovingTo(r, e.message.view);
  }
}

/** NewViewPrePrepares(v, V): for each sequence number the request of the certificate with the highest view, the null request in the gaps up to max-s. */
function specNewViewPrePrepares(cfg: PbftConfig, v: number, V: readonly ViewChangeMessage[]): Set<string> {
  const certs = V.flatMap((vc) => vc.prepared);
  const maxS = certs.length === 0 ? 0 : Math.max(...certs.map((c) => c.seq));
  const top = certs.filter((c) => certs.every((c2) => c2.seq !== c.seq || c2.view <= c.view));
  const out = new Set(top.map((c) => messageKey(prePrepareMsg(cfg, v, c.seq, c.digest))));
  for (let n = 1; n <= maxS; n++) if (!certs.some((c) => c.seq === n)) out.add(messageKey(prePrepareMsg(cfg, v, n, NULL)));
  return out;
}
/** Execute(e, certs): append the request committed at the next sequence number while there is exactly one. */
function specExecute(executed: readonly string[], certs: readonly Certificate[]): string[] {
  const e = [...executed];
  for (;;) {
    const ds = new Set(certs.filter((c) => c.seq === e.length + 1).map((c) => c.digest));
    if (ds.size !== 1) return e;
    e.push([...ds][0]);
  }
}
const prePrepareKeys = (ms: readonly PbftMessage[]) => new Set(ms.filter((m) => m.type === 'PrePrepare').map(messageKey));

function clientEnabled(cfg: PbftConfig, c: Clients, e: ClientEvent): boolean {
  switch (e.type) {
    case 'ClientRequest':
      return !c.requests.includes(e.request);
    case 'ClientAccept':
      return (
        c.requests.includes(e.request) &&
        e.result >= 1 &&
        e.result <= cfg.k &&
        c.accepted.every((a) => a.request !== e.request) &&
        distinctCount(e.repliers) >= cfg.f + 1
      );
  }
}

// ---- generated states and events ------------------------------------------------------------------

// Every choice is a small number mapped into the model's ranges once f and K are chosen, and
// nothing depends on an earlier choice, so that a failure shrinks all of it.
type Raw<T> = (cfg: PbftConfig) => T;
const choice = fc.nat({ max: 15 });
const at = <T,>(xs: readonly T[], n: number): T => xs[n % xs.length];
const replicaId = choice.map((n): Raw<number> => (cfg) => n % cfg.n);
const viewNo = fc.nat({ max: MAX_VIEW });
/** Sequence numbers 0 .. K + 1: the two outside the water marks included. */
const seqNo = fc.nat({ max: 4 }).map((n): Raw<number> => (cfg) => n % (cfg.k + 2));
const digest = fc.constantFrom(...DIGESTS);
const cert = fc.record({ view: viewNo, seq: seqNo, digest }).map((c): Raw<Certificate> => (cfg) => ({ view: c.view, seq: c.seq(cfg), digest: c.digest }));
const list = <T,>(xs: fc.Arbitrary<Raw<T>>, maxLength: number) => fc.array(xs, { maxLength }).map((ys): Raw<T[]> => (cfg) => ys.map((y) => y(cfg)));
const prePrepare = cert.map((c): Raw<PrePrepareMessage> => (cfg) => {
  const { view, seq, digest: d } = c(cfg);
  return prePrepareMsg(cfg, view, seq, d);
});
/** A pre-prepare with any sender, mostly its view's primary. */
const anyPrePrepare = fc.record({ m: prePrepare, forged: fc.boolean(), sender: replicaId }).map(
  (x): Raw<PrePrepareMessage> => (cfg) => (x.forged ? { ...x.m(cfg), sender: x.sender(cfg) } : x.m(cfg)),
);
const viewChange = fc.record({ view: viewNo, prepared: list(cert, 2), sender: replicaId }).map(
  (x): Raw<ViewChangeMessage> => (cfg) => viewChangeMsg(x.view, x.prepared(cfg), x.sender(cfg)),
);

const likely = fc.nat({ max: 3 }).map((n) => n > 0);

/** A replica's state, of TypeOK's types: a log of pre-prepares, its own prepares, commits and view changes. */
const replica = fc
  .record({
    id: replicaId,
    view: viewNo,
    status: fc.oneof({ arbitrary: fc.constant('Normal' as const), weight: 3 }, { arbitrary: fc.constant('ViewChange' as const), weight: 1 }),
    // Pre-prepares, most of them of the replica's view; each with its PREPARE, some prepared.
    prePrepares: fc.array(fc.record({ m: prePrepare, ofView: likely, prepared: fc.boolean() }), { maxLength: 4 }),
    prepared: list(cert, 2),
    committed: list(cert, 2),
    viewChanges: list(fc.record({ view: viewNo, prepared: list(cert, 2) }).map((x) => (cfg: PbftConfig) => ({ view: x.view, prepared: x.prepared(cfg) })), 1),
    executed: fc.array(digest, { maxLength: 3 }),
  })
  .map(
    (x): Raw<Replica> =>
      (cfg) => {
        const id = x.id(cfg);
        const prePrepares = x.prePrepares.map((p) => {
          const m = p.m(cfg);
          return { m: p.ofView ? prePrepareMsg(cfg, x.view, m.seq, m.digest) : m, prepared: p.prepared };
        });
        const prepared = [...prePrepares.filter((p) => p.prepared).map((p) => p.m), ...x.prepared(cfg)];
        const log: PbftMessage[] = [
          ...prePrepares.map((p) => p.m),
          ...prePrepares.map((p) => prepareMsg(p.m, id)),
          ...prepared.map((c) => commitMsg(c, id)),
          ...x.viewChanges(cfg).map((vc) => viewChangeMsg(vc.view, vc.prepared, id)),
        ];
        // Committed-local: some of the prepared certificates, and any.
        const committed = [...prepared.slice(0, x.committed.length % 2), ...x.committed(cfg)];
        return {
          id,
          view: x.view,
          status: x.status,
          log: KeyedSet.of(log, messageKey),
          committed: KeyedSet.of(committed, certificateKey),
          executed: x.executed.slice(0, cfg.k),
        };
      },
  );

/** Senders for a quorum: a run of consecutive replicas around the quorum sizes, perhaps one twice. */
const senders = fc
  .record({ count: fc.nat({ max: 10 }), start: choice, twice: fc.boolean() })
  .map((x) => (cfg: PbftConfig): number[] => {
    const ids = Array.from({ length: Math.min(x.count, cfg.n) }, (_, i) => (x.start + i) % cfg.n);
    return x.twice && ids.length > 0 ? [...ids, ids[0]] : ids;
  });

/** An event for replica r: its messages taken from r's log where the action needs that, or made up. */
const replicaEvent = fc.oneof(
  fc.record({ type: fc.constant('PrePrepare' as const), request: fc.constantFrom(...REQUESTS) }).map((e) => (_cfg: PbftConfig, _r: Replica): ReplicaEvent => e),
  anyPrePrepare.map((m) => (cfg: PbftConfig, r: Replica): ReplicaEvent => ({ type: 'ReceivePrePrepare', message: { ...m(cfg), view: r.view, sender: primaryOf(cfg, r.view) } })),
  anyPrePrepare.map((m) => (cfg: PbftConfig): ReplicaEvent => ({ type: 'ReceivePrePrepare', message: m(cfg) })),
  ...(['ReceivePrepares', 'ReceiveCommits'] as const).map((type) =>
    fc
      .record({
        pick: choice,
        fromLog: likely,
        other: prePrepare,
        senders,
        mismatched: fc.option(cert, { nil: undefined }),
        // The first message differs from the pre-prepare in one field alone.
        differs: fc.option(fc.constantFrom('view', 'seq', 'digest'), { nil: undefined }),
      })
      .map((x) => (cfg: PbftConfig, r: Replica): ReplicaEvent => {
        const own = prePreparesOf(r);
        const m = x.fromLog && own.length > 0 ? at(own, x.pick) : x.other(cfg);
        const oneOff = (field: 'view' | 'seq' | 'digest') => ({ ...m, [field]: field === 'digest' ? (m.digest === REQUESTS[0] ? REQUESTS[1] : REQUESTS[0]) : m[field] + 1 });
        const certs = (i: number) => (i !== 0 ? m : x.differs !== undefined ? oneOff(x.differs) : x.mismatched !== undefined ? x.mismatched(cfg) : m);
        const ids = x.senders(cfg);
        return type === 'ReceivePrepares'
          ? { type, prePrepare: m, prepares: ids.map((s, i) => prepareMsg(certs(i), s)) }
          : { type, prePrepare: m, commits: ids.map((s, i) => commitMsg(certs(i), s)) };
      }),
  ),
  fc.constant((_cfg: PbftConfig, _r: Replica): ReplicaEvent => ({ type: 'Timeout' })),
  // 2f view changes for a view the replica is primary of, or for any view.
  fc
    .record({ view: viewNo, ownView: fc.boolean(), distinct: fc.boolean(), senders, prepared: list(cert, 2), extra: list(viewChange, 2), size: fc.integer({ min: -1, max: 1 }) })
    .map((x) => (cfg: PbftConfig, r: Replica): ReplicaEvent => {
      // The next view the replica is the primary of, or any.
      let v = x.view;
      if (x.ownView) for (v = Math.max(1, r.view); primaryOf(cfg, v) !== r.id; v++);
      const others = Array.from({ length: cfg.n - 1 }, (_, j) => (r.id + 1 + j) % cfg.n);
      const ids = x.distinct ? others.slice(0, 2 * cfg.f + x.size) : x.senders(cfg).slice(0, 2 * cfg.f + x.size);
      const Q = [...ids.map((s) => viewChangeMsg(v, x.prepared(cfg), s)), ...x.extra(cfg).slice(0, x.size < 0 ? 1 : 0)];
      return { type: 'ReceiveViewChanges', viewChanges: Q };
    }),
  fc
    .record({ view: viewNo, nextView: fc.boolean(), viewChanges: list(viewChange, 3) })
    .map((x) => (cfg: PbftConfig, r: Replica): ReplicaEvent => {
      const v = x.nextView ? r.view + x.view % 2 : x.view;
      return { type: 'ReceiveNewView', message: newViewMsg(cfg, v, x.viewChanges(cfg)) };
    }),
);

const clients = fc
  .record({ requests: fc.subarray(REQUESTS), accepted: fc.array(fc.record({ request: fc.constantFrom(...REQUESTS), result: fc.nat({ max: 3 }) }), { maxLength: 2 }) })
  .map((x): Clients => ({
    requests: x.requests,
    accepted: [...new Map(x.accepted.map((a) => [a.request, a])).values()].sort((a, b) => (a.request < b.request ? -1 : 1)),
  }));
const clientEvent = fc.oneof(
  fc.record({ type: fc.constant('ClientRequest' as const), request: fc.constantFrom(...REQUESTS) }).map((e) => (_cfg: PbftConfig): ClientEvent => e),
  fc
    .record({ request: fc.constantFrom(...REQUESTS), result: fc.nat({ max: 4 }), repliers: senders })
    .map((x) => (cfg: PbftConfig): ClientEvent => ({ type: 'ClientAccept', request: x.request, result: x.result, repliers: x.repliers(cfg) })),
);

const model = fc.record({ f: fc.integer({ min: 1, max: 3 }), k: fc.integer({ min: 1, max: 3 }) }).map(({ f, k }) => configOf(f, k));

const show = (x: unknown) => JSON.stringify(x, (_key, v: unknown) => (v instanceof KeyedSet ? v.items : v));

describe('PBFT reducer: enabling conditions', () => {
  it('step takes exactly the events whose action PBFT.tla enables, for f = 1 .. 3', () => {
    const seen = new Map<string, [number, number]>();
    fc.assert(
      fc.property(model, replica, replicaEvent, (cfg, rawReplica, rawEvent) => {
        const r = rawReplica(cfg);
        const e = rawEvent(cfg, r);
        const expected = enabled(cfg, r, e);
        const t = step(cfg, r, e);
        const counts = seen.get(e.type) ?? [0, 0];
        counts[expected ? 1 : 0]++;
        seen.set(e.type, counts);
        expect(t !== undefined, `${show(e)} on ${show(r)} with f = ${cfg.f}, K = ${cfg.k}`).toBe(expected);
        if (t !== undefined) expect(t.replica.id).toBe(r.id);
        // A request committed-local executes, and every committed one after it, in order (Execute).
        if (t !== undefined && e.type === 'ReceiveCommits') expect(t.replica.executed).toEqual(specExecute(r.executed, [...r.committed.items, e.prePrepare]));
        // The new view's pre-prepares are the spec's: the primary sends them, a backup prepares each.
        if (t !== undefined && e.type === 'ReceiveNewView') {
          const O = specNewViewPrePrepares(cfg, e.message.view, e.message.viewChanges);
          expect(new Set(t.sent.map((p) => messageKey({ ...p, type: 'PrePrepare', sender: primaryOf(cfg, p.view) } as PbftMessage)))).toEqual(O);
        }
        if (t !== undefined && e.type === 'ReceiveViewChanges') {
          const nv = t.sent.find((m) => m.type === 'NewView');
          expect(nv === undefined ? undefined : prePrepareKeys(t.sent)).toEqual(specNewViewPrePrepares(cfg, e.viewChanges[0].view, nv?.type === 'NewView' ? nv.viewChanges : []));
        }
      }),
      { numRuns: 6000 },
    );
    // Every action was seen both refused and taken.
    for (const type of ['PrePrepare', 'ReceivePrePrepare', 'ReceivePrepares', 'ReceiveCommits', 'Timeout', 'ReceiveViewChanges', 'ReceiveNewView']) {
      const [refused, taken] = seen.get(type) ?? [0, 0];
      expect([type, refused > 0, taken > 0]).toEqual([type, true, true]);
    }
  });

  it('clientStep takes exactly the client events PBFT.tla enables, for f = 1 .. 3', () => {
    fc.assert(
      fc.property(model, clients, clientEvent, (cfg, c, rawEvent) => {
        const e = rawEvent(cfg);
        const next = clientStep(cfg, c, e);
        expect(next !== undefined, `${show(e)} on ${show(c)} with f = ${cfg.f}, K = ${cfg.k}`).toBe(clientEnabled(cfg, c, e));
        // The accepted results stay in one order, by request: a set in the spec, one key in the explorer.
        const requests = next?.accepted.map((a) => a.request) ?? [];
        expect(requests, show(next)).toEqual([...requests].sort());
        if (next !== undefined && e.type === 'ClientAccept') expect(next.accepted).toEqual([...c.accepted, { request: e.request, result: e.result }].sort((a, b) => (a.request < b.request ? -1 : 1)));
      }),
      { numRuns: 2000 },
    );
  });

  it("a new view's pre-prepares: the highest view's request at each sequence number, the null request in the gaps", () => {
    // Certificates of views 0 .. 3 at sequence numbers 1 .. 4, two requests and the null one.
    const certs = fc.array(fc.record({ view: viewNo, seq: fc.integer({ min: 1, max: 4 }), digest: digest }), { maxLength: 4 });
    const V = fc.array(fc.record({ prepared: certs, sender: fc.nat({ max: 3 }) }), { maxLength: 3 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), V, (v, vcs) => {
        const cfg = configOf(1, 4);
        const viewChanges = vcs.map((vc) => viewChangeMsg(v, vc.prepared, vc.sender));
        expect(prePrepareKeys(newViewPrePrepares(cfg, v, viewChanges))).toEqual(specNewViewPrePrepares(cfg, v, viewChanges));
      }),
      { numRuns: 1000 },
    );
  });

  it('a replica executes the committed requests in sequence-number order, up to a gap or two requests at one number', () => {
    const certs = fc.array(fc.record({ view: viewNo, seq: fc.integer({ min: 1, max: 4 }), digest }), { maxLength: 6 });
    fc.assert(
      fc.property(fc.array(digest, { maxLength: 2 }), certs, (executed, committed) => {
        expect(execute(executed, KeyedSet.of(committed, certificateKey))).toEqual(specExecute(executed, committed));
      }),
      { numRuns: 1000 },
    );
  });

  it('the quorums are 2f prepares, 2f + 1 commits and f + 1 replies, for f = 1 .. 5', () => {
    for (let f = 1; f <= 5; f++) {
      for (let count = 0; count <= 3 * f + 1; count++) {
        expect([f, count, PBFT_RULES.prepareQuorum(count, f)]).toEqual([f, count, count >= 2 * f]);
        expect([f, count, PBFT_RULES.commitQuorum(count, f)]).toEqual([f, count, count >= 2 * f + 1]);
        expect([f, count, PBFT_RULES.replyQuorum(count, f)]).toEqual([f, count, count >= f + 1]);
      }
    }
  });

  it('a replica counts only the PREPAREs and COMMITs of its pre-prepare: its view, sequence number and request', () => {
    const cfg = configOf(1, 1);
    const pp = prePrepareMsg(cfg, 0, 1, 'r1');
    const backup = step(cfg, PBFT_REDUCER.initialReplica(1), { type: 'ReceivePrePrepare', message: pp })!.replica;
    const prepared = step(cfg, backup, { type: 'ReceivePrepares', prePrepare: pp, prepares: [prepareMsg(pp, 2), prepareMsg(pp, 3)] });
    expect(prepared).toBeDefined();
    for (const off of [{ view: 1 }, { seq: 2 }, { digest: 'r2' }]) {
      const other = prepareMsg({ ...pp, ...off }, 3);
      expect(step(cfg, backup, { type: 'ReceivePrepares', prePrepare: pp, prepares: [prepareMsg(pp, 2), other] }), JSON.stringify(off)).toBeUndefined();
      const committed = prepared!.replica;
      const commits = [commitMsg(pp, 0), commitMsg(pp, 1), commitMsg({ ...pp, ...off }, 2)];
      expect(step(cfg, committed, { type: 'ReceiveCommits', prePrepare: pp, commits }), JSON.stringify(off)).toBeUndefined();
      expect(step(cfg, committed, { type: 'ReceiveCommits', prePrepare: pp, commits: [...commits.slice(0, 2), commitMsg(pp, 2)] })).toBeDefined();
    }
  });

  it('a new primary needs exactly 2f view changes from distinct others, for f = 1 .. 5', () => {
    for (let f = 1; f <= 5; f++) {
      const cfg = configOf(f, 1);
      const newPrimary = PBFT_REDUCER.initialReplica(1);
      for (let size = 0; size <= 3 * f; size++) {
        const Q = Array.from({ length: size }, (_, j) => viewChangeMsg(1, [], j === 0 ? 0 : j + 1));
        const t = step(cfg, newPrimary, { type: 'ReceiveViewChanges', viewChanges: Q });
        expect([f, size, t !== undefined]).toEqual([f, size, size === 2 * f]);
        // The NEW-VIEW is made of those and the new primary's own: 2f + 1.
        if (t !== undefined) expect(t.sent.find((m) => m.type === 'NewView')).toMatchObject({ viewChanges: { length: 2 * f + 1 } });
      }
      // 2f distinct senders, one of whom sent two different view changes: 2f + 1 messages, refused.
      const Q = Array.from({ length: 2 * f }, (_, j) => viewChangeMsg(1, [], j === 0 ? 0 : j + 1));
      const twice = [...Q, viewChangeMsg(1, [{ view: 0, seq: 1, digest: 'r1' }], 0)];
      expect(step(cfg, newPrimary, { type: 'ReceiveViewChanges', viewChanges: twice }), `f = ${f}`).toBeUndefined();
    }
  });

  it('throws on an event of no known type', () => {
    const cfg = configOf(1, 1);
    expect(() => step(cfg, PBFT_REDUCER.initialReplica(0), { type: 'Bogus' } as unknown as ReplicaEvent)).toThrow(/unreachable/);
    expect(() => clientStep(cfg, PBFT_REDUCER.initialClients(), { type: 'Bogus' } as unknown as ClientEvent)).toThrow(/unreachable/);
  });
});

// ---- the cluster model's sets of messages, for f = 2 -------------------------------------------------

// The reducer counts the quorums it is handed; the cluster model chooses what it hands it: the
// prepared certificates that check (2f prepares), the sets of 2f view changes a new primary may
// receive and the NEW-VIEWs of 2f + 1 or more a Byzantine primary may send. The graph models have
// f = 1, where 2f is 2 and 2f + 1 is 3 whichever way they are written, and f = 2 only without a view
// change (pbft.quorums.cfg): so here are random runs of a model with f = 2 and a view change, each
// set checked against the spec's definition of it, counted by brute force.
describe('PBFT cluster model: the sets of messages of a view change, for f = 2', () => {
  const text = 'CONSTANTS\n N = 7\n Byzantine = {1, 4}\n Request = {r1}\n Null = Null\n K = 1\n MaxView = 1\n Timers = {2, 3, 5, 6}\n';
  const model = createPbftModel(parseCfg(text, 'enabling.test').constants);
  const cfg = { ...configOf(2, 1), byzantine: [1, 4], correct: [0, 2, 3, 5, 6], requests: ['r1'], bounds: { maxView: 1, timers: [2, 3, 5, 6] } };

  /** The number of sets of `size` messages of `pool` from distinct senders other than `except`. */
  function setsOfDistinctSenders(pool: readonly ViewChangeMessage[], size: number, except: number): number {
    const bySender = new Map<number, number>();
    for (const m of pool) if (m.sender !== except) bySender.set(m.sender, (bySender.get(m.sender) ?? 0) + 1);
    const groups = [...bySender.values()];
    let ways = [1]; // ways[s]: sets of s senders, one message each
    for (const g of groups) ways = [...ways, 0].map((w, s) => w + (s > 0 ? ways[s - 1] * g : 0));
    return ways[size] ?? 0;
  }

  it('a certificate checks with 2f prepares; new primaries get sets of 2f view changes; Byzantine ones send 2f + 1 or more', () => {
    let viewChanges = 0;
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 10, maxLength: 40 }), (schedule) => {
        let c = model.initialStates[0];
        for (const choice of schedule) {
          const msgs = c.messages.items;
          const has = (m: PbftMessage) => c.messages.has(messageKey(m));
          // ProvableCerts: the pre-prepare signed and 2f backups' prepares.
          const candidates = msgs.filter((m) => m.type === 'Prepare');
          const provable = candidates.filter((p) => {
            const pp = prePrepareMsg(cfg, p.view, p.seq, p.digest);
            const backups = Array.from({ length: cfg.n }, (_, j) => j).filter((j) => j !== pp.sender && (cfg.byzantine.includes(j) || has(prepareMsg(p, j))));
            return (cfg.byzantine.includes(pp.sender) || has(pp)) && backups.length >= 2 * cfg.f;
          });
          expect(new Set(provableCerts(cfg, c).map(certificateKey))).toEqual(new Set(provable.map((p) => certificateKey(p))));
          for (const v of new Set(msgs.filter((m) => m.type === 'ViewChange').map((m) => m.view))) {
            viewChanges++;
            // ByzantineViewChanges(v): each Byzantine replica's, with any subset of the provable certificates of earlier views.
            const earlier = new Set(provable.filter((p) => p.view < v).map((p) => certificateKey(p))).size;
            expect(byzantineViewChanges(cfg, c, v).length).toBe(cfg.byzantine.length * 2 ** earlier);
            for (const m of byzantineViewChanges(cfg, c, v)) expect(m.prepared.every((p) => p.view < v)).toBe(true);
            const pool = [...msgs.filter((m): m is ViewChangeMessage => m.type === 'ViewChange' && m.view === v), ...byzantineViewChanges(cfg, c, v)];
            for (const r of c.replicas) {
              const Q = viewChangeQuorums(cfg, c, r).filter((q) => q[0].view === v);
              expect(Q.length).toBe(setsOfDistinctSenders(pool, 2 * cfg.f, r.id));
              for (const q of Q) expect(new Set(q.map((m) => m.sender)).size).toBe(2 * cfg.f);
            }
            const j = v % cfg.n;
            if (cfg.byzantine.includes(j)) {
              const expected = Array.from({ length: cfg.n - 2 * cfg.f }, (_, s) => setsOfDistinctSenders(pool, 2 * cfg.f + 1 + s, cfg.n)).reduce((a, b) => a + b, 0);
              expect(newViewsFrom(cfg, c, j).length).toBe(expected);
            }
          }
          const next = model.successors(c);
          if (next.length === 0) break;
          c = next[choice % next.length].next;
        }
      }),
      { numRuns: 30 },
    );
    expect(viewChanges).toBeGreaterThan(0);
  });

  // The sizes run 2f + 1 .. n; random runs never reach view changes from every replica before one
  // of them enters the new view, so this state is made by hand: f = 1, the Byzantine replica the
  // primary of view 1, every correct replica's view change for view 1 in the network.
  it("a Byzantine new primary may send a NEW-VIEW of every replica's view change, for f = 1", () => {
    const small = createPbftModel(parseCfg('CONSTANTS\n N = 4\n Byzantine = {1}\n Request = {r1}\n Null = Null\n K = 1\n MaxView = 1\n Timers = {0, 2, 3}\n', 'enabling.test').constants);
    const smallCfg = { ...configOf(1, 1), byzantine: [1], correct: [0, 2, 3], requests: ['r1'], bounds: { maxView: 1, timers: [0, 2, 3] } };
    const initial = small.initialStates[0];
    const correct = smallCfg.correct.map((r) => viewChangeMsg(1, [], r));
    const c = { ...initial, messages: correct.reduce((set, m) => set.add(m, messageKey(m)), initial.messages) };
    const pool = [...correct, ...byzantineViewChanges(smallCfg, c, 1)];
    expect(setsOfDistinctSenders(pool, smallCfg.n, smallCfg.n)).toBeGreaterThan(0);
    expect(newViewsFrom(smallCfg, c, 1).length).toBe(setsOfDistinctSenders(pool, 3, smallCfg.n) + setsOfDistinctSenders(pool, 4, smallCfg.n));
  });
});

// MCPBFT's AcceptedRequests (with ClientAccept <- MCClientAccept): the requests whose results
// clients may accept. Only pbft.gaps.cfg, a manual model, sets it, so no graph of the chain does.
describe('PBFT cluster model: the AcceptedRequests bound', () => {
  const base = 'CONSTANTS\n N = 4\n Byzantine = {0}\n Request = {r1, r2}\n Null = Null\n K = 1\n MaxView = 0\n Timers = {}\n';
  /** The requests whose ClientAccept some random run of the model takes. */
  function acceptedIn(text: string): Set<string> {
    const model = createPbftModel(parseCfg(text, 'enabling.test').constants);
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 30, maxLength: 30 }), (schedule) => {
        let c = model.initialStates[0];
        for (const choice of schedule) {
          const next = model.successors(c);
          for (const { action } of next) if (action.name === 'ClientAccept') seen.add(action.r);
          if (next.length === 0) break;
          c = next[choice % next.length].next;
        }
      }),
      { numRuns: 40, seed: 11 },
    );
    return seen;
  }

  it('offers ClientAccept only for the requests it names', () => {
    expect(acceptedIn(base)).toEqual(new Set(['r1', 'r2']));
    expect(acceptedIn(`${base} AcceptedRequests = {r2}\n`)).toEqual(new Set(['r2']));
    expect(acceptedIn(`${base} AcceptedRequests = {}\n`)).toEqual(new Set());
  });
});
