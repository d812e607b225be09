// The PBFT reducers: one correct replica's state (or the clients') and one event in, the new
// state and the messages multicast out. Pure: no clocks, no I/O, no randomness, no signatures
// (channels are authenticated); the drivers (src/pbft/cluster.ts, the explorer, the simulator)
// own time, the network and the Byzantine replicas.
//
// One function per action of specs/pbft/PBFT.tla, with the same name, in the same order.
// Each returns undefined where the action is not enabled: every enabling condition of the
// action that is about the replica's (or the clients') state or the event's content is checked
// here, and only here. What the network holds (the messages a correct replica sent, the
// Byzantine replicas' messages, the requests clients issued) and MCPBFT's bounds are the
// driver's: the cluster model offers every event of PBFT.tla's Next whose messages exist, and
// the reducer refuses those the spec does not enable (test/pbft/enabling.test.ts).

import { KeyedSet } from '../core/keyed-set.ts';
import { withElement } from '../core/sorted.ts';
import { unreachable } from '../core/unreachable.ts';
import { nextStatus } from './roles.ts';
import type {
  Certificate,
  ClientEvent,
  Clients,
  CommitMessage,
  Digest,
  NewViewMessage,
  PbftMessage,
  PrePrepareMessage,
  PrepareMessage,
  Replica,
  ReplicaEvent,
  ReplicaId,
  RequestId,
  Transition,
  ViewChangeMessage,
} from './types.ts';

/**
 * The rules the protocol's safety rests on, each the TypeScript of a named operator of
 * specs/pbft/PBFT.tla, so that a seeded bug (src/pbft/mutants.ts) replaces one of them here as
 * its model (specs/pbft/MutantsPBFT.tla) replaces the operator, and all three checks must notice.
 */
export interface PbftRules {
  /** PrepareQuorum, 4.2: do matching PREPAREs from this many distinct backups (and the pre-prepare) make a replica prepared? */
  prepareQuorum(preparers: number, f: number): boolean;
  /** CommitQuorum, 4.2: do matching COMMITs from this many distinct replicas make a prepared request committed-local? */
  commitQuorum(committers: number, f: number): boolean;
  /** MayAcceptPrePrepare, 4.2: may a backup that accepted the pre-prepares `accepted` accept m as well? */
  mayAcceptPrePrepare(accepted: readonly PrePrepareMessage[], m: PrePrepareMessage): boolean;
  /** NewViewCertificates, 4.4: the prepared certificates of the view changes V that the new view carries over. */
  newViewCertificates(V: readonly ViewChangeMessage[]): Certificate[];
  /** ReplyQuorum, 4.2: do matching replies from this many distinct replicas make a client accept a result? */
  replyQuorum(repliers: number, f: number): boolean;
}

export const PBFT_RULES: PbftRules = {
  // 2f backups and the primary: two such sets share a correct replica.
  prepareQuorum: (preparers, f) => preparers >= 2 * f,
  // f + 1 of them correct and prepared: every 2f + 1 view changes carry the request on (4.4).
  commitQuorum: (committers, f) => committers >= 2 * f + 1,
  mayAcceptPrePrepare: (accepted, m) => !accepted.some((pp) => pp.view === m.view && pp.seq === m.seq),
  newViewCertificates: (V) => V.flatMap((vc) => vc.prepared),
  // One of f + 1 is correct.
  replyQuorum: (repliers, f) => repliers >= f + 1,
};

export interface PbftConfig {
  /** The number of replicas, 3f + 1. */
  readonly n: number;
  readonly f: number;
  /** The log size: the high water mark; sequence numbers are 1 .. k. */
  readonly k: number;
  /** The null request's digest (the model's Null). */
  readonly nullDigest: Digest;
  readonly rules: PbftRules;
}

// ---- messages and helpers (PBFT.tla's Messages and Helpers sections) ---------------------------

/** The primary of view v (4.1). */
export function primary(cfg: PbftConfig, v: number): ReplicaId {
  return v % cfg.n;
}

export function certificateKey(c: Certificate): string {
  return `${c.view}.${c.seq}.${c.digest}`;
}

/** The key of the pre-prepare, prepare or commit for certificate c from `sender` (messageKey's, without the message). */
export function prePrepareKey(c: Certificate, sender: ReplicaId): string {
  return `PP ${c.view} ${c.seq} ${c.digest} ${sender}`;
}
export function prepareKey(c: Certificate, sender: ReplicaId): string {
  return `P ${c.view} ${c.seq} ${c.digest} ${sender}`;
}
export function commitKey(c: Certificate, sender: ReplicaId): string {
  return `C ${c.view} ${c.seq} ${c.digest} ${sender}`;
}

const messageKeys = new WeakMap<PbftMessage, string>();

/** A canonical, injective key of a message: logs and the network are ordered by it. */
export function messageKey(m: PbftMessage): string {
  switch (m.type) {
    case 'PrePrepare':
      return prePrepareKey(m, m.sender);
    case 'Prepare':
      return prepareKey(m, m.sender);
    case 'Commit':
      return commitKey(m, m.sender);
    case 'ViewChange':
    case 'NewView': {
      let key = messageKeys.get(m);
      // Stryker disable next-line ConditionalExpression: a memo; computing it again gives the same value (this sets aside `false` too, which every graph kills)
      if (key === undefined) {
        if (m.type === 'ViewChange') key = `VC ${m.view} ${m.sender} {${m.prepared.map(certificateKey).join(',')}}`;
        else {
          // (Stryker reads a disable comment only where it leads a statement: not before `else`.)
          // Stryker disable next-line StringLiteral: without the bar a NEW-VIEW's view changes still read one way: each starts with `VC ` (test/pbft/keys.test.ts holds)
          key = `NV ${m.view} ${m.sender} {${m.viewChanges.map(messageKey).join('|')}}`;
        }
        messageKeys.set(m, key);
      }
      return key;
    }
  }
}

export function prePrepareMsg(cfg: PbftConfig, view: number, seq: number, digest: Digest): PrePrepareMessage {
  return { type: 'PrePrepare', view, seq, digest, sender: primary(cfg, view) };
}

export function prepareMsg(c: Certificate, sender: ReplicaId): PrepareMessage {
  return { type: 'Prepare', view: c.view, seq: c.seq, digest: c.digest, sender };
}

export function commitMsg(c: Certificate, sender: ReplicaId): CommitMessage {
  return { type: 'Commit', view: c.view, seq: c.seq, digest: c.digest, sender };
}

/** A view change, its certificates in canonical order. */
export function viewChangeMsg(view: number, prepared: Iterable<Certificate>, sender: ReplicaId): ViewChangeMessage {
  return { type: 'ViewChange', view, prepared: KeyedSet.of(prepared, certificateKey).items, sender };
}

/** A new view, its view changes in canonical order. */
export function newViewMsg(cfg: PbftConfig, view: number, viewChanges: Iterable<ViewChangeMessage>): NewViewMessage {
  return { type: 'NewView', view, viewChanges: KeyedSet.of(viewChanges, messageKey).items, sender: primary(cfg, view) };
}

export function certificate(c: Certificate): Certificate {
  return { view: c.view, seq: c.seq, digest: c.digest };
}

const sameCertificate = (a: Certificate, b: Certificate) => a.view === b.view && a.seq === b.seq && a.digest === b.digest;

export function prePrepares(replica: Replica): PrePrepareMessage[] {
  // Stryker disable next-line ArrayDeclaration: every reader looks for pre-prepares of a view, sequence number or request, which an entry that is not one never matches; the reducer refuses an event that carries one
  const out: PrePrepareMessage[] = [];
  for (const { item } of replica.log.entries) if (item.type === 'PrePrepare') out.push(item);
  return out;
}

/** prepared(m, v, n, i) of 4.2: i multicast its COMMIT when it became prepared. */
export function isPrepared(replica: Replica, m: Certificate): boolean {
  return replica.log.has(commitKey(m, replica.id));
}

/** The certificates of the requests the replica is prepared for. */
export function preparedCerts(replica: Replica): Certificate[] {
  const out: Certificate[] = [];
  for (const { item } of replica.log.entries) if (item.type === 'Commit') out.push(certificate(item));
  return out;
}

/** Execute every request committed at the next sequence numbers; stop at a gap, or at two different requests. */
export function execute(executed: readonly Digest[], committed: KeyedSet<Certificate>): readonly Digest[] {
  const out = executed.slice();
  for (;;) {
    const digests = new Set(committed.items.filter((c) => c.seq === out.length + 1).map((c) => c.digest));
    if (digests.size !== 1) {
      // Stryker disable next-line ConditionalExpression: `false` returns an equal copy of the list rather than the list itself (`true`, set aside with it, loses what was executed, which the Execute property kills)
      return out.length === executed.length ? executed : out;
    }
    out.push([...digests][0]);
  }
}

/**
 * 4.4: the pre-prepares of new view v made of the view changes V: for each sequence number up to
 * max-s, the request of the certificate for it (of those the rules carry over, newViewCertificates)
 * with the highest view, or the null request.
 */
export function newViewPrePrepares(cfg: PbftConfig, v: number, V: readonly ViewChangeMessage[]): PrePrepareMessage[] {
  const certs = KeyedSet.of(cfg.rules.newViewCertificates(V), certificateKey).items;
  const maxS = Math.max(0, ...certs.map((c) => c.seq));
  const out: PrePrepareMessage[] = [];
  for (const c of certs) {
    if (certs.every((c2) => c2.seq !== c.seq || c2.view <= c.view)) out.push(prePrepareMsg(cfg, v, c.seq, c.digest));
  }
  // Stryker disable next-line EqualityOperator: maxS is the sequence number of a certificate, so no null request is ever added at maxS (`n < maxS` leaves out nothing; `>` is set aside with it, which the NewViewPrePrepares property kills)
  for (let n = 1; n <= maxS; n++) {
    if (!certs.some((c) => c.seq === n)) out.push(prePrepareMsg(cfg, v, n, cfg.nullDigest));
  }
  return out;
}

/** The sequence number the primary of replica.view assigns next. */
export function nextSeq(replica: Replica): number {
  let max = 0;
  for (const m of prePrepares(replica)) if (m.view === replica.view) max = Math.max(max, m.seq);
  return max + 1;
}

/** The result a replica returns for request r: the position at which it first executed r, 0 if it has not. */
export function result(executed: readonly Digest[], r: RequestId): number {
  return executed.indexOf(r) + 1;
}

function withLog(replica: Replica, messages: readonly PbftMessage[]): KeyedSet<PbftMessage> {
  return replica.log.addAll(messages, messageKey);
}

export function initialReplica(id: ReplicaId): Replica {
  return { id, view: 0, status: 'Normal', log: KeyedSet.empty(), committed: KeyedSet.empty(), executed: [] };
}

export function initialClients(): Clients {
  return { requests: [], accepted: [] };
}

// ---- actions -----------------------------------------------------------------------------------

/** PBFT.tla ClientRequest(r): a client issues request r. */
export function ClientRequest(clients: Clients, r: RequestId): Clients | undefined {
  if (clients.requests.includes(r)) return undefined;
  return { ...clients, requests: [...clients.requests, r].sort() };
}

/** PBFT.tla PrePrepare(i, r): the primary assigns r the next sequence number of its view (4.2). */
export function PrePrepare(cfg: PbftConfig, replica: Replica, r: RequestId): Transition | undefined {
  if (replica.status !== 'Normal' || primary(cfg, replica.view) !== replica.id) return undefined;
  if (prePrepares(replica).some((m) => m.view === replica.view && m.digest === r)) return undefined;
  const n = nextSeq(replica);
  if (n > cfg.k) return undefined;
  const pp = prePrepareMsg(cfg, replica.view, n, r);
  return { replica: { ...replica, log: withLog(replica, [pp]) }, sent: [pp] };
}

/** PBFT.tla ReceivePrePrepare(i, n, d): a backup accepts one request per view and sequence number, and prepares it (4.2). */
export function ReceivePrePrepare(cfg: PbftConfig, replica: Replica, m: PrePrepareMessage): Transition | undefined {
  // Within the water marks (n \in SeqNum), from the view's primary (PrePrepareMsg's sender).
  if (m.seq < 1 || m.seq > cfg.k || m.sender !== primary(cfg, m.view)) return undefined;
  if (primary(cfg, m.view) === replica.id || replica.status !== 'Normal' || replica.view !== m.view) return undefined;
  if (!cfg.rules.mayAcceptPrePrepare(prePrepares(replica), m)) return undefined;
  const prepare = prepareMsg(m, replica.id);
  return { replica: { ...replica, log: withLog(replica, [m, prepare]) }, sent: [prepare] };
}

/** PBFT.tla ReceivePrepares(i, n): with 2f matching PREPAREs from distinct backups the replica is prepared, and commits (4.2). */
export function ReceivePrepares(
  cfg: PbftConfig,
  replica: Replica,
  m: PrePrepareMessage,
  prepares: readonly PrepareMessage[],
): Transition | undefined {
  if (!replica.log.has(messageKey(m)) || replica.status !== 'Normal' || replica.view !== m.view || isPrepared(replica, m)) {
    return undefined;
  }
  const fromBackups = prepares.filter((p) => sameCertificate(p, m) && p.sender !== primary(cfg, m.view));
  const preparers = new Set(fromBackups.map((p) => p.sender));
  if (!cfg.rules.prepareQuorum(preparers.size, cfg.f)) return undefined;
  const commit = commitMsg(m, replica.id);
  return { replica: { ...replica, log: withLog(replica, [commit]) }, sent: [commit] };
}

/** PBFT.tla ReceiveCommits(i, n): with 2f + 1 matching COMMITs the request is committed-local, and executes in order (4.2). */
export function ReceiveCommits(
  cfg: PbftConfig,
  replica: Replica,
  m: PrePrepareMessage,
  commits: readonly CommitMessage[],
): Transition | undefined {
  if (!replica.log.has(messageKey(m)) || replica.status !== 'Normal' || replica.view !== m.view || !isPrepared(replica, m)) {
    return undefined;
  }
  const cert = certificate(m);
  if (replica.committed.has(certificateKey(cert))) return undefined;
  const committers = new Set(commits.filter((c) => sameCertificate(c, m)).map((c) => c.sender));
  if (!cfg.rules.commitQuorum(committers.size, cfg.f)) return undefined;
  const committed = replica.committed.add(cert, certificateKey(cert));
  return { replica: { ...replica, committed, executed: execute(replica.executed, committed) }, sent: [] };
}

/** PBFT.tla ClientAccept(r, k): a client accepts a result that f + 1 replicas replied (4.2). */
export function ClientAccept(
  cfg: PbftConfig,
  clients: Clients,
  r: RequestId,
  k: number,
  repliers: readonly ReplicaId[],
): Clients | undefined {
  if (!clients.requests.includes(r) || k < 1 || k > cfg.k) return undefined;
  if (clients.accepted.some((a) => a.request === r)) return undefined;
  if (!cfg.rules.replyQuorum(new Set(repliers).size, cfg.f)) return undefined;
  // A set in the spec: kept sorted by request, one list for one set.
  return { ...clients, accepted: withElement(clients.accepted, { request: r, result: k }, (a) => a.request) };
}

/** PBFT.tla Timeout(i): a backup's timer fires; it moves to the next view and multicasts a VIEW-CHANGE (4.4). */
export function Timeout(cfg: PbftConfig, replica: Replica): Transition | undefined {
  if (replica.status !== 'ViewChange' && primary(cfg, replica.view) === replica.id) return undefined;
  const vc = viewChangeMsg(replica.view + 1, preparedCerts(replica), replica.id);
  return {
    replica: { ...replica, view: replica.view + 1, status: nextStatus(replica.status, 'TimerExpires'), log: withLog(replica, [vc]) },
    sent: [vc],
  };
}

/** PBFT.tla ReceiveViewChanges(i): the new primary, with 2f VIEW-CHANGEs Q from others, multicasts the NEW-VIEW (4.4). */
export function ReceiveViewChanges(cfg: PbftConfig, replica: Replica, Q: readonly ViewChangeMessage[]): Transition | undefined {
  if (Q.length === 0) return undefined;
  const v = Q[0].view;
  if (!Q.every((m) => m.view === v && primary(cfg, m.view) === replica.id && m.sender !== replica.id)) return undefined;
  if (new Set(Q.map((m) => m.sender)).size !== 2 * cfg.f || Q.length !== 2 * cfg.f) return undefined;
  if (!(v > replica.view || (v === replica.view && replica.status === 'ViewChange'))) return undefined;
  const own = viewChangeMsg(v, preparedCerts(replica), replica.id);
  const nv = newViewMsg(cfg, v, [...Q, own]);
  const sent: PbftMessage[] = [own, nv, ...newViewPrePrepares(cfg, v, nv.viewChanges)];
  return { replica: { ...replica, view: v, status: nextStatus(replica.status, 'EnterView'), log: withLog(replica, sent) }, sent };
}

/** PBFT.tla ReceiveNewView(i, j): a backup takes the new view's pre-prepares, prepares each, and enters the view (4.4). */
export function ReceiveNewView(cfg: PbftConfig, replica: Replica, m: NewViewMessage): Transition | undefined {
  if (primary(cfg, m.view) === replica.id) return undefined;
  if (!(m.view > replica.view || (m.view === replica.view && replica.status === 'ViewChange'))) return undefined;
  const O = newViewPrePrepares(cfg, m.view, m.viewChanges);
  const prepares = O.map((pp) => prepareMsg(pp, replica.id));
  return {
    replica: { ...replica, view: m.view, status: nextStatus(replica.status, 'EnterView'), log: withLog(replica, [...O, ...prepares]) },
    sent: prepares,
  };
}

// ---- the reducers ---------------------------------------------------------------------------------

// The dispatchers are switches, not ts-pattern's match: they run at every step the explorer
// takes, and a switch over the union is as exhaustive (the default is unreachable).

/** The replica reducer: what `event` does to `replica`; undefined if it is not enabled. */
export function step(cfg: PbftConfig, replica: Replica, event: ReplicaEvent): Transition | undefined {
  switch (event.type) {
    case 'PrePrepare':
      return PrePrepare(cfg, replica, event.request);
    case 'ReceivePrePrepare':
      return ReceivePrePrepare(cfg, replica, event.message);
    case 'ReceivePrepares':
      return ReceivePrepares(cfg, replica, event.prePrepare, event.prepares);
    case 'ReceiveCommits':
      return ReceiveCommits(cfg, replica, event.prePrepare, event.commits);
    case 'Timeout':
      return Timeout(cfg, replica);
    case 'ReceiveViewChanges':
      return ReceiveViewChanges(cfg, replica, event.viewChanges);
    case 'ReceiveNewView':
      return ReceiveNewView(cfg, replica, event.message);
    default:
      return unreachable(event);
  }
}

/** The client reducer: what `event` does to the clients; undefined if it is not enabled. */
export function clientStep(cfg: PbftConfig, clients: Clients, event: ClientEvent): Clients | undefined {
  switch (event.type) {
    case 'ClientRequest':
      return ClientRequest(clients, event.request);
    case 'ClientAccept':
      return ClientAccept(cfg, clients, event.request, event.result, event.repliers);
    default:
      return unreachable(event);
  }
}

/** What a driver (the cluster model, the node host) needs of PBFT: the initial states and the two reducers. */
export interface PbftReducer {
  initialReplica(id: ReplicaId): Replica;
  initialClients(): Clients;
  step(cfg: PbftConfig, replica: Replica, event: ReplicaEvent): Transition | undefined;
  clientStep(cfg: PbftConfig, clients: Clients, event: ClientEvent): Clients | undefined;
}

export const PBFT_REDUCER: PbftReducer = { initialReplica, initialClients, step, clientStep };
