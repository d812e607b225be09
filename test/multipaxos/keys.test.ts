// The explorer's keys are injective: two states, or two messages, with the same key are the same.
// A key that is not would merge distinct states, and the graph comparison, which identifies states
// by their TLA+ value, could not see it; nor could any model whose ballots, slots and ids stay
// below 10 and whose commands are c1 and c2. So here they are unbounded, and drawn mostly from
// atoms whose concatenations coincide (1, 11, 111; a, aa, a1, 1a), so that a separator left out of a
// key (["a", "a"] and ["aa"] both "aa") makes two of them collide. Each property varies one part of
// a state (one agent, the network, the history) and keeps the rest, so that a collision in that
// part's key is a collision of the whole key. The keys are no finer than the TLA+ state only if
// the reducer keeps every set and function in one canonical order (sorted, without duplicates),
// since they list them in the order they are in: the last property checks that it does, over
// generated states (arbitraries.ts). (test/multipaxos/properties.test.ts checks both directions
// on states that random schedules reach.)
//
// This file is part of the mutation chain (vitest.mutation.config.ts): keep it fast.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bag } from '../../src/core/bag.ts';
import { clusterKey, messageKey } from '../../src/multipaxos/cluster.ts';
import type { MultiPaxosCluster } from '../../src/multipaxos/cluster.ts';
import { byKey } from '../../src/core/sorted.ts';
import { acceptedLogKey, entryKey, promiseKey, step } from '../../src/multipaxos/node.ts';
import type { MultiPaxosAgent, MultiPaxosConfig } from '../../src/multipaxos/node.ts';
import type { AcceptedEntry, AcceptorState, MultiPaxosEvent, MultiPaxosMessage, PromiseRecord, ProposerState, ReplicaState, Transition } from '../../src/multipaxos/types.ts';
import type { Ballot } from '../../src/paxos/ballot.ts';
import { cases } from './arbitraries.ts';
import type { Case } from './arbitraries.ts';

/**
 * Numbers (rounds, ids, slots): any k, with d·k and k·d for a digit d (1, 11 and 11; 23, 423 and
 * 234), whose digits run together; names of model values (commands, the no-op): any identifier
 * n, with n·d and n·n (c, c4 and cc).
 */
const atoms = fc
  .record({ k: fc.nat({ max: 300 }), d: fc.integer({ min: 1, max: 9 }), n: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,4}$/) })
  .map(({ k, d, n }) => ({ nums: [...new Set([k, Number(`${d}${k}`), Number(`${k}${d}`)])], names: [n, `${n}${d}`, `${n}${n}`] }));
/**
 * The values of one run are built from the atoms drawn for it, which run together, so that the
 * values share most of their structure and differ where a key's separators are: without a
 * separator, ["c", "c"]'s key is ["cc"]'s, and a log whose entry of command c4 is followed by one
 * of slot 1 reads as one whose entry of command c is followed by one of slot 41. Where a key
 * joins records, some values are two records that differ only at the boundary.
 */
function arbitraries(atoms: { readonly nums: readonly number[]; readonly names: readonly string[] }) {
  const num = fc.constantFrom(...atoms.nums);
  const name = fc.constantFrom(...atoms.names);
  const few = <T,>(xs: fc.Arbitrary<T>) => fc.array(xs, { maxLength: 3 });
  const ballot: fc.Arbitrary<Ballot> = fc.record({ round: num, proposer: num });
  const entry: fc.Arbitrary<AcceptedEntry> = fc.record({ slot: num, bal: ballot, val: name });
  const bal = { round: atoms.nums[0], proposer: atoms.nums[0] };
  const atBoundary = <T,>(record: fc.Arbitrary<T>) => fc.array(record, { minLength: 2, maxLength: 2 });
  const acceptedLog = fc.oneof(few(entry), atBoundary(fc.record({ slot: num, bal: fc.constant(bal), val: name })));
  const promiseRecord: fc.Arbitrary<PromiseRecord> = fc.record({ acceptor: num, accepted: acceptedLog });
  const promises = fc.oneof(
    few(promiseRecord),
    atBoundary(fc.record({ acceptor: num, accepted: fc.oneof(fc.constant([]), name.map((val) => [{ slot: atoms.nums[0], bal, val }])) })),
  );
  /** Each field of a proposer's, an acceptor's and a replica's state. */
  const fields = {
    proposer: { round: num, phase: fc.constantFrom('Idle', 'Phase1', 'Leader'), promises, proposals: few(name), acks: few(fc.record({ slot: num, acceptor: num })) },
    acceptor: { promised: fc.option(ballot, { nil: null }), accepted: acceptedLog },
    replica: { log: few(name), pending: few(fc.record({ slot: num, val: name })) },
  } as const;
  // An agent's id is not in its key (it is implied by its position), so it is fixed here.
  const id = fc.constant(1);
  const proposer: fc.Arbitrary<ProposerState> = fc.record({ id, ...fields.proposer });
  const acceptor: fc.Arbitrary<AcceptorState> = fc.record({ id, ...fields.acceptor });
  const replica: fc.Arbitrary<ReplicaState> = fc.record({ id, ...fields.replica });
  const ends = { source: num, dest: num };
  const message: fc.Arbitrary<MultiPaxosMessage> = fc.oneof(
    fc.record({ type: fc.constant('Prepare' as const), ballot, from: num, ...ends }),
    fc.record({ type: fc.constant('Promise' as const), ballot, accepted: acceptedLog, ...ends }),
    fc.record({ type: fc.constant('Accept' as const), ballot, slot: num, value: name, ...ends }),
    fc.record({ type: fc.constant('Accepted' as const), ballot, slot: num, value: name, ...ends }),
    fc.record({ type: fc.constant('Decision' as const), slot: num, value: name, ...ends }),
  );
  const network = few(message).map((ms) => ms.reduce((bag, m) => bag.add(m, messageKey(m)), Bag.empty<MultiPaxosMessage>()));
  const cluster = (agents: number): fc.Arbitrary<MultiPaxosCluster> =>
    fc.record({
      proposers: fc.array(proposer, { minLength: agents, maxLength: agents }),
      acceptors: fc.array(acceptor, { minLength: agents, maxLength: agents }),
      replicas: fc.array(replica, { minLength: agents, maxLength: agents }),
      messages: network,
      proposed: few(name),
    });
  return { entry, acceptedLog, promiseRecord, fields, message, network, history: few(name), cluster };
}
type Arbitraries = ReturnType<typeof arbitraries>;

/** The network as what it is: each message and its number of copies, whatever its key. */
const contents = (bag: Bag<MultiPaxosMessage>) => bag.entries.map((e) => JSON.stringify([e.item, e.count])).sort();

/**
 * Of many values of one part of a state, put in one and the same state, any two whose states
 * have the same key are equal (as `view` sees them): only the part's key can collide.
 */
function injective<T, S>(
  arbs: (a: Arbitraries) => { readonly base: fc.Arbitrary<S>; readonly part: fc.Arbitrary<T> },
  key: (s: S, x: T) => string,
  view: (x: T) => unknown = (x) => x,
  numRuns = 200,
): void {
  const runs = atoms.chain((a) => {
    const { base, part } = arbs(arbitraries(a));
    return fc.tuple(base, fc.array(part, { minLength: 2, maxLength: 40, size: 'max' }));
  });
  fc.assert(
    fc.property(runs, ([s, xs]) => {
      const seen = new Map<string, T>();
      for (const x of xs) {
        const k = key(s, x);
        const earlier = seen.get(k);
        if (earlier === undefined) seen.set(k, x);
        else expect(view(x), `key ${JSON.stringify(k)}`).toEqual(view(earlier));
      }
    }),
    { numRuns, seed: 7 },
  );
}

const none = fc.constant(undefined);
const roles = { proposer: 'proposers', acceptor: 'acceptors', replica: 'replicas' } as const;

describe("Multi-Paxos's keys are injective over unbounded ballots, slots, ids and names", () => {
  it("a message's key (the network's order and its copies)", () => injective((a) => ({ base: none, part: a.message }), (_, m) => messageKey(m)));

  it("an accepted entry's and an accepted log's keys, and a promise record's (the proposers' canonical order of promises)", () => {
    injective((a) => ({ base: none, part: a.entry }), (_, e) => entryKey(e));
    injective((a) => ({ base: none, part: a.acceptedLog }), (_, log) => acceptedLogKey(log));
    injective((a) => ({ base: none, part: a.promiseRecord }), (_, r) => promiseKey(r));
  });

  for (const role of ['proposer', 'acceptor', 'replica'] as const) {
    it(`a state's key, for each field of one ${role}'s state alone`, () => {
      for (const field of Object.keys(arbitraries({ nums: [1], names: ['a'] }).fields[role])) {
        injective(
          (a) => ({ base: a.cluster(1), part: (a.fields[role] as Record<string, fc.Arbitrary<unknown>>)[field] }),
          (c, x) => clusterKey({ ...c, [roles[role]]: [{ ...c[roles[role]][0], [field]: x }] }),
        );
      }
    });
  }

  it("a state's key, for the network alone and for the history alone", () => {
    injective((a) => ({ base: a.cluster(1), part: a.network }), (c, messages) => clusterKey({ ...c, messages }), contents);
    injective((a) => ({ base: a.cluster(1), part: a.history }), (c, proposed) => clusterKey({ ...c, proposed }));
  });

  it('a state of two agents of each role: the agents stay apart', () => {
    injective((a) => ({ base: none, part: a.cluster(2) }), (_, c) => clusterKey(c), (c) => ({ ...c, messages: contents(c.messages) }), 100);
  });

  it('keeps every set in canonical order: what step makes of a canonical state is canonical', () => {
    const take = step as (cfg: MultiPaxosConfig, agent: MultiPaxosAgent, event: MultiPaxosEvent) => Transition<MultiPaxosAgent> | undefined;
    /** The list sorted by `order`, without duplicates under it. */
    const canonical = <T,>(xs: readonly T[], order: (a: T, b: T) => number) => [...xs].sort(order).filter((x, i, ys) => i === 0 || order(ys[i - 1], x) !== 0);
    const bySlot = (x: { readonly slot: number }, y: { readonly slot: number }) => x.slot - y.slot;
    /** The event as is, and aimed: a message to the agent, and to a proposer in its current ballot, which it counts. */
    const aimed = (c: Case): MultiPaxosEvent[] => {
      if (c.event.type !== 'Receive') return [c.event];
      const ballot = c.role === 'proposer' ? { ballot: { round: c.agent.round, proposer: c.agent.id } } : {};
      return [c.event, { type: 'Receive', message: { ...c.event.message, dest: c.agent.id, ...ballot } } as MultiPaxosEvent];
    };
    fc.assert(
      fc.property(cases, (c) => {
        for (const event of aimed(c)) canonicalAfter(c, event);
      }),
      { numRuns: 3000, seed: 3 },
    );
    function canonicalAfter(c: Case, event: MultiPaxosEvent): void {
      const t = take(c.cfg, c.agent, event);
      if (t === undefined) return;
      const n = t.node;
      if (c.role === 'proposer') {
        const p = n as ProposerState;
        expect(p.promises).toEqual(canonical(p.promises, byKey(promiseKey)));
        expect(p.acks).toEqual(canonical(p.acks, (x, y) => x.slot - y.slot || x.acceptor - y.acceptor));
      } else if (c.role === 'acceptor') {
        const a = n as AcceptorState;
        expect(a.accepted).toEqual(canonical(a.accepted, bySlot));
      } else {
        const r = n as ReplicaState;
        expect(r.pending).toEqual(canonical(r.pending, bySlot));
      }
      for (const m of t.sent) if (m.type === 'Promise') expect(m.accepted).toEqual(canonical(m.accepted, bySlot));
    }
  });
});
