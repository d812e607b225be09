-------------------------------- MODULE MCRaft --------------------------------
(***************************************************************************)
(* Bounds that make Raft's state space finite, for model checking.  They   *)
(* are enabling conditions, not state constraints: a bounded action is     *)
(* simply not enabled, so TLC and the TypeScript explorer (src/raft/       *)
(* cluster.ts) apply exactly the same bounds and reach exactly the same    *)
(* states.  A model's .cfg puts MCX in place of action X with `X <- MCX`.   *)
(***************************************************************************)
EXTENDS Raft, TLC

CONSTANTS
    Candidates,    \* the servers whose election timer may fire; the others only follow
    MaxTerm,       \* no election starts beyond this term
    MaxLogLength,  \* no leader appends to a log this long
    MaxCopies,     \* no message is duplicated, or resent, beyond this many copies in flight
    MaxInFlight    \* no message is sent, or duplicated, beyond this many messages in flight

\* Bounds for models that need long histories and must stay small: the seeded
\* bugs' models and the graph models elections and two-candidates.  They are
\* definitions, not CONSTANTS, so that a model that does not need them does
\* not name them; one that does gives them values in its .cfg (`Faults =
\* FALSE`), as it does constants.  These defaults bound nothing.
Faults == TRUE                    \* FALSE: no server restarts and the network loses no message
OddTermCandidates == Candidates   \* the Candidates whose timer may fire into an odd term,
EvenTermCandidates == Candidates  \* and into an even term: Figure 8's timers take turns
IdleHeartbeats == TRUE            \* FALSE: a leader sends j nothing once it knows j holds its whole log

R == INSTANCE Raft

\* Servers are interchangeable when all of them may stand for election: the
\* deep model checks one state of each class of renamings (not the TypeScript
\* explorer, which has no symmetry reduction: ci and conformance have none).
ServerSymmetry == Permutations(Server)

\* The number of messages in flight, copies included.
RECURSIVE CopiesOf(_)
CopiesOf(ms) == IF ms = {} THEN 0
                ELSE LET m == CHOOSE n \in ms : TRUE IN messages[m] + CopiesOf(ms \ {m})
InFlight == CopiesOf(DOMAIN messages)

MCTimeout(i) ==
    /\ i \in Candidates
    /\ currentTerm[i] < MaxTerm
    /\ InFlight + Cardinality(Server \ {i}) <= MaxInFlight
    /\ R!Timeout(i)

MCClientRequest(i, v) ==
    /\ Len(log[i]) < MaxLogLength
    /\ R!ClientRequest(i, v)

MCAppendEntries(i, j) ==
    /\ R!AppendEntries(i, j)
    /\ Count(AppendEntriesRequest(i, j)) < MaxCopies
    /\ InFlight < MaxInFlight
    /\ IdleHeartbeats \/ matchIndex[i][j] < Len(log[i])

MCDuplicateMessage(i, j) ==
    /\ InFlight < MaxInFlight
    /\ R!DuplicateMessage(i, j)
    /\ \A m \in DOMAIN messages' : messages'[m] <= MaxCopies

\* With term turns, a server times out only into a term of its turn
\* (Timeout <- MCTimeoutInTurn); without faults, Restart and DropMessage are
\* never enabled (Restart <- MCRestart, DropMessage <- MCDropMessage).
MCTimeoutInTurn(i) ==
    /\ i \in IF (currentTerm[i] + 1) % 2 = 1 THEN OddTermCandidates ELSE EvenTermCandidates
    /\ MCTimeout(i)
MCRestart(i) == Faults /\ R!Restart(i)
MCDropMessage(i, j) == Faults /\ R!DropMessage(i, j)
================================================================================
