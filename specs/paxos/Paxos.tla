-------------------------------- MODULE Paxos --------------------------------
(***************************************************************************)
(* Single-decree Paxos (Lamport, "The Part-Time Parliament", TOCS 1998,    *)
(* and "Paxos Made Simple", 2001), after Lamport's Paxos.tla, with the     *)
(* proposers and learners that Paxos.tla abstracts away.                   *)
(*                                                                         *)
(* Each action is one event of an implementation: a proposer starting a    *)
(* ballot or proposing a value, a message arriving, a crash.  src/paxos/   *)
(* has one TypeScript function per action, with the same name, in the same *)
(* order, and conformance/ checks that the two are the same state machine. *)
(*                                                                         *)
(* Proposers, acceptors and learners are roles, and a server may play      *)
(* several: the three sets of server ids may overlap.  Each role keeps its *)
(* own state, and the roles of one server talk through messages, as the    *)
(* agents of "Paxos Made Simple" do.                                       *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets, Bags

\* The server ids playing each role (numbers, so that ballots compare as
\* numbers), the values proposers may propose, the rounds proposers go
\* through in increasing order (the positive naturals, in a model a few of
\* them), and a value that is neither a ballot nor a value.
CONSTANTS Proposer, Acceptor, Learner, Value, Round, None

\* The network: a bag of messages, a function from each message to the number
\* of copies in flight.  Messages can be delayed, reordered, lost or duplicated.
VARIABLE messages

\* Each proposer's current round (0 before its first ballot), how far its
\* ballot has got, and the promises it has gathered for it.
VARIABLES round, phase, promises
\* Each acceptor's promise (the highest ballot it has promised or accepted)
\* and the last ballot and value it accepted.  Acceptors keep both on stable
\* storage: all of Paxos's safety rests on them.
VARIABLES promised, accepted
\* Each learner's tally of votes (the highest ballot it has heard accepted,
\* the value accepted in it and the acceptors it heard accept it) and its
\* decision.
VARIABLES tally, decided
\* History: the values proposers have proposed, for Validity.
VARIABLE proposed

proposerVars == <<round, phase, promises>>
acceptorVars == <<promised, accepted>>
learnerVars == <<tally, decided>>
vars == <<messages, round, phase, promises, promised, accepted, tally, decided, proposed>>

----
\* Helpers

\* A ballot is a pair (round, proposer): no two proposers ever use the same
\* one, and each proposer has as many as there are rounds.
Ballot == [round : Round, proposer : Proposer]
BallotOf(p) == [round |-> round[p], proposer |-> p]

\* Ballots are ordered by round, then by proposer id, comparing numbers.
\* (Comparing them as text, "10-1" < "9-1", is a classic bug.)  Less, Highest,
\* Quorum, RequiredValue, AddVote and PromiseAfterRestart are rules that
\* Paxos's safety rests on, each a named operator so that a seeded bug
\* (MutantsPaxos.tla) can replace exactly one of them with a cfg override
\* `Rule <- BuggyRule`, as src/paxos/mutants.ts replaces the same rule of the
\* TypeScript reducer (PaxosRules in src/paxos/node.ts).
Less(b, c) == \/ b.round < c.round
              \/ b.round = c.round /\ b.proposer < c.proposer

\* Ballot b is above an acceptor's promise pb (None: no promise yet).
Above(b, pb) == pb = None \/ Less(pb, b)
AtLeast(b, pb) == pb = None \/ ~Less(b, pb)

\* What acceptor a has promised when it comes back from a crash: its promise,
\* which is on stable storage.
PromiseAfterRestart(a) == promised[a]

\* Every server, whatever roles it plays.
Server == Proposer \cup Acceptor \cup Learner

\* Any two majorities of acceptors share an acceptor: that is all Paxos needs.
Majority == {Q \in SUBSET Acceptor : Cardinality(Q) * 2 > Cardinality(Acceptor)}
\* The sets of acceptors that proposers and learners count as a quorum: the
\* majorities.  (The invariants say "chosen" of the majorities themselves, so
\* that a seeded bug in this rule does not redefine what they check.)
Quorum == Majority

\* The round a proposer starts after round r: the next one.  (Phase1a asks
\* whether there is one with a set, not with \E, on which TLC would branch,
\* generating the same successor once for every later round.)
NextRound(r) == CHOOSE s \in Round : s > r /\ \A t \in Round : t > r => s <= t

\* The accepted ballot-and-value pair with the highest ballot of a non-empty set.
Highest(S) == CHOOSE x \in S : \A y \in S : ~Less(x.bal, y.bal)

\* The number of copies of m in flight.
Count(m) == IF m \in DOMAIN messages THEN messages[m] ELSE 0

\* The bag with one more copy of each message of the set ms; and the bag with
\* one copy of m fewer, where a message with no copies left is gone.  The
\* standard Bags module says it, and TLC computes its (+) and (-) in Java (as
\* MultiPaxos.tla does, where a long log leaves thousands of messages in flight).
WithMessages(ms, bag) == bag (+) SetToBag(ms)

WithoutMessage(m, bag) == bag (-) SetToBag({m})

Send(m) == messages' = WithMessages({m}, messages)
Discard(m) == messages' = WithoutMessage(m, messages)
Reply(response, request) ==
    messages' = WithMessages({response}, WithoutMessage(request, messages))
Broadcast(ms, request) ==
    messages' = WithMessages(ms, WithoutMessage(request, messages))

----
Init ==
    /\ messages = [m \in {} |-> 0]
    /\ round = [p \in Proposer |-> 0]
    /\ phase = [p \in Proposer |-> "Idle"]
    /\ promises = [p \in Proposer |-> {}]
    /\ promised = [a \in Acceptor |-> None]
    /\ accepted = [a \in Acceptor |-> None]
    /\ tally = [l \in Learner |-> None]
    /\ decided = [l \in Learner |-> None]
    /\ proposed = {}

----
\* Actions, in the order of src/paxos/node.ts.

\* Phase 1a: proposer p starts a ballot in its next round, abandoning any
\* earlier one, and asks every acceptor to promise it.
Phase1a(p) ==
    /\ {r \in Round : r > round[p]} /= {}
    /\ round' = [round EXCEPT ![p] = NextRound(@)]
    /\ phase' = [phase EXCEPT ![p] = "Phase1"]
    /\ promises' = [promises EXCEPT ![p] = {}]
    /\ messages' = WithMessages(
           {[mtype   |-> "Prepare",
             mbal    |-> [round |-> NextRound(round[p]), proposer |-> p],
             msource |-> p,
             mdest   |-> a] : a \in Acceptor},
           messages)
    /\ UNCHANGED <<acceptorVars, learnerVars, proposed>>

\* Phase 1b: acceptor a answers proposer p's request to promise its ballot.
\* It promises a ballot above every ballot it has promised before, never to
\* accept a lower one, and tells p the last ballot and value it accepted.
\* A lower ballot gets no answer.
HandlePrepare(a, p) ==
    \E m \in DOMAIN messages :
        /\ m.mtype = "Prepare" /\ m.msource = p /\ m.mdest = a
        /\ IF Above(m.mbal, promised[a])
           THEN /\ promised' = [promised EXCEPT ![a] = m.mbal]
                /\ Reply([mtype     |-> "Promise",
                          mbal      |-> m.mbal,
                          maccepted |-> accepted[a],
                          msource   |-> a,
                          mdest     |-> p], m)
           ELSE /\ Discard(m)
                /\ UNCHANGED promised
        /\ UNCHANGED <<proposerVars, accepted, learnerVars, proposed>>

\* Proposer p counts acceptor a's promise for its current ballot, while it
\* still gathers them; a promise for any other ballot is stale.
HandlePromise(p, a) ==
    \E m \in DOMAIN messages :
        /\ m.mtype = "Promise" /\ m.msource = a /\ m.mdest = p
        /\ promises' = IF phase[p] = "Phase1" /\ m.mbal = BallotOf(p)
                       THEN [promises EXCEPT ![p] =
                                 @ \cup {[acceptor |-> a, accepted |-> m.maccepted]}]
                       ELSE promises
        /\ Discard(m)
        /\ UNCHANGED <<round, phase, acceptorVars, learnerVars, proposed>>

\* The pairs of ballot and value that p's promises report accepted.
Reported(p) == {r.accepted : r \in promises[p]} \ {None}

\* The value proposer p must propose: that of the highest ballot its promises
\* report, or None if they report none and p may propose its own.
RequiredValue(p) == IF Reported(p) = {} THEN None ELSE Highest(Reported(p)).val

\* Phase 2a: proposer p, promised its ballot by a quorum, asks every acceptor
\* to accept value v.  If an acceptor of the quorum reported a value, v must
\* be the value of the highest ballot reported: a value chosen at a lower
\* ballot was accepted by a quorum, which shares an acceptor with p's, so it
\* is reported and p proposes it again.  Otherwise v is p's own, any value.
\* p then forgets its promises, which it no longer needs.
Phase2a(p, v) ==
    /\ phase[p] = "Phase1"
    /\ {r.acceptor : r \in promises[p]} \in Quorum
    /\ RequiredValue(p) \in {None, v}
    /\ phase' = [phase EXCEPT ![p] = "Phase2"]
    /\ promises' = [promises EXCEPT ![p] = {}]
    /\ messages' = WithMessages(
           {[mtype   |-> "Accept",
             mbal    |-> BallotOf(p),
             mval    |-> v,
             msource |-> p,
             mdest   |-> a] : a \in Acceptor},
           messages)
    /\ proposed' = proposed \cup {v}
    /\ UNCHANGED <<round, acceptorVars, learnerVars>>

\* Phase 2b: acceptor a accepts proposer p's ballot and value if the ballot
\* is no lower than its promise, and tells every learner.  A lower ballot
\* gets no answer.
HandleAccept(a, p) ==
    \E m \in DOMAIN messages :
        /\ m.mtype = "Accept" /\ m.msource = p /\ m.mdest = a
        /\ IF AtLeast(m.mbal, promised[a])
           THEN /\ promised' = [promised EXCEPT ![a] = m.mbal]
                /\ accepted' = [accepted EXCEPT ![a] = [bal |-> m.mbal, val |-> m.mval]]
                /\ Broadcast({[mtype   |-> "Accepted",
                               mbal    |-> m.mbal,
                               mval    |-> m.mval,
                               msource |-> a,
                               mdest   |-> l] : l \in Learner}, m)
           ELSE /\ Discard(m)
                /\ UNCHANGED acceptorVars
        /\ UNCHANGED <<proposerVars, learnerVars, proposed>>

\* A learner's tally t after acceptor a voted for ballot b and value v.  A
\* vote for a higher ballot starts a new count; a vote for a lower one no
\* longer matters, since a value chosen in a ballot is the value of every
\* higher ballot in which anything is accepted.
AddVote(t, a, b, v) ==
    IF t = None \/ Less(t.bal, b) THEN [bal |-> b, val |-> v, acceptors |-> {a}]
    ELSE IF t.bal = b THEN [t EXCEPT !.acceptors = @ \cup {a}]
    ELSE t

\* Learner l counts acceptor a's vote.  When a quorum of acceptors has
\* accepted the same ballot, its value is chosen: l decides it, tells the
\* other learners, and forgets its tally.  A learner that has decided
\* ignores votes: its decision never changes.
HandleAccepted(l, a) ==
    \E m \in DOMAIN messages :
        /\ m.mtype = "Accepted" /\ m.msource = a /\ m.mdest = l
        /\ LET t == AddVote(tally[l], a, m.mbal, m.mval)
           IN IF decided[l] = None /\ t.acceptors \in Quorum
              THEN /\ decided' = [decided EXCEPT ![l] = t.val]
                   /\ tally' = [tally EXCEPT ![l] = None]
                   /\ Broadcast({[mtype   |-> "Decided",
                                  mval    |-> t.val,
                                  msource |-> l,
                                  mdest   |-> k] : k \in Learner \ {l}}, m)
              ELSE /\ tally' = IF decided[l] = None THEN [tally EXCEPT ![l] = t] ELSE tally
                   /\ Discard(m)
                   /\ UNCHANGED decided
        /\ UNCHANGED <<proposerVars, acceptorVars, proposed>>

\* Learner l learns from learner k the value k decided.
HandleDecided(l, k) ==
    \E m \in DOMAIN messages :
        /\ m.mtype = "Decided" /\ m.msource = k /\ m.mdest = l
        /\ decided' = [decided EXCEPT ![l] = IF @ = None THEN m.mval ELSE @]
        /\ tally' = [tally EXCEPT ![l] = None]
        /\ Discard(m)
        /\ UNCHANGED <<proposerVars, acceptorVars, proposed>>

\* Acceptor a crashes and restarts.  Its promise and its accepted ballot and
\* value are on stable storage, so it comes back exactly as it was: the step
\* changes nothing.  It is an action all the same, because an implementation
\* that kept its promise in memory only would come back changed.
Restart(a) ==
    /\ a \in Acceptor
    /\ promised' = [promised EXCEPT ![a] = PromiseAfterRestart(a)]
    /\ UNCHANGED <<messages, proposerVars, accepted, learnerVars, proposed>>

\* The network loses a message from server i to server j.
DropMessage(i, j) ==
    \E m \in DOMAIN messages :
        /\ m.msource = i /\ m.mdest = j
        /\ Discard(m)
        /\ UNCHANGED <<proposerVars, acceptorVars, learnerVars, proposed>>

\* The network duplicates a message from server i to server j.
DuplicateMessage(i, j) ==
    \E m \in DOMAIN messages :
        /\ m.msource = i /\ m.mdest = j
        /\ Send(m)
        /\ UNCHANGED <<proposerVars, acceptorVars, learnerVars, proposed>>

\* A step that takes a message picks it inside its own definition: TLC names
\* each step after the definition in which it finds it, and it cannot look
\* into a quantifier over the messages in flight.
Next ==
    \/ \E p \in Proposer : Phase1a(p)
    \/ \E a \in Acceptor, p \in Proposer : HandlePrepare(a, p)
    \/ \E p \in Proposer, a \in Acceptor : HandlePromise(p, a)
    \/ \E p \in Proposer, v \in Value : Phase2a(p, v)
    \/ \E a \in Acceptor, p \in Proposer : HandleAccept(a, p)
    \/ \E l \in Learner, a \in Acceptor : HandleAccepted(l, a)
    \/ \E l, k \in Learner : HandleDecided(l, k)
    \/ \E a \in Acceptor : Restart(a)
    \/ \E i, j \in Server : DropMessage(i, j)
    \/ \E i, j \in Server : DuplicateMessage(i, j)

Spec == Init /\ [][Next]_vars

----
(***************************************************************************)
(* Termination.  With a network that neither loses nor duplicates          *)
(* messages, and every step that can be taken eventually taken (weak       *)
(* fairness), a single proposer gets a value chosen and every learner      *)
(* decides.  In a model the proposer's rounds run out, so it stops         *)
(* abandoning its ballots; README.md says why nothing like this holds with *)
(* two proposers.                                                          *)
(***************************************************************************)
ReliableNext ==
    \/ \E p \in Proposer : Phase1a(p)
    \/ \E a \in Acceptor, p \in Proposer : HandlePrepare(a, p)
    \/ \E p \in Proposer, a \in Acceptor : HandlePromise(p, a)
    \/ \E p \in Proposer, v \in Value : Phase2a(p, v)
    \/ \E a \in Acceptor, p \in Proposer : HandleAccept(a, p)
    \/ \E l \in Learner, a \in Acceptor : HandleAccepted(l, a)
    \/ \E l, k \in Learner : HandleDecided(l, k)
    \/ \E a \in Acceptor : Restart(a)

LiveSpec == Init /\ [][ReliableNext]_vars /\ WF_vars(ReliableNext)

Termination == <>(\A l \in Learner : decided[l] /= None)

----
(***************************************************************************)
(* Invariants, named after the properties of consensus ("Paxos Made        *)
(* Simple", section 1).  A value is chosen when a quorum of acceptors has  *)
(* accepted it in the same ballot; learners' decisions, which never        *)
(* change, keep the record of what has been chosen.                        *)
(***************************************************************************)

\* The values a majority of acceptors has accepted in one ballot.
ChosenValues ==
    {v \in Value : \E b \in Ballot, Q \in Majority :
                       \A a \in Q : accepted[a] = [bal |-> b, val |-> v]}

DecidedValues == {decided[l] : l \in Learner} \ {None}

\* Agreement: at most one value is ever chosen, and every learner that has
\* decided has decided it.
Agreement == Cardinality(ChosenValues \cup DecidedValues) <= 1

\* Validity: only a value that has been proposed may be chosen or accepted.
Validity ==
    /\ ChosenValues \cup DecidedValues \subseteq proposed
    /\ \A a \in Acceptor : accepted[a] /= None => accepted[a].val \in proposed

\* Integrity: a learner's decision never changes.
Integrity == [][\A l \in Learner : decided[l] /= None => decided'[l] = decided[l]]_vars

\* An acceptor's promise never goes back: it never promises, or accepts, a
\* ballot lower than one it has promised.
AcceptorMonotonicity ==
    [][\A a \in Acceptor : promised[a] /= None =>
                               /\ promised'[a] /= None
                               /\ ~Less(promised'[a], promised[a])]_vars

\* An acceptor has accepted no ballot above its promise.
AcceptedBelowPromise ==
    \A a \in Acceptor : accepted[a] /= None =>
        /\ promised[a] /= None
        /\ ~Less(promised[a], accepted[a].bal)

AcceptedValue == [bal : Ballot, val : Value]
PrepareMsg == [mtype : {"Prepare"}, mbal : Ballot, msource : Proposer, mdest : Acceptor]
PromiseMsg == [mtype : {"Promise"}, mbal : Ballot, maccepted : AcceptedValue \cup {None},
               msource : Acceptor, mdest : Proposer]
AcceptMsg == [mtype : {"Accept"}, mbal : Ballot, mval : Value,
              msource : Proposer, mdest : Acceptor]
AcceptedMsg == [mtype : {"Accepted"}, mbal : Ballot, mval : Value,
                msource : Acceptor, mdest : Learner]
DecidedMsg == [mtype : {"Decided"}, mval : Value, msource : Learner, mdest : Learner]
Message == PrepareMsg \cup PromiseMsg \cup AcceptMsg \cup AcceptedMsg \cup DecidedMsg

TypeOK ==
    /\ DOMAIN messages \subseteq Message
    /\ \A m \in DOMAIN messages : messages[m] \in Nat \ {0}
    /\ round \in [Proposer -> {0} \cup Round]
    /\ phase \in [Proposer -> {"Idle", "Phase1", "Phase2"}]
    /\ promises \in [Proposer -> SUBSET [acceptor : Acceptor,
                                          accepted : AcceptedValue \cup {None}]]
    /\ promised \in [Acceptor -> Ballot \cup {None}]
    /\ accepted \in [Acceptor -> AcceptedValue \cup {None}]
    /\ tally \in [Learner -> [bal : Ballot, val : Value, acceptors : SUBSET Acceptor] \cup {None}]
    /\ decided \in [Learner -> Value \cup {None}]
    /\ proposed \subseteq Value
================================================================================
