---------------------------- MODULE MCMultiPaxos ----------------------------
(***************************************************************************)
(* Bounds that make Multi-Paxos's state space finite, for model checking.  *)
(* They are enabling conditions, not state constraints: a bounded action   *)
(* is simply not enabled, so TLC and the TypeScript explorer (src/         *)
(* multipaxos/cluster.ts) apply exactly the same bounds and reach exactly  *)
(* the same states.  A model's .cfg puts MCX in place of action X with     *)
(* `X <- MCX`.  The rounds and slots are bounded by the constants Round    *)
(* and Slot themselves.                                                    *)
(***************************************************************************)
EXTENDS MultiPaxos

CONSTANTS
    MaxCopies,     \* no message is duplicated beyond this many copies in flight
    MaxInFlight    \* no request is sent, or message duplicated, beyond this many messages in flight

R == INSTANCE MultiPaxos

\* The number of messages in flight, copies included.
RECURSIVE CopiesOf(_)
CopiesOf(ms) == IF ms = {} THEN 0
                ELSE LET m == CHOOSE n \in ms : TRUE IN messages[m] + CopiesOf(ms \ {m})
InFlight == CopiesOf(DOMAIN messages)

MCPhase1a(p) ==
    /\ InFlight + Cardinality(Acceptor) <= MaxInFlight
    /\ R!Phase1a(p)

\* A new leader's Accept requests are not bounded: the slots bound them.
MCPropose(p, c) ==
    /\ InFlight + Cardinality(Acceptor) <= MaxInFlight
    /\ R!Propose(p, c)

MCDuplicateMessage(i, j) ==
    /\ InFlight < MaxInFlight
    /\ R!DuplicateMessage(i, j)
    \* The message duplicated has at most MaxCopies copies afterwards.
    /\ \A m \in DOMAIN messages' : messages'[m] > Count(m) => messages'[m] <= MaxCopies
================================================================================
