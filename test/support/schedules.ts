// Properties that every cluster model must have under random schedules (src/explore/schedule.ts):
// nothing breaks, and its state key is exactly as fine as the TLA+ state.

import fc from 'fast-check';
import { expect } from 'vitest';
import { stateKey } from '../../src/core/tla/value.ts';
import type { TlaState } from '../../src/core/tla/value.ts';
import type { ScheduleRun } from '../../src/explore/schedule.ts';

type Choices = readonly number[];

/** Every schedule keeps every invariant and action property; a failure names the steps to the one broken. */
export function expectNothingBroken(
  run: (choices: Choices) => ScheduleRun<unknown, { readonly name: string }>,
  schedules: fc.Arbitrary<number[]>,
  numRuns: number,
): void {
  fc.assert(
    fc.property(schedules, (choices) => {
      const result = run(choices);
      expect(result.broken, `broken after ${result.actions.map((a) => a.name).join(', ')}`).toBeUndefined();
    }),
    { numRuns },
  );
}

/** Two states that schedules reach have the same key exactly when their TLA+ images are equal. */
export function expectKeyAsFineAsTla<S>(
  reached: (choices: Choices) => S,
  model: { readonly key: (state: S) => string; readonly stateToTla: (state: S) => TlaState },
  schedules: fc.Arbitrary<number[]>,
  numRuns: number,
): void {
  fc.assert(
    fc.property(schedules, schedules, (a, b) => {
      const x = reached(a);
      const y = reached(b);
      expect(model.key(x) === model.key(y)).toBe(stateKey(model.stateToTla(x)) === stateKey(model.stateToTla(y)));
    }),
    { numRuns },
  );
}
