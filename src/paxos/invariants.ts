// Paxos.tla's invariants and action properties over the TypeScript cluster state, by the same
// names (the properties of consensus, "Paxos Made Simple" section 1). They use the true ballot
// order, whatever order a mutant's reducer uses.

import type { ActionProperty, Invariant } from '../explore/model.ts';
import { ballotLess, sameBallot } from './ballot.ts';
import type { PaxosCluster } from './cluster.ts';
import type { AcceptedValue, Value } from './types.ts';

const isQuorum = (n: number, of: number) => n * 2 > of;

/** Paxos.tla ChosenValues: the values a quorum of acceptors has accepted in one ballot. */
export function chosenValues(c: PaxosCluster): Value[] {
  const tally = new Map<string, { value: Value; count: number }>();
  for (const a of c.acceptors) {
    if (a.accepted === null) continue;
    const key = `${a.accepted.bal.round}.${a.accepted.bal.proposer}:${a.accepted.val}`;
    const entry = tally.get(key) ?? { value: a.accepted.val, count: 0 };
    entry.count++;
    tally.set(key, entry);
  }
  const chosen = new Set<Value>();
  for (const { value, count } of tally.values()) if (isQuorum(count, c.acceptors.length)) chosen.add(value);
  return [...chosen];
}

/** Paxos.tla DecidedValues. */
export function decidedValues(c: PaxosCluster): Value[] {
  return [...new Set(c.learners.flatMap((l) => (l.decided === null ? [] : [l.decided])))];
}

/** At most one value is ever chosen, and every learner that has decided has decided it. */
export function Agreement(c: PaxosCluster): boolean {
  return new Set([...chosenValues(c), ...decidedValues(c)]).size <= 1;
}

/** Only a value that has been proposed may be chosen, decided or accepted. */
export function Validity(c: PaxosCluster): boolean {
  const proposed = new Set(c.proposed);
  return (
    [...chosenValues(c), ...decidedValues(c)].every((v) => proposed.has(v)) &&
    c.acceptors.every((a) => a.accepted === null || proposed.has(a.accepted.val))
  );
}

/** An acceptor has accepted no ballot above its promise. */
export function AcceptedBelowPromise(c: PaxosCluster): boolean {
  return c.acceptors.every((a) => a.accepted === null || (a.promised !== null && !ballotLess(a.promised, a.accepted.bal)));
}

const accepted = (x: AcceptedValue | null, round: (r: number) => boolean, proposers: readonly number[]) =>
  x === null || (round(x.bal.round) && proposers.includes(x.bal.proposer));

/** The shape of the state, as far as TypeScript's types do not already guarantee it. */
export function TypeOK(c: PaxosCluster): boolean {
  const proposers = c.proposers.map((p) => p.id);
  const positive = (r: number) => r > 0;
  return (
    c.messages.entries.every((e) => e.count >= 1) &&
    c.proposers.every((p) => p.round >= 0 && p.promises.every((r) => accepted(r.accepted, positive, proposers))) &&
    c.acceptors.every(
      (a) => (a.promised === null || (positive(a.promised.round) && proposers.includes(a.promised.proposer))) && accepted(a.accepted, positive, proposers),
    )
  );
}

/** Integrity: a learner's decision never changes. */
export function Integrity(before: PaxosCluster, after: PaxosCluster): boolean {
  return before.learners.every((l, i) => l.decided === null || after.learners[i].decided === l.decided);
}

/** An acceptor's promise never goes back. */
export function AcceptorMonotonicity(before: PaxosCluster, after: PaxosCluster): boolean {
  return before.acceptors.every((a, i) => {
    const next = after.acceptors[i].promised;
    return a.promised === null || (next !== null && (sameBallot(next, a.promised) || ballotLess(a.promised, next)));
  });
}

export const PAXOS_INVARIANTS: readonly Invariant<PaxosCluster>[] = [
  { name: 'TypeOK', holds: TypeOK },
  { name: 'Agreement', holds: Agreement },
  { name: 'Validity', holds: Validity },
  { name: 'AcceptedBelowPromise', holds: AcceptedBelowPromise },
];

export const PAXOS_ACTION_PROPERTIES: readonly ActionProperty<PaxosCluster>[] = [
  { name: 'Integrity', holds: Integrity },
  { name: 'AcceptorMonotonicity', holds: AcceptorMonotonicity },
];
