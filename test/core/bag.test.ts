import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bag } from '../../src/core/bag.ts';

/** A bag built by adding and removing, against a plain count map. */
const operations = fc.array(fc.tuple(fc.boolean(), fc.constantFrom('a', 'b', 'c', 'd')), { maxLength: 30 });

function build(ops: readonly (readonly [boolean, string])[]): { bag: Bag<string>; counts: Map<string, number> } {
  let bag = Bag.empty<string>();
  const counts = new Map<string, number>();
  for (const [add, key] of ops) {
    if (add) {
      bag = bag.add(key, key);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    } else if ((counts.get(key) ?? 0) > 0) {
      bag = bag.remove(key);
      const n = (counts.get(key) as number) - 1;
      if (n === 0) counts.delete(key);
      else counts.set(key, n);
    }
  }
  return { bag, counts };
}

describe('Bag', () => {
  it('counts copies as a multiset does', () => {
    fc.assert(
      fc.property(operations, (ops) => {
        const { bag, counts } = build(ops);
        for (const key of ['a', 'b', 'c', 'd']) expect(bag.count(key)).toBe(counts.get(key) ?? 0);
        expect(bag.size).toBe([...counts.values()].reduce((a, b) => a + b, 0));
        expect(bag.entries.every((e) => e.count > 0)).toBe(true);
      }),
    );
  });

  it('has one key for one multiset, whatever the order of sends', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 10 }), (items) => {
        const forward = items.reduce((b, k) => b.add(k, k), Bag.empty<string>());
        const backward = [...items].reverse().reduce((b, k) => b.add(k, k), Bag.empty<string>());
        expect(forward.key).toBe(backward.key);
      }),
    );
  });

  it('tells different multisets apart', () => {
    fc.assert(
      fc.property(operations, operations, (x, y) => {
        const a = build(x);
        const b = build(y);
        const same = [...new Set([...a.counts.keys(), ...b.counts.keys()])].every((k) => a.counts.get(k) === b.counts.get(k));
        expect(a.bag.key === b.bag.key).toBe(same);
      }),
    );
  });

  it('refuses to remove what is not there', () => {
    expect(() => Bag.empty<string>().remove('x')).toThrow(/no message x/);
  });
});
