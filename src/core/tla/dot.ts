// A reader for the state graph TLC writes with `-dump dot,actionlabels FILE`:
//
//   strict digraph DiskGraph {
//   nodesep=0.35;
//   subgraph cluster_graph {
//   color="white";
//   777096251594195820 [label="/\\ x = 0\n/\\ y = 1",style = filled]
//   777096251594195820 -> 8466798870236424909 [label="Inc",color="black",fontcolor="black"];
//   8466798870236424909 [label="/\\ x = 1\n/\\ y = 1"];
//   {rank = same; 777096251594195820;}
//   }
//   }
//
// TLC writes one statement a line and escapes the newlines inside labels, so the file is read
// line by line: state graphs of large models run to hundreds of megabytes. Node ids are TLC's
// fingerprints, signed 64-bit integers, kept as strings.

import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { InputError } from '../errors.ts';
import { parseState } from './parse.ts';
import { stateKey } from './value.ts';
import type { TlaState, TlaValue } from './value.ts';

export type DotEdge = { from: string; to: string; label: string };

export type DotGraph = {
  nodes: Map<string, TlaState>;
  /** The initial states, in the order TLC wrote them. */
  initial: string[];
  /** Every edge line as TLC wrote it, self-loops and repeats included. */
  edges: DotEdge[];
};

/** Read a state graph file, streaming it line by line. */
export async function readDotGraph(file: string): Promise<DotGraph> {
  const input = createReadStream(file, { encoding: 'utf8' });
  try {
    await once(input, 'ready');
  } catch (error) {
    throw new InputError(file, undefined, `cannot read the state graph: ${(error as Error).message}`);
  }
  const builder = new DotGraphBuilder(file);
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) builder.line(line);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(file, undefined, `cannot read the state graph: ${(error as Error).message}`);
  } finally {
    input.destroy();
  }
  return builder.finish();
}

/** Parse a state graph held in memory. */
export function parseDotGraph(text: string, file: string): DotGraph {
  const builder = new DotGraphBuilder(file);
  let start = 0;
  for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
    builder.line(text.slice(start, end));
    start = end + 1;
  }
  if (start < text.length) builder.line(text.slice(start));
  return builder.finish();
}

// Statements other than nodes and edges: graph attributes (`nodesep=0.35;`), default attributes
// (`node [shape=box,style=rounded]`) and the rank hints TLC writes at the end.
const GRAPH_ATTRIBUTE = /^\w+\s*=\s*(?:"[^"]*"|[\w.]+)\s*;?$/;
const DEFAULT_ATTRIBUTES = /^(?:node|edge|graph)\s*\[.*\]\s*;?$/;
const RANK = /^\{\s*rank\s*=\s*same\s*;[\s\d;-]*\}$/;
const GRAPH_HEADER = /^(?:strict\s+)?digraph\s+\w*\s*\{$/;
const SUBGRAPH = /^subgraph\s+(\w+)\s*\{/;
// With `-dump dot,colorize`, TLC adds a legend whose nodes are action names.
const LEGEND_NODE = /^[\w:]+\s*\[.*\]$/;

type Attributes = Map<string, { start: number; end: number; quoted: boolean }>;

class DotGraphBuilder {
  private readonly nodes = new Map<string, TlaState>();
  private readonly initial = new Set<string>();
  private readonly edges: DotEdge[] = [];
  private readonly edgeLines: number[] = [];
  // Neighbouring states differ in a few variables. Sharing equal variable values between states
  // keeps a graph of a hundred thousand states in memory: each value holds its canonical text at
  // every level, an order of magnitude more than the label it came from.
  private readonly values = new Map<string, TlaValue>();
  private lineNumber = 0;
  private depth = 0;
  private sawHeader = false;
  private legendDepth: number | undefined;

  constructor(private readonly file: string) {}

  private fail(detail: string, line = this.lineNumber): never {
    throw new InputError(this.file, line, detail);
  }

  line(raw: string): void {
    this.lineNumber++;
    const line = raw.trim();
    if (line === '') return;
    const c = line.charCodeAt(0);
    if (this.depth > 0 && (c === 45 || (c >= 48 && c <= 57))) return this.statement(line);
    if (/^}+$/.test(line)) return this.close(line.length);
    if (!this.sawHeader) {
      if (!GRAPH_HEADER.test(line)) this.fail('expected "strict digraph DiskGraph {"');
      this.sawHeader = true;
      this.depth = 1;
      return;
    }
    if (this.depth === 0) this.fail('unexpected text after the end of the graph');
    const subgraph = SUBGRAPH.exec(line);
    if (subgraph !== null) {
      this.depth++;
      if (subgraph[1] === 'cluster_legend') this.legendDepth = this.depth;
      return;
    }
    if (GRAPH_ATTRIBUTE.test(line) || DEFAULT_ATTRIBUTES.test(line) || RANK.test(line)) return;
    if (this.legendDepth !== undefined && LEGEND_NODE.test(line)) return;
    this.fail(`unrecognised line ${JSON.stringify(line.length > 60 ? line.slice(0, 60) + '...' : line)}`);
  }

  private close(braces: number): void {
    this.depth -= braces;
    if (this.depth < 0) this.fail('unbalanced "}"');
    if (this.legendDepth !== undefined && this.depth < this.legendDepth) this.legendDepth = undefined;
  }

  /** `ID [attributes]` declares a state; `ID -> ID [attributes];` is a transition. */
  private statement(line: string): void {
    const idEnd = nodeIdEnd(line, 0);
    if (idEnd === 0) this.fail('expected a node id');
    const from = line.slice(0, idEnd);
    const pos = skipSpaces(line, idEnd);
    if (line.startsWith('->', pos)) {
      const toStart = skipSpaces(line, pos + 2);
      const toEnd = nodeIdEnd(line, toStart);
      if (toEnd === toStart) this.fail('expected a node id after "->"');
      const { attributes, end } = this.attributes(line, skipSpaces(line, toEnd));
      this.expectStatementEnd(line, end);
      this.edges.push({ from, to: line.slice(toStart, toEnd), label: this.text(line, attributes, 'label') ?? '' });
      this.edgeLines.push(this.lineNumber);
      return;
    }
    const { attributes, end } = this.attributes(line, pos);
    this.expectStatementEnd(line, end);
    const label = this.text(line, attributes, 'label');
    if (label === undefined) this.fail(`state ${from} has no label`);
    const state = this.labelState(from, label);
    const known = this.nodes.get(from);
    if (known !== undefined && stateKey(known) !== stateKey(state)) this.fail(`state ${from} is declared twice with different labels`);
    this.nodes.set(from, state);
    // TLC fills initial states; states outside the model's constraints are filled too, but in a colour.
    if (this.text(line, attributes, 'style') === 'filled' && !attributes.has('fillcolor')) this.initial.add(from);
  }

  private labelState(id: string, label: string): TlaState {
    try {
      const state: Record<string, TlaValue> = parseState(label, this.file);
      for (const name of Object.keys(state)) {
        const value = state[name];
        const shared = this.values.get(value.key);
        if (shared === undefined) this.values.set(value.key, value);
        else state[name] = shared;
      }
      return state;
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return this.fail(`in the label of state ${id} (its line ${error.line}, column ${error.column}): ${error.detail}`);
    }
  }

  private expectStatementEnd(line: string, pos: number): void {
    const rest = skipSpaces(line, pos);
    if (rest < line.length && !(line.charCodeAt(rest) === 59 && skipSpaces(line, rest + 1) === line.length)) {
      this.fail(`unexpected ${JSON.stringify(line.slice(rest, rest + 20))}`);
    }
  }

  /** An attribute list `[key=value, key="quoted", ...]` at pos, if there is one. */
  private attributes(line: string, pos: number): { attributes: Attributes; end: number } {
    const attributes: Attributes = new Map();
    if (line.charCodeAt(pos) !== 91) return { attributes, end: pos };
    pos = skipSpaces(line, pos + 1);
    while (line.charCodeAt(pos) !== 93) {
      const keyStart = pos;
      while (isWordChar(line.charCodeAt(pos))) pos++;
      if (pos === keyStart) this.fail('expected an attribute name');
      const key = line.slice(keyStart, pos);
      pos = skipSpaces(line, pos);
      if (line.charCodeAt(pos) !== 61) this.fail(`expected "=" after the attribute ${key}`);
      pos = skipSpaces(line, pos + 1);
      if (line.charCodeAt(pos) === 34) {
        const end = quotedEnd(line, pos + 1);
        if (end === -1) this.fail(`unterminated string in the attribute ${key}`);
        attributes.set(key, { start: pos + 1, end, quoted: true });
        pos = end + 1;
      } else {
        const start = pos;
        while (isWordChar(line.charCodeAt(pos)) || line.charCodeAt(pos) === 46) pos++;
        if (pos === start) this.fail(`expected a value for the attribute ${key}`);
        attributes.set(key, { start, end: pos, quoted: false });
      }
      pos = skipSpaces(line, pos);
      const c = line.charCodeAt(pos);
      if (c === 44 || c === 59) pos = skipSpaces(line, pos + 1);
      else if (c !== 93) this.fail('expected "," or "]" in an attribute list');
    }
    return { attributes, end: pos + 1 };
  }

  /** The text of an attribute, with a quoted value's escapes decoded. */
  private text(line: string, attributes: Attributes, key: string): string | undefined {
    const value = attributes.get(key);
    if (value === undefined) return undefined;
    if (!value.quoted) return line.slice(value.start, value.end);
    let out = '';
    let chunk = value.start;
    for (let i = line.indexOf('\\', chunk); i !== -1 && i < value.end; i = line.indexOf('\\', chunk)) {
      const c = line.charCodeAt(i + 1);
      // TLC escapes exactly backslash, quote and newline.
      const decoded = c === 92 ? '\\' : c === 34 ? '"' : c === 110 ? '\n' : undefined;
      if (decoded === undefined) this.fail(`unexpected escape ${JSON.stringify(line.slice(i, i + 2))} in the attribute ${key}`);
      out += line.slice(chunk, i) + decoded;
      chunk = i + 2;
    }
    return out + line.slice(chunk, value.end);
  }

  finish(): DotGraph {
    if (!this.sawHeader) throw new InputError(this.file, undefined, 'empty state graph');
    if (this.depth > 0) this.fail('the graph is not closed (was TLC interrupted?)');
    this.edges.forEach((edge, i) => {
      for (const end of [edge.from, edge.to]) {
        if (!this.nodes.has(end)) this.fail(`the edge ${edge.from} -> ${edge.to} leads to state ${end}, which is never declared`, this.edgeLines[i]);
      }
    });
    return { nodes: this.nodes, initial: [...this.initial], edges: this.edges };
  }
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function skipSpaces(line: string, pos: number): number {
  while (line.charCodeAt(pos) === 32 || line.charCodeAt(pos) === 9) pos++;
  return pos;
}

/** The end of a node id (an optionally negative integer) starting at pos; pos itself if there is none. */
function nodeIdEnd(line: string, pos: number): number {
  let end = line.charCodeAt(pos) === 45 ? pos + 1 : pos;
  const digits = end;
  while (line.charCodeAt(end) >= 48 && line.charCodeAt(end) <= 57) end++;
  return end === digits ? pos : end;
}

/** The index of the quote closing a string whose body starts at pos, or -1. */
function quotedEnd(line: string, pos: number): number {
  for (let i = pos; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 34) return i;
    if (c === 92) i++;
  }
  return -1;
}
