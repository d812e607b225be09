// An implementation's process, talked to one JSON line each way, synchronously: the explorer and
// the graph comparison ask for successors in a plain loop, so a step of the implementation must
// return a value, not a promise. A worker thread owns the child process and its pipes (Node's
// streams are asynchronous); the caller posts a line to it and sleeps on a shared counter
// (Atomics.wait) until the worker has posted the answer back, which it takes with
// receiveMessageOnPort. The same design as synckit's, in a few lines with no worker file to find.

import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';

/** What the worker posts back: a line the process wrote, or that it ended. */
type FromWorker = { readonly line: string } | { readonly exit: { readonly code: number | null; readonly signal: string | null; readonly stderr: string; readonly error?: string } };

const WORKER = `
const { workerData } = require('node:worker_threads');
const { spawn } = require('node:child_process');
const { port, counter, command, cwd } = workerData;
const signal = () => { Atomics.add(counter, 0, 1); Atomics.notify(counter, 0); };
const post = (x) => { port.postMessage(x); signal(); };
let stderr = '';
let out = '';
const child = spawn(command, { shell: true, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
child.stdout.setEncoding('utf8');
child.stdout.on('data', (d) => {
  out += d;
  for (let k = out.indexOf('\\n'); k >= 0; k = out.indexOf('\\n')) { post({ line: out.slice(0, k) }); out = out.slice(k + 1); }
});
child.stderr.setEncoding('utf8');
child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-2000); });
let spawnError;
child.on('error', (e) => { spawnError = e.message; });
child.on('close', (code, sig) => post({ exit: { code, signal: sig, stderr, error: spawnError } }));
child.stdin.on('error', () => {});
port.on('message', (m) => { if (m === null) { child.stdin.end(); port.close(); } else child.stdin.write(m + '\\n'); });
`;

export class ProcessEndedError extends Error {
  constructor(
    readonly code: number | null,
    readonly stderr: string,
    detail: string,
  ) {
    super(detail);
  }
}

export class ProcessTimeoutError extends Error {}

export class LineProcess {
  private readonly port: MessagePort;
  private readonly counter = new Int32Array(new SharedArrayBuffer(4));
  private readonly worker: Worker;
  private ended?: ProcessEndedError;

  constructor(command: string, cwd: string = process.cwd()) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER, { eval: true, workerData: { port: port2, counter: this.counter, command, cwd }, transferList: [port2] });
    // Neither keeps the checker alive: when it exits, the process's input closes and it ends.
    this.worker.unref();
    this.port.unref();
  }

  /** Write one line and wait for the next line the process writes. */
  request(line: string, timeoutMs: number): string {
    if (this.ended !== undefined) throw this.ended;
    this.port.postMessage(line);
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const seen = Atomics.load(this.counter, 0);
      const got = receiveMessageOnPort(this.port);
      if (got !== undefined) {
        const m = got.message as FromWorker;
        if ('line' in m) return m.line;
        const { code, signal, stderr, error } = m.exit;
        const how = error !== undefined ? `could not be started: ${error}` : signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
        this.ended = new ProcessEndedError(code, stderr, how);
        throw this.ended;
      }
      const left = deadline - performance.now();
      if (left <= 0) throw new ProcessTimeoutError(`no reply within ${timeoutMs < 10_000 ? (timeoutMs / 1000).toFixed(timeoutMs % 1000 === 0 ? 0 : 1) : Math.round(timeoutMs / 1000)} s`);
      Atomics.wait(this.counter, 0, seen, left);
    }
  }

  /** Close the process's input: it should exit. */
  close(): void {
    if (this.ended === undefined) this.port.postMessage(null);
    this.ended ??= new ProcessEndedError(null, '', 'was closed');
  }
}
