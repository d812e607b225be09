// A parser for the output of TLC run with -tool.
//
// In -tool mode TLC frames each message as
//
//   @!@!@STARTMSG <code>:<severity> @!@!@
//   <text>
//   @!@!@ENDMSG <code> @!@!@
//
// Frames nest, and a start marker may follow other text on the same line (an unexpected
// exception wraps the message that describes it). SANY, the front end, writes its progress,
// errors and warnings unframed between the frames. The codes are TLC 2.18's tlc2.output.EC.
//
// The parser is pure: feed it the output in chunks of any size, then call finish() for the
// verdict. A verdict of 'ok' needs TLC's own success message; anything it cannot account for
// becomes 'error' with a one-line reason.

import { basename } from 'node:path';
import { parseState } from '../tla/parse.ts';
import type { TlaState } from '../tla/value.ts';

/** The codes this parser interprets (tlc2.output.EC in TLC 2.18). */
export const TLC_CODE = {
  GENERAL: 1000,
  NESTED_EXPRESSION: 2103,
  INVARIANT_VIOLATED_INITIAL: 2107,
  PROPERTY_VIOLATED_INITIAL: 2108,
  INVARIANT_VIOLATED_BEHAVIOR: 2110,
  ACTION_PROPERTY_VIOLATED_BEHAVIOR: 2112,
  DEADLOCK_REACHED: 2114,
  TEMPORAL_PROPERTY_VIOLATED: 2116,
  BEHAVIOR_UP_TO_THIS_POINT: 2121,
  BACK_TO_STATE: 2122,
  STARTING: 2185,
  FINISHED: 2186,
  MODE_SIMULATION: 2188,
  SUCCESS: 2193,
  SEARCH_DEPTH: 2194,
  STATS: 2199,
  PROGRESS_STATS: 2200,
  PROGRESS_SIMULATION: 2209,
  STATS_SIMULATION: 2210,
  STATE_PRINT1: 2216,
  STATE_PRINT2: 2217,
  STATE_PRINT3: 2218,
  VERSION: 2262,
  COUNTER_EXAMPLE: 2264,
  PARSING_FAILED: 3002,
  SANY_PARSER_CHECK_1: 4000,
  SANY_PARSER_CHECK_3: 4002,
} as const;

/** Message severities (tlc2.output.MP). */
export const TLC_SEVERITY = { NONE: 0, ERROR: 1, TLC_BUG: 2, WARNING: 3, STATE: 4 } as const;

export type TlcOutcome = 'ok' | 'invariant' | 'property' | 'deadlock' | 'error';

export interface TraceStep {
  /** 1-based, as TLC numbers the states. */
  index: number;
  /** "Init" for the initial predicate, "Stuttering" for a stuttering step, else the action name. */
  action: string;
  /** TLC's text for where the action is defined, e.g. "line 6, col 9 to line 6, col 42 of module Counter". */
  location?: string;
  state: TlaState;
}

export interface TlcResult {
  outcome: TlcOutcome;
  /** The violated invariant or property; TLC does not name a violated temporal property. */
  violated?: string;
  /** One line: what went wrong, with file:line:column where TLC or SANY gives a position. */
  error?: string;
  /** e.g. "2.18 of 20 March 2023" */
  version?: string;
  /** From TLC's final statistics, else its last progress report. */
  statesGenerated?: number;
  distinctStates?: number;
  queueLeft?: number;
  depth?: number;
  /** TLC's own "Finished in" time; 0 when TLC never reported it. */
  seconds: number;
  /** The counterexample (or the behaviour leading to an evaluation error). */
  trace?: TraceStep[];
  /** For a liveness counterexample: the index of the state the last state loops back to. */
  lassoStart?: number;
  warnings: string[];
}

export interface TlcMessage {
  code: number;
  severity: number;
  /** The message body, without its framing and trailing newlines. */
  text: string;
  /** The 1-based line of the output on which the body starts. */
  line: number;
}

export interface TlcProgress {
  generated: number;
  /** Absent in simulation, which does not count distinct states. */
  distinct?: number;
  queue?: number;
  /** Seconds since TLC started checking, to TLC's one-second timestamp resolution. */
  seconds?: number;
  /** The depth of the search so far ("Progress(D)"): in trace validation, the lines followed and one. */
  depth?: number;
}

export type TlcEvent =
  | { kind: 'progress'; progress: TlcProgress }
  | { kind: 'message'; message: TlcMessage }
  | { kind: 'line'; line: string; stream: 'stdout' | 'stderr' };

interface CollectedMessage extends TlcMessage {
  /** Index (in start order) of the message this one is nested in. */
  parent?: number;
  closed: boolean;
}

interface OutputLine {
  text: string;
  line: number;
}

const MARKER = /@!@!@(?:STARTMSG (\d+):(\d+)|ENDMSG (\d+)) @!@!@/g;

/** The file name that errors in a trace state are reported against. */
const OUTPUT_NAME = '<TLC output>';

export class TlcOutputParser {
  private readonly messages: CollectedMessage[] = [];
  /** Indices into `messages` of the frames open at the current point. */
  private readonly open: number[] = [];
  private readonly unframed: OutputLine[] = [];
  private readonly stderr: string[] = [];
  private stdoutRest = '';
  private stderrRest = '';
  private lineNumber = 0;
  private startedAt: number | undefined;
  private result: TlcResult | undefined;

  constructor(private readonly onEvent: (event: TlcEvent) => void = () => {}) {}

  /** TLC's standard output, in chunks split anywhere. */
  feed(chunk: string): void {
    this.stdoutRest = this.splitLines(this.stdoutRest + chunk, (line) => this.takeStdoutLine(line));
  }

  /** TLC's standard error: kept to explain a run that ends without a verdict. */
  feedStderr(chunk: string): void {
    this.stderrRest = this.splitLines(this.stderrRest + chunk, (line) => this.takeStderrLine(line));
  }

  /** Ends the input and interprets it. */
  finish(): TlcResult {
    if (this.result === undefined) {
      if (this.stdoutRest !== '') this.takeStdoutLine(this.stdoutRest);
      if (this.stderrRest !== '') this.takeStderrLine(this.stderrRest);
      this.stdoutRest = this.stderrRest = '';
      this.result = interpret(this.messages, this.unframed, this.stderr);
    }
    return this.result;
  }

  private splitLines(text: string, take: (line: string) => void): string {
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      take(text.slice(start, end));
      start = end + 1;
    }
    return text.slice(start);
  }

  private takeStderrLine(raw: string): void {
    const line = withoutCarriageReturn(raw);
    this.stderr.push(line);
    this.onEvent({ kind: 'line', line, stream: 'stderr' });
  }

  private takeStdoutLine(raw: string): void {
    const line = withoutCarriageReturn(raw);
    this.lineNumber++;
    this.onEvent({ kind: 'line', line, stream: 'stdout' });
    let consumed = 0;
    let framed = false;
    for (const marker of line.matchAll(MARKER)) {
      this.appendText(line.slice(consumed, marker.index), false);
      consumed = marker.index + marker[0].length;
      framed = true;
      if (marker[1] !== undefined) this.openMessage(Number(marker[1]), Number(marker[2]));
      else this.closeMessage(Number(marker[3]));
    }
    const tail = line.slice(consumed);
    if (!framed || tail !== '') this.appendText(tail, true);
  }

  private appendText(text: string, endsLine: boolean): void {
    const top = this.open[this.open.length - 1];
    if (top !== undefined) {
      this.messages[top].text += endsLine ? `${text}\n` : text;
    } else if (endsLine || text !== '') {
      this.unframed.push({ text, line: this.lineNumber });
    }
  }

  private openMessage(code: number, severity: number): void {
    this.messages.push({ code, severity, text: '', line: this.lineNumber + 1, parent: this.open[this.open.length - 1], closed: false });
    this.open.push(this.messages.length - 1);
  }

  private closeMessage(code: number): void {
    const depth = this.open.findLastIndex((i) => this.messages[i].code === code);
    // An end marker with no matching start frames nothing; the verdict does not depend on it.
    if (depth === -1) return;
    for (const index of this.open.splice(depth).reverse()) {
      const message = this.messages[index];
      message.closed = true;
      message.text = message.text.replace(/\n+$/, '');
      this.announce(message);
    }
  }

  private announce(collected: CollectedMessage): void {
    const message: TlcMessage = { code: collected.code, severity: collected.severity, text: collected.text, line: collected.line };
    if (message.code === TLC_CODE.STARTING) this.startedAt = parseTimestamp(message.text);
    this.onEvent({ kind: 'message', message });
    if (message.code === TLC_CODE.PROGRESS_STATS || message.code === TLC_CODE.PROGRESS_SIMULATION) {
      const progress = parseProgress(message.text, this.startedAt);
      if (progress !== undefined) this.onEvent({ kind: 'progress', progress });
    }
  }
}

/** Interprets a complete capture of TLC's output. */
export function parseTlcOutput(stdout: string, stderr = ''): TlcResult {
  const parser = new TlcOutputParser();
  parser.feed(stdout);
  parser.feedStderr(stderr);
  return parser.finish();
}

// ---- interpretation ----------------------------------------------------------------------------

interface Verdict {
  outcome: TlcOutcome;
  violated?: string;
  error?: string;
  /** Index of the message that decided the verdict. */
  at?: number;
}

function interpret(messages: readonly CollectedMessage[], unframed: readonly OutputLine[], stderr: readonly string[]): TlcResult {
  const sany = readSany(unframed);
  const closed = messages.filter((m) => m.closed);
  const first = (code: number) => closed.find((m) => m.code === code);
  const last = (code: number) => closed.findLast((m) => m.code === code);

  const verdict = decide(messages, sany, stderr);
  const result: TlcResult = { outcome: verdict.outcome, seconds: 0, warnings: [] };
  if (verdict.violated !== undefined) result.violated = verdict.violated;
  if (verdict.error !== undefined) result.error = verdict.error;

  const version = first(TLC_CODE.VERSION)?.text.match(/Version (.+)$/m)?.[1];
  if (version !== undefined) result.version = version.trim();

  const stats = last(TLC_CODE.STATS) ?? last(TLC_CODE.STATS_SIMULATION) ?? last(TLC_CODE.PROGRESS_STATS) ?? last(TLC_CODE.PROGRESS_SIMULATION);
  const counts = stats === undefined ? undefined : parseCounts(stats.text);
  if (counts !== undefined) {
    result.statesGenerated = counts.generated;
    if (counts.distinct !== undefined) result.distinctStates = counts.distinct;
    if (counts.queue !== undefined) result.queueLeft = counts.queue;
  }
  const depth = last(TLC_CODE.SEARCH_DEPTH)?.text.match(/is (\d+)/)?.[1];
  if (depth !== undefined) result.depth = Number(depth);
  const finished = last(TLC_CODE.FINISHED);
  if (finished !== undefined) result.seconds = parseDuration(finished.text);

  if (verdict.at !== undefined) {
    try {
      const trace = readTrace(messages, verdict.at);
      if (trace !== undefined) {
        result.trace = trace.steps;
        if (trace.lassoStart !== undefined) result.lassoStart = trace.lassoStart;
      }
    } catch (e) {
      result.outcome = 'error';
      result.error = `could not read TLC's counterexample: ${e instanceof Error ? e.message : String(e)}`;
      delete result.violated;
    }
  }

  result.warnings = [
    ...sany.warnings,
    ...closed.filter((m) => m.severity === TLC_SEVERITY.WARNING).map((m) => oneLine(m.text)),
  ];
  return result;
}

/** Message codes that accompany a verdict rather than decide one. */
const SUPPORTING_CODES: ReadonlySet<number> = new Set([
  TLC_CODE.BEHAVIOR_UP_TO_THIS_POINT,
  TLC_CODE.COUNTER_EXAMPLE,
  TLC_CODE.NESTED_EXPRESSION,
]);

function decide(messages: readonly CollectedMessage[], sany: SanyReport, stderr: readonly string[]): Verdict {
  // A run cut short mid-message (a crash, a kill) may have lost part of a counterexample.
  const unclosed = messages.find((m) => !m.closed);
  if (unclosed !== undefined) {
    return { outcome: 'error', error: `TLC's output ended inside message ${unclosed.code}${stderrHint(stderr)}` };
  }
  for (let i = 0; i < messages.length; i++) {
    const verdict = verdictOf(messages, i, sany);
    if (verdict !== undefined) return { ...verdict, at: i };
  }
  const stray = messages.find((m) => isErrorSeverity(m));
  if (stray !== undefined) return { outcome: 'error', error: `TLC printed error message ${stray.code} without a violation or error it belongs to: ${oneLine(stray.text)}` };
  const has = (code: number) => messages.some((m) => m.code === code);
  const finished = has(TLC_CODE.FINISHED);
  if (has(TLC_CODE.MODE_SIMULATION) ? finished : has(TLC_CODE.SUCCESS) && finished) return { outcome: 'ok' };
  if (messages.length === 0) return { outcome: 'error', error: `TLC printed no tool-mode messages${stderrHint(stderr)}` };
  if (!finished) return { outcome: 'error', error: `TLC's output ended before its "Finished" message (${TLC_CODE.FINISHED})${stderrHint(stderr)}` };
  return {
    outcome: 'error',
    error: `TLC finished without a success message (${TLC_CODE.SUCCESS}), a violation or an error${stderrHint(stderr)}`,
  };
}

function verdictOf(messages: readonly CollectedMessage[], index: number, sany: SanyReport): Omit<Verdict, 'at'> | undefined {
  const message = messages[index];
  const { code, text } = message;
  switch (code) {
    case TLC_CODE.INVARIANT_VIOLATED_BEHAVIOR:
      return { outcome: 'invariant', violated: text.match(/^Invariant (.+?) is violated/)?.[1] };
    case TLC_CODE.INVARIANT_VIOLATED_INITIAL:
      return { outcome: 'invariant', violated: text.match(/^Invariant (.+?) is violated by the initial state/)?.[1] };
    case TLC_CODE.PROPERTY_VIOLATED_INITIAL:
      return { outcome: 'property', violated: text.match(/^Property (.+?) is violated by the initial state/)?.[1] };
    case TLC_CODE.ACTION_PROPERTY_VIOLATED_BEHAVIOR:
      return { outcome: 'property', violated: text.match(/^Action property (.+?) is violated/)?.[1] };
    case TLC_CODE.TEMPORAL_PROPERTY_VIOLATED:
      return { outcome: 'property' };
    case TLC_CODE.DEADLOCK_REACHED:
      return { outcome: 'deadlock' };
    case TLC_CODE.GENERAL:
      return { outcome: 'error', error: describeException(messages, index) };
  }
  const fromSany = code === TLC_CODE.PARSING_FAILED || (code >= TLC_CODE.SANY_PARSER_CHECK_1 && code <= TLC_CODE.SANY_PARSER_CHECK_3);
  if (fromSany && sany.errors.length > 0) return { outcome: 'error', error: sany.errors[0] + moreErrors(sany.errors.length - 1, 'SANY error') };
  if (!isErrorSeverity(message) || SUPPORTING_CODES.has(code)) return undefined;
  const position = evaluationPosition(messages, index, sany.moduleFiles);
  return { outcome: 'error', error: `${position === undefined ? '' : `${position}: `}${oneLine(text)}` };
}

function isErrorSeverity(message: TlcMessage): boolean {
  return message.severity === TLC_SEVERITY.ERROR || message.severity === TLC_SEVERITY.TLC_BUG;
}

/** TLC's "unexpected exception": the message it wraps says what happened, else the exception does. */
function describeException(messages: readonly CollectedMessage[], index: number): string {
  const nested = messages.find((m) => m.parent === index && m.text.trim() !== '');
  if (nested !== undefined) return oneLine(nested.text);
  const text = messages[index].text;
  const exception = text.match(/The exception was an? ([\w.$]+)\s*:?\s*([\s\S]*)$/);
  if (exception === null) return oneLine(text);
  const detail = oneLine(exception[2].replace(/^:\s*/, ''));
  return detail === '' ? `TLC failed with ${exception[1]}` : `TLC failed with ${exception[1]}: ${detail}`;
}

/** The innermost position TLC lists in the nested-expression message following an evaluation error. */
function evaluationPosition(messages: readonly CollectedMessage[], index: number, moduleFiles: ReadonlyMap<string, string>): string | undefined {
  const nested = messages.slice(index + 1).find((m) => m.code === TLC_CODE.NESTED_EXPRESSION);
  if (nested === undefined) return undefined;
  const positions = [...nested.text.matchAll(/^\d+\. Line (\d+), column (\d+) to line \d+, column \d+ in (\S+)$/gm)];
  const innermost = positions[positions.length - 1];
  if (innermost === undefined) return undefined;
  return `${fileOfModule(innermost[3], moduleFiles)}:${innermost[1]}:${innermost[2]}`;
}

function stderrHint(stderr: readonly string[]): string {
  const line = stderr.find((l) => l.trim() !== '');
  return line === undefined ? '' : `; stderr: ${line.trim()}`;
}

function moreErrors(count: number, what: string): string {
  return count === 0 ? '' : ` (and ${count} more ${what}${count === 1 ? '' : 's'})`;
}

// ---- counterexamples ----------------------------------------------------------------------------

const STATE_CODES: ReadonlySet<number> = new Set([TLC_CODE.STATE_PRINT1, TLC_CODE.STATE_PRINT2, TLC_CODE.STATE_PRINT3]);
const TRACE_HEADERS: ReadonlySet<number> = new Set([TLC_CODE.BEHAVIOR_UP_TO_THIS_POINT, TLC_CODE.COUNTER_EXAMPLE]);

/** The trace that follows the verdict at `at`: the states after the next trace header. */
function readTrace(messages: readonly CollectedMessage[], at: number): { steps: TraceStep[]; lassoStart?: number } | undefined {
  const verdict = messages[at];
  if (verdict.code === TLC_CODE.INVARIANT_VIOLATED_INITIAL || verdict.code === TLC_CODE.PROPERTY_VIOLATED_INITIAL) {
    const [, ...stateLines] = verdict.text.split('\n');
    return { steps: [{ index: 1, action: 'Init', state: readState(stateLines.join('\n'), verdict.line + 1) }] };
  }
  const header = messages.findIndex((m, i) => i > at && TRACE_HEADERS.has(m.code));
  if (header === -1) return undefined;
  const steps: TraceStep[] = [];
  let lassoStart: number | undefined;
  for (const message of messages.slice(header + 1)) {
    if (message.code === TLC_CODE.BACK_TO_STATE) {
      lassoStart = Number(message.text.match(/^(\d+):/)?.[1]);
      break;
    }
    if (!STATE_CODES.has(message.code)) break;
    const step = readStep(message, steps[steps.length - 1]);
    steps.push(step);
    if (step.action === 'Stuttering') {
      lassoStart = step.index;
      break;
    }
  }
  return { steps, lassoStart };
}

function readStep(message: TlcMessage, previous: TraceStep | undefined): TraceStep {
  const [header, ...stateLines] = message.text.split('\n');
  const parts = header.match(/^(\d+): (.*)$/);
  if (parts === null) throw new Error(`line ${message.line}: not a trace state header: ${header}`);
  const index = Number(parts[1]);
  const label = parts[2].trim();
  if (label === 'Stuttering') {
    // TLC prints no state for a stuttering step: the behaviour stays in the previous state forever.
    if (previous === undefined) throw new Error(`line ${message.line}: a trace cannot start with stuttering`);
    return { index, action: 'Stuttering', state: previous.state };
  }
  const state = readState(stateLines.join('\n'), message.line + 1);
  if (label === '<Initial predicate>') return { index, action: 'Init', state };
  const located = label.match(/^<(.*?) (line \d+, col \d+ to line \d+, col \d+ of module \S+)>$/);
  if (located !== null) return { index, action: located[1], location: located[2], state };
  return { index, action: label.replace(/^<(.*)>$/, '$1'), state };
}

function readState(text: string, firstLine: number): TlaState {
  return parseState(text.replace(/\s+$/, ''), OUTPUT_NAME, firstLine);
}

// ---- SANY's unframed report ---------------------------------------------------------------------

interface SanyReport {
  /** One line each, file:line:column first where SANY gives a position. */
  errors: string[];
  warnings: string[];
  /** Module name → the file SANY parsed it from. */
  moduleFiles: Map<string, string>;
}

const SEMANTIC_LOCATION = /^line (\d+), col (\d+) to line \d+, col \d+ of module (\S+)$/;

function readSany(lines: readonly OutputLine[]): SanyReport {
  const moduleFiles = new Map<string, string>();
  const syntaxErrors: string[] = [];
  const semanticErrors: string[] = [];
  const aborts: string[] = [];
  const warnings: string[] = [];
  let currentFile: string | undefined;
  let section: string[] | undefined;

  for (let i = 0; i < lines.length; i++) {
    const text = lines[i].text.trim();
    const parsing = text.match(/^Parsing file (.+)$/);
    if (parsing !== null) {
      currentFile = parsing[1];
      moduleFiles.set(basename(currentFile).replace(/\.tla$/, ''), currentFile);
      continue;
    }
    if (text === '***Parse Error***') {
      const block = paragraph(lines, i + 1);
      const position = block.text.join(' ').match(/at line (\d+), column (\d+)/);
      syntaxErrors.push(`${located(currentFile, position?.[1], position?.[2])}parse error: ${block.text.join('; ')}`);
      i = block.end;
      continue;
    }
    const lexical = text.match(/^Lexical error at line (\d+), column (\d+)\.\s*(.*)$/);
    if (lexical !== null) {
      syntaxErrors.push(`${located(currentFile, lexical[1], lexical[2])}lexical error: ${lexical[3]}`);
      continue;
    }
    const header = text.match(/^\*\*\* (Errors|Warnings|Abort messages): \d+$/);
    if (header !== null) {
      section = header[1] === 'Errors' ? semanticErrors : header[1] === 'Warnings' ? warnings : aborts;
      continue;
    }
    if (section === undefined || text === '') continue;
    const location = readSanyLocation(text, moduleFiles);
    if (location === undefined) {
      section = undefined;
      continue;
    }
    const block = paragraph(lines, i + 1);
    section.push(`${location}${block.text.join(' ')}`);
    i = block.end;
  }
  const errors = syntaxErrors.length > 0 ? syntaxErrors : semanticErrors.length > 0 ? semanticErrors : aborts;
  return { errors, warnings, moduleFiles };
}

/** The "file:line:column: " prefix of an item in one of SANY's error or warning lists. */
function readSanyLocation(text: string, moduleFiles: ReadonlyMap<string, string>): string | undefined {
  const semantic = text.match(SEMANTIC_LOCATION);
  if (semantic !== null) return located(fileOfModule(semantic[3], moduleFiles), semantic[1], semantic[2]);
  const inModule = text.match(/^In module (\S+)$/);
  if (inModule !== null) return located(fileOfModule(inModule[1], moduleFiles));
  if (text === 'Unknown location') return '';
  return undefined;
}

/** The non-blank lines starting at or after `from` (skipping blank lines before them), up to the next blank line. */
function paragraph(lines: readonly OutputLine[], from: number): { text: string[]; end: number } {
  let i = from;
  while (i < lines.length && lines[i].text.trim() === '') i++;
  const text: string[] = [];
  for (; i < lines.length && lines[i].text.trim() !== ''; i++) text.push(lines[i].text.trim());
  return { text, end: i - 1 };
}

function located(file: string | undefined, line?: string, column?: string): string {
  if (file === undefined) return '';
  return `${file}${line === undefined ? '' : `:${line}`}${line !== undefined && column !== undefined ? `:${column}` : ''}: `;
}

function fileOfModule(module: string, moduleFiles: ReadonlyMap<string, string>): string {
  return moduleFiles.get(module) ?? `${module}.tla`;
}

// ---- small readers --------------------------------------------------------------------------------

function parseCounts(text: string): { generated: number; distinct?: number; queue?: number } | undefined {
  const generated = text.match(/([\d,]+) states generated|number of states generated: ([\d,]+)/);
  if (generated === null) return undefined;
  const distinct = countOf(text.match(/(-?[\d,]+) distinct states found/)?.[1]);
  const queue = countOf(text.match(/(-?[\d,]+) states left on queue/)?.[1]);
  return {
    generated: countOf(generated[1] ?? generated[2]) ?? 0,
    ...(distinct === undefined ? {} : { distinct }),
    ...(queue === undefined ? {} : { queue }),
  };
}

/** TLC writes thousands with commas and -1 for "not counted". */
function countOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.replace(/,/g, ''));
  return Number.isNaN(n) || n < 0 ? undefined : n;
}

function parseProgress(text: string, startedAt: number | undefined): TlcProgress | undefined {
  const counts = parseCounts(text);
  if (counts === undefined) return undefined;
  const at = parseTimestamp(text);
  const depth = text.match(/^Progress\((\d+)\)/)?.[1];
  const withDepth = depth === undefined ? counts : { ...counts, depth: Number(depth) };
  return startedAt === undefined || at === undefined ? withDepth : { ...withDepth, seconds: Math.max(0, (at - startedAt) / 1000) };
}

/** TLC's local "2026-11-22 19:16:20" timestamps, as milliseconds; only differences are meaningful. */
function parseTimestamp(text: string): number | undefined {
  const t = text.match(/(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)/);
  if (t === null) return undefined;
  return new Date(+t[1], +t[2] - 1, +t[3], +t[4], +t[5], +t[6]).getTime();
}

const UNIT_MILLISECONDS: Readonly<Record<string, number>> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** "Finished in 469ms at (...)", or in TLC's other style "Finished in 01min 05s at (...)". */
function parseDuration(text: string): number {
  const span = text.match(/Finished in (.*?) at \(/)?.[1] ?? '';
  let milliseconds = 0;
  for (const [, amount, unit] of span.matchAll(/(\d+)\s*(ms|min|s|h|d)\b/g)) milliseconds += Number(amount) * UNIT_MILLISECONDS[unit];
  return milliseconds / 1000;
}

function oneLine(text: string): string {
  return text
    .split(/[\r\n]+/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ');
}

function withoutCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
