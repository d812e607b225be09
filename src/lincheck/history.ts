// Jepsen histories: reading them (EDN, one map per line or one vector of maps; or JSON lines),
// writing them, and pairing each invocation with its completion into an operation.
//
// edn-data builds the values, but it is lenient (an unclosed map parses as nil, a stray `]`
// throws a TypeError), so a small scanner first splits the text into forms with their line
// numbers and checks the brackets and strings; every problem becomes one InputError naming the
// line.

import { parseEDNString, toEDNString, toKeyword } from 'edn-data';
import type { EDNVal } from 'edn-data';
import { InputError } from '../core/errors.ts';

export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

/** One line of a Jepsen history. value is a string, null (nil), or [from, to] for cas; key may be absent (single register). */
export interface HistoryEvent {
  readonly process: number | string;
  readonly type: OpType;
  /** read|write|cas for register; get|read, put|write, delete, append, cas for kv */
  readonly f: string;
  readonly key?: string;
  readonly value: unknown;
  /** any monotone time (ns in Jepsen, virtual ms in our simulator); the order of lines is the real-time order */
  readonly time?: number;
  /** 1-based line in the source file, for error messages */
  readonly line?: number;
}

const TYPES: ReadonlySet<string> = new Set(['invoke', 'ok', 'fail', 'info']);

type Format = 'edn' | 'json';

interface Form {
  readonly text: string;
  readonly line: number;
}

/**
 * The events of a history file. EDN (Jepsen's history.edn: one map per line, or a vector of
 * maps) or JSON (one object per line, or an array), told apart by the first map's first key.
 * Each event is checked, and so is their pairing: each completion follows an invocation of its
 * process.
 */
export function parseHistory(text: string, file: string): HistoryEvent[] {
  const format = detectFormat(text);
  const forms = eventForms(text, file, format);
  const events: HistoryEvent[] = [];
  for (const form of forms) {
    const raw = format === 'json' ? parseJsonForm(form, file) : parseEdnForm(form, file);
    if (raw === undefined) continue; // an EDN #_ discard
    events.push(toEvent(raw, form.line, file, format));
  }
  pairOperations(events, file); // a completion with no invocation is bad input too: say so now
  return events;
}

function detectFormat(text: string): Format {
  // The first two significant characters: `{"` or `[{"` is JSON; anything else is read as EDN.
  const m = /^(?:\s|,|;[^\n]*\n?)*(\[?)\s*\{\s*"/.exec(text);
  return m !== null ? 'json' : 'edn';
}

/** Splits the text into the event forms: the top-level forms, or the elements of a lone top-level vector or list. */
function eventForms(text: string, file: string, format: Format): Form[] {
  const { top, children } = scanForms(text, file, format);
  if (top.length === 1 && (top[0].text.startsWith('[') || top[0].text.startsWith('('))) return children;
  return top;
}

const MAX_DEPTH = 64;
const DELIMS = new Set(['(', ')', '[', ']', '{', '}', '"', ';']);
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ',' || c === '\f';

/**
 * A scanner for the shape of EDN (or JSON): strings, comments, char literals, brackets, tags and
 * #_ discards. It returns the top-level forms and the forms directly inside a top-level
 * container, each with its first line, and rejects unbalanced brackets, unclosed strings and
 * maps with a key but no value.
 */
function scanForms(text: string, file: string, format: Format): { top: Form[]; children: Form[] } {
  const edn = format === 'edn';
  const top: Form[] = [];
  let children: Form[] = [];
  let inner: Form[] = []; // the forms inside the top-level container being read
  interface Open {
    readonly char: string;
    readonly line: number;
    readonly start: number;
    forms: number;
    prefixStart: number; // start of a pending #tag, or -1
    prefixLine: number;
    discards: number; // pending #_
  }
  const root: Open = { char: '', line: 1, start: 0, forms: 0, prefixStart: -1, prefixLine: 0, discards: 0 };
  const stack: Open[] = [root];
  let line = 1;
  let i = 0;
  const n = text.length;

  /** A form from `start` to `end` (exclusive) has ended, in the innermost open container. */
  const formDone = (start: number, end: number, startLine: number) => {
    const here = stack[stack.length - 1];
    if (here.prefixStart >= 0) {
      start = here.prefixStart;
      startLine = here.prefixLine;
      here.prefixStart = -1;
    }
    if (here.discards > 0) {
      here.discards--;
      if (stack.length === 1) inner = [];
      return;
    }
    here.forms++;
    const form = { text: text.slice(start, end), line: startLine };
    if (stack.length === 1) {
      if (top.length === 0) children = inner;
      inner = [];
      top.push(form);
    } else if (stack.length === 2) inner.push(form);
  };

  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (isSpace(c) || (!edn && c === ':')) {
      i++;
      continue;
    }
    if (edn && c === ';') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '"') {
      const start = i;
      const startLine = line;
      i++;
      while (i < n && text[i] !== '"') {
        if (text[i] === '\\') i++;
        if (text[i] === '\n') line++;
        i++;
      }
      if (i >= n) throw new InputError(file, startLine, 'a string that is never closed: a " is missing');
      i++;
      formDone(start, i, startLine);
      continue;
    }
    if (c === '(' || c === '[' || c === '{' || (edn && c === '#' && text[i + 1] === '{')) {
      const start = i;
      const char = c === '#' ? '#{' : c;
      i += char.length;
      // Values are compared by recursive functions; no history nests this deep.
      if (stack.length > MAX_DEPTH) throw new InputError(file, line, `brackets nested more than ${MAX_DEPTH} deep`);
      stack.push({ char, line, start, forms: 0, prefixStart: -1, prefixLine: 0, discards: 0 });
      continue;
    }
    if (c === ')' || c === ']' || c === '}') {
      const open = stack[stack.length - 1];
      const want = open.char === '(' ? ')' : open.char === '[' ? ']' : open.char === '' ? '' : '}';
      if (want !== c) {
        if (open.char === '') throw new InputError(file, line, `a ${c} that closes nothing: a bracket is missing before it, or it is one too many`);
        throw new InputError(file, line, `a ${c} where the ${open.char} opened on line ${open.line} needs a ${want}`);
      }
      if (open.prefixStart >= 0 || open.discards > 0) throw new InputError(file, line, `a tag or #_ with nothing after it before ${c}`);
      if (open.char === '{' && open.forms % 2 === 1) throw new InputError(file, open.line, 'a map with a key and no value: every key needs a value, as in {:process 0, :type :invoke, :f :read, :value nil}');
      stack.pop();
      i++;
      formDone(open.start, i, open.line);
      continue;
    }
    if (edn && c === '#' && text[i + 1] === '_') {
      stack[stack.length - 1].discards++;
      i += 2;
      continue;
    }
    if (edn && c === '#') {
      // A tag (#inst "..."): it belongs to the form after it.
      const here = stack[stack.length - 1];
      if (here.prefixStart < 0) {
        here.prefixStart = i;
        here.prefixLine = line;
      }
      i++;
      while (i < n && !isSpace(text[i]) && !DELIMS.has(text[i])) i++;
      continue;
    }
    // An atom: a number, keyword, symbol, nil, true, false, or an EDN char literal (\a, \newline).
    const start = i;
    if (edn && c === '\\') i += 2;
    while (i < n && !isSpace(text[i]) && !DELIMS.has(text[i]) && (edn || text[i] !== ':')) i++;
    if (i === start) i++; // a character no rule above takes (a ; in JSON): one form of its own, for the parser to refuse
    formDone(start, i, line);
  }
  if (stack.length > 1) {
    const open = stack[stack.length - 1];
    throw new InputError(file, open.line, `a ${open.char} that is never closed: the file ends before its ${open.char === '(' ? ')' : open.char === '[' ? ']' : '}'}`);
  }
  if (root.prefixStart >= 0) throw new InputError(file, root.prefixLine, 'a tag with nothing after it at the end of the file');
  return { top, children };
}

const EDN_OPTIONS = { mapAs: 'object', keywordAs: 'string', listAs: 'array', setAs: 'array', symbolAs: 'string', charAs: 'string' } as const;

function parseEdnForm(form: Form, file: string): unknown {
  let value: unknown;
  try {
    // Inside a vector, so a discarded or empty form comes back as [] rather than as a bare nil.
    value = parseEDNString(`[${form.text}]`, EDN_OPTIONS);
  } catch (e) {
    throw new InputError(file, form.line, `not EDN: ${firstLine(e)}`);
  }
  if (!Array.isArray(value)) throw new InputError(file, form.line, 'not EDN');
  return value.length === 0 ? undefined : value[0];
}

function parseJsonForm(form: Form, file: string): unknown {
  try {
    return JSON.parse(form.text);
  } catch (e) {
    throw new InputError(file, form.line, `not JSON: ${firstLine(e)}`);
  }
}

const firstLine = (e: unknown) => String(e instanceof Error ? e.message : e).split('\n')[0];

function toEvent(raw: unknown, line: number, file: string, format: Format): HistoryEvent {
  const field = (name: string) => (format === 'edn' ? `:${name}` : `"${name}"`);
  const example = format === 'edn' ? '{:process 0, :type :invoke, :f :read, :value nil}' : '{"process":0,"type":"invoke","f":"read","value":null}';
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || raw instanceof Date) {
    throw new InputError(file, line, `each event must be a map, such as ${example}, not ${describe(raw)}`);
  }
  const map = raw as Record<string, unknown>;
  const bad = (detail: string): never => {
    throw new InputError(file, line, detail);
  };
  const name = (v: unknown): string | undefined => (typeof v === 'string' ? v.replace(/^:/, '') : undefined);

  if (!('process' in map)) bad(`no ${field('process')}: every event names its client, as in ${example}`);
  let process = map.process;
  if (typeof process === 'bigint') process = safeNumber(process, () => bad(`${field('process')} ${String(process)} is too large a number`));
  if (typeof process === 'string') process = process.replace(/^:/, '');
  if (!((typeof process === 'number' && Number.isInteger(process)) || typeof process === 'string')) bad(`${field('process')} is ${describe(process)}: it must be a whole number or a name`);

  const type = name(map.type);
  if (type === undefined) bad(`${'type' in map ? `${field('type')} is ${describe(map.type)}` : `no ${field('type')}`}: it must be invoke, ok, fail or info`);
  if (!TYPES.has(type as string)) bad(`${field('type')} is ${describe(map.type)}: it must be invoke, ok, fail or info`);

  const f = name(map.f);
  if (f === undefined || f === '') bad(`${'f' in map ? `${field('f')} is ${describe(map.f)}` : `no ${field('f')}`}: it names the operation (read, write, cas, ...)`);

  let key: string | undefined;
  if (map.key !== undefined && map.key !== null) {
    key = keyString(map.key);
    if (key === undefined) bad(`${field('key')} is ${describe(map.key)}: it must be a string, keyword or number`);
  }
  let value = normalise(map.value === undefined ? null : map.value, () => bad(`${field('value')} holds a number too large to compare exactly`));
  if (key === undefined) {
    const tuple = splitTuple(f as string, value);
    if (tuple !== undefined) [key, value] = tuple;
  }

  let time: number | undefined;
  if (map.time !== undefined && map.time !== null) {
    const t = typeof map.time === 'bigint' ? Number(map.time) : map.time;
    if (typeof t !== 'number' || Number.isNaN(t)) bad(`${field('time')} is ${describe(map.time)}: it must be a number`);
    time = t as number;
  }
  return { process: process as number | string, type: type as OpType, f: f as string, ...(key !== undefined ? { key } : {}), value, ...(time !== undefined ? { time } : {}), line };
}

function safeNumber(v: bigint, tooLarge: () => never): number {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : tooLarge();
}

function keyString(k: unknown): string | undefined {
  if (typeof k === 'string') return k.replace(/^:/, '');
  if (typeof k === 'number' || typeof k === 'bigint') return String(k);
  return undefined;
}

/**
 * Jepsen's independent histories put the key in the value: [key value], and for cas
 * [key [from to]]. A plain cas value is [from to] with a scalar `to`, which tells them apart.
 */
export function splitTuple(f: string, value: unknown): [string, unknown] | undefined {
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const key = keyString(value[0]);
  if (key === undefined) return undefined;
  if (f.replace(/^:/, '') === 'cas' && !Array.isArray(value[1])) return undefined;
  return [key, value[1]];
}

/** Values as plain data: bigints as numbers, #inst dates as ISO strings. */
function normalise(v: unknown, tooLarge: () => never): unknown {
  if (typeof v === 'bigint') return safeNumber(v, tooLarge);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? String(v) : v.toISOString();
  if (Array.isArray(v)) return v.map((x) => normalise(x, tooLarge));
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalise(x, tooLarge)]));
  return v;
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return 'a vector';
  if (typeof v === 'object' && v !== null) return 'a map';
  return String(v);
}

/** A value as a person reads it, EDN-style: nil, 3, "abc", [1 2]. */
export function showValue(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(showValue).join(' ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `:${k} ${showValue(x)}`).join(', ')}}`;
  return String(v);
}

/** One text per value, equal exactly when the values are: 1 and "1" differ, key order of maps does not matter. */
export function canonical(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'number') return Object.is(v, -0) ? '0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(' ')}]`;
  if (typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)} ${canonical((v as Record<string, unknown>)[k])}`)
      .join(' ')}}`;
  }
  return `#${typeof v} ${String(v)}`;
}

/** A history as text, one event per line: EDN as Jepsen writes it, or JSON lines. */
export function formatHistory(events: readonly HistoryEvent[], format: Format = 'edn'): string {
  const lines = events.map((e) => {
    if (format === 'json') {
      return JSON.stringify({ process: e.process, type: e.type, f: e.f, ...(e.key !== undefined ? { key: e.key } : {}), value: e.value ?? null, ...(e.time !== undefined ? { time: e.time } : {}) });
    }
    return historyEventToEdn(e);
  });
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** A history line as Jepsen writes it, by edn-data: {:process 0, :type :invoke, :f :read, :key "k1", :value nil, :time 12}. */
function historyEventToEdn(e: HistoryEvent): string {
  const field = (name: string, v: EDNVal): [EDNVal, EDNVal] => [toKeyword(name), v];
  return toEDNString({
    map: [
      field('process', e.process),
      field('type', toKeyword(e.type)),
      field('f', toKeyword(e.f)),
      ...(e.key !== undefined ? [field('key', e.key)] : []),
      field('value', ednValue(e.value)),
      ...(e.time !== undefined ? [field('time', e.time)] : []),
    ],
  });
}

function ednValue(v: unknown): EDNVal {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(ednValue);
  if (typeof v === 'object') return { map: Object.entries(v).map(([k, x]): [EDNVal, EDNVal] => [k, ednValue(x)]) };
  return v as EDNVal;
}

/** An invocation paired with what became of it. */
export interface PairedOp {
  /** in order of invocation, from 0 */
  readonly id: number;
  readonly process: number | string;
  readonly f: string;
  /** '' when the history has no key (one register) */
  readonly key: string;
  readonly invokeValue: unknown;
  /** the completion's value (ok, fail or info); undefined if the op never completed */
  readonly completeValue: unknown;
  /** positions of the invocation and completion among the events: the real-time order */
  readonly call: number;
  /** Infinity for info and never-completed ops */
  readonly ret: number;
  readonly status: 'ok' | 'fail' | 'info';
  readonly invokeLine?: number;
  readonly completeLine?: number;
}

/** Where an event is, for an error message: file:line, or its position when it has no line. */
export function eventError(file: string | undefined, e: HistoryEvent, index: number, detail: string): InputError {
  if (e.line !== undefined) return new InputError(file ?? 'history', e.line, detail);
  return new InputError(file ?? 'history', undefined, `event ${index + 1}: ${detail}`);
}

/**
 * Pairs each invocation with its process's next completion. Nemesis events (process "nemesis")
 * are not client operations and are left out. A completion with no open invocation, a second
 * invocation while one is open, or a completion of another f or key is bad input.
 */
export function pairOperations(events: readonly HistoryEvent[], file?: string): PairedOp[] {
  const ops: PairedOp[] = [];
  interface Open {
    readonly id: number;
    readonly event: HistoryEvent;
    readonly key: string;
    readonly value: unknown;
    readonly index: number;
  }
  const open = new Map<number | string, Open>();
  const slots: (PairedOp | undefined)[] = [];
  events.forEach((e, index) => {
    if (e.process === 'nemesis') return;
    let key = e.key;
    let value = e.value;
    if (key === undefined) {
      const tuple = splitTuple(e.f, value);
      if (tuple !== undefined) [key, value] = tuple;
    }
    const pending = open.get(e.process);
    if (e.type === 'invoke') {
      if (pending !== undefined) {
        const where = pending.event.line !== undefined ? `line ${pending.event.line}` : `event ${pending.index + 1}`;
        throw eventError(file, e, index, `process ${String(e.process)} invokes ${e.f} while its ${pending.event.f} from ${where} is still open: a process has one operation at a time (Jepsen gives a crashed process a new number)`);
      }
      const id = slots.length;
      slots.push(undefined);
      open.set(e.process, { id, event: e, key: key ?? '', value, index });
      return;
    }
    if (pending === undefined) throw eventError(file, e, index, `${e.type} for process ${String(e.process)}, which has no operation open: every ok, fail or info follows an invoke of its process`);
    if (e.f !== pending.event.f) throw eventError(file, e, index, `${e.type} of ${e.f} for process ${String(e.process)}, whose open operation is ${pending.event.f}: a completion has the f of its invoke`);
    if (key !== undefined && key !== pending.key && e.type === 'ok') throw eventError(file, e, index, `ok on key ${JSON.stringify(key)} for process ${String(e.process)}, whose open operation is on key ${JSON.stringify(pending.key)}`);
    open.delete(e.process);
    slots[pending.id] = {
      id: pending.id,
      process: e.process,
      f: pending.event.f,
      key: pending.key,
      invokeValue: pending.value,
      completeValue: value,
      call: pending.index,
      ret: e.type === 'info' ? Infinity : index,
      status: e.type as 'ok' | 'fail' | 'info',
      invokeLine: pending.event.line,
      completeLine: e.line,
    };
  });
  // An invocation never completed may have happened, at any time after it: an info op.
  for (const p of open.values()) {
    slots[p.id] = { id: p.id, process: p.event.process, f: p.event.f, key: p.key, invokeValue: p.value, completeValue: undefined, call: p.index, ret: Infinity, status: 'info', invokeLine: p.event.line };
  }
  for (const s of slots) ops.push(s as PairedOp);
  return ops;
}
