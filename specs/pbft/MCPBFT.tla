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
================================================================================
