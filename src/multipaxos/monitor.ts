// MultiPaxos.tla's invariants (src/multipaxos/invariants.ts, by the same names) over a run, checked
// after every step in time that does not grow with the log. Each is checked in its over-time form,
// which implies the state invariant at every step:
//
// - Agreement: a ghost remembers, for each slot, the first command chosen there (a majority of
//   acceptors holding it in one ballot, counted as acceptors' entries change) or learned there (in
//   a replica's log or pending); every later choice or learning in the slot must be that command.
//   So no two commands are ever chosen, or learned, in one slot; ExecutedPrefixConsistency follows
//   (two replicas' logs hold learned commands), and a replica's log is a prefix of the chosen ones.
// - Validity: the commands proposed so far (Propose steps) are remembered; an acceptor may accept,
//   and a replica learn, only one of them or the no-op, when it does.
// - TypeOK (what TypeScript's types do not say), LogStability and AcceptorMonotonicity, for the
//   server that stepped.
//
// It learns what a step did from the step itself (which slot an Accept changed, which Decision a
// replica took), so it never compares whole logs; a state that no step it knows of made (a driver
// that is not the node host) is compared with the last one role by role instead.

import type { NodeId, RunMonitor } from '../host/types.ts';
import { ballotLess, sameBallot } from '../paxos/ballot.ts';
import type { MultiPaxosServer, MultiPaxosStep } from './host.ts';
import { initialAcceptor, initialProposer, initialReplica } from './node.ts';
import type { MultiPaxosConfig } from './node.ts';
import type { Accept, AcceptedEntry, Command, Decision } from './types.ts';

type Broken = { readonly invariant: string; readonly detail: string } | undefined;

interface Seen {
  node: MultiPaxosServer;
  /** The acceptor's accepted entries, by slot. */
  accepted: Map<number, AcceptedEntry>;
}

/** The index of slot `slot` in a list sorted by slot, or -1. */
function findSlot<T extends { readonly slot: number }>(xs: readonly T[], slot: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid].slot === slot) return mid;
    if (xs[mid].slot < slot) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

const sameEntry = (x: AcceptedEntry | undefined, y: AcceptedEntry | undefined) =>
  x === y || (x !== undefined && y !== undefined && x.val === y.val && sameBallot(x.bal, y.bal));

export function multiPaxosMonitor(cfg: MultiPaxosConfig): RunMonitor<MultiPaxosServer> {
  const majority = Math.floor(cfg.acceptors.length / 2) + 1;
  const seen = new Map<NodeId, Seen>();
  /** How many acceptors hold each (slot, ballot, command) now. */
  const holding = new Map<string, number>();
  /** The command first chosen or learned in each slot, and how. */
  const fixed = new Map<number, { readonly value: Command; readonly how: string }>();
  const proposed = new Set<Command>();

  const valid = (v: Command) => v === cfg.noop || proposed.has(v);

  function fix(slot: number, value: Command, how: string): Broken {
    const before = fixed.get(slot);
    if (before === undefined) {
      fixed.set(slot, { value, how });
      return undefined;
    }
    if (before.value === value) return undefined;
    return { invariant: 'Agreement', detail: `slot ${slot}: ${before.how} ${before.value}, but ${how} ${value}` };
  }

  /** Acceptor `id`'s entry for a slot went from `old` to `now`. */
  function acceptedChanged(id: NodeId, slot: number, old: AcceptedEntry | undefined, now: AcceptedEntry | undefined): Broken {
    if (sameEntry(old, now)) return undefined;
    if (old !== undefined) {
      const key = `${slot}|${old.bal.round}.${old.bal.proposer}|${old.val}`;
      const left = holding.get(key)! - 1;
      if (left === 0) holding.delete(key);
      else holding.set(key, left);
    }
    if (now === undefined) return undefined;
    if (!valid(now.val)) return { invariant: 'Validity', detail: `acceptor ${id} accepts in slot ${slot} ${now.val}, which no client proposed` };
    const key = `${slot}|${now.bal.round}.${now.bal.proposer}|${now.val}`;
    const count = (holding.get(key) ?? 0) + 1;
    holding.set(key, count);
    if (count === majority) return fix(slot, now.val, `a majority chose in ballot ${now.bal.round}.${now.bal.proposer}`);
    return undefined;
  }

  function learned(id: NodeId, slot: number, value: Command, where: string): Broken {
    if (!valid(value)) return { invariant: 'Validity', detail: `replica ${id} learns in slot ${slot} ${value}, which no client proposed` };
    return fix(slot, value, `replica ${id} learned (${where})`);
  }

  function observeAcceptor(id: NodeId, s: Seen, node: MultiPaxosServer, step: MultiPaxosStep | undefined): Broken {
    const before = s.node.acceptor;
    const after = node.acceptor;
    if (before === after) return undefined;
    if (before.promised !== null && (after.promised === null || ballotLess(after.promised, before.promised))) {
      return { invariant: 'AcceptorMonotonicity', detail: `acceptor ${id}'s promise went back from ${before.promised.round}.${before.promised.proposer}` };
    }
    if (before.accepted === after.accepted) return undefined;
    if (step?.action === 'HandleAccept') {
      // HandleAccept changes one slot, the Accept's.
      const slot = (step.received as Accept).slot;
      const at = findSlot(after.accepted, slot);
      const now = at < 0 ? undefined : after.accepted[at];
      const broken = acceptedChanged(id, slot, s.accepted.get(slot), now);
      if (now === undefined) s.accepted.delete(slot);
      else s.accepted.set(slot, now);
      if (broken !== undefined || after.accepted.length === s.accepted.size) return broken;
    }
    // Slot by slot.
    const next = new Map<number, AcceptedEntry>();
    for (const e of after.accepted) next.set(e.slot, e);
    for (const [slot, old] of s.accepted) {
      const broken = acceptedChanged(id, slot, old, next.get(slot));
      if (broken !== undefined) return broken;
    }
    for (const [slot, now] of next) {
      if (s.accepted.has(slot)) continue;
      const broken = acceptedChanged(id, slot, undefined, now);
      if (broken !== undefined) return broken;
    }
    s.accepted = next;
    return undefined;
  }

  function observeReplica(id: NodeId, s: Seen, node: MultiPaxosServer, step: MultiPaxosStep | undefined): Broken {
    const before = s.node.replica;
    const after = node.replica;
    if (after.pending.length > 0 && after.pending[0].slot <= after.log.length + 1) {
      return { invariant: 'TypeOK', detail: `replica ${id} keeps slot ${after.pending[0].slot} pending after a log of ${after.log.length}` };
    }
    if (before === after) return undefined;
    // LogStability: the log only grows (checked where the old log ended; every entry is checked against the slot's command as it comes).
    const n = before.log.length;
    if (after.log.length < n || (n > 0 && after.log[n - 1] !== before.log[n - 1])) {
      return { invariant: 'LogStability', detail: `replica ${id}'s log of ${n} became one of ${after.log.length} that does not extend it` };
    }
    for (let k = n; k < after.log.length; k++) {
      const broken = learned(id, k + 1, after.log[k], 'executed');
      if (broken !== undefined) return broken;
    }
    if (after.pending === before.pending) return undefined;
    if (step?.action === 'HandleDecision') {
      // HandleDecision adds at most the Decision's slot to pending.
      const m = step.received as Decision;
      const at = findSlot(after.pending, m.slot);
      return at < 0 ? undefined : learned(id, m.slot, after.pending[at].val, 'pending');
    }
    for (const e of after.pending) {
      const broken = learned(id, e.slot, e.val, 'pending');
      if (broken !== undefined) return broken;
    }
    return undefined;
  }

  function observeProposer(id: NodeId, s: Seen, node: MultiPaxosServer, step: MultiPaxosStep | undefined): Broken {
    const before = s.node.proposer;
    const after = node.proposer;
    if (after.round < 0) return { invariant: 'TypeOK', detail: `proposer ${id} has round ${after.round}` };
    if (after.proposals.length > cfg.slots.length) return { invariant: 'TypeOK', detail: `proposer ${id} proposes ${after.proposals.length} slots, past the last` };
    if (before === after) return undefined;
    if (step?.action === 'Propose') proposed.add(step.params.c as Command);
    else if (step === undefined && after.phase === 'Leader' && before.phase === 'Leader' && after.round === before.round) {
      // Not a step it knows of: what a leader added to its ballot was proposed.
      for (let k = before.proposals.length; k < after.proposals.length; k++) proposed.add(after.proposals[k]);
    }
    return undefined;
  }

  return {
    observe(id, nodes, step) {
      const node = nodes.get(id)!;
      let s = seen.get(id);
      if (s === undefined) {
        const sid = Number(id);
        s = { node: { id: sid, proposer: initialProposer(sid), acceptor: initialAcceptor(sid), replica: initialReplica(sid) }, accepted: new Map() };
        seen.set(id, s);
      }
      if (s.node === node) return undefined;
      const known = step.node === node ? (step as MultiPaxosStep) : undefined;
      const broken = observeProposer(id, s, node, known) ?? observeAcceptor(id, s, node, known) ?? observeReplica(id, s, node, known);
      s.node = node;
      return broken;
    },
  };
}
