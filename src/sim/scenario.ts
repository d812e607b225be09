// Scenarios: JSON files that say what a simulation runs (docs/scenarios.md): the cluster's size,
// the network, the clients and their workload, and a timeline of faults, some drawn from the
// seed. scenarios/*.json are the named ones.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError, UserError } from '../core/errors.ts';
import { repoRoot } from '../core/paths.ts';
import type { Timing } from '../host/system.ts';
import { DEFAULT_TIMING } from '../host/system.ts';

/** Message delay in virtual ms: uniform in [min, max], or min plus an exponential of mean `mean`. */
export interface DelayModel {
  readonly min: number;
  readonly max?: number;
  readonly mean?: number;
}

export interface NetworkModel {
  readonly delayMs: DelayModel;
  /** The probability that a message is lost, or delivered twice. */
  readonly loss: number;
  readonly duplicate: number;
}

/** Who a fault strikes: a server id, whoever leads at that moment, one drawn from the seed, or a number of followers. */
export type Target = string | { readonly followers: number };

export type Fault =
  | { readonly fault: 'isolate'; readonly target: Target }
  /** A clean split: a minority (with the target in it, if given) cannot reach the majority. */
  | { readonly fault: 'split'; readonly target?: Target }
  /** One-way: messages from `from` to `to` are lost; the other way works. */
  | { readonly fault: 'one-way'; readonly from: Target; readonly to: Target }
  | { readonly fault: 'heal' }
  /** A crash; with restartAfterMs, it restarts by itself that much later (a bounce). */
  | { readonly fault: 'crash'; readonly target: Target; readonly lose?: 'unsynced'; readonly restartAfterMs?: number }
  | { readonly fault: 'restart'; readonly target: Target | 'crashed' }
  | { readonly fault: 'pause'; readonly target: Target }
  | { readonly fault: 'resume'; readonly target: Target | 'paused' }
  | { readonly fault: 'network'; readonly network: Partial<NetworkModel> };

export type TimedFault = Fault & { readonly at: number };

export type OpName = 'get' | 'put' | 'delete' | 'append' | 'cas';

export interface Workload {
  readonly clients: number;
  /** Operations in all, shared among the clients. */
  readonly ops: number;
  /** The think time between a client's operations, uniform in [min, max] virtual ms. */
  readonly intervalMs: readonly [number, number];
  /** The mix of operations, as weights. */
  readonly mix: Readonly<Partial<Record<OpName, number>>>;
  readonly keys: number;
  /** A request unanswered this long is sent again, to another server. */
  readonly timeoutMs: number;
  /** While faults last, a client gives up on an operation this long unanswered: it is :info, and the client goes on. */
  readonly giveUpMs: number;
}

/** Faults drawn from the seed: one every [min, max] virtual ms, of these kinds, until `untilMs`. */
export interface RandomFaults {
  readonly everyMs: readonly [number, number];
  readonly untilMs: number;
  /** bounce: a crash and a restart 1 to 50 ms later, as when a process is killed and its supervisor starts it again. */
  readonly kinds: readonly ('isolate' | 'split' | 'one-way' | 'crash' | 'bounce' | 'pause' | 'heal' | 'restart' | 'resume')[];
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** The protocols the scenario is for (the gate runs it for these only); every protocol if absent. */
  readonly protocols?: readonly string[];
  readonly nodes?: number;
  readonly network: NetworkModel;
  readonly timing: Timing;
  readonly workload: Workload;
  readonly timeline: readonly TimedFault[];
  readonly randomFaults?: RandomFaults;
  /** PBFT: the Byzantine replica's strategy. */
  readonly byzantine?: string;
  /** Settings of each protocol's policy, by protocol (`{ "raft": { "leaderNoop": false } }`); a protocol reads its own. */
  readonly policy?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** The network heals, crashed nodes restart and paused ones resume at `at` (default: after the last fault); then every operation must complete and the replicas converge within `budgetMs`. */
  readonly heal: { readonly at?: number; readonly budgetMs: number };
}

export const DEFAULT_SCENARIO: Scenario = {
  name: 'default',
  description: 'a reliable network, no faults',
  network: { delayMs: { min: 1, max: 10 }, loss: 0, duplicate: 0 },
  timing: DEFAULT_TIMING,
  workload: { clients: 5, ops: 200, intervalMs: [0, 20], mix: { get: 3, put: 3, append: 2, cas: 1, delete: 1 }, keys: 5, timeoutMs: 200, giveUpMs: 1000 },
  timeline: [],
  heal: { budgetMs: 20_000 },
};

export function scenariosDir(): string {
  return join(repoRoot(), 'scenarios');
}

/** The named scenarios, or those for one protocol. */
export function namedScenarios(protocol?: string): string[] {
  const all = readdirSync(scenariosDir())
    .filter((f) => f.endsWith('.json'))
    .map((f) => basename(f, '.json'))
    .sort();
  if (protocol === undefined) return all;
  return all.filter((name) => loadScenario(name).protocols?.includes(protocol) ?? true);
}

/** A named scenario (scenarios/NAME.json) or a scenario file. */
export function loadScenario(nameOrFile: string | undefined): Scenario {
  if (nameOrFile === undefined) return DEFAULT_SCENARIO;
  const named = join(scenariosDir(), `${nameOrFile}.json`);
  const file = existsSync(named) ? named : nameOrFile;
  if (!existsSync(file)) {
    throw new UserError(`no scenario "${nameOrFile}": name one of ${namedScenarios().join(', ')}, or give a scenario file (docs/scenarios.md)`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(file, undefined, `not JSON: ${(e as Error).message}`);
  }
  return parseScenario(raw, file);
}

const FAULTS = ['isolate', 'split', 'one-way', 'heal', 'crash', 'restart', 'pause', 'resume', 'network'] as const;
const OPS: readonly OpName[] = ['get', 'put', 'delete', 'append', 'cas'];

/** A scenario from parsed JSON; anything wrong is one line naming the file and the field. */
export function parseScenario(raw: unknown, file: string): Scenario {
  const bad = (path: string, what: string): never => {
    throw new InputError(file, undefined, `${path}: ${what} (see docs/scenarios.md)`);
  };
  const obj = (v: unknown, path: string): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : bad(path, 'expected an object');
  const num = (v: unknown, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number =>
    typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max ? v : bad(path, `expected a number in [${min}, ${max}], not ${JSON.stringify(v)}`);
  const range = (v: unknown, path: string): [number, number] => {
    if (!Array.isArray(v) || v.length !== 2) return bad(path, 'expected [min, max]');
    const [a, b] = [num(v[0], `${path}[0]`), num(v[1], `${path}[1]`)];
    return a <= b ? [a, b] : bad(path, 'min is above max');
  };
  const target = (v: unknown, path: string): Target => {
    if (typeof v === 'string' && v.length > 0) return v;
    if (typeof v === 'number') return String(v);
    const o = obj(v, path);
    return { followers: num(o.followers, `${path}.followers`, 1, 100) };
  };

  const top = obj(raw, 'the scenario');
  const known = new Set(['name', 'description', 'protocols', 'nodes', 'network', 'timing', 'workload', 'timeline', 'randomFaults', 'byzantine', 'policy', 'heal']);
  for (const k of Object.keys(top)) if (!known.has(k)) bad(k, `unknown field; the fields are ${[...known].join(', ')}`);

  const net = top.network === undefined ? {} : obj(top.network, 'network');
  const network = parseNetwork(net, 'network', DEFAULT_SCENARIO.network, bad, num, obj);

  const t = top.timing === undefined ? {} : obj(top.timing, 'timing');
  const timing: Timing = {
    electionTimeoutMs: t.electionTimeoutMs === undefined ? DEFAULT_TIMING.electionTimeoutMs : range(t.electionTimeoutMs, 'timing.electionTimeoutMs'),
    heartbeatMs: t.heartbeatMs === undefined ? DEFAULT_TIMING.heartbeatMs : num(t.heartbeatMs, 'timing.heartbeatMs', 1),
  };

  const w = top.workload === undefined ? {} : obj(top.workload, 'workload');
  const d = DEFAULT_SCENARIO.workload;
  let mix = d.mix;
  if (w.mix !== undefined) {
    const m = obj(w.mix, 'workload.mix');
    for (const k of Object.keys(m)) if (!OPS.includes(k as OpName)) bad(`workload.mix.${k}`, `unknown operation; the operations are ${OPS.join(', ')}`);
    mix = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, num(v, `workload.mix.${k}`)]));
    if (Object.values(mix).every((x) => x === 0)) bad('workload.mix', 'every weight is 0');
  }
  const workload: Workload = {
    clients: w.clients === undefined ? d.clients : num(w.clients, 'workload.clients', 1, 1000),
    ops: w.ops === undefined ? d.ops : num(w.ops, 'workload.ops', 0),
    intervalMs: w.intervalMs === undefined ? d.intervalMs : range(w.intervalMs, 'workload.intervalMs'),
    mix,
    keys: w.keys === undefined ? d.keys : num(w.keys, 'workload.keys', 1),
    timeoutMs: w.timeoutMs === undefined ? d.timeoutMs : num(w.timeoutMs, 'workload.timeoutMs', 1),
    giveUpMs: w.giveUpMs === undefined ? d.giveUpMs : num(w.giveUpMs, 'workload.giveUpMs', 1),
  };

  const timeline: TimedFault[] = [];
  if (top.timeline !== undefined) {
    if (!Array.isArray(top.timeline)) bad('timeline', 'expected a list of faults');
    (top.timeline as unknown[]).forEach((v, k) => timeline.push(parseFault(obj(v, `timeline[${k}]`), `timeline[${k}]`)));
  }
  function parseFault(f: Record<string, unknown>, path: string): TimedFault {
    const at = num(f.at, `${path}.at`);
    const kind = f.fault;
    if (typeof kind !== 'string' || !FAULTS.includes(kind as (typeof FAULTS)[number])) bad(`${path}.fault`, `expected one of ${FAULTS.join(', ')}`);
    switch (kind as (typeof FAULTS)[number]) {
      case 'isolate':
      case 'pause':
        return { at, fault: kind as 'isolate', target: target(f.target, `${path}.target`) };
      case 'crash':
        return {
          at,
          fault: 'crash',
          target: target(f.target, `${path}.target`),
          ...(f.lose === 'unsynced' && { lose: 'unsynced' as const }),
          ...(f.restartAfterMs !== undefined && { restartAfterMs: num(f.restartAfterMs, `${path}.restartAfterMs`) }),
        };
      case 'split':
        return { at, fault: 'split', ...(f.target !== undefined && { target: target(f.target, `${path}.target`) }) };
      case 'one-way':
        return { at, fault: 'one-way', from: target(f.from, `${path}.from`), to: target(f.to, `${path}.to`) };
      case 'restart':
        return { at, fault: 'restart', target: f.target === undefined ? 'crashed' : target(f.target, `${path}.target`) };
      case 'resume':
        return { at, fault: 'resume', target: f.target === undefined ? 'paused' : target(f.target, `${path}.target`) };
      case 'heal':
        return { at, fault: 'heal' };
      case 'network':
        return { at, fault: 'network', network: parseNetwork(obj(f.network, `${path}.network`), `${path}.network`, undefined, bad, num, obj) };
    }
  }
  timeline.sort((a, b) => a.at - b.at);

  let randomFaults: RandomFaults | undefined;
  if (top.randomFaults !== undefined) {
    const r = obj(top.randomFaults, 'randomFaults');
    const kinds = r.kinds;
    const allowed = ['isolate', 'split', 'one-way', 'crash', 'bounce', 'pause', 'heal', 'restart', 'resume'];
    if (!Array.isArray(kinds) || kinds.length === 0 || !kinds.every((k) => allowed.includes(k))) bad('randomFaults.kinds', `expected a list of ${allowed.join(', ')}`);
    randomFaults = { everyMs: range(r.everyMs, 'randomFaults.everyMs'), untilMs: num(r.untilMs, 'randomFaults.untilMs'), kinds: kinds as RandomFaults['kinds'] };
  }

  const h = top.heal === undefined ? {} : obj(top.heal, 'heal');
  const heal = { ...(h.at !== undefined && { at: num(h.at, 'heal.at') }), budgetMs: h.budgetMs === undefined ? DEFAULT_SCENARIO.heal.budgetMs : num(h.budgetMs, 'heal.budgetMs', 1) };

  return {
    name: typeof top.name === 'string' ? top.name : basename(file, '.json'),
    description: typeof top.description === 'string' ? top.description : '',
    ...(top.protocols !== undefined && {
      protocols: Array.isArray(top.protocols) && top.protocols.every((x) => typeof x === 'string') ? (top.protocols as string[]) : bad('protocols', 'expected a list of protocol names'),
    }),
    ...(top.nodes !== undefined && { nodes: num(top.nodes, 'nodes', 1, 64) }),
    network,
    timing,
    workload,
    timeline,
    ...(randomFaults !== undefined && { randomFaults }),
    ...(typeof top.byzantine === 'string' && { byzantine: top.byzantine }),
    ...(top.policy !== undefined && {
      policy: Object.fromEntries(Object.entries(obj(top.policy, 'policy')).map(([name, v]) => [name, obj(v, `policy.${name}`)])),
    }),
    heal,
  };
}

function parseNetwork<D extends NetworkModel | undefined>(
  net: Record<string, unknown>,
  path: string,
  defaults: D,
  bad: (path: string, what: string) => never,
  num: (v: unknown, path: string, min?: number, max?: number) => number,
  obj: (v: unknown, path: string) => Record<string, unknown>,
): D extends NetworkModel ? NetworkModel : Partial<NetworkModel> {
  const out: Record<string, unknown> = { ...(defaults ?? {}) };
  for (const k of Object.keys(net)) if (!['delayMs', 'loss', 'duplicate'].includes(k)) bad(`${path}.${k}`, 'unknown field; the fields are delayMs, loss, duplicate');
  if (net.delayMs !== undefined) {
    const dm = obj(net.delayMs, `${path}.delayMs`);
    const min = num(dm.min ?? 0, `${path}.delayMs.min`);
    const delay: DelayModel = {
      min,
      ...(dm.max !== undefined && { max: num(dm.max, `${path}.delayMs.max`, min) }),
      ...(dm.mean !== undefined && { mean: num(dm.mean, `${path}.delayMs.mean`) }),
    };
    if (delay.max === undefined && delay.mean === undefined) bad(`${path}.delayMs`, 'give max (uniform) or mean (exponential)');
    out.delayMs = delay;
  }
  if (net.loss !== undefined) out.loss = num(net.loss, `${path}.loss`, 0, 1);
  if (net.duplicate !== undefined) out.duplicate = num(net.duplicate, `${path}.duplicate`, 0, 1);
  return out as never;
}
