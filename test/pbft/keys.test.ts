// The explorer's keys are injective: two cluster states (or two messages, two certificates) have
// the same key exactly when they are the same TLA+ value. The graph comparison cannot check this
// (it identifies states by their TLA+ values), and the models cannot either: their views,
// sequence numbers and request names are few and short. So here they are unbounded, and chosen
// from values whose decimal digits and names run into one another when written side by side
// (1 and 11, a and ab, a1 and a11), so that a key that drops a separator is caught.
//
// This file is part of the mutation chain (vitest.mutation.config.ts): keep it fast.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyedSet } from '../../src/core/keyed-set.ts';
import { valuesEqual } from '../../src/core/tla/value.ts';
import { clusterKey } from '../../src/pbft/cluster.ts';
import type { PbftCluster } from '../../src/pbft/cluster.ts';
import { certificateKey, messageKey, newViewMsg, viewChangeMsg } from '../../src/pbft/node.ts';
import type { PbftConfig } from '../../src/pbft/node.ts';
import { PBFT_RULES } from '../../src/pbft/node.ts';
import { PBFT_VARIABLES, certificateToTla, clusterToTla, messageToTla } from '../../src/pbft/tla.ts';
import { injective } from '../support/keys.ts';
import type { Certificate, Clients, PbftMessage, Replica, Status } from '../../src/pbft/types.ts';

const cfg: PbftConfig = { n: 4, f: 1, k: 3, nullDigest: 'Null', rules: PBFT_RULES };

/** Numbers whose digits run into one another (mostly 1 and 11), and any. */
const num = fc.oneof({ arbitrary: fc.constantFrom(1, 11), weight: 8 }, { arbitrary: fc.constantFrom(0, 10, 111), weight: 2 }, { arbitrary: fc.nat(), weight: 1 });
/** Names (TLA+ model values) that are prefixes of one another or end in digits, and any. */
const name = fc.oneof(
  { arbitrary: fc.constantFrom('a', 'aa', 'a1', 'aa1'), weight: 8 },
  { arbitrary: fc.constantFrom('a11', 'Null'), weight: 2 },
  { arbitrary: fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/), weight: 1 },
);
const sender = fc.oneof({ arbitrary: fc.constantFrom(0, 1, 2, 3), weight: 3 }, { arbitrary: num, weight: 1 });
const cert = fc.record({ view: num, seq: num, digest: name });
const normal = fc.record({ type: fc.constantFrom('PrePrepare' as const, 'Prepare' as const, 'Commit' as const), view: num, seq: num, digest: name, sender });
/** A view change as raw data: its certificates a list, in any order, perhaps with repeats. */
const viewChange = fc.record({ type: fc.constant('ViewChange' as const), view: num, prepared: fc.array(cert, { maxLength: 3 }), sender });
const newView = fc.record({ type: fc.constant('NewView' as const), view: num, viewChanges: fc.array(viewChange, { maxLength: 2 }), sender });
const message = fc.oneof(normal, viewChange, newView);
type RawMessage = typeof message extends fc.Arbitrary<infer T> ? T : never;

/** The message as a replica builds it (fresh objects each time, so no memo is shared), certificates and view changes in canonical order. */
function build(m: RawMessage): PbftMessage {
  switch (m.type) {
    case 'ViewChange':
      return viewChangeMsg(m.view, m.prepared, m.sender);
    case 'NewView':
      return { ...newViewMsg(cfg, m.view, m.viewChanges.map(build) as never), sender: m.sender };
    default:
      return { ...m };
  }
}

/** The message's TLA+ value, from the raw data: sets are sets of TLA+ values, not of keys. */
const tla = (m: RawMessage) => messageToTla(m as PbftMessage);

const status = fc.constantFrom<Status>('Normal', 'ViewChange');
const replica = fc.record({ view: num, status, log: fc.array(message, { maxLength: 3 }), committed: fc.array(cert, { maxLength: 2 }), executed: fc.array(name, { maxLength: 3 }) });
const clients = fc.record({ requests: fc.uniqueArray(name, { maxLength: 3 }), accepted: fc.uniqueArray(fc.record({ request: name, result: num }), { maxLength: 2, selector: (a) => a.request }) });
const anyCluster = fc.record({ replicas: fc.tuple(replica, replica), clients, messages: fc.array(message, { maxLength: 3 }) });
// Two states that differ in one part only are what a key without a separator confuses: most
// states below vary one part of the initial state.
const quiet = { view: 1, status: 'Normal' as Status, log: [], committed: [], executed: [] };
const initial = { replicas: [quiet, quiet] as [typeof quiet, typeof quiet], clients: { requests: [], accepted: [] }, messages: [] };
const varying = <K extends keyof typeof quiet>(field: K, xs: fc.Arbitrary<unknown>) =>
  fc.tuple(xs, xs).map(([a, b]) => ({ ...initial, replicas: [{ ...quiet, [field]: a }, { ...quiet, [field]: b }] }) as unknown as RawCluster);
const cluster = fc.oneof(
  anyCluster,
  varying('executed', fc.array(name, { maxLength: 3 })),
  varying('view', num),
  varying('status', status),
  varying('log', fc.array(message, { maxLength: 2 })),
  varying('committed', fc.array(cert, { maxLength: 2 })),
  clients.map((c) => ({ ...initial, clients: c }) as unknown as RawCluster),
  fc.array(message, { maxLength: 2 }).map((messages) => ({ ...initial, messages }) as unknown as RawCluster),
);
type RawCluster = typeof anyCluster extends fc.Arbitrary<infer T> ? T : never;

const IDS = [1, 2];
const sortedClients = (c: RawCluster['clients']): Clients => ({
  requests: [...c.requests].sort(),
  accepted: [...c.accepted].sort((a, b) => (a.request < b.request ? -1 : a.request > b.request ? 1 : 0)),
});

function buildCluster(c: RawCluster): PbftCluster {
  return {
    replicas: c.replicas.map(
      (r, i): Replica => ({
        id: IDS[i],
        view: r.view,
        status: r.status,
        log: KeyedSet.of(r.log.map(build), messageKey),
        committed: KeyedSet.of(r.committed.map((x) => ({ ...x })), certificateKey),
        executed: [...r.executed],
      }),
    ),
    clients: sortedClients(c.clients),
    messages: KeyedSet.of(c.messages.map(build), messageKey),
  };
}

/** The cluster's TLA+ state from the raw data, without the keys. */
function rawTla(c: RawCluster) {
  const items = <T,>(xs: readonly T[]) => ({ items: xs }) as unknown as KeyedSet<T>;
  return clusterToTla({
    replicas: c.replicas.map((r, i) => ({ id: IDS[i], view: r.view, status: r.status, log: items(r.log as PbftMessage[]), committed: items<Certificate>(r.committed), executed: r.executed })),
    clients: sortedClients(c.clients),
    messages: items(c.messages as PbftMessage[]),
  });
}

const many = <T,>(xs: fc.Arbitrary<T>, n: number) => fc.array(xs, { minLength: n, maxLength: n });
const stateText = (s: ReturnType<typeof rawTla>) => PBFT_VARIABLES.map((v) => s[v].key).join(' /\\ ');

describe('PBFT explorer keys', () => {
  it('certificates: equal keys exactly when equal certificates', () => {
    fc.assert(
      fc.property(many(cert, 500), (xs) => injective(xs, certificateKey, (c) => certificateToTla(c).key)),
      { numRuns: 10 },
    );
  });

  it('messages: equal keys exactly when equal TLA+ values, and building one keeps its value', () => {
    fc.assert(
      fc.property(many(message, 1000), (xs) => {
        for (const m of xs) expect(messageToTla(build(m)).key).toBe(tla(m).key);
        injective(xs, (m) => messageKey(build(m)), (m) => tla(m).key);
      }),
      { numRuns: 10 },
    );
  });

  it("a view change's certificates are told apart where their keys run into one another", () => {
    // Written side by side, 1.1.a1 and 11.1.b make 1.1.a111.1.b, and so do 1.1.a11 and 1.1.b.
    const one = viewChangeMsg(1, [{ view: 1, seq: 1, digest: 'a1' }, { view: 11, seq: 1, digest: 'b' }], 0);
    const other = viewChangeMsg(1, [{ view: 1, seq: 1, digest: 'a11' }, { view: 1, seq: 1, digest: 'b' }], 0);
    expect(messageKey(one)).not.toBe(messageKey(other));
  });

  it('cluster states: equal keys exactly when equal TLA+ states', () => {
    fc.assert(
      fc.property(many(cluster, 500), (xs) => {
        for (const c of xs) expect(stateText(clusterToTla(buildCluster(c)))).toBe(stateText(rawTla(c)));
        injective(xs, (c) => clusterKey(buildCluster(c)), (c) => stateText(rawTla(c)));
      }),
      { numRuns: 10 },
    );
  });
});
