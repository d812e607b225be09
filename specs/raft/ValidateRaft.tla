----------------------------- MODULE ValidateRaft -----------------------------
(***************************************************************************)
(* Trace validation, in the manner of etcd-raft's and CCF's: is a log that  *)
(* an implementation wrote a behaviour of Raft.tla?  The log is the         *)
(* sequence TraceLog, one record a line: the action, its parameters, the    *)
(* message the step took (if logged) and some of the server's variables     *)
(* after it (any of them may be left out).  Each step of TraceNext is the   *)
(* action the line names, with the line's parameters, whose successor      *)
(* agrees with every variable the line logs; what the line leaves out (the  *)
(* network included) is left to the spec's own non-determinism.  The log    *)
(* is accepted when a behaviour follows it to its last line: the depth of   *)
(* TLC's search is the log's length (and one, the initial state).           *)
(* consensus-lab validate writes TraceLog from the log, in the module       *)
(* TraceLogModule (src/validate/).                                          *)
(***************************************************************************)
EXTENDS Raft, TLC, TraceLogModule

\* TraceLogModule, which consensus-lab validate generates from the log, defines TraceLog (the
\* log's lines as records), TraceServer and TraceValue, and declares the servers as constants.

\* The next line to follow.
VARIABLE l

Has(e, f) == f \in DOMAIN e

\* The variables the line logs agree with the state after its step.
Agrees(e) ==
    LET i == e.params.i
        s == IF Has(e, "state") THEN e.state ELSE [x \in {} |-> 0]
    IN /\ Has(s, "currentTerm") => currentTerm'[i] = s.currentTerm
       /\ Has(s, "role") => state'[i] = s.role
       /\ Has(s, "votedFor") => votedFor'[i] = s.votedFor
       /\ Has(s, "noVote") => votedFor'[i] = Nil
       /\ Has(s, "commitIndex") => commitIndex'[i] = s.commitIndex
       /\ Has(s, "logLength") => Len(log'[i]) = s.logLength
       /\ Has(s, "lastLogTerm") => LastTerm(log'[i]) = s.lastLogTerm

\* A step that took a logged message took that one: one copy of it fewer.
TookLogged(e) ==
    Has(e, "recv") =>
        /\ e.recv \in DOMAIN messages
        /\ (IF e.recv \in DOMAIN messages' THEN messages'[e.recv] ELSE 0) < messages[e.recv]

\* The network duplicated the logged message: one copy of it more.
CopiedLogged(e) ==
    Has(e, "recv") =>
        /\ e.recv \in DOMAIN messages'
        /\ messages'[e.recv] = Count(e.recv) + 1

\* The spec's action that a line names, with its parameters.
Step(e) ==
    LET p == e.params IN
    CASE e.action = "Timeout" -> Timeout(p.i) /\ Agrees(e)
      [] e.action = "HandleRequestVoteRequest" -> HandleRequestVoteRequest(p.i, p.j) /\ TookLogged(e) /\ Agrees(e)
      [] e.action = "HandleRequestVoteResponse" -> HandleRequestVoteResponse(p.i, p.j) /\ TookLogged(e) /\ Agrees(e)
      [] e.action = "BecomeLeader" -> BecomeLeader(p.i) /\ Agrees(e)
      [] e.action = "ClientRequest" -> ClientRequest(p.i, p.v) /\ Agrees(e)
      [] e.action = "AppendEntries" -> AppendEntries(p.i, p.j) /\ Agrees(e)
      [] e.action = "HandleAppendEntriesRequest" -> HandleAppendEntriesRequest(p.i, p.j) /\ TookLogged(e) /\ Agrees(e)
      [] e.action = "HandleAppendEntriesResponse" -> HandleAppendEntriesResponse(p.i, p.j) /\ TookLogged(e) /\ Agrees(e)
      [] e.action = "AdvanceCommitIndex" -> AdvanceCommitIndex(p.i) /\ Agrees(e)
      [] e.action = "Restart" -> Restart(p.i) /\ Agrees(e)
      [] e.action = "DropMessage" -> DropMessage(p.i, p.j) /\ TookLogged(e)
      [] e.action = "DuplicateMessage" -> DuplicateMessage(p.i, p.j) /\ CopiedLogged(e)
      [] OTHER -> FALSE

TraceInit == Init /\ l = 1

TraceNext ==
    /\ l <= Len(TraceLog)
    /\ Step(TraceLog[l])
    /\ l' = l + 1
================================================================================
