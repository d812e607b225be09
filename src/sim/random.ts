// The simulator's one source of randomness: pure-rand's xoroshiro128+ (the generator fast-check
// uses), seeded by the run's seed. Every choice on the simulation path draws from here, so a run
// is a function of (seed, scenario, code); nothing calls Math.random.

import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

export class Rng {
  private readonly generator: RandomGenerator;

  constructor(readonly seed: number) {
    this.generator = xoroshiro128plus(seed);
  }

  /** A whole number in [from, to], both included. */
  int(from: number, to: number): number {
    return uniformInt(this.generator, from, to);
  }

  /** A number in [0, 1), with 2^-30 resolution: enough for probabilities and delays. */
  float(): number {
    return uniformInt(this.generator, 0, 0x3fffffff) / 0x40000000;
  }

  /** true with probability p. */
  chance(p: number): boolean {
    return p > 0 && (p >= 1 || this.float() < p);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from nothing');
    return items[this.int(0, items.length - 1)];
  }

  /** An exponentially distributed number of mean `mean`. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  /** An independent generator for one part of the run, so that adding a draw in one part does not shift another's. */
  fork(salt: number): Rng {
    return new Rng((this.int(0, 0x7fffffff) ^ Math.imul(salt + 1, 0x9e3779b1)) | 0);
  }
}
