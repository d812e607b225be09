// Raft's TypeScript state and actions as the TLA+ values of specs/raft/Raft.tla's variables and
// of TraceRaft.tla's history variable, for comparing with TLC's states and replaying its traces.

import { bagToTla } from '../core/bag.ts';
import { bool, fn, int, modelValue, record, seq, set, str } from '../core/tla/value.ts';
import type { TlaState, TlaValue } from '../core/tla/value.ts';
import type { RaftAction, RaftCluster } from './cluster.ts';
import type { LogEntry, RaftMessage, RaftNode, ServerId } from './types.ts';

export const RAFT_VARIABLES = [
  'messages',
  'currentTerm',
  'votedFor',
  'log',
  'state',
  'commitIndex',
  'votesGranted',
  'nextIndex',
  'matchIndex',
] as const;

const server = (id: ServerId): TlaValue => modelValue(id);

/** The models name values as model values (v1, v2); a system's values are strings (its commands). */
export type ValueToTla = (value: string) => TlaValue;

function entryToTla(e: LogEntry, value: ValueToTla = modelValue): TlaValue {
  return record({ term: int(e.term), value: value(e.value) });
}

export function messageToTla(m: RaftMessage, value: ValueToTla = modelValue): TlaValue {
  const common = { mtype: str(m.type), mterm: int(m.term), msource: server(m.source), mdest: server(m.dest) };
  switch (m.type) {
    case 'RequestVoteRequest':
      return record({ ...common, mlastLogTerm: int(m.lastLogTerm), mlastLogIndex: int(m.lastLogIndex) });
    case 'RequestVoteResponse':
      return record({ ...common, mvoteGranted: bool(m.voteGranted) });
    case 'AppendEntriesRequest':
      return record({
        ...common,
        mprevLogIndex: int(m.prevLogIndex),
        mprevLogTerm: int(m.prevLogTerm),
        mentries: seq(m.entries.map((e) => entryToTla(e, value))),
        mcommitIndex: int(m.commitIndex),
      });
    case 'AppendEntriesResponse':
      return record({ ...common, msuccess: bool(m.success), mmatchIndex: int(m.matchIndex) });
  }
}

/** The cluster as the values of Raft.tla's variables; `nil` is the model's Nil. */
export function clusterToTla(c: RaftCluster, nil: TlaValue): TlaState {
  const perServer = (f: (n: RaftNode) => TlaValue) => fn(c.nodes.map((n) => [server(n.id), f(n)] as const));
  const perPeer = (values: Readonly<Record<ServerId, number>>) =>
    fn(Object.entries(values).map(([j, v]) => [server(j), int(v)] as const));
  return {
    messages: bagToTla(c.messages, messageToTla),
    currentTerm: perServer((n) => int(n.currentTerm)),
    votedFor: perServer((n) => (n.votedFor === null ? nil : server(n.votedFor))),
    log: perServer((n) => seq(n.log.map((e) => entryToTla(e)))),
    state: perServer((n) => str(n.role)),
    commitIndex: perServer((n) => int(n.commitIndex)),
    votesGranted: perServer((n) => set(n.votesGranted.map(server))),
    nextIndex: perServer((n) => perPeer(n.nextIndex)),
    matchIndex: perServer((n) => perPeer(n.matchIndex)),
  };
}

/** The action as TraceRaft.tla records it in lastAction: [name |-> ..., params |-> [...]]. */
export function actionToTla(a: RaftAction): TlaValue {
  const params = ((): Record<string, TlaValue> => {
    switch (a.name) {
      case 'Timeout':
      case 'BecomeLeader':
      case 'AdvanceCommitIndex':
      case 'Restart':
        return { i: server(a.i) };
      case 'ClientRequest':
        return { i: server(a.i), v: modelValue(a.v) };
      case 'AppendEntries':
      case 'HandleRequestVoteRequest':
      case 'HandleRequestVoteResponse':
      case 'HandleAppendEntriesRequest':
      case 'HandleAppendEntriesResponse':
      case 'DropMessage':
      case 'DuplicateMessage':
        return { i: server(a.i), j: server(a.j) };
    }
  })();
  return record({ name: str(a.name), params: record(params) });
}
