---------------------------- MODULE MutantsMultiPaxos ----------------------------
(***************************************************************************)
(* Seeded bugs.  Each operator below is a plausible mistake in one of the  *)
(* rules that MultiPaxos.tla names for the purpose (Reproposals, Quorum).  *)
(* A mutant's model, multipaxos.mutant-<name>.cfg, is a model of this      *)
(* module with the smallest bounds that show the bug and one override      *)
(* `Rule <- BuggyRule`, and TLC must find the invariant it names violated. *)
(* src/multipaxos/mutants.ts makes the same mistake in the TypeScript      *)
(* reducer.                                                                *)
(***************************************************************************)
EXTENDS MCMultiPaxos

\* multipaxos-no-reproposal: a new leader starts with an empty log, ignoring
\* the values its promises report accepted, and gives their slots to new
\* commands.
ReproposalsNone(p) == <<>>

\* multipaxos-quorum-off-by-one: half the acceptors, rounded down, make a
\* quorum.
QuorumOffByOne == {Q \in SUBSET Acceptor : Cardinality(Q) >= Cardinality(Acceptor) \div 2}
================================================================================
