// What the explorer, the simulator and the conformance checks need from a protocol: a state
// machine at the granularity of the TLA+ spec's actions, and the map from its states and
// actions to TLA+ values.

import type { TlaState, TlaValue } from '../core/tla/value.ts';

/** One enabled action instance and the state it leads to. */
export interface Step<S, A> {
  readonly action: A;
  readonly next: S;
}

export interface Invariant<S> {
  /** The name of the TLA+ invariant it mirrors, e.g. "ElectionSafety". */
  readonly name: string;
  readonly holds: (state: S) => boolean;
}

/**
 * A property of steps rather than states, TLA+'s [][P]_vars, where P relates a state to its
 * successor (a learner's decision never changes; a promise never goes back). TLC checks it as
 * a PROPERTY; the explorer checks it on every step it takes.
 */
export interface ActionProperty<S> {
  /** The name of the TLA+ action property it mirrors, e.g. "Integrity". */
  readonly name: string;
  readonly holds: (before: S, after: S) => boolean;
}

/**
 * A cluster model: the whole system (nodes, network, bounds) as one state machine whose steps
 * are the TLA+ spec's actions, with the same enabling conditions (including the MC module's
 * bounds), so that its reachable graph can be compared with TLC's.
 */
export interface ClusterModel<S, A> {
  readonly initialStates: readonly S[];
  /** Every enabled action instance with its successor (self-loops included, as TLC reports them). */
  successors(state: S): Step<S, A>[];
  /**
   * A canonical, injective key: two states have the same key exactly when their TLA+ images
   * (stateToTla) are equal. The explorer's hot path; it need not be TLA+ syntax.
   */
  key(state: S): string;
  readonly invariants: readonly Invariant<S>[];
  readonly actionProperties?: readonly ActionProperty<S>[];
  /** The TLA+ action name, as TLC labels edges in `-dump dot,actionlabels`. */
  actionName(action: A): string;
  /** The action as the trace models' history variable records it: [name |-> "...", params |-> [...]]. */
  actionToTla(action: A): TlaValue;
  /** The state as the TLA+ spec's variables. */
  stateToTla(state: S): TlaState;
}
