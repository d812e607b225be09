// The explorer's keys are canonical and injective: two states (or messages) have the same key
// exactly when they are the same TLA+ value. The explorer identifies states by their keys, so a
// key that merges two states merges them in the graph too, where the conformance suite (which
// compares TLA+ values) cannot see it; and the models' ids, rounds and values (1, 2, 3, 9, 10, v1,
// v2) are too few for a separator that went missing to merge anything. Here ballots, server ids and
// values are unbounded, many of them chosen to run into one another (1 and 11, v and v1): each
// property takes a list of states and compares every pair, and a failure shrinks to the two that
// collide. Random lists seldom hold the very pair a missing separator merges, so the keys built by
// joining lists are also checked on every state of small domains made for it.
//
// The keys are those of src/paxos/cluster.ts (messageKey, and through clusterKey each agent's key
// and the network's) and the set-element keys of src/paxos/node.ts that the reducer dedups
// promises and reports with (promiseKey, acceptedKey).
//
// This file is part of the mutation chain (vitest.mutation.config.ts): keep it fast.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bag } from '../../src/core/bag.ts';
import { modelValue, stateKey } from '../../src/core/tla/value.ts';
import type { Ballot } from '../../src/paxos/ballot.ts';
import { clusterKey, messageKey } from '../../src/paxos/cluster.ts';
import type { PaxosCluster } from '../../src/paxos/cluster.ts';
import { acceptedKey, promiseKey } from '../../src/paxos/node.ts';
import { acceptedToTla, clusterToTla, messageToTla } from '../../src/paxos/tla.ts';
import type { AcceptedValue, AcceptorState, LearnerState, PaxosMessage, PromiseRecord, ProposerState, Tally, Value } from '../../src/paxos/types.ts';

const NONE = modelValue('None');

/** A natural: one that shares digits with others (1, 11, 111, 12, 21), or any. */
const nat = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(0, 1, 2, 10, 11, 12, 21, 111) }, { weight: 1, arbitrary: fc.nat() });
/** A value: a TLA+ model value's name (an identifier with a letter), one that is a prefix of others, or any. */
const value: fc.Arbitrary<Value> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('v', 'vv', 'v1', 'v11', '1v', 'v1v', 'vv1', '1', 'P', 'A') },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9_]{0,3}[a-zA-Z][a-zA-Z0-9_]{0,4}$/) },
).filter((v) => /[a-zA-Z]/.test(v) && v !== 'None');
const ballot: fc.Arbitrary<Ballot> = fc.record({ round: nat, proposer: nat });
const acceptedValue: fc.Arbitrary<AcceptedValue> = fc.record({ bal: ballot, val: value });
const optional = <T,>(x: fc.Arbitrary<T>) => fc.option(x, { nil: null, freq: 3 });
const sortedSet = (xs: fc.Arbitrary<number>) => fc.uniqueArray(xs, { maxLength: 3 }).map((ys) => [...ys].sort((a, b) => a - b));
/** A set of records as the reducer keeps it: sorted by key, without duplicates. */
const records = <T,>(xs: fc.Arbitrary<T>, key: (x: T) => string) =>
  fc.uniqueArray(xs, { maxLength: 3, selector: (x) => JSON.stringify(x) }).map((ys) => [...ys].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)));
const promiseRecord: fc.Arbitrary<PromiseRecord> = fc.record({ acceptor: nat, accepted: optional(acceptedValue) });

const message: fc.Arbitrary<PaxosMessage> = fc.oneof(
  fc.record({ type: fc.constant('Prepare' as const), ballot, source: nat, dest: nat }),
  fc.record({ type: fc.constant('Promise' as const), ballot, accepted: optional(acceptedValue), source: nat, dest: nat }),
  fc.record({ type: fc.constant('Accept' as const), ballot, value, source: nat, dest: nat }),
  fc.record({ type: fc.constant('Accepted' as const), ballot, value, source: nat, dest: nat }),
  fc.record({ type: fc.constant('Decided' as const), value, source: nat, dest: nat }),
);

// An agent's id is implied by its position in the cluster: the agents compared are all the first of their role.
const proposer = (id: number): fc.Arbitrary<ProposerState> =>
  fc.record({ id: fc.constant(id), round: nat, phase: fc.constantFrom('Idle' as const, 'Phase1' as const, 'Phase2' as const), promises: records(promiseRecord, promiseKey) });
const acceptor = (id: number): fc.Arbitrary<AcceptorState> => fc.record({ id: fc.constant(id), promised: optional(ballot), accepted: optional(acceptedValue) });
const tally: fc.Arbitrary<Tally> = fc.record({ bal: ballot, val: value, acceptors: sortedSet(nat) });
const learner = (id: number): fc.Arbitrary<LearnerState> => fc.record({ id: fc.constant(id), tally: optional(tally), decided: optional(value) });
const network = fc.array(message, { maxLength: 3 }).map((ms) => ms.reduce((bag, m) => bag.add(m, messageKey(m)), Bag.empty<PaxosMessage>()));
const proposed = fc.uniqueArray(value, { maxLength: 3 }).map((vs) => [...vs].sort());

const nobody: PaxosCluster = { proposers: [], acceptors: [], learners: [], messages: Bag.empty(), proposed: [] };
const cluster: fc.Arbitrary<PaxosCluster> = fc.record({
  proposers: fc.tuple(proposer(1), proposer(2)),
  acceptors: fc.tuple(acceptor(1), acceptor(2)),
  learners: fc.tuple(learner(1), learner(2)),
  messages: network,
  proposed,
});

/** The first two of xs whose keys are equal and TLA+ values not, or the other way round; none if the key is as fine as the TLA+ value. */
function collision<T>(xs: Iterable<T>, key: (x: T) => string, tla: (x: T) => string): [T, T] | undefined {
  const byKey = new Map<string, [T, string]>();
  const byTla = new Map<string, [T, string]>();
  for (const x of xs) {
    const [k, t] = [key(x), tla(x)];
    const [sameKey, sameTla] = [byKey.get(k), byTla.get(t)];
    if (sameKey !== undefined && sameKey[1] !== t) return [sameKey[0], x];
    if (sameTla !== undefined && sameTla[1] !== k) return [sameTla[0], x];
    byKey.set(k, [x, t]);
    byTla.set(t, [x, k]);
  }
  return undefined;
}

/** Over random lists of unbounded ones: every two of a list have the same key exactly when they have the same TLA+ value. */
function keyedAsTla<T>(xs: fc.Arbitrary<T>, key: (x: T) => string, tla: (x: T) => string, numRuns = 300): void {
  fc.assert(
    fc.property(fc.array(xs, { minLength: 2, maxLength: 40 }), (ys) => {
      const pair = collision(ys, key, tla);
      expect(pair, JSON.stringify(pair)).toBeUndefined();
    }),
    { numRuns, seed: 3 },
  );
}

/** The subsets of xs with at most n elements, in the order of xs. */
function subsets<T>(xs: readonly T[], n: number): T[][] {
  if (xs.length === 0 || n === 0) return [[]];
  const [first, ...rest] = xs;
  return [...subsets(rest, n - 1).map((ys) => [first, ...ys]), ...subsets(rest, n)];
}

const sortedByKey = <T,>(xs: readonly T[], key: (x: T) => string) => [...xs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
const b = (round: number, proposer: number): Ballot => ({ round, proposer });
const tlaOf = (c: PaxosCluster) => stateKey(clusterToTla(c, NONE));

describe('Paxos keys: equal exactly when the TLA+ values are equal, over unbounded ballots, ids and values', () => {
  it('messageKey', () => keyedAsTla(message, messageKey, (m) => messageToTla(m, NONE).key));

  it('messageKey: messages of the five types with the same fields (a server may play every role)', () => {
    const sameFields = fc.record({ ballot, accepted: optional(acceptedValue), value, source: nat, dest: nat }).map(({ ballot: bal, accepted, value: val, source, dest }): PaxosMessage[] => [
      { type: 'Prepare', ballot: bal, source, dest },
      { type: 'Promise', ballot: bal, accepted, source, dest },
      { type: 'Accept', ballot: bal, value: val, source, dest },
      { type: 'Accepted', ballot: bal, value: val, source, dest },
      { type: 'Decided', value: val, source, dest },
    ]);
    fc.assert(
      fc.property(sameFields, (ms) => {
        expect(new Set(ms.map(messageKey)).size, ms.map(messageKey).join(' | ')).toBe(5);
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it("the reducer's keys of accepted values and promises", () => {
    keyedAsTla(optional(acceptedValue), acceptedKey, (x) => acceptedToTla(x, NONE).key);
    keyedAsTla(promiseRecord, promiseKey, (r) => `${r.acceptor} ${acceptedToTla(r.accepted, NONE).key}`);
  });

  it("a proposer's, an acceptor's and a learner's key", () => {
    keyedAsTla(proposer(1).map((p) => ({ ...nobody, proposers: [p] })), clusterKey, tlaOf);
    keyedAsTla(acceptor(1).map((a) => ({ ...nobody, acceptors: [a] })), clusterKey, tlaOf);
    keyedAsTla(learner(1).map((l) => ({ ...nobody, learners: [l] })), clusterKey, tlaOf);
  });

  it("a cluster's key: its agents, the history and the network", () => {
    keyedAsTla(fc.record({ messages: network, proposed }).map((x) => ({ ...nobody, ...x })), clusterKey, tlaOf);
    keyedAsTla(cluster, clusterKey, tlaOf, 100);
  });

});

// Random lists seldom hold the two states that a missing separator merges: those are made of
// numbers and names that run into one another, in just the right places. These enumerate every
// state of small domains built for that (the numbers 1, 11 and 111, the values v, v1 and vv1).
describe('Paxos keys: as fine as the TLA+ value on every state of domains where names run into one another', () => {
  // Promises from acceptors 1 and 11, each reporting nothing or one of ballots 1.1 and 1.2 with v or v1: [1:(1.1,v1), 1:(1.2,v)] and [1:(1.1,v), 11:(1.2,v)] read alike without a separator.
  const records: PromiseRecord[] = [1, 11].flatMap((acceptor) => [null, ...[b(1, 1), b(1, 2)].flatMap((bal) => ['v', 'v1'].map((val) => ({ bal, val })))].map((accepted) => ({ acceptor, accepted })));
  const proposers = subsets(records, 2).map((promises): PaxosCluster => ({ ...nobody, proposers: [{ id: 1, round: 1, phase: 'Phase1', promises: sortedByKey(promises, promiseKey) }] }));

  it("a proposer's key, every set of at most two promises", () => {
    expect(proposers).toHaveLength(56);
    expect(collision(proposers, clusterKey, tlaOf)).toBeUndefined();
  });

  it("a learner's key, every tally of acceptors among 1, 11 and 111", () => {
    const learners = subsets([1, 11, 111], 3).map((acceptors): PaxosCluster => ({ ...nobody, learners: [{ id: 1, tally: { bal: b(1, 1), val: 'v', acceptors }, decided: null }] }));
    expect(collision(learners, clusterKey, tlaOf)).toBeUndefined();
  });

  it("a cluster's key, every history of values among v, v1 and vv1", () => {
    const histories = subsets(['v', 'v1', 'vv1'], 3).map((proposed): PaxosCluster => ({ ...nobody, proposed }));
    expect(collision(histories, clusterKey, tlaOf)).toBeUndefined();
  });

  it('tells a key whose separator went missing: the promises of a proposer joined by "" instead of ","', () => {
    const careless = (c: PaxosCluster) => c.proposers.map((p) => `${p.round} ${p.phase} ${p.promises.map(promiseKey).join('')}`).join('|');
    const pair = collision(proposers, careless, tlaOf);
    expect(pair).toBeDefined();
    expect(careless(pair![0])).toBe(careless(pair![1]));
  });
});
