// PBFT as a system: the named scenarios and every Byzantine strategy pass on a few seeds (the
// clients' history linearizable while a replica lies, invariants kept, progress after healing),
// runs are deterministic, the adversaries send only what PBFT.tla lets a Byzantine replica send,
// the lying replica's replies never make a client accept a wrong result (unless the clients
// trust f replies, the seeded bug), the incremental monitor agrees with the explorer's full
// invariants on small random runs, and the seeded bugs are caught within a few seeds.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStorage } from '../../src/cluster/storage.ts';
import { decodeCommand } from '../../src/host/kv.ts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyedSet } from '../../src/core/keyed-set.ts';
import { DEFAULT_TIMING } from '../../src/host/system.ts';
import type { SystemOptions, SystemProtocol } from '../../src/host/system.ts';
import type { AdversaryContext, NodeId, ReducerStep, Wire } from '../../src/host/types.ts';
import { checkHistory } from '../../src/lincheck/check.ts';
import { BYZANTINE_STRATEGIES, ForbiddenMessage, createAdversary, parseByzantine } from '../../src/pbft/byzantine.ts';
import type { PbftCluster } from '../../src/pbft/cluster.ts';
import { NULL_REQUEST, createPbftSystem, pbftConfig, pbftSystem } from '../../src/pbft/host.ts';
import { pbftInvariants } from '../../src/pbft/invariants.ts';
import { addedEntries } from '../../src/pbft/monitor.ts';
import { certificateKey, messageKey, prepareMsg, viewChangeMsg } from '../../src/pbft/node.ts';
import type { PbftMessage, Replica } from '../../src/pbft/types.ts';
import { DEFAULT_SCENARIO, loadScenario, namedScenarios } from '../../src/sim/scenario.ts';
import type { Scenario } from '../../src/sim/scenario.ts';
import { simulate } from '../../src/sim/simulator.ts';
import { answerTimes } from '../support/latency.ts';
import { logWriter } from '../support/logs.ts';
import { pbft } from '../../src/pbft/index.ts';
import { validateLog } from '../../src/validate/validate.ts';

const write = logWriter('pbft-host-');

const strategy = (scenario: Scenario, byzantine: string): Scenario => ({ ...scenario, byzantine });

function expectOk(r: ReturnType<typeof simulate>, what: string): void {
  expect(r.failure, what).toBeUndefined();
  expect(r.ok, what).toBe(true);
  expect(r.linearizable, what).toBe(true);
  expect(r.ops.ok, what).toBeGreaterThan(0);
}

describe('PBFT in the simulator', () => {
  for (const name of namedScenarios('pbft')) {
    it(`runs scenario ${name} with its Byzantine replica: seeds 1..3 linearizable, invariants hold, progress after healing`, () => {
      const scenario = loadScenario(name);
      for (let seed = 1; seed <= 3; seed++) expectOk(simulate({ protocol: pbftSystem, scenario, seed }), `${name}, seed ${seed}`);
    });
  }

  for (const byzantine of [...BYZANTINE_STRATEGIES, 'none', 'silent@2']) {
    it(`runs with the Byzantine replica ${byzantine}: byzantine-primary and partitions, seeds 1..3`, () => {
      for (const name of ['byzantine-primary', 'partitions']) {
        const scenario = strategy(loadScenario(name), byzantine);
        for (let seed = 1; seed <= 3; seed++) expectOk(simulate({ protocol: pbftSystem, scenario, seed }), `${name}, ${byzantine}, seed ${seed}`);
      }
    });
  }

  it('runs on 7 replicas (f = 2) with a lying replica', () => {
    expectOk(simulate({ protocol: pbftSystem, scenario: loadScenario('byzantine-primary'), seed: 1, nodes: 7 }), '7 replicas');
  });

  it('changes views away from a silent primary, and the replica it chose leads', () => {
    const r = simulate({ protocol: pbftSystem, scenario: strategy(DEFAULT_SCENARIO, 'silent'), seed: 5 });
    expectOk(r, 'silent primary');
    // leading() is the view a correct replica is the Normal primary of: view 1's is replica 1.
    expect(r.leaders[0]).toMatchObject({ term: 1, server: '1' });
  });

  it("names as leading only a view's primary, from the step that formed its view (its NEW-VIEW), never a backup or a replica in a view change", () => {
    // The simulator's nemesis aims at the leader, and the real cluster's status and `cluster start` wait for one.
    for (const [scenario, seed] of [['byzantine-primary', 1], ['partitions', 2], ['random-faults', 3]] as const) {
      const loaded = loadScenario(scenario);
      const r = simulate({ protocol: pbftSystem, scenario: loaded, seed, keepLog: true });
      const what = `${scenario}, seed ${seed}`;
      const n = loaded.nodes ?? pbftSystem.defaultNodes;
      expect(r.leaders.filter((l) => l.term > 0).length, what).toBeGreaterThan(0);
      for (const l of r.leaders) {
        expect(Number(l.server), `${what}: ${JSON.stringify(l)}`).toBe(l.term % n);
        if (l.term === 0) continue;
        // A new primary leads once its NEW-VIEW is out: the ReceiveViewChanges step of that view, at that moment.
        const formed = r.log!.filter((e) => e.node === l.server && e.action === 'ReceiveViewChanges' && e.params.v === l.term);
        expect(formed.map((e) => e.t), `${what}: ${JSON.stringify(l)}`).toContain(l.at);
      }
    }
  });

  it("keeps its whole state in a node's database: written step by step as the real cluster writes it, read back after a kill, it is the replica it was", () => {
    // PBFT.tla has no restart and the simulator's crash is a pause, so only the real cluster (kill -9, then restart) reads this back.
    const def = createPbftSystem({ nodes: 4, timing: DEFAULT_TIMING });
    const dir = mkdtempSync(join(tmpdir(), 'pbft-stable-'));
    try {
      const file = join(dir, 'node-1.db');
      const identity = { cluster: 'c-test', protocol: 'pbft', node: '1' };
      let db = SqliteStorage.open(file, identity);
      let last: Replica | undefined;
      const scenario: Scenario = { ...loadScenario('byzantine-primary'), workload: { ...DEFAULT_SCENARIO.workload, clients: 2, ops: 30 } };
      simulate({
        protocol: pbftSystem,
        scenario,
        seed: 4,
        afterStep: (id, nodes) => {
          if (id !== '1' || nodes.get('1') === last) return;
          last = nodes.get('1') as Replica;
          db.writeAndSync(def.stable(last));
        },
      });
      db.close();
      expect(last!.log.size).toBeGreaterThan(20);
      expect(last!.view).toBeGreaterThan(0);
      db = SqliteStorage.open(file, identity);
      const back = def.recover('1', db.read()).node as Replica;
      db.close();
      expect(back.log.items.map(messageKey)).toEqual(last!.log.items.map(messageKey));
      expect(back.committed.items.map(certificateKey)).toEqual(last!.committed.items.map(certificateKey));
      expect({ ...back, log: undefined, committed: undefined }).toEqual({ ...last!, log: undefined, committed: undefined });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is deterministic: one seed twice gives one digest, another seed another', () => {
    const scenario = loadScenario('byzantine-primary');
    const a = simulate({ protocol: pbftSystem, scenario, seed: 21 });
    const b = simulate({ protocol: pbftSystem, scenario, seed: 21 });
    const c = simulate({ protocol: pbftSystem, scenario, seed: 22 });
    expect(a.digest).toBe(b.digest);
    expect(a.events).toBe(b.events);
    expect(c.digest).not.toBe(a.digest);
  });

  it("logs every step as PBFT.tla's action with its parameters", () => {
    const r = simulate({ protocol: pbftSystem, scenario: strategy(loadScenario('byzantine-primary'), 'lying-view-change'), seed: 2, keepLog: true });
    expect(r.ok).toBe(true);
    const params = new Map<string, string>();
    for (const e of r.log!) params.set(e.action, Object.keys(e.params).sort().join(','));
    expect(Object.fromEntries(params)).toMatchObject({
      PrePrepare: 'i,r',
      ReceivePrePrepare: 'd,i,n',
      ReceivePrepares: 'd,from,i,n',
      ReceiveCommits: 'd,from,i,n',
      Timeout: 'i',
      ReceiveViewChanges: 'Q,i,v',
      ReceiveNewView: 'i,j',
    });
    // Quorums: 2f prepares from distinct backups, 2f + 1 commits.
    for (const e of r.log!) {
      if (e.action === 'ReceivePrepares') expect(new Set(e.params.from as number[]).size).toBeGreaterThanOrEqual(2);
      if (e.action === 'ReceiveCommits') expect(new Set(e.params.from as number[]).size).toBeGreaterThanOrEqual(3);
    }
  });

  it('executes the null requests of new views as no-ops, and refuses n that is not 3f + 1, unknown strategies and policy settings', () => {
    const def = createPbftSystem({ nodes: 4, timing: DEFAULT_TIMING });
    // The state machine applies encoded commands only: the null request is none.
    expect(decodeCommand(NULL_REQUEST)).toBeUndefined();
    expect(decodeCommand('[0,1,"get","k0"]')).toEqual({ client: 0, seq: 1, op: { f: 'get', key: 'k0' } });
    expect(def.clients).toEqual({ replies: 2, broadcast: true, logAccepts: true });
    expect(def.byzantine!.ids).toEqual(['0']);
    expect(createPbftSystem({ nodes: 7, timing: DEFAULT_TIMING, byzantine: 'silent@3' }).byzantine!.ids).toEqual(['3']);
    expect(createPbftSystem({ nodes: 4, timing: DEFAULT_TIMING, byzantine: 'none' }).byzantine).toBeUndefined();
    expect(() => createPbftSystem({ nodes: 5, timing: DEFAULT_TIMING })).toThrow(/3f \+ 1/);
    expect(() => createPbftSystem({ nodes: 1, timing: DEFAULT_TIMING })).toThrow(/3f \+ 1/);
    expect(() => parseByzantine('sneaky', 4)).toThrow(/no Byzantine strategy "sneaky"/);
    expect(() => parseByzantine('silent@4', 4)).toThrow(/0 \.\. 3/);
    expect(() => createPbftSystem({ nodes: 4, timing: DEFAULT_TIMING, policy: { window: 3 } })).toThrow(/policy\.pbft\.window/);
  });

  it('runs past a thousand sequence numbers (the high water mark K allows long runs)', () => {
    const scenario: Scenario = { ...DEFAULT_SCENARIO, byzantine: 'random', workload: { ...DEFAULT_SCENARIO.workload, clients: 8, ops: 1100, intervalMs: [0, 5] } };
    const r = simulate({ protocol: pbftSystem, scenario, seed: 3, skipLinearizability: true });
    expect(r.failure).toBeUndefined();
    expect(r.commitsPerSecond.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1100);
  });
});

// The policy (src/pbft/host.ts) is what the paper leaves to the implementation: when a replica
// takes which step, retransmits, starts a view change. These runs measure it where the paper says
// what must happen: four correct replicas on a reliable network (DEFAULT_SCENARIO with no Byzantine
// replica: delays of 1 to 10 ms, view-change timeouts of 150 to 300 ms, heartbeats every 50 ms).
describe("PBFT's policy, where the paper says what it does", () => {
  const correct: Scenario = { ...DEFAULT_SCENARIO, byzantine: 'none' };
  // One client that waits 200 to 400 ms between operations: the replicas are idle most of the run.
  const idle: Scenario = { ...correct, workload: { ...correct.workload, clients: 1, ops: 12, intervalMs: [200, 400] } };
  const steady = (seed: number, scenario = correct) => simulate({ protocol: pbftSystem, scenario, seed, keepLog: true });

  it('with a correct primary, busy or idle, no view change: the normal case, each step once per request and replica (4.2)', () => {
    for (const seed of [1, 2, 3]) {
      for (const scenario of [correct, idle]) {
        const r = steady(seed, scenario);
        const ops = scenario.workload.ops;
        expect(r.ok, `seed ${seed}`).toBe(true);
        const counts: Record<string, number> = {};
        for (const e of r.log!) counts[e.action] = (counts[e.action] ?? 0) + 1;
        // The primary pre-prepares each request, the 3 backups accept it, all 4 prepare and commit; the client accepts once.
        expect(counts, `seed ${seed}, ${scenario.workload.clients} clients`).toEqual({ Init: 1, PrePrepare: ops, ReceivePrePrepare: 3 * ops, ReceivePrepares: 4 * ops, ReceiveCommits: 4 * ops, ClientAccept: ops });
        const prePrepared = r.log!.filter((e) => e.action === 'PrePrepare');
        expect(new Set(prePrepared.map((e) => e.params.r)).size, `seed ${seed}`).toBe(ops);
        // Sequence numbers 1, 2, ... in the order of assignment: none skipped, none twice.
        expect(prePrepared.map((e) => (e.sent![0] as { seq: number }).seq), `seed ${seed}`).toEqual(Array.from({ length: ops }, (_, k) => k + 1));
      }
    }
  });

  it('sends the normal case\'s 24 messages a request (3 PRE-PREPAREs, 9 PREPAREs, 12 COMMITs), and few again: only what is not committed a heartbeat after it was sent', () => {
    for (const seed of [1, 2, 3]) {
      for (const scenario of [correct, idle]) {
        const r = steady(seed, scenario);
        const normal = 24 * scenario.workload.ops;
        expect(r.messages.sent, `seed ${seed}`).toBeGreaterThanOrEqual(normal);
        expect(r.messages.sent, `seed ${seed}`).toBeLessThanOrEqual(1.15 * normal);
      }
    }
  });

  it('answers every operation within five network delays (the request, PRE-PREPARE, PREPARE, COMMIT, the replies)', () => {
    for (const seed of [1, 2, 3]) {
      const r = steady(seed);
      const slowest = Math.max(...answerTimes(r.history!));
      expect(slowest, `seed ${seed}`).toBeGreaterThan(0);
      expect(slowest, `seed ${seed}`).toBeLessThanOrEqual(50);
    }
  });

  it("moves to a new view within two view-change timeouts of the primary's crash, with requests waiting (4.4)", () => {
    const scenario: Scenario = { ...loadScenario('leader-crashes'), byzantine: 'none' };
    for (const seed of [1, 2, 3]) {
      const r = simulate({ protocol: pbftSystem, scenario, seed });
      expect(r.ok, `seed ${seed}`).toBe(true);
      const crash = r.schedule.find((f) => f.fault === 'crash')!;
      expect(crash.target, `seed ${seed}`).toBe('0');
      const next = r.leaders.find((l) => l.at > crash.at);
      expect(next!.at - crash.at, `seed ${seed}`).toBeLessThanOrEqual(2 * scenario.timing.electionTimeoutMs[1]);
    }
  });

  it('brings a replica cut off during a view change into the new view as soon as it hears f + 1 others there, before any timer of its own (4.5.2)', () => {
    // 7 replicas (f = 2): replica 6 is cut off, the primary (0) is paused, and the 5 others move to
    // view 1 without them; the new primary's NEW-VIEW resends are 1.6 s apart by the heal.
    // Cut off from the start, replica 6 has no request waiting and so no timer of its own: only
    // 4.5.2's rule (with f + 1 others in a later view, one of them correct, move there) brings it
    // along at once. Cut off after requests reached it, it timed out alone into view 1 and waits
    // there for a NEW-VIEW that nobody resends soon: hearing view 1 go on, it asks for it.
    const healAt = 2300;
    const cutOff = (from: number): Scenario => ({
      ...correct,
      name: 'cut-off',
      nodes: 7,
      workload: { ...correct.workload, clients: 3, ops: 400, intervalMs: [20, 60] },
      timeline: [
        { at: from, fault: 'isolate', target: '6' },
        { at: 300, fault: 'pause', target: '0' },
        { at: healAt, fault: 'heal' },
      ],
      heal: { at: 6000, budgetMs: 20_000 },
    });
    for (const from of [1, 200]) {
      for (const seed of [1, 2]) {
        const what = `cut off at ${from} ms, seed ${seed}`;
        const r = simulate({ protocol: pbftSystem, scenario: cutOff(from), seed, keepLog: true });
        expect(r.ok, what).toBe(true);
        const formed = r.log!.find((e) => e.action === 'ReceiveViewChanges');
        expect(formed?.params.v, what).toBe(1);
        expect(formed!.t, what).toBeLessThan(healAt);
        const back = r.log!.find((e) => e.node === '6' && e.action === 'ReceiveNewView');
        // A few network delays after the heal; its own view-change timer is 150 to 300 ms at the least.
        expect(back!.t - healAt, what).toBeLessThanOrEqual(100);
        expect(back!.params.j, what).toBe(1);
        // One view at a time: from view 0 to view 1 in one Timeout, and the NEW-VIEW of view 1.
        expect(r.log!.filter((e) => e.node === '6' && e.action === 'Timeout' && e.t < back!.t).length, what).toBe(1);
      }
    }
  });

  it("logs, on every line, the variables ValidatePBFT.tla compares, and the run's constants on the Init line", () => {
    const r = steady(1);
    expect(r.log![0]).toMatchObject({ action: 'Init', constants: { N: 4, Byzantine: [], Null: NULL_REQUEST } });
    // The replicas' steps carry their state; a client's ClientAccept is not a replica's.
    const replicaSteps = r.log!.slice(1).filter((e) => e.action !== 'ClientAccept');
    expect(replicaSteps.length).toBeGreaterThan(DEFAULT_SCENARIO.workload.ops);
    for (const e of replicaSteps) expect(Object.keys(e.state!).sort(), `line ${e.n}`).toEqual(['committed', 'executed', 'logSize', 'status', 'view']);
    const last = r.log!.findLast((e) => e.node === '0')!;
    expect(last.state).toMatchObject({ view: 0, status: 'Normal', executed: DEFAULT_SCENARIO.workload.ops, committed: DEFAULT_SCENARIO.workload.ops });
  });
});

// ---- the lying replica ----------------------------------------------------------------------------

/** PBFT whose Byzantine replica's every send goes through `send`, beneath the adversary's guard (what it may send). */
function throughByzantine(send: (ctx: AdversaryContext<PbftMessage>, to: NodeId, wire: Wire<PbftMessage>, liar: number) => void): SystemProtocol {
  return {
    ...pbftSystem,
    create: (o: SystemOptions) => {
      const def = createPbftSystem(o);
      return {
        ...def,
        byzantine: {
          ids: def.byzantine!.ids,
          create: (id: NodeId, ctx: AdversaryContext<PbftMessage>) => def.byzantine!.create(id, { ...ctx, send: (to, wire) => send(ctx, to, wire, Number(id)) }),
        },
      };
    },
  };
}

/** PBFT with the Byzantine replica's client replies counted (and the adversary kept honest by its guard). */
function countingLies(counts: { replies: number }): SystemProtocol {
  return throughByzantine((ctx, to, wire) => {
    if (wire.type === 'ClientReply') counts.replies++;
    ctx.send(to, wire);
  });
}

describe('the lying replica', () => {
  it("never makes a client accept a wrong result: clients wait for f + 1 matching replies, and the history stays linearizable", () => {
    const counts = { replies: 0 };
    const scenario = strategy(loadScenario('byzantine-primary'), 'lying-replies');
    for (let seed = 1; seed <= 4; seed++) {
      const r = simulate({ protocol: countingLies(counts), scenario, seed, keepLog: true });
      expectOk(r, `seed ${seed}`);
      expect(checkHistory(r.history!, 'kv').ok).toBe(true);
    }
    // It did lie: every reply it sent is a wrong result.
    expect(counts.replies).toBeGreaterThan(100);
  });

  it('makes clients accept wrong results once they trust f replies (pbft-client-trusts-f-replies): the history is not linearizable', () => {
    const scenario = strategy(loadScenario('byzantine-primary'), 'lying-replies');
    const r = simulate({ protocol: pbftSystem, scenario, seed: 1, mutant: 'pbft-client-trusts-f-replies' });
    expect(r.ok).toBe(false);
    expect(r.failure?.kind).toBe('not-linearizable');
  });
});

// ---- what a correct replica refuses -----------------------------------------------------------------

/**
 * PBFT whose Byzantine replica also sends, beneath its guard, messages no replica of PBFT.tla may
 * send: outside the spec's Message type, or in the receiver's own name. Each goes to every other replica.
 */
function sendingGarbage(counts: { sent: number }): SystemProtocol {
  const garbage = (liar: number, to: number): PbftMessage[] => [
    { type: 'PrePrepare', view: 0, seq: 1, digest: 'not a request', sender: liar },
    { type: 'PrePrepare', view: 0, seq: 0, digest: NULL_REQUEST, sender: liar },
    { type: 'Prepare', view: -1, seq: 1, digest: NULL_REQUEST, sender: liar },
    { type: 'Commit', view: 0, seq: 1.5, digest: NULL_REQUEST, sender: liar },
    { type: 'ViewChange', view: 0, prepared: [], sender: liar },
    { type: 'NewView', view: 4, viewChanges: [], sender: liar },
    { type: 'Commit', view: 0, seq: 1, digest: 'not a request', sender: to },
  ];
  return throughByzantine((ctx, to, wire, liar) => {
    ctx.send(to, wire);
    if (counts.sent < 200) for (const message of garbage(liar, Number(to))) (counts.sent++, ctx.send(to, { type: 'Protocol', message }));
  });
}

/** PBFT whose Byzantine replica also asks, beneath its guard, for a later view with every message it sends. */
function askingForLaterViews(counts: { sent: number }): SystemProtocol {
  return throughByzantine((ctx, to, wire, liar) => {
    ctx.send(to, wire);
    counts.sent++;
    ctx.send(to, { type: 'Protocol', message: viewChangeMsg(3, [], liar) });
  });
}

describe('a correct replica', () => {
  it('follows no replica alone to a later view: 4.5.2 moves it only with f + 1 (one of them correct)', () => {
    // A Byzantine backup that cooperates and asks for view 3 all the time; the primary is correct.
    const counts = { sent: 0 };
    for (const seed of [1, 2]) {
      const r = simulate({ protocol: askingForLaterViews(counts), scenario: strategy(DEFAULT_SCENARIO, 'equivocating-primary@3'), seed, keepLog: true });
      expectOk(r, `seed ${seed}`);
      const moved = r.log!.filter((e) => e.node !== '3' && e.action === 'Timeout');
      expect(moved, `seed ${seed}: ${moved.map((e) => `${e.node} at ${e.t}`).join(', ')}`).toEqual([]);
    }
    expect(counts.sent).toBeGreaterThan(100);
  });


  it("acts on nothing outside PBFT.tla's network: malformed messages, and one in its own name, leave a log TLC accepts", async () => {
    const counts = { sent: 0 };
    const r = simulate({ protocol: sendingGarbage(counts), scenario: strategy(DEFAULT_SCENARIO, 'equivocating-primary'), seed: 1, keepLog: true });
    expectOk(r, 'seed 1');
    expect(counts.sent).toBeGreaterThanOrEqual(200);
    // The steps of the first view, where the garbage arrives: TLC decides each is one of the spec's.
    const events = r.log!.slice(0, 1500);
    const result = await validateLog(pbft, pbft.traceValidator!, write('garbage.ndjson', events));
    expect(result.accepted, result.explanation?.join('\n')).toBe(true);
  });
});

// ---- what an adversary may send -----------------------------------------------------------------

describe('the adversaries', () => {
  it('refuse to send what PBFT.tla does not let a Byzantine replica send', () => {
    const cfg = pbftConfig(4);
    const sent: Wire<PbftMessage>[] = [];
    const ctx: AdversaryContext<PbftMessage> = { id: '0', now: () => 0, random: () => 0.5, send: (_to, w) => sent.push(w), correct: () => new Map() };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const adversary = createAdversary('lying-view-change', cfg, 0, ctx, DEFAULT_TIMING) as any;
    const request = '[0,1,"put","k0","v"]';
    const deny = (wire: Wire<PbftMessage>) => expect(() => adversary.allowed(wire)).toThrow(ForbiddenMessage);
    // A correct replica's PREPARE it never received (a forgery), a client's request, another replica's reply.
    deny({ type: 'Protocol', message: prepareMsg({ view: 1, seq: 1, digest: request }, 2) });
    deny({ type: 'ClientRequest', client: 0, seq: 1, command: request });
    deny({ type: 'ClientReply', client: 0, seq: 1, result: { ok: true }, replica: '1' });
    // A pre-prepare of a request no client issued, or for a view it is not the primary of.
    deny({ type: 'Protocol', message: { type: 'PrePrepare', view: 0, seq: 1, digest: request, sender: 0 } });
    adversary.deliver({ type: 'ClientRequest', client: 0, seq: 1, command: request });
    adversary.allowed({ type: 'Protocol', message: { type: 'PrePrepare', view: 0, seq: 1, digest: request, sender: 0 } });
    deny({ type: 'Protocol', message: { type: 'PrePrepare', view: 1, seq: 1, digest: request, sender: 0 } });
    // A view change claiming a certificate that does not check (one PREPARE, no claims).
    const p = prepareMsg({ view: 1, seq: 1, digest: request }, 2);
    adversary.deliver({ type: 'Protocol', message: p });
    deny({ type: 'Protocol', message: viewChangeMsg(2, [{ view: 1, seq: 1, digest: request }], 0) });
    // With a second backup's PREPARE it checks (2f of them), and forwarding a received message is allowed.
    adversary.deliver({ type: 'Protocol', message: prepareMsg({ view: 1, seq: 1, digest: request }, 3) });
    adversary.allowed({ type: 'Protocol', message: viewChangeMsg(2, [{ view: 1, seq: 1, digest: request }], 0) });
    adversary.allowed({ type: 'Protocol', message: p });
    // Its own PREPARE for any digest, its own reply with any result.
    adversary.allowed({ type: 'Protocol', message: prepareMsg({ view: 1, seq: 7, digest: NULL_REQUEST }, 0) });
    adversary.allowed({ type: 'ClientReply', client: 0, seq: 1, result: { ok: false }, replica: '0' });
  });
});

// ---- the monitor against the explorer's invariants -----------------------------------------------

interface Verdicts {
  monitor?: { step: number; invariant: string };
  full?: { step: number; invariants: string[] };
  steps: number;
}

/** The correct replicas as the explorer's cluster: the requests clients issued, and msgs as what the replicas' logs say they sent. */
function clusterView(nodes: ReadonlyMap<NodeId, Replica>, requests: ReadonlySet<string>): PbftCluster {
  const replicas = [...nodes.values()].sort((a, b) => a.id - b.id);
  const sent: PbftMessage[] = [];
  for (const r of replicas) for (const { item } of r.log.entries) if (item.sender === r.id) sent.push(item);
  return { replicas, clients: { requests: [...requests].sort(), accepted: [] }, messages: KeyedSet.of(sent, messageKey) };
}

/** PBFT whose monitor also runs the explorer's full invariants after every step, and records when each first finds something broken. */
function doublyChecked(v: Verdicts): SystemProtocol {
  return {
    ...pbftSystem,
    create: (o: SystemOptions) => {
      const def = createPbftSystem(o);
      const cfg = pbftConfig(o.nodes, o.mutant);
      const invariants = pbftInvariants(NULL_REQUEST, cfg.k);
      // Every request that reached a replica, correct or not: the spec's `requests`.
      const requests = new Set<string>();
      return {
        ...def,
        policy: (id: NodeId) => {
          const p = def.policy(id);
          const take = p.onClientCommand.bind(p);
          p.onClientCommand = (ctx, command) => (requests.add(command), take(ctx, command));
          return p;
        },
        byzantine: {
          ids: def.byzantine!.ids,
          create: (id: NodeId, ctx: AdversaryContext<PbftMessage>) => {
            const a = def.byzantine!.create(id, ctx);
            return {
              tick: () => a.tick(),
              deliver: (wire: Wire<PbftMessage>) => {
                if (wire.type === 'ClientRequest') requests.add(wire.command);
                a.deliver(wire);
              },
            };
          },
        },
        monitor: () => {
          const monitor = def.monitor();
          return {
            observe(id: NodeId, nodes: ReadonlyMap<NodeId, Replica>, step: ReducerStep<Replica, unknown>) {
              v.steps++;
              if (v.full === undefined) {
                const c = clusterView(nodes, requests);
                const broken = invariants.filter((i) => !i.holds(c)).map((i) => i.name);
                if (broken.length > 0) v.full = { step: v.steps, invariants: broken };
              }
              const b = monitor.observe(id, nodes, step);
              if (b !== undefined && v.monitor === undefined) v.monitor = { step: v.steps, invariant: b.invariant };
              return b;
            },
          };
        },
      };
    },
  };
}

describe('the PBFT run monitor', () => {
  it('finds its new log entries by binary search, as a merge would', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat({ max: 200 })), fc.uniqueArray(fc.nat({ max: 200 })), (a, b) => {
        const before = KeyedSet.of(a.map(String), (x) => x);
        const after = before.addAll(b.map(String), (x) => x);
        const added = addedEntries(before.entries, after.entries)!.map((e) => e.key);
        expect(added).toEqual(after.entries.map((e) => e.key).filter((k) => !before.has(k)));
      }),
      { numRuns: 300, seed: 3 },
    );
  });

  it("agrees with the explorer's full invariants, step for step, on small random runs (correct and mutated reducers, every strategy)", () => {
    let broken = 0;
    let clean = 0;
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 100_000 }),
          mutant: fc.constantFrom(undefined, 'pbft-weak-prepare', 'pbft-weak-commit', 'pbft-newview-drops-prepared', 'pbft-accept-two-digests'),
          byzantine: fc.constantFrom('random', 'equivocating-primary', 'lying-view-change'),
          scenario: fc.constantFrom('byzantine-primary', 'random-faults'),
        }),
        ({ seed, mutant, byzantine, scenario }) => {
          const base = loadScenario(scenario);
          const small: Scenario = { ...base, byzantine, workload: { ...base.workload, clients: 3, ops: 24 } };
          const v: Verdicts = { steps: 0 };
          simulate({ protocol: doublyChecked(v), scenario: small, seed, mutant, skipLinearizability: true });
          expect(v.monitor?.step, `full check: ${JSON.stringify(v.full)}, monitor: ${JSON.stringify(v.monitor)}`).toBe(v.full?.step);
          if (v.monitor !== undefined) {
            expect(v.full!.invariants).toContain(v.monitor.invariant);
            broken++;
          } else clean++;
        },
      ),
      { numRuns: 40, seed: 17 },
    );
    // Both kinds of runs: the agreement is not only on runs where nothing breaks.
    expect(broken).toBeGreaterThan(5);
    expect(clean).toBeGreaterThan(5);
  });
});

// ---- the seeded bugs ------------------------------------------------------------------------------

describe('the seeded bugs in the simulator', () => {
  // The byzantine-primary scenario (its random liar equivocates, lies in view changes and to clients) and the first failing seed.
  const caught: readonly { readonly mutant: string; readonly failure: string; readonly budget: number }[] = [
    { mutant: 'pbft-weak-prepare', failure: 'invariant: PreparedUniqueness', budget: 3 },
    { mutant: 'pbft-accept-two-digests', failure: 'invariant: PreparedUniqueness', budget: 5 },
    { mutant: 'pbft-newview-drops-prepared', failure: 'invariant: Agreement', budget: 3 },
    { mutant: 'pbft-weak-commit', failure: 'invariant: Agreement', budget: 10 },
    { mutant: 'pbft-client-trusts-f-replies', failure: 'not-linearizable', budget: 3 },
  ];
  for (const { mutant, failure, budget } of caught) {
    it(`catches ${mutant} within ${budget} seeds of byzantine-primary`, () => {
      const scenario = loadScenario('byzantine-primary');
      let found: string | undefined;
      for (let seed = 1; seed <= budget && found === undefined; seed++) {
        const r = simulate({ protocol: pbftSystem, scenario, seed, mutant });
        if (!r.ok) found = `${r.failure!.kind}: ${r.failure!.detail}`;
      }
      expect(found).toMatch(new RegExp(`^${failure}`));
    });
  }
});
