// MultiPaxos.tla's invariants and action properties over the TypeScript cluster state, by the
// same names. They use the true ballot order, whatever order a mutant's reducer uses.

import type { ActionProperty, Invariant } from '../explore/model.ts';
import { ballotLess, sameBallot } from '../paxos/ballot.ts';
import type { MultiPaxosCluster } from './cluster.ts';
import type { Command } from './types.ts';

const isQuorum = (n: number, of: number) => n * 2 > of;

/** MultiPaxos.tla ChosenAt(s): the commands a quorum of acceptors has accepted in slot s in one ballot. */
export function chosenAt(c: MultiPaxosCluster, slot: number): Command[] {
  const tally = new Map<string, { value: Command; count: number }>();
  for (const a of c.acceptors) {
    const e = a.accepted.find((x) => x.slot === slot);
    if (e === undefined) continue;
    const key = `${e.bal.round}.${e.bal.proposer}:${e.val}`;
    const entry = tally.get(key) ?? { value: e.val, count: 0 };
    entry.count++;
    tally.set(key, entry);
  }
  return [...new Set([...tally.values()].filter((t) => isQuorum(t.count, c.acceptors.length)).map((t) => t.value))];
}

/** MultiPaxos.tla LearnedAt(s): the commands replicas have learned for slot s. */
export function learnedAt(c: MultiPaxosCluster, slot: number): Command[] {
  const out = new Set<Command>();
  for (const r of c.replicas) {
    if (slot <= r.log.length) out.add(r.log[slot - 1]);
    for (const e of r.pending) if (e.slot === slot) out.add(e.val);
  }
  return [...out];
}

function slotsInUse(c: MultiPaxosCluster): number[] {
  const slots = new Set<number>();
  for (const a of c.acceptors) for (const e of a.accepted) slots.add(e.slot);
  for (const r of c.replicas) {
    r.log.forEach((_, i) => slots.add(i + 1));
    for (const e of r.pending) slots.add(e.slot);
  }
  return [...slots];
}

/** Slot by slot, at most one command is chosen, and every replica that has learned the slot has learned it. */
export function Agreement(c: MultiPaxosCluster): boolean {
  return slotsInUse(c).every((s) => new Set([...chosenAt(c, s), ...learnedAt(c, s)]).size <= 1);
}

/** No two replicas execute different commands in the same slot. */
export function ExecutedPrefixConsistency(c: MultiPaxosCluster): boolean {
  return c.replicas.every((x) => c.replicas.every((y) => x.log.every((v, i) => i >= y.log.length || y.log[i] === v)));
}

/** Replicas execute, and acceptors accept, only commands that clients proposed, or no-ops. */
export function validity(noop: Command): (c: MultiPaxosCluster) => boolean {
  return (c) => {
    const ok = (v: Command) => v === noop || c.proposed.includes(v);
    return c.replicas.every((r) => r.log.every(ok) && r.pending.every((e) => ok(e.val))) && c.acceptors.every((a) => a.accepted.every((e) => ok(e.val)));
  };
}

/** The shape of the state, as far as TypeScript's types do not already guarantee it. */
export function TypeOK(c: MultiPaxosCluster): boolean {
  return (
    c.messages.entries.every((e) => e.count >= 1) &&
    c.proposers.every((p) => p.round >= 0) &&
    c.replicas.every((r) => r.pending.every((e) => e.slot > r.log.length + 1))
  );
}

/** A replica's log only grows: an executed command is never undone. */
export function LogStability(before: MultiPaxosCluster, after: MultiPaxosCluster): boolean {
  return before.replicas.every((r, i) => r.log.every((v, k) => after.replicas[i].log[k] === v));
}

/** An acceptor's promise never goes back. */
export function AcceptorMonotonicity(before: MultiPaxosCluster, after: MultiPaxosCluster): boolean {
  return before.acceptors.every((a, i) => {
    const next = after.acceptors[i].promised;
    return a.promised === null || (next !== null && (sameBallot(next, a.promised) || ballotLess(a.promised, next)));
  });
}

export function multiPaxosInvariants(noop: Command): readonly Invariant<MultiPaxosCluster>[] {
  return [
    { name: 'TypeOK', holds: TypeOK },
    { name: 'Agreement', holds: Agreement },
    { name: 'ExecutedPrefixConsistency', holds: ExecutedPrefixConsistency },
    { name: 'Validity', holds: validity(noop) },
  ];
}

export const MULTIPAXOS_ACTION_PROPERTIES: readonly ActionProperty<MultiPaxosCluster>[] = [
  { name: 'LogStability', holds: LogStability },
  { name: 'AcceptorMonotonicity', holds: AcceptorMonotonicity },
];
