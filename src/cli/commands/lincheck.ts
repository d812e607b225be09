// consensus-lab lincheck <history> --model register|kv: is a Jepsen history linearizable?

import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { MODEL_NAMES, checkHistory } from '../../lincheck/check.ts';
import type { LinResult, ModelName, Operation } from '../../lincheck/check.ts';
import { parseHistory, showValue } from '../../lincheck/history.ts';
import { renderHtml } from '../../lincheck/html.ts';
import { intOption, stringOption } from '../main.ts';
import type { CommandContext } from '../main.ts';
import { count, printJson, table } from '../output.ts';

export async function lincheckCommand({ positionals, values }: CommandContext): Promise<number> {
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new UserError('lincheck takes one history file: consensus-lab lincheck history.edn --model register');
  const model = stringOption(values, 'model');
  if (model === undefined) throw new UserError(`lincheck needs --model: ${MODEL_NAMES.join(' or ')} (what the history's operations act on)`);
  if (!MODEL_NAMES.includes(model as ModelName)) throw new UserError(`lincheck has no model "${model}": choose ${MODEL_NAMES.join(' or ')}`);
  const timeout = intOption(values, 'timeout');
  const html = stringOption(values, 'html');

  const events = parseHistory(readHistory(file), file);
  const started = performance.now();
  const result = checkHistory(events, model as ModelName, { file, ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}) });
  const ms = Math.round(performance.now() - started);
  if (html !== undefined) {
    try {
      writeFileSync(html, renderHtml(events, result, `lincheck: ${basename(file)} (${model} model)`));
    } catch (e) {
      throw new UserError(`--html ${html}: cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  const verdict = result.ok ? 'linearizable' : result.failing !== undefined ? 'not linearizable' : result.outgrew !== undefined ? 'no verdict: the search outgrew its room' : 'no verdict: timed out';

  if (values.json) {
    const { ok, ...rest } = result;
    printJson({ ok, verdict, file, model, ms, ...(html !== undefined ? { html } : {}), ...rest });
  }
  else process.stdout.write(humanReport(file, model, result, verdict, ms, html));

  if (result.ok) return 0;
  if (result.failing !== undefined) return 1;
  if (result.outgrew !== undefined) {
    process.stderr.write(`consensus-lab: lincheck: no verdict: the search of key ${result.outgrew.key} met ${count(result.outgrew.outgrew)} distinct values, the most it keeps (appends to one key, concatenated in every order the history allows): check a shorter history, or one with fewer concurrent appends to a key\n`);
    return 2;
  }
  const undecided = result.keys.find((k) => k.timedOut);
  process.stderr.write(`consensus-lab: lincheck: no verdict within --timeout ${timeout} s${undecided !== undefined ? ` (key ${undecided.key})` : ''}: give it longer\n`);
  return 2;
}

function readHistory(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${file}: no such file`);
    if (code === 'EISDIR') throw new UserError(`${file}: a directory, not a history file`);
    throw new UserError(`${file}: cannot read it (${code ?? (e as Error).message})`);
  }
}

const dash = (v: unknown) => (v === null || v === undefined ? '-' : showValue(v));

function opRows(ops: readonly Operation[]): string[][] {
  return ops.map((o) => [
    String(o.process),
    o.f,
    o.f === 'read' || o.f === 'get' || o.f === 'delete' ? '-' : showValue(o.input),
    o.status === 'info' ? '? (info)' : o.f === 'read' || o.f === 'get' ? showValue(o.output) : o.f === 'cas' ? 'swapped' : 'ok',
    String(o.invokeLine ?? '-'),
    o.status === 'info' ? (o.completeLine !== undefined ? `${o.completeLine} (info)` : 'never') : String(o.completeLine ?? '-'),
  ]);
}

function humanReport(file: string, model: string, r: LinResult, verdict: string, ms: number, html: string | undefined): string {
  const lines = [
    `lincheck ${file} (${model} model)`,
    table(['operations', 'keys', 'verdict', 'states explored', 'ms'], [[count(r.operations), count(r.keys.length), verdict, count(r.stats.statesExplored), count(ms)]]),
  ];
  const f = r.failing;
  if (f !== undefined) {
    const key = f.key !== '' ? `key ${f.key}` : model === 'register' ? 'the register' : 'the history (no keys)';
    const n = f.minimal!.length;
    lines.push(
      '',
      `${key} is not linearizable: ` +
        (n === 1 ? 'this operation cannot be linearized, whenever the others took effect' : `these ${n} operations cannot be linearized together`) +
        (f.minimalComplete === false ? ' (shrinking ran out of time; a smaller set may exist):' : n === 1 ? ':' : ' (without any one of them, the rest can be):'),
      table(['process', 'f', 'input', 'output', 'invoke', 'complete'], opRows(f.minimal!)),
      '',
      `longest linearizable prefix: ${f.longestPrefix!.length} of the ${count(f.operations)} operations on ${key}`,
    );
    const others = r.keys.filter((k) => !k.ok && !k.timedOut && k !== f).length;
    if (others > 0) lines.push(`${others} more key${others === 1 ? ' is' : 's are'} not linearizable (--json lists them)`);
  }
  if (html !== undefined) lines.push(`wrote ${html}`);
  return `${lines.join('\n')}\n`;
}
