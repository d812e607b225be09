// Raft's event logs as specs/raft/ValidateRaft.tla reads them: the generated module with the log
// as a sequence of records (TLC 2.18 has no Json module to read it), its model, and, when TLC
// rejects a log, what went wrong at the line no behaviour can follow, found by replaying the log
// with the reducer (which the conformance suite shows is the spec).

import { InputError } from '../core/errors.ts';
import { bool, int, modelValue, str } from '../core/tla/value.ts';
import type { TlaValue } from '../core/tla/value.ts';
import type { LogEvent } from '../host/types.ts';
import type { LoggedLine } from '../validate/log.ts';
import { explainByReplay, identifierServer, initConstants, lineRecord, stateRecord, stepLines, traceConfig, traceModule } from '../validate/trace.ts';
import type { TraceModel, TraceValidator } from '../validate/validate.ts';
import { raftReduce } from './host.ts';
import { RAFT_RULES, initialNode } from './node.ts';
import type { RaftConfig } from './node.ts';
import { messageToTla } from './tla.ts';
import type { RaftEvent, RaftMessage, RaftNode } from './types.ts';

/** The variables a line may log, with how ValidateRaft.tla compares each. */
const STATE_FIELDS: Readonly<Record<string, (v: unknown) => TlaValue | readonly [string, TlaValue]>> = {
  currentTerm: (v) => int(Number(v)),
  role: (v) => str(String(v)),
  // The generated module cannot name the spec's Nil: no vote is a field of its own.
  votedFor: (v) => (v === null ? ['noVote', bool(true)] : modelValue(String(v))),
  commitIndex: (v) => int(Number(v)),
  logLength: (v) => int(Number(v)),
  lastLogTerm: (v) => int(Number(v)),
};

function servers(lines: readonly LoggedLine[]): string[] {
  const init = initConstants(lines) as { Server?: unknown };
  const found = new Set<string>();
  if (Array.isArray(init.Server)) for (const s of init.Server) found.add(String(s));
  for (const { event } of lines) {
    for (const k of ['i', 'j'] as const) if (typeof event.params?.[k] === 'string') found.add(event.params[k] as string);
  }
  for (const s of found) identifierServer(s, lines.find((l) => l.event.params?.i === s || l.event.params?.j === s) ?? lines[0]);
  return [...found].sort();
}

function maxEntries(lines: readonly LoggedLine[]): number {
  const init = initConstants(lines) as { MaxEntries?: unknown };
  if (typeof init.MaxEntries === 'number') return init.MaxEntries;
  // Without the constant, the largest batch the log shows.
  let most = 1;
  for (const { event } of lines) {
    for (const m of [event.recv, ...(event.sent ?? [])] as (RaftMessage | undefined)[]) if (m?.type === 'AppendEntriesRequest') most = Math.max(most, m.entries.length);
  }
  return most;
}

function values(lines: readonly LoggedLine[]): string[] {
  const out = new Set<string>();
  for (const { event } of lines) {
    if (event.action === 'ClientRequest' && typeof event.params?.v === 'string') out.add(event.params.v);
    const m = event.recv as RaftMessage | undefined;
    if (m?.type === 'AppendEntriesRequest') for (const e of m.entries) out.add(e.value);
  }
  return [...out].sort();
}

function lineToTla({ event, file, line }: LoggedLine): TlaValue {
  const p = event.params ?? {};
  const params: [string, TlaValue][] = [];
  for (const k of ['i', 'j'] as const) if (typeof p[k] === 'string') params.push([k, modelValue(p[k] as string)]);
  if (typeof p.v === 'string') params.push(['v', str(p.v)]);
  if (!params.some(([k]) => k === 'i')) throw new InputError(file, line, `${event.action} has no parameter i: ValidateRaft.tla needs the server that took the step`);
  const recv = event.recv === undefined ? undefined : messageToTla(event.recv as RaftMessage, str);
  return lineRecord(event, params, stateRecord(event.state, STATE_FIELDS), recv);
}

export const raftTraceValidator: TraceValidator = {
  module: 'ValidateRaft.tla',
  model(lines: readonly LoggedLine[], moduleName: string): TraceModel {
    const ids = servers(lines);
    const steps = stepLines(lines);
    const definitions = [`TraceServer == {${ids.join(', ')}}`, `TraceValue == {${values(lines).map((v) => str(v).key).join(', ')}}`];
    const module = traceModule(moduleName, 'ValidateRaft.tla', { constants: ids, definitions }, steps.map(lineToTla));
    const cfg = traceConfig([...ids.map((s) => `${s} = ${s}`), 'Nil = Nil', 'Server <- TraceServer', 'Value <- TraceValue', `MaxEntries = ${maxEntries(lines)}`]);
    return { module, cfg, steps };
  },

  explain(lines: readonly LoggedLine[], steps: readonly LoggedLine[], failing: number): string[] {
    const cfg: RaftConfig = { servers: servers(lines), maxEntries: maxEntries(lines), rules: RAFT_RULES };
    return explainByReplay<RaftNode, RaftEvent>(
      {
        initial: new Map(cfg.servers.map((s) => [s, initialNode(cfg, s)])),
        server: (e: LogEvent) => String(e.params?.i),
        event: (e: LogEvent): RaftEvent | undefined => {
          const p = e.params ?? {};
          switch (e.action) {
            case 'Timeout':
            case 'BecomeLeader':
            case 'AdvanceCommitIndex':
            case 'Restart':
              return { type: e.action };
            case 'ClientRequest':
              return { type: 'ClientRequest', value: String(p.v) };
            case 'AppendEntries':
              return { type: 'AppendEntries', to: String(p.j) };
            default:
              return e.recv === undefined ? undefined : { type: 'Receive', message: e.recv as RaftMessage };
          }
        },
        reduce: (node, ev) => raftReduce(cfg, node, ev)?.node,
        show: (n) =>
          `currentTerm ${n.currentTerm}, role ${n.role}, votedFor ${n.votedFor ?? 'Nil'}, commitIndex ${n.commitIndex}, log of ${n.log.length} (last term ${n.log.at(-1)?.term ?? 0})`,
        candidates: (i) => [
          ['Timeout', { type: 'Timeout' }],
          ['BecomeLeader', { type: 'BecomeLeader' }],
          ['AdvanceCommitIndex', { type: 'AdvanceCommitIndex' }],
          ['Restart', { type: 'Restart' }],
          ...cfg.servers.filter((j) => j !== i).map((j): [string, RaftEvent] => [`AppendEntries(${i}, ${j})`, { type: 'AppendEntries', to: j }]),
        ],
        logged: (after) => ({
          currentTerm: after.currentTerm,
          role: after.role,
          votedFor: after.votedFor,
          commitIndex: after.commitIndex,
          logLength: after.log.length,
          lastLogTerm: after.log.at(-1)?.term ?? 0,
        }),
      },
      steps,
      failing,
    );
  },
};
