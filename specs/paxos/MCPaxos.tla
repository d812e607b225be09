------------------------------- MODULE MCPaxos -------------------------------
(***************************************************************************)
(* Bounds that make Paxos's state space finite, for model checking.  They  *)
(* are enabling conditions, not state constraints: a bounded action is     *)
(* simply not enabled, so TLC and the TypeScript explorer (src/paxos/      *)
(* cluster.ts) apply exactly the same bounds and reach exactly the same    *)
(* states.  A model's .cfg puts MCX in place of action X with `X <- MCX`.   *)
(* The rounds are bounded by the constant Round itself.                    *)
(***************************************************************************)
EXTENDS Paxos

CONSTANTS
    MaxCopies,     \* no message is duplicated beyond this many copies in flight
    MaxInFlight    \* no request is sent, or message duplicated, beyond this many messages in flight

R == INSTANCE Paxos

\* The number of messages in flight, copies included.
RECURSIVE CopiesOf(_)
CopiesOf(ms) == IF ms = {} THEN 0
                ELSE LET m == CHOOSE n \in ms : TRUE IN messages[m] + CopiesOf(ms \ {m})
InFlight == CopiesOf(DOMAIN messages)

MCPhase1a(p) ==
    /\ InFlight + Cardinality(Acceptor) <= MaxInFlight
    /\ R!Phase1a(p)

MCPhase2a(p, v) ==
    /\ InFlight + Cardinality(Acceptor) <= MaxInFlight
    /\ R!Phase2a(p, v)

\* The message duplicated has at most MaxCopies copies afterwards.
MCDuplicateMessage(i, j) ==
    /\ InFlight < MaxInFlight
    /\ R!DuplicateMessage(i, j)
    /\ \A m \in DOMAIN messages' : messages'[m] > Count(m) => messages'[m] <= MaxCopies
================================================================================
