import { describe, expect, it } from 'vitest';
import {
  AdvanceCommitIndex,
  AppendEntries,
  BecomeLeader,
  ClientRequest,
  HandleAppendEntriesRequest,
  HandleAppendEntriesResponse,
  HandleRequestVoteRequest,
  HandleRequestVoteResponse,
  Restart,
  Timeout,
  initialNode,
  step,
} from '../../src/raft/node.ts';
import { nextRole, roleDiagram } from '../../src/raft/roles.ts';
import type { AppendEntriesRequest, RaftNode, RequestVoteRequest } from '../../src/raft/types.ts';
import { raftConfig } from './support.ts';

const cfg = raftConfig(3);
const node = (id: string, fields: Partial<RaftNode> = {}): RaftNode => ({ ...initialNode(cfg, id), ...fields });
const entry = (term: number, value = 'v1') => ({ term, value });
const voteRequest = (fields: Partial<RequestVoteRequest>): RequestVoteRequest => ({
  type: 'RequestVoteRequest', term: 1, lastLogTerm: 0, lastLogIndex: 0, source: 's2', dest: 's1', ...fields,
});
const appendRequest = (fields: Partial<AppendEntriesRequest>): AppendEntriesRequest => ({
  type: 'AppendEntriesRequest', term: 1, prevLogIndex: 0, prevLogTerm: 0, entries: [], commitIndex: 0, source: 's2', dest: 's1', ...fields,
});

describe('Raft reducer', () => {
  it('Timeout: a follower becomes a candidate of the next term, votes for itself, asks everyone else', () => {
    const t = Timeout(cfg, node('s1', { log: [entry(1)], currentTerm: 1 }));
    expect(t?.node).toMatchObject({ role: 'Candidate', currentTerm: 2, votedFor: 's1', votesGranted: ['s1'] });
    expect(t?.sent.map((m) => [m.dest, m.term, m.type === 'RequestVoteRequest' && m.lastLogIndex])).toEqual([['s2', 2, 1], ['s3', 2, 1]]);
    expect(Timeout(cfg, node('s1', { role: 'Leader' }))).toBeUndefined();
  });

  it('HandleRequestVoteRequest: grants once per term, only to a log at least as up to date (Raft 5.4.1)', () => {
    const voter = node('s1', { log: [entry(1), entry(2)], currentTerm: 2 });
    const upToDate = HandleRequestVoteRequest(cfg, voter, voteRequest({ term: 3, lastLogTerm: 2, lastLogIndex: 2 }));
    expect(upToDate.node).toMatchObject({ votedFor: 's2', currentTerm: 3 });
    expect(upToDate.sent[0]).toMatchObject({ type: 'RequestVoteResponse', voteGranted: true, term: 3, dest: 's2' });
    // A longer log of an older last term is less up to date.
    const stale = HandleRequestVoteRequest(cfg, voter, voteRequest({ term: 3, lastLogTerm: 1, lastLogIndex: 5 }));
    expect(stale.sent[0]).toMatchObject({ voteGranted: false, term: 3 });
    expect(stale.node.votedFor).toBeNull();
    // Having voted for s2 in term 3, s1 refuses s3 in the same term, but grants s2 again.
    const s3 = HandleRequestVoteRequest(cfg, upToDate.node, voteRequest({ term: 3, lastLogTerm: 2, lastLogIndex: 2, source: 's3' }));
    expect(s3.sent[0]).toMatchObject({ voteGranted: false });
    const again = HandleRequestVoteRequest(cfg, upToDate.node, voteRequest({ term: 3, lastLogTerm: 2, lastLogIndex: 2 }));
    expect(again.sent[0]).toMatchObject({ voteGranted: true });
    // A request of an older term is refused and answered with the newer term.
    expect(HandleRequestVoteRequest(cfg, voter, voteRequest({ term: 1, lastLogTerm: 2, lastLogIndex: 9 })).sent[0]).toMatchObject({ voteGranted: false, term: 2 });
  });

  it('a newer term in any message makes a leader a follower that has not voted (Raft 5.1)', () => {
    const leader = node('s1', { role: 'Leader', currentTerm: 2, votedFor: 's1' });
    const t = HandleAppendEntriesResponse(cfg, leader, { type: 'AppendEntriesResponse', term: 3, success: false, matchIndex: 0, source: 's2', dest: 's1' });
    expect(t.node).toMatchObject({ role: 'Follower', currentTerm: 3, votedFor: null });
  });

  it('HandleRequestVoteResponse and BecomeLeader: a candidate leads with a quorum of its own term', () => {
    const candidate = Timeout(cfg, node('s1'))?.node as RaftNode;
    expect(BecomeLeader(cfg, candidate)).toBeUndefined();
    const old = HandleRequestVoteResponse(cfg, candidate, { type: 'RequestVoteResponse', term: 0, voteGranted: true, source: 's2', dest: 's1' });
    expect(old.node.votesGranted).toEqual(['s1']);
    const counted = HandleRequestVoteResponse(cfg, candidate, { type: 'RequestVoteResponse', term: 1, voteGranted: true, source: 's3', dest: 's1' });
    expect(counted.node.votesGranted).toEqual(['s1', 's3']);
    const leader = BecomeLeader(cfg, counted.node)?.node;
    expect(leader).toMatchObject({ role: 'Leader', nextIndex: { s1: 1, s2: 1, s3: 1 }, matchIndex: { s1: 0, s2: 0, s3: 0 } });
  });

  it('HandleAppendEntriesRequest: deletes a conflicting entry and what follows, appends, learns the commit index', () => {
    const follower = node('s1', { currentTerm: 2, log: [entry(1), entry(1), entry(1)], commitIndex: 1 });
    const t = HandleAppendEntriesRequest(cfg, follower, appendRequest({ term: 2, prevLogIndex: 1, prevLogTerm: 1, entries: [entry(2, 'v2')], commitIndex: 5 }));
    expect(t.node.log).toEqual([entry(1), entry(2, 'v2')]);
    expect(t.node.commitIndex).toBe(2); // min(leaderCommit, index of the last new entry)
    expect(t.sent[0]).toMatchObject({ type: 'AppendEntriesResponse', success: true, matchIndex: 2, term: 2 });
  });

  it('HandleAppendEntriesRequest: a stale request for an entry already held never shortens the log', () => {
    const follower = node('s1', { currentTerm: 1, log: [entry(1), entry(1)] });
    const t = HandleAppendEntriesRequest(cfg, follower, appendRequest({ prevLogIndex: 0, entries: [entry(1)] }));
    expect(t.node.log).toHaveLength(2);
    expect(t.sent[0]).toMatchObject({ success: true, matchIndex: 1 });
  });

  it('HandleAppendEntriesRequest: refuses a mismatch at prevLogIndex and an older term', () => {
    const follower = node('s1', { currentTerm: 2, log: [entry(1)] });
    expect(HandleAppendEntriesRequest(cfg, follower, appendRequest({ term: 2, prevLogIndex: 1, prevLogTerm: 2 })).sent[0]).toMatchObject({ success: false, matchIndex: 0 });
    expect(HandleAppendEntriesRequest(cfg, follower, appendRequest({ term: 1 })).sent[0]).toMatchObject({ success: false, term: 2 });
    const candidate = node('s1', { currentTerm: 2, role: 'Candidate' });
    expect(HandleAppendEntriesRequest(cfg, candidate, appendRequest({ term: 2 })).node.role).toBe('Follower');
  });

  it('HandleAppendEntriesResponse: matchIndex only grows; a refusal backs nextIndex off by one', () => {
    const leader = node('s1', { role: 'Leader', currentTerm: 1, log: [entry(1), entry(1)], nextIndex: { s1: 3, s2: 3, s3: 3 }, matchIndex: { s1: 0, s2: 2, s3: 0 } });
    const stale = HandleAppendEntriesResponse(cfg, leader, { type: 'AppendEntriesResponse', term: 1, success: true, matchIndex: 1, source: 's2', dest: 's1' });
    expect(stale.node.matchIndex.s2).toBe(2);
    expect(stale.node.nextIndex.s2).toBe(2);
    const refused = HandleAppendEntriesResponse(cfg, leader, { type: 'AppendEntriesResponse', term: 1, success: false, matchIndex: 0, source: 's3', dest: 's1' });
    expect(refused.node.nextIndex.s3).toBe(2);
  });

  it('AdvanceCommitIndex: never commits an earlier term by counting replicas (Raft 5.4.2, figure 8)', () => {
    const leader = node('s1', { role: 'Leader', currentTerm: 3, log: [entry(2)], matchIndex: { s1: 0, s2: 1, s3: 1 } });
    expect(AdvanceCommitIndex(cfg, leader)).toBeUndefined();
    const withOwn = { ...leader, log: [entry(2), entry(3)], matchIndex: { s1: 0, s2: 2, s3: 0 } };
    expect(AdvanceCommitIndex(cfg, withOwn)?.node.commitIndex).toBe(2);
  });

  it('ClientRequest and AppendEntries: only a leader appends and sends', () => {
    expect(ClientRequest(cfg, node('s1'), 'v1')).toBeUndefined();
    const leader = node('s1', { role: 'Leader', currentTerm: 1 });
    expect(ClientRequest(cfg, leader, 'v2')?.node.log).toEqual([entry(1, 'v2')]);
    expect(AppendEntries(cfg, leader, 's1')).toBeUndefined();
    expect(AppendEntries(cfg, leader, 's2')?.sent[0]).toMatchObject({ type: 'AppendEntriesRequest', prevLogIndex: 0, entries: [] });
  });

  it('Restart: keeps currentTerm, votedFor and log; loses the rest', () => {
    const leader = node('s1', { role: 'Leader', currentTerm: 2, votedFor: 's1', log: [entry(2)], commitIndex: 1, votesGranted: ['s1', 's2'] });
    expect(Restart(cfg, leader).node).toEqual({ ...initialNode(cfg, 's1'), currentTerm: 2, votedFor: 's1', log: [entry(2)] });
  });

  it('step dispatches every event to its action', () => {
    const n = node('s1');
    expect(step(cfg, n, { type: 'Timeout' })).toEqual(Timeout(cfg, n));
    const m = voteRequest({});
    expect(step(cfg, n, { type: 'Receive', message: m })).toEqual(HandleRequestVoteRequest(cfg, n, m));
    expect(step(cfg, n, { type: 'Restart' })).toEqual(Restart(cfg, n));
  });

  it('the role lifecycle refuses what figure 4 does not allow, and renders as Mermaid', () => {
    expect(() => nextRole('Follower', 'WinElection')).toThrow(/Follower cannot WinElection/);
    expect(() => nextRole('Leader', 'ElectionTimeout')).toThrow();
    expect(roleDiagram()).toContain('Candidate --> Leader: WinElection');
  });
});

describe('Raft reducer: batches of entries (MaxEntries)', () => {
  const batch = { ...raftConfig(3), maxEntries: 3 };
  const e = (term: number, value: string) => ({ term, value });
  const request = (fields: Partial<AppendEntriesRequest>): AppendEntriesRequest => ({
    type: 'AppendEntriesRequest', term: 3, prevLogIndex: 1, prevLogTerm: 1, entries: [], commitIndex: 0, source: 's2', dest: 's1', ...fields,
  });

  it('a leader sends at most MaxEntries entries from nextIndex', () => {
    const leader = { ...initialNode(batch, 's1'), role: 'Leader' as const, currentTerm: 3, log: [e(1, 'a'), e(2, 'b'), e(3, 'c'), e(3, 'd'), e(3, 'f')], nextIndex: { s1: 6, s2: 2, s3: 5 } };
    const toS2 = AppendEntries(batch, leader, 's2')?.sent[0] as AppendEntriesRequest;
    expect(toS2).toMatchObject({ prevLogIndex: 1, prevLogTerm: 1, entries: [e(2, 'b'), e(3, 'c'), e(3, 'd')] });
    expect((AppendEntries(batch, leader, 's3')?.sent[0] as AppendEntriesRequest).entries).toEqual([e(3, 'f')]);
  });

  it('a follower keeps what it holds, replaces from the first conflict, and never cuts a longer matching log', () => {
    const follower = (log: { term: number; value: string }[]) => ({ ...initialNode(batch, 's1'), currentTerm: 3, log });
    const m = request({ entries: [e(2, 'b'), e(3, 'c')] });
    // Holds both: unchanged, even though its log is longer.
    const holds = HandleAppendEntriesRequest(batch, follower([e(1, 'a'), e(2, 'b'), e(3, 'c'), e(3, 'x')]), m);
    expect(holds.node.log).toEqual([e(1, 'a'), e(2, 'b'), e(3, 'c'), e(3, 'x')]);
    // The second conflicts: it goes, with what follows.
    const conflict = HandleAppendEntriesRequest(batch, follower([e(1, 'a'), e(2, 'b'), e(2, 'y'), e(2, 'z')]), m);
    expect(conflict.node.log).toEqual([e(1, 'a'), e(2, 'b'), e(3, 'c')]);
    // Holds a prefix of the batch: the rest is appended.
    const short = HandleAppendEntriesRequest(batch, follower([e(1, 'a'), e(2, 'b')]), m);
    expect(short.node.log).toEqual([e(1, 'a'), e(2, 'b'), e(3, 'c')]);
    expect(short.sent[0]).toMatchObject({ success: true, matchIndex: 3 });
  });
});
