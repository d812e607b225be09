------------------------------ MODULE MutantsRaft ------------------------------
(***************************************************************************)
(* Seeded bugs.  Each operator below is a plausible mistake in one of the  *)
(* rules that Raft.tla names for the purpose (CandidateLogIsUpToDate,      *)
(* LogBeforeNewEntry, MayCommitByCounting, VotedForAfterRestart, Quorum).  *)
(* A mutant's model, raft.mutant-<name>.cfg, is a model of this module     *)
(* with the smallest bounds that show the bug and one override             *)
(* `Rule <- BuggyRule`, and TLC must find the invariant it names violated. *)
(* src/raft/mutants.ts makes the same mistake in the TypeScript reducer.   *)
(***************************************************************************)
EXTENDS MCRaft

\* The mutants' models bound histories with MCRaft's Faults = FALSE and term
\* turns (OddTermCandidates, EvenTermCandidates, MCTimeoutInTurn).
----
\* raft-vote-no-log-check: a server votes for any candidate, whatever its log.
CandidateLogIsUpToDateAlways(i, m) == TRUE

\* raft-no-truncate: a follower keeps its whole log, conflicting entries and
\* all, and appends the leader's entry after them.
LogBeforeNewEntryKeepingConflicts(i, m) == log[i]

\* raft-commit-old-term: a leader commits an entry of any term once a quorum
\* holds it (Raft figure 8).
MayCommitByCountingAnyTerm(i, index) == TRUE

\* raft-vote-twice: votedFor is kept in memory only, and a restart forgets it.
VotedForAfterRestartForgotten(i) == Nil

\* raft-quorum-off-by-one: half the servers, rounded down, make a quorum.
QuorumOffByOne == {Q \in SUBSET Server : Cardinality(Q) >= Cardinality(Server) \div 2}
================================================================================
