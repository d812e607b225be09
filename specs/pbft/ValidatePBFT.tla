----------------------------- MODULE ValidatePBFT -----------------------------
(***************************************************************************)
(* Trace validation: is a log that an implementation of PBFT wrote a       *)
(* behaviour of PBFT.tla?  As ValidateRaft.tla does for Raft: the log is   *)
(* the sequence TraceLog, one record a line, with the action, its          *)
(* parameters, the message the step took and those it sent (if logged),   *)
(* and some of the replica's variables after it (any of them may be left  *)
(* out).  Each step of TraceNext is the action the line names, with the   *)
(* line's parameters, whose successor agrees with every variable the line *)
(* logs; what the line leaves out is left to the spec's non-determinism.   *)
(* The log is accepted when a behaviour follows it to its last line: the   *)
(* depth of TLC's search is the log's length and one.                      *)
(*                                                                         *)
(* What differs from Raft follows from PBFT.tla:                           *)
(*  - Only correct replicas log steps.  A Byzantine replica has no state   *)
(*    and no actions in the spec: its messages are always there to be      *)
(*    received (Signed), so what it did needs no line.                     *)
(*  - The clients' requests are not logged either (the node host logs the  *)
(*    replicas).  TraceInit is the state after the clients issued every    *)
(*    request the log names (ClientRequest steps, always enabled, and      *)
(*    requests only enable actions), but for those that ClientRequest      *)
(*    lines of the log issue themselves.                                   *)
(*  - A quorum the line names (from: the PREPAREs or COMMITs it took) is   *)
(*    a quorum of signed messages for the line's request d, and d is what *)
(*    the step prepared or committed.                                      *)
(*  - The spec takes a quorum of view changes, or a NEW-VIEW, from sets    *)
(*    with every subset of the certificates a Byzantine replica could      *)
(*    claim, too many to enumerate past the models.  The model replaces    *)
(*    them (ViewChangeQuorums <- TraceViewChangeQuorums, NewViewsFrom <-   *)
(*    TraceNewViewsFrom) with the one the line logs, if it is a member,    *)
(*    decided without enumerating the sets.                                *)
(*  - PBFT.tla has no DropMessage or DuplicateMessage: a message is never  *)
(*    consumed, so a copy of one is a stutter.                             *)
(* The constants come from the log's Init line (N, Byzantine, K and the    *)
(* null request), whatever the models' bounds.                             *)
(***************************************************************************)
EXTENDS PBFT, TLC, TraceLogModule

\* TraceLogModule, which consensus-lab validate generates from the log (src/pbft/validate.ts),
\* defines TraceLog, TraceRequest (the requests the log names), TraceIssued (those its
\* ClientRequest lines issue) and TraceNull (the null request's digest).

\* The next line to follow.
VARIABLE l

Has(e, f) == f \in DOMAIN e

\* The step sent the messages S: msgs' = msgs \cup S (no action removes a
\* message), said without building that union.
SentLogged(S) ==
    LET new == {m \in S : m \notin msgs}
    IN new \subseteq msgs' /\ Cardinality(msgs') = Cardinality(msgs) + Cardinality(new)

\* What the line logs agrees with the state after its step: the replica's
\* variables, and the messages it sent.
Agrees(e) ==
    LET i == e.params.i
        s == IF Has(e, "state") THEN e.state ELSE [x \in {} |-> 0]
    IN /\ Has(s, "view") => view'[i] = s.view
       /\ Has(s, "status") => status'[i] = s.status
       /\ Has(s, "logSize") => Cardinality(log'[i]) = s.logSize
       /\ Has(s, "committed") => Cardinality(committed'[i]) = s.committed
       /\ Has(s, "executed") => Len(executed'[i]) = s.executed
       /\ Has(e, "sent") => SentLogged(e.sent)

\* A step that took a logged pre-prepare took that one: of the replica's view.
TookPrePrepare(e) ==
    Has(e, "recv") => e.recv = PrePrepareMsg(view[e.params.i], e.params.n, e.params.d)

\* The PREPAREs (or COMMITs) a line took, from the replicas `from`, match
\* request d in the replica's view, are signed, and make a quorum; and d is
\* the request the step prepared (or committed).
TookPrepares(e) ==
    LET p == e.params
        c == CommitMsg(view[p.i], p.n, p.d, p.i)
        Q == {j \in p.from : j /= Primary(view[p.i])}
    IN Has(p, "d") =>
        /\ c \notin log[p.i] /\ c \in log'[p.i]
        /\ Has(p, "from") => \A j \in Q : Signed(PrepareMsg(view[p.i], p.n, p.d, j))
        /\ Has(p, "from") => PrepareQuorum(Q)
TookCommits(e) ==
    LET p == e.params
        c == Cert(view[p.i], p.n, p.d)
    IN Has(p, "d") =>
        /\ c \notin committed[p.i] /\ c \in committed'[p.i]
        /\ Has(p, "from") => \A j \in p.from : Signed(CommitMsg(view[p.i], p.n, p.d, j))
        /\ Has(p, "from") => CommitQuorum(p.from)

\* A client took result k for request r from the replies of the replicas
\* `from`: a quorum, and k the result of each correct one among them.
TookReplies(e, k) ==
    LET p == e.params
    IN Has(p, "from") =>
        /\ ReplyQuorum(p.from)
        /\ \A j \in p.from \cap Correct : Result(executed[j], p.r) = k

\* The results correct replicas computed for request r, the only ones a
\* client can take (f + 1 replies, one of them correct).
Results(r) == {Result(executed[i], r) : i \in Correct} \ {0}

\* The network copied a message: one that exists (a copy changes nothing).
CopiedLogged(e) == Has(e, "recv") => Signed(e.recv)

----
\* Membership in the spec's sets of view changes and new views, decided
\* without enumerating them.

\* m \in ByzantineViewChanges(v).
ByzantineViewChange(m, v) ==
    /\ m.sender \in Byzantine
    /\ m = ViewChangeMsg(v, m.prepared, m.sender)
    /\ \A c \in m.prepared : c \in ProvableCerts /\ c.view < v

\* V \in ViewChangeSets(v, size, except).
IsViewChangeSet(V, v, size, except) ==
    /\ \A m \in V : /\ m.sender /= except
                    /\ \/ m \in msgs /\ m.type = "ViewChange" /\ m.view = v
                       \/ ByzantineViewChange(m, v)
    /\ Cardinality(V) = size
    /\ Cardinality({m.sender : m \in V}) = size

\* Q \in ViewChangeQuorums(i).
IsViewChangeQuorum(i, Q) ==
    \E v \in ViewChangeViews :
        /\ Primary(v) = i
        /\ \/ v > view[i]
           \/ v = view[i] /\ status[i] = "ViewChange"
        /\ IsViewChangeSet(Q, v, 2 * F, i)

\* m \in NewViewsFrom(j).
IsNewViewFrom(m, j) ==
    IF j \in Byzantine
    THEN \E v \in ViewChangeViews :
            /\ Primary(v) = j
            /\ m = NewViewMsg(v, m.viewChanges)
            /\ Cardinality(m.viewChanges) \in 2 * F + 1 .. N
            /\ IsViewChangeSet(m.viewChanges, v, Cardinality(m.viewChanges), N)
    ELSE m \in msgs /\ m.type = "NewView" /\ m.sender = j

\* The quorum a ReceiveViewChanges line took: the view changes of the NEW-VIEW
\* it sent, but its own.
LoggedQuorum(e) ==
    LET nv == CHOOSE m \in e.sent : m.type = "NewView"
    IN {m \in nv.viewChanges : m.sender /= e.params.i}

\* The model's replacements: the logged quorum and NEW-VIEW, if the spec's sets have them.
TraceViewChangeQuorums(i) == {Q \in {LoggedQuorum(TraceLog[l])} : IsViewChangeQuorum(i, Q)}
TraceNewViewsFrom(j) == {m \in {TraceLog[l].recv} : IsNewViewFrom(m, j)}

----
\* The spec's action that a line names, with its parameters.
Step(e) ==
    LET p == e.params IN
    CASE e.action = "ClientRequest" -> ClientRequest(p.r)
      [] e.action = "PrePrepare" -> PrePrepare(p.i, p.r) /\ Agrees(e)
      [] e.action = "ReceivePrePrepare" ->
            ReceivePrePrepare(p.i, p.n, p.d) /\ TookPrePrepare(e) /\ Agrees(e)
      [] e.action = "ReceivePrepares" -> ReceivePrepares(p.i, p.n) /\ TookPrepares(e) /\ Agrees(e)
      [] e.action = "ReceiveCommits" -> ReceiveCommits(p.i, p.n) /\ TookCommits(e) /\ Agrees(e)
      [] e.action = "ClientAccept" -> \E k \in IF Has(p, "k") THEN {p.k} ELSE Results(p.r) :
                                         ClientAccept(p.r, k) /\ TookReplies(e, k)
      [] e.action = "Timeout" -> Timeout(p.i) /\ Agrees(e)
      [] e.action = "ReceiveViewChanges" -> ReceiveViewChanges(p.i) /\ Agrees(e)
      [] e.action = "ReceiveNewView" -> ReceiveNewView(p.i, p.j) /\ Agrees(e)
      [] e.action = "DuplicateMessage" -> UNCHANGED vars /\ CopiedLogged(e)
      [] OTHER -> FALSE

\* What TLC tells states apart by, when the model has it as its VIEW: the line.
\* A step whose line names the request it prepares or commits (d) and, for a
\* client, the replies or the result it took, has one successor at most: the
\* messages and quorums it takes are the line's.  A log of such lines has one
\* state a line, and TLC need not hash the whole state (every message ever
\* sent) at each; src/pbft/validate.ts gives the VIEW only for such a log.
TraceView == l

\* Init, after the clients issued the requests that no line of the log issues.
TraceInit ==
    /\ msgs = {}
    /\ requests = TraceRequest \ TraceIssued
    /\ accepted = {}
    /\ view = [i \in Correct |-> 0]
    /\ status = [i \in Correct |-> "Normal"]
    /\ log = [i \in Correct |-> {}]
    /\ committed = [i \in Correct |-> {}]
    /\ executed = [i \in Correct |-> <<>>]
    /\ l = 1

TraceNext ==
    /\ l <= Len(TraceLog)
    /\ Step(TraceLog[l])
    /\ l' = l + 1
================================================================================
