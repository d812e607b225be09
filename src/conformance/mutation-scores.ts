// The last mutation scores (npm run mutation, docs/mutation.md), as the gate reports them: read
// from docs/mutation-scores.json, each with the commit it was measured at and whether the mutated
// files have changed since. A measurement, not a check: the gate does not run Stryker (it is long).

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../core/paths.ts';

export const MUTATION_SCORES_FILE = 'docs/mutation-scores.json';

export interface MutationScore {
  readonly protocol: string;
  readonly score: number | null;
  readonly mutants: number;
  readonly killed: number;
  readonly survived: number;
  readonly timeout: number;
  readonly noCoverage: number;
  /** Truly equivalent mutants set aside in the code (Stryker disable comments), outside the score. */
  readonly setAside: number;
  readonly commit: string;
  readonly measured: string;
  /** The mutated files that differ now from the commit measured (undefined: git could not tell). */
  readonly changedSince?: readonly string[];
}

interface ScoresFile {
  readonly protocols?: Readonly<Record<string, Partial<Omit<MutationScore, 'protocol' | 'changedSince'>>>>;
}

/** The protocols' last scores, in the order asked; a protocol never measured has none. */
export function lastMutationScores(protocols: readonly string[]): MutationScore[] {
  const file = join(repoRoot(), MUTATION_SCORES_FILE);
  if (!existsSync(file)) return [];
  let scores: ScoresFile;
  try {
    scores = JSON.parse(readFileSync(file, 'utf8')) as ScoresFile;
  } catch {
    return [];
  }
  const out: MutationScore[] = [];
  for (const protocol of protocols) {
    const s = scores.protocols?.[protocol];
    if (s === undefined || typeof s.commit !== 'string') continue;
    out.push({
      protocol,
      score: s.score ?? null,
      mutants: s.mutants ?? 0,
      killed: s.killed ?? 0,
      survived: s.survived ?? 0,
      timeout: s.timeout ?? 0,
      noCoverage: s.noCoverage ?? 0,
      setAside: s.setAside ?? 0,
      commit: s.commit,
      measured: s.measured ?? '',
      changedSince: changedSince(s.commit, [`src/${protocol}/node.ts`, `src/${protocol}/cluster.ts`]),
    });
  }
  return out;
}

function changedSince(commit: string, files: readonly string[]): readonly string[] | undefined {
  try {
    const out = execFileSync('git', ['diff', '--name-only', commit, '--', ...files], { cwd: repoRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\n').filter((l) => l !== '');
  } catch {
    return undefined;
  }
}
