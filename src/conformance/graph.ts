// State-graph equivalence: TLC's whole state graph of a model (-dump dot,actionlabels) against
// the TypeScript model's, state for state and action-labelled edge for edge.
//
// The TypeScript model is walked breadth first in lockstep with TLC's graph: every state it
// reaches must be one of TLC's, with the same outgoing edges (action name, successor). The
// first state whose edges differ is reported with the shortest path to it, the step one side
// takes and the other does not, and the variables in which the two sides' successors differ.
// Stopping there keeps a broken model (a mutant) from exploring a state space of its own.

import type { DotGraph } from '../core/tla/dot.ts';
import { showState, stateKey } from '../core/tla/value.ts';
import type { TlaState } from '../core/tla/value.ts';
import type { ClusterModel } from '../explore/model.ts';
import { diffStates, formatAction, formatDifferences } from './diff.ts';
import type { ValueDifference } from './diff.ts';

export interface GraphComparison {
  readonly equal: boolean;
  readonly tlcStates: number;
  /** The TypeScript states visited: all of them when the graphs are equal. */
  readonly tsStates: number;
  /** Distinct (state, action name, state) triples. */
  readonly tlcEdges: number;
  readonly tsEdges: number;
  readonly seconds: number;
  readonly difference?: GraphDifference;
}

export interface GraphDifference {
  /** The actions from an initial state to the state where the graphs part; empty if the initial states differ. */
  readonly path: readonly string[];
  /** That state, as TLA+; undefined if the initial states differ. */
  readonly state: string | undefined;
  readonly steps: readonly EdgeDifference[];
}

export interface EdgeDifference {
  /** The side that takes the step the other does not. */
  readonly onlyIn: 'TLC' | 'TypeScript';
  /** The action, with its parameters where TypeScript took it; "Init" for an initial state. */
  readonly action: string;
  /** How its successor differs from the other side's nearest successor by the same action; undefined if the other side has none. */
  readonly differences: readonly ValueDifference[] | undefined;
}

export interface CompareOptions {
  readonly onProgress?: (visited: number) => void;
}

/**
 * @param labelOf maps a TLC edge label to the spec's action name (TLC labels an action X that
 *   a model's cfg replaced with `X <- MCX` as "MCX").
 */
export function compareGraphs<S, A>(
  tlc: DotGraph,
  labelOf: (tlcLabel: string) => string,
  model: ClusterModel<S, A>,
  options: CompareOptions = {},
): GraphComparison {
  const started = performance.now();
  // States of both sides share ids, by their canonical TLA+ text; TLC's come first.
  const ids = new Map<string, number>();
  const tlaOf: TlaState[] = [];
  const idOf = (state: TlaState): number => {
    const key = stateKey(state);
    let id = ids.get(key);
    if (id === undefined) {
      id = tlaOf.length;
      ids.set(key, id);
      tlaOf.push(state);
    }
    return id;
  };

  const tlcId = new Map<string, number>();
  for (const [node, state] of tlc.nodes) tlcId.set(node, idOf(state));
  const tlcOut = new Map<number, Set<string>>();
  let tlcEdges = 0;
  for (const e of tlc.edges) {
    const from = tlcId.get(e.from) as number;
    let out = tlcOut.get(from);
    if (out === undefined) tlcOut.set(from, (out = new Set()));
    const edge = `${labelOf(e.label)} ${tlcId.get(e.to)}`;
    if (!out.has(edge)) {
      out.add(edge);
      tlcEdges++;
    }
  }
  const tlcInitial = new Set(tlc.initial.map((n) => tlcId.get(n) as number));

  // The TypeScript side, breadth first.
  const tsIdOf = new Map<string, number>(); // model key -> shared id
  const sharedId = (state: S): number => {
    const key = model.key(state);
    let id = tsIdOf.get(key);
    if (id === undefined) tsIdOf.set(key, (id = idOf(model.stateToTla(state))));
    return id;
  };
  const parent = new Map<number, { from: number; action: A }>();
  const queue: { state: S; id: number }[] = [];
  const tsInitial = new Set<number>();
  for (const state of model.initialStates) {
    const id = sharedId(state);
    if (!tsInitial.has(id)) {
      tsInitial.add(id);
      queue.push({ state, id });
    }
  }
  let tsEdges = 0;
  const result = (difference?: GraphDifference): GraphComparison => ({
    equal: difference === undefined && queue.length === tlc.nodes.size && tsEdges === tlcEdges,
    tlcStates: tlc.nodes.size,
    tsStates: queue.length,
    tlcEdges,
    tsEdges,
    seconds: (performance.now() - started) / 1000,
    difference,
  });

  const onlyTlcInitial = [...tlcInitial].filter((s) => !tsInitial.has(s));
  const onlyTsInitial = [...tsInitial].filter((s) => !tlcInitial.has(s));
  if (onlyTlcInitial.length > 0 || onlyTsInitial.length > 0) {
    const nearest = (state: number, others: Set<number>, tlcSide: boolean) =>
      nearestDifferences([...others].map((o) => (tlcSide ? diffStates(tlaOf[state], tlaOf[o]) : diffStates(tlaOf[o], tlaOf[state]))));
    return result({
      path: [],
      state: undefined,
      steps: [
        ...onlyTlcInitial.map((s) => ({ onlyIn: 'TLC' as const, action: 'Init', differences: nearest(s, tsInitial, true) })),
        ...onlyTsInitial.map((s) => ({ onlyIn: 'TypeScript' as const, action: 'Init', differences: nearest(s, tlcInitial, false) })),
      ],
    });
  }

  const seen = new Set(tsInitial);
  for (let head = 0; head < queue.length; head++) {
    const { state, id } = queue[head];
    const tsOut = new Map<string, { action: A; to: number }>();
    for (const { action, next } of model.successors(state)) {
      const to = sharedId(next);
      const edge = `${model.actionName(action)} ${to}`;
      if (tsOut.has(edge)) continue;
      tsOut.set(edge, { action, to });
      tsEdges++;
      if (!seen.has(to)) {
        seen.add(to);
        parent.set(to, { from: id, action });
        queue.push({ state: next, id: to });
      }
    }
    const expected = tlcOut.get(id) ?? new Set<string>();
    const onlyTs = [...tsOut.keys()].filter((e) => !expected.has(e));
    const onlyTlc = [...expected].filter((e) => !tsOut.has(e));
    if (onlyTs.length > 0 || onlyTlc.length > 0) {
      const path: string[] = [];
      for (let at = id; parent.has(at); ) {
        const step = parent.get(at) as { from: number; action: A };
        path.unshift(formatAction(model.actionToTla(step.action)));
        at = step.from;
      }
      const successorsByLabel = (edges: Iterable<string>, label: string) =>
        [...edges].map(splitEdge).filter(([l]) => l === label).map(([, to]) => Number(to));
      const steps: EdgeDifference[] = [
        ...onlyTs.map((edge) => {
          const { action, to } = tsOut.get(edge) as { action: A; to: number };
          const others = successorsByLabel(expected, model.actionName(action));
          return {
            onlyIn: 'TypeScript' as const,
            action: formatAction(model.actionToTla(action)),
            differences: nearestDifferences(others.map((o) => diffStates(tlaOf[o], tlaOf[to]))),
          };
        }),
        ...onlyTlc.map((edge) => {
          const [label, toText] = splitEdge(edge);
          const others = successorsByLabel(tsOut.keys(), label);
          return {
            onlyIn: 'TLC' as const,
            action: label,
            differences: nearestDifferences(others.map((o) => diffStates(tlaOf[Number(toText)], tlaOf[o]))),
          };
        }),
      ];
      return result({ path, state: showState(tlaOf[id]), steps });
    }
    options.onProgress?.(head + 1);
  }
  return result();
}

function splitEdge(edge: string): [string, string] {
  const space = edge.lastIndexOf(' ');
  return [edge.slice(0, space), edge.slice(space + 1)];
}

function nearestDifferences(candidates: ValueDifference[][]): ValueDifference[] | undefined {
  return candidates.sort((a, b) => a.length - b.length)[0];
}

/** The comparison as a person reads it; `ours` names the side that is not TLC (an --impl is "the implementation"). */
export function formatGraphComparison(c: GraphComparison, ours = 'TypeScript'): string {
  const counts = `TLC: ${c.tlcStates} states, ${c.tlcEdges} edges; ${ours}: ${c.tsStates} states, ${c.tsEdges} edges${c.equal ? '' : ' (when it stopped)'}.`;
  if (c.equal) return `The state graphs are equal.\n${counts}`;
  const lines = ['The state graphs differ.', counts];
  const d = c.difference;
  if (d === undefined) return lines.join('\n');
  if (d.state === undefined) lines.push('The initial states differ.');
  else {
    lines.push(`They part after ${d.path.length} step${d.path.length === 1 ? '' : 's'} from the initial state:`);
    d.path.forEach((a, i) => lines.push(`  ${i + 1}. ${a}`));
    lines.push('in the state:', ...d.state.split('\n').map((l) => `    ${l}`));
  }
  for (const step of d.steps) {
    const side = step.onlyIn === 'TLC' ? 'TLC' : ours;
    const other = step.onlyIn === 'TLC' ? ours : 'TLC';
    const name = step.action.replace(/\(.*$/s, '');
    lines.push(`${side} takes ${step.action}${step.action === 'Init' ? ' as an initial state' : ''}; ${other} does not.`);
    if (step.differences === undefined) lines.push(`  ${other} has no ${name} step from this state at all.`);
    else {
      lines.push(`  ${other}'s nearest ${name} ${name === 'Init' ? 'state' : 'step leads to a state that'} differs in:`);
      lines.push(...formatDifferences(step.differences, 'TLC', ours));
    }
  }
  return lines.join('\n');
}
