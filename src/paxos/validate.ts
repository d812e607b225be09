// Paxos's event logs as specs/paxos/ValidatePaxos.tla reads them: the generated module with the
// log as a sequence of records, its model, and, when TLC rejects a log, what went wrong at the
// line no behaviour can follow, found by replaying the log with the reducer. What Paxos and
// Multi-Paxos share (servers that are numbers and play roles, ballots, rounds, None) is here, as a
// `PaxosLog` that src/multipaxos/validate.ts fills in for MultiPaxos.tla.

import { InputError } from '../core/errors.ts';
import { int, modelValue, record, set, str } from '../core/tla/value.ts';
import type { TlaValue } from '../core/tla/value.ts';
import type { LogEvent } from '../host/types.ts';
import type { LoggedLine } from '../validate/log.ts';
import { atLine, explainByReplay, initConstants, isLoss, lineRecord, numericServer, stateRecord, stepLines, traceConfig, traceModule, withLosses } from '../validate/trace.ts';
import type { LossStep, Replay } from '../validate/trace.ts';
import type { TraceModel, TraceValidator } from '../validate/validate.ts';
import { ballotText } from './ballot.ts';
import type { Ballot } from './ballot.ts';
import { initialServer, paxosLogState, paxosReduce } from './host.ts';
import type { PaxosServer, PaxosServerEvent } from './host.ts';
import { PAXOS_RULES, reported } from './node.ts';
import type { PaxosConfig } from './node.ts';
import { acceptedToTla, ballotToTla, messageToTla, promisedToTla } from './tla.ts';
import type { AcceptedValue, PaxosMessage, PromiseRecord, Tally } from './types.ts';

/** The spec's None, as the generated module names it: a constant the model makes the model value None. */
export const TRACE_NONE = modelValue('TraceNone');

type Converter = (v: unknown) => TlaValue;

/** How one protocol of the Paxos family logs its steps, and how its trace spec reads them. */
export interface PaxosLog {
  /** The trace spec, and the spec it follows (for messages). */
  readonly module: string;
  readonly spec: string;
  /** The role constants (Proposer, Acceptor, ...) and the role of each agent parameter (p, a, ...). */
  readonly roles: readonly string[];
  readonly agents: Readonly<Record<string, string>>;
  /** Each action's parameters, the agent that steps (whose state the line logs) first; the network's actions have i and j. */
  readonly actions: Readonly<Record<string, readonly string[]>>;
  /** The actions that take a message (DropMessage among them). */
  readonly takes: readonly string[];
  /** The roles of each message type's source and dest. */
  readonly messages: Readonly<Record<string, readonly [string, string]>>;
  /** The fields of each message type beside type, source and dest: a log written for another version of the spec lacks some. */
  readonly messageFields: Readonly<Record<string, readonly string[]>>;
  /** The parameter that is a value (Phase2a's v, Propose's c). */
  readonly valueParam: string;
  /** The message as the spec's record; values are strings. */
  message(m: unknown): TlaValue;
  /** The values a message carries. */
  messageValues(m: unknown): readonly string[];
  /** The variables a line may log, each with its converter. */
  readonly state: Readonly<Record<string, Converter>>;
}

const NETWORK = ['i', 'j'];

/** A ballot as a log writes it: {round, proposer}, both numbers. */
export function asBallot(x: unknown): Ballot {
  const b = x as Ballot | null;
  if (typeof b !== 'object' || b === null || !Number.isSafeInteger(b.round) || !Number.isSafeInteger(b.proposer)) {
    throw new TypeError(`${JSON.stringify(x)} is not a ballot: {"round": r, "proposer": p}, both numbers`);
  }
  return b;
}

/** A value as a log writes it: a string. */
export function asValue(x: unknown): string {
  if (typeof x !== 'string') throw new TypeError(`${JSON.stringify(x)} is not a value: values are strings`);
  return x;
}

/** A ballot, or null (None). */
export const ballotOrNone: Converter = (v) => (v === null ? TRACE_NONE : promisedToTla(asBallot(v), TRACE_NONE));

/** The logged message, checked to be one of the spec's. */
export function checkedMessage(log: PaxosLog, m: unknown): unknown {
  const type = (m as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !(type in log.messages)) {
    throw new TypeError(`the message ${JSON.stringify(m)} is not one of ${log.spec}'s (${Object.keys(log.messages).join(', ')})`);
  }
  const fields = ['source', 'dest', ...log.messageFields[type]];
  const missing = fields.filter((k) => (m as Record<string, unknown>)[k] === undefined);
  if (missing.length > 0) {
    throw new TypeError(
      `the ${type} ${JSON.stringify(m)} has no ${missing.join(', ')}: ${log.spec}'s ${type} has ${fields.join(', ')} (a log written by another version of the host?)`,
    );
  }
  return m;
}

/** The servers of each role: the Init line's constants, or the ones the log names in that role (its sent messages included). */
export function roleSets(log: PaxosLog, lines: readonly LoggedLine[]): Map<string, number[]> {
  const init = initConstants(lines);
  const found = new Map(log.roles.map((r) => [r, new Set<number>()]));
  const add = (role: string | undefined, id: unknown, where: LoggedLine) => {
    if (role !== undefined && id !== undefined) found.get(role)?.add(numericServer(id, where, `the ${role.toLowerCase()}`));
  };
  for (const where of lines) {
    const { event } = where;
    for (const [k, id] of Object.entries(event.params ?? {})) add(log.agents[k], id, where);
    for (const m of [event.recv, ...(event.sent ?? [])] as ({ type: string; source: unknown; dest: unknown } | undefined)[]) {
      const roles = m === undefined ? undefined : log.messages[m.type];
      if (roles !== undefined) {
        add(roles[0], m!.source, where);
        add(roles[1], m!.dest, where);
      }
    }
  }
  return new Map(
    log.roles.map((r) => {
      const given = init[r];
      if (Array.isArray(given)) return [r, given.map((id) => numericServer(id, lines[0], `the ${r.toLowerCase()}`)).sort((a, b) => a - b)];
      return [r, [...found.get(r)!].sort((a, b) => a - b)];
    }),
  );
}

/**
 * The largest round: each Phase1a takes a proposer to its next round, so none reaches beyond the
 * most Phase1a lines of one proposer (and the run's MaxRound). TLC enumerates the rounds in
 * Phase1a's NextRound, so the model gives it these and not the 10,000 a run may have.
 */
export function roundBound(lines: readonly LoggedLine[]): number {
  const steps = new Map<unknown, number>();
  for (const { event } of lines) if (event.action === 'Phase1a') steps.set(event.params?.p, (steps.get(event.params?.p) ?? 0) + 1);
  const most = Math.max(1, ...steps.values());
  const max = initConstants(lines).MaxRound;
  return typeof max === 'number' ? Math.max(1, Math.min(max, most)) : most;
}

/**
 * The rounds the run had, for the reducer's replay (which says what is enabled): the Init line's
 * MaxRound, or one more than any proposer reaches in the log.
 */
export function runRounds(lines: readonly LoggedLine[]): number[] {
  const max = initConstants(lines).MaxRound;
  return Array.from({ length: typeof max === 'number' ? max : roundBound(lines) + 1 }, (_, k) => k + 1);
}

/** The values the log names: the value parameters and those the messages taken carry. */
export function logValues(log: PaxosLog, lines: readonly LoggedLine[]): string[] {
  const out = new Set<string>();
  for (const where of lines) {
    const { event } = where;
    const v = event.params?.[log.valueParam];
    if (typeof v === 'string') out.add(v);
    if (event.recv === undefined) continue;
    const type = (event.recv as { type?: unknown } | undefined)?.type;
    if (typeof type !== 'string' || !(type in log.messages)) continue;
    // A malformed message is an error naming its line.
    const carried = atLine(where, () => log.messageValues(checkedMessage(log, event.recv)));
    for (const x of carried) if (typeof x === 'string') out.add(x);
  }
  return [...out].sort();
}

/** The network's step that loses a copy of m (src/validate/trace.ts withLosses). */
function lossEvent(step: LossStep): LogEvent {
  const m = step.lost as { source: unknown; dest: unknown };
  return { ...step.event, action: 'DropMessage', params: { i: m.source, j: m.dest }, recv: m, sent: undefined, state: undefined };
}

function lineToTla(log: PaxosLog, where: LoggedLine): TlaValue {
  const { file, line } = where;
  const event = isLoss(where) ? lossEvent(where) : where.event;
  const names = log.actions[event.action];
  if (names === undefined) throw new InputError(file, line, `${event.action} is not an action of ${log.spec}: one of ${Object.keys(log.actions).join(', ')}`);
  return atLine(where, () => {
    const params = names.map((k): [string, TlaValue] => {
      const x = event.params?.[k];
      if (x === undefined) throw new InputError(file, line, `${event.action} has no parameter ${k}: ${log.module} needs ${names.join(', ')}`);
      return [k, k === log.valueParam ? str(asValue(x)) : int(numericServer(x, where, `the parameter ${k}`))];
    });
    const recv = event.recv === undefined ? undefined : log.message(checkedMessage(log, event.recv));
    return lineRecord(event, params, stateRecord(event.state, log.state), recv);
  });
}

/** The generated module and its model, for the Paxos family: `extra` has the protocol's own definitions and constants. */
export function paxosFamilyModel(
  log: PaxosLog,
  lines: readonly LoggedLine[],
  moduleName: string,
  extra: { readonly definitions: readonly string[]; readonly cfg: readonly string[] },
): TraceModel {
  const roles = roleSets(log, lines);
  const takes = (a: string) => log.takes.includes(a);
  const steps = withLosses(stepLines(lines), takes);
  // Each step is deterministic once the message it takes is given: one successor a line.
  const deterministic = steps.every(({ event }) => !takes(event.action) || event.recv !== undefined);
  const definitions = [
    ...log.roles.map((r) => `Trace${r} == {${roles.get(r)!.join(', ')}}`),
    `TraceRound == 1 .. ${roundBound(lines)}`,
    ...extra.definitions,
  ];
  const module = traceModule(moduleName, log.module, { constants: [TRACE_NONE.key], definitions }, steps.map((l) => lineToTla(log, l)));
  const cfg = traceConfig(['None = None', `${TRACE_NONE.key} = None`, ...log.roles.map((r) => `${r} <- Trace${r}`), 'Round <- TraceRound', ...extra.cfg]);
  return { module, cfg, steps, ...(deterministic && { view: 'TraceView' }) };
}

/** The agent that steps at a line (the server whose state it logs); undefined for the network's steps. */
export function stepper(log: PaxosLog, e: LogEvent): string | undefined {
  const k = log.actions[e.action]?.[0];
  return k === undefined || k === NETWORK[0] ? undefined : String(e.params?.[k]);
}

/** Whether a logged variable has the reducer's value: as the spec's values (a set of promises in any order). */
export function sameAsTla(log: PaxosLog) {
  return (field: string, logged: unknown, actual: unknown): boolean => {
    const to = log.state[field];
    try {
      return to(logged).key === to(actual).key;
    } catch {
      return false;
    }
  };
}

/** A line's event for the reducer: the server's own actions by name, else the receipt of the message it logs. */
export function receiptOr<E>(e: LogEvent, own: Readonly<Record<string, (p: Readonly<Record<string, unknown>>) => E>>): E | { type: 'Receive'; message: never } | undefined {
  const f = own[e.action];
  if (f !== undefined) return f(e.params ?? {});
  return e.recv === undefined ? undefined : { type: 'Receive', message: e.recv as never };
}

/** The replay of a Paxos-family log (src/validate/trace.ts explainByReplay): servers play every role, numbered. */
export function familyReplay<N, E>(
  log: PaxosLog,
  roles: readonly (readonly number[])[],
  initial: (id: number) => N,
  reduce: (node: N, ev: E) => { readonly node: N; readonly sent: readonly unknown[] } | undefined,
  own: Pick<Replay<N, E>, 'event' | 'show' | 'candidates' | 'logged'>,
): Replay<N, E> {
  const ids = [...new Set(roles.flat())];
  return {
    ...own,
    initial: new Map(ids.map((id) => [String(id), initial(id)])),
    server: (e) => stepper(log, e),
    reduce: (node, ev) => reduce(node, ev)?.node,
    sends: (node, ev) => reduce(node, ev)?.sent,
    name: (i) => `server ${i}`,
    same: sameAsTla(log),
  };
}

// ---- Paxos ----------------------------------------------------------------------------------

const value: Converter = (v) => str(asValue(v));
const acceptedValue = (v: unknown) => (v === null ? TRACE_NONE : acceptedToTla({ bal: asBallot((v as AcceptedValue).bal), val: asValue((v as AcceptedValue).val) }, TRACE_NONE, str));

const PAXOS_LOG: PaxosLog = {
  module: 'ValidatePaxos.tla',
  spec: 'Paxos.tla',
  roles: ['Proposer', 'Acceptor', 'Learner'],
  agents: { p: 'Proposer', a: 'Acceptor', l: 'Learner', k: 'Learner' },
  actions: {
    Phase1a: ['p'],
    HandlePrepare: ['a', 'p'],
    HandlePromise: ['p', 'a'],
    Phase2a: ['p', 'v'],
    HandleAccept: ['a', 'p'],
    HandleAccepted: ['l', 'a'],
    HandleDecided: ['l', 'k'],
    Restart: ['a'],
    DropMessage: NETWORK,
    DuplicateMessage: NETWORK,
  },
  takes: ['HandlePrepare', 'HandlePromise', 'HandleAccept', 'HandleAccepted', 'HandleDecided', 'DropMessage'],
  messages: { Prepare: ['Proposer', 'Acceptor'], Promise: ['Acceptor', 'Proposer'], Accept: ['Proposer', 'Acceptor'], Accepted: ['Acceptor', 'Learner'], Decided: ['Learner', 'Learner'] },
  messageFields: { Prepare: ['ballot'], Promise: ['ballot', 'accepted'], Accept: ['ballot', 'value'], Accepted: ['ballot', 'value'], Decided: ['value'] },
  valueParam: 'v',
  message: (m) => messageToTla(m as PaxosMessage, TRACE_NONE, (v) => str(asValue(v))),
  messageValues: (m) => {
    const x = m as PaxosMessage;
    if (x.type === 'Promise') return x.accepted === null ? [] : [x.accepted.val];
    return x.type === 'Prepare' ? [] : [x.value];
  },
  state: {
    round: (v) => int(Number(v)),
    phase: (v) => str(String(v)),
    promises: (v) => {
      if (!Array.isArray(v)) throw new TypeError(`promises ${JSON.stringify(v)} is not a list of {acceptor, accepted}`);
      return set((v as PromiseRecord[]).map((r) => record({ acceptor: int(r.acceptor), accepted: acceptedValue(r.accepted) })));
    },
    promised: ballotOrNone,
    accepted: acceptedValue,
    tally: (v) => {
      if (v === null) return TRACE_NONE;
      const t = v as Tally;
      if (!Array.isArray(t.acceptors)) throw new TypeError(`the tally ${JSON.stringify(v)} has no list of acceptors`);
      return record({ bal: ballotToTla(asBallot(t.bal)), val: value(t.val), acceptors: set(t.acceptors.map(int)) });
    },
    decided: (v) => (v === null ? TRACE_NONE : value(v)),
  },
};

function paxosConfigOf(lines: readonly LoggedLine[]): PaxosConfig {
  const roles = roleSets(PAXOS_LOG, lines);
  return {
    proposers: roles.get('Proposer')!,
    acceptors: roles.get('Acceptor')!,
    learners: roles.get('Learner')!,
    rounds: runRounds(lines),
    rules: PAXOS_RULES,
  };
}

const bal = (b: Ballot) => ballotText(b);

function showServer(n: PaxosServer): string {
  const { proposer: p, acceptor: a, learner: l } = n;
  const acc = (x: AcceptedValue | null) => (x === null ? 'nothing' : `${bal(x.bal)} ${JSON.stringify(x.val)}`);
  return [
    `round ${p.round}, phase ${p.phase}, promises from ${p.promises.map((r) => r.acceptor).join(', ') || 'none'}`,
    `promised ${a.promised === null ? 'None' : bal(a.promised)}, accepted ${acc(a.accepted)}`,
    `tally ${l.tally === null ? 'None' : `${bal(l.tally.bal)} ${JSON.stringify(l.tally.val)} from ${l.tally.acceptors.join(', ')}`}, decided ${l.decided === null ? 'None' : JSON.stringify(l.decided)}`,
  ].join('; ');
}

export const paxosTraceValidator: TraceValidator = {
  module: PAXOS_LOG.module,
  model(lines: readonly LoggedLine[], moduleName: string): TraceModel {
    return paxosFamilyModel(PAXOS_LOG, lines, moduleName, {
      definitions: [`TraceValue == {${logValues(PAXOS_LOG, lines).map((v) => str(v).key).join(', ')}}`],
      cfg: ['Value <- TraceValue'],
    });
  },

  explain(lines: readonly LoggedLine[], steps: readonly LoggedLine[], failing: number): string[] {
    const cfg = paxosConfigOf(lines);
    const replay = familyReplay<PaxosServer, PaxosServerEvent>(PAXOS_LOG, [cfg.proposers, cfg.acceptors, cfg.learners], initialServer, (node, ev) => paxosReduce(cfg, node, ev), {
      event: (e) =>
        receiptOr<PaxosServerEvent>(e, {
          Phase1a: () => ({ type: 'Phase1a' }),
          Phase2a: (p) => ({ type: 'Phase2a', value: String(p.v) }),
          Restart: () => ({ type: 'Restart' }),
        }),
      show: showServer,
      candidates: (_, node) => {
        const required = cfg.rules.requiredValue(reported(node.proposer), cfg.rules.ballotLess);
        return [
          ['Phase1a', { type: 'Phase1a' }],
          [required === null ? 'Phase2a (any value)' : `Phase2a (only ${JSON.stringify(required)})`, { type: 'Phase2a', value: required ?? '' }],
          ['Restart', { type: 'Restart' }],
        ];
      },
      logged: paxosLogState,
    });
    return explainByReplay(replay, steps, failing);
  },
};
