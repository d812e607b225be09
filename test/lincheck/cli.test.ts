// consensus-lab lincheck as a user meets it: exit codes 0, 1 and 2, one line on stderr for bad
// input, one JSON object with --json, and the --html page written.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join(import.meta.dirname, 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'lincheck-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  try {
    const code = await main(['lincheck', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Exit 2 and one line on stderr, naming the problem, with no stack trace. */
function expectOneLine(r: Awaited<ReturnType<typeof run>>, pattern: RegExp): void {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^consensus-lab: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('consensus-lab lincheck', () => {
  it('exits 0 on a linearizable history, with a table', async () => {
    const r = await run(join(fixtures, 'register-ok.edn'), '--model', 'register');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/operations\s+keys\s+verdict\s+states explored\s+ms/);
    expect(r.stdout).toMatch(/\n5\s+1\s+linearizable\s+\d+\s+\d+/);
  });

  it('exits 1 on one that is not, naming the key, the minimal operations and the longest prefix', async () => {
    const r = await run(join(fixtures, 'independent.edn'), '--model', 'register');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/not linearizable/);
    expect(r.stdout).toMatch(/key x is not linearizable: these 2 operations cannot be linearized together/);
    expect(r.stdout).toMatch(/process\s+f\s+input\s+output\s+invoke\s+complete/);
    expect(r.stdout).toMatch(/\n0\s+cas\s+\[1 2\]\s+swapped\s+5\s+6\n/);
    expect(r.stdout).toMatch(/\n2\s+read\s+-\s+1\s+9\s+10\n/);
    expect(r.stdout).toMatch(/longest linearizable prefix: 2 of the 3 operations on key x/);
  });

  it('--json: one object with the verdict, the keys and the failing one', async () => {
    const r = await run(join(fixtures, 'independent.edn'), '--model', 'register', '--json');
    expect(r.code).toBe(1);
    const o = JSON.parse(r.stdout);
    expect(o).toMatchObject({ ok: false, verdict: 'not linearizable', model: 'register', operations: 5, failing: { key: 'x', minimalComplete: true } });
    expect(o.keys.map((k: { key: string; ok: boolean }) => [k.key, k.ok])).toEqual([
      ['x', false],
      ['y', true],
    ]);
    expect(o.failing.minimal.map((op: { invokeLine: number }) => op.invokeLine)).toEqual([5, 9]);
    expect(typeof o.stats.statesExplored).toBe('number');
    expect(typeof o.ms).toBe('number');
    const ok = await run(join(fixtures, 'kv.jsonl'), '--model', 'kv', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, verdict: 'linearizable', operations: 6 });
  });

  it('--html writes a page of the history, self-contained', async () => {
    const page = join(dir, 'out.html');
    const r = await run(join(fixtures, 'register-stale.edn'), '--model', 'register', '--html', page);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`wrote ${page}`);
    const html = readFileSync(page, 'utf8');
    expect(html).toMatch(/<svg/);
    expect(html.match(/<g class="op bad/g)).toHaveLength(2);
    expect(html).not.toMatch(/<script src|<link /);
  });

  it('exits 2 on bad input, in one line naming the file and line', async () => {
    expectOneLine(await run(join(dir, 'missing.edn'), '--model', 'register'), /missing\.edn: no such file/);
    expectOneLine(await run(dir, '--model', 'register'), /a directory, not a history file/);
    const bad = file('bad.edn', '{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok, :f :read :value}\n');
    expectOneLine(await run(bad, '--model', 'register'), /bad\.edn:2: a map with a key and no value/);
    const orphan = file('orphan.jsonl', '{"process":0,"type":"invoke","f":"read","value":null}\n{"process":1,"type":"ok","f":"read","value":null}\n');
    expectOneLine(await run(orphan, '--model', 'register'), /orphan\.jsonl:2: ok for process 1, which has no operation open/);
    expectOneLine(await run(join(fixtures, 'kv.jsonl'), '--model', 'register'), /kv\.jsonl:1: f is "put": the register model knows read, write and cas/);
  });

  it('exits 2 on a missing or unknown --model, or a second file', async () => {
    expectOneLine(await run(join(fixtures, 'register-ok.edn')), /lincheck needs --model: register or kv/);
    expectOneLine(await run(join(fixtures, 'register-ok.edn'), '--model', 'queue'), /lincheck has no model "queue": choose register or kv/);
    expectOneLine(await run(join(fixtures, 'register-ok.edn'), join(fixtures, 'kv.jsonl'), '--model', 'kv'), /lincheck takes one history file/);
    expectOneLine(await run(), /lincheck takes one history file/);
  });

  it('runs as a real process, with the exit code a shell sees', () => {
    const page = join(dir, 'proc.html');
    const r = spawnSync(process.execPath, [join(root, 'bin', 'consensus-lab.js'), 'lincheck', join(fixtures, 'register-stale.edn'), '--model', 'register', '--html', page], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/the register is not linearizable/);
    expect(existsSync(page)).toBe(true);
    const missing = spawnSync(process.execPath, [join(root, 'bin', 'consensus-lab.js'), 'lincheck', join(dir, 'nope.edn'), '--model', 'kv'], { cwd: root, encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim().split('\n').filter((l) => !l.startsWith('npm warn'))).toEqual([`consensus-lab: ${join(dir, 'nope.edn')}: no such file`]);
  });
});
