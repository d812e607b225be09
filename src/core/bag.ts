// The network of every protocol's model: a bag (multiset) of messages, as the TLA+ specs
// model it, a function from each message in flight to its number of copies.
//
// Immutable and canonical: entries are kept sorted by the message's key, so two bags with the
// same messages are the same sequence of entries, whatever order they were sent in, and their
// keys are equal. Bags are small (a handful of messages), so sorted arrays beat hash maps here.

import { searchByKey } from './sorted.ts';
import { fn, int } from './tla/value.ts';
import type { TlaValue } from './tla/value.ts';

export interface BagEntry<T> {
  readonly key: string;
  readonly item: T;
  readonly count: number;
}

export class Bag<T> {
  private cachedKey: string | undefined;
  private cachedSize: number | undefined;

  private constructor(readonly entries: readonly BagEntry<T>[]) {}

  static empty<T>(): Bag<T> {
    return new Bag<T>([]);
  }

  /** The bag with `copies` more copies of item, whose key is `key`. */
  add(item: T, key: string, copies = 1): Bag<T> {
    const at = searchByKey(this.entries, key);
    const entries = this.entries.slice();
    if (at >= 0) entries[at] = { ...entries[at], count: entries[at].count + copies };
    else entries.splice(~at, 0, { key, item, count: copies });
    return new Bag(entries);
  }

  /** The bag with one copy fewer of the item with this key; an item with no copies left is gone. */
  remove(key: string): Bag<T> {
    const at = searchByKey(this.entries, key);
    if (at < 0) throw new RangeError(`no message ${key} in the bag`);
    const entries = this.entries.slice();
    if (entries[at].count === 1) entries.splice(at, 1);
    else entries[at] = { ...entries[at], count: entries[at].count - 1 };
    return new Bag(entries);
  }

  count(key: string): number {
    const at = searchByKey(this.entries, key);
    return at >= 0 ? this.entries[at].count : 0;
  }

  /** The number of items, copies included. */
  get size(): number {
    if (this.cachedSize === undefined) this.cachedSize = this.entries.reduce((sum, e) => sum + e.count, 0);
    return this.cachedSize;
  }

  /** A canonical key: equal bags have equal keys. */
  get key(): string {
    if (this.cachedKey === undefined) this.cachedKey = this.entries.map((e) => `${e.key}*${e.count}`).join(';');
    return this.cachedKey;
  }
}

/** The bag as the specs' messages variable: a function from each message to its number of copies. */
export function bagToTla<T>(bag: Bag<T>, itemToTla: (item: T) => TlaValue): TlaValue {
  return fn(bag.entries.map((e) => [itemToTla(e.item), int(e.count)] as const));
}
