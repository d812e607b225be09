// Single-decree Paxos as a system: a write-once register. Every server plays the three roles of
// Paxos.tla (proposer, acceptor, learner), each run by its own reducer (src/paxos/node.ts), behind
// the node host's one entry point.
//
// Clients' puts are the values proposed: the first value chosen is the register's, for good. A put
// whose value was chosen is ok (the server's log is the decided value, applied like any command);
// one that lost is fail: it did not happen. A get returns the decided value once this server's
// learner has decided, and fails otherwise (it did not happen: an undecided learner cannot tell a
// register never written from one written elsewhere, so it never answers nil). Those answers come
// from the node's state (SystemDefinition.answer), not from the log.
//
// What the spec leaves to the environment: a server with a client's value, or an undecided
// learner that has heard nothing for a randomised timeout, starts a ballot (Phase1a, as many times
// as it takes to get above what its own acceptor has promised), and takes Phase2a as soon as a
// quorum has promised, with the value the promises require, else its client's value, else the
// value its own acceptor accepted. The spec has no retransmission: a value whose Accepted or
// Decided messages were lost reaches the learners that missed it through another ballot, which
// must propose it again.
//
// Stable storage holds the whole server: the acceptor's promise and accepted value (all of Paxos's
// safety rests on them), and the proposer's and the learner's state too, so that a crash and a
// restart is exactly the spec's Restart(a) and nothing the spec cannot express.

import { decodeCommand } from '../host/kv.ts';
import type { KvResult } from '../host/kv.ts';
import { UserError } from '../core/errors.ts';
import { drawDelay } from '../host/system.ts';
import type { SystemOptions, SystemProtocol } from '../host/system.ts';
import type { HostContext, HostPolicy, ReducerStep, SystemDefinition } from '../host/types.ts';
import { above, ballotOf } from './ballot.ts';
import { paxosMonitor } from './monitor.ts';
import { paxosRules } from './mutants.ts';
import { initialAcceptor, initialLearner, initialProposer, reported, stepAcceptor, stepLearner, stepProposer } from './node.ts';
import type { PaxosConfig } from './node.ts';
import type { AcceptorState, LearnerState, PaxosMessage, ProposerState, ServerId, Value } from './types.ts';

/** One server: Paxos.tla's variables at p = a = l. */
export interface PaxosServer {
  readonly id: ServerId;
  readonly proposer: ProposerState;
  readonly acceptor: AcceptorState;
  readonly learner: LearnerState;
}

export type PaxosServerEvent =
  | { readonly type: 'Receive'; readonly message: PaxosMessage }
  | { readonly type: 'Phase1a' }
  | { readonly type: 'Phase2a'; readonly value: Value }
  | { readonly type: 'Restart' };

export type PaxosStep = ReducerStep<PaxosServer, PaxosMessage>;

/** Rounds for long runs: a proposer goes through them one Phase1a at a time. */
export const ROUNDS = 10_000;

export function paxosSystemConfig(nodes: number, mutant?: string): PaxosConfig {
  const ids = Array.from({ length: nodes }, (_, k) => k + 1);
  return { proposers: ids, acceptors: ids, learners: ids, rounds: Array.from({ length: ROUNDS }, (_, k) => k + 1), rules: paxosRules(mutant) };
}

export function initialServer(id: ServerId): PaxosServer {
  return { id, proposer: initialProposer(id), acceptor: initialAcceptor(id), learner: initialLearner(id) };
}

/**
 * The step `event` is at server `node`, named as Paxos.tla's Next names it, with its parameters
 * (a message step's are the receiver's role and the sender's: HandlePrepare {a, p}); undefined
 * where the spec does not enable it. A message goes to the role that handles it.
 */
export function paxosReduce(cfg: PaxosConfig, node: PaxosServer, event: PaxosServerEvent): PaxosStep | undefined {
  const id = node.id;
  if (event.type === 'Receive') {
    // The role's reducer refuses a message that is not for this server (the spec's m.mdest).
    const m = event.message;
    const received = { received: m };
    switch (m.type) {
      case 'Prepare': {
        const t = stepAcceptor(cfg, node.acceptor, { type: 'Receive', message: m });
        return t && { node: { ...node, acceptor: t.node }, sent: t.sent, action: 'HandlePrepare', params: { a: id, p: m.source }, ...received };
      }
      case 'Accept': {
        const t = stepAcceptor(cfg, node.acceptor, { type: 'Receive', message: m });
        return t && { node: { ...node, acceptor: t.node }, sent: t.sent, action: 'HandleAccept', params: { a: id, p: m.source }, ...received };
      }
      case 'Promise': {
        const t = stepProposer(cfg, node.proposer, { type: 'Receive', message: m });
        return t && { node: { ...node, proposer: t.node }, sent: t.sent, action: 'HandlePromise', params: { p: id, a: m.source }, ...received };
      }
      case 'Accepted': {
        const t = stepLearner(cfg, node.learner, { type: 'Receive', message: m });
        return t && { node: { ...node, learner: t.node }, sent: t.sent, action: 'HandleAccepted', params: { l: id, a: m.source }, ...received };
      }
      case 'Decided': {
        const t = stepLearner(cfg, node.learner, { type: 'Receive', message: m });
        return t && { node: { ...node, learner: t.node }, sent: t.sent, action: 'HandleDecided', params: { l: id, k: m.source }, ...received };
      }
    }
  }
  if (event.type === 'Restart') {
    const t = stepAcceptor(cfg, node.acceptor, event);
    return t && { node: { ...node, acceptor: t.node }, sent: t.sent, action: 'Restart', params: { a: id } };
  }
  const t = stepProposer(cfg, node.proposer, event);
  if (t === undefined) return undefined;
  const params = event.type === 'Phase2a' ? { p: id, v: event.value } : { p: id };
  return { node: { ...node, proposer: t.node }, sent: t.sent, action: event.type, params };
}

/** A server's variables as its event log's lines record them (ValidatePaxos.tla reads them): Paxos.tla's, at p = a = l, in full. */
export function paxosLogState(node: PaxosServer): Readonly<Record<string, unknown>> {
  const { proposer, acceptor, learner } = node;
  return {
    round: proposer.round,
    phase: proposer.phase,
    promises: proposer.promises,
    promised: acceptor.promised,
    accepted: acceptor.accepted,
    tally: learner.tally,
    decided: learner.decided,
  };
}

/**
 * The register's answer to a client's command, from the server's state: a get reads the decided
 * value, or fails while the learner is undecided; a put that lost fails. A put of the decided value
 * waits for the log to apply it (its result is the session's); an undecided put waits.
 */
export function registerAnswer(node: PaxosServer, command: string): KvResult | undefined {
  const c = decodeCommand(command);
  const decided = node.learner.decided;
  if (c === undefined) return undefined;
  if (c.op.f === 'get') {
    if (decided === null) return { ok: false };
    const d = decodeCommand(decided);
    return { ok: true, value: d !== undefined && d.op.f === 'put' ? d.op.value : '' };
  }
  if (c.op.f !== 'put') return { ok: false };
  if (decided === null || decided === command) return undefined;
  return { ok: false };
}

/** What a Paxos server does when, beyond what the spec says it may do. Volatile: made anew at each boot. */
class PaxosPolicy implements HostPolicy<PaxosServer, PaxosMessage, PaxosServerEvent> {
  /** The puts clients asked this server for, to propose (the first one) while nothing is decided. */
  private values: Value[] = [];

  constructor(
    private readonly cfg: PaxosConfig,
    private readonly options: SystemOptions,
  ) {}

  start(ctx: HostContext<PaxosServer, PaxosServerEvent>): void {
    this.armRetry(ctx);
  }

  private armRetry(ctx: HostContext<PaxosServer, PaxosServerEvent>): void {
    if (ctx.node.learner.decided === null) ctx.setTimer('retry', drawDelay(ctx.random, this.options.timing.electionTimeoutMs));
  }

  /** Phase1a, as many times as it takes for a ballot above the highest this server has promised (each a step of the spec). */
  private campaign(ctx: HostContext<PaxosServer, PaxosServerEvent>): void {
    const promised = ctx.node.acceptor.promised;
    while (ctx.step({ type: 'Phase1a' })) {
      if (promised === null || above(ballotOf(ctx.node.proposer), promised, this.cfg.rules.ballotLess)) break;
    }
    this.armRetry(ctx);
  }

  onTimer(ctx: HostContext<PaxosServer, PaxosServerEvent>, timer: string): void {
    // Undecided, and nobody has been heard driving a ballot for a while: drive one (it finds any value that may have been chosen).
    if (timer === 'retry' && ctx.node.learner.decided === null) this.campaign(ctx);
  }

  onMessage(ctx: HostContext<PaxosServer, PaxosServerEvent>, message: PaxosMessage): void {
    ctx.step({ type: 'Receive', message });
    // A Prepare or Accept that our acceptor took is from the proposer of the current ballot: let it finish.
    if ((message.type === 'Accept' || message.type === 'Prepare') && message.source !== ctx.node.id) {
      const promised = ctx.node.acceptor.promised;
      if (promised !== null && promised.round === message.ballot.round && promised.proposer === message.ballot.proposer) this.armRetry(ctx);
    }
  }

  onClientCommand(ctx: HostContext<PaxosServer, PaxosServerEvent>, command: string) {
    const node = ctx.node;
    const c = decodeCommand(command);
    // The register answers gets, and puts once decided, from its state.
    if (c === undefined || c.op.f !== 'put' || node.learner.decided !== null) return { taken: true as const };
    if (!this.values.includes(command)) this.values.push(command);
    if (node.proposer.phase === 'Idle') this.campaign(ctx);
    else if (node.proposer.phase === 'Phase1') this.phase2a(ctx);
    return { taken: true as const };
  }

  /** Phase 2a, if a quorum has promised: the value the promises require, else a client's, else the one this acceptor accepted. */
  private phase2a(ctx: HostContext<PaxosServer, PaxosServerEvent>): void {
    const node = ctx.node;
    const required = this.cfg.rules.requiredValue(reported(node.proposer), this.cfg.rules.ballotLess);
    const value = required ?? this.values[0] ?? node.acceptor.accepted?.val;
    if (value !== undefined) ctx.step({ type: 'Phase2a', value });
  }

  afterStep(ctx: HostContext<PaxosServer, PaxosServerEvent>, taken: PaxosStep): void {
    if (taken.action === 'HandlePromise' && ctx.node.proposer.phase === 'Phase1') this.phase2a(ctx);
    if (ctx.node.learner.decided !== null) this.values = [];
  }
}

export function createPaxosSystem(options: SystemOptions): SystemDefinition<PaxosServer, PaxosMessage, PaxosServerEvent> {
  const setting = Object.keys(options.policy ?? {})[0];
  if (setting !== undefined) throw new UserError(`the scenario's policy.paxos.${setting} is not a Paxos setting: Paxos's policy has none`);
  const cfg = paxosSystemConfig(options.nodes, options.mutant);
  const servers = cfg.proposers.map(String);
  return {
    servers,
    initialNode: (id) => initialServer(Number(id)),
    reduce: (node, event) => paxosReduce(cfg, node, event),
    destinations: (m) => [String(m.dest)],
    stable: (node) => node,
    recover: (id, stable) => {
      const s = stable as PaxosServer;
      return { node: { id: Number(id), proposer: s.proposer, acceptor: s.acceptor, learner: s.learner }, restart: { type: 'Restart' } };
    },
    // The register's log: the decided value, once there is one.
    committed: (node) => ({ length: node.learner.decided === null ? 0 : 1, entry: () => node.learner.decided! }),
    answer: registerAnswer,
    leading: (node) => (node.proposer.phase === 'Phase2' ? node.proposer.round : undefined),
    // The run's constants, for trace validation: the rounds are 1 .. MaxRound.
    constants: { Proposer: cfg.proposers, Acceptor: cfg.acceptors, Learner: cfg.learners, MaxRound: cfg.rounds.length },
    logState: paxosLogState,
    policy: () => new PaxosPolicy(cfg, options),
    monitor: () => paxosMonitor(cfg),
  };
}

export const paxosSystem: SystemProtocol = {
  name: 'paxos',
  minNodes: 1,
  defaultNodes: 5,
  crashes: true,
  model: 'register',
  create: createPaxosSystem,
};
