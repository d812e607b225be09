// PBFT as a system: the replica reducer (src/pbft/node.ts) behind the node host's one entry point,
// with what PBFT.tla leaves to the environment: which messages a replica has received (the spec's
// network is the set of every message ever sent, so a replica acts on a quorum once its last
// message arrives), when a primary assigns a request, when a backup's view-change timer fires,
// which received messages a correct replica may believe (the spec's availability conditions:
// Signed, ProvableCerts, NewViewsFrom), and retransmission, which the spec always allows.
//
// Replicas are "0" .. "n-1", n = 3f + 1; the Byzantine one (replica "0", the primary of view 0,
// unless the strategy names another: "silent@2") is run by the environment as an adversary
// (src/pbft/byzantine.ts). Requests are the key-value store's encoded commands; the null request
// of a new view is a no-op. PBFT.tla has no restart, so crashes are pauses.

import { UserError } from '../core/errors.ts';
import { decodeCommand, isEncodedCommand } from '../host/kv.ts';
import { drawDelay } from '../host/system.ts';
import type { SystemOptions, SystemProtocol } from '../host/system.ts';
import type { HostContext, HostPolicy, LogEvent, NodeId, ReducerStep, SystemDefinition } from '../host/types.ts';
import { createAdversary, parseByzantine } from './byzantine.ts';
import { KeyedSet } from '../core/keyed-set.ts';
import { pbftRules } from './mutants.ts';
import { certificate, certificateKey, commitKey, commitMsg, initialReplica, messageKey, prePrepareKey, preparedCerts, prepareMsg, primary, step } from './node.ts';
import type { PbftConfig } from './node.ts';
import { pbftMonitor } from './monitor.ts';
import type {
  Certificate,
  CommitMessage,
  NewViewMessage,
  PbftMessage,
  PrePrepareMessage,
  PrepareMessage,
  Replica,
  ReplicaEvent,
  ViewChangeMessage,
} from './types.ts';

/** The null request's digest (PBFT.tla's Null): what a new view assigns to a sequence number no certificate names. */
export const NULL_REQUEST = 'null';

/**
 * The high water mark K. Without checkpoints the low water mark stays 0, so K bounds the whole
 * run: large enough for any run. The policy keeps its own window above what it has executed
 * (WINDOW), so a Byzantine primary cannot make a new view fill a million sequence numbers.
 */
export const PBFT_K = 1_000_000;

/** A backup accepts pre-prepares at most this far above what it has executed, and a primary assigns no further. */
export const WINDOW = 256;

/** How many sequence numbers a replica retransmits its own messages for, per heartbeat and per lagging replica. */
const RESEND_WINDOW = 32;

/**
 * Whether a digest is a request a client could have issued: exactly the encoding of a key-value
 * command. (That a client did issue it, PBFT.tla's `requests`, needs the client's signature,
 * which the simulator's Byzantine replica respects and a real cluster does not check: see
 * docs/cluster.md.)
 */
export function isRequest(digest: unknown): digest is string {
  // Stryker disable next-line ConditionalExpression: JSON.parse reads anything else as its text, and no text of it is the encoding of a command that is not a string
  if (typeof digest !== 'string') return false;
  let known = requestCache.get(digest);
  // Stryker disable next-line ConditionalExpression: a memo; deciding again gives the same answer
  if (known === undefined) {
    known = isEncodedCommand(digest);
    // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: a memo's bound on memory; forgetting gives the same answers again
    if (requestCache.size > 100_000) requestCache.clear();
    requestCache.set(digest, known);
  }
  return known;
}
const requestCache = new Map<string, boolean>();

const isDigest = (d: unknown): d is string => d === NULL_REQUEST || isRequest(d);

/** The replica ids as the host and the network name them. */
export function replicaIds(n: number): NodeId[] {
  return Array.from({ length: n }, (_, k) => String(k));
}

export function pbftConfig(n: number, mutant?: string): PbftConfig {
  if (n < 4 || (n - 1) % 3 !== 0) throw new UserError(`PBFT runs on n = 3f + 1 replicas (4, 7, 10, ...), not ${n}`);
  return { n, f: (n - 1) / 3, k: PBFT_K, nullDigest: NULL_REQUEST, rules: pbftRules(mutant) };
}

/** The smallest number of matching replies from distinct replicas that the rules let a client accept (f + 1). */
export function replyQuorum(cfg: PbftConfig): number {
  // Stryker disable next-line EqualityOperator: when no fewer will do, n is the answer either way
  for (let r = 1; r <= cfg.n; r++) if (cfg.rules.replyQuorum(r, cfg.f)) return r;
  return cfg.n;
}

// ---- the messages a replica has received, and which of them it may believe -------------------------

/**
 * What a replica (or the adversary) has heard: every message, by certificate or view, and what it
 * may conclude from them. PBFT.tla lets a correct replica use a Byzantine replica's view change
 * only if its certificates check (ProvableCerts), and a Byzantine primary's new view only if it is
 * made of view changes that do; a correct replica cannot tell who is Byzantine, so it checks every
 * one, from what it has itself received:
 * - a certificate (v, n, d) checks if 2f distinct backups of v sent matching PREPAREs (at most f
 *   of them are Byzantine, so one is correct, and PBFT.tla's Preparers has 2f), or if f + 1
 *   distinct replicas claimed it in their view changes (one of them is correct and was prepared).
 */
export class MessageStore {
  /** Pre-prepares, by certificate key. */
  readonly prePrepares = new Map<string, PrePrepareMessage>();
  /** The backups (not the view's primary) whose PREPARE matches each certificate. */
  readonly prepares = new Map<string, Set<number>>();
  /** The replicas whose COMMIT matches each certificate. */
  readonly commits = new Map<string, Set<number>>();
  /** View changes by view, then sender; a Byzantine sender may have several. */
  readonly viewChanges = new Map<number, Map<number, ViewChangeMessage[]>>();
  private readonly viewChangeKeys = new Set<string>();
  /** The replicas that claimed each certificate in a view change. */
  private readonly claims = new Map<string, Set<number>>();
  readonly newViews = new Map<number, NewViewMessage[]>();
  private readonly newViewKeys = new Set<string>();
  /** The certificates each view's normal-case messages name. */
  readonly certsOfView = new Map<number, Map<string, Certificate>>();
  /** The highest view each replica has sent a view change for, and when it last did. */
  readonly lastViewChange = new Map<number, { view: number; at: number }>();
  /** The highest view each replica has sent a normal-case message of. */
  readonly lastNormalView = new Map<number, number>();
  /** The view changes and new views that checked: only a success is final (missing evidence may arrive). */
  private readonly checked = new WeakSet<object>();

  constructor(private readonly cfg: PbftConfig) {}

  private noteCert(c: Certificate, key: string): void {
    let certs = this.certsOfView.get(c.view);
    if (certs === undefined) this.certsOfView.set(c.view, (certs = new Map()));
    // Stryker disable next-line ConditionalExpression: a certificate set again is the same certificate (a `false` here every test of certsOfView kills)
    if (!certs.has(key)) certs.set(key, certificate(c));
  }

  /** A well-formed normal-case message: its sequence number within the water marks, a digest that is a request or the null request. */
  wellFormed(m: PbftMessage): boolean {
    if (!Number.isInteger(m.view) || m.view < 0 || !Number.isInteger(m.sender) || m.sender < 0 || m.sender >= this.cfg.n) return false;
    switch (m.type) {
      case 'PrePrepare':
        return m.sender === primary(this.cfg, m.view) && this.inRange(m.seq) && isRequest(m.digest);
      case 'Prepare':
        return m.sender !== primary(this.cfg, m.view) && this.inRange(m.seq) && isDigest(m.digest);
      case 'Commit':
        return this.inRange(m.seq) && isDigest(m.digest);
      case 'ViewChange':
        return m.view >= 1 && m.prepared.every((c) => this.certShape(c) && c.view < m.view);
      case 'NewView':
        return m.view >= 1 && m.sender === primary(this.cfg, m.view);
    }
  }

  private inRange(seq: number): boolean {
    return Number.isInteger(seq) && seq >= 1 && seq <= this.cfg.k;
  }

  private certShape(c: Certificate): boolean {
    return Number.isInteger(c.view) && c.view >= 0 && this.inRange(c.seq) && isDigest(c.digest);
  }

  /**
   * Keep a message (well-formed, checked by the caller); false if it was already here. The view
   * changes a NEW-VIEW is made of are kept too (`embedded`): they are signed messages like any
   * other, and their claims count; but they say nothing of where their senders are now.
   */
  add(m: PbftMessage, at: number, embedded = false): boolean {
    switch (m.type) {
      case 'PrePrepare': {
        const key = certificateKey(m);
        this.noteNormal(m);
        if (this.prePrepares.has(key)) return false;
        this.prePrepares.set(key, m);
        this.noteCert(m, key);
        return true;
      }
      case 'Prepare':
      case 'Commit': {
        const key = certificateKey(m);
        this.noteNormal(m);
        const map = m.type === 'Prepare' ? this.prepares : this.commits;
        let senders = map.get(key);
        if (senders === undefined) map.set(key, (senders = new Set()));
        if (senders.has(m.sender)) return false;
        senders.add(m.sender);
        this.noteCert(m, key);
        return true;
      }
      case 'ViewChange': {
        const last = this.lastViewChange.get(m.sender);
        if (!embedded && (last === undefined || m.view >= last.view)) this.lastViewChange.set(m.sender, { view: m.view, at });
        const key = messageKey(m);
        if (this.viewChangeKeys.has(key)) return false;
        this.viewChangeKeys.add(key);
        let byView = this.viewChanges.get(m.view);
        if (byView === undefined) this.viewChanges.set(m.view, (byView = new Map()));
        const list = byView.get(m.sender);
        if (list === undefined) byView.set(m.sender, [m]);
        else list.push(m);
        for (const c of m.prepared) {
          const ck = certificateKey(c);
          let claimers = this.claims.get(ck);
          if (claimers === undefined) this.claims.set(ck, (claimers = new Set()));
          claimers.add(m.sender);
        }
        return true;
      }
      case 'NewView': {
        const key = messageKey(m);
        if (this.newViewKeys.has(key)) return false;
        this.newViewKeys.add(key);
        const list = this.newViews.get(m.view);
        if (list === undefined) this.newViews.set(m.view, [m]);
        else list.push(m);
        for (const vc of m.viewChanges) if (vc.type === 'ViewChange' && this.wellFormed(vc)) this.add(vc, at, true);
        return true;
      }
    }
  }

  private noteNormal(m: PbftMessage): void {
    const last = this.lastNormalView.get(m.sender);
    // Stryker disable next-line EqualityOperator: setting the view it holds changes nothing
    if (last === undefined || m.view > last) this.lastNormalView.set(m.sender, m.view);
  }

  /** The backups whose PREPAREs for c have arrived. */
  preparers(c: Certificate): ReadonlySet<number> {
    return this.prepares.get(certificateKey(c)) ?? EMPTY;
  }

  committers(c: Certificate): ReadonlySet<number> {
    return this.commits.get(certificateKey(c)) ?? EMPTY;
  }

  /** Does certificate c check (ProvableCerts), from what has arrived? */
  provable(c: Certificate): boolean {
    const key = certificateKey(c);
    const p = this.prepares.get(key);
    if (p !== undefined && p.size >= 2 * this.cfg.f) return true;
    const claimers = this.claims.get(key);
    return claimers !== undefined && claimers.size >= this.cfg.f + 1;
  }

  /** A view change whose certificates all check (one that ByzantineViewChanges has, if its sender is Byzantine). */
  validViewChange(vc: ViewChangeMessage): boolean {
    // Stryker disable next-line ConditionalExpression: a memo; what arrived stays, so a view change that checked checks again
    if (this.checked.has(vc)) return true;
    const ok = this.wellFormed(vc) && vc.prepared.every((c) => this.provable(c));
    // Stryker disable next-line ConditionalExpression,BlockStatement: a memo; checking again gives the same answer
    if (ok) this.checked.add(vc);
    return ok;
  }

  /**
   * A new view that PBFT.tla's NewViewsFrom has: 2f + 1 or more view changes for its view, from
   * distinct replicas, each of which checks. (At most N of them: distinct senders that are
   * replicas, which a well-formed view change names, are at most N.)
   */
  validNewView(nv: NewViewMessage): boolean {
    // Stryker disable next-line ConditionalExpression: a memo; what arrived stays, so a new view that checked checks again
    if (this.checked.has(nv)) return true;
    const V = nv.viewChanges;
    const senders = new Set(V.map((vc) => vc.sender));
    const ok =
      this.wellFormed(nv) &&
      V.length >= 2 * this.cfg.f + 1 &&
      senders.size === V.length &&
      V.every((vc) => vc.type === 'ViewChange' && vc.view === nv.view && this.validViewChange(vc));
    // Stryker disable next-line ConditionalExpression,BlockStatement: a memo; checking again gives the same answer
    if (ok) this.checked.add(nv);
    return ok;
  }

  /** One view change for view v from each distinct replica other than `except` that checks, by sender. */
  validViewChangesFor(v: number, except: number): ViewChangeMessage[] {
    const out: ViewChangeMessage[] = [];
    const byView = this.viewChanges.get(v);
    if (byView === undefined) return out;
    for (const sender of [...byView.keys()].sort((a, b) => a - b)) {
      if (sender === except) continue;
      const vc = byView.get(sender)!.find((m) => this.validViewChange(m));
      if (vc !== undefined) out.push(vc);
    }
    return out;
  }
}

const EMPTY: ReadonlySet<number> = new Set();

/**
 * 2f of the view changes `valid` for a new view: if it can, a set whose every certificate (with the
 * new primary's own, `own`) is claimed by f + 1 of them, so that every backup can check the
 * NEW-VIEW from the NEW-VIEW alone, whatever it has missed; else the first 2f.
 */
export function selfCertifying(cfg: PbftConfig, valid: readonly ViewChangeMessage[], own: readonly Certificate[]): ViewChangeMessage[] {
  const size = 2 * cfg.f;
  const check = (Q: readonly ViewChangeMessage[]): boolean => {
    const claims = new Map<string, number>();
    for (const P of [own, ...Q.map((vc) => vc.prepared)]) for (const c of P) claims.set(certificateKey(c), (claims.get(certificateKey(c)) ?? 0) + 1);
    for (const n of claims.values()) if (n < cfg.f + 1) return false;
    return true;
  };
  let found: ViewChangeMessage[] | undefined;
  const pick = (from: number, chosen: ViewChangeMessage[]): void => {
    if (found !== undefined) return;
    // Stryker disable next-line EqualityOperator: a choice grows by one a call, so it is never more than `size`
    if (chosen.length === size) {
      if (check(chosen)) found = chosen.slice();
      return;
    }
    for (let k = from; k <= valid.length - (size - chosen.length); k++) {
      chosen.push(valid[k]);
      pick(k + 1, chosen);
      chosen.pop();
    }
  };
  pick(0, []);
  return found ?? valid.slice(0, size);
}

// ---- the reducer behind the host's entry point -----------------------------------------------------

/** The step `event` is at replica `node`, named as PBFT.tla's Next names it. */
export function pbftReduce(cfg: PbftConfig, node: Replica, event: ReplicaEvent): ReducerStep<Replica, PbftMessage> | undefined {
  const t = step(cfg, node, event);
  if (t === undefined) return undefined;
  const i = node.id;
  const base = { node: t.replica, sent: t.sent };
  switch (event.type) {
    case 'PrePrepare':
      return { ...base, action: 'PrePrepare', params: { i, r: event.request } };
    case 'ReceivePrePrepare':
      return { ...base, action: 'ReceivePrePrepare', params: { i, n: event.message.seq, d: event.message.digest }, received: event.message };
    case 'ReceivePrepares':
      return { ...base, action: 'ReceivePrepares', params: { i, n: event.prePrepare.seq, d: event.prePrepare.digest, from: event.prepares.map((p) => p.sender) } };
    case 'ReceiveCommits':
      return { ...base, action: 'ReceiveCommits', params: { i, n: event.prePrepare.seq, d: event.prePrepare.digest, from: event.commits.map((c) => c.sender) } };
    case 'Timeout':
      return { ...base, action: 'Timeout', params: { i } };
    case 'ReceiveViewChanges':
      return { ...base, action: 'ReceiveViewChanges', params: { i, v: event.viewChanges[0].view, Q: event.viewChanges.map((m) => m.sender) } };
    case 'ReceiveNewView':
      return { ...base, action: 'ReceiveNewView', params: { i, j: event.message.sender }, received: event.message };
  }
}

/** A replica's state as the event log records it: PBFT.tla's variables at i, the sets and the sequence by their sizes. */
export function logPbftState(node: Replica): Readonly<Record<string, unknown>> {
  return { view: node.view, status: node.status, logSize: node.log.size, committed: node.committed.size, executed: node.executed.length };
}

/** A message as the event log records it: view changes and new views by their certificates' keys. */
export function logPbftMessage(m: PbftMessage): unknown {
  switch (m.type) {
    case 'ViewChange':
      return { type: m.type, view: m.view, sender: m.sender, prepared: m.prepared.map(certificateKey) };
    case 'NewView':
      return { type: m.type, view: m.view, sender: m.sender, viewChanges: m.viewChanges.map((vc) => ({ sender: vc.sender, prepared: vc.prepared.map(certificateKey) })) };
    default:
      return m;
  }
}

/**
 * The messages a logged quorum step reads from the set of messages ever sent (the PREPAREs and
 * COMMITs of ReceivePrepares and ReceiveCommits, at the replica's view; the VIEW-CHANGEs of
 * ReceiveViewChanges), keyed as `pbftReadKey` keys a logged message: the merge of a real
 * cluster's logs puts such a step after their sends when their milliseconds tie.
 */
export const PBFT_READS = {
  of(event: LogEvent): readonly string[] {
    const p = event.params as Record<string, unknown>;
    const view = (event.state as Record<string, unknown> | undefined)?.view;
    if ((event.action === 'ReceivePrepares' || event.action === 'ReceiveCommits') && Array.isArray(p.from) && typeof view === 'number') {
      const type = event.action === 'ReceivePrepares' ? 'Prepare' : 'Commit';
      return p.from.map((j) => `${type} ${view} ${String(p.n)} ${String(p.d)} ${String(j)}`);
    }
    if (event.action === 'ReceiveViewChanges' && Array.isArray(p.Q)) return p.Q.map((j) => `ViewChange ${String(p.v)} ${String(j)}`);
    return [];
  },
  readKey(logged: unknown): string | undefined {
    const m = logged as Record<string, unknown>;
    if (m.type === 'Prepare' || m.type === 'Commit') return `${m.type} ${String(m.view)} ${String(m.seq)} ${String(m.digest)} ${String(m.sender)}`;
    if (m.type === 'ViewChange') return `ViewChange ${String(m.view)} ${String(m.sender)}`;
    return undefined;
  },
};

// ---- the policy of a correct replica ----------------------------------------------------------------

type Ctx = HostContext<Replica, ReplicaEvent>;

type Work =
  | { readonly kind: 'cert'; readonly cert: Certificate }
  | { readonly kind: 'assign' }
  | { readonly kind: 'viewChanges'; readonly view: number }
  | { readonly kind: 'newView'; readonly view: number }
  | { readonly kind: 'join' };

interface PendingRequest {
  readonly seq: number;
  readonly command: string;
  since: number;
}

/** Per other replica: how far it has committed in our view (its COMMITs we hold), and when we next resend to help it. */
interface Progress {
  seqs: Set<number>;
  /** Every sequence number up to h has its COMMIT. */
  h: number;
  lastResentH: number;
  backoff: number;
  next: number;
}

/**
 * What a correct replica does when, beyond what PBFT.tla says it may do. Every protocol step it
 * takes goes through the reducer; the reducer checks the spec's enabling conditions on the
 * replica's own state, and this policy checks the rest: that a message it acts on could be in the
 * spec's network (well-formed, and its certificates check).
 *
 * Steps are taken one at a time from a work queue: each step's afterStep first notes what it did,
 * then takes the next enabled step, so every decision sees everything before it.
 */
export class PbftPolicy implements HostPolicy<Replica, PbftMessage, ReplicaEvent> {
  private readonly store: MessageStore;
  private readonly work = new Map<string, Work>();
  private readonly me: number;
  /** Requests from clients not yet executed, by client: the latest of each. */
  private readonly pending = new Map<number, PendingRequest>();
  /** Each client's highest executed sequence number. */
  private readonly executedSeq = new Map<number, number>();
  private readonly executedDigests = new Set<string>();
  private executedSeen = 0;
  /** (view.seq) -> digest of the first pre-prepare in the log for it (accepted, or sent as primary). */
  private readonly accepted = new Map<string, string>();
  /** Second pre-prepares for a slot, offered to the reducer once (current view). */
  private offered = new Set<string>();
  /** The requests pre-prepared in the current view (the primary's, and the new view's). */
  private assignedInView = new Set<string>();
  private nextSeqInView = 1;
  /** Own normal-case messages of the current view, by sequence number: what a retransmission resends. */
  private own = new Map<number, PbftMessage[]>();
  /** When we last sent a message of our own for each sequence number of the current view. */
  private lastSent = new Map<number, number>();
  /** The highest sequence number we have a message of our own for, in the current view. */
  private topOwn = 0;
  /** The time of the step being noted (noteOwn has no context). */
  private now = 0;
  /** Sequence numbers committed-local here in the current view. */
  private committedInView = new Set<number>();
  private topCommitted = 0;
  private lowestUncommitted = 1;
  private ownViewChange: ViewChangeMessage | undefined;
  private ownNewView: NewViewMessage | undefined;
  private newViewEvidence: PrepareMessage[] = [];
  private viewChangeEvidence: PrepareMessage[] = [];
  private readonly progress = new Map<number, Progress>();
  /** The view-change timer: its period, doubling at each view change that does not execute anything new (4.5.2). */
  private period = 0;
  private backoff = 0;
  private deadline: number | undefined;
  private viewEnteredAt = 0;
  private lastProgressAt = 0;
  /** In a view change: since when its timer may run (f + 1 replicas asked for the view, or the view is seen active). */
  private viewChangeArmedAt: number | undefined;
  /** Since when another replica has been seen outside our view (asking for another, or still in an older one). */
  private strayedSince: number | undefined;
  private resendTick = 0;
  private lastViewChangeResend = 0;
  private viewChangeResendGap = 1;
  private newViewResend = { gap: 1, at: 0 };
  /** Per replica and sequence number: when we may answer it again, and the gap after that. */
  private cooling = new Map<string, { gap: number; next: number }>();
  /** Per replica and sequence number: when we last heard it send again for it. */
  private heard = new Map<string, number>();
  /** When each replica last showed it is outside our view. */
  private readonly strayAt = new Map<number, number>();

  constructor(
    private readonly cfg: PbftConfig,
    private readonly options: SystemOptions,
    id: NodeId,
  ) {
    this.me = Number(id);
    this.store = new MessageStore(cfg);
  }

  // ---- hooks --------------------------------------------------------------------------------------

  start(ctx: Ctx): void {
    this.period = this.drawPeriod(ctx);
    this.viewEnteredAt = ctx.now();
    ctx.setTimer('retransmit', this.options.timing.heartbeatMs);
  }

  onTimer(ctx: Ctx, timer: string): void {
    if (timer === 'retransmit') {
      this.retransmit(ctx);
      ctx.setTimer('retransmit', this.options.timing.heartbeatMs);
      // Evidence may have arrived for a view change or new view that did not check before.
      this.retryViewChange(ctx);
      this.drain(ctx);
    } else if (timer === 'viewchange') {
      this.deadline = undefined;
      this.viewChangeTimerFired(ctx);
      this.drain(ctx);
      this.armTimer(ctx);
    }
  }

  onMessage(ctx: Ctx, m: PbftMessage): void {
    if (!this.store.wellFormed(m) || m.sender === this.me) return;
    const node = ctx.node;
    // A message heard before is a retransmission (or a duplicate): its sender is still where it was.
    const fresh = this.store.add(m, ctx.now());
    switch (m.type) {
      case 'PrePrepare':
      case 'Prepare':
      case 'Commit':
        if (m.view === node.view && node.status === 'Normal') {
          // It is in our view after all.
          if (this.strayAt.delete(m.sender) && this.strayAt.size === 0) this.strayedSince = undefined;
          if (m.type === 'Commit') this.noteCommit(m);
          if (fresh) this.enqueue({ kind: 'cert', cert: m });
          else if (this.committedInView.has(m.seq)) this.answer(ctx, m.sender, m.seq);
        } else if (m.view < node.view) {
          // Sent again: its sender is still in that view. (Not a PREPARE: a new primary forwards old ones, see newViewEvidence.)
          if (!fresh && m.type !== 'Prepare') this.strayed(ctx, m.sender);
        } else {
          // Our view's normal case goes on without us: we lack its NEW-VIEW. Our VIEW-CHANGE at the
          // next heartbeat asks its primary for it, before our timer moves us past the view.
          if (m.view === node.view) this.viewChangeResendGap = 1;
          this.enqueue({ kind: 'join' });
          this.maybeArmViewChange(ctx);
        }
        break;
      case 'ViewChange':
        if (primary(this.cfg, m.view) === this.me) this.enqueue({ kind: 'viewChanges', view: m.view });
        this.enqueue({ kind: 'join' });
        if (fresh) for (const v of this.store.newViews.keys()) if (v >= node.view) this.enqueue({ kind: 'newView', view: v });
        // Only a replica in a view change sends its VIEW-CHANGE again: one for a view we are in, or
        // another, is stuck there. One for the view we are in, even the first, lacks its NEW-VIEW.
        if ((!fresh || m.view === node.view) && node.status === 'Normal') this.strayed(ctx, m.sender);
        this.maybeArmViewChange(ctx);
        break;
      case 'NewView':
        if (fresh) this.enqueue({ kind: 'newView', view: m.view });
        break;
    }
    this.drain(ctx);
    this.armTimer(ctx);
  }

  onClientCommand(ctx: Ctx, command: string) {
    const c = isRequest(command) ? decodeCommand(command) : undefined;
    if (c === undefined) return { taken: false as const };
    if (this.executedDigests.has(command) || (this.executedSeq.get(c.client) ?? 0) >= c.seq) return { taken: true as const };
    const p = this.pending.get(c.client);
    if (p === undefined || p.seq < c.seq) this.pending.set(c.client, { seq: c.seq, command, since: ctx.now() });
    else if (p.seq > c.seq) return { taken: true as const };
    if (this.isPrimaryNormal(ctx.node)) this.enqueue({ kind: 'assign' });
    this.drain(ctx);
    this.armTimer(ctx);
    return { taken: true as const };
  }

  afterStep(ctx: Ctx, taken: ReducerStep<Replica, PbftMessage>): void {
    this.note(ctx, taken);
    this.drain(ctx);
    this.armTimer(ctx);
  }

  // ---- bookkeeping ---------------------------------------------------------------------------------

  /** What a step did, for the decisions after it. */
  private note(ctx: Ctx, taken: ReducerStep<Replica, PbftMessage>): void {
    const node = ctx.node;
    this.now = ctx.now();
    switch (taken.action) {
      case 'PrePrepare':
      case 'ReceivePrePrepare':
      case 'ReceivePrepares':
        for (const m of taken.sent) this.noteOwn(m);
        if (taken.action === 'ReceivePrePrepare') {
          const pp = taken.received as PrePrepareMessage;
          if (!this.accepted.has(`${pp.view}.${pp.seq}`)) this.accepted.set(`${pp.view}.${pp.seq}`, pp.digest);
        }
        this.enqueue({ kind: 'cert', cert: (taken.sent[0] ?? taken.received) as Certificate });
        if (taken.action === 'PrePrepare') this.enqueue({ kind: 'assign' });
        break;
      case 'ReceiveCommits': {
        const n = taken.params.n as number;
        this.committedInView.add(n);
        if (n > this.topCommitted) this.topCommitted = n;
        while (this.committedInView.has(this.lowestUncommitted)) this.lowestUncommitted++;
        this.noteExecuted(ctx);
        // PBFT.tla has no checkpoints: a new view prepares and commits again every sequence number
        // since the first, a step each, seconds on a long log. While it does, the view is not
        // stuck, and the requests' timers wait (at most once a sequence number a view).
        if (n <= this.executedSeen) for (const p of this.pending.values()) p.since = ctx.now();
        break;
      }
      case 'Timeout': {
        const vc = taken.sent[0] as ViewChangeMessage;
        this.ownViewChange = vc;
        this.viewChangeEvidence = this.proofs(vc.prepared, (c) => 1 + [...this.store.committers(c)].filter((j) => j !== this.me).length);
        for (const m of this.viewChangeEvidence) ctx.resend(m);
        this.store.add(vc, ctx.now());
        this.backoff++;
        this.period = this.drawPeriod(ctx);
        this.viewChangeArmedAt = undefined;
        this.strayedSince = undefined;
        this.viewChangeResendGap = 1;
        this.lastViewChangeResend = this.resendTick;
        if (primary(this.cfg, node.view) === this.me) this.enqueue({ kind: 'viewChanges', view: node.view });
        for (const v of this.store.newViews.keys()) if (v >= node.view) this.enqueue({ kind: 'newView', view: v });
        this.enqueue({ kind: 'join' });
        this.maybeArmViewChange(ctx);
        break;
      }
      case 'ReceiveViewChanges':
      case 'ReceiveNewView':
        this.enterView(ctx, taken);
        break;
    }
  }

  private noteOwn(m: PbftMessage): void {
    if (m.type === 'ViewChange' || m.type === 'NewView') return;
    this.store.add(m, 0);
    if (m.type === 'PrePrepare') {
      this.accepted.set(`${m.view}.${m.seq}`, m.digest);
      if (m.sender === this.me) {
        this.assignedInView.add(m.digest);
        if (m.seq >= this.nextSeqInView) this.nextSeqInView = m.seq + 1;
      }
    }
    if (m.sender !== this.me) return;
    const list = this.own.get(m.seq);
    if (list === undefined) this.own.set(m.seq, [m]);
    else list.push(m);
    this.lastSent.set(m.seq, this.now);
    if (m.seq > this.topOwn) this.topOwn = m.seq;
  }

  private enterView(ctx: Ctx, taken: ReducerStep<Replica, PbftMessage>): void {
    const node = ctx.node;
    const v = node.view;
    this.own = new Map();
    this.lastSent = new Map();
    this.topOwn = 0;
    this.offered = new Set();
    this.assignedInView = new Set();
    this.nextSeqInView = 1;
    this.committedInView = new Set();
    this.topCommitted = 0;
    this.lowestUncommitted = 1;
    this.progress.clear();
    this.cooling.clear();
    this.heard.clear();
    this.strayAt.clear();
    this.viewChangeArmedAt = undefined;
    this.strayedSince = undefined;
    this.viewEnteredAt = ctx.now();
    this.period = this.drawPeriod(ctx);
    this.newViewResend = { gap: 1, at: this.resendTick };
    for (const p of this.pending.values()) p.since = ctx.now();
    if (taken.action === 'ReceiveViewChanges') {
      for (const m of taken.sent) {
        if (m.type === 'ViewChange') this.ownViewChange = m;
        else if (m.type === 'NewView') this.ownNewView = m;
        else this.noteOwn(m);
      }
      this.newViewEvidence = this.evidence(this.ownNewView!);
      for (const m of this.newViewEvidence) ctx.resend(m);
    } else {
      // The new view's pre-prepares, one for each PREPARE it sent.
      for (const m of taken.sent as PrepareMessage[]) {
        this.accepted.set(`${v}.${m.seq}`, m.digest);
        this.assignedInView.add(m.digest);
        if (m.seq >= this.nextSeqInView) this.nextSeqInView = m.seq + 1;
        this.noteOwn(m);
      }
    }
    // Everything already heard of this view, and the COMMITs that show how far the others are.
    for (const cert of this.store.certsOfView.get(v)?.values() ?? []) {
      this.enqueue({ kind: 'cert', cert });
      for (const j of this.store.committers(cert)) this.noteCommit(commitMsg(cert, j));
    }
    // Forget the views before: their messages are of no more use to a replica in this one.
    for (const w of [...this.store.certsOfView.keys()]) if (w < v) this.store.certsOfView.delete(w);
    for (const key of [...this.accepted.keys()]) if (Number(key.slice(0, key.indexOf('.'))) < v) this.accepted.delete(key);
    if (primary(this.cfg, v) === this.me) this.enqueue({ kind: 'assign' });
    this.noteExecuted(ctx);
  }

  /**
   * PBFT's NEW-VIEW carries the signed messages that prove its certificates; PBFT.tla's leaves them
   * in the network. Those a backup may lack: the PREPAREs behind each certificate that fewer than
   * f + 1 of the new view's view changes claim. Forwarding a signed message changes nothing in the
   * spec (it was available to every replica already), and the NEW-VIEW then checks everywhere.
   */
  private evidence(nv: NewViewMessage): PrepareMessage[] {
    const claims = new Map<string, number>();
    const certs: Certificate[] = [];
    for (const vc of nv.viewChanges) {
      for (const c of vc.prepared) {
        const key = certificateKey(c);
        const n = claims.get(key);
        if (n === undefined) certs.push(c);
        claims.set(key, (n ?? 0) + 1);
      }
    }
    return this.proofs(certs, (c) => claims.get(certificateKey(c))!);
  }

  /**
   * The PREPAREs behind the certificates that fewer than f + 1 replicas vouch for (claim in a view
   * change, or, for our own view change, are known prepared for: their COMMITs). The same holds of
   * a VIEW-CHANGE as of a NEW-VIEW: PBFT's carries its proofs, PBFT.tla's leaves them in the network.
   */
  private proofs(certs: readonly Certificate[], vouchers: (c: Certificate) => number): PrepareMessage[] {
    const out: PrepareMessage[] = [];
    for (const cert of certs) {
      if (vouchers(cert) >= this.cfg.f + 1) continue;
      for (const j of this.store.preparers(cert)) out.push(prepareMsg(cert, j));
    }
    return out;
  }

  /** Executed requests: no longer pending; a new one resets the view-change backoff. */
  private noteExecuted(ctx: Ctx): void {
    const executed = ctx.node.executed;
    let progressed = false;
    for (; this.executedSeen < executed.length; this.executedSeen++) {
      const d = executed[this.executedSeen];
      if (d === NULL_REQUEST) continue;
      if (this.executedDigests.has(d)) continue;
      this.executedDigests.add(d);
      progressed = true;
      const c = decodeCommand(d);
      if (c === undefined) continue;
      if ((this.executedSeq.get(c.client) ?? 0) < c.seq) this.executedSeq.set(c.client, c.seq);
      const p = this.pending.get(c.client);
      if (p !== undefined && p.seq <= c.seq) this.pending.delete(c.client);
    }
    if (progressed) {
      this.backoff = 0;
      this.lastProgressAt = ctx.now();
      // The timer restarts for the requests still waiting (4.4).
      for (const p of this.pending.values()) p.since = ctx.now();
      if (this.isPrimaryNormal(ctx.node)) this.enqueue({ kind: 'assign' });
    }
  }

  private noteCommit(m: CommitMessage): void {
    if (m.sender === this.me) return;
    let p = this.progress.get(m.sender);
    if (p === undefined) {
      p = { seqs: new Set(), h: 0, lastResentH: -1, backoff: 1, next: 0 };
      this.progress.set(m.sender, p);
    }
    p.seqs.add(m.seq);
    while (p.seqs.has(p.h + 1)) p.seqs.delete(++p.h);
  }

  // ---- taking steps ------------------------------------------------------------------------------

  private enqueue(w: Work): void {
    const key = w.kind === 'cert' ? `c ${certificateKey(w.cert)}` : w.kind === 'viewChanges' || w.kind === 'newView' ? `${w.kind} ${w.view}` : w.kind;
    if (!this.work.has(key)) this.work.set(key, w);
  }

  /** Take the next enabled step of the work queue, if any: its afterStep goes on from there. */
  private drain(ctx: Ctx): void {
    for (const [key, w] of this.work) {
      this.work.delete(key);
      if (this.attempt(ctx, w)) return;
    }
  }

  private attempt(ctx: Ctx, w: Work): boolean {
    switch (w.kind) {
      case 'cert':
        return this.advanceCert(ctx, w.cert);
      case 'assign':
        return this.assign(ctx);
      case 'viewChanges':
        return this.formView(ctx, w.view);
      case 'newView':
        return this.takeNewView(ctx, w.view);
      case 'join':
        return this.join(ctx);
    }
  }

  /** The normal case for one certificate of the current view: accept its pre-prepare, become prepared, commit. */
  private advanceCert(ctx: Ctx, cert: Certificate): boolean {
    const node = ctx.node;
    if (node.status !== 'Normal' || cert.view !== node.view) return false;
    const p = primary(this.cfg, cert.view);
    if (!node.log.has(prePrepareKey(cert, p))) {
      if (p === this.me || cert.seq > node.executed.length + WINDOW) return false;
      const key = certificateKey(cert);
      const pp = this.store.prePrepares.get(key);
      if (pp === undefined) return false;
      if (this.accepted.has(`${cert.view}.${cert.seq}`)) {
        // Another request for a view and sequence number we accepted one for: the reducer's rule
        // (MayAcceptPrePrepare) refuses it, unless a seeded bug replaced the rule. Asked once.
        if (this.offered.has(key)) return false;
        this.offered.add(key);
      }
      return ctx.step({ type: 'ReceivePrePrepare', message: pp });
    }
    const pp: PrePrepareMessage = { type: 'PrePrepare', view: cert.view, seq: cert.seq, digest: cert.digest, sender: p };
    if (!node.log.has(commitKey(cert, this.me))) {
      const preparers = this.store.preparers(cert);
      if (!this.cfg.rules.prepareQuorum(preparers.size, this.cfg.f)) return false;
      return ctx.step({ type: 'ReceivePrepares', prePrepare: pp, prepares: [...preparers].sort((a, b) => a - b).map((j) => prepareMsg(cert, j)) });
    }
    if (node.committed.has(certificateKey(cert))) return false;
    const committers = this.store.committers(cert);
    if (!this.cfg.rules.commitQuorum(committers.size, this.cfg.f)) return false;
    return ctx.step({ type: 'ReceiveCommits', prePrepare: pp, commits: [...committers].sort((a, b) => a - b).map((j) => commitMsg(cert, j)) });
  }

  /** The primary assigns the next waiting request a sequence number (4.2). */
  private assign(ctx: Ctx): boolean {
    const node = ctx.node;
    if (!this.isPrimaryNormal(node) || this.nextSeqInView > node.executed.length + WINDOW) return false;
    for (const p of this.pending.values()) {
      if (this.assignedInView.has(p.command) || this.executedDigests.has(p.command)) continue;
      if (ctx.step({ type: 'PrePrepare', request: p.command })) return true;
      this.assignedInView.add(p.command);
    }
    return false;
  }

  /** As the primary of view v, with 2f view changes for it from others that check: the NEW-VIEW (4.4). */
  private formView(ctx: Ctx, v: number): boolean {
    const node = ctx.node;
    if (primary(this.cfg, v) !== this.me || !(v > node.view || (v === node.view && node.status === 'ViewChange'))) return false;
    const valid = this.store.validViewChangesFor(v, this.me);
    if (valid.length < 2 * this.cfg.f) return false;
    return ctx.step({ type: 'ReceiveViewChanges', viewChanges: selfCertifying(this.cfg, valid, preparedCerts(node)) });
  }

  /** A NEW-VIEW for a later view, or for the one we are moving to, that checks (4.4). */
  private takeNewView(ctx: Ctx, v: number): boolean {
    const node = ctx.node;
    if (primary(this.cfg, v) === this.me || !(v > node.view || (v === node.view && node.status === 'ViewChange'))) return false;
    for (const nv of this.store.newViews.get(v) ?? []) {
      if (this.store.validNewView(nv)) return ctx.step({ type: 'ReceiveNewView', message: nv });
    }
    return false;
  }

  /**
   * 4.5.2: with view changes (or messages) for later views from f + 1 other replicas, one of them
   * correct, a replica moves towards the lowest of those views, one Timeout at a time (each call
   * one view further, until f + 1 others are no longer ahead).
   */
  private join(ctx: Ctx): boolean {
    const node = ctx.node;
    // The primary too (4.5.2 excepts no one): one of f + 1 replicas is correct, so the view has
    // moved on without it, as it has for a primary that was killed and came back in its old view.
    let ahead = 0;
    for (let j = 0; j < this.cfg.n; j++) {
      if (j === this.me) continue;
      const v = Math.max(this.store.lastViewChange.get(j)?.view ?? -1, this.store.lastNormalView.get(j) ?? -1);
      if (v > node.view) ahead++;
    }
    if (ahead < this.cfg.f + 1) return false;
    return ctx.step({ type: 'Timeout' });
  }

  private retryViewChange(ctx: Ctx): void {
    const node = ctx.node;
    if (node.status === 'ViewChange') {
      this.enqueue({ kind: 'viewChanges', view: node.view });
      for (const v of this.store.newViews.keys()) if (v >= node.view) this.enqueue({ kind: 'newView', view: v });
    }
    for (const v of this.store.viewChanges.keys()) if (v > node.view && primary(this.cfg, v) === this.me) this.enqueue({ kind: 'viewChanges', view: v });
    for (const v of this.store.newViews.keys()) if (v > node.view) this.enqueue({ kind: 'newView', view: v });
  }

  // ---- the view-change timer -----------------------------------------------------------------------

  private drawPeriod(ctx: Ctx): number {
    return drawDelay(ctx.random, this.options.timing.electionTimeoutMs);
  }

  private timeout(): number {
    return this.period * 2 ** Math.min(this.backoff, 4);
  }

  private isPrimaryNormal(node: Replica): boolean {
    return node.status === 'Normal' && primary(this.cfg, node.view) === this.me;
  }

  private oldestPending(): number | undefined {
    let oldest: number | undefined;
    for (const p of this.pending.values()) if (oldest === undefined || p.since < oldest) oldest = p.since;
    return oldest;
  }

  /**
   * Another replica shows it is outside our view: it sends again what it sent in an older view, or
   * its VIEW-CHANGE. The primary that made this view sends it the NEW-VIEW again; an idle backup
   * that sees it stay out for a whole timeout moves on to meet it (see viewChangeDeadline).
   */
  private strayed(ctx: Ctx, j: number): void {
    const now = ctx.now();
    if (this.strayedSince === undefined) this.strayedSince = now;
    const last = this.strayAt.get(j);
    this.strayAt.set(j, now);
    if (last !== undefined && now - last < this.options.timing.heartbeatMs) return;
    if (this.ownNewView !== undefined && this.ownNewView.view === ctx.node.view) this.resendNewView(ctx);
  }

  private resendNewView(ctx: Ctx): void {
    ctx.resend(this.ownNewView!);
    for (const m of this.newViewEvidence) ctx.resend(m);
  }

  /**
   * In a view change, the timer for the next one runs once f + 1 replicas asked for this view (4.5.2
   * waits for 2f + 1, but a correct primary content in its view never asks: with it and a
   * Byzantine replica out, 2f + 1 never come), once the view is seen going on without us, or once
   * another replica asks for a later one.
   */
  private maybeArmViewChange(ctx: Ctx): void {
    const node = ctx.node;
    if (node.status !== 'ViewChange' || this.viewChangeArmedAt !== undefined) return;
    const askers = this.store.viewChanges.get(node.view)?.size ?? 0;
    let active = 0;
    for (const [j, v] of this.store.lastNormalView) if (j !== this.me && v >= node.view) active++;
    // Another replica already asks for a later view: meet it there, one view per timeout (a
    // Byzantine one asking for view 10^6 makes no replica jump).
    let ahead = false;
    for (const [j, vc] of this.store.lastViewChange) if (j !== this.me && vc.view > node.view) ahead = true;
    if (askers >= this.cfg.f + 1 || active >= this.cfg.f + 1 || ahead) this.viewChangeArmedAt = ctx.now();
  }

  private viewChangeDeadline(ctx: Ctx): number | undefined {
    const node = ctx.node;
    const t = this.timeout();
    if (node.status === 'ViewChange') return this.viewChangeArmedAt === undefined ? undefined : this.viewChangeArmedAt + t;
    if (primary(this.cfg, node.view) === this.me) return undefined;
    const oldest = this.oldestPending();
    if (oldest !== undefined) return oldest + t;
    // Idle (nothing waiting, nothing executed) while another replica has been outside our view for a whole timeout: go and meet it.
    if (this.strayedSince !== undefined) return Math.max(this.strayedSince, this.viewEnteredAt, this.lastProgressAt) + t;
    return undefined;
  }

  private armTimer(ctx: Ctx): void {
    const d = this.viewChangeDeadline(ctx);
    if (d === this.deadline) return;
    this.deadline = d;
    if (d === undefined) ctx.cancelTimer('viewchange');
    else ctx.setTimer('viewchange', Math.max(0, d - ctx.now()));
  }

  private viewChangeTimerFired(ctx: Ctx): void {
    const node = ctx.node;
    const d = this.viewChangeDeadline(ctx);
    if (d === undefined || d > ctx.now()) return;
    if (node.status === 'Normal' && this.oldestPending() === undefined) {
      // Follow a stray replica only while it is still signalling.
      if (!this.strayStillThere(ctx)) {
        this.strayedSince = undefined;
        return;
      }
    }
    ctx.step({ type: 'Timeout' });
  }

  /**
   * A replica sends again its message for sequence number n, which we have committed, heartbeat
   * after heartbeat: it is still working on n. Ours for n again; from the primary, also its pre-prepares
   * since the replica's last COMMIT we hold (it may lack one, and so have nothing to send for it).
   * The answers to one replica for one n come less and less often, so two replicas that both have
   * n soon stop.
   */
  private answer(ctx: Ctx, j: number, n: number): void {
    const key = `${j}:${n}`;
    const now = ctx.now();
    // A replica that needs n sends for it every heartbeat; answers come two or more heartbeats
    // apart. Only the first is a need: answers must not be answered.
    const hb = this.options.timing.heartbeatMs;
    const before = this.heard.get(key);
    this.heard.set(key, now);
    if (before === undefined || now - before < hb / 2 || now - before > (3 * hb) / 2) return;
    const cooling = this.cooling.get(key);
    if (cooling !== undefined && now < cooling.next) return;
    const gap = cooling === undefined ? 2 : Math.min(cooling.gap * 2, 64);
    this.cooling.set(key, { gap, next: now + gap * this.options.timing.heartbeatMs });
    for (const m of this.own.get(n) ?? []) ctx.resend(m);
    // A backup that lacks a pre-prepare has nothing of its own to send for it: the primary fills the gap below n.
    if (!this.isPrimaryNormal(ctx.node)) return;
    const from = Math.max((this.progress.get(j)?.h ?? 0) + 1, n - RESEND_WINDOW + 1);
    for (let k = from; k < n; k++) for (const m of this.own.get(k) ?? []) if (m.type === 'PrePrepare') ctx.resend(m);
  }

  private strayStillThere(ctx: Ctx): boolean {
    const recent = ctx.now() - 10 * this.options.timing.heartbeatMs;
    if (ctx.now() - this.lastProgressAt < this.timeout()) return false;
    for (const at of this.strayAt.values()) if (at >= recent) return true;
    return false;
  }

  // ---- retransmission ------------------------------------------------------------------------------

  /**
   * Every heartbeat: in a view change, our VIEW-CHANGE (less and less often); in a view, our own
   * messages for what is not committed here yet, and, for each replica whose COMMITs we lack,
   * ours for the sequence numbers after its last (less often while it does not move: it may be
   * Byzantine). PBFT.tla's network keeps every message, so a message sent again is the same one.
   */
  private retransmit(ctx: Ctx): void {
    this.resendTick++;
    const node = ctx.node;
    if (node.status === 'ViewChange') {
      if (this.ownViewChange !== undefined && this.ownViewChange.view === node.view && this.resendTick - this.lastViewChangeResend >= this.viewChangeResendGap) {
        ctx.resend(this.ownViewChange);
        for (const m of this.viewChangeEvidence) ctx.resend(m);
        this.lastViewChangeResend = this.resendTick;
        this.viewChangeResendGap = Math.min(this.viewChangeResendGap * 2, 8);
      }
      return;
    }
    if (this.ownNewView !== undefined && this.ownNewView.view === node.view && this.resendTick - this.newViewResend.at >= this.newViewResend.gap) {
      this.resendNewView(ctx);
      this.newViewResend = { gap: Math.min(this.newViewResend.gap * 2, 32), at: this.resendTick };
    }
    const seqs = new Set<number>();
    // What we are still waiting for.
    const settled = ctx.now() - this.options.timing.heartbeatMs;
    for (let n = this.lowestUncommitted, k = 0; k < RESEND_WINDOW && n <= Math.min(this.topOwn, this.lowestUncommitted + 4 * RESEND_WINDOW); n++) {
      // Not what is still on its way.
      if (this.committedInView.has(n) || !this.own.has(n) || this.lastSent.get(n)! > settled) continue;
      seqs.add(n);
      k++;
    }
    // What the others may be missing.
    const now = ctx.now();
    for (let j = 0; j < this.cfg.n; j++) {
      if (j === this.me) continue;
      let p = this.progress.get(j);
      if (p === undefined) {
        p = { seqs: new Set(), h: 0, lastResentH: -1, backoff: 1, next: 0 };
        this.progress.set(j, p);
      }
      if (p.h >= this.topCommitted || now < p.next) continue;
      p.backoff = p.lastResentH === p.h ? Math.min(p.backoff * 2, 32) : 1;
      p.lastResentH = p.h;
      p.next = now + p.backoff * this.options.timing.heartbeatMs;
      for (let n = p.h + 1; n <= Math.min(p.h + RESEND_WINDOW, this.topCommitted); n++) seqs.add(n);
    }
    for (const n of [...seqs].sort((a, b) => a - b)) for (const m of this.own.get(n) ?? []) ctx.resend(m);
  }

}

// ---- the system -------------------------------------------------------------------------------------

export function createPbftSystem(options: SystemOptions): SystemDefinition<Replica, PbftMessage, ReplicaEvent> {
  const cfg = pbftConfig(options.nodes, options.mutant);
  for (const k of Object.keys(options.policy ?? {})) throw new UserError(`the scenario's policy.pbft.${k} is not a PBFT setting: PBFT's policy has none (its Byzantine replica is the scenario's "byzantine")`);
  const servers = replicaIds(cfg.n);
  const byzantine = parseByzantine(options.byzantine, cfg.n);
  return {
    servers,
    initialNode: (id) => initialReplica(Number(id)),
    reduce: (node, event) => pbftReduce(cfg, node, event),
    destinations: (m) => servers.filter((s) => s !== String(m.sender)),
    // No restart in PBFT.tla: the whole replica is its stable state, and a crash is a pause. Its
    // sets are written as sets, which a node's database keeps a row a member (a new message, kept
    // in the order of the keys, lands anywhere in the list of them), and rebuilt.
    stable: (node) => ({ ...node, log: new Set(node.log.items), committed: new Set(node.committed.items) }),
    recover: (_id, stable) => {
      const s = stable as Omit<Replica, 'log' | 'committed'> & { log: Iterable<PbftMessage>; committed: Iterable<Certificate> };
      return { node: { ...s, log: KeyedSet.of(s.log, messageKey), committed: KeyedSet.of(s.committed, certificateKey) } };
    },
    committed: (node) => ({ length: node.executed.length, entry: (k) => node.executed[k] }),
    leading: (node) => (node.status === 'Normal' && primary(cfg, node.view) === node.id ? node.view : undefined),
    clients: { replies: replyQuorum(cfg), broadcast: true, logAccepts: true },
    ...(byzantine.id !== undefined && {
      byzantine: {
        ids: [byzantine.id],
        create: (id, ctx) => createAdversary(byzantine.strategy, cfg, Number(id), ctx, options.timing),
      },
    }),
    logState: logPbftState,
    // What trace validation needs of the model (specs/pbft/ValidatePBFT.tla): PBFT.tla's constants but Request.
    constants: { N: cfg.n, Byzantine: byzantine.id === undefined ? [] : [Number(byzantine.id)], K: cfg.k, Null: NULL_REQUEST },
    logMessage: logPbftMessage,
    reads: PBFT_READS,
    policy: (id) => new PbftPolicy(cfg, options, id),
    monitor: () => pbftMonitor(cfg),
  };
}

export const pbftSystem: SystemProtocol = {
  name: 'pbft',
  minNodes: 4,
  defaultNodes: 4,
  crashes: false,
  model: 'kv',
  create: createPbftSystem,
};
