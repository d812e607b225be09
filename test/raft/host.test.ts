// Raft as a system: the simulator's runs are ok on every named scenario, repeat from their seed,
// check the invariants incrementally as the explorer's full invariants would, and catch the
// seeded bugs.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bag } from '../../src/core/bag.ts';
import { DEFAULT_TIMING } from '../../src/host/system.ts';
import { MAX_ENTRIES, NOOP, createRaftSystem, raftSystem } from '../../src/raft/host.ts';
import { RAFT_INVARIANTS } from '../../src/raft/invariants.ts';
import { RAFT_MUTANTS } from '../../src/raft/mutants.ts';
import type { RaftNode } from '../../src/raft/types.ts';
import { DEFAULT_SCENARIO, loadScenario, namedScenarios } from '../../src/sim/scenario.ts';
import { simulate } from '../../src/sim/simulator.ts';
import { answerTimes } from '../support/latency.ts';

describe('Raft in the simulator', () => {
  it.each(namedScenarios('raft'))('runs %s: linearizable, invariants hold, progress after healing', (name) => {
    const scenario = loadScenario(name);
    for (const seed of [1, 2, 3]) {
      const r = simulate({ protocol: raftSystem, scenario, seed });
      expect(r.failure, `seed ${seed}`).toBeUndefined();
      expect(r).toMatchObject({ ok: true, linearizable: true, invariants: 'hold' });
      expect(r.ops.ok + r.ops.fail + r.ops.info).toBe(scenario.workload.ops);
      expect(r.leaders.length).toBeGreaterThan(0);
    }
  });

  it('a seed is a run: the same digest twice, another seed another run', () => {
    const scenario = loadScenario('random-faults');
    const a = simulate({ protocol: raftSystem, scenario, seed: 11 });
    const b = simulate({ protocol: raftSystem, scenario, seed: 11 });
    const c = simulate({ protocol: raftSystem, scenario, seed: 12 });
    expect(b.digest).toBe(a.digest);
    expect(b.events).toBe(a.events);
    expect(c.digest).not.toBe(a.digest);
  });

  it('terms and logs grow far past the models’ bounds', () => {
    const r = simulate({ protocol: raftSystem, scenario: loadScenario('partitions'), seed: 4, ops: 600, clients: 10 });
    expect(r.ok).toBe(true);
    expect(Math.max(...r.leaders.map((l) => l.term))).toBeGreaterThanOrEqual(10);
    expect(r.commitsPerSecond.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(600);
  });

  it('progress after the heal is every operation answered within the budget, however long the workload', () => {
    const partitions = loadScenario('partitions');
    const short = { ...partitions, heal: { ...partitions.heal, budgetMs: 2_000 } };
    const long = simulate({ protocol: raftSystem, scenario: short, seed: 3, ops: 600 });
    expect(long.failure).toBeUndefined();
    expect(long.virtualMs).toBeGreaterThan(long.healedAt + 2 * short.heal.budgetMs);
    // Election timeouts below the round trip: Raft rightly makes no progress, and the run says so
    // once an operation has waited the budget since the heal, not later.
    const stuck = simulate({ protocol: raftSystem, scenario: { ...loadScenario('contention'), heal: { at: 1_500, budgetMs: 3_000 } }, seed: 1 });
    expect(stuck.failure?.kind).toBe('no-progress');
    expect(stuck.virtualMs).toBeGreaterThan(stuck.healedAt + 3_000);
    expect(stuck.virtualMs).toBeLessThanOrEqual(stuck.healedAt + 3_000 + 2 * DEFAULT_TIMING.heartbeatMs + 100);
  });

  it('a crash during a sync loses that step whole: nothing of it is logged or sent', () => {
    const r = simulate({ protocol: raftSystem, scenario: loadScenario('leader-crashes'), seed: 2, keepLog: true });
    expect(r.ok).toBe(true);
    // Every Restart follows the node's last logged step, and the log's line numbers have no gaps.
    expect(r.log?.map((e) => e.n)).toEqual(r.log?.map((_, k) => k + 1));
    expect(r.log?.some((e) => e.action === 'Restart')).toBe(true);
  });

  it('the incremental invariants catch whatever the explorer’s full invariants catch, step for step', () => {
    const scenario = { ...loadScenario('random-faults'), workload: { ...loadScenario('random-faults').workload, ops: 25, clients: 3 } };
    const mutants = [undefined, ...RAFT_MUTANTS.map((m) => m.name)];
    let fullBroken = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.constantFrom(...mutants), fc.constantFrom(3, 5), (seed, mutant, nodes) => {
        let broken: string | undefined;
        const r = simulate({
          protocol: raftSystem,
          scenario,
          seed,
          nodes,
          mutant,
          skipLinearizability: true,
          afterStep: (_, view) => {
            if (broken !== undefined) return;
            const cluster = { nodes: [...view.values()] as RaftNode[], messages: Bag.empty<never>() };
            broken = RAFT_INVARIANTS.find((inv) => !inv.holds(cluster))?.name;
          },
        });
        if (mutant === undefined) expect(broken).toBeUndefined();
        if (broken !== undefined) fullBroken++;
        if (broken !== undefined) expect(r.failure?.kind, `full ${broken}, seed ${seed}, ${mutant}`).toBe('invariant');
        if (mutant === undefined) expect(r.failure).toBeUndefined();
      }),
      { numRuns: 40 },
    );
    // The property was put to the test: some mutated runs broke the full invariants.
    expect(fullBroken).toBeGreaterThan(0);
  });
});

// The policy (src/raft/host.ts) is what Raft's paper asks beyond the spec; these runs measure it
// where the paper says what must happen: a reliable network, no faults (DEFAULT_SCENARIO: delays
// of 1 to 10 ms, election timeouts of 150 to 300 ms, heartbeats every 50 ms).
describe("Raft's policy, where the paper says what it does", () => {
  const steady = (seed: number, nodes: number) => simulate({ protocol: raftSystem, scenario: DEFAULT_SCENARIO, seed, nodes, keepLog: true });

  it.each([3, 5])('with no faults on %i servers, one election: heartbeats keep every follower from timing out (5.2)', (nodes) => {
    for (const seed of [1, 2, 3]) {
      const r = steady(seed, nodes);
      expect(r.ok, `seed ${seed}`).toBe(true);
      expect(r.leaders, `seed ${seed}`).toHaveLength(1);
      expect(r.log!.filter((e) => e.action === 'Timeout'), `seed ${seed}`).toHaveLength(1);
    }
  });

  it.each([3, 5])('on %i servers, a new leader appends its no-op and sends every other server an AppendEntries in the step it is elected (figure 2, 8)', (nodes) => {
    const r = steady(1, nodes);
    const k = r.log!.findIndex((e) => e.action === 'BecomeLeader');
    const leader = r.log![k].node;
    const next = r.log!.slice(k + 1, k + 1 + nodes);
    expect(next[0]).toMatchObject({ node: leader, action: 'ClientRequest', params: { v: NOOP }, t: r.log![k].t });
    const others = Array.from({ length: nodes }, (_, x) => `s${x + 1}`).filter((j) => j !== leader);
    expect(next.slice(1).map((e) => [e.action, e.params.j, e.t])).toEqual(others.map((j) => ['AppendEntries', j, r.log![k].t]));
  });

  it('puts each command in the log once, a retry included: the clients\' operations and the no-op are the ClientRequests', () => {
    for (const seed of [1, 2, 3]) {
      const r = steady(seed, 5);
      expect(r.log!.filter((e) => e.action === 'ClientRequest')).toHaveLength(DEFAULT_SCENARIO.workload.ops + 1);
    }
  });

  it('answers every operation invoked once the leader serves within two round trips to it and one to a majority', () => {
    // A client's first request may go to a follower, which names the leader: 2 delays; the
    // leader's AppendEntries may wait for the answer to the one on its way: 2 more; then one to
    // a majority and back and the answer: 4. Eight delays of at most 10 ms.
    for (const seed of [1, 2, 3]) {
      const r = steady(seed, 5);
      const slowest = Math.max(...answerTimes(r.history!, r.leaders[0].at));
      expect(slowest, `seed ${seed}`).toBeGreaterThan(0);
      expect(slowest, `seed ${seed}`).toBeLessThanOrEqual(80);
    }
  });

  it('sends a new entry at once: operations answered in 30 ms on average (five mean delays of 5.5 ms and a little), and at most one AppendEntries per follower for each entry or heartbeat', () => {
    // An entry that waited for the next heartbeat (50 ms) would wait 25 ms more on average; the
    // request, an AppendEntries on its way, a majority's round trip and the answer are five delays.
    for (const seed of [1, 2, 3]) {
      const r = steady(seed, 5);
      const latencies = answerTimes(r.history!, r.leaders[0].at);
      const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
      expect(latencies.length, `seed ${seed}`).toBeGreaterThan(DEFAULT_SCENARIO.workload.ops / 2);
      expect(mean, `seed ${seed}`).toBeLessThanOrEqual(30);
      const entries = r.log!.filter((e) => e.action === 'ClientRequest').length;
      const heartbeats = Math.ceil(r.virtualMs / DEFAULT_TIMING.heartbeatMs);
      expect(r.log!.filter((e) => e.action === 'AppendEntries').length, `seed ${seed}`).toBeLessThanOrEqual(4 * (entries + heartbeats));
    }
  });

  it('sends a client that asks a follower to the leader: its first operation, after the election, answered within eight delays', () => {
    // Five clients that begin after the leader serves, each at its own server: four of them at a follower.
    const late = { ...DEFAULT_SCENARIO, workload: { ...DEFAULT_SCENARIO.workload, clients: 5, ops: 10, intervalMs: [400, 500] as [number, number] } };
    for (const seed of [1, 2, 3]) {
      const r = simulate({ protocol: raftSystem, scenario: late, seed, nodes: 5, keepLog: true });
      expect(r.ok, `seed ${seed}`).toBe(true);
      const times = answerTimes(r.history!, r.leaders[0].at);
      expect(times, `seed ${seed}: every operation invoked after the election`).toHaveLength(late.workload.ops);
      expect(Math.max(...times), `seed ${seed}`).toBeLessThanOrEqual(80);
    }
  });

  it('sends a follower one AppendEntries at a time on a network that loses nothing: the next goes with its answer (etcd-raft probe)', () => {
    for (const seed of [1, 2, 3]) {
      const r = steady(seed, 5);
      const onTheirWay = new Map<string, number>();
      for (const e of r.log!) {
        const link = `${e.params.i} ${e.params.j}`;
        if (e.action === 'AppendEntries') onTheirWay.set(link, (onTheirWay.get(link) ?? 0) + 1);
        if (e.action === 'HandleAppendEntriesResponse') onTheirWay.set(link, (onTheirWay.get(link) ?? 0) - 1);
        expect(onTheirWay.get(link) ?? 0, `seed ${seed} line ${e.n}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it("elects a new leader within two election timeouts of the leader's crash (one timeout, or two after a split vote)", () => {
    const scenario = loadScenario('leader-crashes');
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = simulate({ protocol: raftSystem, scenario, seed });
      // The first two crashes take the leader alone (the third takes a follower too).
      for (const crash of r.schedule.filter((f) => f.fault === 'crash').slice(0, 2)) {
        const next = r.leaders.find((l) => l.at > crash.at);
        expect(next!.at - crash.at, `seed ${seed}, crash at ${crash.at}`).toBeLessThanOrEqual(2 * scenario.timing.electionTimeoutMs[1]);
      }
    }
  });

  it('logs, on every line, the six variables ValidateRaft.tla compares, and the run\'s constants on the Init line', () => {
    const r = steady(1, 3);
    expect(r.log![0]).toMatchObject({ action: 'Init', constants: { Server: ['s1', 's2', 's3'], MaxEntries: MAX_ENTRIES } });
    const leader = r.leaders[0].server;
    for (const e of r.log!.slice(1)) expect(Object.keys(e.state!).sort(), `line ${e.n}`).toEqual(['commitIndex', 'currentTerm', 'lastLogTerm', 'logLength', 'role', 'votedFor']);
    const last = r.log!.findLast((e) => e.node === leader)!;
    expect(last.state).toMatchObject({ role: 'Leader', currentTerm: 1, votedFor: leader, lastLogTerm: 1 });
  });

  it("takes a scenario's settings, and refuses any other in one line that names Raft's", () => {
    const def = createRaftSystem({ nodes: 3, timing: DEFAULT_TIMING, policy: { leaderNoop: false, maxEntries: 1 } });
    expect(def.constants).toEqual({ Server: ['s1', 's2', 's3'], MaxEntries: 1 });
    expect(createRaftSystem({ nodes: 3, timing: DEFAULT_TIMING }).constants).toEqual({ Server: ['s1', 's2', 's3'], MaxEntries: MAX_ENTRIES });
    const noNoop = simulate({ protocol: raftSystem, scenario: { ...DEFAULT_SCENARIO, policy: { raft: { leaderNoop: false } } }, seed: 1, keepLog: true });
    expect(noNoop.log!.filter((e) => e.action === 'ClientRequest' && e.params.v === NOOP)).toEqual([]);
    const refused = "is not a Raft setting: Raft's are leaderNoop (true or false) and maxEntries (a whole number above 0)";
    for (const [policy, shown] of [
      [{ leaderNoop: 'yes' }, 'policy.raft.leaderNoop = "yes"'],
      [{ maxEntries: 0 }, 'policy.raft.maxEntries = 0'],
      [{ maxEntries: true }, 'policy.raft.maxEntries = true'],
      [{ maxEntries: 1.5 }, 'policy.raft.maxEntries = 1.5'],
      [{ maxEntires: 2 }, 'policy.raft.maxEntires = 2'],
    ] as const) {
      expect(() => createRaftSystem({ nodes: 3, timing: DEFAULT_TIMING, policy })).toThrow(`the scenario's ${shown} ${refused}`);
    }
  });

  it('says which server leads, and in which term, only of a leader', () => {
    const def = createRaftSystem({ nodes: 3, timing: DEFAULT_TIMING });
    const node = def.initialNode('s1');
    expect(def.leading(node)).toBeUndefined();
    expect(def.leading({ ...node, role: 'Leader', currentTerm: 4 })).toBe(4);
    expect(def.leading({ ...node, role: 'Candidate', currentTerm: 4 })).toBeUndefined();
  });
});
