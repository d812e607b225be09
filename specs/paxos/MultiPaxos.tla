------------------------------ MODULE MultiPaxos ------------------------------
(***************************************************************************)
(* Multi-Paxos: a replicated log of slots, each decided by an instance of  *)
(* Paxos (Paxos.tla), after Lamport's "Paxos Made Simple" section 3 and    *)
(* van Renesse and Altinbuken's "Paxos Made Moderately Complex".           *)
(*                                                                         *)
(* A leader runs phase 1 once, for all the slots its own replica has not   *)
(* executed, at once: one Prepare, naming the first of them, and each      *)
(* Promise reports everything its acceptor has accepted from there on.     *)
(* Then it runs phase 2 for each slot on its own, as client commands come  *)
(* in. A new leader first proposes again, in its own ballot, every value   *)
(* the promises report (for each slot the value of the highest ballot),    *)
(* fills the gaps below them with no-ops, and only then adds new commands. *)
(* The slots its replica has executed are chosen: it keeps their commands  *)
(* and asks no one about them, so an election costs what is undecided, not *)
(* the whole log. A leader that sees a quorum accept a slot tells the      *)
(* replicas, which execute the commands in slot order, waiting for any gap *)
(* to be filled. (A leader would also resend an Accept whose answer is     *)
(* late; a duplicated message, DuplicateMessage, is the same step.)        *)
(*                                                                         *)
(* Each action is one event of an implementation; src/multipaxos/ has one  *)
(* TypeScript function per action, with the same name, in the same order.  *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets, Sequences, Bags

\* The server ids playing each role (numbers, so that ballots compare as
\* numbers), the commands clients ask to execute, the rounds proposers go
\* through in increasing order, the slots of the log (1 .. n), the command
\* that does nothing, and a value that is neither a ballot nor a command.
CONSTANTS Proposer, Acceptor, Replica, Command, Round, Slot, NoOp, None

\* The network: a bag of messages, a function from each message to the number
\* of copies in flight.  Messages can be delayed, reordered, lost or duplicated.
VARIABLE messages

\* Each proposer's current round (0 before its first ballot), how far its
\* ballot has got ("Idle", "Phase1", or "Leader" once a quorum promised it),
\* the promises it has gathered, the values it proposes in its ballot (a
\* sequence: slot s holds proposals[p][s]), and which acceptors have
\* accepted which of its slots.
VARIABLES round, phase, promises, proposals, acks
\* Each acceptor's promise, one for all slots, and what it has accepted: a
\* function from slots to the ballot and value it last accepted there.  Both
\* are on stable storage.
VARIABLES promised, accepted
\* Each replica's log of executed commands, in slot order, and the slots it
\* has learned beyond a gap, waiting to be executed.
VARIABLES log, pending
\* History: the commands clients have asked leaders to propose, for Validity.
VARIABLE proposed

proposerVars == <<round, phase, promises, proposals, acks>>
acceptorVars == <<promised, accepted>>
replicaVars == <<log, pending>>
vars == <<messages, round, phase, promises, proposals, acks, promised, accepted,
          log, pending, proposed>>

----
\* Helpers

\* Ballots, as in Paxos.tla: (round, proposer), ordered by round, then id.
Ballot == [round : Round, proposer : Proposer]
BallotOf(p) == [round |-> round[p], proposer |-> p]
Less(b, c) == \/ b.round < c.round
              \/ b.round = c.round /\ b.proposer < c.proposer
Above(b, pb) == pb = None \/ Less(pb, b)
AtLeast(b, pb) == pb = None \/ ~Less(b, pb)

\* Every server, whatever roles it plays.
Server == Proposer \cup Acceptor \cup Replica

\* Any two majorities of acceptors share an acceptor.  Quorum, the sets that
\* leaders count as a quorum, and Reproposals, below, are rules that a seeded
\* bug (MutantsMultiPaxos.tla) can replace with a cfg override `Rule <-
\* BuggyRule`, as src/multipaxos/mutants.ts replaces the same rule of the
\* TypeScript reducer; the invariants say "chosen" of the majorities
\* themselves, so that a bug in Quorum does not redefine what they check.
Majority == {Q \in SUBSET Acceptor : Cardinality(Q) * 2 > Cardinality(Acceptor)}
Quorum == Majority

\* The round a proposer starts after round r.
NextRound(r) == CHOOSE s \in Round : s > r /\ \A t \in Round : t > r => s <= t

Max(S) == CHOOSE x \in S : \A y \in S : y <= x

\* The accepted ballot-and-value pair with the highest ballot of a non-empty set.
Highest(S) == CHOOSE x \in S : \A y \in S : ~Less(x.bal, y.bal)

\* The function f with x mapped to y.
Extend(f, x, y) == [z \in DOMAIN f \cup {x} |-> IF z = x THEN y ELSE f[z]]

\* The values of a sequence.
Range(sq) == {sq[i] : i \in DOMAIN sq}

Count(m) == IF m \in DOMAIN messages THEN messages[m] ELSE 0

\* A message sent is one more copy in flight; one received or lost, one fewer
\* (the last copy takes the message out of the bag's domain).  The standard
\* Bags module says it, and TLC computes its (+) and (-) in Java: following a
\* long log, where a new leader leaves thousands of messages in flight, this
\* is what keeps each step from costing the whole network again.
WithMessages(ms, bag) == bag (+) SetToBag(ms)

WithoutMessage(m, bag) == bag (-) SetToBag({m})

Send(m) == messages' = WithMessages({m}, messages)
Discard(m) == messages' = WithoutMessage(m, messages)
Reply(response, request) ==
    messages' = WithMessages({response}, WithoutMessage(request, messages))
Broadcast(ms, request) ==
    messages' = WithMessages(ms, WithoutMessage(request, messages))

----
\* What a new leader proposes again.

\* What p's own replica has executed, if p is one: chosen, every slot of it
\* (a replica executes only what a leader saw a quorum accept), so a ballot
\* of p's need not ask about those slots, nor propose them again.
Executed(p) == IF p \in Replica THEN log[p] ELSE <<>>

\* The slots of an acceptor's accepted values from slot s on: what a Promise
\* to a Prepare from s reports.
AcceptedFrom(acc, s) == [x \in {y \in DOMAIN acc : y >= s} |-> acc[x]]

\* The pairs of ballot and value that p's promises report accepted in slot s.
ReportedAt(p, s) ==
    {r.accepted[s] : r \in {x \in promises[p] : s \in DOMAIN x.accepted}}

\* The slots for which p's promises report a value.
ReportedSlots(p) == UNION {DOMAIN r.accepted : r \in promises[p]}

\* The log a new leader starts with: first what its replica had executed when
\* the ballot began (proposals[p] in phase 1, from which the Prepare asked);
\* then, up to the last slot reported, each slot holds the value of the
\* highest ballot reported for it, or a no-op where nothing was reported.  A
\* value chosen in an earlier ballot was accepted by a quorum, which shares
\* an acceptor with the new leader's quorum, so it is reported and proposed
\* again; a gap is filled with a no-op, so that the replicas can execute the
\* slots after it.
Reproposals(p) ==
    LET executed == proposals[p]
    IN IF ReportedSlots(p) = {} THEN executed
       ELSE [s \in 1 .. Max(ReportedSlots(p)) |->
                 IF s <= Len(executed) THEN executed[s]
                 ELSE IF ReportedAt(p, s) = {} THEN NoOp ELSE Highest(ReportedAt(p, s)).val]

\* The acceptors that have accepted slot s of p's ballot.
AcksAt(p, s) == {x.acceptor : x \in {y \in acks[p] : y.slot = s}}

\* A replica's log after executing every slot it knows of that follows it
\* without a gap: known maps slots to the commands chosen in them.
RECURSIVE Execute(_, _)
Execute(l, known) ==
    IF Len(l) + 1 \in DOMAIN known THEN Execute(Append(l, known[Len(l) + 1]), known)
    ELSE l

----
Init ==
    /\ messages = [m \in {} |-> 0]
    /\ round = [p \in Proposer |-> 0]
    /\ phase = [p \in Proposer |-> "Idle"]
    /\ promises = [p \in Proposer |-> {}]
    /\ proposals = [p \in Proposer |-> <<>>]
    /\ acks = [p \in Proposer |-> {}]
    /\ promised = [a \in Acceptor |-> None]
    /\ accepted = [a \in Acceptor |-> [s \in {} |-> None]]
    /\ log = [r \in Replica |-> <<>>]
    /\ pending = [r \in Replica |-> [s \in {} |-> None]]
    /\ proposed = {}

----
\* Actions, in the order of src/multipaxos/node.ts.

\* Phase 1a: proposer p starts a ballot in its next round, for every slot
\* its replica has not executed, at once, and asks every acceptor to promise
\* it.  It abandons its earlier ballot, with the values it proposed in it,
\* but keeps what its replica has executed: those slots are chosen.
Phase1a(p) ==
    /\ {r \in Round : r > round[p]} /= {}
    /\ round' = [round EXCEPT ![p] = NextRound(@)]
    /\ phase' = [phase EXCEPT ![p] = "Phase1"]
    /\ promises' = [promises EXCEPT ![p] = {}]
    /\ proposals' = [proposals EXCEPT ![p] = Executed(p)]
    /\ acks' = [acks EXCEPT ![p] = {}]
    /\ messages' = WithMessages(
           {[mtype   |-> "Prepare",
             mbal    |-> [round |-> NextRound(round[p]), proposer |-> p],
             mfrom   |-> Len(Executed(p)) + 1,
             msource |-> p,
             mdest   |-> a] : a \in Acceptor},
           messages)
    /\ UNCHANGED <<acceptorVars, replicaVars, proposed>>

\* Phase 1b: acceptor a promises proposer p's ballot, if it is above its
\* promise, for every slot, and reports everything it has accepted from the
\* Prepare's first slot on.
HandlePrepare(a, p) ==
    \E m \in DOMAIN messages :
        /\ m.mtype = "Prepare" /\ m.msource = p /\ m.mdest = a
        /\ IF Above(m.mbal, promised[a])
           THEN /\ promised' = [promised EXCEPT ![a] = m.mbal]
                /\ Reply([mtype     |-> "Promise",
                          mbal      |-> m.mbal,
                          maccepted |-> AcceptedFrom(accepted[a], m.mfrom),
                          msource   |-> a,
                          mdest     |-> p], m)
           ELSE /\ Discard(m)
                /\ UNCHANGED promised
        /\ UNCHANGED <<proposerVars, accepted, replicaVars, proposed>>

\* Proposer p counts acceptor a's promise for its current ballot.
HandlePromise(p, a) ==
    \E m \in DOMAIN messages :
        /\ m.mtype = "Promise" /\ m.msource = a /\ m.mdest = p
        /\ promises' = IF phase[p] = "Phase1" /\ m.mbal = BallotOf(p)
                       THEN [promises EXCEPT ![p] =
                                 @ \cup {[acceptor |-> a, accepted |-> m.maccepted]}]
                       ELSE promises
        /\ Discard(m)
        /\ UNCHANGED <<round, phase, proposals, acks, acceptorVars, replicaVars, proposed>>

\* The Accept requests for slot s of leader p's ballot, with command v.
AcceptRequests(p, s, v) ==
    {[mtype   |-> "Accept",
      mbal    |-> BallotOf(p),
      mslot   |-> s,
      mval    |-> v,
      msource |-> p,
      mdest   |-> a] : a \in Acceptor}

\* Proposer p, promised its ballot by a quorum, leads.  It proposes again
\* what the promises report, with no-ops in the gaps (Reproposals): phase 2
\* for each of those slots, all at once; not for the slots its replica had
\* executed, which are chosen.  It forgets its promises.
BecomeLeader(p) ==
    /\ phase[p] = "Phase1"
    /\ {r.acceptor : r \in promises[p]} \in Quorum
    /\ phase' = [phase EXCEPT ![p] = "Leader"]
    /\ proposals' = [proposals EXCEPT ![p] = Reproposals(p)]
    /\ promises' = [promises EXCEPT ![p] = {}]
    /\ messages' = WithMessages(UNION {AcceptRequests(p, s, Reproposals(p)[s]) :
                                           s \in Len(proposals[p]) + 1 .. Len(Reproposals(p))}, messages)
    /\ UNCHANGED <<round, acks, acceptorVars, replicaVars, proposed>>

\* Phase 2a: a client asks leader p to execute command c.  p proposes it in
\* the next slot, after everything it proposed before (unless it already
\* has), and asks every acceptor to accept it there.  Phase 1 is behind it.
Propose(p, c) ==
    /\ phase[p] = "Leader"
    /\ Len(proposals[p]) + 1 \in Slot
    /\ c \notin Range(proposals[p])
    /\ proposals' = [proposals EXCEPT ![p] = Append(@, c)]
    /\ messages' = WithMessages(AcceptRequests(p, Len(proposals[p]) + 1, c), messages)
    /\ proposed' = proposed \cup {c}
    /\ UNCHANGED <<round, phase, promises, acks, acceptorVars, replicaVars>>

\* Phase 2b: acceptor a accepts leader p's value for a slot if the ballot is
\* no lower than its promise, and tells the leader.
HandleAccept(a, p) ==
    \E m \in DOMAIN messages :
        /\ m.mtype = "Accept" /\ m.msource = p /\ m.mdest = a
        /\ IF AtLeast(m.mbal, promised[a])
           THEN /\ promised' = [promised EXCEPT ![a] = m.mbal]
                /\ accepted' = [accepted EXCEPT ![a] =
                                    Extend(@, m.mslot, [bal |-> m.mbal, val |-> m.mval])]
                /\ Reply([mtype   |-> "Accepted",
                          mbal    |-> m.mbal,
                          mslot   |-> m.mslot,
                          mval    |-> m.mval,
                          msource |-> a,
                          mdest   |-> p], m)
           ELSE /\ Discard(m)
                /\ UNCHANGED acceptorVars
        /\ UNCHANGED <<proposerVars, replicaVars, proposed>>

\* Leader p counts acceptor a's acceptance of a slot of its current ballot.
\* When a quorum has accepted the slot, its value is chosen: p tells every
\* replica, once.
HandleAccepted(p, a) ==
    \E m \in DOMAIN messages :
        /\ m.mtype = "Accepted" /\ m.msource = a /\ m.mdest = p
        /\ LET counts == /\ phase[p] = "Leader" /\ m.mbal = BallotOf(p)
                         /\ AcksAt(p, m.mslot) \notin Quorum
               now == AcksAt(p, m.mslot) \cup {a}
           IN IF counts /\ now \in Quorum
              THEN /\ acks' = [acks EXCEPT ![p] = @ \cup {[slot |-> m.mslot, acceptor |-> a]}]
                   /\ Broadcast({[mtype   |-> "Decision",
                                  mslot   |-> m.mslot,
                                  mval    |-> m.mval,
                                  msource |-> p,
                                  mdest   |-> r] : r \in Replica}, m)
              ELSE /\ acks' = IF counts
                              THEN [acks EXCEPT ![p] = @ \cup {[slot |-> m.mslot, acceptor |-> a]}]
                              ELSE acks
                   /\ Discard(m)
        /\ UNCHANGED <<round, phase, promises, proposals, acceptorVars, replicaVars, proposed>>

\* Replica r learns from leader p the command chosen in a slot, and executes
\* every command it knows of that follows its log without a gap.
HandleDecision(r, p) ==
    \E m \in DOMAIN messages :
        /\ m.mtype = "Decision" /\ m.msource = p /\ m.mdest = r
        /\ IF m.mslot > Len(log[r]) /\ m.mslot \notin DOMAIN pending[r]
           THEN LET known == Extend(pending[r], m.mslot, m.mval)
                    executed == Execute(log[r], known)
                IN /\ log' = [log EXCEPT ![r] = executed]
                   /\ pending' = [pending EXCEPT ![r] =
                                      [s \in {x \in DOMAIN known : x > Len(executed)} |-> known[s]]]
           ELSE UNCHANGED replicaVars
        /\ Discard(m)
        /\ UNCHANGED <<proposerVars, acceptorVars, proposed>>

\* Acceptor a crashes and restarts with its promise and accepted values,
\* which are on stable storage: the step changes nothing.
Restart(a) ==
    /\ a \in Acceptor
    /\ UNCHANGED vars

\* The network loses a message from server i to server j.
DropMessage(i, j) ==
    \E m \in DOMAIN messages :
        /\ m.msource = i /\ m.mdest = j
        /\ Discard(m)
        /\ UNCHANGED <<proposerVars, acceptorVars, replicaVars, proposed>>

\* The network duplicates a message from server i to server j.
DuplicateMessage(i, j) ==
    \E m \in DOMAIN messages :
        /\ m.msource = i /\ m.mdest = j
        /\ Send(m)
        /\ UNCHANGED <<proposerVars, acceptorVars, replicaVars, proposed>>

\* A step that takes a message picks it inside its own definition: TLC names
\* each step after the definition in which it finds it.
Next ==
    \/ \E p \in Proposer : Phase1a(p)
    \/ \E a \in Acceptor, p \in Proposer : HandlePrepare(a, p)
    \/ \E p \in Proposer, a \in Acceptor : HandlePromise(p, a)
    \/ \E p \in Proposer : BecomeLeader(p)
    \/ \E p \in Proposer, c \in Command : Propose(p, c)
    \/ \E a \in Acceptor, p \in Proposer : HandleAccept(a, p)
    \/ \E p \in Proposer, a \in Acceptor : HandleAccepted(p, a)
    \/ \E r \in Replica, p \in Proposer : HandleDecision(r, p)
    \/ \E a \in Acceptor : Restart(a)
    \/ \E i, j \in Server : DropMessage(i, j)
    \/ \E i, j \in Server : DuplicateMessage(i, j)

Spec == Init /\ [][Next]_vars

----
(***************************************************************************)
(* Invariants.  A command is chosen in a slot when a quorum of acceptors   *)
(* has accepted it there in the same ballot; replicas' logs, which only    *)
(* grow, keep the record of what has been chosen.                         *)
(***************************************************************************)

\* The commands a majority of acceptors has accepted in slot s in one ballot.
ChosenAt(s) ==
    {v \in Command \cup {NoOp} :
        \E b \in Ballot, Q \in Majority :
            \A a \in Q : s \in DOMAIN accepted[a] /\ accepted[a][s] = [bal |-> b, val |-> v]}

\* The commands replicas have learned for slot s.
LearnedAt(s) ==
    {log[r][s] : r \in {x \in Replica : s <= Len(log[x])}}
    \cup {pending[r][s] : r \in {x \in Replica : s \in DOMAIN pending[x]}}

\* Agreement, slot by slot: at most one command is chosen in a slot, and
\* every replica that has learned the slot has learned it.
Agreement == \A s \in Slot : Cardinality(ChosenAt(s) \cup LearnedAt(s)) <= 1

\* No two replicas execute different commands in the same slot: of two
\* replicas' logs, one is a prefix of the other.
ExecutedPrefixConsistency ==
    \A r1, r2 \in Replica :
        \A i \in 1 .. Len(log[r1]) : i <= Len(log[r2]) => log[r1][i] = log[r2][i]

\* Validity: a replica executes, and an acceptor accepts, only commands that
\* clients proposed, or no-ops.
Validity ==
    /\ \A r \in Replica : Range(log[r]) \cup {pending[r][s] : s \in DOMAIN pending[r]}
                              \subseteq proposed \cup {NoOp}
    /\ \A a \in Acceptor : \A s \in DOMAIN accepted[a] : accepted[a][s].val \in proposed \cup {NoOp}

\* A replica's log only grows: an executed command is never undone.
LogStability == [][\A r \in Replica : SubSeq(log'[r], 1, Len(log[r])) = log[r]]_vars

\* An acceptor's promise never goes back.
AcceptorMonotonicity ==
    [][\A a \in Acceptor : promised[a] /= None =>
                               /\ promised'[a] /= None
                               /\ ~Less(promised'[a], promised[a])]_vars

AcceptedValue == [bal : Ballot, val : Command \cup {NoOp}]
AcceptedLog == UNION {[S -> AcceptedValue] : S \in SUBSET Slot}
PrepareMsg == [mtype : {"Prepare"}, mbal : Ballot, mfrom : 1 .. Cardinality(Slot) + 1,
               msource : Proposer, mdest : Acceptor]
PromiseMsg == [mtype : {"Promise"}, mbal : Ballot, maccepted : AcceptedLog,
               msource : Acceptor, mdest : Proposer]
AcceptMsg == [mtype : {"Accept"}, mbal : Ballot, mslot : Slot, mval : Command \cup {NoOp},
              msource : Proposer, mdest : Acceptor]
AcceptedMsg == [mtype : {"Accepted"}, mbal : Ballot, mslot : Slot, mval : Command \cup {NoOp},
                msource : Acceptor, mdest : Proposer]
DecisionMsg == [mtype : {"Decision"}, mslot : Slot, mval : Command \cup {NoOp},
                msource : Proposer, mdest : Replica]
Message == PrepareMsg \cup PromiseMsg \cup AcceptMsg \cup AcceptedMsg \cup DecisionMsg

TypeOK ==
    /\ DOMAIN messages \subseteq Message
    /\ \A m \in DOMAIN messages : messages[m] \in Nat \ {0}
    /\ round \in [Proposer -> {0} \cup Round]
    /\ phase \in [Proposer -> {"Idle", "Phase1", "Leader"}]
    /\ \A p \in Proposer : \A r \in promises[p] : r.acceptor \in Acceptor /\ r.accepted \in AcceptedLog
    /\ \A p \in Proposer : proposals[p] \in Seq(Command \cup {NoOp}) /\ DOMAIN proposals[p] \subseteq Slot
    /\ \A p \in Proposer : acks[p] \subseteq [slot : Slot, acceptor : Acceptor]
    /\ promised \in [Acceptor -> Ballot \cup {None}]
    /\ \A a \in Acceptor : accepted[a] \in AcceptedLog
    /\ \A r \in Replica : log[r] \in Seq(Command \cup {NoOp}) /\ DOMAIN log[r] \subseteq Slot
    /\ \A r \in Replica : DOMAIN pending[r] \subseteq Slot /\ \A s \in DOMAIN pending[r] : s > Len(log[r]) + 1
    /\ proposed \subseteq Command
================================================================================
