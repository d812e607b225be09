// Readable differences between TLA+ states: not "the messages differ" but which message, which
// server's log, which field, so that a failing conformance check points at the bug.

import { functionEntries } from '../core/tla/value.ts';
import type { TlaState, TlaValue } from '../core/tla/value.ts';

export interface ValueDifference {
  /** Where, in TLA+ syntax: `votedFor[s3]`, `messages[[mtype |-> ...]]`, `log[s1][2].term`. */
  readonly path: string;
  /** The value on each side; undefined where the path does not exist on that side. */
  readonly left: string | undefined;
  readonly right: string | undefined;
}

const isFunction = (v: TlaValue) => v.kind === 'seq' || v.kind === 'record' || v.kind === 'fn';

/** The smallest sub-values in which `left` and `right` differ. */
export function diffValues(path: string, left: TlaValue, right: TlaValue): ValueDifference[] {
  if (left.key === right.key) return [];
  if (isFunction(left) && isFunction(right)) {
    const rightEntries = new Map(functionEntries(right).map(([k, v]) => [k.key, v]));
    const out: ValueDifference[] = [];
    for (const [k, v] of functionEntries(left)) {
      const other = rightEntries.get(k.key);
      const at = left.kind === 'record' ? `${path}.${k.kind === 'str' ? k.value : k.key}` : `${path}[${k.key}]`;
      if (other === undefined) out.push({ path: at, left: v.key, right: undefined });
      else out.push(...diffValues(at, v, other));
      rightEntries.delete(k.key);
    }
    for (const [k, v] of rightEntries) out.push({ path: `${path}[${k}]`, left: undefined, right: v.key });
    return out;
  }
  if (left.kind === 'set' && right.kind === 'set') {
    const inRight = new Set(right.elems.map((e) => e.key));
    const inLeft = new Set(left.elems.map((e) => e.key));
    const onlyLeft = left.elems.filter((e) => !inRight.has(e.key)).map((e) => e.key);
    const onlyRight = right.elems.filter((e) => !inLeft.has(e.key)).map((e) => e.key);
    return [{ path, left: `{${onlyLeft.join(', ')}} (only here)`, right: `{${onlyRight.join(', ')}} (only here)` }];
  }
  return [{ path, left: left.key, right: right.key }];
}

/** The differences between two states, variable by variable. */
export function diffStates(left: TlaState, right: TlaState): ValueDifference[] {
  const names = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
  const out: ValueDifference[] = [];
  for (const name of names) {
    const l = left[name];
    const r = right[name];
    if (l === undefined || r === undefined) out.push({ path: name, left: l?.key, right: r?.key });
    else out.push(...diffValues(name, l, r));
  }
  return out;
}

/** Indented lines `path: <leftName> = ..., <rightName> = ...`. */
export function formatDifferences(diffs: readonly ValueDifference[], leftName: string, rightName: string, indent = '    '): string[] {
  return diffs.map(
    (d) => `${indent}${d.path}: ${leftName} ${d.left === undefined ? 'has none' : `= ${d.left}`}, ${rightName} ${d.right === undefined ? 'has none' : `= ${d.right}`}`,
  );
}

/** An action as the trace modules record it, [name |-> "X", params |-> [p |-> v]], written X(p = v). */
export function formatAction(action: TlaValue): string {
  if (action.kind !== 'record') return action.key;
  const name = action.fields.find(([f]) => f === 'name')?.[1];
  const params = action.fields.find(([f]) => f === 'params')?.[1];
  const shownName = name?.kind === 'str' ? name.value : (name?.key ?? '?');
  if (params === undefined || params.kind !== 'record') return shownName;
  return `${shownName}(${params.fields.map(([p, v]) => `${p} = ${v.key}`).join(', ')})`;
}
