// Raft as a system: the reducer (src/raft/node.ts) behind the node host's one entry point, with
// what Raft.tla leaves to the environment: randomised election timeouts and heartbeats (Raft
// 5.2), when a leader sends AppendEntries and advances its commit index, what a client command
// becomes, and what is on stable storage (currentTerm, votedFor, log: Raft figure 2).

import { UserError } from '../core/errors.ts';
import { unreachable } from '../core/unreachable.ts';
import { drawDelay } from '../host/system.ts';
import type { SystemOptions, SystemProtocol } from '../host/system.ts';
import type { HostContext, HostPolicy, NodeId, ReducerStep, SystemDefinition } from '../host/types.ts';
import { raftRules } from './mutants.ts';
import { initialNode, step } from './node.ts';
import type { RaftConfig } from './node.ts';
import { raftMonitor } from './monitor.ts';
import type { LogEntry, RaftEvent, RaftMessage, RaftNode } from './types.ts';

const HANDLER = {
  RequestVoteRequest: 'HandleRequestVoteRequest',
  RequestVoteResponse: 'HandleRequestVoteResponse',
  AppendEntriesRequest: 'HandleAppendEntriesRequest',
  AppendEntriesResponse: 'HandleAppendEntriesResponse',
} as const;

/** Raft.tla's MaxEntries in a running system: a follower that is behind catches up 64 entries a round trip. */
export const MAX_ENTRIES = 64;

/** What a scenario may set of Raft's policy (its `policy` field). */
export interface RaftPolicyOptions {
  /** A new leader appends a no-op (Raft 8); without it, entries of earlier terms wait for a client's. */
  readonly leaderNoop: boolean;
  readonly maxEntries: number;
}

function raftPolicyOptions(policy: Readonly<Record<string, unknown>> | undefined): RaftPolicyOptions {
  const out = { leaderNoop: true, maxEntries: MAX_ENTRIES };
  for (const [k, v] of Object.entries(policy ?? {})) {
    if (k === 'leaderNoop' && typeof v === 'boolean') out.leaderNoop = v;
    else if (k === 'maxEntries' && Number.isInteger(v) && (v as number) >= 1) out.maxEntries = v as number;
    else throw new UserError(`the scenario's policy.raft.${k} = ${JSON.stringify(v)} is not a Raft setting: Raft's are leaderNoop (true or false) and maxEntries (a whole number above 0)`);
  }
  return out;
}

/** The entry a new leader appends: the state machine skips it. */
export const NOOP = 'noop';

interface Stable {
  readonly currentTerm: number;
  readonly votedFor: NodeId | null;
  readonly log: readonly LogEntry[];
}

/** The step `event` is at node, as Raft.tla's Next names it (the cluster model's action names and parameters). */
export function raftReduce(cfg: RaftConfig, node: RaftNode, event: RaftEvent): ReducerStep<RaftNode, RaftMessage> | undefined {
  const t = step(cfg, node, event);
  if (t === undefined) return undefined;
  const i = node.id;
  // A switch, not ts-pattern's match: this runs at every step of every simulation, and the
  // compiler still checks that every event is named (the default is unreachable).
  switch (event.type) {
    case 'Receive':
      return { node: t.node, sent: t.sent, action: HANDLER[event.message.type], params: { i, j: event.message.source }, received: event.message };
    case 'ClientRequest':
      return { node: t.node, sent: t.sent, action: 'ClientRequest', params: { i, v: event.value } };
    case 'AppendEntries':
      return { node: t.node, sent: t.sent, action: 'AppendEntries', params: { i, j: event.to } };
    case 'Timeout':
    case 'BecomeLeader':
    case 'AdvanceCommitIndex':
    case 'Restart':
      return { node: t.node, sent: t.sent, action: event.type, params: { i } };
    // Stryker disable next-line ConditionalExpression: unreachable: the compiler checks that every event type is named above
    default:
      return unreachable(event);
  }
}

/** What a Raft server does when, beyond what the spec says it may do. */
class RaftPolicy implements HostPolicy<RaftNode, RaftMessage, RaftEvent> {
  /** Who sent the last AppendEntries of our term: where clients are sent. */
  private leader: NodeId | undefined;
  /**
   * As leader, when the request to each follower still unanswered was sent: one request at a
   * time per follower, each answer sending the next (etcd-raft's probe state), so that
   * heartbeats do not start a second stream to a follower that is catching up.
   */
  private readonly inflight = new Map<NodeId, number>();

  constructor(
    private readonly cfg: RaftConfig,
    private readonly options: SystemOptions,
    private readonly settings: RaftPolicyOptions,
  ) {}

  start(ctx: HostContext<RaftNode, RaftEvent>): void {
    this.resetElectionTimer(ctx);
  }

  private resetElectionTimer(ctx: HostContext<RaftNode, RaftEvent>): void {
    ctx.setTimer('election', drawDelay(ctx.random, this.options.timing.electionTimeoutMs));
  }

  private replicate(ctx: HostContext<RaftNode, RaftEvent>, to: NodeId): void {
    if (ctx.step({ type: 'AppendEntries', to })) this.inflight.set(to, ctx.now());
  }

  /** A heartbeat or a new entry: sent unless a request to the follower is on its way (and not so long that it was lost). */
  private replicateIfIdle(ctx: HostContext<RaftNode, RaftEvent>, to: NodeId): void {
    const sent = this.inflight.get(to);
    if (sent === undefined || ctx.now() - sent >= 2 * this.options.timing.heartbeatMs) this.replicate(ctx, to);
  }

  onTimer(ctx: HostContext<RaftNode, RaftEvent>, timer: string): void {
    if (timer === 'election') {
      if (ctx.node.role !== 'Leader') ctx.step({ type: 'Timeout' });
      this.resetElectionTimer(ctx);
    } else if (timer === 'heartbeat' && ctx.node.role === 'Leader') {
      for (const j of this.cfg.servers) if (j !== ctx.id) this.replicateIfIdle(ctx, j);
      ctx.setTimer('heartbeat', this.options.timing.heartbeatMs);
    }
  }

  onMessage(ctx: HostContext<RaftNode, RaftEvent>, message: RaftMessage): void {
    const term = ctx.node.currentTerm;
    const votedFor = ctx.node.votedFor;
    ctx.step({ type: 'Receive', message });
    // Hearing from the leader of our term, or granting a vote, puts off our own election (Raft 5.2).
    if (message.type === 'AppendEntriesRequest' && message.term >= term) {
      this.leader = message.source;
      this.resetElectionTimer(ctx);
    } else if (message.type === 'RequestVoteRequest' && ctx.node.votedFor === message.source && votedFor !== message.source) {
      this.resetElectionTimer(ctx);
    }
  }

  onClientCommand(ctx: HostContext<RaftNode, RaftEvent>, command: string) {
    const node = ctx.node;
    if (node.role !== 'Leader') return { taken: false as const, leaderHint: this.leader === ctx.id ? undefined : this.leader };
    // A retry of a command this leader has put in its log is already on its way (one of an earlier
    // term may never be committed without an entry of this term: it goes in again, and applies once).
    for (let k = node.log.length - 1; k >= node.commitIndex && node.log[k].term === node.currentTerm; k--) {
      if (node.log[k].value === command) return { taken: true as const };
    }
    ctx.step({ type: 'ClientRequest', value: command });
    return { taken: true as const };
  }

  afterStep(ctx: HostContext<RaftNode, RaftEvent>, taken: ReducerStep<RaftNode, RaftMessage>): void {
    const node = ctx.node;
    if (node.role === 'Candidate') {
      if (ctx.step({ type: 'BecomeLeader' })) {
        this.leader = ctx.id;
        this.inflight.clear();
        // Raft 8: a new leader commits entries of earlier terms only with one of its own (5.4.2), so it
        // appends a no-op at once rather than wait for a client.
        if (this.settings.leaderNoop) ctx.step({ type: 'ClientRequest', value: NOOP });
        for (const j of this.cfg.servers) if (j !== ctx.id) this.replicate(ctx, j);
        ctx.setTimer('heartbeat', this.options.timing.heartbeatMs);
      }
      return;
    }
    if (node.role !== 'Leader') return;
    while (ctx.step({ type: 'AdvanceCommitIndex' }));
    // A new entry goes at once to the followers that were up to date.
    if (taken.action === 'ClientRequest') {
      for (const j of this.cfg.servers) if (j !== ctx.id && ctx.node.nextIndex[j] === ctx.node.log.length) this.replicateIfIdle(ctx, j);
    } else if (taken.action === 'HandleAppendEntriesResponse') {
      // The follower's answer: the next entry it lacks, or the one before the entry it refused.
      const m = taken.received as Extract<RaftMessage, { type: 'AppendEntriesResponse' }>;
      if (m.term !== ctx.node.currentTerm || !this.inflight.delete(m.source)) return;
      if (!m.success || ctx.node.nextIndex[m.source] <= ctx.node.log.length) this.replicate(ctx, m.source);
    }
  }
}

export function createRaftSystem(options: SystemOptions): SystemDefinition<RaftNode, RaftMessage, RaftEvent> {
  const servers = Array.from({ length: options.nodes }, (_, k) => `s${k + 1}`);
  const settings = raftPolicyOptions(options.policy);
  const cfg: RaftConfig = { servers, maxEntries: settings.maxEntries, rules: raftRules(options.mutant) };
  return {
    servers,
    initialNode: (id) => initialNode(cfg, id),
    reduce: (node, event) => raftReduce(cfg, node, event),
    destinations: (m) => [m.dest],
    stable: (node): Stable => ({ currentTerm: node.currentTerm, votedFor: node.votedFor, log: node.log }),
    recover: (id, stable) => {
      const s = stable as Stable;
      return { node: { ...initialNode(cfg, id), currentTerm: s.currentTerm, votedFor: s.votedFor, log: s.log }, restart: { type: 'Restart' } };
    },
    committed: (node) => ({ length: node.commitIndex, entry: (k) => node.log[k].value }),
    constants: { Server: servers, MaxEntries: settings.maxEntries },
    leading: (node) => (node.role === 'Leader' ? node.currentTerm : undefined),
    logState: (node) => ({
      currentTerm: node.currentTerm,
      role: node.role,
      votedFor: node.votedFor,
      commitIndex: node.commitIndex,
      logLength: node.log.length,
      lastLogTerm: node.log.length === 0 ? 0 : node.log[node.log.length - 1].term,
    }),
    policy: () => new RaftPolicy(cfg, options, settings),
    monitor: () => raftMonitor(),
  };
}

export const raftSystem: SystemProtocol = {
  name: 'raft',
  minNodes: 1,
  defaultNodes: 5,
  crashes: true,
  model: 'kv',
  create: createRaftSystem,
};
