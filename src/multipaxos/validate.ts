// Multi-Paxos's event logs as specs/paxos/ValidateMultiPaxos.tla reads them: the Paxos family's
// generated module and model (src/paxos/validate.ts) with MultiPaxos.tla's roles, actions,
// messages and variables, its slots and its NoOp; and the explanation of a rejected line by
// replaying the log with the reducer.

import { int, str } from '../core/tla/value.ts';
import { ballotText } from '../paxos/ballot.ts';
import { asValue, ballotOrNone, familyReplay, logValues, paxosFamilyModel, receiptOr, roleSets, runRounds } from '../paxos/validate.ts';
import type { PaxosLog } from '../paxos/validate.ts';
import type { LoggedLine } from '../validate/log.ts';
import { explainByReplay, initConstants } from '../validate/trace.ts';
import type { TraceModel, TraceValidator } from '../validate/validate.ts';
import { NOOP, initialServer, multiPaxosLogState, multiPaxosReduce } from './host.ts';
import type { MultiPaxosServer, MultiPaxosServerEvent } from './host.ts';
import { MULTIPAXOS_RULES } from './node.ts';
import type { MultiPaxosConfig } from './node.ts';
import { messageToTla } from './tla.ts';
import type { MultiPaxosMessage } from './types.ts';

const count = (v: unknown) => int(Number(v));

const MULTIPAXOS_LOG: PaxosLog = {
  module: 'ValidateMultiPaxos.tla',
  spec: 'MultiPaxos.tla',
  roles: ['Proposer', 'Acceptor', 'Replica'],
  agents: { p: 'Proposer', a: 'Acceptor', r: 'Replica' },
  actions: {
    Phase1a: ['p'],
    HandlePrepare: ['a', 'p'],
    HandlePromise: ['p', 'a'],
    BecomeLeader: ['p'],
    Propose: ['p', 'c'],
    HandleAccept: ['a', 'p'],
    HandleAccepted: ['p', 'a'],
    HandleDecision: ['r', 'p'],
    Restart: ['a'],
    DropMessage: ['i', 'j'],
    DuplicateMessage: ['i', 'j'],
  },
  takes: ['HandlePrepare', 'HandlePromise', 'HandleAccept', 'HandleAccepted', 'HandleDecision', 'DropMessage'],
  messages: { Prepare: ['Proposer', 'Acceptor'], Promise: ['Acceptor', 'Proposer'], Accept: ['Proposer', 'Acceptor'], Accepted: ['Acceptor', 'Proposer'], Decision: ['Proposer', 'Replica'] },
  messageFields: { Prepare: ['ballot', 'from'], Promise: ['ballot', 'accepted'], Accept: ['ballot', 'slot', 'value'], Accepted: ['ballot', 'slot', 'value'], Decision: ['slot', 'value'] },
  valueParam: 'c',
  message: (m) => messageToTla(m as MultiPaxosMessage, (c) => str(asValue(c))),
  messageValues: (m) => {
    const x = m as MultiPaxosMessage;
    if (x.type === 'Promise') return Array.isArray(x.accepted) ? x.accepted.map((e) => e.val) : [];
    return x.type === 'Prepare' ? [] : [x.value];
  },
  state: {
    round: count,
    phase: (v) => str(String(v)),
    promiseCount: count,
    proposalCount: count,
    ackCount: count,
    promised: ballotOrNone,
    acceptedCount: count,
    logLength: count,
    pendingCount: count,
  },
};

/** The command that does nothing, as the log writes it (the Init line's NoOp). */
function noop(lines: readonly LoggedLine[]): string {
  const c = initConstants(lines).NoOp;
  return typeof c === 'string' ? c : NOOP;
}

/**
 * The largest slot: each Propose fills the slot after its proposer's last, and a new leader
 * proposes again only slots accepted before, so no slot is beyond the number of Propose lines
 * (nor the run's MaxSlot).
 */
function slotBound(lines: readonly LoggedLine[]): number {
  const most = Math.max(1, lines.filter((l) => l.event.action === 'Propose').length);
  const max = initConstants(lines).MaxSlot;
  return typeof max === 'number' ? Math.max(1, Math.min(max, most)) : most;
}

/** The run's configuration, for the reducer's replay: its rounds and slots, MaxRound and MaxSlot (else one more than the log reaches). */
function configOf(lines: readonly LoggedLine[]): MultiPaxosConfig {
  const roles = roleSets(MULTIPAXOS_LOG, lines);
  const max = initConstants(lines).MaxSlot;
  return {
    proposers: roles.get('Proposer')!,
    acceptors: roles.get('Acceptor')!,
    replicas: roles.get('Replica')!,
    rounds: runRounds(lines),
    slots: Array.from({ length: typeof max === 'number' ? max : slotBound(lines) + 1 }, (_, k) => k + 1),
    noop: noop(lines),
    rules: MULTIPAXOS_RULES,
  };
}

function showServer(n: MultiPaxosServer): string {
  const { proposer: p, acceptor: a, replica: r } = n;
  return [
    `round ${p.round}, phase ${p.phase}, promises from ${p.promises.map((x) => x.acceptor).join(', ') || 'none'}, ${p.proposals.length} proposals, ${p.acks.length} acks`,
    `promised ${a.promised === null ? 'None' : ballotText(a.promised)}, ${a.accepted.length} slots accepted`,
    `log of ${r.log.length}, pending slots ${r.pending.map((e) => e.slot).join(', ') || 'none'}`,
  ].join('; ');
}

export const multiPaxosTraceValidator: TraceValidator = {
  module: MULTIPAXOS_LOG.module,
  model(lines: readonly LoggedLine[], moduleName: string): TraceModel {
    const nop = noop(lines);
    const commands = logValues(MULTIPAXOS_LOG, lines).filter((c) => c !== nop);
    return paxosFamilyModel(MULTIPAXOS_LOG, lines, moduleName, {
      definitions: [`TraceCommand == {${commands.map((c) => str(c).key).join(', ')}}`, `TraceSlot == 1 .. ${slotBound(lines)}`, `TraceNoOp == ${str(nop).key}`],
      cfg: ['Command <- TraceCommand', 'Slot <- TraceSlot', 'NoOp <- TraceNoOp', 'AcceptedLog <- NotChecked'],
    });
  },

  explain(lines: readonly LoggedLine[], steps: readonly LoggedLine[], failing: number): string[] {
    const cfg = configOf(lines);
    const replay = familyReplay<MultiPaxosServer, MultiPaxosServerEvent>(
      MULTIPAXOS_LOG,
      [cfg.proposers, cfg.acceptors, cfg.replicas],
      initialServer,
      (node, ev) => multiPaxosReduce(cfg, node, ev),
      {
        event: (e) =>
          receiptOr<MultiPaxosServerEvent>(e, {
            Phase1a: () => ({ type: 'Phase1a' }),
            BecomeLeader: () => ({ type: 'BecomeLeader' }),
            Propose: (p) => ({ type: 'Propose', command: String(p.c) }),
            Restart: () => ({ type: 'Restart' }),
          }),
        show: showServer,
        candidates: () => [
          ['Phase1a', { type: 'Phase1a' }],
          ['BecomeLeader', { type: 'BecomeLeader' }],
          ['Propose (a new command)', { type: 'Propose', command: '["a new command"]' }],
          ['Restart', { type: 'Restart' }],
        ],
        logged: multiPaxosLogState,
      },
    );
    return explainByReplay(replay, steps, failing);
  },
};
