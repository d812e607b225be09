// The PBFT cluster model: every correct replica's state, the clients and the network, with the
// Byzantine replicas and MCPBFT.tla's bounds, as one state machine whose steps are exactly the
// TLA+ spec's actions. The explorer walks it, and the conformance suite compares its graph with
// TLC's.
//
// It drives the replicas and the clients only through the reducers' entry points (PBFT_REDUCER:
// step and clientStep), as the simulator's host does, so that what is checked is what runs. It
// offers every event of PBFT.tla's Next whose messages the network holds, and leaves every
// enabling condition on a replica's state to the reducer; MCPBFT's bounds are its own.
//
// The Byzantine replicas have no state: every message they could send is always available
// (PBFT.tla, "The Byzantine replicas"), so they appear here as the sets of messages a correct
// replica may receive from them, computed from the state.

import { KeyedSet, subsets } from '../core/keyed-set.ts';
import type { Step } from '../explore/model.ts';
import {
  PBFT_REDUCER,
  certificateKey,
  commitKey,
  commitMsg,
  messageKey,
  newViewMsg,
  prePrepareKey,
  prePrepareMsg,
  prePrepares,
  prepareKey,
  prepareMsg,
  primary,
  result,
  viewChangeMsg,
} from './node.ts';
import type { PbftConfig } from './node.ts';
import type {
  Certificate,
  Clients,
  CommitMessage,
  Digest,
  NewViewMessage,
  PbftMessage,
  PrePrepareMessage,
  PrepareMessage,
  Replica,
  ReplicaId,
  RequestId,
  Transition,
  ViewChangeMessage,
} from './types.ts';

/** MCPBFT.tla's constants. */
export interface PbftBounds {
  /** No timer fires in this view or beyond. */
  readonly maxView: number;
  /** The correct replicas whose timers may fire. */
  readonly timers: readonly ReplicaId[];
  /** MCReceivePrePrepare: the sequence numbers a Byzantine primary may assign; every one if unset. */
  readonly byzantineSeqNums?: readonly number[];
  /** MCReceivePrePrepare: the requests a Byzantine primary may assign; every one if unset. */
  readonly byzantineRequests?: readonly RequestId[];
  /** MCClientAccept: the requests whose results clients may accept; every one if unset. */
  readonly acceptedRequests?: readonly RequestId[];
}

export interface PbftClusterConfig extends PbftConfig {
  /** The Byzantine replicas, sorted. */
  readonly byzantine: readonly ReplicaId[];
  /** The correct replicas, sorted: the others. */
  readonly correct: readonly ReplicaId[];
  /** The requests clients may issue (the Request constant), sorted. */
  readonly requests: readonly RequestId[];
  readonly bounds: PbftBounds;
}

export interface PbftCluster {
  /** The correct replicas, in the order of config.correct. */
  readonly replicas: readonly Replica[];
  readonly clients: Clients;
  /** msgs: every message a correct replica has sent. */
  readonly messages: KeyedSet<PbftMessage>;
}

/**
 * A step of the spec's Next, with its parameters: as in PBFT.tla, each ranges over a constant
 * set (replicas, sequence numbers, requests), and m or Q says which message(s) the step took.
 */
export type PbftAction =
  | { readonly name: 'ClientRequest'; readonly r: RequestId }
  | { readonly name: 'PrePrepare'; readonly i: ReplicaId; readonly r: RequestId }
  | { readonly name: 'ReceivePrePrepare'; readonly i: ReplicaId; readonly n: number; readonly d: Digest }
  | { readonly name: 'ReceivePrepares'; readonly i: ReplicaId; readonly n: number; readonly m: PrePrepareMessage }
  | { readonly name: 'ReceiveCommits'; readonly i: ReplicaId; readonly n: number; readonly m: PrePrepareMessage }
  | { readonly name: 'ClientAccept'; readonly r: RequestId; readonly k: number }
  | { readonly name: 'Timeout'; readonly i: ReplicaId }
  | { readonly name: 'ReceiveViewChanges'; readonly i: ReplicaId; readonly Q: readonly ViewChangeMessage[] }
  | { readonly name: 'ReceiveNewView'; readonly i: ReplicaId; readonly j: ReplicaId; readonly m: NewViewMessage };

export function initialCluster(cfg: PbftClusterConfig): PbftCluster {
  return { replicas: cfg.correct.map(PBFT_REDUCER.initialReplica), clients: PBFT_REDUCER.initialClients(), messages: KeyedSet.empty() };
}

// ---- keys -------------------------------------------------------------------------------------

const replicaKeys = new WeakMap<Replica, string>();
/**
 * Short names for the keys of replica states and networks, which are long (logs of view changes)
 * but few: interning them keeps the explorer's keys short. Injective, like the keys themselves.
 */
const interned = new Map<string, string>();
function intern(key: string): string {
  let short = interned.get(key);
  if (short === undefined) {
    short = interned.size.toString(36);
    interned.set(key, short);
  }
  return short;
}

/** A canonical, injective key of one replica's state (the replica is implied by its position). */
function replicaKey(r: Replica): string {
  let key = replicaKeys.get(r);
  // Stryker disable next-line ConditionalExpression: a memo; computing it again gives the same value (this sets aside `false` too, which every graph kills)
  if (key === undefined) {
    key = intern(`${r.view} ${r.status} [${r.log.key}] [${r.committed.key}] ${r.executed.join(',')}`);
    replicaKeys.set(r, key);
  }
  return key;
}

export function clusterKey(c: PbftCluster): string {
  // Stryker disable next-line StringLiteral: a text before every key keeps them injective (test/pbft/keys.test.ts)
  let key = '';
  for (const r of c.replicas) key += `${replicaKey(r)} `;
  // Stryker disable next-line StringLiteral: without the comma an accepted result still reads one way (a request's name starts with a letter, after the last one's digits); test/pbft/keys.test.ts holds
  key += `${c.clients.requests.join(',')} ${c.clients.accepted.map((a) => `${a.request}:${a.result}`).join(',')} `;
  return key + intern(c.messages.key);
}

// ---- the network, with the Byzantine replicas' messages (PBFT.tla, "The Byzantine replicas") ----

/** Could anyone show the message with this key signed by `sender`? A correct replica's if it was sent, a Byzantine one's always. */
function signed(cfg: PbftClusterConfig, c: PbftCluster, sender: ReplicaId, key: string): boolean {
  return cfg.byzantine.includes(sender) || c.messages.has(key);
}

/** The PREPAREs matching m from backups, in the network. */
export function preparers(cfg: PbftClusterConfig, c: PbftCluster, m: Certificate): PrepareMessage[] {
  const out: PrepareMessage[] = [];
  // Stryker disable next-line EqualityOperator: `j <= cfg.n` adds a replica n that does not exist and signed nothing (and `>=` is set aside with it, which every graph kills)
  for (let j = 0; j < cfg.n; j++) {
    if (j !== primary(cfg, m.view) && signed(cfg, c, j, prepareKey(m, j))) out.push(prepareMsg(m, j));
  }
  return out;
}

/** The COMMITs matching m, in the network. */
export function committers(cfg: PbftClusterConfig, c: PbftCluster, m: Certificate): CommitMessage[] {
  // Stryker disable next-line ArrayDeclaration: the reducer counts only the COMMITs that match the pre-prepare, so an entry that is not one changes nothing
  const out: CommitMessage[] = [];
  // Stryker disable next-line EqualityOperator: `j <= cfg.n` adds a replica n that does not exist and signed nothing (and `>=` is set aside with it, which every graph kills)
  for (let j = 0; j < cfg.n; j++) if (signed(cfg, c, j, commitKey(m, j))) out.push(commitMsg(m, j));
  return out;
}

/** Views of the view changes correct replicas sent. */
function viewChangeViews(c: PbftCluster): number[] {
  const views = new Set<number>();
  // Stryker disable next-line ConditionalExpression: a view no correct replica sent a view change for has no quorum (2f from distinct senders need f correct ones), so views of other messages add no successor (this sets aside `false` too, which every view change kills)
  for (const { item } of c.messages.entries) if (item.type === 'ViewChange') views.add(item.view);
  // Stryker disable next-line MethodExpression,ArrowFunction,ArithmeticOperator: the order of the views is only the order in which successors are listed
  return [...views].sort((a, b) => a - b);
}

interface Derived {
  provable?: Certificate[];
  byzantineViewChanges: Map<number, ViewChangeMessage[]>;
}
const derived = new WeakMap<PbftCluster, Derived>();

function derivedOf(c: PbftCluster): Derived {
  let d = derived.get(c);
  // Stryker disable next-line ConditionalExpression: a memo; computing it again gives the same value (this sets aside `false` too, which every graph kills)
  if (d === undefined) {
    d = { byzantineViewChanges: new Map() };
    derived.set(c, d);
  }
  return d;
}

/** The prepared certificates whose signed messages exist: the pre-prepare and 2f prepares from distinct backups. */
export function provableCerts(cfg: PbftClusterConfig, c: PbftCluster): Certificate[] {
  const d = derivedOf(c);
  // Stryker disable next-line ConditionalExpression: a memo; computing it again gives the same value (this sets aside `false` too, which every graph kills)
  if (d.provable === undefined) {
    const candidates = KeyedSet.of(
      // Stryker disable next-line MethodExpression,ConditionalExpression: candidates only; the filter below keeps the certificates with a signed pre-prepare and 2f PREPAREs, whatever message they came from
      c.messages.items.filter((m) => m.type === 'Prepare').map((m): Certificate => ({ view: m.view, seq: m.seq, digest: m.digest })),
      certificateKey,
    ).items;
    d.provable = candidates.filter((cert) => {
      const p = primary(cfg, cert.view);
      return signed(cfg, c, p, prePrepareKey(cert, p)) && preparers(cfg, c, cert).length >= 2 * cfg.f;
    });
  }
  return d.provable;
}

/**
 * A pre-prepare a correct replica may receive: one a correct primary sent, or any a Byzantine
 * primary could send: any request a client issued, at any sequence number.
 */
export function prePrepareAvailable(cfg: PbftClusterConfig, c: PbftCluster, m: PrePrepareMessage): boolean {
  return c.messages.has(messageKey(m)) || (cfg.byzantine.includes(m.sender) && c.clients.requests.includes(m.digest));
}

/** A Byzantine replica's view changes for view v: any set of certificates that check. */
export function byzantineViewChanges(cfg: PbftClusterConfig, c: PbftCluster, v: number): ViewChangeMessage[] {
  const d = derivedOf(c);
  let out = d.byzantineViewChanges.get(v);
  // Stryker disable next-line ConditionalExpression: a memo; computing it again gives the same value (this sets aside `false` too, which every graph kills)
  if (out === undefined) {
    const certs = provableCerts(cfg, c).filter((cert) => cert.view < v);
    out = cfg.byzantine.flatMap((b) => subsets(certs).map((P) => viewChangeMsg(v, P, b)));
    d.byzantineViewChanges.set(v, out);
  }
  return out;
}

/** Sets of `size` view changes for view v from distinct replicas other than `except`. */
export function viewChangeSets(cfg: PbftClusterConfig, c: PbftCluster, v: number, size: number, except: ReplicaId): ViewChangeMessage[][] {
  const pool: ViewChangeMessage[] = [];
  // Stryker disable next-line ConditionalExpression: the reducer refuses a set with the replica's own view change (test/pbft/enabling.test.ts checks it does), so offering one adds no successor (this sets aside the other conditions' mutants too, which the graphs kill)
  for (const { item } of c.messages.entries) if (item.type === 'ViewChange' && item.view === v && item.sender !== except) pool.push(item);
  // Stryker disable next-line ConditionalExpression: as above, for the Byzantine replicas' view changes
  for (const m of byzantineViewChanges(cfg, c, v)) if (m.sender !== except) pool.push(m);
  const out: ViewChangeMessage[][] = [];
  const pick = (from: number, chosen: ViewChangeMessage[], senders: Set<ReplicaId>) => {
    if (chosen.length === size) {
      out.push(KeyedSet.of(chosen, messageKey).items);
      return;
    }
    for (let at = from; at < pool.length; at++) {
      if (senders.has(pool[at].sender)) continue;
      senders.add(pool[at].sender);
      pick(at + 1, [...chosen, pool[at]], senders);
      senders.delete(pool[at].sender);
    }
  };
  pick(0, [], new Set());
  return out;
}

/**
 * The NEW-VIEWs replica j may have sent: those it sent if it is correct. A Byzantine new primary
 * may choose any 2f + 1 or more view changes, one per replica.
 */
export function newViewsFrom(cfg: PbftClusterConfig, c: PbftCluster, j: ReplicaId): NewViewMessage[] {
  const out: NewViewMessage[] = [];
  if (!cfg.byzantine.includes(j)) {
    for (const { item } of c.messages.entries) if (item.type === 'NewView' && item.sender === j) out.push(item);
    return out;
  }
  for (const v of viewChangeViews(c)) {
    if (primary(cfg, v) !== j) continue;
    for (let size = 2 * cfg.f + 1; size <= cfg.n; size++) {
      for (const V of viewChangeSets(cfg, c, v, size, cfg.n)) out.push(newViewMsg(cfg, v, V));
    }
  }
  return out;
}

/**
 * The sets of 2f view changes for one view, from distinct replicas other than `r`, that correct
 * replica `r` could receive. Whether it may act on one (it is the view's primary, the view is
 * later than its own or the one it is moving to) is the reducer's to say.
 */
export function viewChangeQuorums(cfg: PbftClusterConfig, c: PbftCluster, r: Replica): ViewChangeMessage[][] {
  const out: ViewChangeMessage[][] = [];
  for (const v of viewChangeViews(c)) out.push(...viewChangeSets(cfg, c, v, 2 * cfg.f, r.id));
  return out;
}

/** The replicas that replied result k to request r: correct ones that computed it, and the Byzantine ones. */
export function repliers(cfg: PbftClusterConfig, c: PbftCluster, r: RequestId, k: number): ReplicaId[] {
  // Stryker disable next-line ArrowFunction: only how many distinct replicas replied counts, and the f Byzantine ones always do: correct repliers mapped to one undefined count as one, and f + 1 means one correct one either way
  return [...c.replicas.filter((x) => result(x.executed, r) === k).map((x) => x.id), ...cfg.byzantine];
}

// ---- successors ---------------------------------------------------------------------------------

/** The cluster after replica `index` took `t`. */
function apply(c: PbftCluster, index: number, t: Transition): PbftCluster {
  const replicas = c.replicas.slice();
  replicas[index] = t.replica;
  return { replicas, clients: c.clients, messages: c.messages.addAll(t.sent, messageKey) };
}

/** MCReceivePrePrepare's bound: may a Byzantine primary assign request d sequence number n? */
function byzantineMayAssign(bounds: PbftBounds, n: number, d: RequestId): boolean {
  return (bounds.byzantineSeqNums?.includes(n) ?? true) && (bounds.byzantineRequests?.includes(d) ?? true);
}

/** Every enabled action of MCPBFT's Next, in the order of PBFT.tla's Next, with its successor. */
export function successors(cfg: PbftClusterConfig, c: PbftCluster): Step<PbftCluster, PbftAction>[] {
  const out: Step<PbftCluster, PbftAction>[] = [];
  const { bounds } = cfg;
  const { step, clientStep } = PBFT_REDUCER;

  for (const r of cfg.requests) {
    const clients = clientStep(cfg, c.clients, { type: 'ClientRequest', request: r });
    if (clients) out.push({ action: { name: 'ClientRequest', r }, next: { ...c, clients } });
  }
  c.replicas.forEach((replica, index) => {
    // r \in requests: a request reaches the primary once a client issued it.
    for (const r of c.clients.requests) {
      const t = step(cfg, replica, { type: 'PrePrepare', request: r });
      if (t) out.push({ action: { name: 'PrePrepare', i: replica.id, r }, next: apply(c, index, t) });
    }
  });
  c.replicas.forEach((replica, index) => {
    for (let n = 1; n <= cfg.k; n++) {
      for (const d of cfg.requests) {
        const m = prePrepareMsg(cfg, replica.view, n, d);
        if (!prePrepareAvailable(cfg, c, m)) continue;
        // MCReceivePrePrepare
        if (!c.messages.has(messageKey(m)) && !byzantineMayAssign(bounds, n, d)) continue;
        const t = step(cfg, replica, { type: 'ReceivePrePrepare', message: m });
        if (t) out.push({ action: { name: 'ReceivePrePrepare', i: replica.id, n, d }, next: apply(c, index, t) });
      }
    }
  });
  c.replicas.forEach((replica, index) => {
    for (const m of prePrepares(replica)) {
      const t = step(cfg, replica, { type: 'ReceivePrepares', prePrepare: m, prepares: preparers(cfg, c, m) });
      if (t) out.push({ action: { name: 'ReceivePrepares', i: replica.id, n: m.seq, m }, next: apply(c, index, t) });
    }
  });
  c.replicas.forEach((replica, index) => {
    for (const m of prePrepares(replica)) {
      const t = step(cfg, replica, { type: 'ReceiveCommits', prePrepare: m, commits: committers(cfg, c, m) });
      if (t) out.push({ action: { name: 'ReceiveCommits', i: replica.id, n: m.seq, m }, next: apply(c, index, t) });
    }
  });
  for (const r of cfg.requests) {
    // MCClientAccept
    if (bounds.acceptedRequests !== undefined && !bounds.acceptedRequests.includes(r)) continue;
    for (let k = 1; k <= cfg.k; k++) {
      const clients = clientStep(cfg, c.clients, { type: 'ClientAccept', request: r, result: k, repliers: repliers(cfg, c, r, k) });
      if (clients) out.push({ action: { name: 'ClientAccept', r, k }, next: { ...c, clients } });
    }
  }
  c.replicas.forEach((replica, index) => {
    // MCTimeout
    if (!bounds.timers.includes(replica.id) || replica.view >= bounds.maxView) return;
    const t = step(cfg, replica, { type: 'Timeout' });
    if (t) out.push({ action: { name: 'Timeout', i: replica.id }, next: apply(c, index, t) });
  });
  c.replicas.forEach((replica, index) => {
    for (const Q of viewChangeQuorums(cfg, c, replica)) {
      const t = step(cfg, replica, { type: 'ReceiveViewChanges', viewChanges: Q });
      if (t) out.push({ action: { name: 'ReceiveViewChanges', i: replica.id, Q }, next: apply(c, index, t) });
    }
  });
  const newViews = Array.from({ length: cfg.n }, (_, j) => newViewsFrom(cfg, c, j));
  c.replicas.forEach((replica, index) => {
    for (let j = 0; j < cfg.n; j++) {
      // j /= i is the reducer's: a NEW-VIEW's sender is its view's primary.
      for (const m of newViews[j]) {
        const t = step(cfg, replica, { type: 'ReceiveNewView', message: m });
        if (t) out.push({ action: { name: 'ReceiveNewView', i: replica.id, j, m }, next: apply(c, index, t) });
      }
    }
  });
  return out;
}
