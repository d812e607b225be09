// Multi-Paxos as a system: every server plays the three roles of MultiPaxos.tla (proposer,
// acceptor, replica), each run by its own reducer (src/multipaxos/node.ts), behind the node
// host's one entry point; with what the spec leaves to the environment: who campaigns and when
// (a randomised election timeout), when a leader takes BecomeLeader and Propose, and how it gets
// past lost messages.
//
// The spec has no retransmission of Accept or Decision. Progress after a loss comes from a new
// ballot: a leader whose own replica stalls behind what it has proposed (a slot without a quorum
// of acks, or a Decision it lost) takes Phase1a again, and BecomeLeader proposes again, and decides
// again, everything its promises report from the first slot its replica has not executed.
// Followers hear that a leader is alive from the Accepts their acceptor takes, and the spec has no
// other message a leader could send when clients are idle: so an idle leader proposes a beat (a
// command that the key-value store skips, "beat r/s" for its round and slot) a few times an
// election timeout. Without it some follower would time out and be elected in its place every
// second or two: a minute's run of five servers was 40
// elections and 700,000 steps for 1,700 commands, when each election still re-decided the whole
// log (before Phase 1 began at the first slot not executed).
//
// Stable storage holds the whole server: the acceptor's promised and accepted (MultiPaxos.tla
// keeps them over Restart), and the proposer's and the replica's state too, so that a crash and a
// restart is exactly the spec's Restart(a), which changes nothing; a server that forgot its
// proposer's ballot or its replica's log would be in a state the spec cannot reach.

import { UserError } from '../core/errors.ts';
import { drawDelay } from '../host/system.ts';
import type { SystemOptions, SystemProtocol } from '../host/system.ts';
import type { HostContext, HostPolicy, NodeId, ReducerStep, SystemDefinition } from '../host/types.ts';
import { above, ballotOf } from '../paxos/ballot.ts';
import { multiPaxosMonitor } from './monitor.ts';
import { multiPaxosRules } from './mutants.ts';
import { initialAcceptor, initialProposer, initialReplica, step } from './node.ts';
import type { MultiPaxosConfig } from './node.ts';
import type { AcceptorState, Command, MultiPaxosMessage, ProposerState, ReplicaState, ServerId } from './types.ts';

/** One server: MultiPaxos.tla's variables at p = a = r. */
export interface MultiPaxosServer {
  readonly id: ServerId;
  readonly proposer: ProposerState;
  readonly acceptor: AcceptorState;
  readonly replica: ReplicaState;
}

/** What can happen at a server: a message for one of its roles, or one of the proposer's (or acceptor's) own actions. */
export type MultiPaxosServerEvent =
  | { readonly type: 'Receive'; readonly message: MultiPaxosMessage }
  | { readonly type: 'Phase1a' }
  | { readonly type: 'BecomeLeader' }
  | { readonly type: 'Propose'; readonly command: Command }
  | { readonly type: 'Restart' };

export type MultiPaxosStep = ReducerStep<MultiPaxosServer, MultiPaxosMessage>;

/** The command that does nothing (MultiPaxos.tla's NoOp): not a client command, which is a JSON array. */
export const NOOP: Command = 'NoOp';

/** Rounds and slots for long runs: Phase1a looks for the next round, Propose for the next slot, in these lists. */
export const ROUNDS = 10_000;
export const SLOTS = 1_000_000;

/** The beat an idle leader proposes in slot `slot` of round `round`: unique in its ballot, as Propose requires, and not a client's command. */
export function beatCommand(round: number, slot: number): Command {
  return `beat ${round}/${slot}`;
}

export function multiPaxosSystemConfig(nodes: number, mutant?: string): MultiPaxosConfig {
  const ids = Array.from({ length: nodes }, (_, k) => k + 1);
  return {
    proposers: ids,
    acceptors: ids,
    replicas: ids,
    rounds: Array.from({ length: ROUNDS }, (_, k) => k + 1),
    slots: Array.from({ length: SLOTS }, (_, k) => k + 1),
    noop: NOOP,
    rules: multiPaxosRules(mutant),
  };
}

export function initialServer(id: ServerId): MultiPaxosServer {
  return { id, proposer: initialProposer(id), acceptor: initialAcceptor(id), replica: initialReplica(id) };
}

/**
 * The step `event` is at server `node`, named as MultiPaxos.tla's Next names it, with its
 * parameters (a message step's are the receiver's role and the sender's: HandlePrepare {a, p});
 * undefined where the spec does not enable it (the reducer says: a message for another server
 * is one). A message goes to the role that handles it.
 */
export function multiPaxosReduce(cfg: MultiPaxosConfig, node: MultiPaxosServer, event: MultiPaxosServerEvent): MultiPaxosStep | undefined {
  const id = node.id;
  if (event.type === 'Receive') {
    const m = event.message;
    const received = { received: m };
    switch (m.type) {
      case 'Prepare': {
        const t = step(cfg, node.acceptor, { type: 'Receive', message: m });
        return t && { node: { ...node, acceptor: t.node }, sent: t.sent, action: 'HandlePrepare', params: { a: id, p: m.source }, ...received };
      }
      case 'Accept': {
        const t = step(cfg, node.acceptor, { type: 'Receive', message: m });
        return t && { node: { ...node, acceptor: t.node }, sent: t.sent, action: 'HandleAccept', params: { a: id, p: m.source }, ...received };
      }
      case 'Promise': {
        const t = step(cfg, node.proposer, { type: 'Receive', message: m });
        return t && { node: { ...node, proposer: t.node }, sent: t.sent, action: 'HandlePromise', params: { p: id, a: m.source }, ...received };
      }
      case 'Accepted': {
        const t = step(cfg, node.proposer, { type: 'Receive', message: m });
        return t && { node: { ...node, proposer: t.node }, sent: t.sent, action: 'HandleAccepted', params: { p: id, a: m.source }, ...received };
      }
      case 'Decision': {
        const t = step(cfg, node.replica, { type: 'Receive', message: m });
        return t && { node: { ...node, replica: t.node }, sent: t.sent, action: 'HandleDecision', params: { r: id, p: m.source }, ...received };
      }
    }
  }
  if (event.type === 'Restart') {
    const t = step(cfg, node.acceptor, event);
    return t && { node: { ...node, acceptor: t.node }, sent: t.sent, action: 'Restart', params: { a: id } };
  }
  const t = step(cfg, node.proposer, event.type === 'Phase1a' ? { type: 'Phase1a', executed: node.replica.log } : event);
  if (t === undefined) return undefined;
  const params = event.type === 'Propose' ? { p: id, c: event.command } : { p: id };
  return { node: { ...node, proposer: t.node }, sent: t.sent, action: event.type, params };
}

/**
 * A server's variables as its event log's lines record them (ValidateMultiPaxos.tla reads them):
 * MultiPaxos.tla's, at p = a = r; the promise in full, the others, which grow with the log, by size.
 */
export function multiPaxosLogState(node: MultiPaxosServer): Readonly<Record<string, unknown>> {
  const { proposer, acceptor, replica } = node;
  return {
    round: proposer.round,
    phase: proposer.phase,
    promiseCount: proposer.promises.length,
    proposalCount: proposer.proposals.length,
    ackCount: proposer.acks.length,
    promised: acceptor.promised,
    acceptedCount: acceptor.accepted.length,
    logLength: replica.log.length,
    pendingCount: replica.pending.length,
  };
}

/** The proposer leads: its ballot won phase 1, and its own acceptor has promised no higher one (it knows of no successor). */
export function leads(cfg: MultiPaxosConfig, node: MultiPaxosServer): boolean {
  const p = node.proposer;
  return p.phase === 'Leader' && !supersededAt(cfg, node);
}

/** The server's acceptor has promised a ballot above its proposer's: someone else has a later ballot. */
function supersededAt(cfg: MultiPaxosConfig, node: MultiPaxosServer): boolean {
  const promised = node.acceptor.promised;
  return promised !== null && cfg.rules.ballotLess(ballotOf(node.proposer), promised);
}

/** Where a client is sent: the proposer of the highest ballot this server's acceptor has promised. */
function leaderHint(node: MultiPaxosServer): NodeId | undefined {
  const promised = node.acceptor.promised;
  return promised === null || promised.proposer === node.id ? undefined : String(promised.proposer);
}

/** The most commands a server keeps for a ballot it is still winning. */
const MAX_QUEUED = 64;

/** Whether a replica's log has stood still behind what is ahead of it (proposals, accepted slots) for a while. */
class StallWatch {
  private length = 0;
  private since = 0;

  /** The log is this long now: its progress is timed from here. */
  restart(length: number, now: number): void {
    this.length = length;
    this.since = now;
  }

  /** Whether the log, behind `ahead`, has not grown for `ms` (a log that grew, or caught up, starts the watch again). */
  stalled(length: number, ahead: number, now: number, ms: number): boolean {
    if (ahead <= length || length !== this.length) {
      this.restart(length, now);
      return false;
    }
    return now - this.since >= ms;
  }
}

/** What a Multi-Paxos server does when, beyond what the spec says it may do. Volatile: made anew at each boot. */
class MultiPaxosPolicy implements HostPolicy<MultiPaxosServer, MultiPaxosMessage, MultiPaxosServerEvent> {
  /** Client commands that came while this server was winning a ballot: proposed once it leads. */
  private queued: Command[] = [];
  /** As leader, its replica's log behind its proposals. */
  private readonly leading = new StallWatch();
  /** When this server last proposed, as leader: an idle leader beats. */
  private lastPropose = 0;
  /** As a follower, its replica's log behind what its acceptor accepted. */
  private readonly following = new StallWatch();

  constructor(
    private readonly cfg: MultiPaxosConfig,
    private readonly options: SystemOptions,
  ) {}

  /** How long a leader's replica may stall behind its proposals before it takes a new ballot. */
  private get retryMs(): number {
    return this.options.timing.electionTimeoutMs[0];
  }

  /** How long a leader may go without proposing before it beats: a third of the shortest election timeout. */
  private get beatMs(): number {
    return this.options.timing.electionTimeoutMs[0] / 3;
  }

  start(ctx: HostContext<MultiPaxosServer, MultiPaxosServerEvent>): void {
    this.armElection(ctx);
    // A leader that restarts (its state is on stable storage) goes on leading.
    if (leads(this.cfg, ctx.node)) this.nowLeading(ctx);
  }

  private armElection(ctx: HostContext<MultiPaxosServer, MultiPaxosServerEvent>): void {
    ctx.setTimer('election', drawDelay(ctx.random, this.options.timing.electionTimeoutMs));
  }

  private nowLeading(ctx: HostContext<MultiPaxosServer, MultiPaxosServerEvent>): void {
    this.leading.restart(ctx.node.replica.log.length, ctx.now());
    this.lastPropose = ctx.now();
    ctx.setTimer('heartbeat', this.options.timing.heartbeatMs);
  }

  /** Phase1a, as many times as it takes for a ballot above the highest this server has promised (each a step of the spec). */
  private campaign(ctx: HostContext<MultiPaxosServer, MultiPaxosServerEvent>): void {
    const promised = ctx.node.acceptor.promised;
    while (ctx.step({ type: 'Phase1a' })) {
      if (promised === null || above(ballotOf(ctx.node.proposer), promised, this.cfg.rules.ballotLess)) break;
    }
    // A fresh timeout for this ballot: it is not abandoned before it has had time to win.
    this.armElection(ctx);
  }

  onTimer(ctx: HostContext<MultiPaxosServer, MultiPaxosServerEvent>, timer: string): void {
    if (timer === 'election') {
      if (leads(this.cfg, ctx.node)) this.armElection(ctx);
      else this.campaign(ctx);
      return;
    }
    if (timer !== 'heartbeat' || !leads(this.cfg, ctx.node)) return;
    // The leader's own replica executes what it proposed, or the leader takes a new ballot that decides it again.
    const node = ctx.node;
    if (this.leading.stalled(node.replica.log.length, node.proposer.proposals.length, ctx.now(), this.retryMs)) {
      this.campaign(ctx);
      return;
    }
    if (ctx.now() - this.lastPropose >= this.beatMs) ctx.step({ type: 'Propose', command: beatCommand(node.proposer.round, node.proposer.proposals.length + 1) });
    ctx.setTimer('heartbeat', this.options.timing.heartbeatMs);
  }

  onMessage(ctx: HostContext<MultiPaxosServer, MultiPaxosServerEvent>, message: MultiPaxosMessage): void {
    ctx.step({ type: 'Receive', message });
    // An Accept (or a Prepare) that our acceptor took is from the proposer of the current ballot: it is
    // alive, or winning, so this server puts off a campaign of its own.
    // Unless its own replica has stalled: then it lets its timeout come, and its election decides again what it missed.
    if ((message.type === 'Accept' || message.type === 'Prepare') && message.source !== ctx.node.id) {
      const promised = ctx.node.acceptor.promised;
      if (promised !== null && promised.round === message.ballot.round && promised.proposer === message.ballot.proposer && !this.stalled(ctx)) this.armElection(ctx);
    }
  }

  /**
   * The spec has no retransmission of a Decision: a replica that lost one waits at the gap while
   * its acceptor goes on accepting the leader's later slots. When its log has not grown for as
   * long as a leader waits before it tries again (retryMs), the server stops putting off its own
   * election.
   */
  private stalled(ctx: HostContext<MultiPaxosServer, MultiPaxosServerEvent>): boolean {
    const { acceptor, replica } = ctx.node;
    const accepted = acceptor.accepted.length === 0 ? 0 : acceptor.accepted[acceptor.accepted.length - 1].slot;
    return this.following.stalled(replica.log.length, accepted, ctx.now(), this.retryMs);
  }

  onClientCommand(ctx: HostContext<MultiPaxosServer, MultiPaxosServerEvent>, command: string) {
    const node = ctx.node;
    if (leads(this.cfg, node)) {
      // Propose is not enabled for a command already proposed in this ballot: it is on its way.
      if (ctx.step({ type: 'Propose', command }) || node.proposer.proposals.includes(command)) return { taken: true as const };
      return { taken: false as const };
    }
    if (node.proposer.phase === 'Phase1' && !supersededAt(this.cfg, node)) {
      if (!this.queued.includes(command) && this.queued.length < MAX_QUEUED) this.queued.push(command);
      return { taken: true as const };
    }
    return { taken: false as const, leaderHint: leaderHint(node) };
  }

  afterStep(ctx: HostContext<MultiPaxosServer, MultiPaxosServerEvent>, taken: MultiPaxosStep): void {
    if (taken.action === 'Propose') this.lastPropose = ctx.now();
    if (taken.action !== 'HandlePromise' || ctx.node.proposer.phase !== 'Phase1') return;
    if (!ctx.step({ type: 'BecomeLeader' })) return;
    const queued = this.queued;
    this.queued = [];
    for (const command of queued) ctx.step({ type: 'Propose', command });
    this.nowLeading(ctx);
  }
}

/**
 * What stable storage holds of a server: all of it (see the top of this file), as flat fields,
 * so that the lists that grow with the log (proposals, acks, accepted, log) are stored a row an
 * entry and a step that adds one writes one row, not the whole server.
 */
interface StableServer {
  readonly round: number;
  readonly phase: ProposerState['phase'];
  readonly promises: ProposerState['promises'];
  readonly proposals: ProposerState['proposals'];
  readonly acks: ProposerState['acks'];
  readonly promised: AcceptorState['promised'];
  readonly accepted: AcceptorState['accepted'];
  readonly log: ReplicaState['log'];
  readonly pending: ReplicaState['pending'];
}

function stableServer({ proposer: p, acceptor: a, replica: r }: MultiPaxosServer): StableServer {
  return { round: p.round, phase: p.phase, promises: p.promises, proposals: p.proposals, acks: p.acks, promised: a.promised, accepted: a.accepted, log: r.log, pending: r.pending };
}

function recoverServer(id: ServerId, s: StableServer): MultiPaxosServer {
  return {
    id,
    proposer: { id, round: s.round, phase: s.phase, promises: s.promises, proposals: s.proposals, acks: s.acks },
    acceptor: { id, promised: s.promised, accepted: s.accepted },
    replica: { id, log: s.log, pending: s.pending },
  };
}

export function createMultiPaxosSystem(options: SystemOptions): SystemDefinition<MultiPaxosServer, MultiPaxosMessage, MultiPaxosServerEvent> {
  const setting = Object.keys(options.policy ?? {})[0];
  if (setting !== undefined) throw new UserError(`the scenario's policy.multipaxos.${setting} is not a Multi-Paxos setting: Multi-Paxos's policy has none`);
  const cfg = multiPaxosSystemConfig(options.nodes, options.mutant);
  const servers = cfg.proposers.map(String);
  return {
    servers,
    initialNode: (id) => initialServer(Number(id)),
    reduce: (node, event) => multiPaxosReduce(cfg, node, event),
    destinations: (m) => [String(m.dest)],
    stable: stableServer,
    recover: (id, stable) => ({ node: recoverServer(Number(id), stable as StableServer), restart: { type: 'Restart' } }),
    committed: (node) => ({ length: node.replica.log.length, entry: (k) => node.replica.log[k] }),
    leading: (node) => (leads(cfg, node) ? node.proposer.round : undefined),
    // The run's constants, for trace validation: the rounds are 1 .. MaxRound, the slots 1 .. MaxSlot.
    constants: { Proposer: cfg.proposers, Acceptor: cfg.acceptors, Replica: cfg.replicas, MaxRound: cfg.rounds.length, MaxSlot: cfg.slots.length, NoOp: cfg.noop },
    logState: multiPaxosLogState,
    policy: () => new MultiPaxosPolicy(cfg, options),
    monitor: () => multiPaxosMonitor(cfg),
  };
}

export const multiPaxosSystem: SystemProtocol = {
  name: 'multipaxos',
  minNodes: 1,
  defaultNodes: 5,
  crashes: true,
  model: 'kv',
  create: createMultiPaxosSystem,
};
