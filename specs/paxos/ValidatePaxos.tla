---------------------------- MODULE ValidatePaxos ----------------------------
(***************************************************************************)
(* Trace validation: is a log that an implementation of single-decree      *)
(* Paxos wrote a behaviour of Paxos.tla?  As ValidateRaft.tla does for     *)
(* Raft: the log is the sequence TraceLog, one record a line, with the     *)
(* action, its parameters, the message the step took (if logged) and some  *)
(* of the server's variables after it (any of them may be left out).  A    *)
(* server plays every role, so a line logs its proposer's, acceptor's and  *)
(* learner's variables, and the parameters name which of its agents steps: *)
(* a in HandlePrepare(a, p), p in HandlePromise(p, a), l in                *)
(* HandleAccepted(l, a).  Each step of TraceNext is the action the line    *)
(* names, with the line's parameters (Phase2a's value included), whose     *)
(* successor agrees with every variable the line logs; what the line       *)
(* leaves out (the network included) is left to the spec's own             *)
(* non-determinism.  The log is accepted when a behaviour follows it to    *)
(* its last line: the depth of TLC's search is the log's length and one.   *)
(***************************************************************************)
EXTENDS Paxos, TLC, TraceLogModule

\* TraceLogModule, which consensus-lab validate generates from the log (src/paxos/validate.ts),
\* defines TraceLog, the servers of each role, the values and the rounds (1 .. the most any
\* proposer can reach in the log), and declares TraceNone, which the model makes the model
\* value None: the log's "no promise", "nothing accepted", "undecided".

\* The next line to follow.
VARIABLE l

Has(e, f) == f \in DOMAIN e

\* The variables the line logs agree with those of server i after its step.
Agrees(i, e) ==
    LET s == IF Has(e, "state") THEN e.state ELSE [x \in {} |-> 0]
    IN /\ Has(s, "round") => round'[i] = s.round
       /\ Has(s, "phase") => phase'[i] = s.phase
       /\ Has(s, "promises") => promises'[i] = s.promises
       /\ Has(s, "promised") => promised'[i] = s.promised
       /\ Has(s, "accepted") => accepted'[i] = s.accepted
       /\ Has(s, "tally") => tally'[i] = s.tally
       /\ Has(s, "decided") => decided'[i] = s.decided

\* A step of action A, which takes a message: with the message the line logs, A's formula for
\* that message (Body, which is A!(m), TLA+'s name for the formula under A's \E m \in DOMAIN
\* messages, with m the message); without it, A, any message.  (TLC would otherwise compute a
\* successor for every message in flight between the two servers, keeping one: after a new
\* leader's Accepts for hundreds of slots, a thousand of them.)
Taking(e, A, Body(_)) ==
    IF Has(e, "recv") THEN e.recv \in DOMAIN messages /\ Body(e.recv) ELSE A

\* The spec's action that a line names, with its parameters; the agent that steps logs its state.
Step(e) ==
    LET p == e.params IN
    CASE e.action = "Phase1a" -> Phase1a(p.p) /\ Agrees(p.p, e)
      [] e.action = "HandlePrepare" ->
             /\ Taking(e, HandlePrepare(p.a, p.p), LAMBDA m : HandlePrepare(p.a, p.p)!(m))
             /\ Agrees(p.a, e)
      [] e.action = "HandlePromise" ->
             /\ Taking(e, HandlePromise(p.p, p.a), LAMBDA m : HandlePromise(p.p, p.a)!(m))
             /\ Agrees(p.p, e)
      [] e.action = "Phase2a" -> Phase2a(p.p, p.v) /\ Agrees(p.p, e)
      [] e.action = "HandleAccept" ->
             /\ Taking(e, HandleAccept(p.a, p.p), LAMBDA m : HandleAccept(p.a, p.p)!(m))
             /\ Agrees(p.a, e)
      [] e.action = "HandleAccepted" ->
             /\ Taking(e, HandleAccepted(p.l, p.a), LAMBDA m : HandleAccepted(p.l, p.a)!(m))
             /\ Agrees(p.l, e)
      [] e.action = "HandleDecided" ->
             /\ Taking(e, HandleDecided(p.l, p.k), LAMBDA m : HandleDecided(p.l, p.k)!(m))
             /\ Agrees(p.l, e)
      [] e.action = "Restart" -> Restart(p.a) /\ Agrees(p.a, e)
      [] e.action = "DropMessage" ->
             /\ Taking(e, DropMessage(p.i, p.j), LAMBDA m : DropMessage(p.i, p.j)!(m))
      [] e.action = "DuplicateMessage" ->
             /\ Taking(e, DuplicateMessage(p.i, p.j), LAMBDA m : DuplicateMessage(p.i, p.j)!(m))
      [] OTHER -> FALSE

TraceInit == Init /\ l = 1

TraceNext ==
    /\ l <= Len(TraceLog)
    /\ Step(TraceLog[l])
    /\ l' = l + 1

\* Where every step that takes a message logs it, each line has one successor: TLC tells states
\* apart by the line alone (the model's VIEW), and need not hash the whole state at each.
TraceView == l
================================================================================
