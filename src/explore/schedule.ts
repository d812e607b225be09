// Random schedules, the explorer's companion for clusters too big to explore: a schedule is a
// list of choices, each picking one of the enabled actions (modulo their number), so that
// fast-check can generate schedules and shrink a failing one to a minimal list of steps.

import type { ClusterModel } from './model.ts';

export type ScheduledModel<S, A> = Pick<ClusterModel<S, A>, 'initialStates' | 'successors' | 'invariants' | 'actionProperties'>;

export interface ScheduleRun<S, A> {
  /** The states visited, the initial one first. */
  readonly states: S[];
  readonly actions: A[];
  /** The invariant or action property the last step broke, if one did. */
  readonly broken?: string;
}

/** Follow the choices from the first initial state, checking every invariant and action property, until one breaks or nothing is enabled. */
export function runSchedule<S, A>(model: ScheduledModel<S, A>, choices: readonly number[]): ScheduleRun<S, A> {
  let state = model.initialStates[0];
  const states = [state];
  const actions: A[] = [];
  for (const choice of choices) {
    const next = model.successors(state);
    if (next.length === 0) break;
    const step = next[choice % next.length];
    const before = state;
    state = step.next;
    states.push(state);
    actions.push(step.action);
    const broken =
      model.invariants.find((inv) => !inv.holds(state)) ?? model.actionProperties?.find((prop) => !prop.holds(before, state));
    if (broken !== undefined) return { states, actions, broken: broken.name };
  }
  return { states, actions };
}
