// consensus-lab gate [protocol...]: everything, for CI: per protocol TLC and the explorer on the
// ci model (counts equal, invariants hold), the state graph of the conformance model, the TLC
// traces, the seeded bugs, the protocol as a system in the simulator. Exit 0 only when all of it holds.

import { writeFileSync } from 'node:fs';
import { PROTOCOLS, protocolNamed } from '../../protocols.ts';
import { intOption, stringOption } from '../main.ts';
import type { CommandContext } from '../main.ts';
import { Progress, count, printJson, table } from '../output.ts';
import { MUTATION_SCORES_FILE, lastMutationScores } from '../../conformance/mutation-scores.ts';
import type { MutationScore } from '../../conformance/mutation-scores.ts';
import { junitXml } from '../junit.ts';
import { implementationOption, protocolsWithMutant, requireModel } from './common.ts';
import { UserError } from '../../core/errors.ts';
import { checkProtocol, formatReports } from './report.ts';
import type { ProtocolReport } from './report.ts';

export async function gateCommand({ positionals, values }: CommandContext): Promise<number> {
  const protocols = positionals.length === 0 ? PROTOCOLS : positionals.map(protocolNamed);
  const implementation = await implementationOption(values);
  // An implementation is of one protocol; what it is checked by is the spec (the seeded bugs and the simulator are our reducer's).
  if (implementation !== undefined && positionals.length !== 1) throw new UserError('gate --impl checks one protocol: consensus-lab gate raft --impl "COMMAND"');
  const onlyMutant = stringOption(values, 'mutant');
  // Every protocol is gated; those without the seeded bug catch none.
  if (onlyMutant !== undefined) protocolsWithMutant(protocols, onlyMutant);
  const progress = new Progress(values.quiet === true);
  const started = performance.now();
  const reports: ProtocolReport[] = [];
  for (const p of protocols) {
    reports.push(
      await checkProtocol(p, {
        countsModel: requireModel(p, stringOption(values, 'model') ?? 'ci'),
        graphModel: requireModel(p, stringOption(values, 'graph-model') ?? 'conformance'),
        mutants: implementation === undefined,
        onlyMutants: onlyMutant === undefined ? undefined : [onlyMutant],
        // The simulator: a few seeds of every named scenario; --full runs 200 (minutes, not seconds).
        simulationSeeds: implementation === undefined ? (intOption(values, 'seeds') ?? (values.full === true ? 200 : 5)) : 0,
        implementation,
        // TLC follows the first 1,500 lines of each simulator log (Multi-Paxos writes 10,000 in a run, a
        // minute of TLC, and the cost grows faster than the lines); --full, all of them.
        validationLines: values.full === true ? undefined : 1500,
        workers: intOption(values, 'workers'),
        progress,
      }),
    );
  }
  progress.clear();
  const ok = reports.every((r) => r.ok);
  const seconds = (performance.now() - started) / 1000;
  const junit = stringOption(values, 'junit');
  if (junit !== undefined) writeFileSync(junit, junitXml(reports));
  // Our reducers' last mutation scores; an implementation's (--impl) are not ours to report.
  const mutation = implementation === undefined ? lastMutationScores(protocols.map((p) => p.name)) : [];
  if (values.json) printJson({ ok, seconds: Number(seconds.toFixed(1)), protocols: reports.map((r) => r.json), mutation });
  else process.stdout.write(`${formatReports(reports)}\n${implementation === undefined ? `\n${formatMutationScores(protocols.map((p) => p.name), mutation)}\n` : ''}`);
  return ok ? 0 : 1;
}

/** The last mutation scores, for people: a measurement the gate reports, not one it makes. */
export function formatMutationScores(protocols: readonly string[], scores: readonly MutationScore[]): string {
  const row = (s: MutationScore) => [
    `${s.protocol}${s.part === 'host' ? ' host' : ''}${s.lines === undefined ? '' : ` (lines ${s.lines.join(', ')} only)`}`,
    s.score === null ? '-' : `${s.score.toFixed(2)} %`,
    count(s.mutants),
    count(s.killed + s.timeout),
    count(s.survived),
    count(s.noCoverage),
    count(s.setAside),
    `${s.commit.slice(0, 10)} (${s.measured.slice(0, 10)})`,
    s.changedSince === undefined ? 'unknown' : s.changedSince.length === 0 ? 'no' : s.changedSince.join(', '),
  ];
  const rows = protocols.flatMap((p) => {
    const reducer = scores.find((x) => x.protocol === p && x.part === 'reducer');
    const host = scores.find((x) => x.protocol === p && x.part === 'host');
    return [
      reducer === undefined ? [p, 'not measured', '', '', '', '', '', '', `npm run mutation -- ${p} --part reducer`] : row(reducer),
      host === undefined ? [`${p} host`, 'not measured', '', '', '', '', '', '', `npm run mutation -- ${p} --part host`] : row(host),
    ];
  });
  return [
    `Mutation scores, last measured (npm run mutation; ${MUTATION_SCORES_FILE}):`,
    table(['protocol', 'score', 'mutants', 'detected', 'survived', 'no coverage', 'set aside', 'commit (date)', 'changed since'], rows),
  ].join('\n');
}
