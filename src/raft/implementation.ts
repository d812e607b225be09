// Raft implementations that are not ours, as the cluster model's reducer (--impl, docs/driver.md):
// a TypeScript module with our reducer's interface, or a process in any language spoken to in
// Raft.tla's own terms (the per-server variables, the message records, the actions). Either way
// each distinct question (this node state, this event) is asked once: a graph search asks the
// same one many times, and an implementation must answer it the same way each time.

import { UserError } from '../core/errors.ts';
import { DriverSession, tlaToJson } from '../impl/driver.ts';
import { str } from '../core/tla/value.ts';
import { messageToTla } from './tla.ts';
import type { Json, JsonObject } from '../impl/driver.ts';
import { exportedFunction } from '../impl/implementation.ts';
import { DriverRequestError } from '../impl/serve.ts';
import type { DriverHandler } from '../impl/serve.ts';
import type { Implementation } from '../impl/implementation.ts';
import { messageKey } from './cluster.ts';
import { RAFT_RULES, initialNode, step } from './node.ts';
import type { RaftConfig, RaftReducer } from './node.ts';
import type { LogEntry, RaftEvent, RaftMessage, RaftNode, Role, ServerId, Transition } from './types.ts';

// ---- the wire: Raft.tla's terms -----------------------------------------------------------------

export function stateToWire(n: RaftNode): JsonObject {
  return {
    currentTerm: n.currentTerm,
    votedFor: n.votedFor,
    log: n.log.map((e) => ({ term: e.term, value: e.value })),
    state: n.role,
    commitIndex: n.commitIndex,
    votesGranted: [...n.votesGranted],
    nextIndex: { ...n.nextIndex },
    matchIndex: { ...n.matchIndex },
  };
}

/** A message as Raft.tla's record, field for field. */
export function messageToWire(m: RaftMessage): JsonObject {
  return tlaToJson(messageToTla(m, str)) as JsonObject;
}

export function eventToWire(e: RaftEvent): JsonObject {
  switch (e.type) {
    case 'Receive':
      return { type: 'Receive', m: messageToWire(e.message) };
    case 'ClientRequest':
      return { type: 'ClientRequest', v: e.value };
    case 'AppendEntries':
      return { type: 'AppendEntries', j: e.to };
    default:
      return { type: e.type };
  }
}

/** Reads what an implementation sent back, or says (by `fail`) in one line which field is wrong. */
export function readRaftWire(cfg: RaftConfig, fail: (what: string) => never): WireReader {
  return new WireReader(cfg, fail);
}

class WireReader {
  constructor(
    private readonly cfg: RaftConfig,
    private readonly fail: (what: string) => never,
  ) {}

  private field(o: JsonObject, f: string, where: string): Json {
    if (!(f in o)) this.fail(`${where} has no "${f}"`);
    return o[f];
  }

  private nat(o: JsonObject, f: string, where: string): number {
    const v = this.field(o, f, where);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) this.fail(`${where}.${f} is ${JSON.stringify(v)}, not a natural number`);
    return v;
  }

  private server(v: Json, where: string): ServerId {
    if (typeof v !== 'string' || !this.cfg.servers.includes(v)) this.fail(`${where} is ${JSON.stringify(v)}, not one of the servers ${this.cfg.servers.join(', ')}`);
    return v;
  }

  private bool(o: JsonObject, f: string, where: string): boolean {
    const v = this.field(o, f, where);
    if (typeof v !== 'boolean') this.fail(`${where}.${f} is ${JSON.stringify(v)}, not a boolean`);
    return v;
  }

  private object(v: Json, where: string): JsonObject {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(`${where} is ${JSON.stringify(v)}, not an object`);
    return v as JsonObject;
  }

  private entries(v: Json, where: string): LogEntry[] {
    if (!Array.isArray(v)) this.fail(`${where} is ${JSON.stringify(v)}, not a list`);
    return (v as Json[]).map((x, k) => {
      const e = this.object(x, `${where}[${k}]`);
      const value = this.field(e, 'value', `${where}[${k}]`);
      if (typeof value !== 'string') this.fail(`${where}[${k}].value is ${JSON.stringify(value)}, not a string`);
      return { term: this.nat(e, 'term', `${where}[${k}]`), value };
    });
  }

  private perServer(v: Json, where: string): Record<ServerId, number> {
    const o = this.object(v, where);
    return Object.fromEntries(this.cfg.servers.map((j) => [j, this.nat(o, j, where)]));
  }

  state(x: Json, id: ServerId): RaftNode {
    const o = this.object(x, 'state');
    const role = this.field(o, 'state', 'state');
    if (role !== 'Follower' && role !== 'Candidate' && role !== 'Leader') this.fail(`state.state is ${JSON.stringify(role)}, not "Follower", "Candidate" or "Leader"`);
    const votedFor = this.field(o, 'votedFor', 'state');
    const votes = this.field(o, 'votesGranted', 'state');
    if (!Array.isArray(votes)) this.fail(`state.votesGranted is ${JSON.stringify(votes)}, not a list`);
    return {
      id,
      currentTerm: this.nat(o, 'currentTerm', 'state'),
      votedFor: votedFor === null ? null : this.server(votedFor, 'state.votedFor'),
      log: this.entries(this.field(o, 'log', 'state'), 'state.log'),
      role: role as Role,
      commitIndex: this.nat(o, 'commitIndex', 'state'),
      // A set: sorted, each once, as our states keep it.
      votesGranted: [...new Set((votes as Json[]).map((s, k) => this.server(s, `state.votesGranted[${k}]`)))].sort(),
      nextIndex: this.perServer(this.field(o, 'nextIndex', 'state'), 'state.nextIndex'),
      matchIndex: this.perServer(this.field(o, 'matchIndex', 'state'), 'state.matchIndex'),
    };
  }

  message(x: Json, where: string): RaftMessage {
    const o = this.object(x, where);
    const common = { term: this.nat(o, 'mterm', where), source: this.server(this.field(o, 'msource', where), `${where}.msource`), dest: this.server(this.field(o, 'mdest', where), `${where}.mdest`) };
    const type = this.field(o, 'mtype', where);
    switch (type) {
      case 'RequestVoteRequest':
        return { type, ...common, lastLogTerm: this.nat(o, 'mlastLogTerm', where), lastLogIndex: this.nat(o, 'mlastLogIndex', where) };
      case 'RequestVoteResponse':
        return { type, ...common, voteGranted: this.bool(o, 'mvoteGranted', where) };
      case 'AppendEntriesRequest':
        return {
          type,
          ...common,
          prevLogIndex: this.nat(o, 'mprevLogIndex', where),
          prevLogTerm: this.nat(o, 'mprevLogTerm', where),
          entries: this.entries(this.field(o, 'mentries', where), `${where}.mentries`),
          commitIndex: this.nat(o, 'mcommitIndex', where),
        };
      case 'AppendEntriesResponse':
        return { type, ...common, success: this.bool(o, 'msuccess', where), matchIndex: this.nat(o, 'mmatchIndex', where) };
      default:
        return this.fail(`${where}.mtype is ${JSON.stringify(type)}, not one of Raft.tla's four message types`);
    }
  }
}

// ---- the implementations ------------------------------------------------------------------------

function eventKey(e: RaftEvent): string {
  switch (e.type) {
    case 'Receive':
      return messageKey(e.message);
    case 'ClientRequest':
      return `ClientRequest ${e.value}`;
    case 'AppendEntries':
      return `AppendEntries ${e.to}`;
    default:
      return e.type;
  }
}

/**
 * Each node state is asked each question once; equal states that the implementation returns are
 * one object (so the cache, keyed by the object, serves every path that reaches it).
 */
function remembering(ask: RaftReducer): RaftReducer {
  const answers = new WeakMap<RaftNode, Map<string, Transition | null>>();
  const states = new Map<string, RaftNode>();
  const intern = (n: RaftNode): RaftNode => {
    const key = `${n.id} ${JSON.stringify(stateToWire(n))}`;
    const known = states.get(key);
    if (known !== undefined) return known;
    states.set(key, n);
    return n;
  };
  return {
    initialNode: (cfg, id) => intern(ask.initialNode(cfg, id)),
    step(cfg, node, event) {
      let byEvent = answers.get(node);
      if (byEvent === undefined) answers.set(node, (byEvent = new Map()));
      const key = eventKey(event);
      const known = byEvent.get(key);
      if (known !== undefined) return known ?? undefined;
      const t = ask.step(cfg, node, event);
      const answer = t === undefined ? null : { node: intern(t.node), sent: t.sent };
      byEvent.set(key, answer);
      return answer ?? undefined;
    },
  };
}

function describeEvent(id: ServerId, e: RaftEvent): string {
  return `${e.type} at ${id}${e.type === 'Receive' ? ` of ${JSON.stringify(messageToWire(e.message))}` : ''}`;
}

/** A process that speaks docs/driver.md. */
function commandReducer(impl: Implementation & { kind: 'command' }, cfg: RaftConfig, values: readonly string[]): RaftReducer {
  const session = new DriverSession(impl.label, impl.command, impl.timeoutMs);
  session.init('raft', cfg.servers, { Server: [...cfg.servers], Value: [...values], MaxEntries: cfg.maxEntries });
  const reader = (request: JsonObject) => new WireReader(cfg, (what) => session.fail(request, `its reply is not Raft.tla's: ${what}`));
  return {
    initialNode(c, id) {
      return reader({ type: 'initial', node: id }).state(session.initial(id), id);
    },
    step(c, node, event) {
      const state = stateToWire(node);
      const wireEvent = eventToWire(event);
      const reply = session.step(node.id, state, wireEvent);
      if (!reply.enabled) return undefined;
      const read = reader({ type: 'step', node: node.id, state, event: wireEvent });
      return { node: read.state(reply.state!, node.id), sent: reply.sent!.map((m, k) => read.message(m, `sent[${k}]`)) };
    },
  };
}

/** A module with our reducer's interface: step(cfg, node, event), and optionally initialNode(cfg, id). */
function moduleReducer(impl: Implementation & { kind: 'module' }, cfg: RaftConfig): RaftReducer {
  const theirStep = exportedFunction<RaftReducer['step']>(impl, 'step', '(cfg, node, event)');
  const theirInitial = typeof impl.exports.initialNode === 'function' ? (impl.exports.initialNode as RaftReducer['initialNode']) : initialNode;
  // What they return goes through the wire's reader too: the same checks, the same canonical form.
  const check = (x: RaftNode, id: ServerId, what: string) => new WireReader(cfg, (w) => failModule(impl, `${what}: ${w}`)).state(stateToWire(x), id);
  const call = <T>(what: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof UserError) throw e;
      return failModule(impl, `${what} threw ${((e as Error).message ?? String(e)).split('\n')[0]}`);
    }
  };
  return {
    initialNode: (c, id) => call(`initialNode(${id})`, () => check(theirInitial(c, id), id, `initialNode(${id})`)),
    step(c, node, event) {
      const what = `step(${describeEvent(node.id, event)})`;
      return call(what, () => {
        const t = theirStep(c, node, event);
        if (t === undefined || t === null) return undefined;
        const reader = new WireReader(cfg, (w) => failModule(impl, `${what} returned ${w}`));
        return { node: check(t.node, node.id, what), sent: (t.sent ?? []).map((m, k) => reader.message(messageToWire(m), `sent[${k}]`)) };
      });
    },
  };
}

function failModule(impl: Implementation, what: string): never {
  throw new UserError(`--impl ${impl.label}: ${what}`);
}

/** The reducer an --impl stands for, asking each distinct question once. */
export function raftReducerOf(impl: Implementation, cfg: RaftConfig, values: readonly string[]): RaftReducer {
  return remembering(impl.kind === 'command' ? commandReducer(impl, cfg, values) : moduleReducer(impl, cfg));
}

// ---- ours, behind the driver protocol (consensus-lab driver raft) ---------------------------------

/** Our reducer, answering the driver's requests as docs/driver.md says an implementation must. */
export function raftDriverHandler(): DriverHandler {
  let cfg: RaftConfig | undefined;
  const malformed = (what: string): never => {
    throw new DriverRequestError('malformed-request', what);
  };
  const nodeOf = (r: JsonObject): ServerId => {
    if (cfg === undefined) return malformed(`${String(r.type)} before init`);
    if (typeof r.node !== 'string' || !cfg.servers.includes(r.node)) return malformed(`node ${JSON.stringify(r.node)} is not one of init's node_ids`);
    return r.node;
  };
  return (r): JsonObject => {
    switch (r.type) {
      case 'init': {
        if (r.protocol !== 'raft') throw new DriverRequestError('unsupported', `this is a Raft, not ${JSON.stringify(r.protocol)}`);
        const ids = r.node_ids;
        if (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === 'string')) return malformed('node_ids must be a list of node ids');
        const constants = (typeof r.constants === 'object' && r.constants !== null && !Array.isArray(r.constants) ? r.constants : {}) as JsonObject;
        const maxEntries = constants.MaxEntries ?? 1;
        if (typeof maxEntries !== 'number' || !Number.isInteger(maxEntries) || maxEntries < 1) return malformed('constants.MaxEntries must be a whole number above 0');
        cfg = { servers: [...(ids as string[])].sort(), maxEntries, rules: RAFT_RULES };
        return { type: 'init_ok', name: 'consensus-lab (src/raft/node.ts)' };
      }
      case 'initial':
        return { type: 'initial_ok', state: stateToWire(initialNode(cfg!, nodeOf(r))) };
      case 'step': {
        const id = nodeOf(r);
        const wire = readRaftWire(cfg!, malformed);
        const node = wire.state(r.state ?? null, id);
        const event = eventFromWire(wire, r.event ?? null, malformed);
        if (event.type === 'Receive' && event.message.dest !== id) return malformed(`the message's mdest is ${event.message.dest}, not ${id}`);
        const t = step(cfg!, node, event);
        return t === undefined ? { type: 'step_ok', enabled: false } : { type: 'step_ok', enabled: true, state: stateToWire(t.node), sent: t.sent.map(messageToWire) };
      }
      default:
        throw new DriverRequestError('unknown-request', `no such request: ${JSON.stringify(r.type)}`);
    }
  };
}

function eventFromWire(wire: WireReader, x: Json, malformed: (what: string) => never): RaftEvent {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return malformed('event must be an object');
  const e = x as JsonObject;
  switch (e.type) {
    case 'Timeout':
    case 'BecomeLeader':
    case 'AdvanceCommitIndex':
    case 'Restart':
      return { type: e.type };
    case 'Receive':
      return { type: 'Receive', message: wire.message(e.m ?? null, 'event.m') };
    case 'ClientRequest':
      return typeof e.v === 'string' ? { type: 'ClientRequest', value: e.v } : malformed('ClientRequest needs a value v');
    case 'AppendEntries':
      return typeof e.j === 'string' ? { type: 'AppendEntries', to: e.j } : malformed('AppendEntries needs the receiver j');
    default:
      return malformed(`no such event: ${JSON.stringify(e.type)}`);
  }
}
