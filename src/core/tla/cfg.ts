// A reader for TLC model configuration files (.cfg), following the grammar of TLC's ModelConfig:
// a sequence of sections, each a keyword followed by names or, after CONSTANT(S), assignments.
//
//   CONSTANTS N = 3
//             Server = {s1, s2}     \* s1 and s2 are model values
//             Nil = Nil             (* a model value named like the constant *)
//             Max <- MaxImpl        \* an operator override
//   SPECIFICATION Spec
//   INVARIANT TypeOK Safety
//   CHECK_DEADLOCK FALSE
//
// As in TLC, a constant's value is an integer, a string, TRUE, FALSE, a set of values, or any other
// name, which is a model value.

import { readFileSync } from 'node:fs';
import { InputError } from '../errors.ts';
import { unescapeTlaString } from './parse.ts';
import { bool, int, modelValue, set, str } from './value.ts';
import type { TlaValue } from './value.ts';

export type TlcConfig = {
  constants: Map<string, TlaValue>;
  /** Operator overrides `Op <- Other`, from the overridden name to the overriding one. */
  overrides: Map<string, string>;
  init?: string;
  next?: string;
  specification?: string;
  invariants: string[];
  properties: string[];
  constraints: string[];
  actionConstraints: string[];
  symmetry?: string;
  view?: string;
  alias?: string;
  checkDeadlock?: boolean;
  postcondition?: string;
};

/** Read and parse a .cfg file. */
export function readCfg(file: string): TlcConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(file, undefined, `cannot read the model configuration: ${(error as Error).message}`);
  }
  return parseCfg(text, file);
}

export function parseCfg(text: string, file: string): TlcConfig {
  return new CfgParser(tokenize(text, file), file).config();
}

type SingleNameSection = 'init' | 'next' | 'specification' | 'symmetry' | 'view' | 'alias' | 'postcondition';
type NameListSection = 'invariants' | 'properties' | 'constraints' | 'actionConstraints';
type Section = SingleNameSection | NameListSection | 'constants' | 'checkDeadlock';

const SECTIONS = new Map<string, Section>([
  ['CONSTANT', 'constants'],
  ['CONSTANTS', 'constants'],
  ['INIT', 'init'],
  ['NEXT', 'next'],
  ['SPECIFICATION', 'specification'],
  ['INVARIANT', 'invariants'],
  ['INVARIANTS', 'invariants'],
  ['PROPERTY', 'properties'],
  ['PROPERTIES', 'properties'],
  ['CONSTRAINT', 'constraints'],
  ['CONSTRAINTS', 'constraints'],
  ['ACTION_CONSTRAINT', 'actionConstraints'],
  ['ACTION_CONSTRAINTS', 'actionConstraints'],
  ['SYMMETRY', 'symmetry'],
  ['VIEW', 'view'],
  ['ALIAS', 'alias'],
  ['CHECK_DEADLOCK', 'checkDeadlock'],
  ['POSTCONDITION', 'postcondition'],
]);

type Token = {
  kind: 'word' | 'number' | 'string' | 'symbol' | 'end';
  text: string;
  line: number;
  column: number;
};

const SYMBOLS = ['<-', '=', '{', '}', ',', '[', ']', '(', ')', '!'];

function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let pos = 0;
  function fail(detail: string, at: number): never {
    throw new InputError(file, line, detail, at - lineStart + 1);
  }
  const newlineAt = (at: number) => {
    line++;
    lineStart = at + 1;
  };
  while (pos < text.length) {
    const c = text[pos];
    if (c === '\n') {
      newlineAt(pos);
      pos++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      pos++;
    } else if (text.startsWith('\\*', pos)) {
      const end = text.indexOf('\n', pos);
      pos = end === -1 ? text.length : end;
    } else if (text.startsWith('(*', pos)) {
      // TLA+ block comments nest.
      const openLine = line;
      const openColumn = pos - lineStart + 1;
      let depth = 0;
      do {
        if (pos >= text.length) throw new InputError(file, openLine, 'unterminated comment "(*"', openColumn);
        if (text.startsWith('(*', pos)) {
          depth++;
          pos += 2;
        } else if (text.startsWith('*)', pos)) {
          depth--;
          pos += 2;
        } else {
          if (text[pos] === '\n') newlineAt(pos);
          pos++;
        }
      } while (depth > 0);
    } else {
      const start = pos;
      const token = (kind: Token['kind'], tokenText: string): Token => ({ kind, text: tokenText, line, column: start - lineStart + 1 });
      if (c === '"') {
        pos++;
        while (pos < text.length && text[pos] !== '"' && text[pos] !== '\n') pos += text[pos] === '\\' ? 2 : 1;
        if (text[pos] !== '"') fail('unterminated string', start);
        pos++;
        const value = unescapeTlaString(text.slice(start + 1, pos - 1));
        if (value === undefined) fail('invalid escape in string', start);
        tokens.push(token('string', value));
      } else if (isWordChar(c) || (c === '-' && isDigit(text[pos + 1]))) {
        pos++;
        while (pos < text.length && isWordChar(text[pos])) pos++;
        const word = text.slice(start, pos);
        const isNumber = /^-?\d+$/.test(word);
        if (c === '-' && !isNumber) fail(`invalid number ${word}`, start);
        tokens.push(token(isNumber ? 'number' : 'word', word));
      } else {
        const symbol = SYMBOLS.find((s) => text.startsWith(s, pos));
        if (symbol === undefined) fail(`unexpected character ${JSON.stringify(c)}`, pos);
        pos += symbol.length;
        tokens.push(token('symbol', symbol));
      }
    }
  }
  tokens.push({ kind: 'end', text: 'end of file', line, column: pos - lineStart + 1 });
  return tokens;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isWordChar(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c === '_';
}

class CfgParser {
  private next = 0;
  private readonly result: TlcConfig = {
    constants: new Map(),
    overrides: new Map(),
    invariants: [],
    properties: [],
    constraints: [],
    actionConstraints: [],
  };

  constructor(
    private readonly tokens: Token[],
    private readonly file: string,
  ) {}

  private fail(detail: string, token: Token): never {
    throw new InputError(this.file, token.line, detail, token.column);
  }

  private peek(): Token {
    return this.tokens[this.next];
  }

  private take(): Token {
    const token = this.tokens[this.next];
    if (token.kind !== 'end') this.next++;
    return token;
  }

  /** Whether the next token is a name, as opposed to a keyword, a symbol or the end. */
  private atName(): boolean {
    const token = this.peek();
    return token.kind === 'word' && !SECTIONS.has(token.text);
  }

  private atSymbol(symbol: string): boolean {
    const token = this.peek();
    return token.kind === 'symbol' && token.text === symbol;
  }

  private name(what: string): string {
    return this.checkName(this.take(), what);
  }

  private checkName(token: Token, what: string): string {
    if (token.kind !== 'word' || SECTIONS.has(token.text)) this.fail(`expected ${what}, found ${describe(token)}`, token);
    if (!/[A-Za-z]/.test(token.text)) this.fail(`${token.text} is not a TLA+ identifier`, token);
    return token.text;
  }

  config(): TlcConfig {
    while (this.peek().kind !== 'end') {
      const keyword = this.take();
      const section = keyword.kind === 'word' ? SECTIONS.get(keyword.text) : undefined;
      if (section === undefined) this.fail(`expected a keyword such as CONSTANTS, INIT or INVARIANT, found ${describe(keyword)}`, keyword);
      switch (section) {
        case 'constants':
          while (this.atName()) this.constant();
          break;
        case 'invariants':
        case 'properties':
        case 'constraints':
        case 'actionConstraints':
          while (this.atName()) this.result[section].push(this.name('a name'));
          break;
        case 'checkDeadlock': {
          const token = this.take();
          if (token.kind !== 'word' || (token.text !== 'TRUE' && token.text !== 'FALSE')) {
            this.fail(`expected TRUE or FALSE after CHECK_DEADLOCK, found ${describe(token)}`, token);
          }
          if (this.result.checkDeadlock !== undefined) this.fail('CHECK_DEADLOCK is given twice', keyword);
          this.result.checkDeadlock = token.text === 'TRUE';
          break;
        }
        default:
          if (this.result[section] !== undefined) this.fail(`${keyword.text} is given twice`, keyword);
          this.result[section] = this.name(`a name after ${keyword.text}`);
      }
    }
    return this.result;
  }

  /** One `Name = value` or `Name <- Other` of a CONSTANTS section. */
  private constant(): void {
    const nameToken = this.peek();
    const name = this.name('a constant name');
    if (this.result.constants.has(name) || this.result.overrides.has(name)) this.fail(`${name} is given twice`, nameToken);
    const operator = this.take();
    if (operator.kind === 'symbol' && operator.text === '<-') {
      if (this.atSymbol('[')) {
        this.fail(`overrides inside a module (${name} <- [Module] Op) are not supported; override in the main module`, this.peek());
      }
      this.result.overrides.set(name, this.name(`the name of the operator overriding ${name}`));
      return;
    }
    if (operator.kind !== 'symbol' || operator.text !== '=') {
      if (operator.text === '(') this.fail(`constant operators with arguments (${name}(...) = ...) are not supported`, operator);
      if (operator.text === '!') this.fail(`constants of instantiated modules (${name}!...) are not supported`, operator);
      this.fail(`expected "=" or "<-" after ${name}, found ${describe(operator)}`, operator);
    }
    if (this.atSymbol('[')) {
      this.fail(`values for a module's constants (${name} = [Module] value) are not supported`, this.peek());
    }
    this.result.constants.set(name, this.value());
  }

  private value(): TlaValue {
    const token = this.take();
    switch (token.kind) {
      case 'number': {
        const value = Number(token.text);
        if (!Number.isSafeInteger(value)) this.fail(`integer ${token.text} is out of range`, token);
        return int(value);
      }
      case 'string':
        return str(token.text);
      case 'word':
        if (token.text === 'TRUE' || token.text === 'FALSE') return bool(token.text === 'TRUE');
        return modelValue(this.checkName(token, 'a value'));
      case 'symbol':
        if (token.text === '{') return this.setValue();
    }
    return this.fail(`expected a value, found ${describe(token)}`, token);
  }

  private setValue(): TlaValue {
    const elems: TlaValue[] = [];
    if (this.atSymbol('}')) {
      this.next++;
      return set(elems);
    }
    for (;;) {
      elems.push(this.value());
      const token = this.take();
      if (token.kind === 'symbol' && token.text === '}') return set(elems);
      if (token.kind !== 'symbol' || token.text !== ',') this.fail(`expected "," or "}", found ${describe(token)}`, token);
    }
  }
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'end of file' : token.kind === 'string' ? JSON.stringify(token.text) : `"${token.text}"`;
}
