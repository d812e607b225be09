// The deterministic simulator: every protocol's node hosts, clients and a hostile network in
// virtual time, as FoundationDB and TigerBeetle test their systems. A run is a function of
// (seed, scenario, code): one seeded generator (src/sim/random.ts) makes every choice, the agenda
// breaks ties by scheduling order, and nothing reads a clock. It checks the protocol's invariants
// after every step, that the replicas' state machines agree on every applied prefix, and the
// clients' history for linearizability; then it heals the network, restarts what crashed, and
// requires every operation to complete and the replicas to converge within a budget.

import { UserError } from '../core/errors.ts';
import { KvClient } from '../host/client.ts';
import { CrashDuringSync, NodeHost, clientNode } from '../host/host.ts';
import type { KvOperation } from '../host/kv.ts';
import type { SystemProtocol } from '../host/system.ts';
import type { Adversary, HostEnvironment, LogEvent, NodeId, ReducerStep, Storage, SystemDefinition, Wire } from '../host/types.ts';
import type { HistoryEvent } from '../lincheck/history.ts';
import { checkHistory } from '../lincheck/check.ts';
import type { LinResult } from '../lincheck/check.ts';
import { EventQueue } from './queue.ts';
import { Rng } from './random.ts';
import type { Fault, NetworkModel, Scenario, Target, TimedFault } from './scenario.ts';
import { nextOperation } from '../host/workload.ts';

export interface SimulationOptions {
  readonly protocol: SystemProtocol;
  readonly scenario: Scenario;
  readonly seed: number;
  readonly nodes?: number;
  readonly clients?: number;
  readonly ops?: number;
  readonly mutant?: string;
  /** Keep the event log and the history in the result (for --out and for a failing seed). */
  readonly keepLog?: boolean;
  /** The fault schedule to run instead of the scenario's (a shrunk one): explicit, with nothing drawn. */
  readonly schedule?: readonly TimedFault[];
  /** Skip the linearizability check (the benchmark measures it apart). */
  readonly skipLinearizability?: boolean;
  /** Check invariants after every step (default true; the benchmark measures without). */
  readonly checkInvariants?: boolean;
  /** Called after every step with every correct server's state: for tests that check more, and for viewers. */
  readonly afterStep?: (node: NodeId, nodes: ReadonlyMap<NodeId, unknown>) => void;
}

export interface Leadership {
  readonly term: number;
  readonly server: NodeId;
  readonly at: number;
}

export interface Failure {
  readonly kind: 'invariant' | 'replicas-disagree' | 'not-linearizable' | 'no-progress';
  readonly detail: string;
  readonly at: number;
}

export interface RunResult {
  readonly protocol: string;
  readonly scenario: string;
  readonly seed: number;
  readonly nodes: number;
  readonly ok: boolean;
  readonly failure?: Failure;
  readonly ops: { readonly ok: number; readonly fail: number; readonly info: number };
  readonly linearizable: boolean | null;
  readonly invariants: string;
  readonly leaders: readonly Leadership[];
  /** Log entries committed in each virtual second. */
  readonly commitsPerSecond: readonly number[];
  readonly messages: { readonly sent: number; readonly lost: number; readonly duplicated: number; readonly perCommittedOp: number };
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly availability: number;
  /** Message deliveries (servers' and clients') plus timer firings (servers' and clients'). */
  readonly events: number;
  readonly steps: number;
  readonly virtualMs: number;
  readonly healedAt: number;
  readonly digest: string;
  /** The fault schedule as run, targets resolved: what a shrink starts from. */
  readonly schedule: readonly TimedFault[];
  readonly log?: readonly LogEvent[];
  readonly history?: readonly HistoryEvent[];
  readonly lincheck?: LinResult;
}

type SimEvent<M> =
  | { readonly kind: 'deliver'; readonly from: NodeId; readonly to: NodeId; readonly wire: Wire<M> }
  | { readonly kind: 'timer'; readonly node: NodeId; readonly name: string; readonly gen: number }
  | { readonly kind: 'client'; readonly client: number; readonly name: 'next' | 'retry'; readonly gen: number }
  /** A fault of the schedule; `then` for one that another brings about (a bounce's restart), which the schedule does not list again. */
  | { readonly kind: 'fault'; readonly fault: TimedFault; readonly then?: boolean }
  | { readonly kind: 'heal' }
  | { readonly kind: 'tick' };

/** Stable storage in memory: what has been synced survives a crash; a crash during a sync loses that step. */
class MemoryStorage implements Storage {
  private value: unknown;
  crashOnNextSync = false;
  read(): unknown {
    return this.value;
  }
  writeAndSync(value: unknown): void {
    if (this.crashOnNextSync) {
      this.crashOnNextSync = false;
      throw new CrashDuringSync();
    }
    this.value = value;
  }
}


function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Faults drawn from the seed, as an explicit schedule. */
export function drawSchedule(scenario: Scenario, rng: Rng): TimedFault[] {
  const out: TimedFault[] = [...scenario.timeline];
  const r = scenario.randomFaults;
  if (r !== undefined) {
    for (let at = rng.int(r.everyMs[0], r.everyMs[1]); at < r.untilMs; at += rng.int(r.everyMs[0], r.everyMs[1])) {
      const kind = rng.pick(r.kinds);
      const fault: Fault =
        kind === 'heal'
          ? { fault: 'heal' }
          : kind === 'restart'
            ? { fault: 'restart', target: 'crashed' }
            : kind === 'resume'
              ? { fault: 'resume', target: 'paused' }
              : kind === 'split'
                ? { fault: 'split' }
                : kind === 'one-way'
                  ? { fault: 'one-way', from: 'random', to: 'random' }
                  : kind === 'bounce'
                    ? { fault: 'crash', target: rng.chance(0.5) ? 'leader' : 'random', restartAfterMs: rng.int(1, 50) }
                    : { fault: kind, target: rng.chance(0.5) ? 'leader' : 'random' };
      out.push({ ...fault, at });
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

export function simulate(options: SimulationOptions): RunResult {
  return new Simulation(options).run();
}

class Simulation<N, M, E> {
  private readonly def: SystemDefinition<N, M, E>;
  private readonly queue = new EventQueue<SimEvent<M>>();
  private now = 0;
  private readonly rngNetwork: Rng;
  private readonly rngNodes: Rng;
  private readonly rngClients: Rng;
  private readonly rngFaults: Rng;
  private readonly hosts = new Map<NodeId, NodeHost<N, M, E>>();
  private readonly adversaries = new Map<NodeId, Adversary<M>>();
  private readonly storages = new Map<NodeId, MemoryStorage>();
  private readonly clients: KvClient[] = [];
  private readonly clientGen: number[] = [];
  private readonly timerGen = new Map<string, number>();
  /** Bumped at every crash: the node's timers from before are void. */
  private readonly epoch = new Map<NodeId, number>();
  private readonly paused = new Set<NodeId>();
  private readonly held = new Map<NodeId, SimEvent<M>[]>();
  private readonly crashed = new Set<NodeId>();
  private readonly isolated = new Set<NodeId>();
  private readonly blocked = new Set<string>();
  private network: NetworkModel;
  private readonly correct: NodeId[];
  private readonly nodesView = new Map<NodeId, N>();
  private readonly monitor;
  private readonly appliedLog: string[] = [];
  private readonly appliedAt: number[] = [];
  private readonly leaders: Leadership[] = [];
  private readonly lastLed = new Map<NodeId, number>();
  private failure: Failure | undefined;
  private digestA = 0x811c9dc5;
  private digestB = 0x01000193;
  private readonly log: LogEvent[] = [];
  private readonly history: HistoryEvent[] = [];
  private lines = 0;
  private events = 0;
  private steps = 0;
  private readonly messages = { sent: 0, lost: 0, duplicated: 0 };
  private healedAt = Number.POSITIVE_INFINITY;
  private allAnsweredAt: number | undefined;
  private readonly schedule: TimedFault[] = [];
  private readonly checkInvariants: boolean;

  constructor(private readonly options: SimulationOptions) {
    const scenario = options.scenario;
    const nodes = options.nodes ?? scenario.nodes ?? options.protocol.defaultNodes;
    if (nodes < options.protocol.minNodes) throw new UserError(`${options.protocol.name} needs at least ${options.protocol.minNodes} nodes, not ${nodes}`);
    this.def = options.protocol.create({ nodes, timing: scenario.timing, mutant: options.mutant, byzantine: scenario.byzantine, policy: scenario.policy?.[options.protocol.name] });
    const root = new Rng(options.seed);
    this.rngNetwork = root.fork(1);
    this.rngNodes = root.fork(2);
    this.rngClients = root.fork(3);
    this.rngFaults = root.fork(4);
    this.network = scenario.network;
    this.checkInvariants = options.checkInvariants ?? true;
    this.monitor = this.def.monitor();
    const byzantine = new Set(this.def.byzantine?.ids ?? []);
    this.correct = this.def.servers.filter((s) => !byzantine.has(s));
    for (const fault of options.schedule ?? drawSchedule(scenario, this.rngFaults)) this.queue.push(fault.at, { kind: 'fault', fault });
  }

  private environment(): HostEnvironment<M> {
    return {
      now: () => this.now,
      random: () => this.rngNodes.float(),
      setTimer: (node, name, delayMs) => this.setTimer(node, name, delayMs),
      cancelTimer: (node, name) => this.timerGen.set(`${node}/${name}`, (this.timerGen.get(`${node}/${name}`) ?? 0) + 1),
      send: (from, to, wire) => this.send(from, to, wire),
      storage: (node) => this.storages.get(node)!,
      record: (event) => this.record(event),
      applied: (node, index, entry) => this.applied(node, index, entry),
      stepped: (node, step) => this.stepped(node, step as ReducerStep<N, M>),
    };
  }

  private setTimer(node: NodeId, name: string, delayMs: number): void {
    const key = `${node}/${name}`;
    const gen = (this.timerGen.get(key) ?? 0) + 1;
    this.timerGen.set(key, gen);
    this.queue.push(this.now + delayMs, { kind: 'timer', node, name, gen });
  }

  /** Fold a line into the digest: FNV-1a over its text, in two lanes (a 64-bit digest; not cryptographic, only a fingerprint). */
  private digestText(text: string): void {
    let a = this.digestA;
    let b = this.digestB;
    for (let k = 0; k < text.length; k++) {
      const c = text.charCodeAt(k);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 13);
    }
    this.digestA = Math.imul(a ^ 10, 0x01000193);
    this.digestB = Math.imul(b ^ 10, 0x01000193) ^ (b >>> 13);
  }

  private record(event: Omit<LogEvent, 'n' | 't'>): void {
    const n = ++this.lines;
    // The digest covers each step's time, node, action and parameters; the state after a step is
    // a function of those (the reducer is pure), so it need not be hashed again on the hot path.
    let line = `${n} ${this.now} ${event.node} ${event.action}`;
    for (const k in event.params) line += ` ${k}=${String(event.params[k])}`;
    this.digestText(line);
    if (this.options.keepLog) this.log.push({ n, t: this.now, ...event });
  }

  private stepped(id: NodeId, step: ReducerStep<N, M>): void {
    this.steps++;
    const host = this.hosts.get(id)!;
    this.nodesView.set(id, host.node);
    const led = this.def.leading(host.node);
    if (led !== undefined && this.lastLed.get(id) !== led) this.leaders.push({ term: led, server: id, at: this.now });
    if (led !== undefined) this.lastLed.set(id, led);
    else this.lastLed.delete(id);
    this.options.afterStep?.(id, this.nodesView);
    if (!this.checkInvariants || this.failure !== undefined) return;
    const broken = this.monitor.observe(id, this.nodesView, step);
    if (broken !== undefined) this.fail('invariant', `${broken.invariant}: ${broken.detail}`);
  }

  private applied(node: NodeId, index: number, entry: string): void {
    if (index < this.appliedLog.length) {
      if (this.appliedLog[index] !== entry && this.failure === undefined) {
        this.fail('replicas-disagree', `${node} applied ${entry} at index ${index + 1}, where another replica applied ${this.appliedLog[index]}`);
      }
      return;
    }
    this.appliedLog.push(entry);
    this.appliedAt.push(this.now);
  }

  private fail(kind: Failure['kind'], detail: string): void {
    if (this.failure === undefined) this.failure = { kind, detail, at: this.now };
  }

  private linkOpen(from: NodeId, to: NodeId): boolean {
    if (this.isolated.has(from) || this.isolated.has(to)) return false;
    return !this.blocked.has(`${from}>${to}`);
  }

  private delay(): number {
    const d = this.network.delayMs;
    if (d.mean !== undefined) return d.min + Math.round(this.rngNetwork.exponential(d.mean));
    return this.rngNetwork.int(d.min, d.max ?? d.min);
  }

  private send(from: NodeId, to: NodeId, wire: Wire<M>): void {
    const protocol = wire.type === 'Protocol';
    if (protocol) this.messages.sent++;
    if (!this.linkOpen(from, to) || this.rngNetwork.chance(this.network.loss)) {
      if (protocol) this.messages.lost++;
      return;
    }
    this.queue.push(this.now + this.delay(), { kind: 'deliver', from, to, wire });
    if (this.rngNetwork.chance(this.network.duplicate)) {
      if (protocol) {
        this.messages.duplicated++;
        // The spec's DuplicateMessage: a second copy in flight.
        this.record({ node: from, action: 'DuplicateMessage', params: { i: from, j: to }, recv: wire.message });
      }
      this.queue.push(this.now + this.delay(), { kind: 'deliver', from, to, wire });
    }
  }

  private nextOperation(random: () => number): KvOperation {
    const w = this.options.scenario.workload;
    return nextOperation(w, this.options.protocol.model === 'register', this.lastWritten, random);
  }
  private readonly lastWritten = new Map<string, string>();

  private startClients(): void {
    const w = this.options.scenario.workload;
    const count = this.options.clients ?? w.clients;
    const ops = this.options.ops ?? w.ops;
    const replies = this.def.clients?.replies ?? 1;
    for (let c = 0; c < count; c++) {
      const share = Math.floor(ops / count) + (c < ops % count ? 1 : 0);
      this.clientGen.push(0);
      const client = new KvClient(
        {
          id: c,
          servers: this.def.servers,
          ops: share,
          intervalMs: w.intervalMs,
          timeoutMs: w.timeoutMs,
          giveUpMs: w.giveUpMs,
          replies,
          broadcast: this.def.clients?.broadcast ?? false,
          nextOperation: (random) => this.nextOperation(random),
          clients: count,
          register: this.options.protocol.model === 'register',
        },
        {
          now: () => this.now,
          random: () => this.rngClients.float(),
          send: (to, command, encoded) => {
            if (command.op.f === 'put') this.lastWritten.set(command.op.key, command.op.value);
            this.send(clientNode(c), to, { type: 'ClientRequest', client: c, seq: command.seq, command: encoded });
          },
          setTimer: (name, delayMs) => this.queue.push(this.now + delayMs, { kind: 'client', client: c, name, gen: (this.clientGen[c] += name === 'retry' ? 1 : 0) }),
          record: (event) => {
            this.digestText(JSON.stringify(event));
            this.history.push(event);
          },
          ...(this.def.clients?.logAccepts === true && {
            accepted: (encoded: string, repliers: readonly NodeId[]) => this.record({ node: clientNode(c), action: 'ClientAccept', params: { r: encoded, from: repliers } }),
          }),
        },
      );
      this.clients.push(client);
    }
    for (const c of this.clients) c.start();
  }

  run(): RunResult {
    const env = this.environment();
    for (const id of this.def.servers) {
      this.storages.set(id, new MemoryStorage());
      this.epoch.set(id, 0);
    }
    for (const id of this.correct) {
      const host = new NodeHost(this.def, id, env);
      this.hosts.set(id, host);
      this.nodesView.set(id, host.node);
    }
    for (const id of this.def.byzantine?.ids ?? []) {
      this.adversaries.set(
        id,
        this.def.byzantine!.create(id, {
          id,
          now: () => this.now,
          random: () => this.rngFaults.float(),
          send: (to, wire) => this.send(id, to, wire),
          correct: () => this.nodesView,
        }),
      );
    }
    // The log's first line: the initial state, with the constants a validator needs of the run.
    this.record({ node: '', action: 'Init', params: {}, ...(this.def.constants !== undefined && { constants: this.def.constants }) });
    for (const host of this.hosts.values()) host.start();
    this.startClients();
    const scenario = this.options.scenario;
    const lastFault = Math.max(0, ...[...(this.options.schedule ?? [])].map((f) => f.at), scenario.randomFaults?.untilMs ?? 0, ...scenario.timeline.map((f) => f.at));
    const healAt = scenario.heal.at ?? lastFault;
    this.queue.push(healAt, { kind: 'heal' });
    this.queue.push(0, { kind: 'tick' });
    // After the heal, every operation must be answered within the budget (of the heal, or of its
    // invocation if later), and the replicas must converge within the budget of the last answer:
    // a long workload is not a failure to progress as long as its operations keep being answered.
    const budget = scenario.heal.budgetMs;
    let deadline = healAt + budget;
    let converged = false;
    const maxEvents = 20_000_000;
    for (let e = this.queue.pop(); e !== undefined; e = this.queue.pop()) {
      this.now = e.at;
      if (this.failure !== undefined) break;
      if (this.now > deadline) break;
      const ev = e.item;
      switch (ev.kind) {
        case 'deliver':
          this.deliver(ev);
          break;
        case 'timer': {
          if (this.timerGen.get(`${ev.node}/${ev.name}`) !== ev.gen) break;
          if (this.paused.has(ev.node)) {
            this.hold(ev.node, ev);
            break;
          }
          this.events++;
          this.hosts.get(ev.node)?.fireTimer(ev.name);
          break;
        }
        case 'client': {
          if (ev.name === 'retry' && this.clientGen[ev.client] !== ev.gen) break;
          this.events++;
          this.clients[ev.client].onTimer(ev.name);
          break;
        }
        case 'fault':
          if (ev.then) this.applyFaultAt(ev.fault);
          else this.applyFault(ev.fault);
          break;
        case 'heal':
          this.heal();
          break;
        case 'tick': {
          for (const a of this.adversaries.values()) a.tick();
          if (this.now >= this.healedAt) deadline = this.progressDeadline(budget, deadline);
          if (this.now >= this.healedAt && this.clients.every((c) => c.finished) && this.converged()) converged = true;
          else this.queue.push(this.now + scenario.timing.heartbeatMs, { kind: 'tick' });
          break;
        }
      }
      if (converged || this.events > maxEvents) break;
    }
    if (this.failure === undefined && !converged) {
      const pending = this.clients.filter((c) => !c.finished).length;
      this.fail(
        'no-progress',
        pending > 0
          ? `${pending} clients still had operations to complete: one had waited ${budget} ms (since the heal or its invocation) for an answer`
          : `the replicas had not converged ${budget} ms after healing and the clients' last answer`,
      );
    }
    // Operations still open at the end may have happened: :info, as Jepsen records them.
    for (const c of this.clients) c.abandon();
    return this.result(converged);
  }

  /**
   * The time by which the run must have converged, seen after the heal: while an operation is open,
   * its start (no earlier than the heal) plus the budget; between a client's operations, the budget
   * after now; once every client has finished, the budget after the tick that saw it. Only later.
   */
  private progressDeadline(budget: number, deadline: number): number {
    const open = this.clients.map((c) => c.openSince).filter((t): t is number => t !== undefined);
    if (open.length > 0) return Math.max(deadline, Math.max(this.healedAt, Math.min(...open)) + budget);
    if (this.clients.every((c) => c.finished)) {
      this.allAnsweredAt ??= this.now;
      return Math.max(deadline, this.allAnsweredAt + budget);
    }
    return Math.max(deadline, this.now + budget);
  }

  private hold(node: NodeId, ev: SimEvent<M>): void {
    const list = this.held.get(node) ?? [];
    list.push(ev);
    this.held.set(node, list);
  }

  private deliver(ev: Extract<SimEvent<M>, { kind: 'deliver' }>): void {
    const { to, wire } = ev;
    if (wire.type === 'ClientReply') {
      this.events++;
      const c = Number(to.slice(1));
      this.clients[c].onReply(wire.replica, wire.seq, wire.result, wire.leaderHint);
      return;
    }
    if (this.paused.has(to)) {
      this.hold(to, ev);
      return;
    }
    this.events++;
    const adversary = this.adversaries.get(to);
    if (adversary !== undefined) adversary.deliver(wire);
    else this.hosts.get(to)?.deliver(wire);
  }

  private leader(): NodeId | undefined {
    let best: NodeId | undefined;
    let term = -1;
    for (const id of this.correct) {
      const host = this.hosts.get(id)!;
      if (!host.running) continue;
      const led = this.def.leading(host.node);
      if (led !== undefined && led > term) [best, term] = [id, led];
    }
    return best;
  }

  /** The servers a target names, now. */
  private resolve(target: Target, among: readonly NodeId[] = this.correct): NodeId[] {
    if (typeof target === 'object') {
      const leader = this.leader();
      const followers = among.filter((s) => s !== leader);
      const out: NodeId[] = [];
      while (out.length < Math.min(target.followers, followers.length)) {
        const s = this.rngFaults.pick(followers.filter((f) => !out.includes(f)));
        out.push(s);
      }
      return out;
    }
    if (target === 'leader') {
      const l = this.leader();
      return l === undefined ? [this.rngFaults.pick(among)] : [l];
    }
    if (target === 'random') return [this.rngFaults.pick(among)];
    if (target === 'crashed') return [...this.crashed];
    if (target === 'paused') return [...this.paused];
    if (!this.def.servers.includes(target)) throw new UserError(`the scenario names server "${target}": the servers are ${this.def.servers.join(', ')}`);
    return [target];
  }

  private applyFault(f: TimedFault): void {
    const resolved = this.applyFaultAt(f);
    if (resolved !== undefined) this.schedule.push(resolved);
  }

  /** Apply a fault; the fault with its targets resolved to servers, for the schedule. */
  private applyFaultAt(f: TimedFault): TimedFault | undefined {
    const at = f.at;
    switch (f.fault) {
      case 'isolate': {
        const ids = this.resolve(f.target);
        for (const id of ids) this.isolated.add(id);
        return ids.length === 1 ? { at, fault: 'isolate', target: ids[0] } : f;
      }
      case 'split': {
        const n = this.def.servers.length;
        const seed = f.target === undefined ? [] : this.resolve(f.target);
        const minority = new Set(seed);
        while (minority.size < Math.floor((n - 1) / 2)) minority.add(this.rngFaults.pick(this.def.servers.filter((s) => !minority.has(s))));
        for (const a of this.def.servers) for (const b of this.def.servers) if (minority.has(a) !== minority.has(b)) this.blocked.add(`${a}>${b}`);
        return f;
      }
      case 'one-way': {
        const from = this.resolve(f.from, this.def.servers);
        const to = this.resolve(f.to, this.def.servers).filter((t) => !from.includes(t));
        for (const a of from) for (const b of to) this.blocked.add(`${a}>${b}`);
        return from.length === 1 && to.length === 1 ? { at, fault: 'one-way', from: from[0], to: to[0] } : f;
      }
      case 'heal':
        this.isolated.clear();
        this.blocked.clear();
        return f;
      case 'network':
        this.network = { ...this.network, ...f.network };
        return f;
      case 'crash': {
        const ids = this.resolve(f.target);
        for (const id of ids) {
          if (!this.options.protocol.crashes) {
            this.paused.add(id);
            continue;
          }
          if (f.lose === 'unsynced') {
            this.storages.get(id)!.crashOnNextSync = true;
            continue;
          }
          this.crash(id);
          if (f.restartAfterMs !== undefined) {
            this.queue.push(this.now + f.restartAfterMs, { kind: 'fault', fault: { at: this.now + f.restartAfterMs, fault: 'restart', target: id }, then: true });
          }
        }
        return ids.length === 1 ? { ...f, target: ids[0] } : f;
      }
      case 'restart': {
        const ids = this.resolve(f.target);
        for (const id of ids) this.restart(id);
        return f;
      }
      case 'pause': {
        const ids = this.resolve(f.target);
        for (const id of ids) this.paused.add(id);
        return ids.length === 1 ? { at, fault: 'pause', target: ids[0] } : f;
      }
      case 'resume': {
        const ids = this.resolve(f.target);
        for (const id of ids) this.resume(id);
        return f;
      }
    }
  }

  private crash(id: NodeId): void {
    const host = this.hosts.get(id);
    if (host === undefined || !host.running) return;
    host.crash();
    this.crashed.add(id);
    this.paused.delete(id);
    this.held.delete(id);
    for (const key of [...this.timerGen.keys()]) if (key.startsWith(`${id}/`)) this.timerGen.set(key, this.timerGen.get(key)! + 1);
  }

  private restart(id: NodeId): void {
    const host = this.hosts.get(id);
    if (host === undefined || host.running) return;
    this.crashed.delete(id);
    host.start();
    this.nodesView.set(id, host.node);
  }

  private resume(id: NodeId): void {
    if (!this.paused.delete(id)) return;
    for (const ev of this.held.get(id) ?? []) this.queue.push(this.now, ev);
    this.held.delete(id);
  }

  private heal(): void {
    this.healedAt = this.now;
    this.isolated.clear();
    this.blocked.clear();
    this.network = { ...this.options.scenario.network, loss: 0, duplicate: 0 };
    for (const s of this.storages.values()) s.crashOnNextSync = false;
    for (const id of this.correct) {
      // A host that crashed during a sync is down without being in the crashed set.
      if (!this.hosts.get(id)!.running) this.crashed.add(id);
    }
    for (const id of [...this.crashed]) this.restart(id);
    for (const id of [...this.paused]) this.resume(id);
    for (const c of this.clients) c.givingUp = false;
  }

  /** Every correct replica has applied everything applied anywhere, and their stores are equal. */
  private converged(): boolean {
    let snapshot: string | undefined;
    for (const id of this.correct) {
      const host = this.hosts.get(id)!;
      if (!host.running || host.kv.applied < this.appliedLog.length) return false;
      const s = host.kv.snapshot();
      if (snapshot !== undefined && s !== snapshot) {
        this.fail('replicas-disagree', `${id}'s store differs from another replica's after applying the same ${this.appliedLog.length} entries`);
        return false;
      }
      snapshot = s;
    }
    return true;
  }

  private result(converged: boolean): RunResult {
    let lincheck: LinResult | undefined;
    if (!this.options.skipLinearizability) {
      lincheck = checkHistory(this.history, this.options.protocol.model);
      if (!lincheck.ok && this.failure === undefined) {
        const key = lincheck.failing?.key;
        this.fail('not-linearizable', `the clients' history is not linearizable${key !== undefined ? ` (key ${key})` : ''}`);
      }
    }
    const counts = { ok: 0, fail: 0, info: 0 };
    const latencies: number[] = [];
    for (const c of this.clients) {
      counts.ok += c.counts.ok;
      counts.fail += c.counts.fail;
      counts.info += c.counts.info;
      latencies.push(...c.latencies);
    }
    latencies.sort((a, b) => a - b);
    const commitsPerSecond: number[] = [];
    for (const t of this.appliedAt) {
      const s = Math.floor(t / 1000);
      while (commitsPerSecond.length <= s) commitsPerSecond.push(0);
      commitsPerSecond[s]++;
    }
    const total = counts.ok + counts.fail + counts.info;
    const committedOps = counts.ok + counts.fail;
    const failure = this.failure;
    return {
      protocol: this.options.protocol.name,
      scenario: this.options.scenario.name,
      seed: this.options.seed,
      nodes: this.def.servers.length,
      ok: failure === undefined && converged,
      ...(failure !== undefined && { failure }),
      ops: counts,
      linearizable: lincheck === undefined ? null : lincheck.ok,
      invariants: failure?.kind === 'invariant' ? failure.detail : 'hold',
      leaders: this.leaders,
      commitsPerSecond,
      messages: { ...this.messages, perCommittedOp: committedOps === 0 ? 0 : Math.round((this.messages.sent / committedOps) * 10) / 10 },
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.length === 0 ? 0 : latencies[latencies.length - 1] },
      // A cas that did not match is answered too: availability is the share of operations answered.
      availability: total === 0 ? 1 : Math.round(((counts.ok + counts.fail) / total) * 1000) / 1000,
      events: this.events,
      steps: this.steps,
      virtualMs: this.now,
      healedAt: this.healedAt,
      digest: (this.digestA >>> 0).toString(16).padStart(8, '0') + (this.digestB >>> 0).toString(16).padStart(8, '0'),
      schedule: this.schedule,
      ...(this.options.keepLog && { log: this.log, history: this.history }),
      ...(lincheck !== undefined && { lincheck }),
    };
  }
}
