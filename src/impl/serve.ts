// The implementation's side of the driver protocol (docs/driver.md), for our own reducers:
// `consensus-lab driver <protocol>` answers on standard output what it is asked on standard
// input, so that the protocol has two implementations behind it (ours and examples/raft-py), and
// whoever writes a third can ask ours what the spec would answer.

import { createInterface } from 'node:readline';
import type { Json, JsonObject } from './driver.ts';

/** A request the implementation cannot answer: the error reply's code and text. */
export class DriverRequestError extends Error {
  constructor(
    readonly code: 'unknown-request' | 'malformed-request' | 'unsupported' | 'internal',
    text: string,
  ) {
    super(text);
  }
}

/** One protocol's answers: a request in, the reply's body out (its type and fields), or a DriverRequestError. */
export type DriverHandler = (request: JsonObject) => JsonObject;

/** Answer one line: never throws, every line gets a reply. */
export function answerLine(handle: DriverHandler, line: string): JsonObject {
  let request: Json;
  try {
    request = JSON.parse(line) as Json;
  } catch {
    return { type: 'error', in_reply_to: null, code: 'malformed-request', text: 'not JSON: every request is one JSON object on a line' };
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) return { type: 'error', in_reply_to: null, code: 'malformed-request', text: 'not a JSON object' };
  const o = request as JsonObject;
  const id = typeof o.msg_id === 'number' ? o.msg_id : null;
  if (id === null) return { type: 'error', in_reply_to: null, code: 'malformed-request', text: 'no msg_id' };
  try {
    const body = handle(o);
    return { type: body.type, in_reply_to: id, ...body };
  } catch (e) {
    if (e instanceof DriverRequestError) return { type: 'error', in_reply_to: id, code: e.code, text: e.message };
    return { type: 'error', in_reply_to: id, code: 'internal', text: (e as Error).message ?? String(e) };
  }
}

/** Serve standard input until it ends. */
export async function serveDriver(handle: DriverHandler): Promise<void> {
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    process.stdout.write(`${JSON.stringify(answerLine(handle, line))}\n`);
  }
}
