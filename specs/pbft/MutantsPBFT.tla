------------------------------ MODULE MutantsPBFT ------------------------------
(***************************************************************************)
(* Seeded bugs.  Each operator below is a plausible mistake in one of the  *)
(* rules that PBFT.tla names for the purpose (PrepareQuorum, CommitQuorum, *)
(* NewViewCertificates, MayAcceptPrePrepare, ReplyQuorum).  A mutant's     *)
(* model, pbft.mutant-<name>.cfg, is a model of this module with the       *)
(* smallest bounds that show the bug and one override `Rule <- BuggyRule`, *)
(* and TLC must find the invariant it names violated.  src/pbft/mutants.ts *)
(* makes the same mistake in the TypeScript reducer.                       *)
(***************************************************************************)
EXTENDS MCPBFT

\* pbft-weak-prepare: the pre-prepare counted as one of the 2f matching
\* messages, so 2f - 1 PREPAREs from backups make a replica prepared.  Two
\* such sets of 2f replicas need not share a correct one: an equivocating
\* primary gets two requests prepared at one sequence number.
PrepareQuorumCountingPrePrepare(preparers) == Cardinality(preparers) >= 2 * F - 1

\* pbft-weak-commit: 2f matching COMMITs make a request committed-local.  They
\* may be one correct replica's and f Byzantine ones': a view change need not
\* hear of the request, and the next view commits another at its number.
CommitQuorumWeak(committers) == Cardinality(committers) >= 2 * F

\* pbft-newview-drops-prepared: the new primary ignores the prepared
\* certificates of the view changes and starts the new view afresh.
NewViewCertificatesNone(V) == {}

\* pbft-accept-two-digests: a backup refuses only a second pre-prepare for the
\* same request, and accepts (and prepares) another request for a view and
\* sequence number it already accepted one for.
MayAcceptPrePrepareUnlessSame(i, m) == m \notin log[i]

\* pbft-client-trusts-f-replies: a client accepts a result f replicas
\* replied, which may all be Byzantine.
ReplyQuorumOfF(repliers) == Cardinality(repliers) >= F
================================================================================
