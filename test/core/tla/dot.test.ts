import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.ts';
import { parseDotGraph, readDotGraph } from '../../../src/core/tla/dot.ts';
import type { DotGraph } from '../../../src/core/tla/dot.ts';
import { bool, int, record, set, showState, stateKey, str, tuple } from '../../../src/core/tla/value.ts';
import type { TlaState } from '../../../src/core/tla/value.ts';
import { arbitraryTlaState } from './arbitrary.ts';
import { errorOf } from '../../support/errors.ts';


// `-dump dot,actionlabels` output of TLC 2.18.
const SMALL = String.raw`strict digraph DiskGraph {
nodesep=0.35;
subgraph cluster_graph {
color="white";
777096251594195820 [label="/\\ x = 0\n/\\ y = [a |-> {1, 2}, b |-> <<\"s\", TRUE>>]",style = filled]
777096251594195820 -> 8466798870236424909 [label="Inc",color="black",fontcolor="black"];
8466798870236424909 [label="/\\ x = 1\n/\\ y = [a |-> {1, 2}, b |-> <<\"s\", TRUE>>]"];
8466798870236424909 -> 777096251594195820 [label="Dec",color="black",fontcolor="black"];
{rank = same; 777096251594195820;}
}
}`;

// Lines from TLC 2.18 state graphs of specs with escaped strings and long, wrapped values.
const WRAPPED = String.raw`strict digraph DiskGraph {
nodesep=0.35;
subgraph cluster_graph {
color="white";
6254028305861714778 [label="/\\ str = \"quote\\\" back\\\\ nl\\n end\"\n/\\ msgs = {[src |-> s1, dst |-> s1, term |-> 1, entries |-> <<[term |-> 1, val |-> \"a\\\"b\\\\c\\nd\"], [term |-> 2, val |-> \"tab\\there\"]>>], [src |-> s1, dst |-> s2, term |-> 1, entries |-> <<[term |-> 1, val |-> \"a\\\"b\\\\c\\nd\"], [term |-> 2, val |-> \"tab\\there\"]>>], [src |-> s1, dst |-> s3, term |-> 1, entries |-> <<[term |-> 1, val |-> \"a\\\"b\\\\c\\nd\"], [term |-> 2, val |-> \"tab\\there\"]>>], [src |-> s2, dst |-> s1, term |-> 1, entries |-> <<[term |-> 1, val |-> \"a\\\"b\\\\c\\nd\"], [term |-> 2, val |-> \"tab\\there\"]>>], [src |-> s2, dst |-> s2, term |-> 1, entries |-> <<[term |-> 1, val |-> \"a\\\"b\\\\c\\nd\"], [term |-> 2, val |-> \"tab\\there\"]>>], [src |-> s2, dst |-> s3, term |-> 1, entries |-> <<[term |-> 1, val |-> \"a\\\"b\\\\c\\nd\"], [term |-> 2, val |-> \"tab\\there\"]>>], [src |-> s3, dst |-> s1, term |-> 1, entries |-> <<[term |-> 1, val |-> \"a\\\"b\\\\c\\nd\"], [term |-> 2, val |-> \"tab\\there\"]>>], [src |-> s3, dst |-> s2, term |-> 1, entries |-> <<[term |-> 1, val |-> \"a\\\"b\\\\c\\nd\"], [term |-> 2, val |-> \"tab\\there\"]>>], [src |-> s3, dst |-> s3, term |-> 1, entries |-> <<[term |-> 1, val |-> \"a\\\"b\\\\c\\nd\"], [term |-> 2, val |-> \"tab\\there\"]>>]}\n/\\ neg = -5\n/\\ emp = <<<<>>, {}, << >>>>\n/\\ f = (Nil :> {} @@ [a |-> 1] :> 1 @@ [a |-> 2] :> 2)\n/\\ x = 0\n/\\ log = ( s1 :>\n      << <<[k |-> 1, v |-> s1], {-1, 1}>>,\n         <<[k |-> 2, v |-> s1], {-2, 2}>>,\n         <<[k |-> 3, v |-> s1], {-3, 3}>> >> @@\n  s2 :>\n      << <<[k |-> 1, v |-> s2], {-1, 1}>>,\n         <<[k |-> 2, v |-> s2], {-2, 2}>>,\n         <<[k |-> 3, v |-> s2], {-3, 3}>> >> @@\n  s3 :>\n      << <<[k |-> 1, v |-> s3], {-1, 1}>>,\n         <<[k |-> 2, v |-> s3], {-2, 2}>>,\n         <<[k |-> 3, v |-> s3], {-3, 3}>> >> )",style = filled]
6254028305861714778 -> -431468221034621631 [label="Next",color="black",fontcolor="black"];
-3973114079922174109 [label="/\\ msgs = ( [term |-> 1, type |-> \"req\", src |-> s1] :> 1 @@\n  [term |-> 1, type |-> \"req\", src |-> s2] :> 1 @@\n  [term |-> 1, type |-> \"req\", src |-> s3] :> 1 )\n/\\ recfn = ( s1 :>\n      [ nextIndex |-> (s1 :> 1 @@ s2 :> 1 @@ s3 :> 1),\n        matchIndex |-> (s1 :> 0 @@ s2 :> 0 @@ s3 :> 0),\n        commit |-> 0 ] @@\n  s2 :>\n      [ nextIndex |-> (s1 :> 1 @@ s2 :> 1 @@ s3 :> 1),\n        matchIndex |-> (s1 :> 0 @@ s2 :> 0 @@ s3 :> 0),\n        commit |-> 0 ] @@\n  s3 :>\n      [ nextIndex |-> (s1 :> 1 @@ s2 :> 1 @@ s3 :> 1),\n        matchIndex |-> (s1 :> 0 @@ s2 :> 0 @@ s3 :> 0),\n        commit |-> 0 ] )\n/\\ bag = (-2 :> <<-2, \"v\">> @@ -1 :> <<-1, \"v\">> @@ 0 :> <<0, \"v\">> @@ 5 :> <<5, \"v\">>)\n/\\ r = [state |-> (s1 :> \"follower\" @@ s2 :> \"follower\" @@ s3 :> \"follower\"), log |-> (s1 :> <<[term |-> 1, cmd |-> \"set \\\"k\\\" = \\\\v\"], [term |-> 2, cmd |-> \"x\"]>> @@ s2 :> <<[term |-> 1, cmd |-> \"set \\\"k\\\" = \\\\v\"], [term |-> 2, cmd |-> \"x\"]>> @@ s3 :> <<[term |-> 1, cmd |-> \"set \\\"k\\\" = \\\\v\"], [term |-> 2, cmd |-> \"x\"]>>), votes |-> (s1 :> {s2, s3} @@ s2 :> {s1, s3} @@ s3 :> {s1, s2})]\n/\\ x = 0\n/\\ longseq = << 1000,\n   2000,\n   3000,\n   4000,\n   5000,\n   6000,\n   7000,\n   8000,\n   9000,\n   10000,\n   11000,\n   12000,\n   13000,\n   14000,\n   15000,\n   16000,\n   17000,\n   18000,\n   19000,\n   20000,\n   21000,\n   22000,\n   23000,\n   24000,\n   25000,\n   26000,\n   27000,\n   28000,\n   29000,\n   30000,\n   31000,\n   32000,\n   33000,\n   34000,\n   35000,\n   36000,\n   37000,\n   38000,\n   39000,\n   40000 >>\n/\\ setfn = { (s1 :> 1 @@ s2 :> 1 @@ s3 :> 1),\n  (s1 :> 2 @@ s2 :> 2 @@ s3 :> 2),\n  (s1 :> 3 @@ s2 :> 3 @@ s3 :> 3) }",style = filled]
-3973114079922174109 -> -3973114079922174109 [label="Next",color="black",fontcolor="black"];
6254028305861714778 -> -431468221034621631 [label="Next",color="black",fontcolor="black"];
-431468221034621631 [label="/\\ str = \"quote\\\" back\\\\ nl\\n end\"\n/\\ msgs = {[src |-> s1, dst |-> s1, term |-> 1, entries |-> <<[term |-> 1, val |-> \"a\\\"b\\\\c\\nd\"], [term |-> 2, val |-> \"tab\\there\"]>>], [src |-> s1, dst |-> s2, term |-> 1, entries |-> <<[term |-> 1, val |-> \"a\\\"b\\\\c\\nd\"], [term |-> 2, val |-> \"tab\\there\"]>>], [src |-> s1, dst |-> s3, term |-> 1, entries |-> <<[term |-> 1, val |-> \"a\\\"b\\\\c\\nd\"], [term |-> 2, val |-> \"tab\\there\"]>>], [src |-> s2, dst |-> s1, term |-> 1, entries |-> <<[term |-> 1, val |-> \"a\\\"b\\\\c\\nd\"], [term |-> 2, val |-> \"tab\\there\"]>>], [src |-> s2, dst |-> s2, term |-> 1, entries |-> <<[term |-> 1, val |-> \"a\\\"b\\\\c\\nd\"], [term |-> 2, val |-> \"tab\\there\"]>>], [src |-> s2, dst |-> s3, term |-> 1, entries |-> <<[term |-> 1, val |-> \"a\\\"b\\\\c\\nd\"], [term |-> 2, val |-> \"tab\\there\"]>>], [src |-> s3, dst |-> s1, term |-> 1, entries |-> <<[term |-> 1, val |-> \"a\\\"b\\\\c\\nd\"], [term |-> 2, val |-> \"tab\\there\"]>>], [src |-> s3, dst |-> s2, term |-> 1, entries |-> <<[term |-> 1, val |-> \"a\\\"b\\\\c\\nd\"], [term |-> 2, val |-> \"tab\\there\"]>>], [src |-> s3, dst |-> s3, term |-> 1, entries |-> <<[term |-> 1, val |-> \"a\\\"b\\\\c\\nd\"], [term |-> 2, val |-> \"tab\\there\"]>>]}\n/\\ neg = -5\n/\\ emp = <<<<>>, {}, << >>>>\n/\\ f = (Nil :> {} @@ [a |-> 1] :> 1 @@ [a |-> 2] :> 2)\n/\\ x = 1\n/\\ log = ( s1 :>\n      << <<[k |-> 1, v |-> s1], {-1, 1}>>,\n         <<[k |-> 2, v |-> s1], {-2, 2}>>,\n         <<[k |-> 3, v |-> s1], {-3, 3}>> >> @@\n  s2 :>\n      << <<[k |-> 1, v |-> s2], {-1, 1}>>,\n         <<[k |-> 2, v |-> s2], {-2, 2}>>,\n         <<[k |-> 3, v |-> s2], {-3, 3}>> >> @@\n  s3 :>\n      << <<[k |-> 1, v |-> s3], {-1, 1}>>,\n         <<[k |-> 2, v |-> s3], {-2, 2}>>,\n         <<[k |-> 3, v |-> s3], {-3, 3}>> >> )"];
{rank = same; 6254028305861714778;-3973114079922174109;}
{rank = same; -431468221034621631;}
}
}`;

/** Print a graph as TLC's DotStateWriter does. */
function printGraph(graph: DotGraph): string {
  const label = (text: string) => text.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
  const lines = ['strict digraph DiskGraph {', 'nodesep=0.35;', 'subgraph cluster_graph {', 'color="white";'];
  for (const [id, state] of graph.nodes) {
    lines.push(`${id} [label="${label(showState(state))}"${graph.initial.includes(id) ? ',style = filled]' : '];'}`);
  }
  for (const edge of graph.edges) lines.push(`${edge.from} -> ${edge.to} [label="${label(edge.label)}",color="black",fontcolor="black"];`);
  lines.push('}', '}');
  return lines.join('\n');
}

describe('parseDotGraph', () => {
  it('reads the nodes, initial states and edges of a TLC state graph', () => {
    const graph = parseDotGraph(SMALL, 'g.dot');
    const y = record({ a: set([int(1), int(2)]), b: tuple(str('s'), bool(true)) });
    expect([...graph.nodes]).toEqual([
      ['777096251594195820', { x: int(0), y }],
      ['8466798870236424909', { x: int(1), y }],
    ]);
    expect(graph.initial).toEqual(['777096251594195820']);
    expect(graph.edges).toEqual([
      { from: '777096251594195820', to: '8466798870236424909', label: 'Inc' },
      { from: '8466798870236424909', to: '777096251594195820', label: 'Dec' },
    ]);
  });

  it('reads labels with escaped strings and wrapped values, and keeps self-loops and repeated edges', () => {
    const graph = parseDotGraph(WRAPPED, 'g.dot');
    expect(graph.nodes.size).toBe(3);
    expect(graph.initial).toEqual(['6254028305861714778', '-3973114079922174109']);
    expect(graph.edges.map((e) => `${e.from} -> ${e.to}`)).toEqual([
      '6254028305861714778 -> -431468221034621631',
      '-3973114079922174109 -> -3973114079922174109',
      '6254028305861714778 -> -431468221034621631',
    ]);
    const first = graph.nodes.get('6254028305861714778')!;
    expect(first.str).toEqual(str('quote" back\\ nl\n end'));
    expect(first.x).toEqual(int(0));
    expect(graph.nodes.get('-431468221034621631')!.x).toEqual(int(1));
    const wrapped = graph.nodes.get('-3973114079922174109')!;
    expect(Object.keys(wrapped).sort()).toEqual(['bag', 'longseq', 'msgs', 'r', 'recfn', 'setfn', 'x']);
    expect(wrapped.longseq).toEqual(tuple(...Array.from({ length: 40 }, (_, i) => int((i + 1) * 1000))));
    expect(wrapped.r.key).toContain('cmd |-> "set \\"k\\" = \\\\v"');
  });

  it('reads one-variable labels, unlabelled edges, colours and the legend', () => {
    const graph = parseDotGraph(
      String.raw`strict digraph DiskGraph {
edge [colorscheme="paired12"]
nodesep=0.35;
subgraph cluster_graph {
color="white";
1 [label="x = [a |-> 0]",style = filled]
1 -> 2 [label="",color="2",fontcolor="2"];
2 [label="x = [a |-> 1]"];
2 -> 2 [label="Next\nline 5, col 9 to line 5, col 20 of module M",color="3",fontcolor="3"];
{rank = same; 1;}
{rank = same; 2;}
}
subgraph cluster_legend {graph[style=bold];label = "Next State Actions" style="solid"
node [ labeljust="l",colorscheme="paired12",style=filled,shape=record ]
Next [label="Next",fillcolor=2]
M:Inc [label="M!Inc",fillcolor=3]
}}`,
      'g.dot',
    );
    expect(graph.nodes.get('2')).toEqual({ x: record({ a: int(1) }) });
    expect(graph.edges.map((e) => e.label)).toEqual(['', 'Next\nline 5, col 9 to line 5, col 20 of module M']);
  });

  it('reads the attributes newer TLC versions add, and does not take constrained states for initial ones', () => {
    const graph = parseDotGraph(
      String.raw`strict digraph DiskGraph {
node [shape=box,style=rounded]
nodesep=0.35;
subgraph cluster_graph {
color="white";
-5 [label="/\\ x = 0",style = filled]
-5 -> 6;
6 [label="/\\ x = 1",tooltip="/\\ x = 1"];
6 -> 7 [label="Next",color="black",fontcolor="black"];
7 [label="/\\ x = 2",tooltip="/\\ x = 2",style = filled, fillcolor=lightyellow];
7 -> 7 [style="dashed",color="lightgray"];
}
}`,
      'g.dot',
    );
    expect(graph.initial).toEqual(['-5']);
    expect(graph.nodes.get('7')).toEqual({ x: int(2) });
    expect(graph.edges).toEqual([
      { from: '-5', to: '6', label: '' },
      { from: '6', to: '7', label: 'Next' },
      { from: '7', to: '7', label: '' },
    ]);
  });

  it('reads back any graph printed the way TLC prints it', () => {
    const graph = fc
      .uniqueArray(fc.tuple(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), arbitraryTlaState, fc.boolean()), {
        selector: ([id]) => id,
        minLength: 1,
        maxLength: 5,
      })
      .chain((nodes) => {
        const ids = nodes.map(([id]) => String(id));
        const edge = fc.record({ from: fc.constantFrom(...ids), to: fc.constantFrom(...ids), label: fc.string() });
        return fc.record({
          nodes: fc.constant(new Map<string, TlaState>(nodes.map(([id, state]) => [String(id), state]))),
          initial: fc.constant(nodes.filter(([, , initial]) => initial).map(([id]) => String(id))),
          edges: fc.array(edge, { maxLength: 8 }),
        });
      });
    fc.assert(
      fc.property(graph, (g) => {
        const back = parseDotGraph(printGraph(g), 'g.dot');
        expect([...back.nodes].map(([id, state]) => [id, stateKey(state)])).toEqual([...g.nodes].map(([id, state]) => [id, stateKey(state)]));
        expect(back.initial).toEqual(g.initial);
        expect(back.edges).toEqual(g.edges);
      }),
      { numRuns: 300 },
    );
  });

  it('reports the line of what it cannot read', () => {
    const lines = SMALL.split('\n');
    const withLine = (index: number, line: string) => lines.toSpliced(index, 1, line).join('\n');
    expect(errorOf(() => parseDotGraph(withLine(5, '777096251594195820 -> 1 [label="Inc"];'), 'g.dot')).message).toBe(
      'g.dot:6: the edge 777096251594195820 -> 1 leads to state 1, which is never declared',
    );
    expect(errorOf(() => parseDotGraph(withLine(3, 'colour: white'), 'g.dot')).message).toBe('g.dot:4: unrecognised line "colour: white"');
    expect(errorOf(() => parseDotGraph(withLine(6, '8466798870236424909 [label="/\\\\ x = 1\\n/\\\\ y = [a |-> ]"];'), 'g.dot')).message).toBe(
      'g.dot:7: in the label of state 8466798870236424909 (its line 2, column 15): expected a value, found "]"',
    );
    expect(errorOf(() => parseDotGraph(withLine(6, '8466798870236424909 [label="x = \\t"];'), 'g.dot')).message).toBe(
      'g.dot:7: unexpected escape "\\\\t" in the attribute label',
    );
    expect(errorOf(() => parseDotGraph(withLine(6, '8466798870236424909 [label="x = 1];'), 'g.dot')).message).toBe(
      'g.dot:7: unterminated string in the attribute label',
    );
    expect(errorOf(() => parseDotGraph(withLine(6, '8466798870236424909 [shape=box];'), 'g.dot')).message).toBe('g.dot:7: state 8466798870236424909 has no label');
    expect(errorOf(() => parseDotGraph(withLine(6, '8466798870236424909 [label="x = 1"] extra'), 'g.dot')).message).toBe('g.dot:7: unexpected "extra"');
    expect(errorOf(() => parseDotGraph(withLine(6, '777096251594195820 [label="x = 5"];'), 'g.dot')).message).toBe(
      'g.dot:7: state 777096251594195820 is declared twice with different labels',
    );
    expect(errorOf(() => parseDotGraph(lines.slice(0, -2).join('\n'), 'g.dot')).message).toBe('g.dot:9: the graph is not closed (was TLC interrupted?)');
    expect(errorOf(() => parseDotGraph('digraph {\n}\n}', 'g.dot')).message).toBe('g.dot:3: unbalanced "}"');
    expect(errorOf(() => parseDotGraph('graph G {', 'g.dot')).message).toBe('g.dot:1: expected "strict digraph DiskGraph {"');
    expect(errorOf(() => parseDotGraph('', 'g.dot')).message).toBe('g.dot: empty state graph');
  });
});

describe('readDotGraph', () => {
  it('streams a file to the same graph as parsing it in memory', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'dot-test-')), 'g.dot');
    writeFileSync(file, WRAPPED.replaceAll('\n', '\r\n'));
    const streamed = await readDotGraph(file);
    const parsed = parseDotGraph(WRAPPED, file);
    expect([...streamed.nodes].map(([id, s]) => [id, stateKey(s)])).toEqual([...parsed.nodes].map(([id, s]) => [id, stateKey(s)]));
    expect(streamed.initial).toEqual(parsed.initial);
    expect(streamed.edges).toEqual(parsed.edges);
  });

  it('reports errors with the line in the file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'dot-test-')), 'bad.dot');
    writeFileSync(file, SMALL.replace('-> 8466798870236424909', '-> 42'));
    await expect(readDotGraph(file)).rejects.toThrow(`${file}:6: the edge 777096251594195820 -> 42 leads to state 42, which is never declared`);
  });

  it('names a file it cannot read', async () => {
    const missing = join(tmpdir(), 'no-such-dir-for-dot-test', 'g.dot');
    await expect(readDotGraph(missing)).rejects.toThrow(InputError);
    await expect(readDotGraph(missing)).rejects.toThrow(`${missing}: cannot read the state graph: ENOENT`);
    await expect(readDotGraph(tmpdir())).rejects.toThrow(`${tmpdir()}: cannot read the state graph: EISDIR`);
  });
});

