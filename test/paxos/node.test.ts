import { describe, expect, it } from 'vitest';
import { ballotLess, ballotLessAsText, compareBallots, highest } from '../../src/paxos/ballot.ts';
import {
  HandleAccept,
  HandleAccepted,
  HandleDecided,
  HandlePrepare,
  HandlePromise,
  Phase1a,
  Phase2a,
  Restart,
  initialAcceptor,
  initialLearner,
  initialProposer,
  stepAcceptor,
  stepLearner,
  stepProposer,
} from '../../src/paxos/node.ts';
import { paxosRules } from '../../src/paxos/mutants.ts';
import type { Accept, Accepted, Prepare, PromiseMessage, ProposerState } from '../../src/paxos/types.ts';
import { paxosConfig } from './support.ts';

const cfg = paxosConfig({ proposers: 2, acceptors: 3, learners: 2 }, { rounds: [1, 2] });
const b = (round: number, proposer: number) => ({ round, proposer });
const prepare = (ballot = b(1, 9), dest = 1): Prepare => ({ type: 'Prepare', ballot, source: ballot.proposer, dest });
const accept = (ballot = b(1, 9), value = 'v1', dest = 1): Accept => ({ type: 'Accept', ballot, value, source: ballot.proposer, dest });
const promise = (source: number, accepted: PromiseMessage['accepted'] = null, ballot = b(1, 9)): PromiseMessage => ({
  type: 'Promise', ballot, accepted, source, dest: ballot.proposer,
});
const accepted = (source: number, ballot = b(1, 9), value = 'v1', dest = 1): Accepted => ({ type: 'Accepted', ballot, value, source, dest });

/** A proposer of ballot (round, 9) holding promises from these acceptors. */
function promisedProposer(round: number, promises: PromiseMessage[]): ProposerState {
  let p: ProposerState = { ...initialProposer(9), round, phase: 'Phase1' };
  for (const m of promises) p = HandlePromise(cfg, p, m)!.node;
  return p;
}

describe('ballots', () => {
  it('are ordered by round, then by proposer id, as numbers', () => {
    expect(ballotLess(b(9, 1), b(10, 1))).toBe(true);
    expect(ballotLess(b(1, 9), b(1, 10))).toBe(true);
    expect(ballotLess(b(2, 1), b(1, 10))).toBe(false);
    expect(compareBallots(b(1, 10), b(1, 9))).toBeGreaterThan(0);
    expect(highest([{ bal: b(9, 2) }, { bal: b(10, 1) }, { bal: b(9, 10) }]).bal).toEqual(b(10, 1));
  });

  it('compared as text get 10 below 9: the seeded bug', () => {
    expect(ballotLessAsText(b(10, 1), b(9, 1))).toBe(true);
    expect(ballotLessAsText(b(1, 10), b(1, 9))).toBe(true);
  });
});

describe('Paxos reducers', () => {
  it('Phase1a: a proposer starts its next round and asks every acceptor', () => {
    const t = Phase1a(cfg, initialProposer(9));
    expect(t?.node).toEqual({ id: 9, round: 1, phase: 'Phase1', promises: [] });
    expect(t?.sent.map((m) => [m.type, m.dest])).toEqual([['Prepare', 1], ['Prepare', 2], ['Prepare', 3]]);
    expect(Phase1a(cfg, t!.node)?.node.round).toBe(2);
    // The rounds run out.
    expect(Phase1a(cfg, { ...initialProposer(9), round: 2 })).toBeUndefined();
  });

  it('HandlePrepare: promises only a ballot above its promise, reporting what it accepted', () => {
    const a = { ...initialAcceptor(1), promised: b(1, 9), accepted: { bal: b(1, 9), val: 'v2' } };
    const t = HandlePrepare(cfg, a, prepare(b(1, 10)))!;
    expect(t.node.promised).toEqual(b(1, 10));
    expect(t.sent).toEqual([{ type: 'Promise', ballot: b(1, 10), accepted: { bal: b(1, 9), val: 'v2' }, source: 1, dest: 10 }]);
    // The same ballot again, or a lower one, gets no answer.
    expect(HandlePrepare(cfg, t.node, prepare(b(1, 10)))).toEqual({ node: t.node, sent: [] });
    expect(HandlePrepare(cfg, t.node, prepare(b(1, 9)))).toEqual({ node: t.node, sent: [] });
  });

  it('HandlePromise: counts promises for the current ballot only, while in phase 1', () => {
    const p = promisedProposer(1, [promise(1), promise(1), promise(2, null, b(2, 9))]);
    expect(p.promises).toEqual([{ acceptor: 1, accepted: null }]);
    const done = { ...p, phase: 'Phase2' as const };
    expect(HandlePromise(cfg, done, promise(2))!.node).toBe(done);
  });

  it('Phase2a: needs a quorum of promises; proposes the value of the highest reported ballot', () => {
    expect(Phase2a(cfg, promisedProposer(2, [promise(1, null, b(2, 9))]), 'v1')).toBeUndefined();
    const free = promisedProposer(2, [promise(1, null, b(2, 9)), promise(2, null, b(2, 9))]);
    expect(Phase2a(cfg, free, 'v2')?.sent.map((m) => [m.type, m.dest, m.type === 'Accept' && m.value])).toEqual([
      ['Accept', 1, 'v2'], ['Accept', 2, 'v2'], ['Accept', 3, 'v2'],
    ]);
    const bound = promisedProposer(2, [
      promise(1, { bal: b(1, 10), val: 'v1' }, b(2, 9)),
      promise(2, { bal: b(1, 9), val: 'v2' }, b(2, 9)),
    ]);
    expect(Phase2a(cfg, bound, 'v2')).toBeUndefined();
    expect(Phase2a(cfg, bound, 'v1')?.node).toMatchObject({ phase: 'Phase2', promises: [] });
    // The seeded bug: the proposer ignores what it was told.
    expect(Phase2a({ ...cfg, rules: paxosRules('paxos-ignore-accepted') }, bound, 'v2')).toBeDefined();
  });

  it('HandleAccept: accepts a ballot no lower than its promise and tells every learner', () => {
    const a = { ...initialAcceptor(2), promised: b(1, 10) };
    expect(HandleAccept(cfg, a, accept(b(1, 9), 'v1', 2))).toEqual({ node: a, sent: [] });
    const t = HandleAccept(cfg, a, accept(b(1, 10), 'v2', 2))!;
    expect(t.node).toEqual({ id: 2, promised: b(1, 10), accepted: { bal: b(1, 10), val: 'v2' } });
    expect(t.sent.map((m) => [m.type, m.dest])).toEqual([['Accepted', 1], ['Accepted', 2]]);
  });

  it('HandleAccepted: a quorum in one ballot decides; a higher ballot restarts the count; lower votes are ignored', () => {
    let l = HandleAccepted(cfg, initialLearner(1), accepted(1, b(1, 9), 'v1'))!.node;
    expect(l.tally).toEqual({ bal: b(1, 9), val: 'v1', acceptors: [1] });
    l = HandleAccepted(cfg, l, accepted(2, b(1, 10), 'v1'))!.node;
    expect(l.tally).toEqual({ bal: b(1, 10), val: 'v1', acceptors: [2] });
    expect(HandleAccepted(cfg, l, accepted(3, b(1, 9), 'v1'))!.node).toEqual(l);
    const t = HandleAccepted(cfg, l, accepted(3, b(1, 10), 'v1'))!;
    expect(t.node).toEqual({ id: 1, tally: null, decided: 'v1' });
    expect(t.sent).toEqual([{ type: 'Decided', value: 'v1', source: 1, dest: 2 }]);
    // A decided learner ignores votes.
    expect(HandleAccepted(cfg, t.node, accepted(1, b(2, 9), 'v2'))).toEqual({ node: t.node, sent: [] });
  });

  it('HandleDecided: learns another learner\'s decision, never changes its own', () => {
    const l = HandleDecided(cfg, initialLearner(2), { type: 'Decided', value: 'v2', source: 1, dest: 2 })!.node;
    expect(l).toEqual({ id: 2, tally: null, decided: 'v2' });
    expect(HandleDecided(cfg, l, { type: 'Decided', value: 'v1', source: 1, dest: 2 })!.node.decided).toBe('v2');
  });

  it('Restart: an acceptor comes back with its promise and accepted value', () => {
    const a = { ...initialAcceptor(1), promised: b(2, 9), accepted: { bal: b(1, 9), val: 'v1' } };
    expect(Restart(cfg, a).node).toEqual(a);
    expect(Restart({ ...cfg, rules: paxosRules('paxos-forget-promise') }, a).node.promised).toEqual(b(1, 9));
  });

  it('the reducers dispatch every event to its action', () => {
    const p = initialProposer(9);
    expect(stepProposer(cfg, p, { type: 'Phase1a' })).toEqual(Phase1a(cfg, p));
    const a = initialAcceptor(1);
    expect(stepAcceptor(cfg, a, { type: 'Receive', message: prepare() })).toEqual(HandlePrepare(cfg, a, prepare()));
    expect(stepAcceptor(cfg, a, { type: 'Receive', message: accept() })).toEqual(HandleAccept(cfg, a, accept()));
    expect(stepAcceptor(cfg, a, { type: 'Restart' })).toEqual(Restart(cfg, a));
    const l = initialLearner(1);
    expect(stepLearner(cfg, l, { type: 'Receive', message: accepted(1) })).toEqual(HandleAccepted(cfg, l, accepted(1)));
  });
});
