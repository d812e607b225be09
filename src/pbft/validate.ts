// PBFT's event logs as specs/pbft/ValidatePBFT.tla reads them: the generated module with the log
// as a sequence of records (digests are strings: a system's requests are its commands), its
// model (PBFT.tla's constants from the Init line), and, when TLC rejects a log, what went wrong at
// the line no behaviour can follow, found by replaying the log with the reducer.

import { InputError } from '../core/errors.ts';
import { int, record, set, str } from '../core/tla/value.ts';
import type { TlaRecord, TlaValue } from '../core/tla/value.ts';
import type { LogEvent } from '../host/types.ts';
import type { LoggedLine } from '../validate/log.ts';
import { explainByReplay, initConstants, lineRecord, stateRecord, stepLines, traceConfig, traceModule } from '../validate/trace.ts';
import type { TraceModel, TraceValidator } from '../validate/validate.ts';
import { NULL_REQUEST, logPbftState, pbftReduce } from './host.ts';
import { PBFT_RULES, commitMsg, initialReplica, prePrepareMsg, prePrepares, prepareMsg } from './node.ts';
import type { PbftConfig } from './node.ts';
import { messageToTla } from './tla.ts';
import type { Certificate, PbftMessage, PrePrepareMessage, Replica, ReplicaEvent, ViewChangeMessage } from './types.ts';

/** The variables a line may log, as ValidatePBFT.tla compares them. */
const STATE_FIELDS: Readonly<Record<string, (v: unknown) => TlaValue>> = {
  view: (v) => int(Number(v)),
  status: (v) => str(String(v)),
  logSize: (v) => int(Number(v)),
  committed: (v) => int(Number(v)),
  executed: (v) => int(Number(v)),
};

/** The actions a line may name: ValidatePBFT.tla's Step, and whether the line is a correct replica's step (it names it, i). */
const ACTIONS: Readonly<Record<string, boolean>> = {
  ClientRequest: false,
  PrePrepare: true,
  ReceivePrePrepare: true,
  ReceivePrepares: true,
  ReceiveCommits: true,
  ClientAccept: false,
  Timeout: true,
  ReceiveViewChanges: true,
  ReceiveNewView: true,
  DuplicateMessage: false,
};

interface Constants {
  readonly n: number;
  readonly byzantine: readonly number[];
  readonly k: number;
  readonly nullDigest: string;
}

type Where = Pick<LoggedLine, 'file' | 'line'>;

function bad(where: Where, what: string): never {
  throw new InputError(where.file, where.line, what);
}

const natural = (x: unknown): number | undefined => {
  const n = typeof x === 'string' && /^[0-9]+$/.test(x) ? Number(x) : x;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
};

function number(x: unknown, where: Where, what: string): number {
  return natural(x) ?? bad(where, `${what} ${JSON.stringify(x)} is not a number: PBFT.tla's replicas, views and sequence numbers are 0, 1, 2, ...`);
}

function certificateOf(x: unknown, where: Where): Certificate {
  // The log writes a certificate as its key, "view.seq.digest" (the digest may hold dots); a raw message as an object.
  if (typeof x === 'string') {
    const a = x.indexOf('.');
    const b = x.indexOf('.', a + 1);
    if (a > 0 && b > a) return { view: number(x.slice(0, a), where, 'the view'), seq: number(x.slice(a + 1, b), where, 'the sequence number'), digest: x.slice(b + 1) };
  } else if (typeof x === 'object' && x !== null && typeof (x as Certificate).digest === 'string') {
    const c = x as Certificate;
    return { view: number(c.view, where, 'the view'), seq: number(c.seq, where, 'the sequence number'), digest: c.digest };
  }
  return bad(where, `the certificate ${JSON.stringify(x)} is neither "view.seq.digest" nor {view, seq, digest}`);
}

function viewChangeOf(x: unknown, view: number, where: Where): ViewChangeMessage {
  const m = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
  if (!Array.isArray(m.prepared)) bad(where, `the view change ${JSON.stringify(x)} has no list "prepared"`);
  return { type: 'ViewChange', view: m.view === undefined ? view : number(m.view, where, 'the view'), prepared: (m.prepared as unknown[]).map((c) => certificateOf(c, where)), sender: number(m.sender, where, 'the sender') };
}

/** A message as the log writes it (logPbftMessage's, or the network's raw one) as the reducer's. */
export function loggedMessage(x: unknown, where: Where): PbftMessage {
  const m = (typeof x === 'object' && x !== null && !Array.isArray(x) ? x : {}) as Record<string, unknown>;
  const view = number(m.view, where, 'the view');
  const sender = number(m.sender, where, 'the sender');
  switch (m.type) {
    case 'PrePrepare':
    case 'Prepare':
    case 'Commit':
      if (typeof m.digest !== 'string') bad(where, `the ${m.type} has no digest`);
      return { type: m.type, view, seq: number(m.seq, where, 'the sequence number'), digest: m.digest as string, sender };
    case 'ViewChange':
      return viewChangeOf(m, view, where);
    case 'NewView':
      if (!Array.isArray(m.viewChanges)) bad(where, 'the NewView has no list "viewChanges"');
      return { type: 'NewView', view, viewChanges: (m.viewChanges as unknown[]).map((vc) => viewChangeOf(vc, view, where)), sender };
    default:
      return bad(where, `${JSON.stringify(m.type)} is not a message of PBFT.tla (PrePrepare, Prepare, Commit, ViewChange, NewView)`);
  }
}

function constantsOf(lines: readonly LoggedLine[]): Constants {
  const init = initConstants(lines) as { N?: unknown; Byzantine?: unknown; K?: unknown; Null?: unknown };
  const where = lines.find((l) => l.event.action === 'Init') ?? lines[0];
  const stepping = new Set<number>();
  let top = 0;
  let k = 1;
  let assigned = 0;
  for (const { event } of lines) {
    const p = event.params ?? {};
    if (ACTIONS[event.action] === true && natural(p.i) !== undefined) stepping.add(natural(p.i)!);
    for (const x of [p.i, p.j, ...(Array.isArray(p.from) ? p.from : []), ...(Array.isArray(p.Q) ? p.Q : [])]) top = Math.max(top, natural(x) ?? 0);
    // A sequence number the line names, and one more for each pre-prepare (which need not log its own).
    for (const x of [p.n, ...[event.recv, ...(event.sent ?? [])].map((m) => (m as { seq?: unknown } | undefined)?.seq)]) k = Math.max(k, natural(x) ?? 0);
    if (event.action === 'PrePrepare') assigned++;
  }
  // Without the constants: the smallest 3f + 1 replicas the log names, those that never step
  // Byzantine, and a high water mark K that no sequence number of the log can reach.
  const n = init.N === undefined ? Math.max(4, 3 * Math.ceil(top / 3) + 1) : number(init.N, where, 'N');
  if (n < 1 || (n - 1) % 3 !== 0) bad(where, `N = ${n} is not 3f + 1`);
  const f = (n - 1) / 3;
  const silent = Array.from({ length: n }, (_, i) => i).filter((i) => !stepping.has(i));
  if (init.Byzantine === undefined && silent.length > f) bad(where, `${silent.length} replicas take no step, more than f = ${f}: name the Byzantine ones in the Init line's constants`);
  const byzantine = init.Byzantine === undefined ? silent : Array.isArray(init.Byzantine) ? init.Byzantine.map((b) => number(b, where, 'a Byzantine replica')) : bad(where, 'the constant Byzantine must be a list of replicas');
  return { n, byzantine, k: init.K === undefined ? k + assigned : number(init.K, where, 'K'), nullDigest: typeof init.Null === 'string' ? init.Null : NULL_REQUEST };
}

/** Every request the log names: the digests of its lines and messages, but the null request. */
function requests(lines: readonly LoggedLine[], c: Constants): { named: string[]; issued: string[] } {
  const named = new Set<string>();
  const issued = new Set<string>();
  const digests = (m: PbftMessage) =>
    m.type === 'ViewChange' ? m.prepared.map((x) => x.digest) : m.type === 'NewView' ? m.viewChanges.flatMap((vc) => vc.prepared.map((x) => x.digest)) : [m.digest];
  for (const l of lines) {
    const { event } = l;
    if (typeof event.params?.r === 'string') named.add(event.params.r);
    if (typeof event.params?.d === 'string') named.add(event.params.d);
    if (event.action === 'ClientRequest' && typeof event.params?.r === 'string') issued.add(event.params.r);
    for (const m of [event.recv, ...(event.sent ?? [])]) if (m !== undefined) for (const d of digests(loggedMessage(m, l))) named.add(d);
  }
  named.delete(c.nullDigest);
  return { named: [...named].sort(), issued: [...issued].sort() };
}

function lineToTla(l: LoggedLine, c: Constants): TlaValue {
  const { event } = l;
  const p = event.params ?? {};
  const stepsReplica = ACTIONS[event.action];
  if (stepsReplica === undefined) bad(l, `${event.action} is not an action of PBFT.tla: a line is one of ${Object.keys(ACTIONS).join(', ')}`);
  const params: [string, TlaValue][] = [];
  for (const k of ['i', 'j', 'n', 'k'] as const) if (p[k] !== undefined) params.push([k, int(number(p[k], l, `the parameter ${k}`))]);
  for (const k of ['r', 'd'] as const) if (p[k] !== undefined) params.push([k, str(String(p[k]))]);
  for (const k of ['from', 'Q'] as const) {
    if (p[k] === undefined) continue;
    if (!Array.isArray(p[k])) bad(l, `the parameter ${k} must be a list of replicas`);
    params.push([k, set((p[k] as unknown[]).map((j) => int(number(j, l, `a replica of ${k}`))))]);
  }
  const i = natural(p.i);
  if (stepsReplica && (i === undefined || i >= c.n || c.byzantine.includes(i))) {
    bad(l, `${event.action} needs the correct replica that steps, i (0 .. ${c.n - 1}, not the Byzantine ${c.byzantine.join(', ') || 'none'}), not ${JSON.stringify(p.i)}`);
  }
  const need = (ok: boolean, what: string) => ok || bad(l, `${event.action} logs no ${what}: ValidatePBFT.tla needs it`);
  if (['PrePrepare', 'ClientRequest', 'ClientAccept'].includes(event.action)) need(p.r !== undefined, 'request r');
  if (event.action.startsWith('Receive') && event.action !== 'ReceiveViewChanges' && event.action !== 'ReceiveNewView') need(p.n !== undefined, 'sequence number n');
  if (event.action === 'ReceivePrePrepare') need(p.d !== undefined, 'digest d');
  const recv = event.recv === undefined ? undefined : loggedMessage(event.recv, l);
  const sent = event.sent?.map((m) => loggedMessage(m, l));
  if (event.action === 'ReceiveNewView') need(p.j !== undefined && recv?.type === 'NewView', 'NEW-VIEW it took (recv) and its sender j');
  if (event.action === 'ReceiveViewChanges') need(sent?.some((m) => m.type === 'NewView') === true, 'NEW-VIEW it sent, with the view changes it took');
  const base = lineRecord(event, params, stateRecord(event.state, STATE_FIELDS), recv === undefined ? undefined : messageToTla(recv, str)) as TlaRecord;
  return sent === undefined ? base : record([...base.fields, ['sent', set(sent.map((m) => messageToTla(m, str)))]]);
}

/** The reducer's event a line is, at the replica's state before it; undefined where the line does not say enough. */
function eventOf(cfg: PbftConfig, e: LogEvent, node: Replica): ReplicaEvent | undefined {
  const p = e.params ?? {};
  const where = { file: '', line: e.n };
  const n = natural(p.n);
  const quorum = <M>(make: (c: Certificate, j: number) => M): { prePrepare: PrePrepareMessage; messages: M[] } | undefined => {
    const pp = prePrepares(node).find((m) => m.view === node.view && m.seq === n && (p.d === undefined || m.digest === p.d));
    const from = Array.isArray(p.from) ? p.from.map((j) => number(j, where, 'a replica')) : Array.from({ length: cfg.n }, (_, j) => j);
    return pp === undefined ? undefined : { prePrepare: pp, messages: from.map((j) => make(pp, j)) };
  };
  switch (e.action) {
    case 'PrePrepare':
      return { type: 'PrePrepare', request: String(p.r) };
    case 'ReceivePrePrepare':
      return { type: 'ReceivePrePrepare', message: e.recv === undefined ? prePrepareMsg(cfg, node.view, n ?? 0, String(p.d)) : (loggedMessage(e.recv, where) as PrePrepareMessage) };
    case 'ReceivePrepares': {
      const q = quorum(prepareMsg);
      return q && { type: 'ReceivePrepares', prePrepare: q.prePrepare, prepares: q.messages };
    }
    case 'ReceiveCommits': {
      const q = quorum(commitMsg);
      return q && { type: 'ReceiveCommits', prePrepare: q.prePrepare, commits: q.messages };
    }
    case 'Timeout':
      return { type: 'Timeout' };
    case 'ReceiveViewChanges': {
      const nv = e.sent?.map((m) => loggedMessage(m, where)).find((m) => m.type === 'NewView');
      return nv?.type === 'NewView' ? { type: 'ReceiveViewChanges', viewChanges: nv.viewChanges.filter((vc) => vc.sender !== node.id) } : undefined;
    }
    case 'ReceiveNewView': {
      const nv = e.recv === undefined ? undefined : loggedMessage(e.recv, where);
      return nv?.type === 'NewView' ? { type: 'ReceiveNewView', message: nv } : undefined;
    }
    default:
      return undefined;
  }
}

/** Why a quorum the line says it took is none (PBFT.tla's PrepareQuorum, CommitQuorum, ReplyQuorum), if it is not. */
function quorumReason(c: Constants, e: LogEvent): string | undefined {
  const from = e.params?.from;
  if (!Array.isArray(from)) return undefined;
  const f = (c.n - 1) / 3;
  const view = natural(e.state?.view);
  // The primary's PREPARE does not count: its pre-prepare stands for it.
  const counted = [...new Set(from.map((j) => natural(j)))].filter((j) => j !== undefined && !(e.action === 'ReceivePrepares' && view !== undefined && j === view % c.n));
  const rule = (
    {
      ReceivePrepares: ['PREPAREs', 'PrepareQuorum', '2f', PBFT_RULES.prepareQuorum],
      ReceiveCommits: ['COMMITs', 'CommitQuorum', '2f + 1', PBFT_RULES.commitQuorum],
      ClientAccept: ['replies', 'ReplyQuorum', 'f + 1', PBFT_RULES.replyQuorum],
    } as const
  )[e.action as 'ReceivePrepares' | 'ReceiveCommits' | 'ClientAccept'];
  if (rule === undefined || rule[3](counted.length, f)) return undefined;
  const who = counted.map((j) => (c.byzantine.includes(j!) ? `${j} (Byzantine)` : String(j))).join(', ') || 'none';
  return `the ${rule[0]} the line took, from ${who}, are ${counted.length}: ${rule[1]} needs ${rule[2]} (f = ${f})`;
}

export const pbftTraceValidator: TraceValidator = {
  module: 'ValidatePBFT.tla',
  model(lines: readonly LoggedLine[], moduleName: string): TraceModel {
    const c = constantsOf(lines);
    const steps = stepLines(lines);
    const { named, issued } = requests(lines, c);
    const definitions = [
      `TraceRequest == {${named.map((r) => str(r).key).join(', ')}}`,
      `TraceIssued == {${issued.map((r) => str(r).key).join(', ')}}`,
      `TraceNull == ${str(c.nullDigest).key}`,
    ];
    const module = traceModule(moduleName, 'ValidatePBFT.tla', { constants: [], definitions }, steps.map((l) => lineToTla(l, c)));
    const cfg = traceConfig([
      `N = ${c.n}`,
      `Byzantine = {${c.byzantine.join(', ')}}`,
      `K = ${c.k}`,
      'Request <- TraceRequest',
      'Null <- TraceNull',
      'ViewChangeQuorums <- TraceViewChangeQuorums',
      'NewViewsFrom <- TraceNewViewsFrom',
    ]);
    // Where each step names the request it prepares or commits, and a client's the replies or the
    // result it took, no step has two successors (ValidatePBFT.tla's TraceView).
    const determined = steps.every(({ event: { action, params: p } }) =>
      action === 'ReceivePrepares' || action === 'ReceiveCommits' ? p?.d !== undefined : action !== 'ClientAccept' || p?.from !== undefined || p?.k !== undefined,
    );
    return { module, cfg, steps, ...(determined && { view: 'TraceView' }) };
  },

  explain(lines: readonly LoggedLine[], steps: readonly LoggedLine[], failing: number): string[] {
    const c = constantsOf(lines);
    const cfg: PbftConfig = { n: c.n, f: (c.n - 1) / 3, k: c.k, nullDigest: c.nullDigest, rules: PBFT_RULES };
    const correct = Array.from({ length: c.n }, (_, i) => i).filter((i) => !c.byzantine.includes(i));
    const reason = quorumReason(c, steps[failing].event);
    const replayed = explainByReplay<Replica, (node: Replica) => ReplicaEvent | undefined>(
      {
        initial: new Map(correct.map((i) => [String(i), initialReplica(i)])),
        server: (e) => (ACTIONS[e.action] === true ? String(e.params?.i) : undefined),
        event: (e) => (node) => eventOf(cfg, e, node),
        reduce: (node, ev) => {
          const x = ev(node);
          return x === undefined ? undefined : pbftReduce(cfg, node, x)?.node;
        },
        show: (r) => `view ${r.view}, status ${r.status}, a log of ${r.log.size} messages, ${r.committed.size} committed, ${r.executed.length} executed`,
        candidates: () => [['Timeout', () => ({ type: 'Timeout' })]],
        logged: logPbftState,
      },
      steps,
      failing,
    );
    return reason === undefined ? replayed : [...replayed, reason];
  },
};
