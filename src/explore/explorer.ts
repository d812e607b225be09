// A breadth-first explorer for any cluster model, the TypeScript counterpart of TLC's model
// checker: it visits every reachable state once (by the model's canonical key), checks the
// invariants on each new state, and on a violation gives the shortest trace to it.
//
// It counts as TLC counts, so the two can be compared number for number: distinct states,
// states generated (every successor computed, initial states included), and depth (the number
// of states on the longest shortest path from an initial state).

import type { ClusterModel, Step } from './model.ts';

export interface ExploreProgress {
  readonly distinctStates: number;
  readonly statesGenerated: number;
  readonly queue: number;
  readonly depth: number;
  readonly seconds: number;
  readonly statesPerSecond: number;
}

export interface ExploreOptions {
  /** Check the model's invariants on every new state, and its action properties on every step (default true). */
  readonly checkInvariants?: boolean;
  /** Stop with outcome 'limit' beyond this many distinct states. */
  readonly maxStates?: number;
  readonly onProgress?: (progress: ExploreProgress) => void;
  /** How often onProgress is called (default every 2 s). */
  readonly progressIntervalMs?: number;
}

export interface TraceStep<S, A> {
  /** undefined for the initial state. */
  readonly action: A | undefined;
  readonly state: S;
}

export interface ExploreResult<S, A> {
  readonly outcome: 'ok' | 'invariant' | 'property' | 'limit';
  /** The invariant or action property violated. */
  readonly violated?: string;
  /** The shortest behaviour that ends in the violation (for an action property, a shortest one to the step that breaks it). */
  readonly counterexample?: readonly TraceStep<S, A>[];
  readonly distinctStates: number;
  readonly statesGenerated: number;
  /** Distinct (state, action name, state) triples, as TLC's dot dump has them. */
  readonly edges: number;
  readonly depth: number;
  readonly seconds: number;
  readonly statesPerSecond: number;
}

export function explore<S, A>(model: ClusterModel<S, A>, options: ExploreOptions = {}): ExploreResult<S, A> {
  const checkInvariants = options.checkInvariants ?? true;
  const maxStates = options.maxStates ?? Infinity;
  const progressIntervalMs = options.progressIntervalMs ?? 2000;
  const started = performance.now();

  const ids = new Map<string, number>();
  const keys: string[] = [];
  const parents: number[] = [];
  const queue: (S | undefined)[] = [];
  let statesGenerated = 0;
  let edgeCount = 0;
  let depth = 0;
  let violation: { name: string; id: number } | undefined;
  let brokenStep: { name: string; from: number; step: Step<S, A> } | undefined;
  const actionProperties = checkInvariants ? (model.actionProperties ?? []) : [];

  const elapsed = () => (performance.now() - started) / 1000;
  const result = (outcome: ExploreResult<S, A>['outcome']): ExploreResult<S, A> => {
    const seconds = elapsed();
    const counterexample =
      violation !== undefined
        ? traceTo(model, violation.id, keys, parents)
        : brokenStep !== undefined
          ? [...traceTo(model, brokenStep.from, keys, parents), { action: brokenStep.step.action, state: brokenStep.step.next }]
          : undefined;
    return {
      outcome,
      violated: violation?.name ?? brokenStep?.name,
      counterexample,
      distinctStates: keys.length,
      statesGenerated,
      edges: edgeCount,
      depth,
      seconds,
      statesPerSecond: keys.length / Math.max(seconds, 1e-9),
    };
  };

  /** Record a state seen for the first time; false if it violates an invariant. */
  const discover = (state: S, key: string, parent: number): number => {
    const id = keys.length;
    ids.set(key, id);
    keys.push(key);
    parents.push(parent);
    queue.push(state);
    if (checkInvariants && violation === undefined) {
      const broken = model.invariants.find((inv) => !inv.holds(state));
      if (broken !== undefined) violation = { name: broken.name, id };
    }
    return id;
  };

  for (const state of model.initialStates) {
    statesGenerated++;
    const key = model.key(state);
    if (!ids.has(key)) discover(state, key, -1);
  }
  if (violation !== undefined) return result('invariant');
  depth = keys.length > 0 ? 1 : 0;

  let levelEnd = keys.length;
  let nextProgress = performance.now() + progressIntervalMs;
  for (let head = 0; head < queue.length; head++) {
    if (head === levelEnd) {
      depth++;
      levelEnd = keys.length;
    }
    const state = queue[head] as S;
    queue[head] = undefined; // the queue is the explorer's largest consumer of memory
    const seen = new Set<string>();
    for (const step of model.successors(state) as Step<S, A>[]) {
      const { action, next } = step;
      statesGenerated++;
      for (const property of actionProperties) {
        if (!property.holds(state, next)) {
          brokenStep = { name: property.name, from: head, step };
          depth = Math.max(depth, levelOf(head, parents) + 1);
          return result('property');
        }
      }
      const key = model.key(next);
      let to = ids.get(key);
      if (to === undefined) {
        to = discover(next, key, head);
        if (violation !== undefined) {
          depth = Math.max(depth, levelOf(to, parents));
          return result('invariant');
        }
      }
      const edge = `${model.actionName(action)} ${to}`;
      if (!seen.has(edge)) {
        seen.add(edge);
        edgeCount++;
      }
    }
    if (keys.length > maxStates) return result('limit');
    if (options.onProgress !== undefined && performance.now() >= nextProgress) {
      nextProgress = performance.now() + progressIntervalMs;
      const seconds = elapsed();
      options.onProgress({
        distinctStates: keys.length,
        statesGenerated,
        queue: queue.length - head - 1,
        depth,
        seconds,
        statesPerSecond: keys.length / seconds,
      });
    }
  }
  return result('ok');
}

function levelOf(id: number, parents: readonly number[]): number {
  let level = 1;
  for (let at = parents[id]; at >= 0; at = parents[at]) level++;
  return level;
}

/**
 * The path from an initial state to state `id`, rebuilt by replaying it: the explorer keeps
 * only keys and parents, not states, so it finds at each step the successor with the next key.
 */
function traceTo<S, A>(model: ClusterModel<S, A>, id: number, keys: readonly string[], parents: readonly number[]): TraceStep<S, A>[] {
  const path: number[] = [];
  for (let at = id; at >= 0; at = parents[at]) path.unshift(at);
  const start = model.initialStates.find((s) => model.key(s) === keys[path[0]]) as S;
  const trace: TraceStep<S, A>[] = [{ action: undefined, state: start }];
  for (const at of path.slice(1)) {
    const step = model.successors(trace[trace.length - 1].state).find((s) => model.key(s.next) === keys[at]);
    if (step === undefined) throw new Error('the model is not deterministic: a state could not be reached again');
    trace.push({ action: step.action, state: step.next });
  }
  return trace;
}
