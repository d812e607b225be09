// The exercise of docs/exercises/raft-reducer.md: a Raft reducer of your own, checked against
// TLC's state graph of specs/raft/Raft.tla with
//
//   npx consensus-lab conform raft --impl ./examples/raft-ts/reducer.ts --counts-model conformance
//
// Everything but HandleRequestVoteRequest is the project's reducer (src/raft/node.ts). Write that
// one action from the spec (Raft.tla, HandleRequestVoteRequest) and run the check: it says where
// your reducer first parts from the spec, and how.

import { step as reference } from '../../src/raft/node.ts';
import type { RaftConfig } from '../../src/raft/node.ts';
import type { RaftEvent, RaftNode, RequestVoteRequest, RequestVoteResponse, Transition } from '../../src/raft/types.ts';

/**
 * Raft.tla HandleRequestVoteRequest(i, j): server `node` takes m, a vote request from m.source.
 * TODO: grant the vote as the spec does (a newer term first makes the server a follower of it
 * that has not voted; a vote once per term; only to a log at least as up to date as its own),
 * and answer in the term the server is in after the step.
 */
export function HandleRequestVoteRequest(cfg: RaftConfig, node: RaftNode, m: RequestVoteRequest): Transition {
  const response: RequestVoteResponse = { type: 'RequestVoteResponse', term: node.currentTerm, voteGranted: false, source: node.id, dest: m.source };
  return { node, sent: [response] };
}

/** The reducer the checker loads: yours for a vote request, the project's for everything else. */
export function step(cfg: RaftConfig, node: RaftNode, event: RaftEvent): Transition | undefined {
  if (event.type === 'Receive' && event.message.type === 'RequestVoteRequest') return HandleRequestVoteRequest(cfg, node, event.message);
  return reference(cfg, node, event);
}
