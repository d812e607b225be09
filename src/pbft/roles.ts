// The status lifecycle of a PBFT replica (paper 4.4) as a typescript-fsm transition table. The
// reducer looks every status change up here, so a change the table does not allow is a bug that
// throws; the README's diagram is rendered from the same table (statusDiagram).

import { StateMachine, t } from 'typescript-fsm';
import type { Status } from './types.ts';

export type StatusEvent =
  | 'TimerExpires' // Timeout: ask for the next view
  | 'EnterView'; // ReceiveViewChanges (as the new primary) or ReceiveNewView (as a backup)

export const STATUS_TRANSITIONS = [
  // A backup whose timer fires stops taking part in its view and asks for the next one.
  t<Status, StatusEvent, undefined>('Normal', 'TimerExpires', 'ViewChange'),
  // The new view did not start in time either: ask for the one after.
  t<Status, StatusEvent, undefined>('ViewChange', 'TimerExpires', 'ViewChange'),
  t<Status, StatusEvent, undefined>('ViewChange', 'EnterView', 'Normal'),
  // A NEW-VIEW for a later view may reach a replica that never asked for it.
  t<Status, StatusEvent, undefined>('Normal', 'EnterView', 'Normal'),
];

const NEXT_STATUS = new Map(STATUS_TRANSITIONS.map(({ fromState, event, toState }) => [`${fromState}/${event}`, toState]));

/** The status after `event`; throws if the lifecycle does not allow it. */
export function nextStatus(status: Status, event: StatusEvent): Status {
  const next = NEXT_STATUS.get(`${status}/${event}`);
  if (next === undefined) throw new Error(`a replica in status ${status} cannot ${event}`);
  return next;
}

/** The lifecycle as a Mermaid state diagram. */
export function statusDiagram(): string {
  return new StateMachine<Status, StatusEvent>('Normal', STATUS_TRANSITIONS as never).toMermaid('PBFT replica status');
}
