-------------------------------- MODULE MCRaft --------------------------------
(***************************************************************************)
(* Bounds that make Raft's state space finite, for model checking.  They   *)
(* are enabling conditions, not state constraints: a bounded action is     *)
(* simply not enabled, so TLC and the TypeScript explorer (src/raft/       *)
(* cluster.ts) apply exactly the same bounds and reach exactly the same    *)
(* states.  A model's .cfg replaces each action X by MCX with `X <- MCX`.   *)
(***************************************************************************)
EXTENDS Raft

\* No server starts an election beyond term MaxTerm.
CONSTANT MaxTerm
\* No leader appends to a log of MaxLogLength entries.
CONSTANT MaxLogLength
\* No message is in flight more than MaxCopies times by duplication, and a
\* leader does not resend a request of which MaxCopies copies are in flight.
CONSTANT MaxCopies

R == INSTANCE Raft

MCTimeout(i) == currentTerm[i] < MaxTerm /\ R!Timeout(i)
MCClientRequest(i, v) == Len(log[i]) < MaxLogLength /\ R!ClientRequest(i, v)
MCAppendEntries(i, j) == R!AppendEntries(i, j) /\ Count(AppendEntriesRequest(i, j)) < MaxCopies
MCDuplicateMessage(m) == messages[m] < MaxCopies /\ R!DuplicateMessage(m)
================================================================================
