--------------------------------- MODULE Raft ---------------------------------
(***************************************************************************)
(* Raft (Ongaro and Ousterhout, "In Search of an Understandable Consensus  *)
(* Algorithm", USENIX ATC 2014), after Diego Ongaro's raft.tla.            *)
(*                                                                         *)
(* Each action is one event of an implementation: a timer firing, a        *)
(* message arriving, a client request, a crash.  src/raft/ has one         *)
(* TypeScript function per action, with the same name, in the same order,  *)
(* and conformance/ checks that the two are the same state machine.        *)
(*                                                                         *)
(* Unlike raft.tla, a server that receives a message with a newer term     *)
(* adopts it in the same step in which it handles the message, as          *)
(* implementations do (Raft 5.1), and a candidate asks every server for    *)
(* its vote in the step in which it times out.                             *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets, Sequences

\* The servers, the values clients ask to replicate, and a value that is neither.
CONSTANTS Server, Value, Nil

\* The most entries one AppendEntries request carries.  The models bind it to
\* 1, the request of Ongaro's raft.tla; a running system sends a batch, so a
\* follower that is far behind catches up in a few round trips, not one per entry.
CONSTANT MaxEntries

\* The network: a bag of messages, a function from each message to the number
\* of copies in flight.  Messages can be delayed, reordered, lost or duplicated.
VARIABLE messages

\* Persistent state of each server, kept across a restart.
VARIABLES currentTerm, votedFor, log
\* Volatile state of each server, lost in a restart.
VARIABLES state, commitIndex
\* Volatile state of candidates: the servers that granted their vote.
VARIABLE votesGranted
\* Volatile state of leaders: for each server, the next log index to send it
\* and the highest index known to be replicated on it.
VARIABLES nextIndex, matchIndex

persistentVars == <<currentTerm, votedFor, log>>
leaderVars == <<nextIndex, matchIndex>>
vars == <<messages, currentTerm, votedFor, log, state, commitIndex,
          votesGranted, nextIndex, matchIndex>>

----
\* Helpers

\* Any two majorities share a server: that is all Raft needs of a quorum.
Quorum == {Q \in SUBSET Server : Cardinality(Q) * 2 > Cardinality(Server)}

Max(S) == CHOOSE x \in S : \A y \in S : y <= x
Min(S) == CHOOSE x \in S : \A y \in S : x <= y

\* The term of the last entry of a log, 0 for an empty log.
LastTerm(xlog) == IF xlog = <<>> THEN 0 ELSE xlog[Len(xlog)].term

\* The number of copies of m in flight.
Count(m) == IF m \in DOMAIN messages THEN messages[m] ELSE 0

\* The bag with one more copy of each message of the set ms.
WithMessages(ms, bag) ==
    [n \in DOMAIN bag \cup ms |->
        (IF n \in DOMAIN bag THEN bag[n] ELSE 0) + (IF n \in ms THEN 1 ELSE 0)]

\* The bag with one copy of m fewer; a message with no copies left is gone.
WithoutMessage(m, bag) ==
    IF bag[m] = 1 THEN [n \in DOMAIN bag \ {m} |-> bag[n]]
                  ELSE [bag EXCEPT ![m] = @ - 1]

Send(m) == messages' = WithMessages({m}, messages)
Discard(m) == messages' = WithoutMessage(m, messages)
Reply(response, request) ==
    messages' = WithMessages({response}, WithoutMessage(request, messages))

\* Raft 5.1: a server that sees a newer term adopts it and becomes a follower
\* that has not voted in it.  Every message handler starts with this.
TermAfter(i, t) == Max({currentTerm[i], t})
VoteAfter(i, t) == IF t > currentTerm[i] THEN Nil ELSE votedFor[i]
StateAfter(i, t) == IF t > currentTerm[i] THEN "Follower" ELSE state[i]
ObserveTerm(i, t) ==
    /\ currentTerm' = [currentTerm EXCEPT ![i] = TermAfter(i, t)]
    /\ votedFor' = [votedFor EXCEPT ![i] = VoteAfter(i, t)]
    /\ state' = [state EXCEPT ![i] = StateAfter(i, t)]

----
\* The rules Raft's safety rests on, each a named operator that the actions
\* use, so that a seeded bug (MutantsRaft.tla) can replace exactly one of them
\* with a cfg override `Rule <- BuggyRule`, as src/raft/mutants.ts replaces
\* the same rule of the TypeScript reducer (RaftRules in src/raft/node.ts).
\* Quorum, above, is one too.

\* Raft 5.4.1: server i votes only for a candidate whose log, as its vote
\* request m describes it, is at least as up to date as its own.
CandidateLogIsUpToDate(i, m) ==
    \/ m.mlastLogTerm > LastTerm(log[i])
    \/ /\ m.mlastLogTerm = LastTerm(log[i])
       /\ m.mlastLogIndex >= Len(log[i])

\* Raft 5.3: what server i keeps of its log before the entries that the
\* AppendEntries request m brings: the entries up to m.mprevLogIndex, which
\* match the leader's; a conflicting entry goes, with all that follow it.
LogBeforeNewEntry(i, m) == SubSeq(log[i], 1, m.mprevLogIndex)

\* Raft 5.4.2: leader i may commit the entry at index by counting the servers
\* that hold it only if the entry is of its own term.
MayCommitByCounting(i, index) == log[i][index].term = currentTerm[i]

\* Raft figure 2: votedFor is persistent state; a restart keeps it.
VotedForAfterRestart(i) == votedFor[i]

----
Init ==
    /\ messages = [m \in {} |-> 0]
    /\ currentTerm = [i \in Server |-> 0]
    /\ votedFor = [i \in Server |-> Nil]
    /\ log = [i \in Server |-> <<>>]
    /\ state = [i \in Server |-> "Follower"]
    /\ commitIndex = [i \in Server |-> 0]
    /\ votesGranted = [i \in Server |-> {}]
    /\ nextIndex = [i \in Server |-> [j \in Server |-> 1]]
    /\ matchIndex = [i \in Server |-> [j \in Server |-> 0]]

----
\* Actions, in the order of src/raft/node.ts.

\* Server i's election timer fires: it starts an election in a new term, votes
\* for itself and asks every other server for its vote (Raft 5.2).
Timeout(i) ==
    /\ state[i] \in {"Follower", "Candidate"}
    /\ state' = [state EXCEPT ![i] = "Candidate"]
    /\ currentTerm' = [currentTerm EXCEPT ![i] = @ + 1]
    /\ votedFor' = [votedFor EXCEPT ![i] = i]
    /\ votesGranted' = [votesGranted EXCEPT ![i] = {i}]
    /\ messages' = WithMessages(
           {[mtype         |-> "RequestVoteRequest",
             mterm         |-> currentTerm[i] + 1,
             mlastLogTerm  |-> LastTerm(log[i]),
             mlastLogIndex |-> Len(log[i]),
             msource       |-> i,
             mdest         |-> j] : j \in Server \ {i}},
           messages)
    /\ UNCHANGED <<log, commitIndex, leaderVars>>

\* Server i answers candidate j's request for its vote.  It grants it at most
\* once per term, and only to a candidate whose log is at least as up to date
\* as its own (Raft 5.4.1): that is what puts every committed entry in the
\* log of every later leader.
HandleRequestVoteRequest(i, j) ==
    \E m \in DOMAIN messages :
        /\ m.mtype = "RequestVoteRequest" /\ m.msource = j /\ m.mdest = i
        /\ LET grant == /\ m.mterm >= currentTerm[i]
                        /\ VoteAfter(i, m.mterm) \in {Nil, j}
                        /\ CandidateLogIsUpToDate(i, m)
           IN /\ currentTerm' = [currentTerm EXCEPT ![i] = TermAfter(i, m.mterm)]
              /\ votedFor' = [votedFor EXCEPT ![i] = IF grant THEN j
                                                            ELSE VoteAfter(i, m.mterm)]
              /\ state' = [state EXCEPT ![i] = StateAfter(i, m.mterm)]
              /\ Reply([mtype        |-> "RequestVoteResponse",
                        mterm        |-> TermAfter(i, m.mterm),
                        mvoteGranted |-> grant,
                        msource      |-> i,
                        mdest        |-> j], m)
              /\ UNCHANGED <<log, commitIndex, votesGranted, leaderVars>>

\* Server i counts j's vote.  Only a candidate counts, and only votes of its
\* current term: a vote from an older election is no vote at all.
HandleRequestVoteResponse(i, j) ==
    \E m \in DOMAIN messages :
        /\ m.mtype = "RequestVoteResponse" /\ m.msource = j /\ m.mdest = i
        /\ ObserveTerm(i, m.mterm)
        /\ votesGranted' = [votesGranted EXCEPT ![i] =
                               IF m.mvoteGranted /\ m.mterm = currentTerm[i]
                                                 /\ state[i] = "Candidate"
                               THEN @ \cup {j} ELSE @]
        /\ Discard(m)
        /\ UNCHANGED <<log, commitIndex, leaderVars>>

\* Candidate i has the votes of a quorum: it leads its term.  Election Safety
\* follows: two quorums share a server, which votes once per term.
BecomeLeader(i) ==
    /\ state[i] = "Candidate"
    /\ votesGranted[i] \in Quorum
    /\ state' = [state EXCEPT ![i] = "Leader"]
    /\ nextIndex' = [nextIndex EXCEPT ![i] = [j \in Server |-> Len(log[i]) + 1]]
    /\ matchIndex' = [matchIndex EXCEPT ![i] = [j \in Server |-> 0]]
    /\ UNCHANGED <<messages, persistentVars, commitIndex, votesGranted>>

\* Leader i appends a client's value v to its log (Raft 5.3).
ClientRequest(i, v) ==
    /\ state[i] = "Leader"
    /\ log' = [log EXCEPT ![i] = Append(@, [term |-> currentTerm[i], value |-> v])]
    /\ UNCHANGED <<messages, currentTerm, votedFor, state, commitIndex,
                   votesGranted, leaderVars>>

\* The request leader i sends to j: the entry at nextIndex[i][j] if it has one
\* (an empty request is a heartbeat), with the index and term of the entry
\* before it, which j must already hold for the request to fit its log.
AppendEntriesRequest(i, j) ==
    LET prevLogIndex == nextIndex[i][j] - 1
        lastEntry == Min({Len(log[i]), nextIndex[i][j] + MaxEntries - 1})
    IN [mtype         |-> "AppendEntriesRequest",
        mterm         |-> currentTerm[i],
        mprevLogIndex |-> prevLogIndex,
        mprevLogTerm  |-> IF prevLogIndex > 0 THEN log[i][prevLogIndex].term ELSE 0,
        mentries      |-> SubSeq(log[i], nextIndex[i][j], lastEntry),
        mcommitIndex  |-> Min({commitIndex[i], lastEntry}),
        msource       |-> i,
        mdest         |-> j]

\* Leader i sends server j an AppendEntries request with at most MaxEntries entries.
AppendEntries(i, j) ==
    /\ i /= j
    /\ state[i] = "Leader"
    /\ Send(AppendEntriesRequest(i, j))
    /\ UNCHANGED <<persistentVars, state, commitIndex, votesGranted, leaderVars>>

\* Server i handles an AppendEntries request from j.  A request from an
\* older term is refused.  Otherwise i follows the sender; it accepts if it
\* holds the entry before the new one (the Log Matching check), deletes an
\* entry that conflicts with the new one together with all that follow it,
\* appends the new entry, and learns how far the leader has committed.  An
\* entry it already holds is kept, so a stale request never shortens a log.
HandleAppendEntriesRequest(i, j) ==
    \E m \in DOMAIN messages :
        /\ m.mtype = "AppendEntriesRequest" /\ m.msource = j /\ m.mdest = i
        /\ LET logOk == \/ m.mprevLogIndex = 0
                        \/ /\ m.mprevLogIndex <= Len(log[i])
                           /\ log[i][m.mprevLogIndex].term = m.mprevLogTerm
               accept == m.mterm >= currentTerm[i] /\ logOk
               index == m.mprevLogIndex + 1
               lastNew == m.mprevLogIndex + Len(m.mentries)
               \* Every entry the request brings is already there, with its term.
               holdsEntries == \A k \in 1 .. Len(m.mentries) :
                                  /\ Len(log[i]) >= index + k - 1
                                  /\ log[i][index + k - 1].term = m.mentries[k].term
               \* Otherwise the entries before the first one it lacks match the
               \* request's, so the new log is the kept prefix and all of them.
               newLog == IF holdsEntries THEN log[i]
                         ELSE LogBeforeNewEntry(i, m) \o m.mentries
           IN /\ currentTerm' = [currentTerm EXCEPT ![i] = TermAfter(i, m.mterm)]
              /\ votedFor' = [votedFor EXCEPT ![i] = VoteAfter(i, m.mterm)]
              \* A candidate that hears from the leader of its term gives up.
              /\ state' = [state EXCEPT ![i] = IF m.mterm >= currentTerm[i] THEN "Follower" ELSE @]
              /\ log' = IF accept THEN [log EXCEPT ![i] = newLog] ELSE log
              /\ commitIndex' = IF accept
                                THEN [commitIndex EXCEPT ![i] =
                                          Max({@, Min({m.mcommitIndex, lastNew})})]
                                ELSE commitIndex
              /\ Reply([mtype       |-> "AppendEntriesResponse",
                        mterm       |-> TermAfter(i, m.mterm),
                        msuccess    |-> accept,
                        mmatchIndex |-> IF accept THEN lastNew ELSE 0,
                        msource     |-> i,
                        mdest       |-> j], m)
              /\ UNCHANGED <<votesGranted, leaderVars>>

\* Leader i learns how j answered.  On success j holds the log up to
\* mmatchIndex (matchIndex only grows, Raft figure 2); on refusal the leader
\* retries one entry further back.  Answers from older terms are ignored.
HandleAppendEntriesResponse(i, j) ==
    \E m \in DOMAIN messages :
        /\ m.mtype = "AppendEntriesResponse" /\ m.msource = j /\ m.mdest = i
        /\ ObserveTerm(i, m.mterm)
        /\ LET current == m.mterm = currentTerm[i] /\ state[i] = "Leader"
           IN /\ nextIndex' = IF current
                              THEN [nextIndex EXCEPT ![i][j] =
                                        IF m.msuccess THEN m.mmatchIndex + 1
                                                      ELSE Max({@ - 1, 1})]
                              ELSE nextIndex
              /\ matchIndex' = IF current /\ m.msuccess
                               THEN [matchIndex EXCEPT ![i][j] = Max({@, m.mmatchIndex})]
                               ELSE matchIndex
        /\ Discard(m)
        /\ UNCHANGED <<log, commitIndex, votesGranted>>

\* Leader i commits up to the highest entry of its own term that a quorum
\* holds, and with it every entry before.  Counting replicas of an entry from
\* an earlier term would not do: Raft 5.4.2 (figure 8) shows such an entry
\* being overwritten after it was on a majority.
AdvanceCommitIndex(i) ==
    /\ state[i] = "Leader"
    /\ LET Agree(index) == {i} \cup {k \in Server : matchIndex[i][k] >= index}
           committable == {index \in commitIndex[i] + 1 .. Len(log[i]) :
                              /\ Agree(index) \in Quorum
                              /\ MayCommitByCounting(i, index)}
       IN /\ committable /= {}
          /\ commitIndex' = [commitIndex EXCEPT ![i] = Max(committable)]
          /\ UNCHANGED <<messages, persistentVars, state, votesGranted, leaderVars>>

\* Server i crashes and restarts: it keeps what it wrote to stable storage
\* (currentTerm, votedFor, log) and loses the rest.
Restart(i) ==
    /\ state' = [state EXCEPT ![i] = "Follower"]
    /\ votedFor' = [votedFor EXCEPT ![i] = VotedForAfterRestart(i)]
    /\ commitIndex' = [commitIndex EXCEPT ![i] = 0]
    /\ votesGranted' = [votesGranted EXCEPT ![i] = {}]
    /\ nextIndex' = [nextIndex EXCEPT ![i] = [j \in Server |-> 1]]
    /\ matchIndex' = [matchIndex EXCEPT ![i] = [j \in Server |-> 0]]
    /\ UNCHANGED <<messages, currentTerm, log>>

\* The network loses a message from i to j.
DropMessage(i, j) ==
    \E m \in DOMAIN messages :
        /\ m.msource = i /\ m.mdest = j
        /\ Discard(m)
        /\ UNCHANGED <<persistentVars, state, commitIndex, votesGranted, leaderVars>>

\* The network duplicates a message from i to j.
DuplicateMessage(i, j) ==
    \E m \in DOMAIN messages :
        /\ m.msource = i /\ m.mdest = j
        /\ Send(m)
        /\ UNCHANGED <<persistentVars, state, commitIndex, votesGranted, leaderVars>>

\* A step that takes a message picks it inside its own definition: TLC names
\* each step after the definition in which it finds it, and it cannot look
\* into a quantifier over the messages in flight.
Next ==
    \/ \E i \in Server : Timeout(i)
    \/ \E i, j \in Server : HandleRequestVoteRequest(i, j)
    \/ \E i, j \in Server : HandleRequestVoteResponse(i, j)
    \/ \E i \in Server : BecomeLeader(i)
    \/ \E i \in Server, v \in Value : ClientRequest(i, v)
    \/ \E i, j \in Server : AppendEntries(i, j)
    \/ \E i, j \in Server : HandleAppendEntriesRequest(i, j)
    \/ \E i, j \in Server : HandleAppendEntriesResponse(i, j)
    \/ \E i \in Server : AdvanceCommitIndex(i)
    \/ \E i \in Server : Restart(i)
    \/ \E i, j \in Server : DropMessage(i, j)
    \/ \E i, j \in Server : DuplicateMessage(i, j)

Spec == Init /\ [][Next]_vars

----
\* Invariants, named after the properties of Raft figure 3.

\* Every entry of i's log up to commitIndex[i] is committed.
Committed(i) == SubSeq(log[i], 1, commitIndex[i])

\* At most one leader can be elected in a given term.
ElectionSafety ==
    \A i, j \in Server :
        (state[i] = "Leader" /\ state[j] = "Leader" /\ currentTerm[i] = currentTerm[j])
            => i = j

\* If two logs contain an entry with the same index and term, the logs are
\* identical in all entries up through that index.
LogMatching ==
    \A i, j \in Server : \A n \in 1 .. Min({Len(log[i]), Len(log[j])}) :
        log[i][n].term = log[j][n].term => SubSeq(log[i], 1, n) = SubSeq(log[j], 1, n)

\* An entry committed in a term is in the log of every leader of a later term.
\* Server j learned of its commits in a term no later than currentTerm[j], so
\* a leader of a newer term must hold all of them.
LeaderCompleteness ==
    \A i, j \in Server :
        (state[i] = "Leader" /\ currentTerm[j] < currentTerm[i])
            => /\ commitIndex[j] <= Len(log[i])
               /\ SubSeq(log[i], 1, commitIndex[j]) = Committed(j)

\* No two servers apply different entries at the same index.
StateMachineSafety ==
    \A i, j \in Server : \A n \in 1 .. Min({commitIndex[i], commitIndex[j]}) :
        log[i][n] = log[j][n]

Entry == [term : Nat, value : Value]
RequestVoteRequestMsg == [mtype : {"RequestVoteRequest"}, mterm : Nat,
                          mlastLogTerm : Nat, mlastLogIndex : Nat,
                          msource : Server, mdest : Server]
RequestVoteResponseMsg == [mtype : {"RequestVoteResponse"}, mterm : Nat,
                           mvoteGranted : BOOLEAN, msource : Server, mdest : Server]
AppendEntriesRequestMsg == [mtype : {"AppendEntriesRequest"}, mterm : Nat,
                            mprevLogIndex : Nat, mprevLogTerm : Nat,
                            mentries : Seq(Entry), mcommitIndex : Nat,
                            msource : Server, mdest : Server]
AppendEntriesResponseMsg == [mtype : {"AppendEntriesResponse"}, mterm : Nat,
                             msuccess : BOOLEAN, mmatchIndex : Nat,
                             msource : Server, mdest : Server]
Message == RequestVoteRequestMsg \cup RequestVoteResponseMsg
           \cup AppendEntriesRequestMsg \cup AppendEntriesResponseMsg

TypeOK ==
    /\ DOMAIN messages \subseteq Message
    /\ \A m \in DOMAIN messages : messages[m] \in Nat \ {0}
    /\ currentTerm \in [Server -> Nat]
    /\ votedFor \in [Server -> Server \cup {Nil}]
    /\ \A i \in Server : log[i] \in Seq(Entry)
    /\ state \in [Server -> {"Follower", "Candidate", "Leader"}]
    /\ commitIndex \in [Server -> Nat]
    /\ \A i \in Server : commitIndex[i] <= Len(log[i])
    /\ votesGranted \in [Server -> SUBSET Server]
    /\ nextIndex \in [Server -> [Server -> Nat \ {0}]]
    /\ matchIndex \in [Server -> [Server -> Nat]]
================================================================================
