// fast-check generators for TLA+ values, states and traces.

import fc from 'fast-check';
import { bool, fn, int, modelValue, record, seq, set, str } from '../../../src/core/tla/value.ts';
import type { TlaState, TlaValue } from '../../../src/core/tla/value.ts';

const RESERVED = new Set(['TRUE', 'FALSE', 'BOOLEAN', 'STRING', 'Nat', 'Int', 'Real']);

/** TLA+ identifiers (at least one letter) that TLC reads as model values, biased towards TLC-like names. */
export const arbitraryIdentifier: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('s1', 's2', 'Nil', 'v2', 'x', 'msgs', '1a'),
  fc.stringMatching(/^[A-Za-z0-9_]{0,3}[A-Za-z][A-Za-z0-9_]{0,4}$/).filter((name) => !RESERVED.has(name)),
);

/** Record field names: identifiers, and strings that are not (those print as `("a b" :> 1)`). */
const arbitraryFieldName = fc.oneof(arbitraryIdentifier, fc.constantFrom('1', '42', 'TRUE', 'a b', '', 'x"y'));

/** Strings heavy in the characters TLA+ escapes and in the ones that delimit values. */
const arbitraryString = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({
    unit: fc.constantFrom('a', 'Z', '0', ' ', '"', '\\', '\n', '\t', '\r', '\f', ',', ']', '>', ':', '@', '|', 'é', '∀'),
    maxLength: 8,
  }),
);

const arbitraryInt = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.integer(), fc.maxSafeInteger(), fc.constant(Number.MIN_SAFE_INTEGER));

const arbitraryLeaf: fc.Arbitrary<TlaValue> = fc.oneof(
  arbitraryInt.map(int),
  fc.boolean().map(bool),
  arbitraryString.map(str),
  arbitraryIdentifier.map(modelValue),
  fc.constantFrom(seq([]), set([])),
);

const { value } = fc.letrec<{ value: TlaValue; set: TlaValue; seq: TlaValue; record: TlaValue; fn: TlaValue }>((tie) => ({
  value: fc.oneof({ maxDepth: 3, depthSize: 'small', withCrossShrink: true }, arbitraryLeaf, tie('set'), tie('seq'), tie('record'), tie('fn')),
  set: fc.array(tie('value'), { maxLength: 4 }).map(set),
  seq: fc.array(tie('value'), { maxLength: 4 }).map(seq),
  record: fc.uniqueArray(fc.tuple(arbitraryFieldName, tie('value')), { selector: ([name]) => name, maxLength: 4 }).map(record),
  fn: fc
    .uniqueArray(fc.tuple(tie('value'), tie('value')), { selector: ([key]) => key.key, maxLength: 4 })
    .map(fn),
}));

/** Any TLA+ value, nested up to a few levels: every kind, the empty forms, and functions with keys of mixed kinds. */
export const arbitraryTlaValue: fc.Arbitrary<TlaValue> = value;

/** A state of one to four variables. */
export const arbitraryTlaState: fc.Arbitrary<TlaState> = fc
  .uniqueArray(fc.tuple(arbitraryIdentifier, arbitraryTlaValue), { selector: ([name]) => name, minLength: 1, maxLength: 4 })
  .map((entries) => Object.fromEntries(entries));

/** States over a fixed list of variables. */
export function arbitraryStatesOver(vars: readonly string[], maxLength = 4): fc.Arbitrary<TlaState[]> {
  const state = fc.tuple(...vars.map(() => arbitraryTlaValue)).map((values) => Object.fromEntries(vars.map((name, i) => [name, values[i]])));
  return fc.array(state, { maxLength });
}
