// The reducers refuse exactly what Paxos.tla does not enable. stepProposer, stepAcceptor and
// stepLearner (src/paxos/node.ts) are the entry points of every driver (the cluster model, the
// simulator's host), so they, not a driver, must return undefined for an event whose action's
// enabling condition does not hold, and a transition for every one whose condition holds. Here the
// conditions are written out again from the spec, and checked against the reducers over generated
// agent states of TypeOK's types (not only the reachable ones: any driver may hand the reducer any
// of them) with generated events, messages addressed to anyone included. A failure shrinks to the
// smallest model, state and event that tell them apart. MCPaxos.tla's bounds (MaxInFlight,
// MaxCopies) are the cluster model's and are not the reducer's to check.
//
// This file is part of the mutation chain (vitest.mutation.config.ts): keep it fast.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Ballot } from '../../src/paxos/ballot.ts';
import { PAXOS_RULES, stepAcceptor, stepLearner, stepProposer } from '../../src/paxos/node.ts';
import type { PaxosConfig } from '../../src/paxos/node.ts';
import type {
  Accept,
  Accepted,
  AcceptedValue,
  AcceptorEvent,
  AcceptorState,
  Decided,
  LearnerEvent,
  LearnerState,
  PaxosMessage,
  Prepare,
  PromiseMessage,
  PromiseRecord,
  ProposerEvent,
  ProposerState,
  Transition,
  Value,
} from '../../src/paxos/types.ts';

const VALUES: readonly Value[] = ['v1', 'v2', 'v3'];

/** A model's constants: ids 1 .. 4 for each role (a server may play several), some rounds of 1 .. 4. */
const sortedIds = fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }).map((xs) => [...xs].sort((a, b) => a - b));
const config: fc.Arbitrary<PaxosConfig> = fc
  .record({ proposers: sortedIds, acceptors: sortedIds, learners: sortedIds, rounds: sortedIds })
  .map((ids) => ({ ...ids, rules: PAXOS_RULES }));

// Every choice is a number, mapped into the model's lists (an id of the role, one of the rounds),
// and nothing depends on an earlier choice (no chain): a failure shrinks all of it, the model too.
/** What a choice is in a model; `valueOf` is the value of each ballot (see promiseRecord). */
type Raw<T> = (cfg: PaxosConfig, valueOf: (b: Ballot) => Value) => T;
const choice = fc.nat({ max: 7 });
const at = <T,>(xs: readonly T[], n: number): T => xs[n % xs.length];
const value = fc.nat({ max: VALUES.length - 1 }).map((n): Raw<Value> => () => VALUES[n]);
const ballot = fc.record({ round: choice, proposer: choice }).map(
  (b): Raw<Ballot> => (cfg) => ({ round: at(cfg.rounds, b.round), proposer: at(cfg.proposers, b.proposer) }),
);
const option = <T,>(x: fc.Arbitrary<Raw<T>>) => fc.option(x, { nil: null }).map((y): Raw<T | null> => (cfg, v) => (y === null ? null : y(cfg, v)));
const acceptedValue = fc.record({ bal: ballot, val: value }).map((x): Raw<AcceptedValue> => (cfg, v) => ({ bal: x.bal(cfg, v), val: x.val(cfg, v) }));
/**
 * A promise's report. In every state of the spec a ballot has one value (a proposer takes Phase2a
 * once a ballot), and the promises here keep that, so that Highest, a CHOOSE, names one value.
 */
const reportedValue = ballot.map((bal): Raw<AcceptedValue> => (cfg, v) => ({ bal: bal(cfg, v), val: v(bal(cfg, v)) }));
/** A set of distinct records, as a list sorted as the reducer keeps it. */
const distinct = <T,>(xs: readonly T[]) => [...new Map(xs.map((x) => [JSON.stringify(x), x])).entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, x]) => x);

const promiseRecord = fc
  .record({ acceptor: choice, accepted: option(reportedValue) })
  .map((r): Raw<PromiseRecord> => (cfg, v) => ({ acceptor: at(cfg.acceptors, r.acceptor), accepted: r.accepted(cfg, v) }));
const proposer = fc
  // A set of records: an acceptor may appear in more than one (TypeOK allows it).
  .record({ id: choice, round: choice, phase: fc.constantFrom('Idle' as const, 'Phase1' as const, 'Phase2' as const), promises: fc.array(promiseRecord, { maxLength: 5 }) })
  .map(
    (p): Raw<ProposerState> =>
      (cfg, v) => ({
        id: at(cfg.proposers, p.id),
        // TypeOK: round \in {0} \cup Round.
        round: at([0, ...cfg.rounds], p.round),
        phase: p.phase,
        promises: distinct(p.promises.map((r) => r(cfg, v))),
      }),
  );
const acceptor = fc
  .record({ id: choice, promised: option(ballot), accepted: option(acceptedValue) })
  .map((a): Raw<AcceptorState> => (cfg, v) => ({ id: at(cfg.acceptors, a.id), promised: a.promised(cfg, v), accepted: a.accepted(cfg, v) }));
const learner = fc
  .record({
    id: choice,
    tally: option(
      fc.record({ bal: ballot, val: value, acceptors: fc.array(choice, { minLength: 1, maxLength: 4 }) }).map(
        (t): Raw<NonNullable<LearnerState['tally']>> =>
          (cfg, v) => ({ bal: t.bal(cfg, v), val: t.val(cfg, v), acceptors: [...new Set(t.acceptors.map((n) => at(cfg.acceptors, n)))].sort((x, y) => x - y) }),
      ),
    ),
    decided: option(value),
  })
  .map((l): Raw<LearnerState> => (cfg, v) => ({ id: at(cfg.learners, l.id), tally: l.tally(cfg, v), decided: l.decided(cfg, v) }));

/** A message from anyone to anyone of the ids 1 .. 5 (5 plays no role at all). */
const ends = { source: fc.integer({ min: 1, max: 5 }), dest: fc.integer({ min: 1, max: 5 }) };
const prepare = fc.record({ ballot, ...ends }).map((m): Raw<Prepare> => (cfg, v) => ({ type: 'Prepare', ...m, ballot: m.ballot(cfg, v) }));
const promise = fc
  .record({ ballot, accepted: option(acceptedValue), ...ends })
  .map((m): Raw<PromiseMessage> => (cfg, v) => ({ type: 'Promise', ...m, ballot: m.ballot(cfg, v), accepted: m.accepted(cfg, v) }));
const ballotMessage = <T extends 'Accept' | 'Accepted'>(type: T) =>
  fc.record({ ballot, value, ...ends }).map((m) => (cfg: PaxosConfig, v: (b: Ballot) => Value) => ({ type, ...m, ballot: m.ballot(cfg, v), value: m.value(cfg, v) }));
const decided = fc.record({ value, ...ends }).map((m): Raw<Decided> => (cfg, v) => ({ type: 'Decided', ...m, value: m.value(cfg, v) }));
const receive = <M,>(messages: fc.Arbitrary<Raw<M>>) => messages.map((m) => (cfg: PaxosConfig, v: (b: Ballot) => Value) => ({ type: 'Receive' as const, message: m(cfg, v) }));

const proposerEvent: fc.Arbitrary<Raw<ProposerEvent>> = fc.oneof(
  fc.constant(() => ({ type: 'Phase1a' as const })),
  receive(promise),
  value.map((x) => (cfg: PaxosConfig, v: (b: Ballot) => Value) => ({ type: 'Phase2a' as const, value: x(cfg, v) })),
);
const acceptorEvent: fc.Arbitrary<Raw<AcceptorEvent>> = fc.oneof(
  receive<Prepare | Accept>(fc.oneof(prepare, ballotMessage('Accept'))),
  fc.constant(() => ({ type: 'Restart' as const })),
);
const learnerEvent: fc.Arbitrary<Raw<LearnerEvent>> = receive<Accepted | Decided>(fc.oneof(ballotMessage('Accepted'), decided));

type Case =
  | { readonly cfg: PaxosConfig; readonly role: 'proposer'; readonly agent: ProposerState; readonly event: ProposerEvent }
  | { readonly cfg: PaxosConfig; readonly role: 'acceptor'; readonly agent: AcceptorState; readonly event: AcceptorEvent }
  | { readonly cfg: PaxosConfig; readonly role: 'learner'; readonly agent: LearnerState; readonly event: LearnerEvent };

/** The value of each ballot: one of VALUES for each (round, proposer) of ids and rounds 1 .. 4. */
const valuesOfBallots = fc.array(fc.nat({ max: VALUES.length - 1 }), { minLength: 25, maxLength: 25 }).map((xs) => (b: Ballot) => VALUES[xs[b.round * 5 + b.proposer - 5]]);

/** A model, an agent of one of its roles in a state of TypeOK's types, and an event of that role. */
const cases: fc.Arbitrary<Case> = fc.oneof(
  fc.record({ cfg: config, v: valuesOfBallots, agent: proposer, event: proposerEvent }).map(({ cfg, v, agent, event }): Case => ({ cfg, role: 'proposer', agent: agent(cfg, v), event: event(cfg, v) })),
  fc.record({ cfg: config, v: valuesOfBallots, agent: acceptor, event: acceptorEvent }).map(({ cfg, v, agent, event }): Case => ({ cfg, role: 'acceptor', agent: agent(cfg, v), event: event(cfg, v) })),
  fc.record({ cfg: config, v: valuesOfBallots, agent: learner, event: learnerEvent }).map(({ cfg, v, agent, event }): Case => ({ cfg, role: 'learner', agent: agent(cfg, v), event: event(cfg, v) })),
);

/** Paxos.tla's Less(b, c), written out again. */
const less = (b: Ballot, c: Ballot) => b.round < c.round || (b.round === c.round && b.proposer < c.proposer);

/** Paxos.tla's RequiredValue(p): None (null) if Reported(p) = {}, else Highest(Reported(p)).val. */
function requiredValue(p: ProposerState): Value | null {
  const reported = p.promises.flatMap((r) => (r.accepted === null ? [] : [r.accepted]));
  const highest = reported.filter((x) => reported.every((y) => !less(x.bal, y.bal)));
  return highest.length === 0 ? null : highest[0].val;
}

/**
 * The enabling condition of the event's action in Paxos.tla, for this agent (the action's
 * parameter: p, a or l), written out from the spec. A receipt's condition is the message's being
 * addressed to the agent (m.mdest); its being in flight is the driver's, which hands it over.
 */
function enabled(c: Case): boolean {
  const { cfg, event } = c;
  if (event.type === 'Receive') return event.message.dest === c.agent.id;
  if (c.role !== 'proposer') return true; // Restart(a): a \in Acceptor
  const p = c.agent;
  switch (event.type) {
    case 'Phase1a': // {r \in Round : r > round[p]} /= {}
      return cfg.rounds.some((r) => r > p.round);
    case 'Phase2a': // phase[p] = "Phase1" /\ {r.acceptor : r \in promises[p]} \in Quorum /\ RequiredValue(p) \in {None, v}
      return p.phase === 'Phase1' && new Set(p.promises.map((r) => r.acceptor)).size * 2 > cfg.acceptors.length && [null, event.value].includes(requiredValue(p));
    default:
      return true;
  }
}

type Stepper = (c: Case) => Transition<ProposerState | AcceptorState | LearnerState> | undefined;

/** The role's reducer on the case: the entry point the cluster model and the host call. */
const ours: Stepper = (c) => {
  switch (c.role) {
    case 'proposer':
      return stepProposer(c.cfg, c.agent, c.event);
    case 'acceptor':
      return stepAcceptor(c.cfg, c.agent, c.event);
    case 'learner':
      return stepLearner(c.cfg, c.agent, c.event);
  }
};

/** The first case, if any, where `take` refuses an enabled event or takes one that is not enabled. */
function disagreement(take: Stepper, runs: number, seed: number) {
  return fc.check(
    fc.property(cases, (c) => (take(c) !== undefined) === enabled(c)),
    { numRuns: runs, seed },
  );
}

const show = (c: Case) => `${c.role} ${JSON.stringify(c.agent)} ${JSON.stringify(c.event)} in ${JSON.stringify({ ...c.cfg, rules: undefined })}`;

describe('Paxos reducers: enabled exactly where Paxos.tla enables them', () => {
  it('refuse every event whose enabling condition does not hold and take every one that holds', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const t = ours(c);
        expect(t !== undefined, show(c)).toBe(enabled(c));
        // A step is the agent's own: its id does not change.
        if (t !== undefined) expect(t.node.id).toBe(c.agent.id);
      }),
      { numRuns: 5000, seed: 11 },
    );
  });

  it('generates both sides of every condition', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(cases, (c) => {
        const m = c.event.type === 'Receive' ? c.event.message.type : '';
        seen.add(`${c.event.type}${m} ${enabled(c)}`);
      }),
      { numRuns: 5000, seed: 11 },
    );
    for (const e of ['Phase1a', 'ReceivePrepare', 'ReceivePromise', 'Phase2a', 'ReceiveAccept', 'ReceiveAccepted', 'ReceiveDecided']) {
      expect(seen, e).toContain(`${e} true`);
      expect(seen, e).toContain(`${e} false`);
    }
    expect(seen).toContain('Restart true');
  });

  it('tells a reducer that takes a message meant for another server, and shrinks the case to the smallest', () => {
    // A reducer that forgets m.mdest = a: it takes any message as if it were its own.
    const careless: Stepper = (c) => ours(c.event.type === 'Receive' ? ({ ...c, event: { type: 'Receive', message: { ...c.event.message, dest: c.agent.id } } } as Case) : c);
    const result = disagreement(careless, 2000, 5);
    expect(result.failed).toBe(true);
    const [c] = result.counterexample!;
    // Shrunk all the way: one server of each role, one round, a learner that has heard nothing, a Decided for server 2.
    expect({ ...c, cfg: { ...c.cfg, rules: undefined } }).toEqual({
      cfg: { proposers: [1], acceptors: [1], learners: [1], rounds: [1], rules: undefined },
      role: 'learner',
      agent: { id: 1, tally: null, decided: null },
      event: { type: 'Receive', message: { type: 'Decided', value: 'v1', source: 1, dest: 2 } },
    });
  });

  it('tells a proposer that proposes its own value where a promise reports one', () => {
    const result = disagreement((c) => ours({ ...c, cfg: { ...c.cfg, rules: { ...PAXOS_RULES, requiredValue: () => null } } }), 4000, 5);
    expect(result.failed).toBe(true);
    const [c] = result.counterexample!;
    expect(c.event.type).toBe('Phase2a');
    expect((c.agent as ProposerState).promises.some((r) => r.accepted !== null)).toBe(true);
  });

  it('throw on an ill-typed event or message, which only an outside driver can hand them', () => {
    const cfg: PaxosConfig = { proposers: [1], acceptors: [1], learners: [1], rounds: [1], rules: PAXOS_RULES };
    const p: ProposerState = { id: 1, round: 0, phase: 'Idle', promises: [] };
    const a: AcceptorState = { id: 1, promised: null, accepted: null };
    const l: LearnerState = { id: 1, tally: null, decided: null };
    const stray = (type: PaxosMessage['type'] | 'Nack') => ({ type: 'Receive', message: { type, ballot: { round: 1, proposer: 1 }, value: 'v1', accepted: null, source: 1, dest: 1 } });
    expect(() => stepProposer(cfg, p, { type: 'Restart' } as unknown as ProposerEvent)).toThrow(/unreachable/);
    expect(() => stepProposer(cfg, p, stray('Prepare') as unknown as ProposerEvent)).toThrow(/unreachable/);
    expect(() => stepAcceptor(cfg, a, { type: 'Phase1a' } as unknown as AcceptorEvent)).toThrow(/unreachable/);
    expect(() => stepAcceptor(cfg, a, stray('Promise') as unknown as AcceptorEvent)).toThrow(/unreachable/);
    expect(() => stepLearner(cfg, l, { type: 'Restart' } as unknown as LearnerEvent)).toThrow(/unreachable/);
    expect(() => stepLearner(cfg, l, stray('Accept') as unknown as LearnerEvent)).toThrow(/unreachable/);
  });
});
