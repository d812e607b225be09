#!/usr/bin/env python3
"""raft-py: one Raft server's step, written from specs/raft/Raft.tla.

It speaks the JSON-lines driver protocol of docs/driver.md on standard input
and output: the checker sends a server's state (Raft.tla's per-server
variables) and an event (one of the spec's actions at that server); the node
replies with the state after the action and the messages it sent, or says the
action is not enabled.  It keeps nothing between requests but the cluster of
the `init` request.

Standard library only (Python 3.11).  `--bug NAME` seeds one mistake, the
same rule that specs/raft/MutantsRaft.tla replaces; `--help` lists them.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

NAME = "raft-py"
NIL = None  # Raft.tla's Nil; null in JSON
ROLES = ("Follower", "Candidate", "Leader")


# ---------------------------------------------------------------------------
# The state of one server and the messages, in Raft.tla's terms
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ServerState:
    """Raft.tla's variables at one server; `state` is the role."""

    currentTerm: int
    votedFor: Optional[str]
    log: tuple  # of (term, value) pairs; Raft.tla's log[i], index 1 is log[0]
    state: str
    commitIndex: int
    votesGranted: frozenset
    nextIndex: dict = field(hash=False)
    matchIndex: dict = field(hash=False)


@dataclass
class Step:
    """An enabled action: the server's state after it and what it sent."""

    state: ServerState
    sent: list


def last_term(log: tuple) -> int:
    # Raft.tla LastTerm(xlog): the term of the last entry, 0 for an empty log.
    return log[-1][0] if log else 0


def entries_json(entries) -> list:
    return [{"term": t, "value": v} for (t, v) in entries]


# ---------------------------------------------------------------------------
# The rules Raft's safety rests on (Raft.tla's named operators); a seeded bug
# replaces exactly one of them, as MutantsRaft.tla does with `Rule <- BuggyRule`.
# ---------------------------------------------------------------------------

class Rules:
    # Raft.tla Quorum: Cardinality(Q) * 2 > Cardinality(Server).
    @staticmethod
    def is_quorum(q: frozenset, servers: tuple) -> bool:
        return len(q) * 2 > len(servers)

    # Raft.tla CandidateLogIsUpToDate(i, m) (Raft 5.4.1).
    @staticmethod
    def CandidateLogIsUpToDate(s: ServerState, m: dict) -> bool:
        return (m["mlastLogTerm"] > last_term(s.log)
                or (m["mlastLogTerm"] == last_term(s.log)
                    and m["mlastLogIndex"] >= len(s.log)))

    # Raft.tla LogBeforeNewEntry(i, m) == SubSeq(log[i], 1, m.mprevLogIndex) (Raft 5.3).
    @staticmethod
    def LogBeforeNewEntry(s: ServerState, m: dict) -> tuple:
        return s.log[:m["mprevLogIndex"]]

    # Raft.tla MayCommitByCounting(i, index): the entry is of the leader's term (Raft 5.4.2).
    @staticmethod
    def MayCommitByCounting(s: ServerState, index: int) -> bool:
        return s.log[index - 1][0] == s.currentTerm

    # Raft.tla VotedForAfterRestart(i) == votedFor[i] (Raft figure 2).
    @staticmethod
    def VotedForAfterRestart(s: ServerState) -> Optional[str]:
        return s.votedFor


class VoteTwice(Rules):
    # MutantsRaft.tla VotedForAfterRestartForgotten: a restart forgets the vote,
    # so the server may grant a second vote in a term where it already voted.
    @staticmethod
    def VotedForAfterRestart(s: ServerState) -> Optional[str]:
        return NIL


class NoLogCheck(Rules):
    # MutantsRaft.tla CandidateLogIsUpToDateAlways: a vote whatever the candidate's log.
    @staticmethod
    def CandidateLogIsUpToDate(s: ServerState, m: dict) -> bool:
        return True


class NoTruncate(Rules):
    # MutantsRaft.tla LogBeforeNewEntryKeepingConflicts: conflicting entries stay.
    @staticmethod
    def LogBeforeNewEntry(s: ServerState, m: dict) -> tuple:
        return s.log


class CommitOldTerm(Rules):
    # MutantsRaft.tla MayCommitByCountingAnyTerm: figure 8's mistake.
    @staticmethod
    def MayCommitByCounting(s: ServerState, index: int) -> bool:
        return True


class QuorumOffByOne(Rules):
    # MutantsRaft.tla QuorumOffByOne: Cardinality(Q) >= Cardinality(Server) \div 2.
    @staticmethod
    def is_quorum(q: frozenset, servers: tuple) -> bool:
        return len(q) >= len(servers) // 2


BUGS: dict[str, tuple[type, str]] = {
    "vote-twice": (VoteTwice,
                   "a restart forgets votedFor, so a server grants a second vote in a term "
                   "where it already voted for another candidate (raft-vote-twice)"),
    "no-log-check": (NoLogCheck,
                     "votes without the up-to-date log check of Raft 5.4.1 "
                     "(raft-vote-no-log-check)"),
    "no-truncate": (NoTruncate,
                    "a follower keeps conflicting entries and appends after them "
                    "(raft-no-truncate)"),
    "commit-old-term": (CommitOldTerm,
                        "a leader commits an entry of an earlier term by counting replicas "
                        "(raft-commit-old-term)"),
    "quorum-off-by-one": (QuorumOffByOne,
                          "half the servers, rounded down, make a quorum "
                          "(raft-quorum-off-by-one)"),
}
# The catalogue's names (docs/mutants.md) are accepted too.
BUG_ALIASES = {"raft-vote-no-log-check": "no-log-check"}
BUG_ALIASES.update({"raft-" + name: name for name in BUGS if name != "no-log-check"})


# ---------------------------------------------------------------------------
# The protocol: one function per action of Raft.tla, in the spec's order
# ---------------------------------------------------------------------------

class Raft:
    """Raft.tla's actions at one server i, for the cluster `servers`."""

    def __init__(self, servers: tuple, max_entries: int, rules: type = Rules):
        self.servers = servers
        self.max_entries = max_entries
        self.rules = rules

    # --- Raft.tla's helpers -------------------------------------------------

    def is_quorum(self, q) -> bool:
        # Raft.tla Quorum (Q \in Quorum, for Q a subset of Server).
        return self.rules.is_quorum(frozenset(q), self.servers)

    @staticmethod
    def TermAfter(s: ServerState, t: int) -> int:
        # Raft.tla TermAfter(i, t) == Max({currentTerm[i], t})
        return max(s.currentTerm, t)

    @staticmethod
    def VoteAfter(s: ServerState, t: int) -> Optional[str]:
        # Raft.tla VoteAfter(i, t)
        return NIL if t > s.currentTerm else s.votedFor

    @staticmethod
    def StateAfter(s: ServerState, t: int) -> str:
        # Raft.tla StateAfter(i, t)
        return "Follower" if t > s.currentTerm else s.state

    def ObserveTerm(self, s: ServerState, t: int) -> dict:
        # Raft.tla ObserveTerm(i, t): the primed currentTerm, votedFor and state.
        return {"currentTerm": self.TermAfter(s, t),
                "votedFor": self.VoteAfter(s, t),
                "state": self.StateAfter(s, t)}

    # --- Init and the actions -------------------------------------------------

    def Init(self, i: str) -> ServerState:
        # Raft.tla Init, at server i.
        return ServerState(currentTerm=0, votedFor=NIL, log=(), state="Follower",
                           commitIndex=0, votesGranted=frozenset(),
                           nextIndex={j: 1 for j in self.servers},
                           matchIndex={j: 0 for j in self.servers})

    def Timeout(self, i: str, s: ServerState) -> Optional[Step]:
        # Raft.tla Timeout(i)
        if s.state not in ("Follower", "Candidate"):
            return None
        sent = [{"mtype": "RequestVoteRequest",
                 "mterm": s.currentTerm + 1,
                 "mlastLogTerm": last_term(s.log),
                 "mlastLogIndex": len(s.log),
                 "msource": i,
                 "mdest": j} for j in self.servers if j != i]
        return Step(dataclasses.replace(s, state="Candidate", currentTerm=s.currentTerm + 1,
                                        votedFor=i, votesGranted=frozenset({i})), sent)

    def HandleRequestVoteRequest(self, i: str, s: ServerState, m: dict) -> Optional[Step]:
        # Raft.tla HandleRequestVoteRequest(i, j)
        j = m["msource"]
        grant = (m["mterm"] >= s.currentTerm
                 and self.VoteAfter(s, m["mterm"]) in (NIL, j)
                 and self.rules.CandidateLogIsUpToDate(s, m))
        reply = {"mtype": "RequestVoteResponse",
                 "mterm": self.TermAfter(s, m["mterm"]),
                 "mvoteGranted": grant,
                 "msource": i,
                 "mdest": j}
        return Step(dataclasses.replace(
            s,
            currentTerm=self.TermAfter(s, m["mterm"]),
            votedFor=j if grant else self.VoteAfter(s, m["mterm"]),
            state=self.StateAfter(s, m["mterm"])), [reply])

    def HandleRequestVoteResponse(self, i: str, s: ServerState, m: dict) -> Optional[Step]:
        # Raft.tla HandleRequestVoteResponse(i, j)
        j = m["msource"]
        votes = s.votesGranted
        if m["mvoteGranted"] and m["mterm"] == s.currentTerm and s.state == "Candidate":
            votes = votes | {j}
        return Step(dataclasses.replace(s, votesGranted=votes,
                                        **self.ObserveTerm(s, m["mterm"])), [])

    def BecomeLeader(self, i: str, s: ServerState) -> Optional[Step]:
        # Raft.tla BecomeLeader(i)
        if s.state != "Candidate" or not self.is_quorum(s.votesGranted):
            return None
        return Step(dataclasses.replace(
            s, state="Leader",
            nextIndex={j: len(s.log) + 1 for j in self.servers},
            matchIndex={j: 0 for j in self.servers}), [])

    def ClientRequest(self, i: str, s: ServerState, v: Any) -> Optional[Step]:
        # Raft.tla ClientRequest(i, v)
        if s.state != "Leader":
            return None
        return Step(dataclasses.replace(s, log=s.log + ((s.currentTerm, v),)), [])

    def AppendEntriesRequest(self, i: str, s: ServerState, j: str) -> dict:
        # Raft.tla AppendEntriesRequest(i, j): at most MaxEntries entries from nextIndex[i][j].
        prev_log_index = s.nextIndex[j] - 1
        if prev_log_index > len(s.log):
            raise Unsupported(f"nextIndex[{i}][{j}] = {s.nextIndex[j]} is beyond {i}'s log "
                              f"of {len(s.log)} entries: Raft.tla's AppendEntriesRequest is "
                              "undefined there")
        last_entry = min(len(s.log), s.nextIndex[j] + self.max_entries - 1)
        return {"mtype": "AppendEntriesRequest",
                "mterm": s.currentTerm,
                "mprevLogIndex": prev_log_index,
                "mprevLogTerm": s.log[prev_log_index - 1][0] if prev_log_index > 0 else 0,
                # SubSeq(log[i], nextIndex[i][j], lastEntry)
                "mentries": entries_json(s.log[s.nextIndex[j] - 1:last_entry]),
                "mcommitIndex": min(s.commitIndex, last_entry),
                "msource": i,
                "mdest": j}

    def AppendEntries(self, i: str, s: ServerState, j: str) -> Optional[Step]:
        # Raft.tla AppendEntries(i, j)
        if i == j or s.state != "Leader":
            return None
        return Step(s, [self.AppendEntriesRequest(i, s, j)])

    def HandleAppendEntriesRequest(self, i: str, s: ServerState, m: dict) -> Optional[Step]:
        # Raft.tla HandleAppendEntriesRequest(i, j)
        j = m["msource"]
        entries = tuple((e["term"], e["value"]) for e in m["mentries"])
        log_ok = (m["mprevLogIndex"] == 0
                  or (m["mprevLogIndex"] <= len(s.log)
                      and s.log[m["mprevLogIndex"] - 1][0] == m["mprevLogTerm"]))
        accept = m["mterm"] >= s.currentTerm and log_ok
        index = m["mprevLogIndex"] + 1
        last_new = m["mprevLogIndex"] + len(entries)
        log, commit_index = s.log, s.commitIndex
        if accept:
            # Every entry the request brings is already there, with its term.
            holds_entries = all(len(s.log) >= index + k - 1
                                and s.log[index + k - 2][0] == entries[k - 1][0]
                                for k in range(1, len(entries) + 1))
            log = s.log if holds_entries else tuple(self.rules.LogBeforeNewEntry(s, m)) + entries
            commit_index = max(s.commitIndex, min(m["mcommitIndex"], last_new))
        reply = {"mtype": "AppendEntriesResponse",
                 "mterm": self.TermAfter(s, m["mterm"]),
                 "msuccess": accept,
                 "mmatchIndex": last_new if accept else 0,
                 "msource": i,
                 "mdest": j}
        return Step(dataclasses.replace(
            s,
            currentTerm=self.TermAfter(s, m["mterm"]),
            votedFor=self.VoteAfter(s, m["mterm"]),
            # A candidate that hears from the leader of its term gives up.
            state="Follower" if m["mterm"] >= s.currentTerm else s.state,
            log=log,
            commitIndex=commit_index), [reply])

    def HandleAppendEntriesResponse(self, i: str, s: ServerState, m: dict) -> Optional[Step]:
        # Raft.tla HandleAppendEntriesResponse(i, j)
        j = m["msource"]
        current = m["mterm"] == s.currentTerm and s.state == "Leader"
        next_index, match_index = s.nextIndex, s.matchIndex
        if current:
            next_index = dict(s.nextIndex)
            next_index[j] = (m["mmatchIndex"] + 1 if m["msuccess"]
                             else max(s.nextIndex[j] - 1, 1))
        if current and m["msuccess"]:
            match_index = dict(s.matchIndex)
            match_index[j] = max(s.matchIndex[j], m["mmatchIndex"])
        return Step(dataclasses.replace(s, nextIndex=next_index, matchIndex=match_index,
                                        **self.ObserveTerm(s, m["mterm"])), [])

    def AdvanceCommitIndex(self, i: str, s: ServerState) -> Optional[Step]:
        # Raft.tla AdvanceCommitIndex(i): enabled only if some index can be committed.
        if s.state != "Leader":
            return None

        def agree(index: int) -> set:
            return {i} | {k for k in self.servers if s.matchIndex[k] >= index}

        committable = [index for index in range(s.commitIndex + 1, len(s.log) + 1)
                       if self.is_quorum(agree(index))
                       and self.rules.MayCommitByCounting(s, index)]
        if not committable:
            return None
        return Step(dataclasses.replace(s, commitIndex=max(committable)), [])

    def Restart(self, i: str, s: ServerState) -> Optional[Step]:
        # Raft.tla Restart(i)
        return Step(dataclasses.replace(
            s, state="Follower",
            votedFor=self.rules.VotedForAfterRestart(s),
            commitIndex=0,
            votesGranted=frozenset(),
            nextIndex={j: 1 for j in self.servers},
            matchIndex={j: 0 for j in self.servers}), [])

    # --- An event of the driver protocol is one of the actions above ----------

    HANDLERS = {"RequestVoteRequest": "HandleRequestVoteRequest",
                "RequestVoteResponse": "HandleRequestVoteResponse",
                "AppendEntriesRequest": "HandleAppendEntriesRequest",
                "AppendEntriesResponse": "HandleAppendEntriesResponse"}

    def step(self, i: str, s: ServerState, event: dict) -> Optional[Step]:
        kind = event["type"]
        if kind == "Timeout":
            return self.Timeout(i, s)
        if kind == "Receive":
            return getattr(self, self.HANDLERS[event["m"]["mtype"]])(i, s, event["m"])
        if kind == "BecomeLeader":
            return self.BecomeLeader(i, s)
        if kind == "ClientRequest":
            return self.ClientRequest(i, s, event["v"])
        if kind == "AppendEntries":
            return self.AppendEntries(i, s, event["j"])
        if kind == "AdvanceCommitIndex":
            return self.AdvanceCommitIndex(i, s)
        if kind == "Restart":
            return self.Restart(i, s)
        raise Malformed(f"unknown event type: {kind}")  # parse_event rules this out


# ---------------------------------------------------------------------------
# Decoding and encoding the driver protocol's JSON (docs/driver.md)
# ---------------------------------------------------------------------------

class DriverError(Exception):
    code = "internal"


class Malformed(DriverError):
    code = "malformed-request"


class Unsupported(DriverError):
    code = "unsupported"


class UnknownRequest(DriverError):
    code = "unknown-request"


def get(obj: dict, key: str, where: str) -> Any:
    if key not in obj:
        raise Malformed(f"{where}: missing field {key}")
    return obj[key]


def nat(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Malformed(f"{where}: not a natural number: {json.dumps(value)}")
    return value


def boolean(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise Malformed(f"{where}: not a boolean: {json.dumps(value)}")
    return value


def obj(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise Malformed(f"{where}: not an object")
    return value


def server(value: Any, servers: tuple, where: str) -> str:
    if not isinstance(value, str) or value not in servers:
        raise Malformed(f"{where}: unknown node {json.dumps(value)}")
    return value


def parse_entries(value: Any, where: str) -> tuple:
    if not isinstance(value, list):
        raise Malformed(f"{where}: not a list of entries")
    entries = []
    for k, e in enumerate(value):
        e = obj(e, f"{where}[{k}]")
        entries.append((nat(get(e, "term", f"{where}[{k}]"), f"{where}[{k}].term"),
                        get(e, "value", f"{where}[{k}]")))
    return tuple(entries)


def parse_index_map(value: Any, servers: tuple, where: str, least: int) -> dict:
    value = obj(value, where)
    for k in value:
        server(k, servers, f"{where} key")
    out = {}
    for j in servers:
        out[j] = nat(get(value, j, where), f"{where}.{j}")
        if out[j] < least:
            raise Malformed(f"{where}.{j}: {out[j]} is less than {least}")
    return out


def parse_state(value: Any, servers: tuple) -> ServerState:
    s = obj(value, "state")
    voted_for = get(s, "votedFor", "state")
    if voted_for is not None:
        server(voted_for, servers, "state.votedFor")
    role = get(s, "state", "state")
    if role not in ROLES:
        raise Malformed(f"state.state: not a role: {json.dumps(role)}")
    votes = get(s, "votesGranted", "state")
    if not isinstance(votes, list):
        raise Malformed("state.votesGranted: not a list")
    return ServerState(
        currentTerm=nat(get(s, "currentTerm", "state"), "state.currentTerm"),
        votedFor=voted_for,
        log=parse_entries(get(s, "log", "state"), "state.log"),
        state=role,
        commitIndex=nat(get(s, "commitIndex", "state"), "state.commitIndex"),
        votesGranted=frozenset(server(v, servers, "state.votesGranted") for v in votes),
        nextIndex=parse_index_map(get(s, "nextIndex", "state"), servers, "state.nextIndex", 1),
        matchIndex=parse_index_map(get(s, "matchIndex", "state"), servers, "state.matchIndex", 0))


# Each message type's fields beside mtype, msource and mdest, as Raft.tla's Message has them.
MESSAGE_FIELDS: dict[str, dict[str, Callable]] = {
    "RequestVoteRequest": {"mterm": nat, "mlastLogTerm": nat, "mlastLogIndex": nat},
    "RequestVoteResponse": {"mterm": nat, "mvoteGranted": boolean},
    "AppendEntriesRequest": {"mterm": nat, "mprevLogIndex": nat, "mprevLogTerm": nat,
                             "mentries": None, "mcommitIndex": nat},
    "AppendEntriesResponse": {"mterm": nat, "msuccess": boolean, "mmatchIndex": nat},
}


def parse_message(value: Any, servers: tuple, node: str) -> dict:
    m = obj(value, "event.m")
    mtype = get(m, "mtype", "event.m")
    if mtype not in MESSAGE_FIELDS:
        raise Malformed(f"event.m.mtype: unknown message type {json.dumps(mtype)}")
    out = {"mtype": mtype}
    for name, check in MESSAGE_FIELDS[mtype].items():
        raw = get(m, name, "event.m")
        if name == "mentries":
            out[name] = entries_json(parse_entries(raw, "event.m.mentries"))
        else:
            out[name] = check(raw, f"event.m.{name}")
    out["msource"] = server(get(m, "msource", "event.m"), servers, "event.m.msource")
    out["mdest"] = server(get(m, "mdest", "event.m"), servers, "event.m.mdest")
    if out["mdest"] != node:
        raise Malformed(f"event.m: a message to {out['mdest']} cannot be received by {node}")
    return out


def parse_event(value: Any, servers: tuple, node: str) -> dict:
    e = obj(value, "event")
    kind = get(e, "type", "event")
    if kind in ("Timeout", "BecomeLeader", "AdvanceCommitIndex", "Restart"):
        return {"type": kind}
    if kind == "Receive":
        return {"type": kind, "m": parse_message(get(e, "m", "event"), servers, node)}
    if kind == "ClientRequest":
        return {"type": kind, "v": get(e, "v", "event")}
    if kind == "AppendEntries":
        return {"type": kind, "j": server(get(e, "j", "event"), servers, "event.j")}
    raise Malformed(f"event.type: unknown event type {json.dumps(kind)}")


def state_json(s: ServerState) -> dict:
    return {"currentTerm": s.currentTerm,
            "votedFor": s.votedFor,
            "log": entries_json(s.log),
            "state": s.state,
            "commitIndex": s.commitIndex,
            "votesGranted": sorted(s.votesGranted),
            "nextIndex": dict(s.nextIndex),
            "matchIndex": dict(s.matchIndex)}


# ---------------------------------------------------------------------------
# Requests and replies
# ---------------------------------------------------------------------------

class Driver:
    """Answers the driver protocol's requests; the cluster comes from `init`."""

    def __init__(self, rules: type = Rules, bug: Optional[str] = None):
        self.rules = rules
        self.bug = bug
        self.raft: Optional[Raft] = None

    def node(self, req: dict) -> str:
        if self.raft is None:
            raise Malformed(f"{req['type']} before init: no cluster yet")
        return server(get(req, "node", req["type"]), self.raft.servers, "node")

    def handle_init(self, req: dict) -> dict:
        protocol = get(req, "protocol", "init")
        if protocol != "raft":
            raise Unsupported(f"only raft, not {json.dumps(protocol)}")
        ids = get(req, "node_ids", "init")
        if (not isinstance(ids, list) or not ids
                or not all(isinstance(n, str) for n in ids) or len(set(ids)) != len(ids)):
            raise Malformed("init.node_ids: not a non-empty list of distinct strings")
        constants = obj(get(req, "constants", "init"), "init.constants")
        max_entries = nat(get(constants, "MaxEntries", "init.constants"),
                          "init.constants.MaxEntries")
        self.raft = Raft(tuple(ids), max_entries, self.rules)
        name = NAME if self.bug is None else f"{NAME} --bug {self.bug}"
        return {"type": "init_ok", "name": name}

    def handle_initial(self, req: dict) -> dict:
        i = self.node(req)
        return {"type": "initial_ok", "state": state_json(self.raft.Init(i))}

    def handle_step(self, req: dict) -> dict:
        i = self.node(req)
        s = parse_state(get(req, "state", "step"), self.raft.servers)
        event = parse_event(get(req, "event", "step"), self.raft.servers, i)
        result = self.raft.step(i, s, event)
        if result is None:
            return {"type": "step_ok", "enabled": False}
        return {"type": "step_ok", "enabled": True, "state": state_json(result.state),
                "sent": result.sent}

    REQUESTS = {"init": handle_init, "initial": handle_initial, "step": handle_step}

    def answer(self, line: bytes) -> dict:
        """The reply to one line; never raises."""
        msg_id = None
        try:
            try:
                req = json.loads(line.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as e:
                raise Malformed(f"not JSON: {e}") from None
            if not isinstance(req, dict):
                raise Malformed("a request is a JSON object")
            msg_id = req.get("msg_id")
            kind = get(req, "type", "request")
            if not isinstance(kind, str) or kind not in self.REQUESTS:
                raise UnknownRequest(f"no such request: {kind}")
            get(req, "msg_id", kind)
            reply = self.REQUESTS[kind](self, req)
        except DriverError as e:
            reply = {"type": "error", "code": e.code, "text": str(e)}
        except Exception as e:  # a bug of ours: say so, and keep answering
            reply = {"type": "error", "code": "internal", "text": f"{type(e).__name__}: {e}"}
        return {"type": reply.pop("type"), "in_reply_to": msg_id, **reply}


def serve(driver: Driver, stdin, stdout) -> None:
    """The I/O loop: a request a line in, a reply a line out, until end of input."""
    while True:
        line = stdin.readline()
        if not line:
            return
        if not line.strip():
            continue
        stdout.write(json.dumps(driver.answer(line), separators=(",", ":")) + "\n")
        stdout.flush()


def main(argv: Optional[list] = None) -> int:
    bug_list = "\n".join(f"  {name:18} {text}" for name, (_, text) in BUGS.items())
    parser = argparse.ArgumentParser(
        prog="node.py",
        description="One Raft server's step from specs/raft/Raft.tla, over the JSON-lines "
                    "driver protocol of docs/driver.md (stdin and stdout).",
        epilog="seeded bugs (--bug NAME), each the rule specs/raft/MutantsRaft.tla replaces:\n"
               + bug_list + "\n",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bug", metavar="NAME", help="break one rule of Raft (see below)")
    args = parser.parse_args(argv)
    rules, bug = Rules, None
    if args.bug is not None:
        bug = BUG_ALIASES.get(args.bug, args.bug)
        if bug not in BUGS:
            print(f"node.py: unknown bug {args.bug!r} (known: {', '.join(BUGS)})",
                  file=sys.stderr)
            return 2
        rules = BUGS[bug][0]
    try:
        serve(Driver(rules, bug), sys.stdin.buffer, sys.stdout)
    except BrokenPipeError:
        # The checker stopped reading: nothing more can be written, not even at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
