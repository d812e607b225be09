// consensus-lab conform <protocol>: the conformance suite: TLC's state graph against the
// TypeScript model's, the TLC traces replayed, and the explorer's counts and invariants against
// TLC's. With --mutant, the same checks on a seeded bug, which they must catch.

import { UserError } from '../../core/errors.ts';
import { intOption, stringOption } from '../main.ts';
import type { CommandContext } from '../main.ts';
import { Progress, printJson } from '../output.ts';
import { implementationOption, requireModel, requireProtocol } from './common.ts';
import { checkProtocol, formatReports } from './report.ts';

export async function conformCommand({ positionals, values }: CommandContext): Promise<number> {
  if (positionals.length > 1) throw new UserError('conform takes one protocol');
  const p = requireProtocol(positionals[0], 'conform');
  const implementation = await implementationOption(values);
  const progress = new Progress(values.quiet === true);
  const report = await checkProtocol(p, {
    countsModel: requireModel(p, stringOption(values, 'counts-model') ?? 'ci'),
    graphModel: requireModel(p, stringOption(values, 'model') ?? 'conformance'),
    mutant: stringOption(values, 'mutant'),
    mutants: false,
    implementation,
    workers: intOption(values, 'workers'),
    progress,
  });
  progress.clear();
  if (values.json) printJson(report.json);
  else process.stdout.write(`${formatReports([report])}\n`);
  return report.ok ? 0 : 1;
}
