// consensus-lab mutants [protocol...]: every seeded bug caught four ways (TLC on the mutant's
// model, the explorer on the same model, the mutated reducer against TLC's graph of the correct
// spec, the simulator with the mutated reducer), as a table, as JSON, or (--markdown) as docs/mutants.md with each
// shortest counterexample as a list of steps. Exit 1 if one escapes.

import { relative } from 'node:path';
import { modelConfigPath, modulePath } from '../../core/protocol.ts';
import { repoRoot } from '../../core/paths.ts';
import { readCfg } from '../../core/tla/cfg.ts';
import { catchMutants, modelConstants, mutantJson, mutantsSummary, readableCounterexample } from '../../conformance/mutants.ts';
import type { MutantReport } from '../../conformance/mutants.ts';
import type { GraphDifference } from '../../conformance/graph.ts';
import { formatGraphComparison } from '../../conformance/graph.ts';
import { PROTOCOLS, protocolNamed } from '../../protocols.ts';
import { stringOption } from '../main.ts';
import type { CommandContext } from '../main.ts';
import { Progress, printJson, secs, table } from '../output.ts';
import { exploreProgressLine, formatTlcTrace, protocolsWithMutant, tlcProgressLine } from './common.ts';

export async function mutantsCommand({ positionals, values }: CommandContext): Promise<number> {
  const only = stringOption(values, 'mutant');
  let protocols = positionals.length === 0 ? PROTOCOLS : positionals.map(protocolNamed);
  if (only !== undefined) protocols = protocolsWithMutant(protocols, only);
  const progress = new Progress(values.quiet === true);
  const started = performance.now();
  const reports: MutantReport[] = [];
  for (const p of protocols) {
    reports.push(
      ...(await catchMutants(p, {
        only: only === undefined ? undefined : [only],
        onNote: (text) => progress.note(`${p.name}: ${text}`),
        onTlcProgress: (label, x) => progress.update(tlcProgressLine(label, x)),
        onExploreProgress: (label, x) => progress.update(exploreProgressLine(label, x)),
      })),
    );
  }
  progress.clear();
  const summary = mutantsSummary(reports);
  const ok = summary.escaped.length === 0;
  if (values.json) {
    printJson({ ok, seconds: Number(((performance.now() - started) / 1000).toFixed(1)), ...summary, mutants: reports.map((r) => ({ protocol: r.protocol.name, ...mutantJson(r) })) });
  } else if (values.markdown) {
    process.stdout.write(`${mutantsMarkdown(reports)}\n`);
  } else {
    process.stdout.write(`${formatMutantReports(reports)}\n`);
  }
  return ok ? 0 : 1;
}

const verdict = (caught: boolean | 'n/a') => (caught === 'n/a' ? 'n/a' : caught ? 'caught' : 'ESCAPED');

/** The rows of the table: mutant, what it breaks, the two trace lengths, the three verdicts. */
export function mutantRows(reports: readonly MutantReport[]): string[][] {
  return reports.map((r) => {
    const parts = r.conformance.comparison?.difference?.path.length;
    return [
      r.mutant.name,
      `${r.mutant.breaks ?? '-'}${r.mutant.liveness ? ' (liveness)' : ''}`,
      String(r.tlc.traceLength ?? '-'),
      r.explorer.caught === 'n/a' ? 'n/a' : String(r.explorer.traceLength ?? '-'),
      verdict(r.tlc.caught),
      verdict(r.explorer.caught),
      `${verdict(r.conformance.caught)}${parts === undefined ? '' : ` (${r.conformance.model}, after ${parts} step${parts === 1 ? '' : 's'})`}`,
      simulationVerdict(r),
      r.validation === undefined ? '-' : r.validation.caught ? `caught (line ${r.validation.rejectedLine} of ${r.validation.lines}, ${r.validation.rejectedAction})` : 'ESCAPED',
      secs(r.tlc.seconds + r.explorer.seconds + r.conformance.seconds + (r.simulation?.seconds ?? 0) + (r.validation?.seconds ?? 0)),
    ];
  });
}

export const MUTANT_HEADER = ['mutant', 'breaks', 'TLC trace', 'explorer trace', 'TLC', 'explorer', 'conformance', 'simulator', 'log validation', 'time'];

/** The simulator's verdict: the first failing seed of how many tried, and the scenario. */
function simulationVerdict(r: MutantReport): string {
  const s = r.simulation;
  if (s === undefined) return '-';
  const where = `${s.scenario}${s.nodes === undefined ? '' : `, ${s.nodes} nodes`}`;
  return s.caught ? `caught (seed ${s.firstFailingSeed} of ${s.budget}, ${where}: ${s.failure?.kind})` : `ESCAPED (${s.budget} seeds, ${where})`;
}

/** The table, preceded by what went wrong with every mutant that escaped. */
export function formatMutantReports(reports: readonly MutantReport[]): string {
  const out: string[] = [];
  for (const r of reports.filter((x) => !x.caught)) {
    out.push(`== ${r.mutant.name} escaped ==`);
    for (const e of [r.tlc.error, r.explorer.error, r.conformance.error, r.simulation?.error, r.validation?.error]) if (e !== undefined) out.push(e);
    if (r.tlc.result !== undefined && !r.tlc.caught && r.tlc.result.trace !== undefined) out.push(formatTlcTrace(r.tlc.result));
    if (r.conformance.comparison !== undefined && !r.conformance.caught) out.push(formatGraphComparison(r.conformance.comparison));
    out.push('');
  }
  out.push(table(MUTANT_HEADER, mutantRows(reports)));
  out.push('', 'Trace lengths count states, the initial one included, as TLC numbers them.');
  const { total, caught, escaped } = mutantsSummary(reports);
  out.push(escaped.length === 0 ? `All ${total} seeded bugs are caught.` : `${caught} of ${total} caught; escaped: ${escaped.join(', ')}.`);
  return out.join('\n');
}

// The page lives in docs/: its links go up one folder.
const link = (path: string) => `[${relative(repoRoot(), path)}](../${relative(repoRoot(), path)})`;

/** docs/mutants.md, the catalogue of seeded bugs, from the real counterexamples (the README shows its table). */
export function mutantsMarkdown(reports: readonly MutantReport[]): string {
  const out: string[] = [
    '# Seeded bugs',
    '',
    'Each mutant is one rule of a spec and of its reducer replaced by a mistake that simplified',
    'consensus code really makes. In the spec, the rule is a named operator (in `Raft.tla`, e.g.',
    '`MayCommitByCounting`) that the mutant\'s model, a `.cfg` of the protocol\'s mutants module,',
    'replaces with one override `Rule <- BuggyRule`; in TypeScript, the reducer\'s rules object',
    '(`RaftRules` in `src/raft/node.ts`) gets the same mistake (`src/raft/mutants.ts`).',
    '`npx consensus-lab mutants [protocol...]` checks that each is caught five ways, and the gate',
    'fails if one escapes: TLC on the mutant\'s model finds the invariant it breaks; the TypeScript',
    'explorer, on the same model with the mutated reducer, finds the same invariant broken, with a',
    'counterexample as short; and with the spec left correct, the mutated reducer\'s state graph',
    'parts from TLC\'s (on the `conformance` model, or where the bug cannot show there on the',
    'mutant\'s model); and the simulator, running the protocol as a system (clients, a key-value',
    'store, faults) with the mutated reducer, finds a seed whose run fails its checks, within a',
    'stated budget of seeds (`src/sim/mutants.ts`); and TLC, following the event log of that failing',
    'run with the protocol\'s trace spec (`specs/*/Validate*.tla`), rejects it. Trace lengths count',
    'states, the initial one included.',
    '',
    markdownTable(MUTANT_HEADER.slice(0, 9), mutantRows(reports).map((row) => row.slice(0, 9))),
    '',
    'This page is the output of `npx consensus-lab mutants --markdown > docs/mutants.md`: the steps are the',
    'explorer\'s shortest counterexample (TLC\'s has as many) with, under each step, the messages it',
    'put on (+) or took off (−) the network and the variables it changed.',
  ];
  for (const r of reports) {
    const m = r.mutant;
    out.push('', `### ${m.name}`, '');
    const config = m.model === undefined ? undefined : readCfg(modelConfigPath(r.protocol, m.model));
    const buggy = m.rule === undefined ? undefined : config?.overrides.get(m.rule);
    out.push(`${capitalise(m.description)}.`, '');
    if (config !== undefined && m.model !== undefined && m.rule !== undefined) {
      out.push(
        `The rule: \`${m.rule}\` in ${link(modulePath(r.protocol, r.protocol.module.replace(/^MC/, '')))}, replaced by \`${buggy}\` of ${r.protocol.mutantsModule === undefined ? 'the mutants module' : link(modulePath(r.protocol, r.protocol.mutantsModule))} in the model ${link(modelConfigPath(r.protocol, m.model))}: ${modelConstants(config)}.`,
        '',
      );
    }
    const steps = (r.tlc.traceLength ?? 1) - 1;
    const found =
      r.tlc.caught
        ? `TLC finds \`${m.breaks}\` ${m.liveness ? 'violated: a behaviour that never makes progress' : `violated after ${steps} steps`} (${r.tlc.traceLength} states${r.explorer.caught === 'n/a' ? '; the explorer checks safety only: n/a' : `; the explorer: ${r.explorer.traceLength}`}).`
        : `TLC does not find \`${m.breaks}\` violated: ${r.tlc.error ?? ''}.`;
    const d = r.conformance.comparison?.difference;
    const parts = d === undefined ? 'does not part from TLC\'s.' : `parts from TLC's graph of ${r.conformance.model === m.model ? 'the mutant\'s own model without its override' : `the \`${r.conformance.model}\` model`} after ${d.path.length} step${d.path.length === 1 ? '' : 's'}${d.path.length > 0 ? ` (${d.path.map((a) => `\`${a}\``).join(', ')})` : ''}: ${partingSteps(d)}.`;
    out.push(`${found} With the spec left correct, the mutated reducer ${parts}`);
    const sim = r.simulation;
    if (sim !== undefined) {
      out.push(
        '',
        sim.caught
          ? `The simulator (${sim.scenario}${sim.nodes === undefined ? '' : `, ${sim.nodes} nodes`}) fails at seed ${sim.firstFailingSeed} of ${sim.budget}: ${sim.failure?.kind}: ${sim.failure?.detail} (\`${sim.reproduce}\`).`
          : `The simulator does not catch it: ${sim.error}.`,
      );
    }
    const story = readableCounterexample(r);
    if (story !== undefined) {
      out.push('', `<details><summary>The shortest counterexample: ${story.steps.length} steps (${story.source === 'TLC' ? 'TLC\'s' : 'the explorer\'s'})</summary>`, '');
      story.steps.forEach((s, i) => {
        const item = `${i + 1}. `;
        out.push(`${item}\`${s.action}\``);
        for (const c of s.changes) out.push(`${' '.repeat(item.length)}- \`${c}\``);
      });
      out.push('', `\`${m.breaks}\` ${m.liveness ? 'never holds from here on' : 'is violated in the last state'}.`, '', '</details>');
    }
  }
  return out.join('\n');
}

/** Where the graphs part, in a sentence: the step TypeScript takes and how TLC's differs, or the step it lacks. */
function partingSteps(d: GraphDifference): string {
  const ts = d.steps.filter((s) => s.onlyIn === 'TypeScript');
  const tsNames = new Set(ts.map((s) => s.action.replace(/\(.*$/s, '')));
  const sentences = ts.map((s) =>
    s.differences === undefined
      ? `TypeScript takes \`${s.action}\`, which TLC cannot take`
      : `TypeScript takes \`${s.action}\` to a state that differs from TLC's in ${s.differences.map((x) => `\`${x.path}\` (TLC ${x.left ?? 'none'}, TypeScript ${x.right ?? 'none'})`).join(', ')}`,
  );
  for (const s of d.steps) if (s.onlyIn === 'TLC' && !tsNames.has(s.action)) sentences.push(`TLC takes \`${s.action}\`, which TypeScript does not`);
  return sentences.join('; ');
}

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
