-------------------------- MODULE ValidateMultiPaxos --------------------------
(***************************************************************************)
(* Trace validation: is a log that an implementation of Multi-Paxos wrote  *)
(* a behaviour of MultiPaxos.tla?  As ValidatePaxos.tla does for Paxos.tla: *)
(* the log is the sequence TraceLog, one record a line, with the action,    *)
(* its parameters, the message the step took (if logged) and some of the   *)
(* server's variables after it, any of them left out.  A server plays      *)
(* every role; the parameters name the agent that steps (a in              *)
(* HandlePrepare(a, p), p in HandleAccepted(p, a), r in HandleDecision(r,  *)
(* p)) and Propose's command.  The log's variables are the promise and the *)
(* sizes of the ones that grow with the log: the proposals, the acks, the   *)
(* slots accepted, the replica's log and the slots pending; the messages   *)
(* taken, in full, say the rest.  Each step of TraceNext is the action the *)
(* line names, with its parameters, whose successor agrees with what the   *)
(* line logs; what it leaves out is left to the spec's non-determinism.    *)
(* The log is accepted when a behaviour follows it to its last line.       *)
(***************************************************************************)
EXTENDS MultiPaxos, TLC, TraceLogModule

\* TraceLogModule, which consensus-lab validate generates from the log (src/multipaxos/validate.ts),
\* defines TraceLog, the servers of each role, the commands, the rounds and the slots (1 .. the
\* most the log can reach), and NoOp as the log writes it; it declares TraceNone, which the model
\* makes the model value None.

\* TLC evaluates every constant definition of the spec when it starts, AcceptedLog too (the
\* type of an acceptor's accepted values, which only TypeOK uses): with a few slots, millions
\* of functions.  Validation checks no invariant; the model puts this in its place.
NotChecked == {}

\* The next line to follow.
VARIABLE l

Has(e, f) == f \in DOMAIN e

\* The variables the line logs agree with those of server i after its step.
Agrees(i, e) ==
    LET s == IF Has(e, "state") THEN e.state ELSE [x \in {} |-> 0]
    IN /\ Has(s, "round") => round'[i] = s.round
       /\ Has(s, "phase") => phase'[i] = s.phase
       /\ Has(s, "promiseCount") => Cardinality(promises'[i]) = s.promiseCount
       /\ Has(s, "proposalCount") => Len(proposals'[i]) = s.proposalCount
       /\ Has(s, "ackCount") => Cardinality(acks'[i]) = s.ackCount
       /\ Has(s, "promised") => promised'[i] = s.promised
       /\ Has(s, "acceptedCount") => Cardinality(DOMAIN accepted'[i]) = s.acceptedCount
       /\ Has(s, "logLength") => Len(log'[i]) = s.logLength
       /\ Has(s, "pendingCount") => Cardinality(DOMAIN pending'[i]) = s.pendingCount

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
      [] e.action = "BecomeLeader" -> BecomeLeader(p.p) /\ Agrees(p.p, e)
      [] e.action = "Propose" -> Propose(p.p, p.c) /\ Agrees(p.p, e)
      [] e.action = "HandleAccept" ->
             /\ Taking(e, HandleAccept(p.a, p.p), LAMBDA m : HandleAccept(p.a, p.p)!(m))
             /\ Agrees(p.a, e)
      [] e.action = "HandleAccepted" ->
             /\ Taking(e, HandleAccepted(p.p, p.a), LAMBDA m : HandleAccepted(p.p, p.a)!(m))
             /\ Agrees(p.p, e)
      [] e.action = "HandleDecision" ->
             /\ Taking(e, HandleDecision(p.r, p.p), LAMBDA m : HandleDecision(p.r, p.p)!(m))
             /\ Agrees(p.r, e)
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
