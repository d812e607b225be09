"""Tests of node.py, run as the checker runs it: a subprocess spoken to in JSON lines.

    python3 -m unittest discover examples/raft-py

Standard library only.  The expected replies are worked out by hand from
specs/raft/Raft.tla; TestTLCTraces also replays the behaviours TLC drew from
the spec (traces/raft/, if the repository has them) through the node.
"""

from __future__ import annotations

import glob
import gzip
import json
import os
import subprocess
import sys
import unittest
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
NODE = os.path.join(HERE, "node.py")
REPO = os.path.dirname(os.path.dirname(HERE))
S3 = ["s1", "s2", "s3"]


class Node:
    """node.py as a subprocess, one request and one reply at a time."""

    def __init__(self, *args: str):
        self.proc = subprocess.Popen([sys.executable, NODE, *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.next_id = 1

    def raw(self, line: str) -> dict:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline()
        if not reply:
            raise AssertionError("node.py exited: " + self.proc.stderr.read())
        return json.loads(reply)

    def request(self, req: dict) -> dict:
        req = {**req, "msg_id": self.next_id}
        self.next_id += 1
        reply = self.raw(json.dumps(req))
        assert reply.get("in_reply_to") == req["msg_id"], reply
        return reply

    def init(self, node_ids=S3, max_entries=1) -> dict:
        return self.request({"type": "init", "protocol": "raft", "node_ids": node_ids,
                             "constants": {"MaxEntries": max_entries}})

    def step(self, node: str, state: dict, event: dict) -> dict:
        return self.request({"type": "step", "node": node, "state": state, "event": event})

    def close(self) -> int:
        self.proc.stdin.close()
        code = self.proc.wait(timeout=10)
        self.proc.stdout.close()
        self.proc.stderr.close()
        return code


def state(servers=S3, **changes) -> dict:
    """A server's state: Raft.tla's Init with some variables changed."""
    s = {"currentTerm": 0, "votedFor": None, "log": [], "state": "Follower", "commitIndex": 0,
         "votesGranted": [], "nextIndex": {j: 1 for j in servers},
         "matchIndex": {j: 0 for j in servers}}
    s.update(changes)
    return s


def entry(term: int, value: str = "v1") -> dict:
    return {"term": term, "value": value}


def rv_request(term, source, dest, last_log_term=0, last_log_index=0) -> dict:
    return {"mtype": "RequestVoteRequest", "mterm": term, "mlastLogTerm": last_log_term,
            "mlastLogIndex": last_log_index, "msource": source, "mdest": dest}


def rv_response(term, granted, source, dest) -> dict:
    return {"mtype": "RequestVoteResponse", "mterm": term, "mvoteGranted": granted,
            "msource": source, "mdest": dest}


def ae_request(term, source, dest, prev_index, prev_term, entries, commit) -> dict:
    return {"mtype": "AppendEntriesRequest", "mterm": term, "mprevLogIndex": prev_index,
            "mprevLogTerm": prev_term, "mentries": entries, "mcommitIndex": commit,
            "msource": source, "mdest": dest}


def ae_response(term, success, match, source, dest) -> dict:
    return {"mtype": "AppendEntriesResponse", "mterm": term, "msuccess": success,
            "mmatchIndex": match, "msource": source, "mdest": dest}


def receive(m: dict) -> dict:
    return {"type": "Receive", "m": m}


def key(m: dict) -> str:
    return json.dumps(m, sort_keys=True)


class NodeTest(unittest.TestCase):
    args: tuple = ()

    def setUp(self):
        self.node = Node(*self.args)

    def tearDown(self):
        if self.node.proc.poll() is None:
            self.node.close()

    def enabled(self, reply: dict) -> dict:
        self.assertEqual(reply["type"], "step_ok", reply)
        self.assertIs(reply["enabled"], True, reply)
        return reply

    def not_enabled(self, reply: dict) -> None:
        self.assertEqual(reply, {"type": "step_ok", "in_reply_to": reply["in_reply_to"],
                                 "enabled": False})

    def error(self, reply: dict, code: str) -> None:
        self.assertEqual(reply["type"], "error", reply)
        self.assertEqual(reply["code"], code, reply)
        self.assertIsInstance(reply["text"], str)

    def assert_sent(self, reply: dict, expected: list) -> None:
        """The messages sent, as a bag: their order does not matter."""
        self.assertEqual(sorted(map(key, reply["sent"])), sorted(map(key, expected)))


class TestSession(NodeTest):
    """The session of docs/driver.md and the rest of an election, step by step."""

    def test_example_session(self):
        n = self.node
        self.assertEqual(n.init(["s1", "s2"]), {"type": "init_ok", "in_reply_to": 1,
                                                "name": "raft-py"})
        initial = n.request({"type": "initial", "node": "s1"})
        self.assertEqual(initial, {"type": "initial_ok", "in_reply_to": 2,
                                   "state": state(["s1", "s2"])})
        after = self.enabled(n.step("s1", initial["state"], {"type": "Timeout"}))
        self.assertEqual(after["state"], state(["s1", "s2"], currentTerm=1, votedFor="s1",
                                               state="Candidate", votesGranted=["s1"]))
        self.assertEqual(after["sent"], [rv_request(1, "s1", "s2")])
        self.not_enabled(n.step("s1", after["state"], {"type": "BecomeLeader"}))
        self.error(n.request({"type": "snapshot", "node": "s1"}), "unknown-request")
        self.assertEqual(n.close(), 0)

    def test_timeout(self):
        n = self.node
        n.init()
        s = state(currentTerm=1, log=[entry(1)], state="Candidate", votedFor="s1",
                  votesGranted=["s1", "s3"])
        after = self.enabled(n.step("s2", s, {"type": "Timeout"}))
        self.assertEqual(after["state"], {**s, "currentTerm": 2, "votedFor": "s2",
                                          "votesGranted": ["s2"]})
        self.assert_sent(after, [rv_request(2, "s2", "s1", 1, 1), rv_request(2, "s2", "s3", 1, 1)])
        self.not_enabled(n.step("s2", state(currentTerm=1, state="Leader"), {"type": "Timeout"}))

    def test_election(self):
        n = self.node
        n.init()
        s1 = self.enabled(n.step("s1", state(), {"type": "Timeout"}))["state"]
        # s2 grants its vote, adopting the term.
        voted = self.enabled(n.step("s2", state(), receive(rv_request(1, "s1", "s2"))))
        self.assertEqual(voted["state"], state(currentTerm=1, votedFor="s1"))
        self.assertEqual(voted["sent"], [rv_response(1, True, "s2", "s1")])
        # The same request again: the vote for s1 still stands.
        again = self.enabled(n.step("s2", voted["state"], receive(rv_request(1, "s1", "s2"))))
        self.assertEqual(again["sent"], [rv_response(1, True, "s2", "s1")])
        # Another candidate of the same term: no second vote.
        other = self.enabled(n.step("s2", voted["state"], receive(rv_request(1, "s3", "s2"))))
        self.assertEqual(other["state"], voted["state"])
        self.assertEqual(other["sent"], [rv_response(1, False, "s2", "s3")])
        # A candidate whose log is behind: refused, though the term is adopted.
        behind = self.enabled(n.step("s2", state(currentTerm=1, log=[entry(1)]),
                                     receive(rv_request(2, "s3", "s2"))))
        self.assertEqual(behind["state"], state(currentTerm=2, log=[entry(1)]))
        self.assertEqual(behind["sent"], [rv_response(2, False, "s2", "s3")])
        # An older term: refused, with the server's term.
        old = self.enabled(n.step("s2", state(currentTerm=3), receive(rv_request(2, "s3", "s2"))))
        self.assertEqual(old["sent"], [rv_response(3, False, "s2", "s3")])

        # BecomeLeader is not enabled with s1's own vote only (1 of 3).
        self.not_enabled(n.step("s1", s1, {"type": "BecomeLeader"}))
        counted = self.enabled(n.step("s1", s1, receive(rv_response(1, True, "s2", "s1"))))
        self.assertEqual(counted["state"], {**s1, "votesGranted": ["s1", "s2"]})
        self.assertEqual(counted["sent"], [])
        # A refusal, or a vote of an older term, counts for nothing.
        refused = self.enabled(n.step("s1", s1, receive(rv_response(1, False, "s3", "s1"))))
        self.assertEqual(refused["state"], s1)
        stale = self.enabled(n.step("s1", {**s1, "currentTerm": 2},
                                    receive(rv_response(1, True, "s3", "s1"))))
        self.assertEqual(stale["state"]["votesGranted"], ["s1"])
        # A newer term: s1 follows, with no vote, and does not count it.
        newer = self.enabled(n.step("s1", s1, receive(rv_response(2, True, "s3", "s1"))))
        self.assertEqual(newer["state"], {**s1, "currentTerm": 2, "votedFor": None,
                                          "state": "Follower"})
        # With s2's vote, a quorum: s1 leads, nextIndex past its log, for every server.
        leader = self.enabled(n.step("s1", {**counted["state"], "log": [entry(1)],
                                            "matchIndex": {"s1": 3, "s2": 3, "s3": 3}},
                                     {"type": "BecomeLeader"}))
        self.assertEqual(leader["state"], {**counted["state"], "log": [entry(1)],
                                           "state": "Leader",
                                           "nextIndex": {"s1": 2, "s2": 2, "s3": 2},
                                           "matchIndex": {"s1": 0, "s2": 0, "s3": 0}})
        self.assertEqual(leader["sent"], [])
        self.not_enabled(n.step("s1", {**counted["state"], "state": "Follower"},
                                {"type": "BecomeLeader"}))

    def test_client_request(self):
        n = self.node
        n.init()
        s = state(currentTerm=2, state="Leader", log=[entry(1)])
        after = self.enabled(n.step("s1", s, {"type": "ClientRequest", "v": "v2"}))
        self.assertEqual(after["state"], {**s, "log": [entry(1), entry(2, "v2")]})
        self.assertEqual(after["sent"], [])
        self.not_enabled(n.step("s1", state(state="Candidate"),
                                {"type": "ClientRequest", "v": "v2"}))

    def test_append_entries_max_entries_2(self):
        n = self.node
        n.init(max_entries=2)
        log = [entry(1), entry(2, "v2"), entry(2, "v3"), entry(3)]
        s = state(currentTerm=3, state="Leader", log=log, commitIndex=3,
                  nextIndex={"s1": 5, "s2": 1, "s3": 3})
        # From nextIndex 1: entries 1 and 2, no entry before, the commit index cut to 2.
        to_s2 = self.enabled(n.step("s1", s, {"type": "AppendEntries", "j": "s2"}))
        self.assertEqual(to_s2["state"], s)
        self.assertEqual(to_s2["sent"], [ae_request(3, "s1", "s2", 0, 0, log[0:2], 2)])
        # From nextIndex 3: entries 3 and 4, after entry 2 of term 2, commit index 3.
        to_s3 = self.enabled(n.step("s1", s, {"type": "AppendEntries", "j": "s3"}))
        self.assertEqual(to_s3["sent"], [ae_request(3, "s1", "s3", 2, 2, log[2:4], 3)])
        # Past the end of the log: a heartbeat.
        beat = self.enabled(n.step("s1", {**s, "nextIndex": {"s1": 5, "s2": 5, "s3": 5}},
                                   {"type": "AppendEntries", "j": "s2"}))
        self.assertEqual(beat["sent"], [ae_request(3, "s1", "s2", 4, 3, [], 3)])
        # Not to itself, and not unless it leads.
        self.not_enabled(n.step("s1", s, {"type": "AppendEntries", "j": "s1"}))
        self.not_enabled(n.step("s1", {**s, "state": "Candidate"},
                                {"type": "AppendEntries", "j": "s2"}))

    def test_append_entries_max_entries_1(self):
        n = self.node
        n.init(max_entries=1)
        log = [entry(1), entry(2, "v2")]
        s = state(currentTerm=2, state="Leader", log=log, commitIndex=2,
                  nextIndex={"s1": 3, "s2": 1, "s3": 3})
        reply = self.enabled(n.step("s1", s, {"type": "AppendEntries", "j": "s2"}))
        self.assertEqual(reply["sent"], [ae_request(2, "s1", "s2", 0, 0, log[0:1], 1)])

    def test_handle_append_entries_request(self):
        n = self.node
        n.init()
        # A conflicting entry goes, with all that follow it; the commit index follows.
        s = state(currentTerm=1, log=[entry(1), entry(1, "v2"), entry(1, "v3")], commitIndex=1)
        m = ae_request(2, "s1", "s2", 1, 1, [entry(2, "v9")], 2)
        after = self.enabled(n.step("s2", s, receive(m)))
        self.assertEqual(after["state"], {**s, "currentTerm": 2,
                                          "log": [entry(1), entry(2, "v9")], "commitIndex": 2})
        self.assertEqual(after["sent"], [ae_response(2, True, 2, "s2", "s1")])
        # Entries already held, with their terms, are kept, and so is what follows them.
        held = self.enabled(n.step("s2", {**s, "currentTerm": 2},
                                   receive(ae_request(2, "s1", "s2", 0, 0, [entry(1)], 3))))
        self.assertEqual(held["state"], {**s, "currentTerm": 2})
        self.assertEqual(held["sent"], [ae_response(2, True, 1, "s2", "s1")])
        # commitIndex: Max(commitIndex, Min(mcommitIndex, lastNew)), never back.
        self.assertEqual(held["state"]["commitIndex"], 1)
        # A heartbeat keeps the log; mmatchIndex is mprevLogIndex.
        beat = self.enabled(n.step("s2", {**s, "currentTerm": 2},
                                   receive(ae_request(2, "s1", "s2", 2, 1, [], 3))))
        self.assertEqual(beat["state"], {**s, "currentTerm": 2, "commitIndex": 2})
        self.assertEqual(beat["sent"], [ae_response(2, True, 2, "s2", "s1")])
        # Log Matching fails (term at mprevLogIndex differs, or the log is too short).
        for prev_index, prev_term in ((2, 2), (4, 1)):
            bad = self.enabled(n.step("s2", s, receive(
                ae_request(2, "s1", "s2", prev_index, prev_term, [entry(2)], 2))))
            self.assertEqual(bad["state"], {**s, "currentTerm": 2})
            self.assertEqual(bad["sent"], [ae_response(2, False, 0, "s2", "s1")])
        # An older term: refused, nothing changes.
        old = self.enabled(n.step("s2", {**s, "currentTerm": 3, "state": "Candidate"},
                                  receive(m)))
        self.assertEqual(old["state"], {**s, "currentTerm": 3, "state": "Candidate"})
        self.assertEqual(old["sent"], [ae_response(3, False, 0, "s2", "s1")])
        # A candidate of the same term follows the leader and keeps its vote.
        cand = state(currentTerm=2, state="Candidate", votedFor="s2", votesGranted=["s2"])
        gave_up = self.enabled(n.step("s2", cand, receive(
            ae_request(2, "s1", "s2", 0, 0, [], 0))))
        self.assertEqual(gave_up["state"], {**cand, "state": "Follower"})
        # A newer term: its vote is gone.
        newer = self.enabled(n.step("s2", cand, receive(ae_request(3, "s1", "s2", 0, 0, [], 0))))
        self.assertEqual(newer["state"], {**cand, "currentTerm": 3, "state": "Follower",
                                          "votedFor": None})

    def test_handle_append_entries_response(self):
        n = self.node
        n.init()
        s = state(currentTerm=2, state="Leader", log=[entry(1), entry(2)],
                  nextIndex={"s1": 3, "s2": 3, "s3": 3}, matchIndex={"s1": 0, "s2": 1, "s3": 0})
        ok = self.enabled(n.step("s1", s, receive(ae_response(2, True, 2, "s2", "s1"))))
        self.assertEqual(ok["state"], {**s, "nextIndex": {"s1": 3, "s2": 3, "s3": 3},
                                       "matchIndex": {"s1": 0, "s2": 2, "s3": 0}})
        # matchIndex never goes back; nextIndex follows the answer.
        late = self.enabled(n.step("s1", s, receive(ae_response(2, True, 0, "s2", "s1"))))
        self.assertEqual(late["state"], {**s, "nextIndex": {"s1": 3, "s2": 1, "s3": 3}})
        # A refusal: one entry back, not below 1.
        no = self.enabled(n.step("s1", s, receive(ae_response(2, False, 0, "s3", "s1"))))
        self.assertEqual(no["state"], {**s, "nextIndex": {"s1": 3, "s2": 3, "s3": 2}})
        floor = {**s, "nextIndex": {"s1": 3, "s2": 3, "s3": 1}}
        no = self.enabled(n.step("s1", floor, receive(ae_response(2, False, 0, "s3", "s1"))))
        self.assertEqual(no["state"], floor)
        # An older term is ignored; a newer one makes the leader a follower, unchanged indexes.
        old = self.enabled(n.step("s1", s, receive(ae_response(1, True, 2, "s2", "s1"))))
        self.assertEqual(old["state"], s)
        newer = self.enabled(n.step("s1", s, receive(ae_response(3, False, 0, "s2", "s1"))))
        self.assertEqual(newer["state"], {**s, "currentTerm": 3, "state": "Follower"})
        self.assertEqual(newer["sent"], [])

    def test_advance_commit_index(self):
        n = self.node
        n.init()
        log = [entry(1), entry(2), entry(2)]
        s = state(currentTerm=2, state="Leader", log=log, commitIndex=0,
                  matchIndex={"s1": 0, "s2": 2, "s3": 1})
        # s1 and s2 hold entry 2, of the leader's term: entries 1 and 2 are committed.
        after = self.enabled(n.step("s1", s, {"type": "AdvanceCommitIndex"}))
        self.assertEqual(after["state"], {**s, "commitIndex": 2})
        self.assertEqual(after["sent"], [])
        # Nothing new to commit: not enabled.
        self.not_enabled(n.step("s1", after["state"], {"type": "AdvanceCommitIndex"}))
        # Entry 1 is of an older term: a quorum holding only it commits nothing.
        self.not_enabled(n.step("s1", {**s, "matchIndex": {"s1": 0, "s2": 1, "s3": 1}},
                                {"type": "AdvanceCommitIndex"}))
        self.not_enabled(n.step("s1", {**s, "state": "Follower"}, {"type": "AdvanceCommitIndex"}))

    def test_restart(self):
        n = self.node
        n.init()
        s = state(currentTerm=2, votedFor="s1", log=[entry(1)], state="Leader", commitIndex=1,
                  votesGranted=["s1", "s2"], nextIndex={"s1": 2, "s2": 2, "s3": 1},
                  matchIndex={"s1": 0, "s2": 1, "s3": 0})
        after = self.enabled(n.step("s1", s, {"type": "Restart"}))
        self.assertEqual(after["state"], state(currentTerm=2, votedFor="s1", log=[entry(1)]))
        self.assertEqual(after["sent"], [])

    def test_ignores_unknown_fields_and_answers_alike(self):
        n = self.node
        n.init()
        s = {**state(), "extra": 1, "log": [{"term": 1, "value": "v1", "x": True}]}
        r1 = n.step("s1", s, {"type": "Timeout", "note": "x"})
        r2 = n.step("s1", s, {"type": "Timeout"})
        self.assertEqual(r1["state"], r2["state"])
        self.assertEqual(r1["state"]["log"], [entry(1)])
        self.assertEqual(r1["sent"], r2["sent"])


class TestBadInput(NodeTest):
    def test_errors(self):
        n = self.node
        self.error(n.request({"type": "initial", "node": "s1"}), "malformed-request")  # no init
        self.error(n.request({"type": "init", "protocol": "paxos", "node_ids": S3,
                              "constants": {"MaxEntries": 1}}), "unsupported")
        self.error(n.request({"type": "init", "protocol": "raft", "node_ids": S3}),
                   "malformed-request")
        n.init()
        self.error(n.request({"type": "snapshot", "node": "s1"}), "unknown-request")
        self.error(n.request({"node": "s1"}), "malformed-request")
        self.error(n.request({"type": "initial"}), "malformed-request")
        self.error(n.request({"type": "initial", "node": "s9"}), "malformed-request")
        good = state()
        malformed = [
            {"node": "s1", "event": {"type": "Timeout"}},
            {"node": "s1", "state": good},
            {"node": "s1", "state": good, "event": {"type": "Elect"}},
            {"node": "s1", "state": good, "event": {}},
            {"node": "s1", "state": good, "event": {"type": "AppendEntries"}},
            {"node": "s1", "state": good, "event": {"type": "AppendEntries", "j": "s9"}},
            {"node": "s1", "state": good, "event": {"type": "ClientRequest"}},
            {"node": "s1", "state": good, "event": {"type": "Receive"}},
            {"node": "s1", "state": good, "event": receive({"mtype": "Hello"})},
            {"node": "s1", "state": good,
             "event": receive({k: v for k, v in rv_request(1, "s2", "s1").items()
                               if k != "mlastLogTerm"})},
            {"node": "s1", "state": good, "event": receive(rv_request(1, "s9", "s1"))},
            {"node": "s1", "state": good, "event": receive(rv_request(1, "s2", "s3"))},
            {"node": "s1", "state": good, "event": receive(rv_response(1, "yes", "s2", "s1"))},
            {"node": "s1", "state": good,
             "event": receive(ae_request(1, "s2", "s1", 0, 0, [{"term": 1}], 0))},
            {"node": "s1", "state": {**good, "currentTerm": -1}, "event": {"type": "Timeout"}},
            {"node": "s1", "state": {**good, "currentTerm": "1"}, "event": {"type": "Timeout"}},
            {"node": "s1", "state": {**good, "currentTerm": True}, "event": {"type": "Timeout"}},
            {"node": "s1", "state": {**good, "state": "Boss"}, "event": {"type": "Timeout"}},
            {"node": "s1", "state": {**good, "votedFor": "s9"}, "event": {"type": "Timeout"}},
            {"node": "s1", "state": {**good, "votesGranted": ["s9"]}, "event": {"type": "Timeout"}},
            {"node": "s1", "state": {**good, "log": [{"value": "v1"}]}, "event": {"type": "Timeout"}},
            {"node": "s1", "state": {**good, "nextIndex": {"s1": 1, "s2": 1}},
             "event": {"type": "Timeout"}},
            {"node": "s1", "state": {**good, "nextIndex": {"s1": 1, "s2": 1, "s3": 1, "s4": 1}},
             "event": {"type": "Timeout"}},
            {"node": "s1", "state": {**good, "nextIndex": {"s1": 0, "s2": 1, "s3": 1}},
             "event": {"type": "Timeout"}},
            {"node": "s1", "state": [], "event": {"type": "Timeout"}},
        ]
        for req in malformed:
            with self.subTest(req=req):
                self.error(n.request({"type": "step", **req}), "malformed-request")
        for line in ("not json", "[1, 2]", "\"step\"", "{\"type\": \"step\", \"msg_id\": 1,"):
            with self.subTest(line=line):
                reply = n.raw(line)
                self.error(reply, "malformed-request")
                self.assertIsNone(reply["in_reply_to"])
        # After all that, it still answers.
        self.enabled(n.step("s1", good, {"type": "Timeout"}))
        self.assertEqual(n.close(), 0)

    def test_end_of_input(self):
        self.assertEqual(self.node.close(), 0)


class TestCommandLine(unittest.TestCase):
    def run_node(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, NODE, *args], input="", capture_output=True,
                              text=True, timeout=10)

    def test_help_lists_the_bugs(self):
        done = self.run_node("--help")
        self.assertEqual(done.returncode, 0)
        for name in ("vote-twice", "no-log-check"):
            self.assertIn(name, done.stdout)

    def test_unknown_bug(self):
        done = self.run_node("--bug", "no-such-bug")
        self.assertEqual(done.returncode, 2)
        self.assertEqual(done.stdout, "")
        self.assertEqual(len(done.stderr.splitlines()), 1, done.stderr)


class TestBugVoteTwice(NodeTest):
    args = ("--bug", "vote-twice")

    def test_second_vote_in_a_term(self):
        n = self.node
        n.init()
        self.assertIn("vote-twice", n.init()["name"])
        voted = state(currentTerm=1, votedFor="s1")
        # The restart forgets the vote for s1 (the correct node keeps it)...
        restarted = self.enabled(n.step("s2", voted, {"type": "Restart"}))
        self.assertEqual(restarted["state"], state(currentTerm=1, votedFor=None))
        # ...so s2 votes for s3 in term 1 too.
        second = self.enabled(n.step("s2", restarted["state"], receive(rv_request(1, "s3", "s2"))))
        self.assertEqual(second["sent"], [rv_response(1, True, "s2", "s3")])

    def test_correct_node_keeps_the_vote(self):
        correct = Node()
        try:
            correct.init()
            restarted = correct.step("s2", state(currentTerm=1, votedFor="s1"), {"type": "Restart"})
            self.assertEqual(restarted["state"]["votedFor"], "s1")
            second = correct.step("s2", restarted["state"], receive(rv_request(1, "s3", "s2")))
            self.assertEqual(second["sent"], [rv_response(1, False, "s2", "s3")])
        finally:
            correct.close()


class TestBugNoLogCheck(NodeTest):
    args = ("--bug", "no-log-check")

    def test_votes_for_a_log_behind(self):
        n = self.node
        n.init()
        s = state(currentTerm=1, log=[entry(1)])
        behind = rv_request(2, "s3", "s2", last_log_term=0, last_log_index=0)
        reply = self.enabled(n.step("s2", s, receive(behind)))
        self.assertEqual(reply["state"], state(currentTerm=2, votedFor="s3", log=[entry(1)]))
        self.assertEqual(reply["sent"], [rv_response(2, True, "s2", "s3")])
        correct = Node()
        try:
            correct.init()
            right = correct.step("s2", s, receive(behind))
            self.assertEqual(right["sent"], [rv_response(2, False, "s2", "s3")])
        finally:
            correct.close()

    def test_still_votes_once(self):
        n = self.node
        n.init()
        reply = self.enabled(n.step("s2", state(currentTerm=1, votedFor="s1"),
                                    receive(rv_request(1, "s3", "s2"))))
        self.assertEqual(reply["sent"], [rv_response(1, False, "s2", "s3")])


# ---------------------------------------------------------------------------
# TLC's own behaviours: traces/raft/ holds behaviours of Raft.tla that TLC drew
# (in ITF, with the action and its parameters); each step of a server must be
# what the node does from the state before it.
# ---------------------------------------------------------------------------

def itf(value):
    """An ITF value as the driver protocol writes it."""
    if isinstance(value, dict):
        if "#unserializable" in value:
            name = value["#unserializable"]
            return None if name == "Nil" else name
        if "#map" in value:
            return {json.dumps(itf(k)) if not isinstance(itf(k), str) else itf(k): itf(v)
                    for k, v in value["#map"]}
        if "#set" in value:
            return sorted((itf(v) for v in value["#set"]), key=json.dumps)
        if "#tup" in value:
            return [itf(v) for v in value["#tup"]]
        if "#bigint" in value:
            return int(value["#bigint"])
        return {k: itf(v) for k, v in value.items() if k != "#meta"}
    if isinstance(value, list):
        return [itf(v) for v in value]
    return value


def bag(itf_messages) -> Counter:
    if itf_messages == []:  # TLC writes the empty bag, [m \in {} |-> 0], as <<>>
        return Counter()
    return Counter({key(itf(m)): n for m, n in itf_messages["#map"]})


VARIABLES = ("currentTerm", "votedFor", "log", "state", "commitIndex", "votesGranted",
             "nextIndex", "matchIndex")
HANDLED = {"HandleRequestVoteRequest": "RequestVoteRequest",
           "HandleRequestVoteResponse": "RequestVoteResponse",
           "HandleAppendEntriesRequest": "AppendEntriesRequest",
           "HandleAppendEntriesResponse": "AppendEntriesResponse"}
NETWORK = ("DropMessage", "DuplicateMessage")


def trace_files() -> list:
    return sorted(glob.glob(os.path.join(REPO, "traces", "raft", "*", "*.itf.json*")))


def load(path: str) -> dict:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return json.load(f)


@unittest.skipUnless(trace_files(), "no TLC traces in traces/raft/")
class TestTLCTraces(unittest.TestCase):
    def test_every_step_of_every_trace(self):
        node = Node()
        steps = Counter()
        try:
            for path in trace_files():
                trace = load(path)
                states = trace["states"]
                servers = sorted(itf(states[0]["currentTerm"]))
                # Every model of traces/raft/ binds MaxEntries to 1.
                node.init(servers, 1)
                for s in servers:
                    initial = node.request({"type": "initial", "node": s})
                    self.assertEqual(initial["state"], server_state(states[0], s))
                for k in range(1, len(states)):
                    where = f"{os.path.relpath(path, REPO)} step {k}"
                    steps[replay_step(self, node, states[k - 1], states[k], where)] += 1
        finally:
            node.close()
        # The traces must have exercised the node: at least one step of each kind here.
        for action in ("Timeout", "HandleRequestVoteRequest", "HandleRequestVoteResponse",
                       "BecomeLeader", "ClientRequest", "AppendEntries",
                       "HandleAppendEntriesRequest", "HandleAppendEntriesResponse", "Restart"):
            self.assertGreater(steps[action], 0, action)


def server_state(itf_state: dict, s: str) -> dict:
    out = {v: itf(itf_state[v])[s] for v in VARIABLES}
    return out


def replay_step(test: unittest.TestCase, node: Node, before: dict, after: dict,
                where: str) -> str:
    action = after["lastAction"]["name"]
    params = itf(after["lastAction"]["params"])
    if action in NETWORK:
        return action
    i = params["i"]
    if action in HANDLED:
        # The message the step took: one of i's from j, with one copy fewer after it.
        old, new = bag(before["messages"]), bag(after["messages"])
        taken = [m for m in old if new[m] < old[m]
                 and json.loads(m)["mtype"] == HANDLED[action]
                 and json.loads(m)["msource"] == params["j"] and json.loads(m)["mdest"] == i]
        test.assertEqual(len(taken), 1, where)
        event = receive(json.loads(taken[0]))
    elif action == "ClientRequest":
        event = {"type": action, "v": params["v"]}
    elif action == "AppendEntries":
        event = {"type": action, "j": params["j"]}
    else:
        event = {"type": action}
    reply = node.step(i, server_state(before, i), event)
    test.assertEqual(reply.get("enabled"), True, f"{where}: {action} {reply}")
    test.assertEqual(reply["state"], server_state(after, i), f"{where}: {action}")
    # What the step sent is what the network gained, less what the step took.
    gained = bag(after["messages"])
    gained.subtract(bag(before["messages"]))
    if action in HANDLED:
        gained[key(event["m"])] += 1
    gained = +gained
    test.assertEqual(Counter(map(key, reply["sent"])), gained, f"{where}: {action}")
    # The other servers do not move.
    for j in itf(before["currentTerm"]):
        if j != i:
            test.assertEqual(server_state(before, j), server_state(after, j), where)
    return action


if __name__ == "__main__":
    unittest.main()
