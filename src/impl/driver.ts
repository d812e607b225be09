// The checker's side of the driver protocol (docs/driver.md): JSON lines to an implementation's
// process, one request and its reply at a time. Every way the implementation can fail to answer
// (not JSON, another request's reply, a missing field, an error reply, exit, silence) is one
// UserError naming the implementation, the request and what was wrong.

import { UserError } from '../core/errors.ts';
import type { TlaValue } from '../core/tla/value.ts';
import { LineProcess, ProcessEndedError, ProcessTimeoutError } from './process.ts';

/** A node's state and messages as they cross the wire: JSON in the spec's terms. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };
export type JsonObject = { readonly [k: string]: Json };

export interface StepReply {
  readonly enabled: boolean;
  readonly state?: JsonObject;
  readonly sent?: readonly Json[];
}

/**
 * A TLA+ value as the wire carries it: a record or a function of names as an object, a sequence
 * or a set as a list, a model value by its name.
 */
export function tlaToJson(v: TlaValue): Json {
  switch (v.kind) {
    case 'int':
    case 'bool':
    case 'str':
      return v.value;
    case 'model':
      return v.name;
    case 'set':
    case 'seq':
      return v.elems.map(tlaToJson);
    case 'record':
      return Object.fromEntries(v.fields.map(([k, x]) => [k, tlaToJson(x)]));
    case 'fn':
      return Object.fromEntries(v.entries.map(([k, x]) => [k.kind === 'model' || k.kind === 'str' ? String(tlaToJson(k)) : k.key, tlaToJson(x)]));
  }
}

const isObject = (x: unknown): x is JsonObject => typeof x === 'object' && x !== null && !Array.isArray(x);

export class DriverSession {
  private readonly process: LineProcess;
  private nextId = 1;

  constructor(
    private readonly label: string,
    command: string,
    private readonly timeoutMs: number,
  ) {
    this.process = new LineProcess(command);
  }

  /** Tell it the cluster: the protocol, the node ids, the spec's constants. */
  init(protocol: string, nodeIds: readonly string[], constants: JsonObject): void {
    this.request({ type: 'init', protocol, node_ids: nodeIds, constants }, 'init_ok');
  }

  /** The node's state in the spec's Init. */
  initial(node: string): JsonObject {
    const reply = this.request({ type: 'initial', node }, 'initial_ok');
    if (!isObject(reply.state)) this.fail({ type: 'initial', node }, 'its initial_ok has no "state" object');
    return reply.state;
  }

  /** One step of one node from `state`. */
  step(node: string, state: JsonObject, event: JsonObject): StepReply {
    const req = { type: 'step', node, state, event };
    const reply = this.request(req, 'step_ok');
    if (typeof reply.enabled !== 'boolean') this.fail(req, 'its step_ok has no boolean "enabled"');
    if (!reply.enabled) return { enabled: false };
    if (!isObject(reply.state)) this.fail(req, 'its step_ok (enabled) has no "state" object');
    if (!Array.isArray(reply.sent)) this.fail(req, 'its step_ok (enabled) has no "sent" list');
    return { enabled: true, state: reply.state, sent: reply.sent };
  }

  close(): void {
    this.process.close();
  }

  /** Where the implementation parts from the protocol: one line, exit 2. */
  fail(request: JsonObject, what: string): never {
    throw new UserError(`--impl ${this.label}: ${what} (the request: ${abbreviate(JSON.stringify(request))})`);
  }

  private request(body: JsonObject, replyType: string): JsonObject {
    const msg = { ...body, msg_id: this.nextId++ };
    let line: string;
    try {
      line = this.process.request(JSON.stringify(msg), this.timeoutMs);
    } catch (e) {
      if (e instanceof ProcessEndedError) {
        const last = e.stderr.trim().split('\n').filter(Boolean).at(-1);
        this.fail(body, `the implementation ${e.message}${last ? `; its last error line: ${abbreviate(last)}` : ''}`);
      }
      if (e instanceof ProcessTimeoutError) this.fail(body, `${e.message} (--impl-timeout SECONDS gives it longer)`);
      throw e;
    }
    let reply: unknown;
    try {
      reply = JSON.parse(line);
    } catch {
      this.fail(body, `it wrote a line that is not JSON: ${abbreviate(line)} (its logs belong on stderr)`);
    }
    if (!isObject(reply)) this.fail(body, `it wrote ${abbreviate(line)}, not a JSON object`);
    if (reply.in_reply_to !== msg.msg_id) this.fail(body, `its reply ${abbreviate(line)} is not in_reply_to ${msg.msg_id}`);
    if (reply.type === 'error') this.fail(body, `it replied error ${String(reply.code ?? '')}: ${String(reply.text ?? '')}`);
    if (reply.type !== replyType) this.fail(body, `it replied ${String(reply.type)}, not ${replyType}`);
    return reply;
  }
}

function abbreviate(s: string, most = 300): string {
  return s.length <= most ? s : `${s.slice(0, most)}...`;
}
