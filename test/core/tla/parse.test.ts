import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineAndColumn, parseState, parseValue, unescapeTlaString } from '../../../src/core/tla/parse.ts';
import { bool, fn, int, modelValue, record, seq, set, showState, stateKey, str, tuple } from '../../../src/core/tla/value.ts';
import type { TlaValue } from '../../../src/core/tla/value.ts';
import { arbitraryTlaState, arbitraryTlaValue } from './arbitrary.ts';
import { errorOf } from '../../support/errors.ts';


describe('parseValue', () => {
  it('reads scalars', () => {
    expect(parseValue('42')).toEqual(int(42));
    expect(parseValue('-7')).toEqual(int(-7));
    expect(parseValue('TRUE')).toBe(bool(true));
    expect(parseValue('FALSE')).toBe(bool(false));
    expect(parseValue('s1')).toEqual(modelValue('s1'));
    expect(parseValue('1a')).toEqual(modelValue('1a'));
    expect(parseValue('"a\\"b\\\\c\\nd\\te\\rf\\fg"')).toEqual(str('a"b\\c\nd\te\rf\fg'));
  });

  it('reads records, sequences, sets and functions', () => {
    expect(parseValue('[a |-> 1, b |-> "x"]')).toEqual(record({ a: int(1), b: str('x') }));
    expect(parseValue('<<1, s1, <<>>>>')).toEqual(tuple(int(1), modelValue('s1'), seq([])));
    expect(parseValue('{3, 1, 2, 1}')).toEqual(set([int(1), int(2), int(3)]));
    expect(parseValue('(a :> 1 @@ b :> 2)')).toEqual(fn([[modelValue('a'), int(1)], [modelValue('b'), int(2)]]));
  });

  it('reads a function written without parentheses, or with extra ones', () => {
    const f = fn([[modelValue('a'), int(1)]]);
    expect(parseValue('a :> 1')).toEqual(f);
    expect(parseValue('((a :> 1))')).toEqual(f);
    expect(parseValue('(a :> 1) @@ (b :> 2)').key).toBe('(a :> 1 @@ b :> 2)');
    expect(parseValue('(s1 :> (s1 :> 1 @@ s2 :> 2) @@ s2 :> (s1 :> 3))').key).toBe('(s1 :> (s1 :> 1 @@ s2 :> 2) @@ s2 :> (s1 :> 3))');
  });

  it('normalises as the value constructors do', () => {
    expect(parseValue('(1 :> "a" @@ 2 :> "b")')).toEqual(tuple(str('a'), str('b')));
    expect(parseValue('("x" :> 1)')).toEqual(record({ x: int(1) }));
    expect(parseValue('[b |-> 2, a |-> 1]').key).toBe('[a |-> 1, b |-> 2]');
  });

  it('reads the empty forms, including the ones TLC prints with a space', () => {
    expect(parseValue('<<>>')).toEqual(seq([]));
    expect(parseValue('<< >>')).toEqual(seq([]));
    expect(parseValue('{}')).toEqual(set([]));
    expect(parseValue('[]')).toEqual(seq([]));
    expect(parseValue('<<<<>>, {}, << >>>>')).toEqual(tuple(seq([]), set([]), seq([])));
  });

  it('reads an interval as the set of its integers', () => {
    expect(parseValue('1..3')).toEqual(set([int(1), int(2), int(3)]));
    expect(parseValue('-1..1')).toEqual(set([int(-1), int(0), int(1)]));
    expect(parseValue('3..1')).toEqual(set([]));
  });

  it('reads values wrapped the way TLC wraps them', () => {
    // From TLC 2.18's -tool output for a record of functions and a long sequence.
    const recfn = `( s1 :>
      [ nextIndex |-> (s1 :> 1 @@ s2 :> 1 @@ s3 :> 1),
        matchIndex |-> (s1 :> 0 @@ s2 :> 0 @@ s3 :> 0),
        commit |-> 0 ] @@
  s2 :>
      [ nextIndex |-> (s1 :> 1 @@ s2 :> 1 @@ s3 :> 1),
        matchIndex |-> (s1 :> 0 @@ s2 :> 0 @@ s3 :> 0),
        commit |-> 0 ] )`;
    const indexes = (n: number) => `(s1 :> ${n} @@ s2 :> ${n} @@ s3 :> ${n})`;
    const entry = `[commit |-> 0, matchIndex |-> ${indexes(0)}, nextIndex |-> ${indexes(1)}]`;
    expect(parseValue(recfn).key).toBe(`(s1 :> ${entry} @@ s2 :> ${entry})`);
    expect(parseValue('<< 1000,\n   2000,\n   3000 >>')).toEqual(tuple(int(1000), int(2000), int(3000)));
    expect(parseValue('{ (s1 :> 1 @@ s2 :> 1),\n  (s1 :> 2 @@ s2 :> 2) }').key).toBe('{(s1 :> 1 @@ s2 :> 1), (s1 :> 2 @@ s2 :> 2)}');
    expect(parseValue('( [a |-> 1] :> 1 @@\r\n  [a |-> 2] :> 1 )').key).toBe('([a |-> 1] :> 1 @@ [a |-> 2] :> 1)');
  });

  it('round-trips every value through its key', () => {
    fc.assert(
      fc.property(arbitraryTlaValue, (v) => {
        expect(parseValue(v.key).key).toBe(v.key);
      }),
      { numRuns: 2000 },
    );
  });

  it('is insensitive to the whitespace and parentheses TLC may put between tokens', () => {
    const whitespace = fc.array(fc.constantFrom('', ' ', '  ', '\n', '\n  ', '\n      ', '\t', '\r\n'), { minLength: 1, maxLength: 16 });
    fc.assert(
      fc.property(arbitraryTlaValue, whitespace, fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }), (v, spaces, parens) => {
        const printed = printLoosely(v, cycle(spaces), cycle(parens));
        expect(parseValue(printed).key).toBe(v.key);
      }),
      { numRuns: 1000 },
    );
  });

  it('reports errors with the file, line and column', () => {
    expect(errorOf(() => parseValue('[a |-> 1,\n  b |-> ]', 'spec.out', 10)).message).toBe('spec.out:11:9: expected a value, found "]"');
    expect(errorOf(() => parseValue('<<1, 2', 'x.txt')).message).toBe('x.txt:1:7: expected "," or ">>", found end of input');
    expect(errorOf(() => parseValue('"abc')).message).toBe('<input>:1:1: unterminated string');
    expect(errorOf(() => parseValue('"a\\qb"')).message).toBe('<input>:1:3: invalid escape in string');
    expect(errorOf(() => parseValue('[a |-> 1, a |-> 2]')).message).toBe('<input>:1:11: field a is given twice');
    expect(errorOf(() => parseValue('(a :> 1 @@ a :> 2)')).message).toBe('<input>:1:2: function has two values for a');
    expect(errorOf(() => parseValue('1 :> 2 @@ 3')).message).toBe('<input>:1:1: the operands of @@ must be functions, not 3');
    expect(errorOf(() => parseValue('1 2')).message).toBe('<input>:1:3: unexpected "2" after the value');
    expect(errorOf(() => parseValue('99999999999999999999')).message).toBe('<input>:1:1: integer out of range');
    expect(errorOf(() => parseValue('1..99999999')).message).toBe('<input>:1:1: the interval 1..99999999 is too large to enumerate');
    expect(errorOf(() => parseValue('')).message).toBe('<input>:1:1: expected a value, found end of input');
    expect(errorOf(() => parseValue('{__}')).message).toBe('<input>:1:2: expected a value');
    expect(errorOf(() => parseValue('12_')).message).toBe('<input>:1:1: expected a value');
  });
});

describe('parseState', () => {
  it('reads the conjunction form', () => {
    const state = parseState('/\\ x = 0\n/\\ y = [a |-> {1, 2}, b |-> <<"s", TRUE>>]');
    expect(state).toEqual({ x: int(0), y: record({ a: set([int(1), int(2)]), b: tuple(str('s'), bool(true)) }) });
  });

  it('reads the one-variable form', () => {
    expect(parseState('x = [a |-> 0, b |-> 0]')).toEqual({ x: record({ a: int(0), b: int(0) }) });
  });

  it('reads a state printed by TLC 2.18, wrapped values and escapes included', () => {
    const state = parseState(`/\\ str = "quote\\" back\\\\ nl\\n end"
/\\ neg = -5
/\\ emp = <<<<>>, {}, << >>>>
/\\ f = (Nil :> {} @@ [a |-> 1] :> 1 @@ [a |-> 2] :> 2)
/\\ x = 0
/\\ log = ( s1 :>
      << <<[k |-> 1, v |-> s1], {-1, 1}>>,
         <<[k |-> 2, v |-> s1], {-2, 2}>> >> @@
  s2 :>
      << <<[k |-> 1, v |-> s2], {-1, 1}>>,
         <<[k |-> 2, v |-> s2], {-2, 2}>> >> )
/\\ w = 1..3
/\\ keys = ("a b" :> 1 @@ "c" :> 1)`);
    expect(Object.keys(state).sort()).toEqual(['emp', 'f', 'keys', 'log', 'neg', 'str', 'w', 'x']);
    expect(state.str).toEqual(str('quote" back\\ nl\n end'));
    expect(state.neg).toEqual(int(-5));
    expect(state.emp.key).toBe('<<<<>>, {}, <<>>>>');
    expect(state.f.key).toBe('(Nil :> {} @@ [a |-> 1] :> 1 @@ [a |-> 2] :> 2)');
    expect(state.log.key).toBe(
      '(s1 :> <<<<[k |-> 1, v |-> s1], {-1, 1}>>, <<[k |-> 2, v |-> s1], {-2, 2}>>>> @@ s2 :> <<<<[k |-> 1, v |-> s2], {-1, 1}>>, <<[k |-> 2, v |-> s2], {-2, 2}>>>>)',
    );
    expect(state.w).toEqual(set([int(1), int(2), int(3)]));
    expect(state.keys).toEqual(record([['a b', int(1)], ['c', int(1)]]));
  });

  it('keeps variables named like Object.prototype properties as data', () => {
    const state = parseState('/\\ constructor = 1\n/\\ __proto__ = 2');
    expect(Object.keys(state).sort()).toEqual(['__proto__', 'constructor']);
    expect(state.__proto__).toEqual(int(2));
  });

  it('round-trips every state through showState', () => {
    fc.assert(
      fc.property(arbitraryTlaState, (state) => {
        expect(stateKey(parseState(showState(state)))).toBe(stateKey(state));
      }),
      { numRuns: 1000 },
    );
  });

  it('is insensitive to line breaks and indentation between conjuncts', () => {
    fc.assert(
      fc.property(arbitraryTlaState, fc.array(fc.constantFrom(' ', '\n', '\n   ', '  \n'), { minLength: 1, maxLength: 8 }), (state, spaces) => {
        const space = cycle(spaces);
        const text = Object.entries(state)
          .map(([name, v]) => `/\\${space() || ' '}${name}${space()}=${space()}${printLoosely(v, space, () => false)}`)
          .join('\n');
        expect(stateKey(parseState(text))).toBe(stateKey(state));
      }),
      { numRuns: 500 },
    );
  });

  it('places errors in the enclosing file', () => {
    expect(errorOf(() => parseState('/\\ x = 1\n/\\ y = {1,\n  ]', 'tr_0_0', 5)).message).toBe('tr_0_0:7:3: expected a value, found "]"');
    expect(errorOf(() => parseState('/\\ x = 1\n/\\ x = 2', 'f')).message).toBe('f:2:4: variable x is given twice');
    expect(errorOf(() => parseState('/\\ x == 1', 'f')).message).toBe('f:1:6: expected "=" after x');
    expect(errorOf(() => parseState('x = 1\ny = 2', 'f')).message).toBe('f:2:1: unexpected "y = 2" after the state');
    expect(errorOf(() => parseState('/\\ x = 1 y = 2', 'f')).message).toBe('f:1:10: expected "/\\", found "y = 2"');
    expect(errorOf(() => parseState('  \n', 'f')).message).toBe('f:2:1: expected a variable name');
    expect(errorOf(() => parseState('/\\ _ = 1', 'f')).message).toBe('f:1:4: expected a variable name');
  });
});

describe('helpers', () => {
  it('lineAndColumn counts from the first line given', () => {
    expect(lineAndColumn('ab\ncd\ne', 4)).toEqual({ line: 2, column: 2 });
    expect(lineAndColumn('ab\ncd\ne', 0, 7)).toEqual({ line: 7, column: 1 });
  });

  it('unescapeTlaString decodes TLA+ escapes and refuses others', () => {
    expect(unescapeTlaString('a\\"b\\\\c\\nd')).toBe('a"b\\c\nd');
    expect(unescapeTlaString('a\\x')).toBeUndefined();
  });
});

function cycle<T>(items: readonly T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length];
}

/** Print a value as TLC might, with the given whitespace between tokens and, where asked, redundant parentheses. */
function printLoosely(v: TlaValue, space: () => string, parenthesise: () => boolean): string {
  const print = (x: TlaValue): string => printLoosely(x, space, parenthesise);
  const list = (items: string[]) => items.map((item) => `${space()}${item}${space()}`).join(',');
  let text: string;
  switch (v.kind) {
    case 'set':
      text = `{${list(v.elems.map(print))}}`;
      break;
    case 'seq':
      text = `<<${list(v.elems.map(print))}${space()}>>`;
      break;
    case 'record':
      text = `[${list(v.fields.map(([name, e]) => `${name}${space()}|->${space()}${print(e)}`))}]`;
      break;
    case 'fn':
      text = `(${v.entries.map(([k, e]) => `${space()}${print(k)}${space()}:>${space()}${print(e)}${space()}`).join('@@')})`;
      break;
    default:
      text = v.key;
  }
  return parenthesise() ? `(${space()}${text}${space()})` : text;
}
