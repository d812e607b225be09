------------------------------ MODULE TracePaxos ------------------------------
(***************************************************************************)
(* MCPaxos with a history variable, lastAction, that records which action  *)
(* each step took and with which parameters, so that a TLC trace can be    *)
(* replayed by the TypeScript reducers step for step.  The conformance and *)
(* ci models leave it out: it would only multiply the states.              *)
(*                                                                         *)
(* traces.cfg puts TraceX in place of every action X; an action without a  *)
(* TraceX would leave lastAction' undefined, which TLC reports at once.    *)
(***************************************************************************)
EXTENDS MCPaxos

VARIABLE lastAction

Did(name, params) == lastAction' = [name |-> name, params |-> params]

TraceInit == Init /\ lastAction = [name |-> "Init", params |-> <<>>]

TracePhase1a(p) == MCPhase1a(p) /\ Did("Phase1a", [p |-> p])
TraceHandlePrepare(a, p) == R!HandlePrepare(a, p) /\ Did("HandlePrepare", [a |-> a, p |-> p])
TraceHandlePromise(p, a) == R!HandlePromise(p, a) /\ Did("HandlePromise", [p |-> p, a |-> a])
TracePhase2a(p, v) == MCPhase2a(p, v) /\ Did("Phase2a", [p |-> p, v |-> v])
TraceHandleAccept(a, p) == R!HandleAccept(a, p) /\ Did("HandleAccept", [a |-> a, p |-> p])
TraceHandleAccepted(l, a) == R!HandleAccepted(l, a) /\ Did("HandleAccepted", [l |-> l, a |-> a])
TraceHandleDecided(l, k) == R!HandleDecided(l, k) /\ Did("HandleDecided", [l |-> l, k |-> k])
TraceRestart(a) == R!Restart(a) /\ Did("Restart", [a |-> a])
TraceDropMessage(i, j) == R!DropMessage(i, j) /\ Did("DropMessage", [i |-> i, j |-> j])
TraceDuplicateMessage(i, j) == MCDuplicateMessage(i, j) /\ Did("DuplicateMessage", [i |-> i, j |-> j])

----
(***************************************************************************)
(* "This never happens" properties.  Each is false, and TLC's shortest     *)
(* counterexample to it is a targeted trace (traces/paxos/targets/).       *)
(***************************************************************************)

\* The ballots proposers have started: a proposer goes through the rounds in
\* order, so it has started every round up to its current one.
BallotsStarted ==
    UNION {{[round |-> r, proposer |-> p] : r \in {s \in Round : s <= round[p]}} : p \in Proposer}

\* The ballots in which a quorum of acceptors has accepted a value.
ChosenBallots ==
    {b \in Ballot : \E Q \in Quorum : \A a \in Q : accepted[a] /= None /\ accepted[a].bal = b}

\* A value is chosen in a later ballot: one above a ballot some proposer
\* started, which was preempted or abandoned.
NoChoiceInLaterBallot ==
    \A b \in ChosenBallots : \A c \in BallotsStarted : ~Less(c, b)

\* A proposer proposes again a value that its promises report accepted in an
\* earlier ballot, instead of a value of its own: the heart of Paxos.
NoReproposal ==
    [][lastAction'.name = "Phase2a" => Reported(lastAction'.params.p) = {}]_<<vars, lastAction>>
================================================================================
