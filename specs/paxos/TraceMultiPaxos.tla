---------------------------- MODULE TraceMultiPaxos ----------------------------
(***************************************************************************)
(* MCMultiPaxos with a history variable, lastAction, that records which    *)
(* action each step took and with which parameters, so that a TLC trace    *)
(* can be replayed by the TypeScript reducers step for step.  The          *)
(* conformance and ci models leave it out: it would only multiply the      *)
(* states.                                                                 *)
(*                                                                         *)
(* traces.cfg puts TraceX in place of every action X; an action without a  *)
(* TraceX would leave lastAction' undefined, which TLC reports at once.    *)
(***************************************************************************)
EXTENDS MCMultiPaxos

VARIABLE lastAction

Did(name, params) == lastAction' = [name |-> name, params |-> params]

TraceInit == Init /\ lastAction = [name |-> "Init", params |-> <<>>]

TracePhase1a(p) == MCPhase1a(p) /\ Did("Phase1a", [p |-> p])
TraceHandlePrepare(a, p) == R!HandlePrepare(a, p) /\ Did("HandlePrepare", [a |-> a, p |-> p])
TraceHandlePromise(p, a) == R!HandlePromise(p, a) /\ Did("HandlePromise", [p |-> p, a |-> a])
TraceBecomeLeader(p) == R!BecomeLeader(p) /\ Did("BecomeLeader", [p |-> p])
TracePropose(p, c) == MCPropose(p, c) /\ Did("Propose", [p |-> p, c |-> c])
TraceHandleAccept(a, p) == R!HandleAccept(a, p) /\ Did("HandleAccept", [a |-> a, p |-> p])
TraceHandleAccepted(p, a) == R!HandleAccepted(p, a) /\ Did("HandleAccepted", [p |-> p, a |-> a])
TraceHandleDecision(r, p) == R!HandleDecision(r, p) /\ Did("HandleDecision", [r |-> r, p |-> p])
TraceRestart(a) == R!Restart(a) /\ Did("Restart", [a |-> a])
TraceDropMessage(i, j) == R!DropMessage(i, j) /\ Did("DropMessage", [i |-> i, j |-> j])
TraceDuplicateMessage(i, j) == MCDuplicateMessage(i, j) /\ Did("DuplicateMessage", [i |-> i, j |-> j])

----
(***************************************************************************)
(* "This never happens" properties.  Each is false, and TLC's shortest     *)
(* counterexample to it is a targeted trace (traces/multipaxos/targets/).  *)
(***************************************************************************)

\* A leader change with re-proposal: a new leader's promises report values
\* accepted under an earlier leader, which it proposes again in its ballot.
NoReproposal ==
    [][lastAction'.name = "BecomeLeader" => ReportedSlots(lastAction'.params.p) = {}]_<<vars, lastAction>>

\* A gap filled with a no-op: a new leader's promises report a slot but not
\* one below it, and the leader proposes a no-op there, so that replicas can
\* execute the slots after the gap.
NoGapFill == \A p \in Proposer : NoOp \notin Range(proposals[p])
================================================================================
