// PBFT.tla's invariants over the TypeScript cluster state, by the same names (paper 4.2, 4.4, 4.5).

import type { Invariant } from '../explore/model.ts';
import type { PbftCluster } from './cluster.ts';
import { preparedCerts, result } from './node.ts';
import type { Certificate, Replica } from './types.ts';

function pairs(replicas: readonly Replica[], holds: (a: Replica, b: Replica) => boolean): boolean {
  for (const a of replicas) for (const b of replicas) if (!holds(a, b)) return false;
  return true;
}

function noConflict(as: readonly Certificate[], bs: readonly Certificate[], same: (a: Certificate, b: Certificate) => boolean): boolean {
  for (const a of as) for (const b of bs) if (same(a, b) && a.digest !== b.digest) return false;
  return true;
}

/** The key lemma (4.2): no two correct replicas are prepared with different requests for the same view and sequence number. */
export function PreparedUniqueness(c: PbftCluster): boolean {
  return pairs(c.replicas, (a, b) =>
    noConflict(preparedCerts(a), preparedCerts(b), (x, y) => x.view === y.view && x.seq === y.seq),
  );
}

/** Safety (4.5): no two correct replicas commit different requests at the same sequence number, in any views. */
export function Agreement(c: PbftCluster): boolean {
  return pairs(c.replicas, (a, b) => noConflict(a.committed.items, b.committed.items, (x, y) => x.seq === y.seq));
}

/** Of any two correct replicas, one has executed a prefix of what the other has. */
export function ExecutionPrefix(c: PbftCluster): boolean {
  return pairs(c.replicas, (a, b) => {
    const n = Math.min(a.executed.length, b.executed.length);
    for (let k = 0; k < n; k++) if (a.executed[k] !== b.executed[k]) return false;
    return true;
  });
}

/** Only requests that clients issued are executed (and null requests, no-ops). */
export function validity(nullDigest: string) {
  return function Validity(c: PbftCluster): boolean {
    return c.replicas.every((r) => r.executed.every((d) => d === nullDigest || c.clients.requests.includes(d)));
  };
}

/** A client accepts only a result that a correct replica computed. */
export function AcceptedResults(c: PbftCluster): boolean {
  return c.clients.accepted.every((a) => c.replicas.some((r) => result(r.executed, a.request) === a.result));
}

/** The shape of the state, as far as TypeScript's types do not already guarantee it. */
export function typeOK(k: number) {
  return function TypeOK(c: PbftCluster): boolean {
    const correct = new Set(c.replicas.map((r) => r.id));
    return (
      c.messages.items.every((m) => correct.has(m.sender)) &&
      c.replicas.every(
        (r) =>
          r.view >= 0 &&
          r.executed.length <= k &&
          r.log.entries.every((e) => e.item.type === 'PrePrepare' || c.messages.has(e.key)),
      )
    );
  };
}

export function pbftInvariants(nullDigest: string, k: number): readonly Invariant<PbftCluster>[] {
  return [
    { name: 'TypeOK', holds: typeOK(k) },
    { name: 'PreparedUniqueness', holds: PreparedUniqueness },
    { name: 'Agreement', holds: Agreement },
    { name: 'ExecutionPrefix', holds: ExecutionPrefix },
    { name: 'Validity', holds: validity(nullDigest) },
    { name: 'AcceptedResults', holds: AcceptedResults },
  ];
}
