// The command line as a user meets it: a real process, its exit code and what it printed.

import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';

export const root = join(dirname(new URL(import.meta.url).pathname), '..', '..');

export function cli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'consensus-lab.js'), ...args], { cwd: root, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A usage, input or environment error: exit 2, one line on stderr naming the problem, no stack trace. */
export function expectOneLineError(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('npm warn'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^consensus-lab: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}
