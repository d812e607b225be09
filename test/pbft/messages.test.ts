// What a correct replica believes of what it receives (src/pbft/host.ts, MessageStore), against
// PBFT.tla: a message is one it may act on only if it is in the spec's network, as the cluster
// model (src/pbft/cluster.ts, graph-equal to TLC's) computes it. The simulator's Byzantine replica
// only sends what the spec lets it, so these checks of malformed and unprovable messages are
// tested here, where the messages are made to break them one field at a time.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCommand } from '../../src/host/kv.ts';
import { byzantineViewChanges, initialCluster, provableCerts, successors } from '../../src/pbft/cluster.ts';
import type { PbftCluster, PbftClusterConfig } from '../../src/pbft/cluster.ts';
import { isRequest, logPbftMessage, MessageStore, NULL_REQUEST, pbftConfig, selfCertifying } from '../../src/pbft/host.ts';
import { loggedMessage } from '../../src/pbft/validate.ts';
import { certificateKey, commitMsg, messageKey, newViewMsg, prePrepareMsg, prepareMsg, primary, viewChangeMsg } from '../../src/pbft/node.ts';
import type { Certificate, NewViewMessage, PbftMessage, ViewChangeMessage } from '../../src/pbft/types.ts';

const REQUESTS = [1, 2].map((client) => encodeCommand({ client, seq: 1, op: { f: 'put', key: 'k', value: `v${client}` } })).sort();

/** A cluster model with the host's digests: K sequence numbers, views up to maxView, every correct replica's timer. */
function clusterConfig(n: number, byzantine: readonly number[], k: number, maxView: number): PbftClusterConfig {
  const base = pbftConfig(n);
  const correct = Array.from({ length: n }, (_, i) => i).filter((i) => !byzantine.includes(i));
  return { ...base, k, byzantine, correct, requests: REQUESTS, bounds: { maxView, timers: correct } };
}

const CONFIGS = {
  'n = 4, the primary of view 0 Byzantine': clusterConfig(4, [0], 2, 2),
  'n = 4, a backup Byzantine': clusterConfig(4, [2], 2, 2),
  'n = 7, two Byzantine': clusterConfig(7, [0, 1], 1, 1),
};

/** The certificates of the model's domain: every view a timer reaches, sequence number and digest. */
function certDomain(cfg: PbftClusterConfig): Certificate[] {
  const out: Certificate[] = [];
  for (let view = 0; view <= cfg.bounds.maxView; view++) {
    for (let seq = 1; seq <= cfg.k; seq++) for (const digest of [...REQUESTS, NULL_REQUEST]) out.push({ view, seq, digest });
  }
  return out;
}

/** A state of the cluster model reached by following `choices` (each picks one successor). */
function walk(cfg: PbftClusterConfig, choices: readonly number[]): PbftCluster {
  let c = initialCluster(cfg);
  for (const choice of choices) {
    const next = successors(cfg, c);
    if (next.length === 0) break;
    c = next[choice % next.length].next;
  }
  return c;
}

/** Every message a Byzantine replica may sign that is a vote: PBFT.tla's Signed holds for each, always. */
function byzantineVotes(cfg: PbftClusterConfig): PbftMessage[] {
  const out: PbftMessage[] = [];
  for (const c of certDomain(cfg)) {
    for (const b of cfg.byzantine) {
      if (b === primary(cfg, c.view)) {
        if (c.digest !== NULL_REQUEST) out.push(prePrepareMsg(cfg, c.view, c.seq, c.digest));
      } else out.push(prepareMsg(c, b));
      out.push(commitMsg(c, b));
    }
  }
  return out;
}

const isIn = (set: readonly Certificate[], c: Certificate) => set.some((x) => certificateKey(x) === certificateKey(c));

/** PBFT.tla's NewViewsFrom(j) holds nv, for a Byzantine primary j: 2f + 1 or more view changes for its view, from distinct replicas, each signed. */
function inNewViewsFrom(cfg: PbftClusterConfig, c: PbftCluster, nv: NewViewMessage): boolean {
  const j = primary(cfg, nv.view);
  if (nv.sender !== j) return false;
  if (!cfg.byzantine.includes(j)) return c.messages.has(messageKey(nv));
  const pool = new Set([...c.messages.items.filter((m) => m.type === 'ViewChange' && m.view === nv.view), ...byzantineViewChanges(cfg, c, nv.view)].map(messageKey));
  const senders = new Set(nv.viewChanges.map((vc) => vc.sender));
  return (
    nv.viewChanges.length >= 2 * cfg.f + 1 &&
    nv.viewChanges.length <= cfg.n &&
    senders.size === nv.viewChanges.length &&
    nv.viewChanges.every((vc) => vc.type === 'ViewChange' && pool.has(messageKey(vc)))
  );
}

describe("a correct replica's checks of what it receives (MessageStore)", () => {
  // ---- the shape of a message: PBFT.tla's Message, less what every correct replica rejects ----

  const cfg = { ...pbftConfig(4), k: 3 };
  const view = fc.constantFrom(-1, 0, 1, 2, 4, 5, 1.5, Number.NaN);
  const seq = fc.constantFrom(-1, 0, 1, 2, 3, 4, 2.5);
  const sender = fc.constantFrom(-1, 0, 1, 2, 3, 4, 0.5);
  const digest = fc.constantFrom<unknown>(...REQUESTS, NULL_REQUEST, 'r1', '[', '[1,2]', '["x"]', 7, undefined);
  const cert = fc.record({ view, seq, digest });
  const message = fc.oneof(
    fc.record({ type: fc.constantFrom('PrePrepare', 'Prepare', 'Commit'), view, seq, digest, sender }),
    fc.record({ type: fc.constant('ViewChange'), view, prepared: fc.array(cert, { maxLength: 3 }), sender }),
    fc.record({ type: fc.constant('NewView'), view, viewChanges: fc.constant([]), sender }),
  ) as fc.Arbitrary<PbftMessage>;

  const nat = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 0;
  const seqNum = (x: unknown) => Number.isInteger(x) && (x as number) >= 1 && (x as number) <= cfg.k;
  const request = (d: unknown) => REQUESTS.includes(d as string);
  /** PBFT.tla's Message type (TypeOK), with a replica's sequence numbers within the water marks 1 .. K. */
  function inMessageDomain(m: PbftMessage): boolean {
    if (!nat(m.view) || !nat(m.sender) || m.sender >= cfg.n) return false;
    switch (m.type) {
      case 'PrePrepare': // PrePrepareMsg(v, n, d) has the view's primary as its sender; a Byzantine one may pre-prepare a request, not Null
        return m.sender === m.view % cfg.n && seqNum(m.seq) && request(m.digest);
      case 'Prepare': // Preparers counts backups only
        return m.sender !== m.view % cfg.n && seqNum(m.seq) && (request(m.digest) || m.digest === NULL_REQUEST);
      case 'Commit':
        return seqNum(m.seq) && (request(m.digest) || m.digest === NULL_REQUEST);
      case 'ViewChange': // view : Nat \ {0}; ByzantineViewChanges(v) claims certificates of views below v
        return m.view >= 1 && m.prepared.every((c) => nat(c.view) && c.view < m.view && seqNum(c.seq) && (request(c.digest) || c.digest === NULL_REQUEST));
      case 'NewView': // NewViewMsg(v, V) has Primary(v) as its sender
        return m.view >= 1 && m.sender === m.view % cfg.n;
    }
  }

  /** A message of the domain with one field (or one certificate's field) replaced: the boundaries, one at a time. */
  const valid = fc.oneof(
    fc.record({ type: fc.constant('PrePrepare'), view: fc.nat(5), seq: fc.integer({ min: 1, max: 3 }), digest: fc.constantFrom(...REQUESTS) }).map((m) => ({ ...m, sender: m.view % 4 })),
    fc.record({ type: fc.constantFrom('Prepare', 'Commit'), view: fc.nat(5), seq: fc.integer({ min: 1, max: 3 }), digest: fc.constantFrom(...REQUESTS, NULL_REQUEST), sender: fc.nat(3) }),
    fc.record({ type: fc.constant('ViewChange'), view: fc.integer({ min: 1, max: 5 }), sender: fc.nat(3), prepared: fc.array(fc.record({ view: fc.nat(0), seq: fc.integer({ min: 1, max: 3 }), digest: fc.constantFrom(...REQUESTS, NULL_REQUEST) }), { minLength: 1, maxLength: 3 }) }),
    fc.record({ type: fc.constant('NewView'), view: fc.integer({ min: 1, max: 5 }), viewChanges: fc.constant([]) }).map((m) => ({ ...m, sender: m.view % 4 })),
  );
  const perturbed = fc.tuple(valid, fc.constantFrom('view', 'seq', 'digest', 'sender', 'cert.view', 'cert.seq', 'cert.digest'), fc.constantFrom<unknown>(-1, 0, 1, 3, 4, 6, 0.5, Number.NaN, 'null', REQUESTS[0], '[1,1,"get"]'), fc.nat(2)).map(([m, field, value, at]) => {
    const copy: Record<string, unknown> = { ...m };
    if (field.startsWith('cert.') && 'prepared' in m) {
      const prepared = m.prepared.map((c) => ({ ...c }));
      (prepared[at % prepared.length] as Record<string, unknown>)[field.slice(5)] = value;
      copy.prepared = prepared;
    } else if (!field.startsWith('cert.')) copy[field] = value;
    return copy as unknown as PbftMessage;
  });

  it("takes a message as well formed exactly when PBFT.tla's Message type has it, within the water marks", () => {
    fc.assert(
      fc.property(fc.oneof(message, perturbed), (m) => {
        expect(new MessageStore(cfg).wellFormed(m)).toBe(inMessageDomain(m));
      }),
      { numRuns: 10_000 },
    );
  });

  it('knows a request from anything else: exactly the encoding of a command, not the null request, not a string that is almost one', () => {
    for (const r of REQUESTS) expect(isRequest(r)).toBe(true);
    const notRequests = [NULL_REQUEST, 'r1', '[', '[1,2]', '["x"]', '', 7, undefined, null, ['x'], '{}', '"[1,1,\\"get\\",\\"k\\"]"'];
    // Almost a command: a field missing, one too many, of the wrong kind, or written another way.
    notRequests.push('[1,1,"get"]', '[1,1,"put","k"]', '[1,1,"get","k","v"]', '[1,1,"cas","k","a"]', '["1",1,"get","k"]', '[1,"1","get","k"]');
    notRequests.push('[1.5,1,"get","k"]', '[-1,1,"get","k"]', '[1,0,"get","k"]', '[1,1,"pop","k"]', '[1,1,"get",7]', '[1,1,"put","k",7]', '[1, 1,"get","k"]', '[1,1,"toString","k"]');
    for (const d of notRequests) expect(isRequest(d), JSON.stringify(d)).toBe(false);
    for (const d of ['[0,1,"get","k"]', '[1,1,"delete","k"]', '[1,1,"append","k","v"]', '[1,2,"cas","k","a","b"]', '[140737488355327,1,"put","",""]']) expect(isRequest(d), d).toBe(true);
    // Asked again (the answer is remembered): the same.
    expect(isRequest(REQUESTS[0])).toBe(true);
    expect(isRequest('[1,2]')).toBe(false);
  });

  // ---- what a replica may conclude: ProvableCerts, ByzantineViewChanges, NewViewsFrom ----

  for (const [name, config] of Object.entries(CONFIGS)) {
    const domain = certDomain(config);
    /** A reachable state, and which of the network's messages (correct replicas' and Byzantine votes) the replica has received, in what order. */
    const scenario = fc.record({
      choices: fc.array(fc.nat(1000), { maxLength: name.startsWith('n = 7') ? 12 : 24 }),
      received: fc.array(fc.boolean(), { minLength: 200, maxLength: 200 }),
      order: fc.nat(),
      all: fc.boolean(),
    });
    const setup = (s: { choices: number[]; received: boolean[]; order: number; all: boolean }) => {
      const c = walk(config, s.choices);
      const network = [...c.messages.items, ...byzantineVotes(config)];
      const given = s.all ? network : network.filter((_, k) => s.received[k % s.received.length]);
      const rotated = [...given.slice(s.order % Math.max(1, given.length)), ...given.slice(0, s.order % Math.max(1, given.length))];
      const store = new MessageStore(config);
      for (const [at, m] of rotated.entries()) {
        // A new primary's pre-prepares of the null request are in msgs, but a replica refuses them
        // from anyone: it learns them from the NEW-VIEW, and a Byzantine primary may not send one alone.
        if (m.type === 'PrePrepare' && m.digest === NULL_REQUEST) {
          expect(store.wellFormed(m)).toBe(false);
          continue;
        }
        expect(store.wellFormed(m), `a message of the spec's network is malformed: ${messageKey(m)}`).toBe(true);
        store.add(m, at);
      }
      return { c, store, all: s.all };
    };

    it(`${name}: believes a certificate only if ProvableCerts has it, and every one it has once all its messages arrived`, () => {
      fc.assert(
        fc.property(scenario, (s) => {
          const { c, store, all } = setup(s);
          const provable = provableCerts(config, c);
          for (const cert of domain) {
            const spec = isIn(provable, cert);
            if (store.provable(cert)) expect(spec, `believed ${certificateKey(cert)}, which does not check`).toBe(true);
            else if (all) expect(spec, `did not believe ${certificateKey(cert)}, whose signed messages all arrived`).toBe(false);
          }
        }),
        { numRuns: 60 },
      );
    });

    it(`${name}: believes a Byzantine view change only if ByzantineViewChanges has it, and a correct replica's once its evidence arrived`, () => {
      fc.assert(
        fc.property(scenario, fc.array(fc.subarray(domain, { maxLength: 3 }), { minLength: 1, maxLength: 6 }), fc.nat(), (s, claims, pick) => {
          const { c, store, all } = setup(s);
          for (const [k, P] of claims.entries()) {
            const v = 1 + ((pick + k) % Math.max(1, config.bounds.maxView));
            const b = config.byzantine[(pick + k) % config.byzantine.length];
            const vc = viewChangeMsg(v, P, b);
            const spec = byzantineViewChanges(config, c, v).some((m) => messageKey(m) === messageKey(vc));
            const wellFormed = P.every((cert) => cert.view < v);
            if (store.validViewChange(vc)) expect(spec, `believed ${messageKey(vc)}`).toBe(true);
            else if (all && wellFormed) expect(spec, `refused ${messageKey(vc)}, whose certificates all check`).toBe(false);
          }
          if (all) for (const m of c.messages.items) if (m.type === 'ViewChange') expect(store.validViewChange(m), `refused a correct replica's ${messageKey(m)}`).toBe(true);
        }),
        { numRuns: 60 },
      );
    });

    it(`${name}: believes a NEW-VIEW only if NewViewsFrom has it (2f + 1 or more view changes of its view, from distinct replicas, each signed and checked)`, () => {
      fc.assert(
        fc.property(scenario, fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), fc.nat(config.n + 1), fc.boolean(), (s, picks, size, wrongView) => {
          const { c, store, all } = setup(s);
          for (let v = 1; v <= config.bounds.maxView; v++) {
            // A correct primary's NEW-VIEW is signed: none but the ones it sent exists (checked below).
            if (!config.byzantine.includes(primary(config, v))) continue;
            const pool = [...c.messages.items.filter((m): m is ViewChangeMessage => m.type === 'ViewChange' && m.view === v), ...byzantineViewChanges(config, c, v)];
            if (wrongView) pool.push(...byzantineViewChanges(config, c, v + 1));
            if (pool.length === 0) continue;
            // Any choice from the pool: repeated senders, too few, too many, another view's.
            const V = Array.from({ length: size }, (_, k) => pool[picks[k % picks.length] % pool.length]);
            const nv = newViewMsg(config, v, new Map(V.map((vc) => [messageKey(vc), vc])).values());
            const spec = inNewViewsFrom(config, c, nv);
            if (store.validNewView(nv)) expect(spec, `believed ${messageKey(nv)}`).toBe(true);
            else if (all) expect(spec, `refused ${messageKey(nv)}`).toBe(false);
            // One that names a primary that is not the view's is never a NEW-VIEW.
            expect(new MessageStore(config).validNewView({ ...nv, sender: (nv.sender + 1) % config.n })).toBe(false);
          }
          if (all) for (const m of c.messages.items) if (m.type === 'NewView') expect(store.validNewView(m), `refused a correct primary's ${messageKey(m)}`).toBe(true);
        }),
        { numRuns: 60 },
      );
    });
  }

  // ---- bookkeeping: duplicates, where each replica was last seen ----

  it('keeps each message once, and remembers the highest view each replica was last seen in (normal case, and view changes it sent itself), the certificates each view named, and every NEW-VIEW', () => {
    const store4 = pbftConfig(4);
    const votes = fc.record({
      type: fc.constantFrom('PrePrepare', 'Prepare', 'Commit'),
      view: fc.nat(4),
      seq: fc.integer({ min: 1, max: 3 }),
      digest: fc.constantFrom(...REQUESTS),
      sender: fc.nat(3),
    });
    const vcs = fc.record({ type: fc.constant('ViewChange'), view: fc.integer({ min: 1, max: 4 }), prepared: fc.constant([]), sender: fc.nat(3) });
    const nvs = fc.record({ view: fc.integer({ min: 1, max: 3 }), senders: fc.subarray([0, 1, 2, 3], { minLength: 1 }) }).map(({ view, senders }) => newViewMsg(store4, view, senders.map((j) => viewChangeMsg(view, [], j))));
    const arrival = fc.record({ m: fc.oneof(votes, vcs, nvs), embedded: fc.boolean() });
    fc.assert(
      fc.property(fc.array(arrival, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 20 }), (first, again) => {
        // Some arrive twice: a retransmission, or a duplicate the network made.
        const arrivals = first.length === 0 ? first : [...first, ...again.map((k) => first[k % first.length])];
        const store = new MessageStore(store4);
        const seen = new Set<string>();
        const normal = new Map<number, number>();
        const viewChange = new Map<number, { view: number; at: number }>();
        const certs = new Map<number, Map<string, Certificate>>();
        const newViews = new Map<number, NewViewMessage[]>();
        for (const [at, { m, embedded }] of arrivals.entries()) {
          const message = m as PbftMessage;
          if (!store.wellFormed(message)) continue;
          const key = messageKey(message);
          const isVc = message.type === 'ViewChange';
          const fresh = !seen.has(key);
          expect(store.add(message, at, isVc && embedded), key).toBe(fresh);
          seen.add(key);
          if (message.type === 'NewView') {
            if (fresh) newViews.set(message.view, [...(newViews.get(message.view) ?? []), message]);
            // Its view changes are kept as embedded ones: where their senders are, they do not say.
            for (const vc of message.viewChanges) seen.add(messageKey(vc));
          } else if (!isVc) {
            normal.set(message.sender, Math.max(normal.get(message.sender) ?? -1, message.view));
            const ofView = certs.get(message.view) ?? certs.set(message.view, new Map()).get(message.view)!;
            ofView.set(certificateKey(message), { view: message.view, seq: message.seq, digest: message.digest });
          } else if (!embedded && message.view >= (viewChange.get(message.sender)?.view ?? -1)) viewChange.set(message.sender, { view: message.view, at });
        }
        expect(new Map(store.lastNormalView)).toEqual(normal);
        expect(new Map(store.lastViewChange)).toEqual(viewChange);
        expect(new Map(store.certsOfView)).toEqual(certs);
        expect(new Map(store.newViews)).toEqual(newViews);
      }),
    );
  });

  it('counts each backup once towards a certificate, and never the primary', () => {
    const config = pbftConfig(4);
    const store = new MessageStore(config);
    const cert = { view: 1, seq: 1, digest: REQUESTS[0] };
    // Replica 1 is view 1's primary: its PREPARE is not a message a backup counts.
    for (const j of [1, 2, 2, 3]) if (store.wellFormed(prepareMsg(cert, j))) store.add(prepareMsg(cert, j), 0);
    expect([...store.preparers(cert)].sort()).toEqual([2, 3]);
    expect(store.provable(cert)).toBe(true);
    for (const j of [0, 0, 1]) store.add(commitMsg(cert, j), 0);
    expect([...store.committers(cert)].sort()).toEqual([0, 1]);
    expect(store.preparers({ ...cert, seq: 2 }).size).toBe(0);
    expect(store.committers({ ...cert, seq: 2 }).size).toBe(0);
  });

  it('refuses a NEW-VIEW for each of the conditions of NewViewsFrom it breaks, one at a time', () => {
    const config = pbftConfig(4);
    const store = new MessageStore(config);
    // A certificate of view 0 with its evidence (2f PREPAREs from backups), one of view 1 too.
    const old = { view: 0, seq: 1, digest: REQUESTS[0] };
    const recent = { view: 1, seq: 1, digest: REQUESTS[1] };
    for (const j of [1, 2]) store.add(prepareMsg(old, j), 0);
    for (const j of [2, 3]) store.add(prepareMsg(recent, j), 0);
    expect(store.provable(old) && store.provable(recent)).toBe(true);
    const vc = (sender: number, prepared: Certificate[] = [], view = 1) => viewChangeMsg(view, prepared, sender);
    const nv = (V: ViewChangeMessage[], sender = 1): NewViewMessage => ({ type: 'NewView', view: 1, viewChanges: V, sender });
    const good = nv([vc(0), vc(2, [old]), vc(3)]);
    expect(store.validNewView(good)).toBe(true);
    // Asked again of the same message (it is remembered): the same.
    expect(store.validNewView(good)).toBe(true);
    expect(store.validNewView(nv([vc(0), vc(2, [old]), vc(3), vc(1)]))).toBe(true);
    // 2f view changes: too few.
    expect(store.validNewView(nv([vc(2, [old]), vc(3)]))).toBe(false);
    // 2f + 1 view changes, from 2f replicas: one of them sent two.
    expect(store.validNewView(nv([vc(2), vc(2, [old]), vc(3)]))).toBe(false);
    // One of them is for another view.
    expect(store.validNewView(nv([vc(0), vc(2, [old], 2), vc(3)]))).toBe(false);
    // One claims a certificate that does not check, or one of its own view (a view change reports what was prepared before it).
    expect(store.validNewView(nv([vc(0), vc(2, [{ ...old, seq: 2 }]), vc(3)]))).toBe(false);
    expect(store.validNewView(nv([vc(0), vc(2, [recent]), vc(3)]))).toBe(false);
    expect(store.validViewChange(vc(2, [recent]))).toBe(false);
    expect(store.validViewChange(vc(2, [recent], 2))).toBe(true);
    // Not a view change at all, or from a replica that is not the view's primary.
    expect(store.validNewView(nv([vc(0), prepareMsg({ ...old, view: 1 }, 2) as unknown as ViewChangeMessage, vc(3)]))).toBe(false);
    expect(store.validNewView(nv([vc(0), vc(2, [old]), vc(3)], 2))).toBe(false);
  });

  it("counts the claims of a NEW-VIEW's view changes only if they are well formed", () => {
    const config = pbftConfig(4);
    const cert = { view: 0, seq: 1, digest: REQUESTS[0] };
    const claim = (sender: number, view = 1) => viewChangeMsg(view, [cert], sender);
    // f + 1 claims would make the certificate check, but these name no replica, or claim it for the view it is of.
    for (const V of [[claim(4), claim(5)], [claim(-1), claim(4)], [claim(2, 0), claim(3, 0)]]) {
      const store = new MessageStore(config);
      const nv: NewViewMessage = { type: 'NewView', view: 1, viewChanges: V, sender: 1 };
      expect(store.wellFormed(nv)).toBe(true);
      store.add(nv, 0);
      expect(store.provable(cert), JSON.stringify(V)).toBe(false);
      expect(store.viewChanges.size).toBe(0);
    }
    // Two well-formed ones are f + 1 claims.
    const store = new MessageStore(config);
    // A PREPARE in place of a view change is not counted as one, nor as a PREPARE.
    const other = { view: 0, seq: 2, digest: REQUESTS[1] };
    store.add({ type: 'NewView', view: 1, viewChanges: [claim(2), claim(3), prepareMsg(other, 1) as unknown as ViewChangeMessage], sender: 1 }, 0);
    expect(store.provable(cert)).toBe(true);
    expect(store.preparers(other).size).toBe(0);
    expect([...(store.viewChanges.get(1)?.keys() ?? [])].sort()).toEqual([2, 3]);
    // They say nothing of where their senders are.
    expect(store.lastViewChange.size).toBe(0);
  });

  it('lists, for a view, one view change that checks from each replica but the one named, by sender', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ sender: fc.nat(3), claims: fc.boolean(), view: fc.integer({ min: 1, max: 2 }) }), { maxLength: 12 }), fc.nat(4), (sent, except) => {
        const config = pbftConfig(4);
        const store = new MessageStore(config);
        // One certificate with evidence (2f PREPAREs), one without.
        const good = { view: 0, seq: 1, digest: REQUESTS[0] };
        const bad = { view: 0, seq: 2, digest: REQUESTS[1] };
        for (const j of [1, 2]) store.add(prepareMsg(good, j), 0);
        const vcs = sent.map((s) => viewChangeMsg(s.view, [s.claims ? good : bad], s.sender));
        for (const vc of vcs) store.add(vc, 0);
        // The one without evidence checks too once f + 1 replicas claim it: one of them is correct.
        const badChecks = new Set(vcs.filter((vc) => vc.prepared[0] === bad).map((vc) => vc.sender)).size >= config.f + 1;
        for (const v of [1, 2]) {
          const expected = [0, 1, 2, 3].filter((j) => j !== except && vcs.some((vc) => vc.view === v && vc.sender === j && (vc.prepared[0] === good || badChecks)));
          const got = store.validViewChangesFor(v, except);
          expect(got.map((vc) => vc.sender)).toEqual(expected);
          for (const vc of got) expect(vc.view).toBe(v);
        }
        expect(store.validViewChangesFor(3, except)).toEqual([]);
      }),
    );
  });
});

describe("a new primary's choice of view changes (selfCertifying)", () => {
  it.each([4, 7])('n = %i: picks, of the view changes that check, the first 2f (in order) whose every certificate, with its own, f + 1 of them claim; else the first 2f', (n) => {
    const cfg = pbftConfig(n);
    const certs: Certificate[] = [1, 2, 3].map((seq) => ({ view: 0, seq, digest: REQUESTS[0] }));
    const vc = fc.record({ sender: fc.nat(n - 1), prepared: fc.subarray(certs) });
    fc.assert(
      fc.property(fc.uniqueArray(vc, { selector: (x) => x.sender, maxLength: n }), fc.subarray(certs), (raw, own) => {
        const valid = raw.map((x) => viewChangeMsg(1, x.prepared, x.sender));
        const size = 2 * cfg.f;
        const selfCertified = (Q: readonly ViewChangeMessage[]) =>
          [...own, ...Q.flatMap((q) => q.prepared)].every((c) => [own, ...Q.map((q) => q.prepared)].filter((P) => P.some((x) => certificateKey(x) === certificateKey(c))).length >= cfg.f + 1);
        // Every choice of `size` of them, in the order of their indices.
        const choices: ViewChangeMessage[][] = [];
        const choose = (from: number, chosen: ViewChangeMessage[]) => {
          if (chosen.length === size) return void choices.push(chosen);
          for (let k = from; k < valid.length; k++) choose(k + 1, [...chosen, valid[k]]);
        };
        choose(0, []);
        const expected = valid.length === size ? valid : (choices.find(selfCertified) ?? valid.slice(0, size));
        expect(selfCertifying(cfg, valid, own)).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the event log of a correct replica (logPbftMessage)', () => {
  const cfg = pbftConfig(4);
  const certs: Certificate[] = [0, 1].flatMap((view) => [1, 2].flatMap((seq) => [...REQUESTS, NULL_REQUEST].map((digest) => ({ view, seq, digest }))));
  const viewChange = fc.record({ view: fc.integer({ min: 2, max: 5 }), sender: fc.nat(3), prepared: fc.subarray(certs) }).map((x) => viewChangeMsg(x.view, x.prepared, x.sender));
  const newView = fc
    .record({ view: fc.integer({ min: 2, max: 5 }), from: fc.uniqueArray(fc.record({ sender: fc.nat(3), prepared: fc.subarray(certs) }), { selector: (x) => x.sender, minLength: 3 }) })
    .map((x) => newViewMsg(cfg, x.view, x.from.map((vc) => viewChangeMsg(x.view, vc.prepared, vc.sender))));
  const vote = fc.record({ type: fc.constantFrom('PrePrepare', 'Prepare', 'Commit'), view: fc.nat(5), seq: fc.integer({ min: 1, max: 3 }), digest: fc.constantFrom(...REQUESTS), sender: fc.nat(3) }) as fc.Arbitrary<PbftMessage>;
  const where = { file: 'log.ndjson', line: 1 };
  const certificatesOf = (logged: Record<string, unknown>): unknown[] =>
    logged.type === 'ViewChange' ? (logged.prepared as unknown[]) : logged.type === 'NewView' ? (logged.viewChanges as { prepared: unknown[] }[]).flatMap((vc) => vc.prepared) : [];

  it('writes every message so that ValidatePBFT reads back the one sent, each certificate as its key "view.seq.digest"', () => {
    fc.assert(
      fc.property(fc.oneof(viewChange, newView, vote), (m) => {
        const logged = JSON.parse(JSON.stringify(logPbftMessage(m))) as Record<string, unknown>;
        expect(messageKey(loggedMessage(logged, where))).toBe(messageKey(m));
        // The compact form of the schema (docs/schemas/pbft-event.schema.json): a NEW-VIEW's lines stay short.
        const expected = m.type === 'ViewChange' ? m.prepared : m.type === 'NewView' ? m.viewChanges.flatMap((vc) => vc.prepared) : [];
        expect(certificatesOf(logged)).toEqual(expected.map(certificateKey));
      }),
      { numRuns: 500 },
    );
  });
});
