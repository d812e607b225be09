// The explorer's keys are injective and canonical: two Raft cluster states (or two messages) have
// the same key exactly when they are the same TLA+ value. The graph comparison cannot check this
// (it identifies states by their TLA+ values, so a key that merges two states, or gives one state
// two keys, goes unseen), and the models cannot either: their terms and indexes stay below 10 and
// their names (s1, v1) never run into one another. So here terms, indexes and names are
// unbounded, and chosen mostly from values whose digits and names run into one another when
// written side by side (1 and 11, a and a1, a1 and aa1), so that a key that drops a separator is
// caught: nextIndex [1, 11] and [11, 1] are both 111 without their comma.
//
// Part of Raft's mutation chain (vitest.mutation.config.ts, beside mutation/raft.test.ts): keep it fast.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bag } from '../../src/core/bag.ts';
import { modelValue, stateKey } from '../../src/core/tla/value.ts';
import { clusterKey, messageKey } from '../../src/raft/cluster.ts';
import type { RaftCluster } from '../../src/raft/cluster.ts';
import { RAFT_RULES, step } from '../../src/raft/node.ts';
import type { RaftConfig } from '../../src/raft/node.ts';
import { clusterToTla, messageToTla } from '../../src/raft/tla.ts';
import { injective } from '../support/keys.ts';
import type { LogEntry, RaftMessage, RaftNode, Role } from '../../src/raft/types.ts';

/** Numbers whose digits run into one another (mostly 1 and 11), and any. */
const num = fc.oneof({ arbitrary: fc.constantFrom(1, 11), weight: 8 }, { arbitrary: fc.constantFrom(0, 10, 111), weight: 2 }, { arbitrary: fc.nat(), weight: 1 });
/** Names (TLA+ model values: servers, client values) that are prefixes of one another or end in digits, and any. */
const name = fc.oneof(
  { arbitrary: fc.constantFrom('a', 'a1', 'aa', 'aa1'), weight: 8 },
  { arbitrary: fc.constant('a11'), weight: 1 },
  { arbitrary: fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/), weight: 1 },
);
/** The servers of a model, sorted: mostly four names that run into one another (a + a1 is aa1). */
const servers = fc.oneof(
  { arbitrary: fc.constant(['a', 'a1', 'aa', 'aa1']), weight: 3 },
  { arbitrary: fc.uniqueArray(name, { minLength: 1, maxLength: 4 }).map((xs) => [...xs].sort()), weight: 1 },
);
const role = fc.constantFrom<Role>('Follower', 'Candidate', 'Leader');
/** Client values: a1 after a term of 1 reads as a after a term of 11. */
const value = fc.oneof({ arbitrary: fc.constantFrom('a', 'a1'), weight: 8 }, { arbitrary: name, weight: 2 });
const entry = fc.record({ term: num, value });
const entries = fc.array(entry, { maxLength: 3 });
/** Mostly two entries: the fewest that a log without its commas runs together. */
const twoEntries = fc.oneof({ arbitrary: entries, weight: 1 }, { arbitrary: fc.array(entry, { minLength: 2, maxLength: 2 }), weight: 2 });

/** The fields of a server's state that the key writes, as a generator over one model's servers. */
function fieldsOf(ids: readonly string[]) {
  const perServer = fc.tuple(...ids.map(() => num)).map((xs) => Object.fromEntries(ids.map((j, k) => [j, xs[k]])));
  return {
    currentTerm: num,
    votedFor: fc.option(fc.constantFrom(...ids), { nil: null }),
    log: entries,
    role,
    commitIndex: num,
    // A sub-array of the sorted servers is sorted: the reducer keeps votesGranted so.
    votesGranted: fc.subarray([...ids]),
    nextIndex: perServer,
    matchIndex: perServer,
  };
}
type Fields = Omit<RaftNode, 'id'>;
const FIELDS = ['currentTerm', 'votedFor', 'log', 'role', 'commitIndex', 'votesGranted', 'nextIndex', 'matchIndex'] as const;

function quiet(ids: readonly string[]): Fields {
  const every = (v: number) => Object.fromEntries(ids.map((j) => [j, v]));
  return { currentTerm: 1, votedFor: null, log: [], role: 'Follower', commitIndex: 1, votesGranted: [], nextIndex: every(1), matchIndex: every(1) };
}

/**
 * Server states of one model: most are a quiet state with one of its fields drawn anew, some
 * with two (two states that differ in one field, or in two, are what a key without a separator
 * confuses: commitIndex 1 and nextIndex [11, 1] against commitIndex 11 and nextIndex [1, 1]),
 * a few drawn whole.
 */
function nodeFields(ids: readonly string[]): fc.Arbitrary<Fields> {
  const gen = { ...fieldsOf(ids), log: twoEntries };
  const base = quiet(ids);
  const varying = (names: readonly (typeof FIELDS)[number][]) =>
    fc.tuple(...names.map((f) => gen[f] as fc.Arbitrary<unknown>)).map((xs) => ({ ...base, ...Object.fromEntries(names.map((f, k) => [f, xs[k]])) }) as Fields);
  const pairs = FIELDS.flatMap((f, a) => FIELDS.slice(a + 1).map((g) => [f, g] as const));
  return fc.oneof(
    { arbitrary: fc.record(gen) as fc.Arbitrary<Fields>, weight: 2 },
    ...FIELDS.map((f) => ({ arbitrary: varying([f]), weight: 6 })),
    ...pairs.map((p) => ({ arbitrary: varying(p), weight: 1 })),
  );
}

const quietRequest = (ids: readonly string[]): RaftMessage => ({
  type: 'AppendEntriesRequest',
  term: 1,
  prevLogIndex: 1,
  prevLogTerm: 1,
  entries: [],
  commitIndex: 1,
  source: ids[0],
  dest: ids.at(-1) as string,
});
const aeRequest = (ids: readonly string[]) =>
  fc.record({
    type: fc.constant('AppendEntriesRequest' as const),
    term: num,
    prevLogIndex: num,
    prevLogTerm: num,
    entries,
    commitIndex: num,
    source: fc.constantFrom(...ids),
    dest: fc.constantFrom(...ids),
  });
function messageOf(ids: readonly string[]): fc.Arbitrary<RaftMessage> {
  const peer = fc.constantFrom(...ids);
  return fc.oneof(
    fc.record({ type: fc.constant('RequestVoteRequest' as const), term: num, lastLogTerm: num, lastLogIndex: num, source: peer, dest: peer }),
    fc.record({ type: fc.constant('RequestVoteResponse' as const), term: num, voteGranted: fc.boolean(), source: peer, dest: peer }),
    // Requests that differ in their entries only, most of them: [1:a, 11:a] and [1:a1, 1:a] are both 1:a11:a without their comma.
    { arbitrary: twoEntries.map((es) => ({ ...quietRequest(ids), entries: es })), weight: 6 },
    aeRequest(ids),
    fc.record({ type: fc.constant('AppendEntriesResponse' as const), term: num, success: fc.boolean(), matchIndex: num, source: peer, dest: peer }),
  );
}

/**
 * Up to n values, a hundred or more most of the time; a failure shrinks to the two that collide
 * (with a minLength above 0, fast-check's shrinker keeps values that play no part).
 */
const many = <T,>(xs: fc.Arbitrary<T>, n: number) => fc.array(xs, { maxLength: n, size: 'max' });

/** A cluster state as data: the first server's fields (the others are quiet) and the messages in flight. */
interface RawCluster {
  readonly first: Fields;
  readonly messages: readonly RaftMessage[];
}

/** One model's servers and many cluster states over them. */
const model = (size: number): fc.Arbitrary<[readonly string[], readonly RawCluster[]]> =>
  servers.chain((ids) => {
    // Most with no message: a message in flight would tell apart two states that a key confuses.
    const messages = fc.oneof({ arbitrary: fc.constant([]), weight: 4 }, { arbitrary: fc.array(messageOf(ids), { minLength: 1, maxLength: 2 }), weight: 1 });
    return fc.tuple(fc.constant(ids), many(fc.record({ first: nodeFields(ids), messages }), size));
  });

/** The cluster, built afresh each time (new objects: no memo is shared). */
function build(ids: readonly string[], c: RawCluster): RaftCluster {
  return {
    nodes: ids.map((id, k) => ({ id, ...structuredClone(k === 0 ? c.first : quiet(ids)) })),
    messages: c.messages.reduce((bag, m) => bag.add(m, messageKey(m)), Bag.empty<RaftMessage>()),
  };
}

const nil = modelValue('Nil');
const configOf = (ids: readonly string[]): RaftConfig => ({ servers: ids, maxEntries: 1, rules: RAFT_RULES });

describe('Raft explorer keys', () => {
  it('messages: equal keys exactly when equal TLA+ values', () => {
    const messages = servers.chain((ids) => many(messageOf(ids), 600));
    fc.assert(
      fc.property(messages, (ms) => injective(ms, messageKey, (m) => messageToTla(m).key)),
      { numRuns: 10 },
    );
  });

  it('cluster states: equal keys exactly when equal TLA+ states', () => {
    fc.assert(
      fc.property(model(1000), ([ids, clusters]) => {
        const cfg = configOf(ids);
        const built = new WeakMap<RawCluster, RaftCluster>();
        const cluster = (c: RawCluster) => built.get(c) ?? built.set(c, build(ids, c)).get(c)!;
        injective(clusters, (c) => clusterKey(cfg, cluster(c)), (c) => stateKey(clusterToTla(cluster(c), nil)));
      }),
      { numRuns: 10 },
    );
  });

  it('cluster states whose fields run into one another when written side by side', () => {
    // The smallest of each kind: without one separator or another, each pair would have one key.
    const ids = ['a', 'a1', 'aa1'];
    const cfg = configOf(ids);
    const base = quiet(ids);
    const keyOf = (fields: Partial<Fields>) => clusterKey(cfg, { nodes: ids.map((id, k) => ({ id, ...base, ...(k === 0 ? fields : {}) })), messages: Bag.empty() });
    const log = (...es: [number, string][]): LogEntry[] => es.map(([term, value]) => ({ term, value }));
    const pairs: [Partial<Fields>, Partial<Fields>][] = [
      [{ nextIndex: { a: 1, a1: 11, aa1: 1 } }, { nextIndex: { a: 11, a1: 1, aa1: 1 } }],
      [{ matchIndex: { a: 1, a1: 11, aa1: 1 } }, { matchIndex: { a: 11, a1: 1, aa1: 1 } }],
      [{ votesGranted: ['a', 'a1'] }, { votesGranted: ['aa1'] }],
      [{ log: log([1, 'a'], [11, 'a']) }, { log: log([1, 'a1'], [1, 'a']) }],
      [{ commitIndex: 1, nextIndex: { a: 11, a1: 1, aa1: 1 } }, { commitIndex: 11, nextIndex: { a: 1, a1: 1, aa1: 1 } }],
    ];
    for (const [one, other] of pairs) expect(keyOf(one), JSON.stringify([one, other])).not.toBe(keyOf(other));
    const request = (es: LogEntry[]): RaftMessage => ({ type: 'AppendEntriesRequest', term: 1, prevLogIndex: 0, prevLogTerm: 0, entries: es, commitIndex: 0, source: 'a', dest: 'a1' });
    expect(messageKey(request(log([1, 'a'], [11, 'a'])))).not.toBe(messageKey(request(log([1, 'a1'], [1, 'a']))));
  });

  it("a candidate's votes, in whatever order they arrive, make one state (votesGranted is a set)", () => {
    // The key writes votesGranted as the reducer keeps it; kept in the order the votes arrived,
    // one TLA+ state would have a key for each order.
    const votes = servers.filter((ids) => ids.length >= 3).chain((ids) => fc.tuple(fc.constant(ids), fc.shuffledSubarray(ids.slice(1), { minLength: 2 })));
    fc.assert(
      fc.property(votes, ([ids, voters]) => {
        const cfg = configOf(ids);
        const candidate: RaftNode = { id: ids[0], ...quiet(ids), role: 'Candidate', votedFor: ids[0], votesGranted: [ids[0]] };
        const receiveAll = (order: readonly string[]) =>
          order.reduce((node, j) => {
            const t = step(cfg, node, { type: 'Receive', message: { type: 'RequestVoteResponse', term: node.currentTerm, voteGranted: true, source: j, dest: node.id } });
            return t === undefined ? expect.fail(`the vote of ${j} was refused`) : t.node;
          }, candidate);
        const [one, other] = [receiveAll(voters), receiveAll([...voters].reverse())];
        expect(one).toEqual(other);
        expect(one.votesGranted).toEqual([...ids.slice(0, 1), ...voters].sort());
      }),
      { numRuns: 50 },
    );
  });
});
