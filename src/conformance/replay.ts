// Trace replay: a behaviour TLC generated (an ITF trace of the protocol's trace module, whose
// history variable names each step's action and parameters) is replayed by the TypeScript
// model step for step, and every state must be the trace's, variable for variable.

import type { ItfTrace } from '../core/tla/itf.ts';
import { project, stateKey } from '../core/tla/value.ts';
import type { ClusterModel } from '../explore/model.ts';
import { diffStates, formatAction, formatDifferences } from './diff.ts';
import type { ValueDifference } from './diff.ts';

export interface ReplayFailure {
  /** The step that failed: 0 for the initial state, k for the k-th action. */
  readonly step: number;
  readonly action: string;
  readonly reason: 'initial state differs' | 'action not enabled' | 'state differs';
  /** How TypeScript's state (right) differs from the trace's (left). */
  readonly differences?: readonly ValueDifference[];
  /** For 'action not enabled': the actions TypeScript could take there. */
  readonly enabled?: readonly string[];
}

export interface ReplayResult {
  /** Steps replayed (actions, not counting the initial state). */
  readonly steps: number;
  readonly failure?: ReplayFailure;
}

export function replayTrace<S, A>(model: ClusterModel<S, A>, trace: ItfTrace, historyVariable: string): ReplayResult {
  const expected = trace.states.map((s) => project(s, [historyVariable]));
  const initialKey = stateKey(expected[0]);
  let state = model.initialStates.find((s) => stateKey(model.stateToTla(s)) === initialKey);
  if (state === undefined) {
    const nearest = model.initialStates
      .map((s) => diffStates(expected[0], model.stateToTla(s)))
      .sort((a, b) => a.length - b.length)[0];
    return { steps: 0, failure: { step: 0, action: 'Init', reason: 'initial state differs', differences: nearest } };
  }
  for (let k = 1; k < trace.states.length; k++) {
    const recorded = trace.states[k][historyVariable];
    if (recorded === undefined) throw new Error(`step ${k} has no ${historyVariable}`);
    const action = formatAction(recorded);
    const successors = model.successors(state);
    const candidates = successors.filter((s) => model.actionToTla(s.action).key === recorded.key);
    if (candidates.length === 0) {
      const enabled = [...new Set(successors.map((s) => formatAction(model.actionToTla(s.action))))];
      return { steps: k - 1, failure: { step: k, action, reason: 'action not enabled', enabled } };
    }
    // A step's parameters may leave a choice (which of several messages from j to i); the
    // trace's next state decides it.
    const wanted = stateKey(expected[k]);
    const match = candidates.find((s) => stateKey(model.stateToTla(s.next)) === wanted);
    if (match === undefined) {
      const nearest = candidates.map((s) => diffStates(expected[k], model.stateToTla(s.next))).sort((a, b) => a.length - b.length)[0];
      return { steps: k - 1, failure: { step: k, action, reason: 'state differs', differences: nearest } };
    }
    state = match.next;
  }
  return { steps: trace.states.length - 1 };
}

export function formatReplayFailure(file: string, f: ReplayFailure, ours = 'TypeScript'): string {
  const lines = [`${file}: step ${f.step}, ${f.action}: ${f.reason}`];
  if (f.differences !== undefined) lines.push(...formatDifferences(f.differences, 'trace', ours));
  if (f.enabled !== undefined) lines.push(`    ${ours} could take: ${f.enabled.join(', ') || 'nothing'}`);
  return lines.join('\n');
}
