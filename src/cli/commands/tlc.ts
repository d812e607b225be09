// consensus-lab tlc <protocol | Spec.tla>: TLC on a protocol's model or on any spec.

import { existsSync } from 'node:fs';
import { UserError } from '../../core/errors.ts';
import { modelConfigPath, modulePath } from '../../core/protocol.ts';
import { runTlc } from '../../core/tlc/run.ts';
import { defaultWorkers } from '../../conformance/checks.ts';
import { protocolNamed } from '../../protocols.ts';
import { intOption, stringOption, stringsOption } from '../main.ts';
import type { CommandContext } from '../main.ts';
import { Progress, printJson } from '../output.ts';
import { formatTlcTrace, requireModel, tlcJson, tlcProgress, tlcSummary, tlcTraceJson } from './common.ts';

export async function tlcCommand({ positionals, values }: CommandContext): Promise<number> {
  const [target, ...extra] = positionals;
  if (target === undefined || extra.length > 0) throw new UserError('tlc takes one protocol or one .tla file: consensus-lab tlc raft, or consensus-lab tlc Spec.tla --config Spec.cfg');
  let spec: string;
  let config: string | undefined = stringOption(values, 'config');
  if (target.endsWith('.tla')) {
    if (values.model !== undefined) throw new UserError('--model is for protocols; for a .tla file give --config');
    spec = target;
  } else {
    if (!existsSync(target) && /[/.]/.test(target)) throw new UserError(`${target}: no such file (a spec must end in .tla)`);
    const p = protocolNamed(target);
    const model = requireModel(p, stringOption(values, 'model') ?? 'ci');
    if (config !== undefined) throw new UserError('--config is for .tla files; for a protocol give --model');
    spec = modulePath(p, p.module);
    config = modelConfigPath(p, model);
  }
  const progress = new Progress(values.quiet === true);
  const result = await runTlc({
    spec,
    config,
    workers: intOption(values, 'workers') ?? defaultWorkers(),
    timeoutSeconds: intOption(values, 'timeout'),
    onProgress: tlcProgress(progress, 'TLC'),
    libraries: stringsOption(values, 'lib'),
  });
  progress.clear();
  if (result.outcome === 'error' && !values.json) throw new UserError(`TLC could not check ${spec}: ${result.error}`);
  if (values.json) printJson({ ok: result.outcome === 'ok', spec, config, ...tlcJson(result), trace: tlcTraceJson(result), warnings: result.warnings });
  else {
    process.stdout.write(`TLC ${result.version ?? ''} on ${spec}${config ? ` with ${config}` : ''}\n${tlcSummary(result)}\n`);
    if (result.trace !== undefined && result.outcome !== 'ok') process.stdout.write(`\n${formatTlcTrace(result)}\n`);
  }
  return result.outcome === 'ok' ? 0 : result.outcome === 'error' ? 2 : 1;
}
