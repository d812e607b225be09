import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../src/sim/queue.ts';
import { Rng } from '../../src/sim/random.ts';

describe('the agenda', () => {
  it('pops by time, ties in the order they were pushed', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(20), { maxLength: 200 }), (times) => {
        const q = new EventQueue<number>();
        times.forEach((t, k) => q.push(t, k));
        const out: number[] = [];
        for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(e.item);
        const expected = times.map((t, k) => [t, k] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, k]) => k);
        expect(out).toEqual(expected);
      }),
    );
  });
});

describe('the seeded generator', () => {
  it('repeats for a seed, and differs across seeds', () => {
    const draw = (seed: number) => {
      const r = new Rng(seed);
      return Array.from({ length: 20 }, () => r.int(0, 1000));
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('draws in range', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -50, max: 50 }), fc.nat(100), (seed, from, width) => {
        const r = new Rng(seed);
        const x = r.int(from, from + width);
        expect(x).toBeGreaterThanOrEqual(from);
        expect(x).toBeLessThanOrEqual(from + width);
        const f = r.float();
        expect(f >= 0 && f < 1).toBe(true);
      }),
    );
  });
});
