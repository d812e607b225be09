// The reducer's enabling conditions are Raft.tla's: `step` refuses (returns undefined) exactly the
// events whose action is not enabled in the spec, on any server state, not only on those the
// models reach. The models cannot show all of it: a follower that could commit by counting a
// quorum of stale matchIndex is a figure-8 history of four terms and longer logs, and the cluster
// model never hands a server a message addressed to another. A driver that calls `step` can.
// Also: an ill-typed event or message is a bug, and `step` throws; and a reducer that refuses a
// step (another implementation, --impl) has no edge for it in the cluster model.
//
// Part of Raft's mutation chain (vitest.mutation.config.ts, beside mutation/raft.test.ts): keep it fast.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialCluster, successors } from '../../src/raft/cluster.ts';
import type { RaftCluster, RaftClusterConfig } from '../../src/raft/cluster.ts';
import { RAFT_RULES, initialNode, step } from '../../src/raft/node.ts';
import type { RaftConfig, RaftReducer } from '../../src/raft/node.ts';
import type { RaftEvent, RaftMessage, RaftNode, Role } from '../../src/raft/types.ts';

/**
 * Raft.tla's enabling condition of the action `event` is at server `n`, written from the spec
 * (Next's quantifiers range over Server and Value; a handler HandleX(i, j) takes a message to i).
 */
function enabledInSpec(cfg: RaftConfig, n: RaftNode, event: RaftEvent): boolean {
  const quorum = (q: readonly string[]) => new Set(q).size * 2 > cfg.servers.length;
  switch (event.type) {
    case 'Timeout':
      return n.role === 'Follower' || n.role === 'Candidate';
    case 'Receive':
      return event.message.dest === n.id;
    case 'BecomeLeader':
      return n.role === 'Candidate' && quorum(n.votesGranted);
    case 'ClientRequest':
      return n.role === 'Leader';
    case 'AppendEntries':
      return n.id !== event.to && n.role === 'Leader';
    case 'AdvanceCommitIndex': {
      // committable == {index \in commitIndex[i] + 1 .. Len(log[i]) : Agree(index) \in Quorum /\ MayCommitByCounting(i, index)}
      const agree = (index: number) => [n.id, ...cfg.servers.filter((k) => n.matchIndex[k] >= index)];
      const committable = Array.from({ length: Math.max(0, n.log.length - n.commitIndex) }, (_, k) => n.commitIndex + 1 + k).filter(
        (index) => quorum(agree(index)) && n.log[index - 1].term === n.currentTerm,
      );
      return n.role === 'Leader' && committable.length > 0;
    }
    case 'Restart':
      return true;
  }
}

/** Small numbers, so that quorums, matching terms and committable entries are common (a non-leader that could commit among them). */
const small = fc.nat({ max: 3 });
const ids = fc.constantFrom(['s1', 's2'], ['s1', 's2', 's3'], ['s1', 's2', 's3', 's4', 's5']);
const role = fc.constantFrom<Role>('Follower', 'Candidate', 'Leader');

function nodeOf(servers: readonly string[]): fc.Arbitrary<RaftNode> {
  const server = fc.constantFrom(...servers);
  const perServer = fc.tuple(...servers.map(() => small)).map((xs) => Object.fromEntries(servers.map((j, k) => [j, xs[k]])));
  return fc
    .record({
      id: server,
      currentTerm: small,
      votedFor: fc.option(server, { nil: null }),
      log: fc.array(fc.record({ term: small, value: fc.constantFrom('v1', 'v2') }), { maxLength: 3 }),
      role,
      commitIndex: small,
      votesGranted: fc.subarray([...servers]),
      nextIndex: perServer.map((x) => Object.fromEntries(Object.entries(x).map(([j, v]) => [j, v + 1]))),
      matchIndex: perServer,
    })
    // As in every state the spec reaches: commitIndex within the log, and a leader's nextIndex in
    // 1 .. Len(log) + 1 and matchIndex within its log (a former leader's may be stale).
    .map((n) => {
      const len = n.log.length;
      const within = (xs: Readonly<Record<string, number>>, f: (x: number) => number) => Object.fromEntries(Object.entries(xs).map(([j, x]) => [j, f(x)]));
      const leader = n.role === 'Leader';
      return {
        ...n,
        commitIndex: Math.min(n.commitIndex, len),
        nextIndex: leader ? within(n.nextIndex, (x) => 1 + ((x - 1) % (len + 1))) : n.nextIndex,
        matchIndex: leader ? within(n.matchIndex, (x) => Math.min(x, len)) : n.matchIndex,
      };
    });
}

function messageOf(servers: readonly string[], to: fc.Arbitrary<string>): fc.Arbitrary<RaftMessage> {
  const from = fc.constantFrom(...servers);
  const entry = fc.record({ term: small, value: fc.constantFrom('v1', 'v2') });
  return fc.oneof(
    fc.record({ type: fc.constant('RequestVoteRequest' as const), term: small, lastLogTerm: small, lastLogIndex: small, source: from, dest: to }),
    fc.record({ type: fc.constant('RequestVoteResponse' as const), term: small, voteGranted: fc.boolean(), source: from, dest: to }),
    fc.record({
      type: fc.constant('AppendEntriesRequest' as const),
      term: small,
      prevLogIndex: small,
      prevLogTerm: small,
      entries: fc.array(entry, { maxLength: 1 }),
      commitIndex: small,
      source: from,
      dest: to,
    }),
    fc.record({ type: fc.constant('AppendEntriesResponse' as const), term: small, success: fc.boolean(), matchIndex: small, source: from, dest: to }),
  );
}

function eventOf(servers: readonly string[], n: RaftNode): fc.Arbitrary<RaftEvent> {
  // Mostly messages to n, some to another server.
  const to = fc.oneof({ arbitrary: fc.constant(n.id), weight: 3 }, { arbitrary: fc.constantFrom(...servers), weight: 1 });
  return fc.oneof(
    fc.constant({ type: 'Timeout' as const }),
    messageOf(servers, to).map((message) => ({ type: 'Receive' as const, message })),
    fc.constant({ type: 'BecomeLeader' as const }),
    fc.constantFrom('v1', 'v2').map((value) => ({ type: 'ClientRequest' as const, value })),
    fc.constantFrom(...servers).map((j) => ({ type: 'AppendEntries' as const, to: j })),
    fc.constant({ type: 'AdvanceCommitIndex' as const }),
    fc.constant({ type: 'Restart' as const }),
  );
}

const configOf = (servers: readonly string[]): RaftConfig => ({ servers, maxEntries: 1, rules: RAFT_RULES });
const stepOn = ids.chain((servers) => nodeOf(servers).chain((n) => fc.tuple(fc.constant(servers), fc.constant(n), eventOf(servers, n))));

describe('Raft reducer: enabling conditions', () => {
  it("takes a step exactly when Raft.tla's action is enabled, on any server state", () => {
    fc.assert(
      fc.property(stepOn, ([servers, n, event]) => {
        const t = step(configOf(servers), n, event);
        expect(t !== undefined, `${event.type} at ${JSON.stringify(n)}`).toBe(enabledInSpec(configOf(servers), n, event));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses what Raft.tla does not enable, at the smallest states that show it', () => {
    const cfg = configOf(['s1', 's2', 's3']);
    const follower = initialNode(cfg, 's1');
    // A follower whose stale matchIndex counts a quorum at an entry of its term: only a leader commits.
    const former = { ...follower, currentTerm: 1, log: [{ term: 1, value: 'v1' }], matchIndex: { s1: 0, s2: 1, s3: 0 } };
    expect(step(cfg, former, { type: 'AdvanceCommitIndex' })).toBeUndefined();
    expect(step(cfg, { ...former, role: 'Leader' }, { type: 'AdvanceCommitIndex' })?.node.commitIndex).toBe(1);
    // A candidate with its own vote only, of three.
    expect(step(cfg, { ...follower, role: 'Candidate', currentTerm: 1, votedFor: 's1', votesGranted: ['s1'] }, { type: 'BecomeLeader' })).toBeUndefined();
    expect(step(cfg, follower, { type: 'ClientRequest', value: 'v1' })).toBeUndefined();
    expect(step(cfg, follower, { type: 'AppendEntries', to: 's2' })).toBeUndefined();
    expect(step(cfg, { ...follower, role: 'Leader' }, { type: 'AppendEntries', to: 's1' })).toBeUndefined();
    expect(step(cfg, { ...follower, role: 'Leader' }, { type: 'Timeout' })).toBeUndefined();
    // A message to s2 is not s1's to handle.
    const vote: RaftMessage = { type: 'RequestVoteRequest', term: 1, lastLogTerm: 0, lastLogIndex: 0, source: 's3', dest: 's2' };
    expect(step(cfg, follower, { type: 'Receive', message: vote })).toBeUndefined();
    expect(step(cfg, follower, { type: 'Receive', message: { ...vote, dest: 's1' } })).toBeDefined();
  });

  it('throws on an event or a message that is not of its type', () => {
    const cfg = configOf(['s1', 's2']);
    const n = initialNode(cfg, 's1');
    expect(() => step(cfg, n, { type: 'Elect' } as unknown as RaftEvent)).toThrow(/unreachable/);
    const message = { type: 'InstallSnapshot', term: 1, source: 's2', dest: 's1' } as unknown as RaftMessage;
    expect(() => step(cfg, n, { type: 'Receive', message })).toThrow(/unreachable/);
  });
});

describe('Raft cluster model: a step the reducer refuses has no edge', () => {
  const base: RaftClusterConfig = {
    ...configOf(['s1', 's2']),
    values: ['v1'],
    bounds: { candidates: ['s1', 's2'], maxTerm: 2, maxLogLength: 1, maxCopies: 1, maxInFlight: 2 },
  };
  /** Our reducer, except where `instead` answers (undefined: refused). */
  const reducer = (instead: (cfg: RaftConfig, n: RaftNode, e: RaftEvent) => { answer: ReturnType<RaftReducer['step']> } | undefined): RaftReducer => ({
    initialNode,
    step: (cfg, n, e) => {
      const own = instead(cfg, n, e);
      return own === undefined ? step(cfg, n, e) : own.answer;
    },
  });
  const after = (cfg: RaftClusterConfig, c: RaftCluster, name: string, i: string) => {
    const found = successors(cfg, c).find((s) => s.action.name === name && s.action.i === i);
    return found === undefined ? expect.fail(`no ${name} at ${i}`) : found.next;
  };
  const names = (cfg: RaftClusterConfig, c: RaftCluster) => successors(cfg, c).map((s) => s.action.name);

  it('no handler where the reducer refuses the message, no Restart where it refuses a restart', () => {
    // s1 has timed out: its vote request to s2 is in flight.
    const c = after(base, initialCluster(base), 'Timeout', 's1');
    expect(names(base, c)).toContain('HandleRequestVoteRequest');
    expect(names(base, c)).toContain('Restart');
    const refusing = { ...base, reducer: reducer((_, __, e) => (e.type === 'Receive' || e.type === 'Restart' ? { answer: undefined } : undefined)) };
    expect(names(refusing, c)).not.toContain('HandleRequestVoteRequest');
    expect(names(refusing, c)).not.toContain('Restart');
    expect(names(refusing, c)).toContain('Timeout');
  });

  it('an AppendEntries step that sends nothing is an edge (the copies bound counts what is sent)', () => {
    // s1 leads term 1 with s2's vote.
    let c = after(base, initialCluster(base), 'Timeout', 's1');
    c = after(base, c, 'HandleRequestVoteRequest', 's2');
    c = after(base, c, 'HandleRequestVoteResponse', 's1');
    c = after(base, c, 'BecomeLeader', 's1');
    const silent = { ...base, reducer: reducer((cfg, n, e) => (e.type === 'AppendEntries' && step(cfg, n, e) !== undefined ? { answer: { node: n, sent: [] } } : undefined)) };
    const edge = successors(silent, c).find((s) => s.action.name === 'AppendEntries');
    expect(edge?.next.messages.size).toBe(0);
  });
});
