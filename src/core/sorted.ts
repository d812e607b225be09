// Sorted lists as canonical sets: the one search that the canonical collections (Bag, KeyedSet)
// share, and the small sets that agents' states keep as plain sorted lists. Either way, equal
// sets are equal sequences and have equal keys.

/** Binary search by key: the entry's index, or the bitwise complement of where it would go. */
export function searchByKey(entries: readonly { readonly key: string }[], key: string): number {
  let lo = 0;
  let hi = entries.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const k = entries[mid].key;
    if (k < key) lo = mid + 1;
    else if (k > key) hi = mid - 1;
    else return mid;
  }
  return ~lo;
}

/** The order of items by their keys, for sorting. */
export function byKey<T>(key: (x: T) => string): (a: T, b: T) => number {
  return (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

/** A sorted list without duplicates, as a set, with x added; `key` tells items apart. */
export function withElement<T>(xs: readonly T[], x: T, key: (x: T) => string, order: (a: T, b: T) => number = byKey(key)): readonly T[] {
  const k = key(x);
  if (xs.some((y) => key(y) === k)) return xs;
  return [...xs, x].sort(order);
}

/** The numbers as a set: sorted, without duplicates. */
export function unique(ns: readonly number[]): number[] {
  return [...new Set(ns)].sort((a, b) => a - b);
}
