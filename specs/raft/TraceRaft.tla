------------------------------- MODULE TraceRaft -------------------------------
(***************************************************************************)
(* MCRaft with a history variable, lastAction, that records which action   *)
(* each step took and with which parameters, so that a TLC trace can be    *)
(* replayed by the TypeScript reducer step for step.  The conformance and  *)
(* ci models leave it out: it would only multiply the states.              *)
(*                                                                         *)
(* traces.cfg puts TraceX in place of every action X; an action without a  *)
(* TraceX would leave lastAction' undefined, which TLC reports at once.    *)
(***************************************************************************)
EXTENDS MCRaft

VARIABLE lastAction

Did(name, params) == lastAction' = [name |-> name, params |-> params]

TraceInit == Init /\ lastAction = [name |-> "Init", params |-> <<>>]

TraceTimeout(i) == MCTimeout(i) /\ Did("Timeout", [i |-> i])
TraceHandleRequestVoteRequest(i, j) ==
    R!HandleRequestVoteRequest(i, j) /\ Did("HandleRequestVoteRequest", [i |-> i, j |-> j])
TraceHandleRequestVoteResponse(i, j) ==
    R!HandleRequestVoteResponse(i, j) /\ Did("HandleRequestVoteResponse", [i |-> i, j |-> j])
TraceBecomeLeader(i) == R!BecomeLeader(i) /\ Did("BecomeLeader", [i |-> i])
TraceClientRequest(i, v) == MCClientRequest(i, v) /\ Did("ClientRequest", [i |-> i, v |-> v])
TraceAppendEntries(i, j) == MCAppendEntries(i, j) /\ Did("AppendEntries", [i |-> i, j |-> j])
TraceHandleAppendEntriesRequest(i, j) ==
    R!HandleAppendEntriesRequest(i, j) /\ Did("HandleAppendEntriesRequest", [i |-> i, j |-> j])
TraceHandleAppendEntriesResponse(i, j) ==
    R!HandleAppendEntriesResponse(i, j) /\ Did("HandleAppendEntriesResponse", [i |-> i, j |-> j])
TraceAdvanceCommitIndex(i) == R!AdvanceCommitIndex(i) /\ Did("AdvanceCommitIndex", [i |-> i])
TraceRestart(i) == R!Restart(i) /\ Did("Restart", [i |-> i])
TraceDropMessage(i, j) == R!DropMessage(i, j) /\ Did("DropMessage", [i |-> i, j |-> j])
TraceDuplicateMessage(i, j) == MCDuplicateMessage(i, j) /\ Did("DuplicateMessage", [i |-> i, j |-> j])

----
(***************************************************************************)
(* "This never happens" properties.  Each is false, and TLC's shortest     *)
(* counterexample to it is a targeted trace (traces/raft/targets/).        *)
(***************************************************************************)

\* A follower's conflicting entry is replaced by the new leader's: log repair.
NoLogRepair ==
    [][\A i \in Server : log'[i] /= log[i] => Len(log'[i]) > Len(log[i])]_<<vars, lastAction>>

\* A leader commits an entry of an earlier term, together with one of its own.
NoCommitOfEarlierTerm ==
    \A i \in Server : state[i] = "Leader" =>
        \A n \in 1 .. commitIndex[i] : log[i][n].term = currentTerm[i]

\* A leader crashes and restarts, keeping its term, its vote and its log.
NoLeaderRestart ==
    [][lastAction'.name = "Restart" => state[lastAction'.params.i] /= "Leader"]_<<vars, lastAction>>
================================================================================
