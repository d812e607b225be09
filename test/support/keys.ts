// The property the explorer's keys must have (test/<protocol>/keys.test.ts): injective and
// canonical, against the TLA+ values they stand for.

import { expect } from 'vitest';

/**
 * Many values at once, some of them built again from another's data (equal, but not the same
 * objects, so no memo is shared): two of them have equal keys exactly when their TLA+ values
 * (canonical text) are equal.
 */
export function injective<T>(xs: readonly T[], key: (x: T) => string, value: (x: T) => string): void {
  const all = [...xs, ...xs.filter((_, i) => i % 3 === 0).map((x) => structuredClone(x))];
  const valueOfKey = new Map<string, string>();
  const keyOfValue = new Map<string, string>();
  for (const x of all) {
    const [k, v] = [key(x), value(x)];
    const [v0, k0] = [valueOfKey.get(k) ?? v, keyOfValue.get(v) ?? k];
    if (v0 !== v) expect.fail(`${v0} and ${v} have one key, ${k}`);
    if (k0 !== k) expect.fail(`${v} has two keys, ${k0} and ${k}`);
    valueOfKey.set(k, v);
    keyOfValue.set(v, k);
  }
}
