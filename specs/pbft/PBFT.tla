--------------------------------- MODULE PBFT ---------------------------------
(***************************************************************************)
(* Practical Byzantine Fault Tolerance (Castro and Liskov, OSDI 1999):     *)
(* the normal case (section 4.2) and view changes (4.4), without           *)
(* checkpoints and garbage collection (4.3).                               *)
(*                                                                         *)
(* n = 3f + 1 replicas tolerate f Byzantine ones.  A client's request goes *)
(* to the primary of the current view, which assigns it a sequence number  *)
(* in a PRE-PREPARE; the backups agree on that assignment within the view  *)
(* with PREPAREs, and make it survive view changes with COMMITs.  When a   *)
(* backup's timer fires it asks for a view change, and the next primary    *)
(* carries every request that may have committed into the new view.       *)
(*                                                                         *)
(* Each action is one event of an implementation: a client issuing a       *)
(* request, a primary assigning one, a message or a quorum of messages     *)
(* arriving, a timer firing.  src/pbft/ has one TypeScript function per    *)
(* action, with the same name, in the same order, and conformance/ checks  *)
(* that the two are the same state machine.                                *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets, Sequences

CONSTANTS
    N,          \* the number of replicas, 3f + 1; they are 0 .. N - 1 (paper 4.1)
    Byzantine,  \* the faulty replicas, at most f of them
    Request,    \* the requests clients may issue; a request is its own digest
    Null,       \* the null request of a new view (4.4); executing it does nothing
    K           \* the log size: sequence numbers lie above the low water mark h
                \* and at most at the high water mark H = h + K (4.2).  Without
                \* checkpoints h stays 0, so every sequence number is in 1 .. K.

Replica == 0 .. N - 1
F == (N - 1) \div 3
Correct == Replica \ Byzantine
Digest == Request \cup {Null}
SeqNum == 1 .. K

ASSUME /\ N \in Nat \ {0} /\ N = 3 * F + 1
       /\ Byzantine \subseteq Replica /\ Cardinality(Byzantine) <= F
       /\ Null \notin Request
       /\ K \in Nat \ {0}

\* The primary of view v (4.1).
Primary(v) == v % N

(***************************************************************************)
(* The network.  PBFT replicas multicast their messages and keep what they *)
(* accept in a log; no message is ever consumed.  So the network is the    *)
(* set msgs of the messages correct replicas have sent, and a replica      *)
(* receives a message by acting on it.  Loss is a replica never receiving  *)
(* a message; delay and reordering are receiving it later; duplication is  *)
(* receiving it again, which changes nothing (the actions that receive a   *)
(* message are not enabled twice for it), so it is a stutter.              *)
(*                                                                         *)
(* A replica needs a quorum of PREPAREs, COMMITs or VIEW-CHANGEs, never    *)
(* one alone: it receives the quorum in one step, when its last message    *)
(* arrives.  The earlier ones change nothing a replica does, so taking     *)
(* them at once loses no behaviour, and the log keeps the certificate they *)
(* make up (the replica's own COMMIT, an entry of committed) rather than   *)
(* the 2f or 2f + 1 messages, which anyone can find again in the network.  *)
(* Messages are authenticated: a replica knows who signed what it gets.    *)
(***************************************************************************)
VARIABLE msgs

\* Clients: the requests they issued, and the results they accepted.
VARIABLES requests, accepted

\* Each correct replica's view; whether it is changing views; its log: the
\* pre-prepares it accepted (or sent, as primary) and every message it sent;
\* the requests committed-local at it; and the requests it executed, in
\* sequence-number order (the state of its service).
VARIABLES view, status, log, committed, executed

replicaVars == <<view, status, log, committed, executed>>
vars == <<msgs, requests, accepted, view, status, log, committed, executed>>

----
\* Messages.  A request is its own digest: digests do not collide (4.1).

PrePrepareMsg(v, n, d) ==
    [type |-> "PrePrepare", view |-> v, seq |-> n, digest |-> d, sender |-> Primary(v)]
PrepareMsg(v, n, d, i) == [type |-> "Prepare", view |-> v, seq |-> n, digest |-> d, sender |-> i]
CommitMsg(v, n, d, i) == [type |-> "Commit", view |-> v, seq |-> n, digest |-> d, sender |-> i]
\* P: the sender's prepared certificates, each named by its view, sequence
\* number and digest; the signed messages it stands for are in the network.
ViewChangeMsg(v, P, i) == [type |-> "ViewChange", view |-> v, prepared |-> P, sender |-> i]
\* V: the view changes the new primary heard, its own among them.  The
\* paper's NEW-VIEW also carries O, the pre-prepares of the new view; but a
\* backup accepts a NEW-VIEW only if O is what V makes it, so the message need
\* not carry it: both sides compute NewViewPrePrepares(v, V).
NewViewMsg(v, V) == [type |-> "NewView", view |-> v, viewChanges |-> V, sender |-> Primary(v)]
Cert(v, n, d) == [view |-> v, seq |-> n, digest |-> d]

----
\* Helpers

Max(S) == CHOOSE x \in S : \A y \in S : y <= x

PrePrepares(lg) == {m \in lg : m.type = "PrePrepare"}

\* Could anyone show m signed by its sender?  A correct replica's message if
\* it was sent; a Byzantine replica's message always, for it may send anything.
Signed(m) == m \in msgs \/ m.sender \in Byzantine

\* The replicas whose PREPARE, or COMMIT, matching pre-prepare m is in the network.
Preparers(m) ==
    {j \in Replica \ {Primary(m.view)} : Signed(PrepareMsg(m.view, m.seq, m.digest, j))}
Committers(m) == {j \in Replica : Signed(CommitMsg(m.view, m.seq, m.digest, j))}

\* prepared(m, v, n, i) of 4.2 (the pre-prepare and 2f matching prepares from
\* distinct backups): i multicast its COMMIT when it became prepared.
Prepared(i, m) == CommitMsg(m.view, m.seq, m.digest, i) \in log[i]
PreparedCerts(i) ==
    {Cert(m.view, m.seq, m.digest) : m \in {c \in log[i] : c.type = "Commit"}}

----
\* The rules PBFT's safety rests on, each a named operator that the actions
\* use, so that a seeded bug (MutantsPBFT.tla) can replace exactly one of them
\* with a cfg override `Rule <- BuggyRule`, as src/pbft/mutants.ts replaces
\* the same rule of the TypeScript reducer (PbftRules in src/pbft/node.ts).

\* 4.2: a replica that accepted a pre-prepare is prepared once the backups
\* that sent matching PREPAREs (the primary sends none: its pre-prepare
\* stands for it) are 2f.  With the primary they are 2f + 1 replicas: two
\* such sets share a correct one, which accepts one request per view and
\* sequence number.
PrepareQuorum(preparers) == Cardinality(preparers) >= 2 * F

\* 4.2: a prepared request is committed-local once the replicas that sent
\* matching COMMITs, the replica itself among them, are 2f + 1: f + 1 of them
\* correct and prepared, so that every set of 2f + 1 view changes carries
\* the request into a later view (4.4).
CommitQuorum(committers) == Cardinality(committers) >= 2 * F + 1

\* 4.2: backup i may accept pre-prepare m only if it has accepted none with
\* the same view and sequence number: a correct backup prepares at most one
\* request for each.
MayAcceptPrePrepare(i, m) == \A pp \in PrePrepares(log[i]) : ~(pp.view = m.view /\ pp.seq = m.seq)

\* 4.4: the prepared certificates the primary of a new view carries over from
\* the view changes V: all of them (the highest view wins at each sequence
\* number, in NewViewPrePrepares below).
NewViewCertificates(V) == UNION {vc.prepared : vc \in V}

\* 4.2: a client accepts a result once the replicas that replied it are
\* f + 1: one of them is correct.
ReplyQuorum(repliers) == Cardinality(repliers) >= F + 1

----
\* A replica executes the request at n once it is committed-local there and
\* every request before it is executed (4.2).  Were two different requests
\* committed at one sequence number, which Agreement rules out, it would
\* execute neither.
RECURSIVE Execute(_, _)
Execute(e, certs) ==
    LET ds == {c.digest : c \in {c \in certs : c.seq = Len(e) + 1}}
    IN IF Cardinality(ds) = 1 THEN Execute(Append(e, CHOOSE d \in ds : TRUE), certs) ELSE e

\* The pre-prepares of the new view v that the primary computes from the
\* view changes V (4.4): for each sequence number n from min-s + 1 to max-s,
\* the highest in a certificate of V, the request of the certificate for n
\* with the highest view, or the null request if no certificate has n.
\* (min-s, the last stable checkpoint, is 0.)  This is what carries into the
\* new view every request that may have committed in an earlier one.
NewViewPrePrepares(v, V) ==
    LET certs == NewViewCertificates(V)
        maxS == IF certs = {} THEN 0 ELSE Max({c.seq : c \in certs})
        top == {c \in certs : \A c2 \in certs : c2.seq = c.seq => c2.view <= c.view}
    IN {PrePrepareMsg(v, c.seq, c.digest) : c \in top}
       \cup {PrePrepareMsg(v, n, Null) : n \in (1 .. maxS) \ {c.seq : c \in certs}}

\* The sequence number the primary of view[i] assigns next.
NextSeq(i) == 1 + Max({0} \cup {m.seq : m \in {pp \in PrePrepares(log[i]) : pp.view = view[i]}})

\* The result a replica returns for request r (its REPLY, 4.2): the position
\* at which it first executed r, 0 if it has not.  A replica executes a
\* request once; a request assigned a second sequence number gets the first
\* result again.
Result(e, r) == IF \E n \in 1 .. Len(e) : e[n] = r
                THEN CHOOSE n \in 1 .. Len(e) : e[n] = r /\ \A k \in 1 .. n - 1 : e[k] /= r
                ELSE 0

----
(***************************************************************************)
(* The Byzantine replicas.  They have no state of their own to model: a    *)
(* Byzantine replica may send any message, with any content, at any time,  *)
(* or none.  So its messages are not kept in msgs: every message it could  *)
(* send is always there to be received, and a correct replica that never   *)
(* receives one models its silence (Signed counts its PREPAREs and COMMITs *)
(* in every quorum they could join).  It cannot forge what correct         *)
(* replicas or clients sign.  Messages every correct replica would reject  *)
(* (outside the water marks, from a primary that is not the view's, with   *)
(* a certificate that does not check) are left out, and so are those for  *)
(* a view no correct replica is in or moving to: they would wait, unused,  *)
(* until one gets there, and are there then.                               *)
(***************************************************************************)

\* View changes are for views some correct replica asked for: a primary needs
\* 2f > f of them, and a new view 2f + 1, so those of Byzantine replicas alone
\* are of no use.  (Pre-prepares are for the view of the replica receiving.)
ViewChangeViews == {m.view : m \in {vc \in msgs : vc.type = "ViewChange"}}

\* A prepared certificate (v, n, d) checks if its signed messages exist: the
\* pre-prepare and 2f prepares from distinct backups.  With at most f < 2f
\* Byzantine backups, one of those prepares is a correct replica's.
ProvableCerts ==
    {c \in {Cert(m.view, m.seq, m.digest) : m \in {p \in msgs : p.type = "Prepare"}} :
        /\ Signed(PrePrepareMsg(c.view, c.seq, c.digest))
        /\ Cardinality(Preparers(PrePrepareMsg(c.view, c.seq, c.digest))) >= 2 * F}

\* A pre-prepare a correct replica may receive: one a correct primary sent, or
\* any a Byzantine primary could send.  A Byzantine primary may pre-prepare any
\* request a client issued (it cannot forge one), at any sequence number, as
\* often as it likes: it may equivocate.
PrePrepareAvailable(m) == m \in msgs \/ (m.sender \in Byzantine /\ m.digest \in requests)

\* A Byzantine view change may leave out any certificate, or claim any that
\* checks, whether or not its sender ever was prepared.
ByzantineViewChanges(v) ==
    {ViewChangeMsg(v, P, b) : b \in Byzantine, P \in SUBSET {c \in ProvableCerts : c.view < v}}

\* Sets of `size` view changes for view v from distinct replicas other than
\* `except` (N, no replica, for none).
ViewChangeSets(v, size, except) ==
    {V \in SUBSET {m \in ({vc \in msgs : vc.type = "ViewChange" /\ vc.view = v}
                           \cup ByzantineViewChanges(v)) : m.sender /= except} :
        /\ Cardinality(V) = size
        /\ Cardinality({m.sender : m \in V}) = size}

\* The NEW-VIEWs replica j may have sent: those it sent if it is correct.  A
\* Byzantine new primary may choose which 2f + 1 or more view changes make
\* its new view; from them O follows.
NewViewsFrom(j) ==
    IF j \in Byzantine
    THEN UNION {{NewViewMsg(v, V) : V \in UNION {ViewChangeSets(v, s, N) : s \in 2 * F + 1 .. N}} :
                v \in {w \in ViewChangeViews : Primary(w) = j}}
    ELSE {m \in msgs : m.type = "NewView" /\ m.sender = j}

\* The sets of 2f view changes from other replicas that correct replica i
\* could receive as the primary of a later view, or of the view it is moving to.
ViewChangeQuorums(i) ==
    UNION {ViewChangeSets(v, 2 * F, i) :
           v \in {w \in ViewChangeViews :
                    /\ Primary(w) = i
                    /\ \/ w > view[i]
                       \/ w = view[i] /\ status[i] = "ViewChange"}}

----
Init ==
    /\ msgs = {}
    /\ requests = {}
    /\ accepted = {}
    /\ view = [i \in Correct |-> 0]
    /\ status = [i \in Correct |-> "Normal"]
    /\ log = [i \in Correct |-> {}]
    /\ committed = [i \in Correct |-> {}]
    /\ executed = [i \in Correct |-> <<>>]

----
\* Actions, in the order of src/pbft/node.ts.

\* A client issues request r: it sends it to the primary (4.1), and it stays
\* in the network for every later primary.
ClientRequest(r) ==
    /\ r \notin requests
    /\ requests' = requests \cup {r}
    /\ UNCHANGED <<msgs, accepted, replicaVars>>

\* Primary i assigns request r, which a client issued, the next sequence number
\* of its view and multicasts the PRE-PREPARE (4.2).  It assigns a request
\* once in a view, and no sequence number beyond the high water mark.
PrePrepare(i, r) ==
    /\ r \in requests
    /\ status[i] = "Normal"
    /\ Primary(view[i]) = i
    /\ \A m \in PrePrepares(log[i]) : m.view = view[i] => m.digest /= r
    /\ NextSeq(i) <= K
    /\ log' = [log EXCEPT ![i] = @ \cup {PrePrepareMsg(view[i], NextSeq(i), r)}]
    /\ msgs' = msgs \cup {PrePrepareMsg(view[i], NextSeq(i), r)}
    /\ UNCHANGED <<requests, accepted, view, status, committed, executed>>

\* Backup i accepts the primary's PRE-PREPARE assigning request d sequence
\* number n in i's view, if it has not accepted another request for n in the
\* view, and multicasts a matching PREPARE (4.2).  One request per (v, n) at
\* each correct backup is what makes prepared certificates unique.
ReceivePrePrepare(i, n, d) ==
    /\ PrePrepareAvailable(PrePrepareMsg(view[i], n, d))
    /\ Primary(view[i]) /= i
    /\ status[i] = "Normal"
    /\ MayAcceptPrePrepare(i, PrePrepareMsg(view[i], n, d))
    /\ log' = [log EXCEPT ![i] = @ \cup {PrePrepareMsg(view[i], n, d), PrepareMsg(view[i], n, d, i)}]
    /\ msgs' = msgs \cup {PrepareMsg(view[i], n, d, i)}
    /\ UNCHANGED <<requests, accepted, view, status, committed, executed>>

\* Replica i receives 2f PREPAREs from distinct backups (its own among them,
\* if it is a backup) matching the pre-prepare m it accepted for sequence
\* number n of its view: it is prepared, and multicasts a COMMIT (4.2).
ReceivePrepares(i, n) ==
    \E m \in PrePrepares(log[i]) :
        /\ m.view = view[i] /\ m.seq = n
        /\ status[i] = "Normal"
        /\ ~Prepared(i, m)
        /\ PrepareQuorum(Preparers(m))
        /\ log' = [log EXCEPT ![i] = @ \cup {CommitMsg(m.view, m.seq, m.digest, i)}]
        /\ msgs' = msgs \cup {CommitMsg(m.view, m.seq, m.digest, i)}
        /\ UNCHANGED <<requests, accepted, view, status, committed, executed>>

\* Replica i, prepared for sequence number n of its view, receives 2f + 1
\* matching COMMITs (its own among them): the request is committed-local, and
\* i executes it and every committed request after it that it now can (4.2).
ReceiveCommits(i, n) ==
    \E m \in PrePrepares(log[i]) :
        /\ m.view = view[i] /\ m.seq = n
        /\ status[i] = "Normal"
        /\ Prepared(i, m)
        /\ Cert(m.view, m.seq, m.digest) \notin committed[i]
        /\ CommitQuorum(Committers(m))
        /\ committed' = [committed EXCEPT ![i] = @ \cup {Cert(m.view, m.seq, m.digest)}]
        /\ executed' = [executed EXCEPT ![i] = Execute(@, committed'[i])]
        /\ UNCHANGED <<msgs, requests, accepted, view, status, log>>

\* The replicas that replied result k to request r: the correct replicas that
\* computed it, and the Byzantine ones, which may reply anything.
Replied(r, k) == {i \in Correct : Result(executed[i], r) = k} \cup Byzantine

\* A client accepts result k for its request r once f + 1 replicas replied
\* it: one of them is correct (4.2).
ClientAccept(r, k) ==
    /\ r \in requests
    /\ \A a \in accepted : a.request /= r
    /\ ReplyQuorum(Replied(r, k))
    /\ accepted' = accepted \cup {[request |-> r, result |-> k]}
    /\ UNCHANGED <<msgs, requests, replicaVars>>

\* Backup i's timer fires (or, while it is changing views, the timer for the
\* view it is moving to): it moves to the next view and multicasts a
\* VIEW-CHANGE with its prepared certificates (4.4).  It accepts no more
\* messages of the view it leaves.
Timeout(i) ==
    /\ status[i] = "ViewChange" \/ Primary(view[i]) /= i
    /\ view' = [view EXCEPT ![i] = @ + 1]
    /\ status' = [status EXCEPT ![i] = "ViewChange"]
    /\ log' = [log EXCEPT ![i] = @ \cup {ViewChangeMsg(view[i] + 1, PreparedCerts(i), i)}]
    /\ msgs' = msgs \cup {ViewChangeMsg(view[i] + 1, PreparedCerts(i), i)}
    /\ UNCHANGED <<requests, accepted, committed, executed>>

\* Replica i, the primary of a later view or of the view it is moving to,
\* receives VIEW-CHANGEs Q for it from 2f other replicas: it multicasts the
\* NEW-VIEW, made of those and its own (sent before, or now), multicasts the
\* new view's pre-prepares and enters the view (4.4).
ReceiveViewChanges(i) ==
    \E Q \in ViewChangeQuorums(i) :
        /\ \A m \in Q : m.type = "ViewChange" /\ Primary(m.view) = i /\ m.sender /= i
        /\ Cardinality({m.sender : m \in Q}) = 2 * F
        /\ LET v == Max({m.view : m \in Q})
               V == Q \cup {ViewChangeMsg(v, PreparedCerts(i), i)}
               sent == {ViewChangeMsg(v, PreparedCerts(i), i), NewViewMsg(v, V)}
                           \cup NewViewPrePrepares(v, V)
           IN /\ view' = [view EXCEPT ![i] = v]
              /\ status' = [status EXCEPT ![i] = "Normal"]
              /\ log' = [log EXCEPT ![i] = @ \cup sent]
              /\ msgs' = msgs \cup sent
        /\ UNCHANGED <<requests, accepted, committed, executed>>

\* Backup i accepts a NEW-VIEW from j, the primary of a later view or of the
\* view i is moving to: it logs the new view's pre-prepares, multicasts a
\* PREPARE for each and enters the view (4.4).  The NEW-VIEW checks by
\* construction: a correct primary computes it right, and a Byzantine one's
\* is in the network only if it checks.
ReceiveNewView(i, j) ==
    /\ j /= i
    /\ \E m \in NewViewsFrom(j) :
        /\ \/ m.view > view[i]
           \/ m.view = view[i] /\ status[i] = "ViewChange"
        /\ LET O == NewViewPrePrepares(m.view, m.viewChanges)
               prepares == {PrepareMsg(pp.view, pp.seq, pp.digest, i) : pp \in O}
           IN /\ view' = [view EXCEPT ![i] = m.view]
              /\ status' = [status EXCEPT ![i] = "Normal"]
              /\ log' = [log EXCEPT ![i] = @ \cup O \cup prepares]
              /\ msgs' = msgs \cup prepares
        /\ UNCHANGED <<requests, accepted, committed, executed>>

\* Every parameter ranges over a constant set, so that TLC names each step
\* after its action; the message an action takes, it chooses itself.
Next ==
    \/ \E r \in Request : ClientRequest(r)
    \/ \E i \in Correct, r \in Request : PrePrepare(i, r)
    \/ \E i \in Correct, n \in SeqNum, d \in Request : ReceivePrePrepare(i, n, d)
    \/ \E i \in Correct, n \in SeqNum : ReceivePrepares(i, n)
    \/ \E i \in Correct, n \in SeqNum : ReceiveCommits(i, n)
    \/ \E r \in Request, k \in SeqNum : ClientAccept(r, k)
    \/ \E i \in Correct : Timeout(i)
    \/ \E i \in Correct : ReceiveViewChanges(i)
    \/ \E i \in Correct, j \in Replica : ReceiveNewView(i, j)

Spec == Init /\ [][Next]_vars

----
\* Invariants, named after the properties of the paper (4.2, 4.4, 4.5).

\* The paper's key lemma (4.2): no two correct replicas are prepared with
\* different requests for the same view and sequence number.
PreparedUniqueness ==
    LET certs == UNION {PreparedCerts(i) : i \in Correct}
    IN \A c1, c2 \in certs : c1.view = c2.view /\ c1.seq = c2.seq => c1.digest = c2.digest

\* Safety (4.5): no two correct replicas commit different requests at the
\* same sequence number, even in different views.
Agreement ==
    LET certs == UNION {committed[i] : i \in Correct}
    IN \A c1, c2 \in certs : c1.seq = c2.seq => c1.digest = c2.digest

\* Correct replicas execute the same requests in the same order: of any two,
\* one has executed a prefix of what the other has.
ExecutionPrefix ==
    \A i, j \in Correct :
        LET n == IF Len(executed[i]) < Len(executed[j]) THEN Len(executed[i]) ELSE Len(executed[j])
        IN SubSeq(executed[i], 1, n) = SubSeq(executed[j], 1, n)

\* Only requests that clients issued are executed (and null requests, no-ops).
Validity ==
    \A i \in Correct : \A n \in 1 .. Len(executed[i]) : executed[i][n] \in requests \cup {Null}

\* A client accepts only a result that a correct replica computed.
AcceptedResults ==
    \A a \in accepted : \E i \in Correct : Result(executed[i], a.request) = a.result

Certificate == [view : Nat, seq : SeqNum, digest : Digest]
NormalMsg == [type : {"PrePrepare", "Prepare", "Commit"}, view : Nat, seq : SeqNum,
              digest : Digest, sender : Replica]
ViewChangeMessage == [type : {"ViewChange"}, view : Nat \ {0}, prepared : SUBSET Certificate,
                      sender : Replica]
NewViewMessage == [type : {"NewView"}, view : Nat \ {0}, viewChanges : SUBSET ViewChangeMessage,
                   sender : Replica]
Message == NormalMsg \cup ViewChangeMessage \cup NewViewMessage

TypeOK ==
    /\ msgs \subseteq Message
    /\ \A m \in msgs : m.sender \in Correct
    /\ requests \subseteq Request
    /\ accepted \subseteq [request : Request, result : SeqNum]
    /\ view \in [Correct -> Nat]
    /\ status \in [Correct -> {"Normal", "ViewChange"}]
    \* A replica's log holds the pre-prepares it accepted and what it sent.
    /\ \A i \in Correct : \A m \in log[i] : m \in msgs \/ (m \in NormalMsg /\ m.type = "PrePrepare")
    /\ \A i \in Correct : committed[i] \subseteq Certificate
    /\ \A i \in Correct : executed[i] \in Seq(Digest) /\ Len(executed[i]) <= K
================================================================================
