import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCfg, readCfg } from '../../../src/core/tla/cfg.ts';
import { bool, int, modelValue, set, str } from '../../../src/core/tla/value.ts';
import type { TlaValue } from '../../../src/core/tla/value.ts';
import { arbitraryIdentifier } from './arbitrary.ts';
import { errorOf } from '../../support/errors.ts';


const KEYWORDS = [
  'CONSTANT',
  'CONSTANTS',
  'INIT',
  'NEXT',
  'SPECIFICATION',
  'INVARIANT',
  'INVARIANTS',
  'PROPERTY',
  'PROPERTIES',
  'CONSTRAINT',
  'CONSTRAINTS',
  'ACTION_CONSTRAINT',
  'ACTION_CONSTRAINTS',
  'SYMMETRY',
  'VIEW',
  'ALIAS',
  'CHECK_DEADLOCK',
  'POSTCONDITION',
];

describe('parseCfg', () => {
  it('reads every section', () => {
    const config = parseCfg(
      String.raw`\* Raft, three servers
CONSTANTS
  Server = {s1, s2, s3}
  MaxTerm = 3
  Neg = -2
  Nil = Nil
  Greeting = "hi \"there\""
  Flags = {TRUE, FALSE, {}}
  Max <- MaxImpl
(* the model *)
SPECIFICATION Spec
INIT Init NEXT Next
INVARIANTS TypeOK
  Safety
INVARIANT Extra
PROPERTY Liveness
PROPERTIES Termination
CONSTRAINT Bound
ACTION_CONSTRAINTS Fair
SYMMETRY Perms
VIEW View
ALIAS Alias
CHECK_DEADLOCK FALSE
POSTCONDITION Post
`,
      'Raft.cfg',
    );
    expect(config).toEqual({
      constants: new Map<string, TlaValue>([
        ['Server', set(['s1', 's2', 's3'].map(modelValue))],
        ['MaxTerm', int(3)],
        ['Neg', int(-2)],
        ['Nil', modelValue('Nil')],
        ['Greeting', str('hi "there"')],
        ['Flags', set([bool(true), bool(false), set([])])],
      ]),
      overrides: new Map([['Max', 'MaxImpl']]),
      specification: 'Spec',
      init: 'Init',
      next: 'Next',
      invariants: ['TypeOK', 'Safety', 'Extra'],
      properties: ['Liveness', 'Termination'],
      constraints: ['Bound'],
      actionConstraints: ['Fair'],
      symmetry: 'Perms',
      view: 'View',
      alias: 'Alias',
      checkDeadlock: false,
      postcondition: 'Post',
    });
  });

  it('takes names of Object.prototype properties for names, not keywords', () => {
    const config = parseCfg('CONSTANTS constructor = 1 toString = hasOwnProperty\nINVARIANT valueOf', 'x.cfg');
    expect([...config.constants.keys()]).toEqual(['constructor', 'toString']);
    expect(config.constants.get('toString')).toEqual(modelValue('hasOwnProperty'));
    expect(config.invariants).toEqual(['valueOf']);
  });

  it('skips nested block comments and comments between tokens', () => {
    const config = parseCfg('CONSTANT (* outer (* inner *) still *) N = (* here *) 3 \\* trailing\nINIT Init', 'x.cfg');
    expect(config.constants.get('N')).toEqual(int(3));
    expect(config.init).toBe('Init');
  });

  it('reads back any constants, comments and layout', () => {
    const name = arbitraryIdentifier.filter((n) => !KEYWORDS.includes(n));
    const { value } = fc.letrec<{ value: TlaValue }>((tie) => ({
      value: fc.oneof(
        { maxDepth: 2 },
        fc.integer().map(int),
        fc.string({ maxLength: 6 }).map(str),
        fc.boolean().map(bool),
        name.map(modelValue),
        fc.array(tie('value'), { maxLength: 4 }).map(set),
      ),
    }));
    const gap = fc.constantFrom(' ', '\n', '\n  ', ' (* c *) ', ' \\* c\n', '\t');
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(name, value), { selector: ([n]) => n, maxLength: 5 }), fc.array(gap, { minLength: 1, maxLength: 8 }), (constants, gaps) => {
        let i = 0;
        const next = () => gaps[i++ % gaps.length];
        const text = `CONSTANTS${next()}${constants.map(([n, v]) => `${n}${next()}=${next()}${v.key}`).join(next())}${next()}INIT Init`;
        const config = parseCfg(text, 'm.cfg');
        expect([...config.constants].map(([n, v]) => [n, v.key])).toEqual(constants.map(([n, v]) => [n, v.key]));
        expect(config.init).toBe('Init');
      }),
      { numRuns: 500 },
    );
  });

  it('reports errors with the line and column', () => {
    const cases: [string, string][] = [
      ['CONSTANTS\n  S = {s1, s2', 'm.cfg:2:14: expected "," or "}", found end of file'],
      ['CONSTANTS\n  Op <- [Mod] Impl', 'm.cfg:2:9: overrides inside a module (Op <- [Module] Op) are not supported; override in the main module'],
      ['CONSTANTS\n  C = [Mod] 3', 'm.cfg:2:7: values for a module\'s constants (C = [Module] value) are not supported'],
      ['CONSTANTS F(_) = 3', 'm.cfg:1:12: constant operators with arguments (F(...) = ...) are not supported'],
      ['CONSTANTS M!C = 3', 'm.cfg:1:12: constants of instantiated modules (M!...) are not supported'],
      ['CONSTANTS N 3', 'm.cfg:1:13: expected "=" or "<-" after N, found "3"'],
      ['CONSTANTS N = 3 N = 4', 'm.cfg:1:17: N is given twice'],
      ['CONSTANTS N = INIT', 'm.cfg:1:15: expected a value, found "INIT"'],
      ['CONSTANTS N = 99999999999999999999', 'm.cfg:1:15: integer 99999999999999999999 is out of range'],
      ['CONSTANTS N = "a\\qb"', 'm.cfg:1:15: invalid escape in string'],
      ['CONSTANTS N = "ab', 'm.cfg:1:15: unterminated string'],
      ['INIT Init\nINIT Other', 'm.cfg:2:1: INIT is given twice'],
      ['INIT', 'm.cfg:1:5: expected a name after INIT, found end of file'],
      ['NEXT 42', 'm.cfg:1:6: expected a name after NEXT, found "42"'],
      ['CHECK_DEADLOCK maybe', 'm.cfg:1:16: expected TRUE or FALSE after CHECK_DEADLOCK, found "maybe"'],
      ['Init', 'm.cfg:1:1: expected a keyword such as CONSTANTS, INIT or INVARIANT, found "Init"'],
      ['INIT Init\n  (* never closed', 'm.cfg:2:3: unterminated comment "(*"'],
      ['INIT Init;', 'm.cfg:1:10: unexpected character ";"'],
      ['CONSTANTS N = -x', 'm.cfg:1:15: unexpected character "-"'],
    ];
    expect(cases.map(([text]) => errorOf(() => parseCfg(text, 'm.cfg')).message)).toEqual(cases.map(([, message]) => message));
  });
});

describe('readCfg', () => {
  it('reads a file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cfg-test-')), 'M.cfg');
    writeFileSync(file, 'CONSTANT N = 3\nSPECIFICATION Spec\n');
    expect(readCfg(file)).toMatchObject({ specification: 'Spec', constants: new Map([['N', int(3)]]) });
  });

  it('names a file it cannot read', () => {
    const missing = join(tmpdir(), 'no-such-dir-for-cfg-test', 'M.cfg');
    expect(errorOf(() => readCfg(missing)).message).toMatch(new RegExp(`^${missing}: cannot read the model configuration: ENOENT`));
  });
});
