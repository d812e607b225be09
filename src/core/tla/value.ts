// TLA+ values as TLC prints them, in one canonical form.
//
// TLA+ has fewer kinds of value than its syntax suggests: a tuple, a sequence and a function
// whose domain is 1..n are the same value; a record is a function whose domain is a set of
// strings; the empty function, the empty record and the empty sequence are all <<>>.
// The constructors below normalise, so two values are equal exactly when their keys are equal,
// whichever syntax they were written in (TLC's output, ITF JSON, or a TypeScript reducer).

export type TlaValue =
  | TlaInt
  | TlaBool
  | TlaStr
  | TlaModelValue
  | TlaSet
  | TlaSeq
  | TlaRecord
  | TlaFunction;

interface Keyed {
  /** The canonical text of the value (TLA+ syntax); equal values have equal keys. */
  readonly key: string;
}
export interface TlaInt extends Keyed {
  readonly kind: 'int';
  readonly value: number;
}
export interface TlaBool extends Keyed {
  readonly kind: 'bool';
  readonly value: boolean;
}
export interface TlaStr extends Keyed {
  readonly kind: 'str';
  readonly value: string;
}
/** A model value: an uninterpreted constant such as a server name `s1` or `Nil`. */
export interface TlaModelValue extends Keyed {
  readonly kind: 'model';
  readonly name: string;
}
/** Elements in canonical order, without duplicates. */
export interface TlaSet extends Keyed {
  readonly kind: 'set';
  readonly elems: readonly TlaValue[];
}
/** A tuple, a sequence, or any function with domain 1..n (including the empty function). */
export interface TlaSeq extends Keyed {
  readonly kind: 'seq';
  readonly elems: readonly TlaValue[];
}
/** A non-empty function whose domain is a set of identifier strings; fields sorted by name. */
export interface TlaRecord extends Keyed {
  readonly kind: 'record';
  readonly fields: readonly (readonly [string, TlaValue])[];
}
/** Any other non-empty function; entries sorted by key value. */
export interface TlaFunction extends Keyed {
  readonly kind: 'fn';
  readonly entries: readonly (readonly [TlaValue, TlaValue])[];
}

/** A state: an assignment of values to variables. */
export type TlaState = Readonly<Record<string, TlaValue>>;

const KIND_RANK: Record<TlaValue['kind'], number> = {
  bool: 0,
  int: 1,
  str: 2,
  model: 3,
  set: 4,
  seq: 5,
  record: 6,
  fn: 7,
};

/** A total order on values: by kind, then by content (numbers numerically, strings by code unit). */
export function compareValues(a: TlaValue, b: TlaValue): number {
  if (a === b) return 0;
  if (a.kind !== b.kind) return KIND_RANK[a.kind] - KIND_RANK[b.kind];
  switch (a.kind) {
    case 'int':
      return a.value - (b as TlaInt).value;
    case 'bool':
      return Number(a.value) - Number((b as TlaBool).value);
    case 'str':
      return compareStrings(a.value, (b as TlaStr).value);
    case 'model':
      return compareStrings(a.name, (b as TlaModelValue).name);
    case 'set':
    case 'seq':
      return compareLists(a.elems, (b as TlaSet | TlaSeq).elems, compareValues);
    case 'record':
      return compareLists(a.fields, (b as TlaRecord).fields, (x, y) => compareStrings(x[0], y[0]) || compareValues(x[1], y[1]));
    case 'fn':
      return compareLists(a.entries, (b as TlaFunction).entries, (x, y) => compareValues(x[0], y[0]) || compareValues(x[1], y[1]));
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareLists<T>(a: readonly T[], b: readonly T[], cmp: (x: T, y: T) => number): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = cmp(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

export function valuesEqual(a: TlaValue, b: TlaValue): boolean {
  return a === b || a.key === b.key;
}

// ---- constructors -------------------------------------------------------------------------

const TRUE: TlaBool = { kind: 'bool', value: true, key: 'TRUE' };
const FALSE: TlaBool = { kind: 'bool', value: false, key: 'FALSE' };
const EMPTY_SEQ: TlaSeq = { kind: 'seq', elems: [], key: '<<>>' };
const EMPTY_SET: TlaSet = { kind: 'set', elems: [], key: '{}' };

export function int(value: number): TlaInt {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer TLA+ value: ${value}`);
  return { kind: 'int', value, key: String(value) };
}

export function bool(value: boolean): TlaBool {
  return value ? TRUE : FALSE;
}

export function str(value: string): TlaStr {
  return { kind: 'str', value, key: quoteString(value) };
}

/** A model value. Its name must be a TLA+ identifier. */
export function modelValue(name: string): TlaModelValue {
  if (!IDENTIFIER.test(name) || RESERVED.has(name)) throw new RangeError(`not a model value name: ${JSON.stringify(name)}`);
  return { kind: 'model', name, key: name };
}

/** A finite set; duplicates are removed and the elements put in canonical order. */
export function set(elems: Iterable<TlaValue>): TlaSet {
  const sorted = dedupeSorted([...elems].sort(compareValues), (x) => x.key);
  if (sorted.length === 0) return EMPTY_SET;
  return { kind: 'set', elems: sorted, key: `{${sorted.map((e) => e.key).join(', ')}}` };
}

/** A tuple or sequence <<e1, ..., en>>. */
export function seq(elems: Iterable<TlaValue>): TlaSeq {
  const list = [...elems];
  if (list.length === 0) return EMPTY_SEQ;
  return { kind: 'seq', elems: list, key: `<<${list.map((e) => e.key).join(', ')}>>` };
}

export const tuple = (...elems: TlaValue[]): TlaSeq => seq(elems);

/** A record [f1 |-> v1, ...]; fields may come in any order, each name once. */
export function record(fields: Iterable<readonly [string, TlaValue]> | Readonly<Record<string, TlaValue>>): TlaValue {
  const list = isIterable(fields) ? [...fields] : Object.entries(fields);
  return fn(list.map(([name, value]) => [str(name), value] as const));
}

/**
 * A function from the given (key, value) entries. A function whose domain is 1..n is a
 * sequence, one whose domain is a non-empty set of strings is a record, the empty function
 * is <<>>. Throws if a key appears twice with different values.
 */
export function fn(entries: Iterable<readonly [TlaValue, TlaValue]>): TlaValue {
  const sorted = [...entries].sort((x, y) => compareValues(x[0], y[0]));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i - 1][0].key === sorted[i][0].key) {
      if (sorted[i - 1][1].key !== sorted[i][1].key) {
        throw new RangeError(`function has two values for ${sorted[i][0].key}`);
      }
      sorted.splice(i, 1);
      i--;
    }
  }
  if (sorted.length === 0) return EMPTY_SEQ;
  if (sorted.every(([k], i) => k.kind === 'int' && k.value === i + 1)) return seq(sorted.map(([, v]) => v));
  // TLC prints a function whose domain is a set of identifier strings as a record, any
  // other string-keyed function with :> (e.g. ("a b" :> 1)); we do the same.
  if (sorted.every(([k]) => k.kind === 'str' && IDENTIFIER.test(k.value))) {
    const fields = sorted.map(([k, v]) => [(k as TlaStr).value, v] as const);
    const key = `[${fields.map(([name, v]) => `${name} |-> ${v.key}`).join(', ')}]`;
    return { kind: 'record', fields, key };
  }
  const key = `(${sorted.map(([k, v]) => `${k.key} :> ${v.key}`).join(' @@ ')})`;
  return { kind: 'fn', entries: sorted, key };
}

// ---- reading values -------------------------------------------------------------------------

/** The (key, value) pairs of a value seen as a function: a sequence, record or function. */
export function functionEntries(v: TlaValue): readonly (readonly [TlaValue, TlaValue])[] {
  switch (v.kind) {
    case 'seq':
      return v.elems.map((e, i) => [int(i + 1), e] as const);
    case 'record':
      return v.fields.map(([name, e]) => [str(name), e] as const);
    case 'fn':
      return v.entries;
    default:
      throw new TypeError(`not a function: ${v.key}`);
  }
}

/** f[x] for a value seen as a function; undefined when x is outside the domain. */
export function apply(f: TlaValue, x: TlaValue): TlaValue | undefined {
  if (f.kind === 'seq' && x.kind === 'int') return f.elems[x.value - 1];
  if (f.kind === 'record' && x.kind === 'str') return f.fields.find(([name]) => name === x.value)?.[1];
  if (f.kind === 'fn') return f.entries.find(([k]) => k.key === x.key)?.[1];
  return undefined;
}

/** r.field for a record. */
export function field(r: TlaValue, name: string): TlaValue | undefined {
  return apply(r, str(name));
}

// ---- printing ---------------------------------------------------------------------------------

export const show = (v: TlaValue): string => v.key;

/** A state as TLC prints it: one `/\ var = value` line per variable, variables sorted by name. */
export function showState(state: TlaState): string {
  return Object.keys(state)
    .sort()
    .map((name) => `/\\ ${name} = ${state[name].key}`)
    .join('\n');
}

/** The canonical text of a state; equal states have equal keys. */
export function stateKey(state: TlaState): string {
  return showState(state);
}

/** Restrict a state to some of its variables. */
export function project(state: TlaState, omit: readonly string[]): TlaState {
  const out: Record<string, TlaValue> = {};
  for (const name of Object.keys(state)) if (!omit.includes(name)) out[name] = state[name];
  return out;
}

/**
 * A stable 64-bit fingerprint of a value or state (FNV-1a over the canonical text), as 16 hex
 * digits. Stable across runs and machines, so it may be stored in manifests and reports.
 */
export function fingerprint(v: TlaValue | TlaState | string): string {
  const text = typeof v === 'string' ? v : isValue(v) ? v.key : stateKey(v);
  let h1 = 0x811c9dc5;
  let h2 = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h1 >>> 15);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

// ---- helpers ---------------------------------------------------------------------------------

const IDENTIFIER = /^[A-Za-z0-9_]*[A-Za-z][A-Za-z0-9_]*$/;
/** Names that TLC would read back as something other than a model value. */
const RESERVED = new Set(['TRUE', 'FALSE', 'BOOLEAN', 'STRING', 'Nat', 'Int', 'Real']);

export function isValue(v: unknown): v is TlaValue {
  return typeof v === 'object' && v !== null && typeof (v as TlaValue).kind === 'string' && typeof (v as TlaValue).key === 'string';
}

function isIterable<T>(x: unknown): x is Iterable<T> {
  return typeof x === 'object' && x !== null && Symbol.iterator in x;
}

function dedupeSorted<T>(sorted: T[], key: (x: T) => string): T[] {
  const out: T[] = [];
  for (const x of sorted) if (out.length === 0 || key(out[out.length - 1]) !== key(x)) out.push(x);
  return out;
}

/** A TLA+ string literal. TLA+ escapes only \" \\ \n \t \r \f. */
export function quoteString(s: string): string {
  return `"${s.replace(/[\\"\n\t\r\f]/g, (c) => ESCAPES[c])}"`;
}
const ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\t': '\\t', '\r': '\\r', '\f': '\\f' };
