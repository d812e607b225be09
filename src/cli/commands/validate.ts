// consensus-lab validate <protocol> <log.ndjson>...: TLC decides whether each event log is a
// behaviour of the protocol's spec (src/validate/validate.ts).

import { EXIT_CHECK_FAILED, EXIT_OK, UserError } from '../../core/errors.ts';
import { PROTOCOLS } from '../../protocols.ts';
import { validateLog, validationProgressLine } from '../../validate/validate.ts';
import type { ValidationResult } from '../../validate/validate.ts';
import type { CommandContext } from '../main.ts';
import { Progress, count, printJson, secs, table } from '../output.ts';
import { requireProtocol } from './common.ts';

export async function validateCommand({ positionals, values }: CommandContext): Promise<number> {
  const [name, ...files] = positionals;
  const p = requireProtocol(name, 'validate');
  const validator = p.traceValidator;
  if (validator === undefined) throw new UserError(`${p.name} has no trace spec yet: validate runs for ${PROTOCOLS.filter((q) => q.traceValidator !== undefined).map((q) => q.name).join(', ')}`);
  if (files.length === 0) throw new UserError(`validate needs an event log: consensus-lab validate ${p.name} <log.ndjson>...`);
  const progress = new Progress(values.quiet === true);
  const results: ValidationResult[] = [];
  for (const file of files) {
    progress.note(`${p.name}: TLC follows ${file}`);
    results.push(await validateLog(p, validator, file, { onProgress: (x) => progress.update(validationProgressLine(x)) }));
    progress.clear();
  }
  const ok = results.every((r) => r.accepted);
  if (values.json) printJson({ ok, protocol: p.name, logs: results });
  else {
    for (const r of results.filter((x) => !x.accepted)) {
      process.stdout.write(`${r.file}:${r.rejectedLine}: no behaviour of ${p.module.replace(/^MC/, '')} takes this ${r.rejectedAction} step after the lines before it\n`);
      for (const line of r.explanation ?? []) process.stdout.write(`  ${line}\n`);
      process.stdout.write('\n');
    }
    process.stdout.write(
      `${table(
        ['log', 'lines', 'verdict', 'TLC states', 'TLC', 'in all'],
        results.map((r) => [r.file, count(r.lines), r.accepted ? 'accepted' : `REJECTED at line ${r.rejectedLine}`, count(r.tlc.distinctStates), secs(r.tlc.seconds), secs(r.seconds)]),
      )}\n`,
    );
  }
  return ok ? EXIT_OK : EXIT_CHECK_FAILED;
}
