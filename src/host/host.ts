// The node host: one server's reducer with what the spec leaves to the environment, like
// etcd-raft's RawNode around raft.go. It owns the timers, stable storage, the network, the
// key-value state machine and the clients' sessions, and changes protocol state only through
// reducer steps (the policy chooses which; the reducer decides what they do). Every step is
// synced to storage before its messages leave and before it is recorded, so a crash keeps a
// step whole or it never happened.
//
// The same host runs in the simulator (src/sim/) and, behind real clocks, sockets and files, in
// a cluster: only the HostEnvironment differs.

import { KvStore } from './kv.ts';
import type { ClientWire, HostContext, HostPolicy, HostEnvironment, NodeId, ReducerStep, SystemDefinition, Wire } from './types.ts';

/** A client's request waiting for its command to apply here. */
interface PendingReply {
  readonly client: number;
  readonly seq: number;
  readonly command: string;
}

export class NodeHost<N, M, E> {
  private state: N;
  private up = false;
  private store = new KvStore();
  /** Clients waiting for a reply from this server, by client id: their sequence number. */
  private readonly waiting = new Map<number, PendingReply>();
  private readonly ctx: HostContext<N, E>;
  private policy: HostPolicy<N, M, E>;
  /** Steps taken since boot: a policy's afterStep may take more, and they are taken in turn. */
  private stepping = false;
  private readonly queued: ReducerStep<N, M>[] = [];

  constructor(
    readonly def: SystemDefinition<N, M, E>,
    readonly id: NodeId,
    private readonly env: HostEnvironment<M>,
  ) {
    this.state = def.initialNode(id);
    this.policy = def.policy(id);
    const host = this;
    this.ctx = {
      id,
      get node() {
        return host.state;
      },
      now: () => env.now(),
      random: () => env.random(),
      step: (event) => host.step(event),
      setTimer: (name, delayMs) => env.setTimer(id, name, delayMs),
      cancelTimer: (name) => env.cancelTimer(id, name),
      resend: (message) => host.send(message as M),
    };
  }

  get node(): N {
    return this.state;
  }

  get running(): boolean {
    return this.up;
  }

  /** The state machine's data: equal on replicas that applied the same entries. */
  get kv(): KvStore {
    return this.store;
  }

  /** Boot: a fresh node, or (after a crash) one rebuilt from stable storage, which takes the spec's restart step. */
  start(): void {
    const stable = this.env.storage(this.id).read();
    this.up = true;
    this.policy = this.def.policy(this.id);
    if (stable !== undefined) {
      const { node, restart } = this.def.recover(this.id, stable);
      this.state = node;
      if (restart !== undefined) this.step(restart);
    }
    this.policy.start(this.ctx);
  }

  /** Lose every volatile thing: the protocol's volatile state, the state machine, the sessions. Timers are the environment's to drop. */
  crash(): void {
    this.up = false;
    this.state = this.def.initialNode(this.id);
    this.store = new KvStore();
    this.waiting.clear();
    this.queued.length = 0;
  }

  /** Something arrived from the network. */
  deliver(wire: Wire<M>): void {
    if (!this.up) return;
    if (wire.type === 'Protocol') this.policy.onMessage(this.ctx, wire.message);
    else if (wire.type === 'ClientRequest') this.clientRequest(wire);
  }

  fireTimer(name: string): void {
    if (this.up) this.policy.onTimer(this.ctx, name);
  }

  private clientRequest(request: Extract<ClientWire, { type: 'ClientRequest' }>): void {
    const decided = this.policy.onClientCommand(this.ctx, request.command);
    if (!decided.taken) {
      this.env.send(this.id, clientNode(request.client), {
        type: 'ClientReply',
        client: request.client,
        seq: request.seq,
        leaderHint: decided.leaderHint,
        replica: this.id,
      });
      return;
    }
    this.waiting.set(request.client, { client: request.client, seq: request.seq, command: request.command });
    // A retry of a command this replica has already applied: its result, at once.
    this.replyFromSession(request.client, request.seq);
    this.answerFromState();
  }

  /** Take one reducer step; false if the spec does not enable it. */
  step(event: E): boolean {
    const taken = this.def.reduce(this.state, event);
    if (taken === undefined) return false;
    // Synced before its messages leave and before it is recorded: a crash during the sync loses the step whole.
    try {
      this.env.storage(this.id).writeAndSync(this.def.stable(taken.node));
    } catch (e) {
      if (!(e instanceof CrashDuringSync)) throw e;
      this.crash();
      return false;
    }
    this.state = taken.node;
    // Logged, then sent: the network's own steps on a message (DuplicateMessage) follow the step that sent it.
    this.env.record({
      node: this.id,
      action: taken.action,
      params: taken.params,
      ...(taken.received !== undefined && { recv: this.logMessage(taken.received) }),
      ...(taken.sent.length > 0 && { sent: taken.sent.map((m) => this.logMessage(m)) }),
      state: this.def.logState(taken.node),
    });
    for (const m of taken.sent) this.send(m);
    this.env.stepped(this.id, taken);
    this.applyCommitted();
    this.answerFromState();
    // The policy's internal actions, after this step and not inside it: steps stay one at a time.
    this.queued.push(taken);
    if (!this.stepping) {
      this.stepping = true;
      try {
        for (let next = this.queued.shift(); next !== undefined; next = this.queued.shift()) this.policy.afterStep(this.ctx, next);
      } finally {
        this.stepping = false;
      }
    }
    return true;
  }

  private logMessage(m: M): unknown {
    return this.def.logMessage === undefined ? m : this.def.logMessage(m);
  }

  private send(m: M): void {
    for (const to of this.def.destinations(m)) this.env.send(this.id, to, { type: 'Protocol', message: m });
  }

  /** Apply the entries committed since the last step, in order, and answer the clients waiting for them. */
  private applyCommitted(): void {
    const log = this.def.committed(this.state);
    while (this.store.applied < log.length) {
      const index = this.store.applied;
      const entry = log.entry(index);
      this.env.applied(this.id, index, entry);
      const done = this.store.apply(entry);
      if (done !== undefined) this.replyFromSession(done.command.client, done.command.seq);
    }
  }

  /** Answer the waiting clients whose commands the node can answer from its state (SystemDefinition.answer). */
  private answerFromState(): void {
    const answer = this.def.answer;
    if (answer === undefined || this.waiting.size === 0) return;
    for (const w of [...this.waiting.values()]) {
      const result = answer(this.state, w.command);
      if (result === undefined) continue;
      this.waiting.delete(w.client);
      this.env.send(this.id, clientNode(w.client), { type: 'ClientReply', client: w.client, seq: w.seq, result, replica: this.id });
    }
  }

  private replyFromSession(client: number, seq: number): void {
    const wanted = this.waiting.get(client);
    if (wanted === undefined || wanted.seq !== seq) return;
    const result = this.store.lastResult(client, seq);
    if (result === undefined) return;
    this.waiting.delete(client);
    this.env.send(this.id, clientNode(client), { type: 'ClientReply', client, seq, result, replica: this.id });
  }
}

/** The network's name of a client. */
export function clientNode(client: number): NodeId {
  return `c${client}`;
}

/** Thrown by a storage whose node crashes while it syncs a step's writes: the step never happened. */
export class CrashDuringSync extends Error {}
