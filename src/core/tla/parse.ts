// A parser for TLA+ values as TLC prints them: in `-tool` output, in `-dump dot` labels and in
// `-simulate file=` trace modules. TLC's pretty printer wraps long values and indents the
// continuation lines, and pads some brackets with spaces (`<< 1,\n   2 >>`, `[ a |-> 1 ]`,
// `( s1 :>\n      [...] @@\n  s2 :> ... )`), so whitespace, newlines included, may separate any
// two tokens.
//
// The conformance check parses hundreds of thousands of state labels, so this is a hand-written
// scanner over char codes: no regular expression runs per character or per token.

import { InputError } from '../errors.ts';
import { bool, fn, functionEntries, int, modelValue, seq, set, str } from './value.ts';
import type { TlaState, TlaValue } from './value.ts';

/** Parse one value, e.g. `[a |-> {1, 2}, b |-> <<"s", TRUE>>]`. */
export function parseValue(text: string, file = '<input>', firstLine = 1): TlaValue {
  const parser = new ValueParser(text, file, firstLine);
  parser.skipSpace();
  const value = parser.expression();
  parser.expectEnd('after the value');
  return value;
}

/**
 * Parse a state as TLC prints it: conjuncts `/\ x = <value>` (values may span several lines), or
 * `x = <value>` alone for a spec with one variable.
 */
export function parseState(text: string, file = '<input>', firstLine = 1): TlaState {
  const parser = new ValueParser(text, file, firstLine);
  parser.skipSpace();
  const entries: [string, TlaValue][] = [];
  const names = new Set<string>();
  const conjunction = parser.at('/\\');
  do {
    if (conjunction) parser.expect('/\\');
    parser.skipSpace();
    const nameAt = parser.pos;
    const name = parser.word();
    if (!isIdentifier(name)) parser.fail('expected a variable name', nameAt);
    if (names.has(name)) parser.fail(`variable ${name} is given twice`, nameAt);
    names.add(name);
    parser.skipSpace();
    if (!parser.at('=') || parser.at('==')) parser.fail(`expected "=" after ${name}`);
    parser.pos++;
    parser.skipSpace();
    entries.push([name, parser.expression()]);
    parser.skipSpace();
  } while (conjunction && !parser.atEnd());
  parser.expectEnd('after the state');
  // fromEntries defines own properties, so even a variable called __proto__ is kept as data.
  return Object.fromEntries(entries);
}

/** The 1-based line and column of an offset into text whose first line is `firstLine`. */
export function lineAndColumn(text: string, offset: number, firstLine = 1): { line: number; column: number } {
  let line = firstLine;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** Decode the escapes of a TLA+ string literal body (the text between the quotes), or undefined if one is invalid. */
export function unescapeTlaString(body: string): string | undefined {
  let out = '';
  let chunk = 0;
  for (let i = body.indexOf('\\'); i !== -1; i = body.indexOf('\\', chunk)) {
    const decoded = STRING_ESCAPES[body.charCodeAt(i + 1)];
    if (decoded === undefined) return undefined;
    out += body.slice(chunk, i) + decoded;
    chunk = i + 2;
  }
  return out + body.slice(chunk);
}

// TLA+ has exactly these escapes; TLC prints every other character as itself.
const STRING_ESCAPES: Record<number, string> = { 34: '"', 92: '\\', 110: '\n', 116: '\t', 114: '\r', 102: '\f' };

// Enumerating `a..b` allocates every element; refuse intervals no state could reasonably hold.
const MAX_INTERVAL_SIZE = 1_000_000;

// Labels repeat the same few model values and field names thousands of times; reusing their
// values skips re-validating and re-quoting them. The caches are emptied when they grow large, so
// input with endless distinct names cannot exhaust memory.
const CACHE_LIMIT = 10_000;
const modelValues = new Map<string, TlaValue>();
const fieldNames = new Map<string, TlaValue>();

function cached(cache: Map<string, TlaValue>, name: string, make: (name: string) => TlaValue): TlaValue {
  let value = cache.get(name);
  if (value === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    value = make(name);
    cache.set(name, value);
  }
  return value;
}

const enum Char {
  Tab = 9,
  Newline = 10,
  Return = 13,
  Space = 32,
  Quote = 34,
  LeftParen = 40,
  Comma = 44,
  Minus = 45,
  Zero = 48,
  Nine = 57,
  Less = 60,
  UpperA = 65,
  UpperZ = 90,
  LeftBracket = 91,
  Backslash = 92,
  RightBracket = 93,
  Underscore = 95,
  LowerA = 97,
  LowerZ = 122,
  LeftBrace = 123,
}

function isDigit(c: number): boolean {
  return c >= Char.Zero && c <= Char.Nine;
}

function isLetter(c: number): boolean {
  return (c >= Char.LowerA && c <= Char.LowerZ) || (c >= Char.UpperA && c <= Char.UpperZ);
}

function isWordChar(c: number): boolean {
  return isLetter(c) || isDigit(c) || c === Char.Underscore;
}

/** Whether a run of identifier characters is a TLA+ identifier, which needs a letter. */
function isIdentifier(word: string): boolean {
  for (let i = 0; i < word.length; i++) if (isLetter(word.charCodeAt(i))) return true;
  return false;
}

class ValueParser {
  pos = 0;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly firstLine: number,
  ) {}

  fail(detail: string, at = this.pos): never {
    const { line, column } = lineAndColumn(this.text, at, this.firstLine);
    throw new InputError(this.file, line, detail, column);
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  at(token: string): boolean {
    return this.text.startsWith(token, this.pos);
  }

  expect(token: string): void {
    if (!this.at(token)) this.fail(`expected "${token}", found ${this.describeNext()}`);
    this.pos += token.length;
  }

  expectEnd(where: string): void {
    this.skipSpace();
    if (!this.atEnd()) this.fail(`unexpected ${this.describeNext()} ${where}`);
  }

  skipSpace(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c !== Char.Space && c !== Char.Newline && c !== Char.Tab && c !== Char.Return) break;
      pos++;
    }
    this.pos = pos;
  }

  /** The longest run of identifier characters at the cursor (possibly empty). */
  word(): string {
    const start = this.pos;
    let pos = start;
    while (isWordChar(this.text.charCodeAt(pos))) pos++;
    this.pos = pos;
    return this.text.slice(start, pos);
  }

  describeNext(): string {
    if (this.atEnd()) return 'end of input';
    const rest = this.text.slice(this.pos, this.pos + 12).split('\n')[0];
    return JSON.stringify(rest.length > 0 ? rest : '\n');
  }

  /**
   * A value, or a function built with TLC's `:>` and `@@`: `k1 :> v1 @@ k2 :> v2`, where, as in
   * TLA+, `:>` binds tighter than `@@`. TLC never prints a key twice, so a key with two different
   * values is an error here rather than resolved by the left bias of `@@`.
   */
  expression(): TlaValue {
    const start = this.pos;
    let operand = this.primary();
    this.skipSpace();
    if (!this.at(':>') && !this.at('@@')) return operand;
    const entries: (readonly [TlaValue, TlaValue])[] = [];
    for (;;) {
      if (this.at(':>')) {
        this.pos += 2;
        this.skipSpace();
        entries.push([operand, this.primary()]);
        this.skipSpace();
      } else if (operand.kind === 'seq' || operand.kind === 'record' || operand.kind === 'fn') {
        entries.push(...functionEntries(operand));
      } else {
        this.fail(`the operands of @@ must be functions, not ${operand.key}`, start);
      }
      if (!this.at('@@')) return this.makeFunction(entries, start);
      this.pos += 2;
      this.skipSpace();
      operand = this.primary();
      this.skipSpace();
    }
  }

  makeFunction(entries: (readonly [TlaValue, TlaValue])[], start: number): TlaValue {
    try {
      return fn(entries);
    } catch (error) {
      if (error instanceof RangeError) this.fail(error.message, start);
      throw error;
    }
  }

  primary(): TlaValue {
    const c = this.text.charCodeAt(this.pos);
    switch (c) {
      case Char.Quote:
        return this.string();
      case Char.Less:
        return this.sequence();
      case Char.LeftBrace:
        return this.set();
      case Char.LeftBracket:
        return this.record();
      case Char.LeftParen: {
        this.pos++;
        this.skipSpace();
        const inner = this.expression();
        this.skipSpace();
        this.expect(')');
        return inner;
      }
      case Char.Minus:
        return this.numberOrInterval();
    }
    if (isDigit(c)) return this.numberOrInterval();
    if (isWordChar(c)) return this.name();
    return this.fail(`expected a value, found ${this.describeNext()}`);
  }

  /** An integer, or an interval `a..b`, which is the set of integers from a to b. */
  numberOrInterval(): TlaValue {
    const start = this.pos;
    const low = this.integer();
    if (low === undefined) {
      // A digit-led identifier such as 1a is a model value.
      this.pos = start;
      return this.name();
    }
    if (!this.at('..')) return int(low);
    this.pos += 2;
    const highAt = this.pos;
    const high = this.integer();
    if (high === undefined) return this.fail('expected an integer after ".."', highAt);
    if (high - low >= MAX_INTERVAL_SIZE) this.fail(`the interval ${low}..${high} is too large to enumerate`, start);
    const elems: TlaValue[] = [];
    for (let i = low; i <= high; i++) elems.push(int(i));
    return set(elems);
  }

  /** An optionally negative decimal integer at the cursor, or undefined if the digits run into letters. */
  integer(): number | undefined {
    const start = this.pos;
    if (this.text.charCodeAt(this.pos) === Char.Minus) this.pos++;
    const digitsAt = this.pos;
    while (isDigit(this.text.charCodeAt(this.pos))) this.pos++;
    if (this.pos === digitsAt) this.fail('expected digits', digitsAt);
    if (isWordChar(this.text.charCodeAt(this.pos))) {
      if (digitsAt !== start) this.fail('expected an integer', start);
      return undefined;
    }
    const value = Number(this.text.slice(start, this.pos));
    if (!Number.isSafeInteger(value)) this.fail('integer out of range', start);
    return value;
  }

  name(): TlaValue {
    const start = this.pos;
    const name = this.word();
    if (name === 'TRUE') return bool(true);
    if (name === 'FALSE') return bool(false);
    if (!isIdentifier(name)) this.fail('expected a value', start);
    return cached(modelValues, name, modelValue);
  }

  string(): TlaValue {
    const text = this.text;
    const open = this.pos;
    let out = '';
    let chunk = open + 1;
    for (let i = chunk; ; i++) {
      const c = text.charCodeAt(i);
      if (c === Char.Quote) {
        this.pos = i + 1;
        return str(out + text.slice(chunk, i));
      }
      if (c === Char.Backslash) {
        const decoded = STRING_ESCAPES[text.charCodeAt(i + 1)];
        if (decoded === undefined) this.fail('invalid escape in string', i);
        out += text.slice(chunk, i) + decoded;
        i++;
        chunk = i + 1;
      } else if (c === Char.Newline || Number.isNaN(c)) {
        this.fail('unterminated string', open);
      }
    }
  }

  sequence(): TlaValue {
    this.expect('<<');
    return seq(this.list('>>'));
  }

  set(): TlaValue {
    this.pos++;
    return set(this.list('}'));
  }

  /** Comma-separated values up to the closing token, which is consumed. */
  list(close: string): TlaValue[] {
    const elems: TlaValue[] = [];
    this.skipSpace();
    if (this.at(close)) {
      this.pos += close.length;
      return elems;
    }
    for (;;) {
      elems.push(this.expression());
      this.skipSpace();
      if (this.at(close)) {
        this.pos += close.length;
        return elems;
      }
      if (this.text.charCodeAt(this.pos) !== Char.Comma) this.fail(`expected "," or "${close}", found ${this.describeNext()}`);
      this.pos++;
      this.skipSpace();
    }
  }

  /** A record `[a |-> 1, b |-> 2]`; TLC never prints `[]`, but it would be the empty record, <<>>. */
  record(): TlaValue {
    this.pos++;
    this.skipSpace();
    const fields: (readonly [TlaValue, TlaValue])[] = [];
    if (this.text.charCodeAt(this.pos) === Char.RightBracket) {
      this.pos++;
      return fn(fields);
    }
    for (;;) {
      const nameAt = this.pos;
      const name = this.word();
      if (name === '') this.fail(`expected a field name, found ${this.describeNext()}`);
      const field = cached(fieldNames, name, str);
      // Records are small, so a linear search beats building a set of names.
      for (const [other] of fields) if (other.key === field.key) this.fail(`field ${name} is given twice`, nameAt);
      this.skipSpace();
      this.expect('|->');
      this.skipSpace();
      fields.push([field, this.expression()]);
      this.skipSpace();
      const c = this.text.charCodeAt(this.pos);
      if (c !== Char.Comma && c !== Char.RightBracket) this.fail(`expected "," or "]", found ${this.describeNext()}`);
      this.pos++;
      if (c === Char.RightBracket) return fn(fields);
      this.skipSpace();
    }
  }
}
