// consensus-lab traces generate <protocol> | traces replay <protocol> [file...]

import { resolve } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { replayTraces } from '../../conformance/checks.ts';
import { formatReplayFailure } from '../../conformance/replay.ts';
import { generateTraces } from '../../conformance/traces.ts';
import { intOption } from '../main.ts';
import type { CommandContext } from '../main.ts';
import { Progress, count, printJson, table } from '../output.ts';
import { implementationOption, requireProtocol } from './common.ts';

export async function tracesCommand({ positionals, values }: CommandContext): Promise<number> {
  const [verb, name, ...files] = positionals;
  if (verb === 'generate') {
    if (values.impl !== undefined) throw new UserError('traces generate makes traces with TLC; --impl goes with traces replay');
    if (files.length > 0) throw new UserError('traces generate takes one protocol');
    const p = requireProtocol(name, 'traces generate');
    const progress = new Progress(values.quiet === true, 0);
    const manifest = await generateTraces(p, { count: intOption(values, 'count'), log: (line) => progress.note(line) });
    const random = manifest.traces.filter((t) => t.kind === 'random');
    const targets = manifest.traces.filter((t) => t.kind === 'target');
    if (values.json) printJson({ ok: true, protocol: p.name, manifest });
    else {
      process.stdout.write(
        `traces/${p.name}: ${random.length} random traces (${count(random.reduce((n, t) => n + t.steps, 0))} steps), ${targets.length} targeted traces, made with TLC ${manifest.tlc.version}\n` +
          (targets.length ? `${table(['target', 'steps', 'property'], targets.map((t) => [t.file, String(t.steps), t.property ?? '']))}\n` : ''),
      );
    }
    return 0;
  }
  if (verb === 'replay') {
    const p = requireProtocol(name, 'traces replay');
    const implementation = await implementationOption(values);
    const summary = replayTraces(p, files.map((f) => resolve(f)), undefined, implementation);
    if (values.json) printJson({ ok: summary.failed === 0, protocol: p.name, implementation: implementation?.label, ...summary });
    else {
      for (const f of summary.failures) process.stdout.write(`${formatReplayFailure(f.file, f.failure, implementation === undefined ? undefined : 'the implementation')}\n\n`);
      process.stdout.write(`${p.name}: ${count(summary.replayed)} traces replayed, ${count(summary.steps)} steps, ${summary.failed} failed\n`);
    }
    return summary.failed === 0 ? 0 : 1;
  }
  throw new UserError('traces needs a verb: consensus-lab traces generate <protocol>, or consensus-lab traces replay <protocol> [file...]');
}
