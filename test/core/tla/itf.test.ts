import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readItf, writeItf } from '../../../src/core/tla/itf.ts';
import type { ItfTrace } from '../../../src/core/tla/itf.ts';
import { bool, fn, int, modelValue, record, seq, set, stateKey, str, tuple } from '../../../src/core/tla/value.ts';
import { arbitraryIdentifier, arbitraryStatesOver } from './arbitrary.ts';
import { errorOf } from '../../support/errors.ts';


// The example of ADR-015, abridged.
const ADR_EXAMPLE = `{
  "#meta": {
    "source": "MC_MissionariesAndCannibalsTyped.tla"
  },
  "vars": [ "bank_of_boat", "who_is_on_bank" ],
  "states": [
    {
      "#meta": { "index": 0 },
      "bank_of_boat": "E",
      "who_is_on_bank": {
        "#map": [
          [ "E", { "#set": [ "c1_OF_PERSON", "c2_OF_PERSON",
                             "m1_OF_PERSON", "m2_OF_PERSON" ] } ],
          [ "W", { "#set": [] } ]
        ]
      }
    },
    {
      "#meta": { "index": 1 },
      "bank_of_boat": "W",
      "who_is_on_bank": {
        "#map": [
          [ "E", { "#set": [ "c1_OF_PERSON", "m1_OF_PERSON" ] } ],
          [ "W", { "#set": [ "c2_OF_PERSON", "m2_OF_PERSON" ] } ]
        ]
      }
    }
  ]
}`;

// Every value form, as Apalache's ITF tests write them, plus a Quint variant.
const ALL_FORMS = `{
  "vars": ["a", "b", "c", "d", "e", "f", "g", "h", "i", "n", "u"],
  "states": [{
    "#meta": { "index": 0 },
    "a": 2,
    "b": "hello",
    "c": [3, { "#bigint": "-1000000000000" }],
    "d": { "#set": [6, 5, 5] },
    "e": { "foo": 3, "bar": true },
    "f": { "#tup": [7, "myStr"] },
    "g": { "#map": [[1, "a"], [2, "b"], [3, "c"]] },
    "h": { "#map": [] },
    "i": { "#map": [[{ "#unserializable": "s1" }, "a"], ["k", false]] },
    "n": { "tag": "Some", "value": {} },
    "u": { "#unserializable": "Nil" }
  }],
  "loop": 0
}`;

describe('readItf', () => {
  it('reads the example of ADR-015, with Apalache constants as model values', () => {
    const trace = readItf(ADR_EXAMPLE, 'mc.itf.json');
    expect(trace.meta).toEqual({ source: 'MC_MissionariesAndCannibalsTyped.tla' });
    expect(trace.vars).toEqual(['bank_of_boat', 'who_is_on_bank']);
    expect(trace.loop).toBeUndefined();
    expect(trace.states).toHaveLength(2);
    const persons = (...names: string[]) => set(names.map((name) => modelValue(`${name}_OF_PERSON`)));
    expect(trace.states[1]).toEqual({
      bank_of_boat: str('W'),
      who_is_on_bank: record({ E: persons('c1', 'm1'), W: persons('c2', 'm2') }),
    });
  });

  it('reads every value form', () => {
    const [state] = readItf(ALL_FORMS, 'forms.itf.json').states;
    expect(state).toEqual({
      a: int(2),
      b: str('hello'),
      c: tuple(int(3), int(-1000000000000)),
      d: set([int(5), int(6)]),
      e: record({ bar: bool(true), foo: int(3) }),
      f: tuple(int(7), str('myStr')),
      g: tuple(str('a'), str('b'), str('c')),
      h: seq([]),
      i: fn([
        [modelValue('s1'), str('a')],
        [str('k'), bool(false)],
      ]),
      n: record({ tag: str('Some'), value: seq([]) }),
      u: modelValue('Nil'),
    });
  });

  it('drops repeated variable names and skips parameters', () => {
    const trace = readItf('{"params": ["N"], "vars": ["x", "x"], "states": [{"N": 3, "x": 1}]}', 't.json');
    expect(trace.vars).toEqual(['x']);
    expect(trace.states).toEqual([{ x: int(1) }]);
  });

  it('reports malformed JSON and shapes with the line', () => {
    const cases: [string, string][] = [
      ['{\n  "vars": ["x"],\n  "states": [\n    {"x": 1,}\n  ]\n}', 't.json:4:13: expected a quoted key in JSON'],
      ['{"vars": ["x"], "states": [{"x": 1}]', 't.json:1:37: unexpected end of JSON'],
      ['{"vars": ["x"], "states": [{"x": 1}]} x', 't.json:1:39: unexpected text after the JSON document'],
      ['{"vars": ["x"],\n "states": [{"x": 1.5}]}', 't.json:2:19: 1.5 is not an integer'],
      ['{"vars": ["x"], "states": [{"x": 9007199254740993}]}', 't.json:1:34: the integer 9007199254740993 is outside the range this tool supports (±2^53)'],
      ['{"vars": ["x"], "states": [{"x": {"#bigint": "1e5"}}]}', 't.json:1:46: 1e5 is not an integer'],
      ['{"vars": ["x"], "states": [{"x": null}]}', 't.json:1:34: null is not a TLA+ value'],
      ['{"vars": ["x"],\n"states": [\n{"y": 1}]}', 't.json:3:7: state 0 sets "y", which is not in "vars"'],
      ['{"vars": ["x", "y"],\n"states": [\n{"y": 1}]}', 't.json:3:1: state 0 does not set x'],
      ['{"vars": ["x"], "states": [{"x": {"#set": [1], "a": 2}}]}', 't.json:1:34: an object with "#set" must have no other fields'],
      ['{"vars": ["x"], "states": [{"x": {"#sett": [1]}}]}', 't.json:1:34: unknown ITF form "#sett"'],
      ['{"vars": ["x"], "states": [{"x": {"#map": [[1]]}}]}', 't.json:1:44: each "#map" entry must be a [key, value] pair'],
      ['{"vars": ["x"], "states": [{"x": {"#map": [[1, 2], [1, 3]]}}]}', 't.json:1:43: function has two values for 1'],
      ['{"vars": ["x"], "states": [{"x": {"#unserializable": "Int"}}]}', 't.json:1:54: cannot represent the unserializable value "Int"'],
      ['{"vars": ["x"], "states": [{"x": {"a": 1, "a": 2}}]}', 't.json:1:43: the key "a" appears twice'],
      ['{"vars": ["x"], "states": [{"x": 1}], "loop": 1}', 't.json:1:47: "loop" must be the index of a state (0 to 0)'],
      ['{"vars": "x", "states": []}', 't.json:1:10: "vars" must be an array of names'],
      ['{"states": []}', 't.json:1:1: an ITF trace needs "vars"'],
      ['{"vars": [], "states": [], "extra": 1}', 't.json:1:37: unknown field "extra" in an ITF trace'],
      ['[]', 't.json:1:1: an ITF trace must be a JSON object'],
      ['{"vars": ["x"], "states": [{"x": "a\nb"}]}', 't.json:1:34: unterminated string in JSON'],
    ];
    expect(cases.map(([text]) => errorOf(() => readItf(text, 't.json')).message)).toEqual(cases.map(([, message]) => message));
  });
});

describe('writeItf', () => {
  it('writes indented JSON with keys in a fixed order', () => {
    const trace: ItfTrace = {
      meta: { source: 'Spec.tla', format: 'ITF' },
      vars: ['y', 'x'],
      states: [
        {
          x: record({ b: set([int(2), int(1)]), a: modelValue('s1') }),
          y: fn([
            [int(2), str('b')],
            [int(5), str('c')],
          ]),
        },
      ],
      loop: 0,
    };
    expect(writeItf(trace)).toBe(`{
  "#meta": {
    "format": "ITF",
    "source": "Spec.tla"
  },
  "vars": [
    "y",
    "x"
  ],
  "states": [
    {
      "#meta": {
        "index": 0
      },
      "y": {
        "#map": [
          [
            2,
            "b"
          ],
          [
            5,
            "c"
          ]
        ]
      },
      "x": {
        "a": {
          "#unserializable": "s1"
        },
        "b": {
          "#set": [
            1,
            2
          ]
        }
      }
    }
  ],
  "loop": 0
}
`);
  });

  it('writes records with integer-like and reserved field names losslessly', () => {
    const trace: ItfTrace = {
      meta: {},
      vars: ['r', 'h'],
      states: [{ r: record({ b: int(1), 10: int(2), 2: int(3) }), h: record({ '#meta': int(1), a: int(2) }) }],
    };
    const text = writeItf(trace);
    expect(text.indexOf('"10"')).toBeLessThan(text.indexOf('"2"'));
    expect(text).toContain('"#map"');
    expect(stateKey(readItf(text, 'x').states[0])).toBe(stateKey(trace.states[0]));
  });

  it('refuses what it cannot write losslessly', () => {
    expect(() => writeItf({ meta: {}, vars: ['x'], states: [{ x: str('a_OF_B') }] })).toThrow(RangeError);
    expect(() => writeItf({ meta: {}, vars: ['x'], states: [{ y: int(1) }] })).toThrow(RangeError);
    expect(() => writeItf({ meta: { at: new Date(0) }, vars: [], states: [] })).toThrow(TypeError);
  });

  it('round-trips arbitrary traces', () => {
    const json = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { maxDepth: 2 },
        fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(fc.string(), tie('value'), { maxKeys: 3 }),
      ),
    })).value;
    const trace = fc
      .uniqueArray(arbitraryIdentifier, { minLength: 1, maxLength: 3 })
      .chain((vars) =>
        fc.record({
          meta: fc.dictionary(fc.string(), json, { maxKeys: 3 }),
          vars: fc.constant(vars),
          states: arbitraryStatesOver(vars),
          loop: fc.option(fc.nat(), { nil: undefined }),
        }),
      )
      .map((t): ItfTrace => {
        const { loop, ...rest } = t;
        return loop === undefined || t.states.length === 0 ? rest : { ...rest, loop: loop % t.states.length };
      });
    fc.assert(
      fc.property(trace, (t) => {
        const back = readItf(writeItf(t), 'trace.itf.json');
        expect(back.meta).toEqual(t.meta);
        expect(back.vars).toEqual(t.vars);
        expect(back.loop).toBe(t.loop);
        expect(back.states.map(stateKey)).toEqual(t.states.map(stateKey));
      }),
      { numRuns: 500 },
    );
  });
});
