// Paxos.tla's invariants (src/paxos/invariants.ts, by the same names) over a run, checked after
// every step of a server in constant time. Each is checked in its over-time form, which implies
// the state invariant at every step:
//
// - Agreement: a ghost remembers the first value chosen (a majority of acceptors holding it in one
//   ballot, counted as acceptors' values change) or decided; every later choice or decision must
//   be that value.
// - Validity: the values proposed so far (Phase2a steps) are remembered; an acceptor may accept,
//   and a learner decide, only one of them, when it does.
// - AcceptedBelowPromise, TypeOK (what TypeScript's types do not say), Integrity and
//   AcceptorMonotonicity, for the server that stepped.
//
// It learns the value a Phase2a proposed from the step itself (it is in no state); a state that no
// step it knows of made is compared with the last one role by role.

import type { NodeId, RunMonitor } from '../host/types.ts';
import { ballotLess, ballotText, sameBallot } from './ballot.ts';
import type { PaxosServer, PaxosStep } from './host.ts';
import type { PaxosConfig } from './node.ts';
import { initialAcceptor, initialLearner, initialProposer } from './node.ts';
import type { AcceptedValue, Value } from './types.ts';

type Broken = { readonly invariant: string; readonly detail: string } | undefined;

const sameAccepted = (x: AcceptedValue | null, y: AcceptedValue | null) => x === y || (x !== null && y !== null && x.val === y.val && sameBallot(x.bal, y.bal));
const holdingKey = (x: AcceptedValue) => `${x.bal.round}.${x.bal.proposer}|${x.val}`;

export function paxosMonitor(cfg: PaxosConfig): RunMonitor<PaxosServer> {
  const majority = Math.floor(cfg.acceptors.length / 2) + 1;
  const proposers = new Set(cfg.proposers);
  const seen = new Map<NodeId, PaxosServer>();
  /** How many acceptors hold each (ballot, value) now. */
  const holding = new Map<string, number>();
  /** The value first chosen or decided, and how. */
  let fixed: { readonly value: Value; readonly how: string } | undefined;
  const proposed = new Set<Value>();

  function fix(value: Value, how: string): Broken {
    if (fixed === undefined) {
      fixed = { value, how };
      return undefined;
    }
    if (fixed.value === value) return undefined;
    return { invariant: 'Agreement', detail: `${fixed.how} ${fixed.value}, but ${how} ${value}` };
  }

  const goodBallot = (b: { readonly round: number; readonly proposer: number }) => b.round > 0 && proposers.has(b.proposer);

  function observeProposer(id: NodeId, before: PaxosServer, node: PaxosServer, step: PaxosStep | undefined): Broken {
    const p = node.proposer;
    if (p.round < 0) return { invariant: 'TypeOK', detail: `proposer ${id} has round ${p.round}` };
    if (before.proposer === p) return undefined;
    if (p.promises.some((r) => r.accepted !== null && !goodBallot(r.accepted.bal))) return { invariant: 'TypeOK', detail: `proposer ${id} holds a promise reporting a ballot of no proposer` };
    if (step?.action === 'Phase2a') proposed.add(step.params.v as Value);
    return undefined;
  }

  function observeAcceptor(id: NodeId, before: PaxosServer, node: PaxosServer): Broken {
    const was = before.acceptor;
    const a = node.acceptor;
    if (was === a) return undefined;
    if (a.promised !== null && !goodBallot(a.promised)) return { invariant: 'TypeOK', detail: `acceptor ${id} promised ballot ${ballotText(a.promised)}, of no proposer` };
    if (was.promised !== null && (a.promised === null || ballotLess(a.promised, was.promised))) {
      return { invariant: 'AcceptorMonotonicity', detail: `acceptor ${id}'s promise went back from ${ballotText(was.promised)} to ${a.promised === null ? 'none' : ballotText(a.promised)}` };
    }
    if (a.accepted !== null && (a.promised === null || ballotLess(a.promised, a.accepted.bal))) {
      return { invariant: 'AcceptedBelowPromise', detail: `acceptor ${id} accepted ballot ${ballotText(a.accepted.bal)} above its promise ${a.promised === null ? 'none' : ballotText(a.promised)}` };
    }
    if (sameAccepted(was.accepted, a.accepted)) return undefined;
    if (was.accepted !== null) {
      const key = holdingKey(was.accepted);
      const left = holding.get(key)! - 1;
      if (left === 0) holding.delete(key);
      else holding.set(key, left);
    }
    if (a.accepted === null) return undefined;
    if (!goodBallot(a.accepted.bal)) return { invariant: 'TypeOK', detail: `acceptor ${id} accepted ballot ${ballotText(a.accepted.bal)}, of no proposer` };
    if (!proposed.has(a.accepted.val)) return { invariant: 'Validity', detail: `acceptor ${id} accepts ${a.accepted.val}, which no proposer proposed` };
    const key = holdingKey(a.accepted);
    const count = (holding.get(key) ?? 0) + 1;
    holding.set(key, count);
    return count === majority ? fix(a.accepted.val, `a majority chose in ballot ${ballotText(a.accepted.bal)}`) : undefined;
  }

  function observeLearner(id: NodeId, before: PaxosServer, node: PaxosServer): Broken {
    const was = before.learner.decided;
    const now = node.learner.decided;
    if (was === now) return undefined;
    if (was !== null) return { invariant: 'Integrity', detail: `learner ${id}'s decision changed from ${was} to ${now ?? 'none'}` };
    if (now === null) return undefined;
    if (!proposed.has(now)) return { invariant: 'Validity', detail: `learner ${id} decides ${now}, which no proposer proposed` };
    return fix(now, `learner ${id} decided`);
  }

  return {
    observe(id, nodes, step) {
      const node = nodes.get(id)!;
      let before = seen.get(id);
      if (before === undefined) {
        const sid = Number(id);
        before = { id: sid, proposer: initialProposer(sid), acceptor: initialAcceptor(sid), learner: initialLearner(sid) };
      }
      if (before === node) return undefined;
      const known = step.node === node ? (step as PaxosStep) : undefined;
      const broken = observeProposer(id, before, node, known) ?? observeAcceptor(id, before, node) ?? observeLearner(id, before, node);
      seen.set(id, node);
      return broken;
    },
  };
}
