// The sequential models, compiled for the search: each operation becomes a kind and one or two
// interned values, and a state is a small integer, so the memo compares numbers.
//
//   register  one value, initially nil: read returns it, write sets it, cas [from to] swaps it.
//   kv        one string per key, initially "" (a key never written reads as "", as 6.824's kv
//             service): get|read, put|write, delete (back to ""), append, cas [from to].

import type { Problem } from './search.ts';

export type Kind = 'read' | 'write' | 'cas' | 'append' | 'delete';

/** An operation as the search needs it. For cas, value is `from` and to is `to`. */
export interface ModelOp {
  readonly kind: Kind;
  readonly value: string; // register: canonical() of the value; kv: the string itself
  readonly to?: string;
  readonly call: number;
  readonly ret: number;
  /** never returned: may take effect after its call, or never */
  readonly info: boolean;
}

const READ = 0;
const WRITE = 1;
const CAS = 2;
const APPEND = 3;
const DELETE = 4;
const CODES: Record<Kind, number> = { read: READ, write: WRITE, cas: CAS, append: APPEND, delete: DELETE };

/** Register: nil; kv: "". */
export function initialValue(model: 'register' | 'kv'): string {
  return model === 'register' ? 'nil' : '';
}

/**
 * An info update whose written value no operation ever observes (no read returns it, no cas
 * expects it; for kv, it is in no string read) changes nothing anyone sees, and can be left out:
 * take it out of a linearization, and any info cas after it that now matches, and what is left
 * is still one. Dropping them keeps the search from trying every subset of such writes. Returns
 * the indices of the operations kept.
 */
export function prune(model: 'register' | 'kv', ops: readonly ModelOp[]): number[] {
  const all = ops.map((_, i) => i);
  if (!ops.some((o) => o.info && o.kind !== 'read')) return all;
  const observed = new Set<string>();
  for (const o of ops) if (o.kind === 'read' || o.kind === 'cas') observed.add(o.value);
  const seen =
    model === 'register'
      ? (v: string) => observed.has(v)
      : (v: string) => {
          if (v === '' || observed.has(v)) return true;
          for (const s of observed) if (s.includes(v)) return true;
          return false;
        };
  return all.filter((i) => {
    const o = ops[i];
    if (!o.info) return true;
    if (o.kind === 'append' && o.value === '') return false; // appends nothing
    if (o.kind === 'write' || o.kind === 'append') return seen(o.value);
    if (o.kind === 'cas') return seen(o.to as string);
    return o.kind === 'delete';
  });
}

/**
 * The search met more distinct values of one key than it may keep (appends, concatenated in every
 * order the history allows, make one value per order): no verdict, as at a timeout.
 */
export class SearchTooLarge extends Error {
  constructor(readonly values: number) {
    super(`the search met ${values} distinct values of one key`);
  }
}

/** The most distinct values a key's search keeps: a JavaScript Map holds at most 2^24 entries. */
export const MAX_VALUES = 8_000_000;

/** How many of the reads still to be linearized a step checks its state against (see compile). */
const READS_CHECKED = 64;

/** FNV's prime, as the base of the values' polynomial hashes: h(s + c) = h(s) * HASH_BASE + c, mod 2^32. */
const HASH_BASE = 0x01000193;

function hashOf(s: string): number {
  let h = 0;
  for (let k = 0; k < s.length; k++) h = (Math.imul(h, HASH_BASE) + s.charCodeAt(k)) >>> 0;
  return h;
}

/** HASH_BASE ** k mod 2^32, from a table grown as longer values are met. */
let powers = new Uint32Array([1]);
function power(k: number): number {
  if (k >= powers.length) {
    const grown = new Uint32Array(Math.max(k + 1, 2 * powers.length));
    grown.set(powers);
    for (let e = powers.length; e < grown.length; e++) grown[e] = Math.imul(grown[e - 1], HASH_BASE) >>> 0;
    powers = grown;
  }
  return powers[k];
}

export interface CompileOptions {
  /** the most distinct values of the key the search keeps before it gives up (SearchTooLarge) */
  readonly maxValues?: number;
  /**
   * Refuse a state that a read still to be linearized cannot see once nothing can replace it
   * (default true). Off, the search is slower but goes as far as it can along each dead end, so
   * its longest linearization is the one a reader expects.
   */
  readonly lookahead?: boolean;
}

/** The search's view of a model over these operations. */
export function compile(model: 'register' | 'kv', ops: readonly ModelOp[], options: CompileOptions = {}): Problem {
  const maxValues = options.maxValues ?? MAX_VALUES;
  const lookahead = options.lookahead ?? true;
  const n = ops.length;
  const ids = new Map<string, number>();
  const strings: string[] = [];
  // Each value's polynomial hash (mod 2^32) and length, for the lookahead below.
  const hashes: number[] = [];
  const lengths: number[] = [];
  const intern = (s: string) => {
    let id = ids.get(s);
    if (id === undefined) {
      if (strings.length >= maxValues) throw new SearchTooLarge(strings.length);
      id = strings.length;
      ids.set(s, id);
      strings.push(s);
      hashes.push(hashOf(s));
      lengths.push(s.length);
    }
    return id;
  };
  const init = intern(initialValue(model));
  const kind = new Uint8Array(n);
  const a = new Int32Array(n);
  const b = new Int32Array(n);
  const call = new Float64Array(n);
  const ret = new Float64Array(n);
  const info = new Uint8Array(n);
  const observes = new Uint8Array(n);
  const clears = new Uint8Array(n);
  ops.forEach((o, i) => {
    clears[i] = o.kind === 'read' || o.kind === 'cas' ? 1 : 0;
    observes[i] = clears[i] || (model === 'kv' && o.kind === 'append') ? 1 : 0;
    kind[i] = CODES[o.kind];
    a[i] = o.kind === 'delete' ? init : intern(o.value);
    b[i] = o.to !== undefined ? intern(o.to) : -1;
    call[i] = o.call;
    ret[i] = o.ret;
    info[i] = o.info ? 1 : 0;
  });
  // An info update is worth linearizing only if some observer not yet linearized (a read or cas)
  // may see what it leaves: the same value for a register, a value starting with it for kv,
  // where only appends may come between (see search.ts). By state id, the observers that could.
  const observers: number[] = [];
  ops.forEach((o, i) => {
    if (o.kind === 'read' || o.kind === 'cas') observers.push(i);
  });
  const watchers: (Int32Array | undefined)[] = [];
  const watchersOf = (t: number): Int32Array => {
    let w = watchers[t];
    if (w === undefined) {
      const str = strings[t];
      w = Int32Array.from(observers.filter((j) => (model === 'kv' ? strings[a[j]].startsWith(str) : a[j] === t)));
      watchers[t] = w;
    }
    return w;
  };
  const awaited = (t: number, linearized: Uint32Array): boolean => {
    for (const j of watchersOf(t)) if ((linearized[j >>> 5] & (1 << (j & 31))) === 0) return true;
    return false;
  };
  // The reads still to be linearized must each see a state to come. Once no write, delete or cas
  // is left, every state to come extends the current one by appends (for a register, is it), so
  // a state that one of them cannot extend is a dead end: for a key that is only appended to and
  // read, this is what keeps the search from trying every order of the appends. Soonest returned
  // first, and at most READS_CHECKED of them. "The read starts with this value" is a comparison of
  // hashes, the value's with that of the read's prefix of its length: equal strings hash equal,
  // so a collision can only let a dead end through (to fail later), never cut a live one.
  const reads = Int32Array.from(
    [...ops.keys()].filter((i) => ops[i].kind === 'read' && !ops[i].info).sort((x, y) => ops[x].ret - ops[y].ret),
  );
  const prefixHashes: (Uint32Array | undefined)[] = [];
  const prefixHashesOf = (j: number): Uint32Array => {
    let p = prefixHashes[j];
    if (p === undefined) {
      const read = strings[a[j]];
      p = new Uint32Array(read.length + 1);
      for (let k = 0; k < read.length; k++) p[k + 1] = (Math.imul(p[k], HASH_BASE) + read.charCodeAt(k)) >>> 0;
      prefixHashes[j] = p;
    }
    return p;
  };
  /** May every read left see, in time, the value of this hash and length (for a register, this id)? */
  const seenByReadsLeft = (hash: number, length: number, id: number, linearized: Uint32Array): boolean => {
    if (!lookahead) return true;
    let checked = 0;
    for (const j of reads) {
      if ((linearized[j >>> 5] & (1 << (j & 31))) !== 0) continue;
      if (model === 'kv' ? lengths[a[j]] < length || prefixHashesOf(j)[length] !== hash : a[j] !== id) return false;
      if (++checked === READS_CHECKED) break;
    }
    return true;
  };
  const effect = (s: number, i: number, last: boolean, linearized: Uint32Array): number => {
    // The state after operation i in state s, or -1 if it cannot happen there.
    let after: number;
    switch (kind[i]) {
      case READ:
        // It leaves s as it was, and s was checked against the reads left when it was reached.
        return a[i] === s ? s : -1;
      case WRITE:
      case DELETE:
        after = a[i];
        break;
      case CAS:
        // An info cas that did not match changed nothing: the same as one that never happened,
        // which the search covers by leaving it out.
        if (s !== a[i]) return -1;
        after = b[i];
        break;
      default: {
        // Checked before it is interned, by the hash of the concatenation: most orders of
        // concurrent appends are dead ends, and building their strings is what costs.
        const x = a[i];
        if (last && !seenByReadsLeft((Math.imul(hashes[s], power(lengths[x])) + hashes[x]) >>> 0, lengths[s] + lengths[x], -1, linearized)) return -1;
        return intern(strings[s] + strings[x]);
      }
    }
    return last && !seenByReadsLeft(hashes[after], lengths[after], after, linearized) ? -1 : after;
  };
  // Identical info operations, by invocation: each waits for the one before it.
  const twin = new Int32Array(n).fill(-1);
  const lastLike = new Map<string, number>();
  [...ops.keys()]
    .filter((i) => ops[i].info)
    .sort((x, y) => ops[x].call - ops[y].call)
    .forEach((i) => {
      const like = `${ops[i].kind} ${JSON.stringify(ops[i].value)} ${JSON.stringify(ops[i].to ?? null)}`;
      twin[i] = lastLike.get(like) ?? -1;
      lastLike.set(like, i);
    });
  const replaces = Uint8Array.from(ops, (o) => (o.kind === 'write' || o.kind === 'delete' || o.kind === 'cas' ? 1 : 0));
  return { n, call, ret, info, observes, clears, twin, replaces, init, step: effect, awaited };
}
