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
  /** The reducer with its cluster model (node.ts, cluster.ts), or the host's protocol policy (host.ts). */
  readonly part: MutationPart;
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
  /**
   * Measured in parts, not whole (npm run mutation -- <p> --part host --lines A-B): the parts'
   * lines, and the figures are their sums, at the oldest part's commit.
   */
  readonly lines?: readonly string[];
}

export type MutationPart = 'reducer' | 'host';

/** The files a part's run mutates (stryker.config.mjs's PARTS, which cannot import this, says the same). */
export function mutatedFiles(protocol: string, part: MutationPart): string[] {
  return part === 'host' ? [`src/${protocol}/host.ts`] : [`src/${protocol}/node.ts`, `src/${protocol}/cluster.ts`];
}

/** Stryker's score: the share of the mutants it could judge that a check detected (killed or timed out), to two places; null if none. */
export function detectedPercent(detected: number, judged: number): number | null {
  return judged === 0 ? null : Math.round((10_000 * detected) / judged) / 100;
}

type MeasuredScore = Partial<Omit<MutationScore, 'protocol' | 'part' | 'changedSince' | 'lines'>>;
type StoredScore = MeasuredScore & { readonly parts?: Readonly<Record<string, MeasuredScore>> };

interface ScoresFile {
  readonly protocols?: Readonly<Record<string, StoredScore>>;
  readonly hosts?: Readonly<Record<string, StoredScore>>;
}

/** The protocols' last scores, in the order asked, each reducer's then its host's; a part never measured has none. */
export function lastMutationScores(protocols: readonly string[], file = join(repoRoot(), MUTATION_SCORES_FILE)): MutationScore[] {
  if (!existsSync(file)) return [];
  let scores: ScoresFile;
  try {
    scores = JSON.parse(readFileSync(file, 'utf8')) as ScoresFile;
  } catch {
    return [];
  }
  const out: MutationScore[] = [];
  for (const protocol of protocols) {
    for (const part of ['reducer', 'host'] as const) {
      const stored = (part === 'host' ? scores.hosts : scores.protocols)?.[protocol];
      if (stored === undefined) continue;
      const whole = typeof stored.commit === 'string';
      const s = whole ? stored : sumOfParts(stored.parts ?? {});
      if (s === undefined || typeof s.commit !== 'string') continue;
      out.push({
        protocol,
        part,
        score: s.score ?? null,
        mutants: s.mutants ?? 0,
        killed: s.killed ?? 0,
        survived: s.survived ?? 0,
        timeout: s.timeout ?? 0,
        noCoverage: s.noCoverage ?? 0,
        setAside: s.setAside ?? 0,
        commit: s.commit,
        measured: s.measured ?? '',
        changedSince: changedSince(s.commit, mutatedFiles(protocol, part)),
        ...(!whole && { lines: Object.keys(stored.parts ?? {}).sort((a, b) => parseInt(a, 10) - parseInt(b, 10)) }),
      });
    }
  }
  return out;
}

/** The parts of a host measured apart, as one: their figures summed, at the oldest part's commit and date. */
function sumOfParts(parts: Readonly<Record<string, MeasuredScore>>): MeasuredScore | undefined {
  const measured = Object.values(parts).filter((p) => typeof p.commit === 'string');
  if (measured.length === 0) return undefined;
  const sum = (f: (p: MeasuredScore) => number | undefined) => measured.reduce((n, p) => n + (f(p) ?? 0), 0);
  const [killed, timeout, survived, noCoverage] = [sum((p) => p.killed), sum((p) => p.timeout), sum((p) => p.survived), sum((p) => p.noCoverage)];
  const oldest = measured.reduce((a, b) => ((b.measured ?? '') < (a.measured ?? '') ? b : a));
  return {
    score: detectedPercent(killed + timeout, killed + timeout + survived + noCoverage),
    mutants: sum((p) => p.mutants),
    killed,
    survived,
    timeout,
    noCoverage,
    setAside: sum((p) => p.setAside),
    commit: oldest.commit,
    measured: oldest.measured,
  };
}

function changedSince(commit: string, files: readonly string[]): readonly string[] | undefined {
  try {
    const out = execFileSync('git', ['diff', '--name-only', commit, '--', ...files], { cwd: repoRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\n').filter((l) => l !== '');
  } catch {
    return undefined;
  }
}
