------------------------------ MODULE MutantsPaxos ------------------------------
(***************************************************************************)
(* Seeded bugs.  Each operator below is a plausible mistake in one of the  *)
(* rules that Paxos.tla names for the purpose (Less, Highest, Quorum,      *)
(* RequiredValue, PromiseAfterRestart).  A mutant's model,                 *)
(* paxos.mutant-<name>.cfg, is a model of this module with the smallest    *)
(* bounds that show the bug and one override `Rule <- BuggyRule`, and TLC  *)
(* must find the invariant or property it names violated.                  *)
(* src/paxos/mutants.ts makes the same mistake in the TypeScript reducer.  *)
(***************************************************************************)
EXTENDS MCPaxos, Sequences

\* A ballot as people write it, "round-proposer", as a string is compared:
\* character by character, by character code ("-" is 45, "0" to "9" are 48
\* to 57), a prefix first.  So "10-1" < "11-1" < "9-1".
RECURSIVE Digits(_)
Digits(n) == IF n < 10 THEN <<48 + n>> ELSE Digits(n \div 10) \o <<48 + (n % 10)>>
BallotText(b) == Digits(b.round) \o <<45>> \o Digits(b.proposer)
RECURSIVE TextLess(_, _)
TextLess(s, t) ==
    IF s = <<>> \/ t = <<>> THEN s = <<>> /\ t /= <<>>
    ELSE IF Head(s) = Head(t) THEN TextLess(Tail(s), Tail(t)) ELSE Head(s) < Head(t)
LessAsText(b, c) == TextLess(BallotText(b), BallotText(c))

----
\* paxos-string-ballots: ballots compared as text everywhere.  A total order
\* all the same, so Paxos stays safe, but a proposer past round 9 can no
\* longer get a promise from an acceptor that promised round 9: no progress.
\* (Less <- LessAsText)

\* paxos-mixed-ballot-order: acceptors compare ballots as numbers, but a
\* proposer picks the highest ballot its promises report as text: it may
\* propose the value of round 9 when round 10 chose another.
HighestAsText(S) == CHOOSE x \in S : \A y \in S : ~LessAsText(x.bal, y.bal)

\* paxos-ignore-accepted: a proposer proposes its own value whatever its
\* promises report accepted.
RequiredValueNone(p) == None

\* paxos-forget-promise: an acceptor keeps its accepted ballot and value on
\* stable storage but its promise in memory: after a crash it has promised
\* only the ballot it accepted, if any.
PromiseAfterRestartForgotten(a) == IF accepted[a] = None THEN None ELSE accepted[a].bal

\* paxos-quorum-off-by-one: half the acceptors, rounded down, make a quorum.
QuorumOffByOne == {Q \in SUBSET Acceptor : Cardinality(Q) >= Cardinality(Acceptor) \div 2}

================================================================================
