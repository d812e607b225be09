// The driver (docs/driver.md): Raft's wire is Raft.tla's terms and reads back what it writes; an
// implementation that breaks the protocol stops the check with one line that says how; a module
// that does not have the reducer's interface is refused.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { loadImplementation } from '../../src/impl/implementation.ts';
import { createRaftModel } from '../../src/raft/index.ts';
import { eventToWire, messageToWire, raftDriverHandler, raftReducerOf, readRaftWire, stateToWire } from '../../src/raft/implementation.ts';
import { answerLine } from '../../src/impl/serve.ts';
import type { Json } from '../../src/impl/driver.ts';
import { RAFT_RULES } from '../../src/raft/node.ts';
import type { RaftConfig } from '../../src/raft/node.ts';
import type { RaftEvent, RaftMessage, RaftNode } from '../../src/raft/types.ts';
import { int, modelValue, set } from '../../src/core/tla/value.ts';
import type { TlaValue } from '../../src/core/tla/value.ts';

const servers = ['s1', 's2', 's3'];
const cfg: RaftConfig = { servers, maxEntries: 2, rules: RAFT_RULES };
const server = fc.constantFrom(...servers);
const entry = fc.record({ term: fc.nat(9), value: fc.constantFrom('v1', 'v2', 'noop') });
const perServer = fc.record({ s1: fc.nat(9), s2: fc.nat(9), s3: fc.nat(9) });
const node: fc.Arbitrary<RaftNode> = fc.record({
  id: server,
  currentTerm: fc.nat(20),
  votedFor: fc.option(server, { nil: null }),
  log: fc.array(entry, { maxLength: 5 }),
  role: fc.constantFrom('Follower', 'Candidate', 'Leader'),
  commitIndex: fc.nat(5),
  votesGranted: fc.uniqueArray(server).map((v) => v.sort()),
  nextIndex: perServer,
  matchIndex: perServer,
});
const ends = { source: server, dest: server, term: fc.nat(20) };
const message: fc.Arbitrary<RaftMessage> = fc.oneof(
  fc.record({ type: fc.constant('RequestVoteRequest' as const), ...ends, lastLogTerm: fc.nat(9), lastLogIndex: fc.nat(9) }),
  fc.record({ type: fc.constant('RequestVoteResponse' as const), ...ends, voteGranted: fc.boolean() }),
  fc.record({ type: fc.constant('AppendEntriesRequest' as const), ...ends, prevLogIndex: fc.nat(9), prevLogTerm: fc.nat(9), entries: fc.array(entry, { maxLength: 2 }), commitIndex: fc.nat(9) }),
  fc.record({ type: fc.constant('AppendEntriesResponse' as const), ...ends, success: fc.boolean(), matchIndex: fc.nat(9) }),
);

const fail = (what: string): never => {
  throw new UserError(what);
};

describe("Raft's wire", () => {
  it('reads back every state and message it writes', () => {
    fc.assert(
      fc.property(node, message, (n, m) => {
        const wire = readRaftWire(cfg, fail);
        expect(wire.state(JSON.parse(JSON.stringify(stateToWire(n))), n.id)).toEqual(n);
        expect(wire.message(JSON.parse(JSON.stringify(messageToWire(m))), 'm')).toEqual(m);
        expect(JSON.parse(JSON.stringify(eventToWire({ type: 'Receive', message: m })))).toEqual({ type: 'Receive', m: messageToWire(m) });
      }),
    );
  });

  it('names the field of a state that is not Raft.tla’s, and never crashes on one', () => {
    expect(() => readRaftWire(cfg, fail).state({ ...stateToWire({ id: 's1', currentTerm: 1, votedFor: null, log: [], role: 'Follower', commitIndex: 0, votesGranted: [], nextIndex: { s1: 1, s2: 1, s3: 1 }, matchIndex: { s1: 0, s2: 0, s3: 0 } }), votedFor: 's9' }, 's1')).toThrow(
      /state\.votedFor is "s9", not one of the servers s1, s2, s3/,
    );
    fc.assert(
      fc.property(node, fc.constantFrom('currentTerm', 'votedFor', 'log', 'state', 'commitIndex', 'votesGranted', 'nextIndex', 'matchIndex'), fc.jsonValue(), (n, field, junk) => {
        const corrupted = { ...stateToWire(n), [field]: junk };
        try {
          readRaftWire(cfg, fail).state(corrupted as never, n.id);
        } catch (e) {
          expect(e).toBeInstanceOf(UserError);
          expect((e as Error).message).toMatch(/^state/);
        }
      }),
    );
  });
});

/** The Raft model of two servers, one term, driving `impl`: its initial state and successors. */
async function drive(impl: string) {
  const implementation = await loadImplementation(impl, { timeoutSeconds: 2 });
  const constants = new Map<string, TlaValue>([
    ['Server', set([modelValue('s1'), modelValue('s2')])],
    ['Value', set([modelValue('v1')])],
    ['Nil', modelValue('Nil')],
    ['MaxEntries', int(1)],
    ['Candidates', set([modelValue('s1')])],
    ['MaxTerm', int(1)],
    ['MaxLogLength', int(1)],
    ['MaxCopies', int(1)],
    ['MaxInFlight', int(2)],
  ]);
  const model = createRaftModel(constants, { implementation });
  return model.successors(model.initialStates[0]);
}

describe('an implementation that breaks the driver protocol', () => {
  const command = (mode: string) => `node test/impl/fixtures/misbehaving.mjs ${mode}`;
  const cases: [string, RegExp][] = [
    ['not-json', /wrote a line that is not JSON: stepping now \(its logs belong on stderr\)/],
    ['wrong-id', /is not in_reply_to \d+/],
    ['exit', /exited with code 3; its last error line: panic: index out of range/],
    ['error', /replied error internal: no leader yet/],
    ['silent', /no reply within 2 s \(--impl-timeout SECONDS gives it longer\)/],
    ['no-enabled', /step_ok has no boolean "enabled"/],
    ['bad-message', /its reply is not Raft\.tla's: sent\[0\]\.mtype is "Gossip"/],
    ['bad-initial', /state\.state is "Boss", not "Follower", "Candidate" or "Leader"/],
  ];
  for (const [mode, message] of cases) {
    it(`${mode}: one line naming the implementation, the request and what was wrong`, async () => {
      const error = await drive(command(mode)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).toMatch(new RegExp(`^--impl node test/impl/fixtures/misbehaving\\.mjs ${mode}: .*${message.source}`));
    });
  }

  it('a command that cannot be run', async () => {
    await expect(drive('no-such-command-here --flag')).rejects.toThrow(/--impl no-such-command-here --flag: the implementation exited with code 127; its last error line: .*not found/);
  });

  it('a module without the reducer interface, and one that throws', async () => {
    await expect(drive('test/impl/fixtures/not-a-reducer.ts')).rejects.toThrow(/it does not export step\(cfg, node, event\); see docs\/exercises\/raft-reducer\.md/);
    await expect(drive('test/impl/fixtures/throwing-reducer.ts')).rejects.toThrow(/^--impl test\/impl\/fixtures\/throwing-reducer\.ts: step\(Timeout at s1\) threw Cannot read properties of undefined \(reading 'term'\)$/);
    await expect(loadImplementation('./no/such/reducer.ts')).rejects.toThrow(/no such module/);
  });
});

describe('the reducer an implementation stands for', () => {
  it('asks each distinct question once', async () => {
    let asked = 0;
    const counting = { kind: 'module' as const, label: 'counting', path: '', exports: { step: (c: RaftConfig, n: RaftNode) => (asked++, n.role === 'Leader' ? undefined : { node: n, sent: [] }) } };
    const reducer = raftReducerOf(counting, cfg, []);
    const n = reducer.initialNode(cfg, 's1');
    for (let k = 0; k < 3; k++) reducer.step(cfg, n, { type: 'Timeout' });
    reducer.step(cfg, n, { type: 'BecomeLeader' });
    expect(asked).toBe(2);
  });
});

describe('the schema (docs/schemas/driver.schema.json)', () => {
  it("names exactly the events and messages the wire writes", async () => {
    const { readFileSync } = await import('node:fs');
    const schema = JSON.parse(readFileSync('docs/schemas/driver.schema.json', 'utf8'));
    const events = fc.sample(fc.oneof(message.map((m) => ({ type: 'Receive' as const, message: m })), fc.constantFrom<RaftEvent>({ type: 'Timeout' }, { type: 'BecomeLeader' }, { type: 'ClientRequest', value: 'v1' }, { type: 'AppendEntries', to: 's2' }, { type: 'AdvanceCommitIndex' }, { type: 'Restart' })), 300);
    expect(new Set(events.map((e) => eventToWire(e).type))).toEqual(new Set(schema.$defs.raftEvent.properties.type.enum));
    const messages = fc.sample(message, 300).map(messageToWire);
    expect(new Set(messages.map((m) => m.mtype))).toEqual(new Set(schema.$defs.raftMessage.properties.mtype.enum));
    const fields = new Set(messages.flatMap((m) => Object.keys(m)));
    expect(fields).toEqual(new Set(Object.keys(schema.$defs.raftMessage.properties)));
    expect(new Set(Object.keys(stateToWire(fc.sample(node, 1)[0])))).toEqual(new Set(schema.$defs.raftState.required));
  });
});

describe('ours behind the driver protocol (consensus-lab driver raft)', () => {
  const handle = raftDriverHandler();
  const ask = (x: unknown) => answerLine(handle, typeof x === 'string' ? x : JSON.stringify(x));
  it('answers as docs/driver.md says, and every bad request with its error code', () => {
    expect(ask({ type: 'initial', msg_id: 1, node: 's1' })).toMatchObject({ type: 'error', in_reply_to: 1, code: 'malformed-request', text: 'initial before init' });
    expect(ask({ type: 'init', msg_id: 2, protocol: 'paxos', node_ids: ['s1'] })).toMatchObject({ code: 'unsupported' });
    expect(ask({ type: 'init', msg_id: 3, protocol: 'raft', node_ids: servers, constants: { MaxEntries: 2 } })).toMatchObject({ type: 'init_ok', in_reply_to: 3 });
    const init = ask({ type: 'initial', msg_id: 4, node: 's2' });
    expect(init).toMatchObject({ type: 'initial_ok', state: { currentTerm: 0, votedFor: null, state: 'Follower' } });
    const timeout = ask({ type: 'step', msg_id: 5, node: 's2', state: init.state, event: { type: 'Timeout' } });
    expect(timeout).toMatchObject({ type: 'step_ok', enabled: true, state: { currentTerm: 1, state: 'Candidate', votesGranted: ['s2'] } });
    expect(timeout.sent).toHaveLength(2);
    expect(ask({ type: 'step', msg_id: 6, node: 's2', state: init.state, event: { type: 'BecomeLeader' } })).toEqual({ type: 'step_ok', in_reply_to: 6, enabled: false });
    expect(ask({ type: 'step', msg_id: 7, node: 's1', state: init.state, event: { type: 'Receive', m: (timeout.sent as Json[])[0] } })).toMatchObject({ type: 'step_ok', enabled: true, state: { votedFor: 's2' } });
    expect(ask({ type: 'step', msg_id: 8, node: 's9', state: init.state, event: { type: 'Timeout' } })).toMatchObject({ code: 'malformed-request', text: 'node "s9" is not one of init\'s node_ids' });
    expect(ask({ type: 'step', msg_id: 9, node: 's1', state: init.state, event: { type: 'Gossip' } })).toMatchObject({ code: 'malformed-request', text: 'no such event: "Gossip"' });
    expect(ask({ type: 'snapshot', msg_id: 10 })).toMatchObject({ code: 'unknown-request', in_reply_to: 10 });
    expect(ask('not json')).toMatchObject({ type: 'error', in_reply_to: null, code: 'malformed-request' });
  });

  it('never fails to reply, whatever the request', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)), fc.record({ type: fc.constantFrom('init', 'initial', 'step'), msg_id: fc.nat(), node: fc.jsonValue(), state: fc.jsonValue(), event: fc.jsonValue() }).map((v) => JSON.stringify(v))), (line) => {
        const reply = answerLine(handle, line);
        expect(['init_ok', 'initial_ok', 'step_ok', 'error']).toContain(reply.type);
        if (reply.type === 'error') expect(reply.code).not.toBe('internal');
      }),
    );
  });
});
