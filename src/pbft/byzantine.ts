// The Byzantine replica: an adversary the simulator runs in place of one replica, by strategy.
//
// PBFT.tla gives a Byzantine replica no state and lets it send anything except what it cannot
// sign: it may pre-prepare (as the primary of its views) any request a client issued at any
// sequence number, as often as it likes; send any PREPARE or COMMIT of its own; send view changes
// with any set of certificates that check (ProvableCerts), whether or not it was prepared for
// them; make new views (as the primary) of any 2f + 1 or more view changes that check; forward
// what correct replicas sent; and reply anything to clients. It cannot forge a correct replica's
// message or a client's request. Every message an adversary here sends goes through `allowed`,
// which throws if the spec would not let the Byzantine replica send it.
//
// Strategies:
// - silent: sends nothing.
// - equivocating-primary: a helpful backup (prepares and commits what correct replicas do); as
//   the primary of a view it assigns a request one sequence number but sends different requests
//   for it to different backups, or two of them to one.
// - lying-view-change: silent as the primary of view 0, so views change; its view changes leave
//   out or make up certificates (within ProvableCerts), and as the primary of a later view its
//   new views are made of the view changes that carry the least, different ones to different
//   backups.
// - lying-replies: a helpful replica that answers every client request with a wrong result.
// - random: a seeded mix of all of these, with spells of silence, replays of old messages and
//   view changes asked for out of the blue.

import { UserError } from '../core/errors.ts';
import { decodeCommand } from '../host/kv.ts';
import type { KvResult } from '../host/kv.ts';
import { clientNode } from '../host/host.ts';
import type { Timing } from '../host/system.ts';
import type { Adversary, AdversaryContext, NodeId, Wire } from '../host/types.ts';
import { MessageStore, NULL_REQUEST, WINDOW, isRequest } from './host.ts';
import { certificateKey, commitMsg, newViewMsg, newViewPrePrepares, prePrepareMsg, prepareMsg, primary, viewChangeMsg } from './node.ts';
import type { PbftConfig } from './node.ts';
import type { Certificate, NewViewMessage, PbftMessage, PrePrepareMessage, Replica, ViewChangeMessage } from './types.ts';

export const BYZANTINE_STRATEGIES = ['silent', 'equivocating-primary', 'lying-view-change', 'lying-replies', 'random'] as const;
export type ByzantineStrategy = (typeof BYZANTINE_STRATEGIES)[number];

/**
 * options.byzantine: a strategy, optionally with the Byzantine replica's id ("silent@2"); "none"
 * for a cluster of correct replicas only. The default: random, at replica 0 (the primary of view 0).
 */
export function parseByzantine(spec: string | undefined, n: number): { readonly strategy: ByzantineStrategy; readonly id: NodeId | undefined } {
  if (spec === 'none') return { strategy: 'silent', id: undefined };
  const [name, at] = (spec ?? 'random').split('@');
  if (!(BYZANTINE_STRATEGIES as readonly string[]).includes(name)) {
    throw new UserError(`no Byzantine strategy "${name}": choose one of ${BYZANTINE_STRATEGIES.join(', ')} (or none), optionally with the replica: ${BYZANTINE_STRATEGIES[0]}@1`);
  }
  const id = at === undefined ? 0 : Number(at);
  if (!Number.isInteger(id) || id < 0 || id >= n) throw new UserError(`the Byzantine replica must be one of 0 .. ${n - 1}, not "${at}"`);
  return { strategy: name as ByzantineStrategy, id: String(id) };
}

/** How an adversary behaves: the probability of each kind of misbehaviour, at each chance it gets. */
interface Temper {
  /** Prepare and commit what correct replicas do (a Byzantine replica that looks correct). */
  readonly cooperate: number;
  /** As primary: assign requests at all. */
  readonly lead: number;
  /** As primary: equivocate on a request's sequence number. */
  readonly equivocate: number;
  /** Lie in view changes and new views. */
  readonly lieInViewChanges: number;
  /** Take part in view changes at all. */
  readonly viewChange: number;
  /** Reply wrong results to clients. */
  readonly lieToClients: number;
  /** Per heartbeat: ask for the next view for no reason. */
  readonly provoke: number;
  /** Per message and per heartbeat: forward an old message of a correct replica. */
  readonly replay: number;
  /** Per heartbeat: fall silent for a while. */
  readonly sulk: number;
  /** Prepare a request other than the one pre-prepared. */
  readonly misprepare: number;
}

const TEMPERS: Readonly<Record<Exclude<ByzantineStrategy, 'silent'>, Temper>> = {
  'equivocating-primary': { cooperate: 1, lead: 1, equivocate: 0.7, lieInViewChanges: 0, viewChange: 1, lieToClients: 0, provoke: 0, replay: 0, sulk: 0, misprepare: 0 },
  'lying-view-change': { cooperate: 1, lead: 0, equivocate: 0, lieInViewChanges: 1, viewChange: 1, lieToClients: 0, provoke: 0.002, replay: 0, sulk: 0, misprepare: 0 },
  'lying-replies': { cooperate: 1, lead: 1, equivocate: 0, lieInViewChanges: 0, viewChange: 1, lieToClients: 1, provoke: 0, replay: 0, sulk: 0, misprepare: 0 },
  random: { cooperate: 0.7, lead: 0.8, equivocate: 0.5, lieInViewChanges: 0.6, viewChange: 0.8, lieToClients: 0.6, provoke: 0.003, replay: 0.05, sulk: 0.005, misprepare: 0.1 },
};

export function createAdversary(strategy: ByzantineStrategy, cfg: PbftConfig, id: number, ctx: AdversaryContext<PbftMessage>, timing: Timing): Adversary<PbftMessage> {
  if (strategy === 'silent') return { deliver: () => undefined, tick: () => undefined };
  return new ByzantineReplica(cfg, id, ctx, timing, TEMPERS[strategy]);
}

/** A message PBFT.tla does not let the Byzantine replica send: a bug of the adversary. */
export class ForbiddenMessage extends Error {}

class ByzantineReplica implements Adversary<PbftMessage> {
  /** Everything it has heard, and its own messages (a Byzantine replica's are always signed). */
  private readonly known: MessageStore;
  /** The messages of correct replicas it has received: the only ones it may forward. */
  private readonly received = new WeakSet<PbftMessage>();
  private readonly recent: PbftMessage[] = [];
  /** The requests clients issued that it has heard of, and each client's latest. */
  private readonly requests = new Set<string>();
  private readonly latest = new Map<number, string>();
  private readonly executed = new Set<string>();
  private executedSeen = 0;
  /** Its shadow of the key-value store, to lie plausibly. */
  private readonly data = new Map<string, string>();
  private readonly others: NodeId[];
  private readonly sentPrepare = new Set<string>();
  private readonly sentCommit = new Set<string>();
  private readonly sentViewChange = new Set<number>();
  /** As primary: the view it leads, what it assigned there, and to whom it sent what. */
  private leading: number | undefined;
  private nextSeq = 1;
  private readonly assigned = new Set<string>();
  private readonly ownPrePrepares = new Map<number, Map<NodeId, PrePrepareMessage[]>>();
  private readonly newViews = new Map<number, Map<NodeId, NewViewMessage>>();
  private silentUntil = 0;

  constructor(
    private readonly cfg: PbftConfig,
    private readonly me: number,
    private readonly ctx: AdversaryContext<PbftMessage>,
    private readonly timing: Timing,
    private readonly temper: Temper,
  ) {
    this.known = new MessageStore(cfg);
    this.others = Array.from({ length: cfg.n }, (_, k) => String(k)).filter((s) => s !== String(me));
  }

  private chance(p: number): boolean {
    return p > 0 && (p >= 1 || this.ctx.random() < p);
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.ctx.random() * items.length)];
  }

  private get silent(): boolean {
    return this.ctx.now() < this.silentUntil;
  }

  // ---- what it may send --------------------------------------------------------------------------

  /** Throws unless PBFT.tla lets the Byzantine replica send this. */
  private allowed(wire: Wire<PbftMessage>): void {
    const deny = (why: string): never => {
      throw new ForbiddenMessage(`the Byzantine replica ${this.me} may not send ${JSON.stringify(wire).slice(0, 300)}: ${why}`);
    };
    if (wire.type === 'ClientRequest') return deny('it cannot forge a client request');
    if (wire.type === 'ClientReply') {
      if (wire.replica !== String(this.me)) deny("it cannot sign another replica's reply");
      return;
    }
    const m = wire.message;
    if (m.sender !== this.me) {
      if (!this.received.has(m)) deny("it cannot forge a correct replica's message (only forward one it received)");
      return;
    }
    const inRange = (n: number) => Number.isInteger(n) && n >= 1 && n <= this.cfg.k;
    switch (m.type) {
      case 'PrePrepare':
        if (primary(this.cfg, m.view) !== this.me) deny('it is not the primary of that view');
        if (!inRange(m.seq)) deny('the sequence number is outside the water marks');
        if (!this.requests.has(m.digest)) deny('no client issued that request');
        return;
      case 'Prepare':
      case 'Commit':
        if (!inRange(m.seq)) deny('the sequence number is outside the water marks');
        // Any digest (PBFT.tla's Digest: a request, or the null request), issued or not.
        if (m.digest !== NULL_REQUEST && !isRequest(m.digest)) deny('the digest is no request');
        return;
      case 'ViewChange':
        if (!this.checks(m)) deny('a certificate does not check (ProvableCerts), or is not of an earlier view');
        return;
      case 'NewView': {
        if (primary(this.cfg, m.view) !== this.me || m.view < 1) deny('it is not the primary of that view');
        const V = m.viewChanges;
        if (V.length < 2 * this.cfg.f + 1 || V.length > this.cfg.n || new Set(V.map((vc: ViewChangeMessage) => vc.sender)).size !== V.length) deny('it needs 2f + 1 view changes from distinct replicas');
        for (const vc of V) {
          if (vc.view !== m.view) deny('a view change is for another view');
          if (vc.sender === this.me ? !this.checks(vc) : !this.received.has(vc)) deny('a view change is forged or does not check');
        }
        return;
      }
    }
  }

  /** ByzantineViewChanges: every certificate of an earlier view, and provable from what it knows (so in ProvableCerts). */
  private checks(vc: ViewChangeMessage): boolean {
    return vc.view >= 1 && vc.prepared.every((c) => c.view < vc.view && this.known.provable(c));
  }

  private send(to: NodeId, m: PbftMessage): void {
    const wire: Wire<PbftMessage> = { type: 'Protocol', message: m };
    this.allowed(wire);
    this.ctx.send(to, wire);
  }

  private multicast(m: PbftMessage): void {
    if (m.sender === this.me) this.known.add(m, this.ctx.now());
    for (const to of this.others) this.send(to, m);
  }

  private reply(client: number, seq: number, result: KvResult): void {
    const wire: Wire<PbftMessage> = { type: 'ClientReply', client, seq, result, replica: String(this.me) };
    this.allowed(wire);
    this.ctx.send(clientNode(client), wire);
  }

  // ---- what it hears -----------------------------------------------------------------------------

  deliver(wire: Wire<PbftMessage>): void {
    this.learnExecuted();
    if (wire.type === 'ClientRequest') {
      this.requests.add(wire.command);
      this.latest.set(wire.client, wire.command);
      if (this.silent) return;
      if (this.chance(this.temper.lieToClients)) this.lie(wire.client, wire.seq, wire.command);
      this.lead();
      return;
    }
    if (wire.type !== 'Protocol') return;
    const m = wire.message;
    if (m.sender === this.me) return;
    this.received.add(m);
    // The view changes a new view is made of are correct replicas' signed messages too.
    if (m.type === 'NewView') for (const vc of m.viewChanges) if (vc.sender !== this.me) this.received.add(vc);
    if (!this.known.wellFormed(m) && !(m.type === 'PrePrepare' && m.digest === NULL_REQUEST)) return;
    const fresh = m.type === 'PrePrepare' && m.digest === NULL_REQUEST ? true : this.known.add(m, this.ctx.now());
    if (!fresh) return;
    // A correct primary pre-prepares only requests clients issued.
    if (m.type === 'PrePrepare' && m.digest !== NULL_REQUEST) this.requests.add(m.digest);
    this.recent.push(m);
    if (this.recent.length > 256) this.recent.shift();
    if (this.silent) return;
    switch (m.type) {
      case 'PrePrepare':
        if (this.chance(this.temper.cooperate)) this.prepare(m);
        break;
      case 'Prepare':
      case 'Commit':
        if (this.chance(this.temper.cooperate)) this.commit(m);
        break;
      case 'ViewChange':
        this.viewChange(m.view);
        this.newView(m.view);
        break;
      case 'NewView':
        break;
    }
    if (this.chance(this.temper.replay)) this.replay();
  }

  tick(): void {
    this.learnExecuted();
    if (this.chance(this.temper.sulk)) this.silentUntil = this.ctx.now() + this.timing.heartbeatMs * (10 + Math.floor(this.ctx.random() * 60));
    if (this.silent) return;
    if (this.chance(this.temper.provoke)) this.provoke();
    if (this.chance(this.temper.replay)) this.replay();
    this.lead();
    this.resend();
    for (const v of this.known.viewChanges.keys()) if (primary(this.cfg, v) === this.me) this.newView(v);
  }

  private correct(): Replica[] {
    return [...this.ctx.correct().values()] as Replica[];
  }

  /** The requests correct replicas executed, and the store they make (its shadow, to lie with). */
  private learnExecuted(): void {
    let longest: readonly string[] = [];
    for (const r of this.correct()) if (r.executed.length > longest.length) longest = r.executed;
    for (; this.executedSeen < longest.length; this.executedSeen++) {
      const d = longest[this.executedSeen];
      if (this.executed.has(d)) continue;
      this.executed.add(d);
      const c = d === NULL_REQUEST ? undefined : decodeCommand(d);
      if (c === undefined) continue;
      const op = c.op;
      const current = this.data.get(op.key) ?? '';
      if (op.f === 'put') this.data.set(op.key, op.value);
      else if (op.f === 'append') this.data.set(op.key, current + op.value);
      else if (op.f === 'delete') this.data.delete(op.key);
      else if (op.f === 'cas' && current === op.from) this.data.set(op.key, op.to);
    }
  }

  // ---- the normal case ---------------------------------------------------------------------------

  private prepare(pp: PrePrepareMessage): void {
    if (primary(this.cfg, pp.view) === this.me) return;
    const slot = `${pp.view}.${pp.seq}`;
    if (this.sentPrepare.has(slot)) return;
    this.sentPrepare.add(slot);
    let digest = pp.digest;
    if (this.chance(this.temper.misprepare)) digest = this.pick([...this.requests, NULL_REQUEST]);
    this.multicast(prepareMsg({ view: pp.view, seq: pp.seq, digest }, this.me));
  }

  /** Commit whatever has 2f matching prepares (its own among them, if any): what a prepared replica does. */
  private commit(m: Certificate): void {
    const key = certificateKey(m);
    if (this.sentCommit.has(key) || this.known.preparers(m).size < 2 * this.cfg.f) return;
    this.sentCommit.add(key);
    this.multicast(commitMsg(m, this.me));
  }

  /** The view it is the primary of, if correct replicas are in it. */
  private ledView(): number | undefined {
    let view: number | undefined;
    for (const r of this.correct()) if (r.status === 'Normal' && primary(this.cfg, r.view) === this.me && (view === undefined || r.view > view)) view = r.view;
    return view;
  }

  /** As the primary: assign the waiting requests sequence numbers, honestly or not. */
  private lead(): void {
    const v = this.ledView();
    if (v === undefined) return;
    if (this.leading !== v) {
      if (v !== 0 && !this.newViews.has(v)) return;
      this.leading = v;
      this.assigned.clear();
      this.nextSeq = v === 0 ? 1 : this.nextSeq;
    }
    const low = Math.min(...this.correct().map((r) => r.executed.length));
    for (const r of this.latest.values()) {
      if (this.assigned.has(r) || this.executed.has(r)) continue;
      if (this.nextSeq > low + WINDOW) return;
      this.assigned.add(r);
      if (!this.chance(this.temper.lead)) continue;
      const n = this.nextSeq++;
      const sent = new Map<NodeId, PrePrepareMessage[]>();
      const pp = prePrepareMsg(this.cfg, v, n, r);
      const others = [...this.requests].filter((x) => x !== r);
      if (others.length > 0 && this.chance(this.temper.equivocate)) {
        // Equivocation: a different request for n to some backups, both to others.
        const pp2 = prePrepareMsg(this.cfg, v, n, this.pick(others));
        for (const to of this.others) sent.set(to, this.pick([[pp], [pp2], [pp, pp2], [pp2, pp], []]));
      } else for (const to of this.others) sent.set(to, [pp]);
      this.ownPrePrepares.set(n, sent);
      for (const [to, list] of sent) for (const m of list) this.send(to, m);
    }
  }

  /** What a primary sends again, every heartbeat: its pre-prepares above what every correct replica executed, and its new view to those not in it. */
  private resend(): void {
    if (!this.chance(this.temper.cooperate)) return;
    const replicas = this.ctx.correct() as ReadonlyMap<NodeId, Replica>;
    const v = this.ledView();
    if (v !== undefined && v === this.leading) {
      const low = Math.min(...[...replicas.values()].map((r) => r.executed.length));
      let k = 0;
      for (const [n, sent] of this.ownPrePrepares) {
        if (n <= low) continue;
        for (const [to, list] of sent) for (const m of list) this.send(to, m);
        if (++k >= 32) break;
      }
    }
    for (const [view, sent] of this.newViews) {
      for (const [to, nv] of sent) {
        const r = replicas.get(to);
        if (r !== undefined && (r.view < view || (r.view === view && r.status === 'ViewChange'))) this.send(to, nv);
      }
    }
  }

  private lie(client: number, seq: number, command: string): void {
    const c = decodeCommand(command);
    if (c === undefined) return;
    const op = c.op;
    const current = this.data.get(op.key) ?? '';
    let result: KvResult;
    switch (op.f) {
      case 'get':
        result = { ok: true, value: this.chance(0.5) ? `${current}lie${Math.floor(this.ctx.random() * 1000)}` : '' };
        if (result.value === current) result = { ok: true, value: `${current}!` };
        break;
      case 'cas':
        result = { ok: current !== op.from };
        break;
      default:
        // A write that did not happen.
        result = { ok: false };
    }
    this.reply(client, seq, result);
  }

  // ---- view changes ------------------------------------------------------------------------------

  /** The certificates of views before v that check, from what it knows. */
  private provableBefore(v: number): Certificate[] {
    const out: Certificate[] = [];
    for (const [view, certs] of this.known.certsOfView) {
      if (view >= v) continue;
      for (const c of certs.values()) if (this.known.provable(c)) out.push(c);
    }
    return out;
  }

  /** A view change for v: all the certificates that check, or, lying, some of them. */
  private viewChangeFor(v: number, lie: boolean): ViewChangeMessage {
    const all = this.provableBefore(v);
    if (!lie) return viewChangeMsg(v, all, this.me);
    switch (this.pick(['none', 'stale', 'some', 'all'] as const)) {
      case 'none':
        return viewChangeMsg(v, [], this.me);
      case 'stale': {
        // For each sequence number, only its certificate of the lowest view: the older request, were there two.
        const lowest = new Map<number, Certificate>();
        for (const c of all) if ((lowest.get(c.seq)?.view ?? Infinity) > c.view) lowest.set(c.seq, c);
        return viewChangeMsg(v, lowest.values(), this.me);
      }
      case 'some':
        return viewChangeMsg(
          v,
          all.filter(() => this.chance(0.5)),
          this.me,
        );
      case 'all':
        return viewChangeMsg(v, all, this.me);
    }
  }

  /** Correct replicas are moving to view v: its own view change, once. */
  private viewChange(v: number): void {
    if (this.sentViewChange.has(v) || !this.chance(this.temper.viewChange)) return;
    this.sentViewChange.add(v);
    this.multicast(this.viewChangeFor(v, this.chance(this.temper.lieInViewChanges)));
  }

  /** Ask for the view after the one correct replicas are in, for no reason. */
  private provoke(): void {
    const v = Math.max(...this.correct().map((r) => r.view)) + 1;
    if (this.sentViewChange.has(v)) return;
    this.sentViewChange.add(v);
    this.multicast(this.viewChangeFor(v, false));
  }

  /** As the primary of view v, with 2f view changes for it from correct replicas: its new view, maybe a different one to each backup. */
  private newView(v: number): void {
    if (primary(this.cfg, v) !== this.me || v === 0 || this.newViews.has(v) || !this.chance(this.temper.viewChange)) return;
    const byView = this.known.viewChanges.get(v);
    if (byView === undefined) return;
    const fromCorrect = [...byView.entries()].filter(([s]) => s !== this.me).map(([, list]) => list[0]);
    if (fromCorrect.length < 2 * this.cfg.f) return;
    const lie = this.chance(this.temper.lieInViewChanges);
    const own = byView.get(this.me)?.[0] ?? this.viewChangeFor(v, lie);
    if (!byView.has(this.me)) {
      this.sentViewChange.add(v);
      this.known.add(own, this.ctx.now());
    }
    const make = (vcs: ViewChangeMessage[]): NewViewMessage => newViewMsg(this.cfg, v, [own, ...vcs]);
    // Lying, it picks the view changes that carry the fewest certificates; else those that came first.
    const ordered = lie ? [...fromCorrect].sort((a, b) => a.prepared.length - b.prepared.length) : fromCorrect;
    const first = make(ordered.slice(0, 2 * this.cfg.f));
    const alternatives = [first];
    if (lie && fromCorrect.length > 2 * this.cfg.f) alternatives.push(make(ordered.slice(ordered.length - 2 * this.cfg.f)));
    if (lie) alternatives.push(newViewMsg(this.cfg, v, [this.viewChangeFor(v, false), ...ordered.slice(0, 2 * this.cfg.f)]));
    const sent = new Map<NodeId, NewViewMessage>();
    for (const to of this.others) {
      const nv = lie ? this.pick(alternatives) : first;
      for (const vc of nv.viewChanges) if (vc.sender === this.me) this.known.add(vc, this.ctx.now());
      sent.set(to, nv);
      this.send(to, nv);
    }
    this.newViews.set(v, sent);
    // Its pre-prepares in the new view start after what the new view carries (the highest O of those it sent).
    let maxS = 0;
    for (const nv of new Set(sent.values())) for (const pp of newViewPrePrepares(this.cfg, v, nv.viewChanges)) maxS = Math.max(maxS, pp.seq);
    this.nextSeq = maxS + 1;
    this.ownPrePrepares.clear();
  }

  /** Forward an old message of a correct replica to one of them: a delayed duplicate. */
  private replay(): void {
    if (this.recent.length === 0) return;
    const m = this.pick(this.recent);
    this.send(this.pick(this.others), m);
  }
}
