// The Informal Trace Format (ITF), the JSON trace format of Apalache and Quint:
// https://apalache-mc.org/docs/adr/015adr-trace.html
//
// How TLA+ values map to ITF here:
// - Integers are written as JSON numbers (all our integers are safe integers); both plain numbers
//   and {"#bigint": "123"} are read.
// - Sequences (and so tuples, which are the same value) are written as JSON arrays; {"#tup": [...]}
//   is read as a sequence too.
// - Records are written as JSON objects, unless a field name starts with "#" (which ITF reserves),
//   in which case the record is written as a #map like any other function.
// - Sets are written as {"#set": [...]}, other functions as {"#map": [[k, v], ...]}, both in the
//   canonical order of their elements.
// - Model values have no ITF form. We write them as {"#unserializable": "<name>"}: the ADR's form
//   for a value without a JSON representation, whose payload is the value's TLA+ text, which for a
//   model value is its name. Unlike a plain string, this cannot be mistaken for a TLA+ string, so
//   the round trip is lossless, and a tool that does not know the value refuses it rather than
//   misreading it. Reading, an #unserializable payload that is a model value name becomes that
//   model value; anything else (Apalache writes "Int", "SUBSET BOOLEAN", ...) is an error.
// - Apalache writes a constant of an uninterpreted type as a string "name_OF_TYPE"; Apalache's
//   type checker treats exactly the strings of that shape as such constants, so we read them as
//   model values, keeping the whole text as the name: s1_OF_A and s1_OF_B are distinct values.
//   Writing a TLA+ string of that shape is refused, as it would not read back as a string.

import { InputError } from '../errors.ts';
import { lineAndColumn } from './parse.ts';
import { bool, fn, int, modelValue, seq, set, str } from './value.ts';
import type { TlaState, TlaValue } from './value.ts';

export type ItfTrace = {
  meta: Record<string, unknown>;
  vars: string[];
  states: TlaState[];
  /** The index of the state where the lasso's loop starts. */
  loop?: number;
};

/** Read an ITF trace. Values of `params` (the constants of the trace) are not part of any state and are skipped. */
export function readItf(text: string, file: string): ItfTrace {
  const reader = new ItfReader(text, file);
  const root = new JsonParser(text, reader).document();
  return reader.trace(root);
}

/** Write an ITF trace as indented JSON with keys in a fixed order, so equal traces give equal text. */
export function writeItf(trace: ItfTrace): string {
  const members: [string, Json][] = [
    ['#meta', jsonOfPlain(trace.meta)],
    ['vars', trace.vars],
    ['states', trace.states.map((state, index) => stateToJson(state, index, trace.vars))],
  ];
  if (trace.loop !== undefined) members.push(['loop', trace.loop]);
  return render(new JsonObject(members), '') + '\n';
}

// ---- writing -----------------------------------------------------------------------------------

/** JSON to write. Objects keep their members in the order given, which plain JS objects do not (integer-like keys come first). */
type Json = null | boolean | number | string | readonly Json[] | JsonObject;

class JsonObject {
  constructor(readonly members: readonly (readonly [string, Json])[]) {}
}

function stateToJson(state: TlaState, index: number, vars: readonly string[]): Json {
  const names = Object.keys(state);
  if (names.length !== vars.length || !vars.every((name) => Object.hasOwn(state, name))) {
    throw new RangeError(`state ${index} has variables ${names.join(', ')}, the trace declares ${vars.join(', ')}`);
  }
  return new JsonObject([['#meta', new JsonObject([['index', index]])], ...vars.map((name) => [name, valueToJson(state[name])] as const)]);
}

function valueToJson(v: TlaValue): Json {
  switch (v.kind) {
    case 'int':
    case 'bool':
      return v.value;
    case 'str':
      if (APALACHE_CONSTANT.test(v.value)) {
        throw new RangeError(`the string ${v.key} cannot be written to ITF: it would be read back as an Apalache constant`);
      }
      return v.value;
    case 'model':
      return new JsonObject([['#unserializable', v.name]]);
    case 'set':
      return new JsonObject([['#set', v.elems.map(valueToJson)]]);
    case 'seq':
      return v.elems.map(valueToJson);
    case 'record':
      if (v.fields.some(([name]) => name.startsWith('#'))) {
        return new JsonObject([['#map', v.fields.map(([name, e]) => [name, valueToJson(e)])]]);
      }
      return new JsonObject(v.fields.map(([name, e]) => [name, valueToJson(e)]));
    case 'fn':
      return new JsonObject([['#map', v.entries.map(([k, e]) => [valueToJson(k), valueToJson(e)])]]);
  }
}

/** Metadata is arbitrary JSON from the caller; object keys are sorted so the output is stable. */
function jsonOfPlain(x: unknown): Json {
  if (x === null || typeof x === 'boolean' || typeof x === 'string') return x;
  if (typeof x === 'number' && Number.isFinite(x)) return x;
  if (Array.isArray(x)) return x.map(jsonOfPlain);
  if (typeof x === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(x))) {
    return new JsonObject(
      Object.keys(x)
        .sort()
        .map((key) => [key, jsonOfPlain((x as Record<string, unknown>)[key])]),
    );
  }
  throw new TypeError(`ITF metadata must be plain JSON, not ${String(x)}`);
}

function render(x: Json, indent: string): string {
  if (x === null || typeof x !== 'object') return JSON.stringify(x);
  const inner = indent + '  ';
  if (x instanceof JsonObject) {
    if (x.members.length === 0) return '{}';
    return `{\n${x.members.map(([key, value]) => `${inner}${JSON.stringify(key)}: ${render(value, inner)}`).join(',\n')}\n${indent}}`;
  }
  if (x.length === 0) return '[]';
  return `[\n${x.map((item) => inner + render(item, inner)).join(',\n')}\n${indent}]`;
}

// ---- reading -----------------------------------------------------------------------------------

/** Parsed JSON that remembers where each node starts, so shape errors can name a line. */
type JsonNode =
  | { kind: 'null'; at: number }
  | { kind: 'bool'; at: number; value: boolean }
  | { kind: 'number'; at: number; text: string }
  | { kind: 'string'; at: number; value: string }
  | { kind: 'array'; at: number; items: JsonNode[] }
  | { kind: 'object'; at: number; members: [string, JsonNode][] };

const SPECIAL_FORMS = new Set(['#bigint', '#tup', '#set', '#map', '#unserializable']);

// What Apalache's ModelValueHandler recognises as a constant of an uninterpreted type.
const APALACHE_CONSTANT = /^[a-zA-Z0-9_]+_OF_[A-Z_][A-Z0-9_]*$/;
const MODEL_VALUE_NAME = /^[A-Za-z0-9_]*[A-Za-z][A-Za-z0-9_]*$/;
// Names that TLA+ gives to built-in infinite sets and to the Booleans; as an #unserializable payload
// they are those values, which we cannot represent, not model values.
const RESERVED_NAMES = new Set(['TRUE', 'FALSE', 'BOOLEAN', 'STRING', 'Int', 'Nat', 'Real']);

class ItfReader {
  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  fail(detail: string, at: number): never {
    const { line, column } = lineAndColumn(this.text, at);
    throw new InputError(this.file, line, detail, column);
  }

  trace(root: JsonNode): ItfTrace {
    const members = this.object(root, 'an ITF trace');
    let meta: Record<string, unknown> = {};
    let vars: string[] | undefined;
    let params: string[] = [];
    let statesNode: JsonNode | undefined;
    let loopNode: JsonNode | undefined;
    for (const [key, node] of members) {
      if (key === '#meta') meta = plain(this.object(node, '"#meta"'));
      else if (key === 'vars') vars = this.names(node, '"vars"');
      else if (key === 'params') params = this.names(node, '"params"');
      else if (key === 'states') statesNode = node;
      else if (key === 'loop') loopNode = node;
      else if (!key.startsWith('#')) this.fail(`unknown field "${key}" in an ITF trace`, node.at);
    }
    if (vars === undefined) this.fail('an ITF trace needs "vars"', root.at);
    if (statesNode === undefined) this.fail('an ITF trace needs "states"', root.at);
    if (statesNode.kind !== 'array') this.fail('"states" must be an array', statesNode.at);
    const states = statesNode.items.map((node, index) => this.state(node, index, vars, params));
    const trace: ItfTrace = { meta, vars, states };
    if (loopNode !== undefined) {
      const loop = loopNode.kind === 'number' ? Number(loopNode.text) : NaN;
      if (!Number.isInteger(loop) || loop < 0 || loop >= states.length) {
        this.fail(`"loop" must be the index of a state (0 to ${states.length - 1})`, loopNode.at);
      }
      trace.loop = loop;
    }
    return trace;
  }

  /** A list of distinct names; Quint repeats some of its mbt:: variables, so repeats are dropped. */
  names(node: JsonNode, what: string): string[] {
    if (node.kind !== 'array') this.fail(`${what} must be an array of names`, node.at);
    const names = node.items.map((item) => (item.kind === 'string' ? item.value : this.fail(`${what} must be an array of names`, item.at)));
    return [...new Set(names)];
  }

  state(node: JsonNode, index: number, vars: readonly string[], params: readonly string[]): TlaState {
    const members = this.object(node, `state ${index}`);
    const entries: [string, TlaValue][] = [];
    for (const [key, value] of members) {
      if (key === '#meta' || params.includes(key)) continue;
      if (!vars.includes(key)) this.fail(`state ${index} sets "${key}", which is not in "vars"`, value.at);
      entries.push([key, this.value(value)]);
    }
    const missing = vars.filter((name) => !entries.some(([key]) => key === name));
    if (missing.length > 0) this.fail(`state ${index} does not set ${missing.join(', ')}`, node.at);
    return Object.fromEntries(entries);
  }

  object(node: JsonNode, what: string): [string, JsonNode][] {
    if (node.kind !== 'object') this.fail(`${what} must be a JSON object`, node.at);
    return node.members;
  }

  value(node: JsonNode): TlaValue {
    switch (node.kind) {
      case 'null':
        return this.fail('null is not a TLA+ value', node.at);
      case 'bool':
        return bool(node.value);
      case 'number':
        return this.integer(node.text, node.at);
      case 'string':
        return APALACHE_CONSTANT.test(node.value) ? modelValue(node.value) : str(node.value);
      case 'array':
        return seq(node.items.map((item) => this.value(item)));
      case 'object':
        return this.objectValue(node.members, node.at);
    }
  }

  integer(text: string, at: number): TlaValue {
    if (!/^-?\d+$/.test(text)) this.fail(`${text} is not an integer`, at);
    const value = Number(text);
    if (!Number.isSafeInteger(value)) this.fail(`the integer ${text} is outside the range this tool supports (±2^53)`, at);
    return int(value);
  }

  objectValue(members: [string, JsonNode][], at: number): TlaValue {
    const special = members.find(([key]) => key.startsWith('#'));
    if (special === undefined) return fn(members.map(([name, node]) => [str(name), this.value(node)] as const));
    const [form, node] = special;
    if (!SPECIAL_FORMS.has(form)) this.fail(`unknown ITF form "${form}"`, at);
    if (members.length !== 1) this.fail(`an object with "${form}" must have no other fields`, at);
    switch (form) {
      case '#bigint':
        if (node.kind !== 'string') this.fail('"#bigint" must be a string of digits', node.at);
        return this.integer(node.value, node.at);
      case '#tup':
        return seq(this.items(node, form).map((item) => this.value(item)));
      case '#set':
        return set(this.items(node, form).map((item) => this.value(item)));
      case '#map':
        return this.map(node);
      default:
        return this.unserializable(node);
    }
  }

  items(node: JsonNode, form: string): JsonNode[] {
    if (node.kind !== 'array') this.fail(`"${form}" must be an array`, node.at);
    return node.items;
  }

  map(node: JsonNode): TlaValue {
    const entries = this.items(node, '#map').map((pair) => {
      if (pair.kind !== 'array' || pair.items.length !== 2) this.fail('each "#map" entry must be a [key, value] pair', pair.at);
      return [this.value(pair.items[0]), this.value(pair.items[1])] as const;
    });
    try {
      return fn(entries);
    } catch (error) {
      if (error instanceof RangeError) this.fail(error.message, node.at);
      throw error;
    }
  }

  unserializable(node: JsonNode): TlaValue {
    if (node.kind !== 'string') this.fail('"#unserializable" must be a string', node.at);
    if (!MODEL_VALUE_NAME.test(node.value) || RESERVED_NAMES.has(node.value)) {
      this.fail(`cannot represent the unserializable value ${JSON.stringify(node.value)}`, node.at);
    }
    return modelValue(node.value);
  }
}

function plain(members: [string, JsonNode][]): Record<string, unknown> {
  // fromEntries defines own properties, so a key such as __proto__ stays data.
  return Object.fromEntries(members.map(([key, node]) => [key, plainValue(node)]));
}

function plainValue(node: JsonNode): unknown {
  switch (node.kind) {
    case 'null':
      return null;
    case 'bool':
    case 'string':
      return node.value;
    case 'number':
      return Number(node.text);
    case 'array':
      return node.items.map(plainValue);
    case 'object':
      return plain(node.members);
  }
}

const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * A JSON parser that records where each node starts. JSON.parse cannot: it gives no positions for
 * shape errors, rounds integers beyond 2^53 silently, and turns a "__proto__" key into a prototype.
 */
class JsonParser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly reader: ItfReader,
  ) {}

  document(): JsonNode {
    const node = this.value();
    this.skipSpace();
    if (this.pos < this.text.length) this.reader.fail('unexpected text after the JSON document', this.pos);
    return node;
  }

  private skipSpace(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return;
      this.pos++;
    }
  }

  private value(): JsonNode {
    this.skipSpace();
    const at = this.pos;
    const c = this.text[at];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return { kind: 'string', at, value: this.string() };
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const [word, node] of [
      ['true', { kind: 'bool', at, value: true }],
      ['false', { kind: 'bool', at, value: false }],
      ['null', { kind: 'null', at }],
    ] as const) {
      if (this.text.startsWith(word, at)) {
        this.pos += word.length;
        return node;
      }
    }
    return this.reader.fail(c === undefined ? 'unexpected end of JSON' : `unexpected ${JSON.stringify(c)} in JSON`, at);
  }

  private object(): JsonNode {
    const at = this.pos++;
    const members: [string, JsonNode][] = [];
    const keys = new Set<string>();
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: 'object', at, members };
    }
    for (;;) {
      this.skipSpace();
      const keyAt = this.pos;
      if (this.text[keyAt] !== '"') this.reader.fail('expected a quoted key in JSON', keyAt);
      const key = this.string();
      if (keys.has(key)) this.reader.fail(`the key ${JSON.stringify(key)} appears twice`, keyAt);
      keys.add(key);
      this.skipSpace();
      this.expect(':');
      members.push([key, this.value()]);
      this.skipSpace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return { kind: 'object', at, members };
      }
      this.expect(',');
    }
  }

  private array(): JsonNode {
    const at = this.pos++;
    const items: JsonNode[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { kind: 'array', at, items };
    }
    for (;;) {
      items.push(this.value());
      this.skipSpace();
      if (this.text[this.pos] === ']') {
        this.pos++;
        return { kind: 'array', at, items };
      }
      this.expect(',');
    }
  }

  private expect(token: string): void {
    if (this.text[this.pos] !== token) {
      this.reader.fail(this.pos >= this.text.length ? 'unexpected end of JSON' : `expected "${token}" in JSON`, this.pos);
    }
    this.pos++;
  }

  /** A string literal at the cursor; JSON.parse decodes its escapes once its end is found. */
  private string(): string {
    const start = this.pos;
    let i = start + 1;
    for (;;) {
      const c = this.text.charCodeAt(i);
      if (c === 34) break;
      if (c === 92) i++;
      else if (Number.isNaN(c) || c === 10) this.reader.fail('unterminated string in JSON', start);
      i++;
    }
    this.pos = i + 1;
    try {
      return JSON.parse(this.text.slice(start, this.pos)) as string;
    } catch {
      return this.reader.fail('invalid string in JSON', start);
    }
  }

  private number(): JsonNode {
    const at = this.pos;
    JSON_NUMBER.lastIndex = at;
    const match = JSON_NUMBER.exec(this.text);
    if (match === null) return this.reader.fail('invalid number in JSON', at);
    this.pos += match[0].length;
    return { kind: 'number', at, text: match[0] };
  }
}
