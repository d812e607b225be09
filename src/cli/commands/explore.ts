// consensus-lab explore <protocol>: the TypeScript explorer on a protocol's model.

import { UserError } from '../../core/errors.ts';
import { clusterModel } from '../../conformance/checks.ts';
import { explore } from '../../explore/explorer.ts';
import { stringOption } from '../main.ts';
import type { CommandContext } from '../main.ts';
import { Progress, printJson } from '../output.ts';
import { exploreJson, exploreProgress, exploreSummary, formatExploreTrace, implementationOption, requireModel, requireProtocol, traceJson } from './common.ts';

export async function exploreCommand({ positionals, values }: CommandContext): Promise<number> {
  if (positionals.length > 1) throw new UserError('explore takes one protocol');
  const p = requireProtocol(positionals[0], 'explore');
  const modelName = requireModel(p, stringOption(values, 'model') ?? 'ci');
  const mutant = stringOption(values, 'mutant');
  const implementation = await implementationOption(values);
  const model = clusterModel(p, modelName, mutant, implementation);
  const progress = new Progress(values.quiet === true);
  const result = explore(model, { onProgress: exploreProgress(progress, 'explore') });
  progress.clear();
  if (values.json) printJson({ ok: result.outcome === 'ok', protocol: p.name, model: modelName, mutant, implementation: implementation?.label, ...exploreJson(result), trace: traceJson(model, result) });
  else {
    const whose = implementation ? `, the implementation ${implementation.label}` : mutant ? `, mutant ${mutant}` : '';
    process.stdout.write(`TypeScript explorer on ${p.name} (${modelName} model${whose})\n${exploreSummary(result)}\n`);
    if (result.counterexample !== undefined) process.stdout.write(`\n${formatExploreTrace(model, result)}\n`);
  }
  return result.outcome === 'ok' ? 0 : 1;
}
