// The role lifecycle of a Raft server (Raft figure 4) as a typescript-fsm transition table.
// The reducer looks every role change up here, so a change the table does not allow is a bug
// that throws; the README's diagram is rendered from the same table (roleDiagram).

import { StateMachine, t } from 'typescript-fsm';
import type { Role } from './types.ts';

export type RoleEvent =
  | 'ElectionTimeout' // Timeout
  | 'WinElection' // BecomeLeader
  | 'DiscoverLeader' // HandleAppendEntriesRequest from a leader of a term no older than ours
  | 'DiscoverNewerTerm' // any message with a newer term (Raft 5.1)
  | 'Restart'; // Restart

export const ROLE_TRANSITIONS = [
  t<Role, RoleEvent, undefined>('Follower', 'ElectionTimeout', 'Candidate'),
  t<Role, RoleEvent, undefined>('Candidate', 'ElectionTimeout', 'Candidate'),
  t<Role, RoleEvent, undefined>('Candidate', 'WinElection', 'Leader'),
  t<Role, RoleEvent, undefined>('Follower', 'DiscoverLeader', 'Follower'),
  t<Role, RoleEvent, undefined>('Candidate', 'DiscoverLeader', 'Follower'),
  // Unreachable while ElectionSafety holds (two leaders of one term); the spec makes it a follower too.
  t<Role, RoleEvent, undefined>('Leader', 'DiscoverLeader', 'Follower'),
  t<Role, RoleEvent, undefined>('Follower', 'DiscoverNewerTerm', 'Follower'),
  t<Role, RoleEvent, undefined>('Candidate', 'DiscoverNewerTerm', 'Follower'),
  t<Role, RoleEvent, undefined>('Leader', 'DiscoverNewerTerm', 'Follower'),
  t<Role, RoleEvent, undefined>('Follower', 'Restart', 'Follower'),
  t<Role, RoleEvent, undefined>('Candidate', 'Restart', 'Follower'),
  t<Role, RoleEvent, undefined>('Leader', 'Restart', 'Follower'),
];

const NEXT_ROLE = new Map(ROLE_TRANSITIONS.map(({ fromState, event, toState }) => [`${fromState}/${event}`, toState]));

/** The role after `event`; throws if the lifecycle does not allow it. */
export function nextRole(role: Role, event: RoleEvent): Role {
  const next = NEXT_ROLE.get(`${role}/${event}`);
  if (next === undefined) throw new Error(`a ${role} cannot ${event}`);
  return next;
}

/** The lifecycle as a Mermaid state diagram. */
export function roleDiagram(): string {
  return new StateMachine<Role, RoleEvent>('Follower', ROLE_TRANSITIONS as never).toMermaid('Raft server roles');
}
