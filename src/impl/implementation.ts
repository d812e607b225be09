// --impl: an implementation that is not ours, for the conformance suite to drive instead of our
// reducer. A path to a TypeScript or JavaScript module is loaded in this process (it exports the
// protocol's reducer interface); anything else is a command, started once and driven over its
// standard input and output (docs/driver.md). Each protocol turns one into its own reducer
// (Protocol.createModel's `implementation`).

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../core/errors.ts';

export type Implementation =
  | { readonly kind: 'command'; readonly label: string; readonly command: string; readonly timeoutMs: number }
  | { readonly kind: 'module'; readonly label: string; readonly path: string; readonly exports: Readonly<Record<string, unknown>> };

const MODULE = /\.(ts|mts|js|mjs)$/;

export const DEFAULT_IMPL_TIMEOUT_SECONDS = 10;

export async function loadImplementation(spec: string, options: { timeoutSeconds?: number } = {}): Promise<Implementation> {
  const text = spec.trim();
  if (text === '') throw new UserError('--impl needs a command ("python3 node.py") or a module (./my-reducer.ts)');
  if (!/\s/.test(text) && MODULE.test(text)) {
    const path = resolve(text);
    if (!existsSync(path)) throw new UserError(`--impl ${text}: no such module; give a path to a .ts or .js file, or a command`);
    let exports: Record<string, unknown>;
    try {
      exports = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    } catch (e) {
      throw new UserError(`--impl ${text}: the module does not load: ${((e as Error).message ?? String(e)).split('\n')[0]}`);
    }
    return { kind: 'module', label: text, path, exports };
  }
  return { kind: 'command', label: text, command: text, timeoutMs: (options.timeoutSeconds ?? DEFAULT_IMPL_TIMEOUT_SECONDS) * 1000 };
}

/** An export of a module implementation that must be a function, or one clear line. */
export function exportedFunction<F>(impl: Implementation & { kind: 'module' }, name: string, signature: string): F {
  const f = impl.exports[name];
  if (typeof f !== 'function') throw new UserError(`--impl ${impl.label}: it does not export ${name}${signature}; see docs/exercises/raft-reducer.md`);
  return f as F;
}
