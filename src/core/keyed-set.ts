// A set of items with canonical string keys: the network of protocols whose TLA+ specs model it
// as the set of messages ever sent (PBFT, Paxos), and the logs and certificates their nodes keep.
// The counterpart of src/core/bag.ts for specs where a message is never consumed, so a copy
// count means nothing.
//
// Immutable and canonical: entries are kept sorted by key, so two sets with the same items are
// the same sequence of entries, whatever order they were added in, and their keys are equal.
// Sets are small (tens of items), so sorted arrays beat hash maps here.

import { searchByKey } from './sorted.ts';

export interface KeyedEntry<T> {
  readonly key: string;
  readonly item: T;
}

export class KeyedSet<T> {
  private cachedKey: string | undefined;

  private constructor(readonly entries: readonly KeyedEntry<T>[]) {}

  static empty<T>(): KeyedSet<T> {
    return new KeyedSet<T>([]);
  }

  /** The set of these items; `keyOf` must be injective. */
  static of<T>(items: Iterable<T>, keyOf: (item: T) => string): KeyedSet<T> {
    const byKey = new Map<string, T>();
    for (const item of items) byKey.set(keyOf(item), item);
    const entries = [...byKey].map(([key, item]) => ({ key, item }));
    entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return new KeyedSet(entries);
  }

  /** The set with item, whose key is `key`; the same set if it is already there. */
  add(item: T, key: string): KeyedSet<T> {
    const at = searchByKey(this.entries, key);
    if (at >= 0) return this;
    const entries = this.entries.slice();
    entries.splice(~at, 0, { key, item });
    return new KeyedSet(entries);
  }

  /** The set with every item of `items` added. */
  addAll(items: Iterable<T>, keyOf: (item: T) => string): KeyedSet<T> {
    let out: KeyedSet<T> = this;
    for (const item of items) out = out.add(item, keyOf(item));
    return out;
  }

  has(key: string): boolean {
    return searchByKey(this.entries, key) >= 0;
  }

  get size(): number {
    return this.entries.length;
  }

  get items(): T[] {
    return this.entries.map((e) => e.item);
  }

  /** A canonical key: equal sets have equal keys. */
  get key(): string {
    if (this.cachedKey === undefined) this.cachedKey = this.entries.map((e) => e.key).join(';');
    return this.cachedKey;
  }
}

/** Every subset of `items`, in the order of the bit masks 0 .. 2^n - 1. */
export function subsets<T>(items: readonly T[]): T[][] {
  if (items.length > 20) throw new RangeError(`too many subsets of ${items.length} items`);
  const out: T[][] = [];
  for (let mask = 0; mask < 1 << items.length; mask++) {
    const subset: T[] = [];
    for (let b = 0; b < items.length; b++) if (mask & (1 << b)) subset.push(items[b]);
    out.push(subset);
  }
  return out;
}
