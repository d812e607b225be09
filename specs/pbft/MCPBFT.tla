-------------------------------- MODULE MCPBFT --------------------------------
(***************************************************************************)
(* Bounds that make PBFT's state space finite, for model checking.  They   *)
(* are enabling conditions, not state constraints: a bounded action is     *)
(* simply not enabled, so TLC and the TypeScript explorer (src/pbft/       *)
(* cluster.ts) apply exactly the same bounds and reach exactly the same    *)
(* states.  A model's .cfg puts MCX in place of action X with `X <- MCX`.   *)
(*                                                                         *)
(* Sequence numbers need no bound here: the spec's high water mark K       *)
(* already stops primaries.  Views do: a timer may fire in any view.        *)
(***************************************************************************)
EXTENDS PBFT

CONSTANTS
    MaxView,  \* no timer fires in this view or beyond
    Timers    \* the correct replicas whose timers may fire; the others wait

R == INSTANCE PBFT

MCTimeout(i) ==
    /\ i \in Timers
    /\ view[i] < MaxView
    /\ R!Timeout(i)

(***************************************************************************)
(* Bounds for the larger graph models (pbft.views.cfg, pbft.gaps.cfg).     *)
(* They are definitions, not CONSTANTS, so that the models which do not    *)
(* use them need not name them: a model gives them values in its CONSTANTS *)
(* section (`ByzantineSeqNums = {2}`) together with the override that uses *)
(* them (`ReceivePrePrepare <- MCReceivePrePrepare`).  Their values here    *)
(* bound nothing.                                                          *)
(***************************************************************************)

\* The sequence numbers and requests a Byzantine primary may assign (in any
\* view): a pre-prepare a correct primary sent is always received.
ByzantineSeqNums == SeqNum
ByzantineRequests == Request

MCReceivePrePrepare(i, n, d) ==
    /\ \/ PrePrepareMsg(view[i], n, d) \in msgs
       \/ n \in ByzantineSeqNums /\ d \in ByzantineRequests
    /\ R!ReceivePrePrepare(i, n, d)

\* The requests whose results clients may accept.
AcceptedRequests == Request

MCClientAccept(r, k) ==
    /\ r \in AcceptedRequests
    /\ R!ClientAccept(r, k)
================================================================================
