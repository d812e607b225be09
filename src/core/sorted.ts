// The one search that the canonical collections (Bag, KeyedSet) share: their entries are kept
// sorted by key, so that equal collections are equal sequences and have equal keys.

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
