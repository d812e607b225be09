// The linearizability checker: is there one order of the operations, each taking effect at an
// instant between its invocation and its completion, that the sequential model accepts?
//
// Linearizability is compositional (Herlihy & Wing's locality, Porcupine's P-compositionality):
// a history of independent keys is linearizable exactly when each key's is, so each key is
// searched on its own. A failing key is shrunk to a few operations that cannot be linearized,
// and reported with the longest linearization the search reached.

import { InputError, UserError } from '../core/errors.ts';
import { canonical, pairOperations, showValue } from './history.ts';
import type { HistoryEvent, PairedOp } from './history.ts';
import { SearchTooLarge, compile, prune } from './models.ts';
import type { Kind, ModelOp } from './models.ts';
import { search } from './search.ts';

export type ModelName = 'register' | 'kv';
export const MODEL_NAMES: readonly ModelName[] = ['register', 'kv'];

export interface Operation {
  /** the invocation's place among all invocations, from 0 */
  readonly id: number;
  readonly process: number | string;
  readonly f: string;
  /** '' for a history without keys */
  readonly key: string;
  /** what was asked: a write's value, a cas's [from to]; null for reads */
  readonly input: unknown;
  /** what came back: a read's value, true for a cas that swapped; null otherwise, and for info */
  readonly output: unknown;
  /** positions of invocation and completion among the events: the real-time order */
  readonly call: number;
  /** Infinity for info */
  readonly ret: number;
  readonly status: 'ok' | 'info';
  readonly invokeLine?: number;
  readonly completeLine?: number;
}

export interface KeyResult {
  readonly key: string;
  readonly ok: boolean;
  readonly operations: number;
  /** on failure: operations that cannot be linearized, in invocation order; without any one of them (letting it take effect at any time after its invocation, or never) the rest can be */
  readonly minimal?: Operation[];
  /** on failure: false if the shrinking ran out of time before the set was that small */
  readonly minimalComplete?: boolean;
  /** on failure: the longest linearization the search found, in linearization order */
  readonly longestPrefix?: Operation[];
  /** the search gave up at the timeout, or when it outgrew its room: no verdict */
  readonly timedOut?: boolean;
  /** the search gave up having met this many distinct values of the key (the most it keeps) */
  readonly outgrew?: number;
}

export interface LinResult {
  readonly ok: boolean;
  readonly operations: number;
  readonly keys: KeyResult[];
  /** the first key (in order of first invocation) that is not linearizable */
  readonly failing?: KeyResult;
  /** some key was not decided before the timeout */
  readonly timedOut?: boolean;
  /** the first key whose search outgrew its room (KeyResult.outgrew): no verdict for it */
  readonly outgrew?: KeyResult;
  readonly stats: { readonly statesExplored: number; readonly ms?: never };
}

export interface CheckOptions {
  /** give up (timedOut, no verdict) after this long; default: never */
  readonly timeoutMs?: number;
  /** time for shrinking the failing keys, all told; default 2000 */
  readonly shrinkMs?: number;
  /** the history's file, for error messages */
  readonly file?: string;
  /** the most distinct values of one key the search keeps before it gives up (default MAX_VALUES) */
  readonly maxValues?: number;
  /** the search's lookahead (CompileOptions.lookahead; default on): off only to measure what it saves */
  readonly lookahead?: boolean;
}

const KINDS: Record<ModelName, Record<string, Kind>> = {
  register: { read: 'read', write: 'write', cas: 'cas' },
  kv: { get: 'read', read: 'read', put: 'write', write: 'write', delete: 'delete', append: 'append', cas: 'cas' },
};

const KNOWN: Record<ModelName, string> = {
  register: 'the register model knows read, write and cas (get, put, delete and append are for --model kv)',
  kv: 'the kv model knows get (or read), put (or write), delete, append and cas',
};

export function checkHistory(events: readonly HistoryEvent[], model: ModelName, options: CheckOptions = {}): LinResult {
  const { ops, modelOps } = operations(pairOperations(events, options.file), requireModel(model), options.file);

  // Keys in order of their first invocation.
  const byKey = new Map<string, number[]>();
  ops.forEach((o, i) => {
    const list = byKey.get(o.key);
    if (list === undefined) byKey.set(o.key, [i]);
    else list.push(i);
  });

  const deadline = options.timeoutMs !== undefined ? performance.now() + options.timeoutMs : Infinity;
  const keys: KeyResult[] = [];
  let statesExplored = 0;
  let shrinkEnd = Infinity; // set when the first key fails
  for (const [key, indices] of byKey) {
    const keyOps = indices.map((i) => ops[i]);
    const keyModel = indices.map((i) => modelOps[i]);
    const kept = prune(model, keyModel);
    const started = performance.now();
    let outcome: ReturnType<typeof search>;
    try {
      outcome = search(compile(model, kept.map((i) => keyModel[i]), { maxValues: options.maxValues, lookahead: options.lookahead }), deadline);
    } catch (e) {
      if (!(e instanceof SearchTooLarge)) throw e;
      keys.push({ key, ok: false, operations: keyOps.length, timedOut: true, outgrew: e.values });
      continue;
    }
    const searchMs = performance.now() - started;
    statesExplored += outcome.states;
    if (outcome.verdict === 'ok') keys.push({ key, ok: true, operations: keyOps.length });
    else if (outcome.verdict === 'timeout') keys.push({ key, ok: false, operations: keyOps.length, timedOut: true });
    else {
      if (shrinkEnd === Infinity) shrinkEnd = performance.now() + (options.shrinkMs ?? 2000);
      // The budget is shared: the first failing key, the one reported, gets what it needs.
      const budget = Math.max(0, shrinkEnd - performance.now());
      const { minimal, complete } = shrink(model, keyOps, keyModel, budget, searchMs);
      const slower = longestLinearization(model, kept.map((i) => keyModel[i]), shrinkEnd, searchMs);
      const longest = slower.length > outcome.longest.length ? slower : outcome.longest;
      keys.push({
        key,
        ok: false,
        operations: keyOps.length,
        minimal,
        minimalComplete: complete,
        longestPrefix: longest.map((j) => keyOps[kept[j]]),
      });
    }
  }
  const failing = keys.find((k) => !k.ok && !k.timedOut);
  const timedOut = keys.some((k) => k.timedOut === true);
  const outgrew = keys.find((k) => k.outgrew !== undefined);
  return {
    ok: keys.every((k) => k.ok),
    operations: ops.length,
    keys,
    ...(failing !== undefined ? { failing } : {}),
    ...(timedOut ? { timedOut } : {}),
    ...(outgrew !== undefined ? { outgrew } : {}),
    stats: { statesExplored },
  };
}

function requireModel(model: string): ModelName {
  if (!MODEL_NAMES.includes(model as ModelName)) throw new UserError(`no model "${model}": choose one of ${MODEL_NAMES.join(', ')}`);
  return model as ModelName;
}

/** The operations a history's events make, as the model checks them (failed ones and info reads left out). */
export function historyOperations(events: readonly HistoryEvent[], model: ModelName, file?: string): Operation[] {
  return operations(pairOperations(events, file), requireModel(model), file).ops;
}

/** The operations the model checks: failed ones did not happen, and an info read constrains nothing. */
function operations(paired: readonly PairedOp[], model: ModelName, file: string | undefined): { ops: Operation[]; modelOps: ModelOp[] } {
  const ops: Operation[] = [];
  const modelOps: ModelOp[] = [];
  for (const p of paired) {
    const bad = (detail: string): never => {
      throw new InputError(file ?? 'history', p.invokeLine, p.invokeLine === undefined ? `operation ${p.id + 1}: ${detail}` : detail);
    };
    const kind = KINDS[model][p.f];
    if (kind === undefined) bad(`f is ${JSON.stringify(p.f)}: ${KNOWN[model]}`);
    if (p.status === 'fail') continue;
    if (p.status === 'info' && kind === 'read') continue;
    const info = p.status === 'info';
    // One value as the model compares it: register values exactly (1 is not "1"), kv values as strings.
    const val = (v: unknown, what: string): string => {
      if (model === 'register') return canonical(v);
      if (typeof v === 'string') return v;
      if (typeof v === 'number') return String(v);
      if (v === null && what !== 'value') return '';
      return bad(`${what} is ${showValue(v)}: the kv model's values are strings`);
    };
    let input: unknown = null;
    let output: unknown = null;
    let mop: ModelOp;
    const base = { call: p.call, ret: p.ret, info };
    switch (kind) {
      case 'read': {
        output = model === 'kv' && p.completeValue === null ? '' : (p.completeValue ?? null);
        mop = { kind, value: val(p.completeValue ?? null, 'the value read'), ...base };
        break;
      }
      case 'write':
      case 'append':
        input = p.invokeValue ?? null;
        mop = { kind, value: val(input, 'value'), ...base };
        break;
      case 'delete':
        mop = { kind, value: '', ...base };
        break;
      case 'cas': {
        const v = p.invokeValue;
        if (!Array.isArray(v) || v.length !== 2) bad(`the cas value is ${showValue(v)}: it must be [from to]`);
        const [from, to] = v as unknown[];
        input = [from, to];
        output = info ? null : true;
        mop = { kind, value: val(from, 'cas from'), to: val(to, 'cas to'), ...base };
        break;
      }
    }
    ops.push({
      id: p.id,
      process: p.process,
      f: p.f,
      key: p.key,
      input,
      output,
      call: p.call,
      ret: p.ret,
      status: info ? 'info' : 'ok',
      ...(p.invokeLine !== undefined ? { invokeLine: p.invokeLine } : {}),
      ...(p.completeLine !== undefined ? { completeLine: p.completeLine } : {}),
    });
    modelOps.push(mop!);
  }
  return { ops, modelOps };
}

/**
 * A long linearization of a failing key: the longest a search without the lookahead finds in
 * the shrinking budget (going along each dead end until it fails, where the lookahead turns back
 * as soon as a read left cannot be satisfied, which is quicker but stops short). Empty if that
 * search outgrows its room.
 */
function longestLinearization(model: ModelName, ops: readonly ModelOp[], end: number, searchMs: number): number[] {
  const now = performance.now();
  try {
    return search(compile(model, ops, { lookahead: false }), Math.min(end, now + Math.max(200, 10 * searchMs))).longest;
  } catch (e) {
    if (!(e instanceof SearchTooLarge)) throw e;
    return [];
  }
}

/**
 * A small set of operations that cannot be linearized. Taking an operation out of the set relaxes
 * it: a read is dropped, an update becomes an info one (it may take effect at any time after its
 * invocation, or never). Relaxing never turns a linearizable history into one that is not, so
 * the failure is monotone in the set: searches narrow it to the shortest failing window of
 * operations, then pick from it, one at a time, the operations the failure needs, ending with a
 * set from which no operation can be taken. (Plain removal would not do: without the write of 1, a read of 1 fails on its own,
 * and the report would blame an innocent read.) The set fails on its own too, since leaving
 * the relaxed updates out is one of the ways they may have gone.
 */
function shrink(model: ModelName, ops: readonly Operation[], mops: readonly ModelOp[], budgetMs: number, searchMs: number): { minimal: Operation[]; complete: boolean } {
  const end = performance.now() + budgetMs;
  const perTest = Math.max(200, 10 * searchMs);
  let complete = true;
  /** Does the key fail with these operations as they are and the others relaxed? undefined: no answer in time. */
  const test = (set: readonly number[]): boolean | undefined => {
    const now = performance.now();
    if (now >= end) return undefined;
    const inSet = new Uint8Array(mops.length);
    for (const i of set) inSet[i] = 1;
    const relaxed: ModelOp[] = [];
    mops.forEach((m, i) => {
      if (m.info || inSet[i]) relaxed.push(m);
      else if (m.kind !== 'read') relaxed.push({ ...m, ret: Infinity, info: true });
    });
    let verdict: 'ok' | 'fail' | 'timeout';
    try {
      verdict = search(compile(model, prune(model, relaxed).map((i) => relaxed[i])), Math.min(end, now + perTest)).verdict;
    } catch (e) {
      if (!(e instanceof SearchTooLarge)) throw e;
      verdict = 'timeout';
    }
    return verdict === 'timeout' ? undefined : verdict === 'fail';
  };
  const fails = (set: readonly number[]) => {
    const r = test(set);
    if (r === undefined) complete = false;
    return r === true;
  };

  /**
   * The largest j such that fixed and candidates[j..] fail, given that fixed and all the
   * candidates do; and whether candidates[j] is then needed (fixed and candidates[j+1..] pass).
   * Galloping back from the end first, because a test with few operations is quick, whether it
   * passes or fails, and one that fails with many is an exhaustive search.
   */
  const latestStart = (fixed: readonly number[], candidates: readonly number[]): { j: number; needed: boolean } => {
    let good = 0;
    let bad = candidates.length;
    let needed = false;
    const probe = (j: number) => {
      const r = test([...fixed, ...candidates.slice(j)]);
      if (r === undefined) complete = false;
      if (r === true) good = j;
      else {
        bad = j;
        needed = r === false;
      }
      return r === true;
    };
    for (let step = 1; candidates.length - step > 0; step *= 2) if (probe(candidates.length - step)) break;
    while (bad - good > 1) probe((good + bad) >>> 1);
    return { j: good, needed: needed && bad === good + 1 };
  };

  // The info operations are relaxed already; the set is drawn from the ok ones, in invocation order.
  let set = mops.flatMap((m, i) => (m.info ? [] : [i]));
  // The failing window: its latest start, then its earliest end.
  const start = latestStart([], set);
  set = set.slice(start.j);
  let fine = 0; // set[0..fine) passes; set[0..enough) fails
  let enough = set.length;
  let lastNeeded = false;
  const prefix = (k: number) => {
    const r = test(set.slice(0, k));
    if (r === undefined) complete = false;
    if (r === true) enough = k;
    else fine = k;
    if (enough === fine + 1) lastNeeded = r === false || lastNeeded;
    return r === true;
  };
  for (let step = 1; step < set.length; step *= 2) if (prefix(step)) break;
  while (enough - fine > 1) prefix((fine + enough) >>> 1);
  set = set.slice(0, enough);

  // Then the operations the failure needs, one by one, each the latest start of what is left
  // (QuickXplain's idea): each is needed given the others, so the result is 1-minimal.
  const needed: number[] = [];
  let rest = set;
  if (lastNeeded && rest.length > 0) {
    needed.push(rest[rest.length - 1]);
    rest = rest.slice(0, -1);
  }
  if (start.needed && rest.length > 0 && rest[0] === set[0]) {
    needed.push(rest[0]);
    rest = rest.slice(1);
  }
  for (;;) {
    if (performance.now() >= end) {
      complete = false;
      needed.push(...rest);
      break;
    }
    // What is needed and what is left fail together; once what is needed fails alone, it is all.
    if (rest.length === 0 || fails(needed)) break;
    const next = latestStart(needed, rest);
    needed.push(rest[next.j]);
    rest = rest.slice(next.j + 1);
  }
  needed.sort((x, y) => x - y);
  return { minimal: needed.map((i) => ops[i]), complete };
}
