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
TraceHandleRequestVoteRequest(m) ==
    R!HandleRequestVoteRequest(m) /\ Did("HandleRequestVoteRequest", [m |-> m])
TraceHandleRequestVoteResponse(m) ==
    R!HandleRequestVoteResponse(m) /\ Did("HandleRequestVoteResponse", [m |-> m])
TraceBecomeLeader(i) == R!BecomeLeader(i) /\ Did("BecomeLeader", [i |-> i])
TraceClientRequest(i, v) == MCClientRequest(i, v) /\ Did("ClientRequest", [i |-> i, v |-> v])
TraceAppendEntries(i, j) == MCAppendEntries(i, j) /\ Did("AppendEntries", [i |-> i, j |-> j])
TraceHandleAppendEntriesRequest(m) ==
    R!HandleAppendEntriesRequest(m) /\ Did("HandleAppendEntriesRequest", [m |-> m])
TraceHandleAppendEntriesResponse(m) ==
    R!HandleAppendEntriesResponse(m) /\ Did("HandleAppendEntriesResponse", [m |-> m])
TraceAdvanceCommitIndex(i) == R!AdvanceCommitIndex(i) /\ Did("AdvanceCommitIndex", [i |-> i])
TraceRestart(i) == R!Restart(i) /\ Did("Restart", [i |-> i])
TraceDropMessage(m) == R!DropMessage(m) /\ Did("DropMessage", [m |-> m])
TraceDuplicateMessage(m) == MCDuplicateMessage(m) /\ Did("DuplicateMessage", [m |-> m])

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
