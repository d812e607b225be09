------------------------------- MODULE TracePBFT -------------------------------
(***************************************************************************)
(* MCPBFT with a history variable, lastAction, that records which action   *)
(* each step took and with which parameters, so that a TLC trace can be    *)
(* replayed by the TypeScript reducers step for step.  The conformance and *)
(* ci models leave it out: it would only multiply the states.              *)
(*                                                                         *)
(* traces.cfg puts TraceX in place of every action X; an action without a  *)
(* TraceX would leave lastAction' undefined, which TLC reports at once.    *)
(***************************************************************************)
EXTENDS MCPBFT

VARIABLE lastAction

Did(name, params) == lastAction' = [name |-> name, params |-> params]

TraceInit == Init /\ lastAction = [name |-> "Init", params |-> <<>>]

TraceClientRequest(r) == R!ClientRequest(r) /\ Did("ClientRequest", [r |-> r])
TracePrePrepare(i, r) == R!PrePrepare(i, r) /\ Did("PrePrepare", [i |-> i, r |-> r])
TraceReceivePrePrepare(i, n, d) ==
    R!ReceivePrePrepare(i, n, d) /\ Did("ReceivePrePrepare", [i |-> i, n |-> n, d |-> d])
TraceReceivePrepares(i, n) == R!ReceivePrepares(i, n) /\ Did("ReceivePrepares", [i |-> i, n |-> n])
TraceReceiveCommits(i, n) == R!ReceiveCommits(i, n) /\ Did("ReceiveCommits", [i |-> i, n |-> n])
TraceClientAccept(r, k) == R!ClientAccept(r, k) /\ Did("ClientAccept", [r |-> r, k |-> k])
TraceTimeout(i) == MCTimeout(i) /\ Did("Timeout", [i |-> i])
TraceReceiveViewChanges(i) == R!ReceiveViewChanges(i) /\ Did("ReceiveViewChanges", [i |-> i])
TraceReceiveNewView(i, j) == R!ReceiveNewView(i, j) /\ Did("ReceiveNewView", [i |-> i, j |-> j])

----
(***************************************************************************)
(* "This never happens" properties.  Each is false, and TLC's shortest     *)
(* counterexample to it is a targeted trace (traces/pbft/targets/).        *)
(***************************************************************************)

\* A view change carries a request prepared in an earlier view into the new
\* view: the NEW-VIEW re-proposes it, and a backup enters the view with it.
NoPreparedRequestCarried ==
    \A m \in msgs :
        m.type = "NewView" =>
            \/ \A pp \in NewViewPrePrepares(m.view, m.viewChanges) : pp.digest = Null
            \/ \A i \in Correct \ {Primary(m.view)} : view[i] /= m.view \/ status[i] /= "Normal"

\* A Byzantine primary equivocates: two correct backups accept different
\* requests for one sequence number of its view.  Then a view change replaces
\* it: a correct replica takes part in a later view.
NoEquivocatingPrimaryReplaced ==
    ~\E i, j \in Correct :
        \E p \in PrePrepares(log[i]), q \in PrePrepares(log[j]) :
            /\ p.view = q.view /\ p.seq = q.seq /\ p.digest /= q.digest
            /\ \E k \in Correct : view[k] > p.view /\ status[k] = "Normal"
================================================================================
