// A reader for the behaviours TLC writes with `-simulate file=/dir/tr,num=N` (files tr_0_0,
// tr_0_1, ...). Each is a TLA+ module defining one operator per state:
//
//   ---------------- MODULE /tmp/t1/sim/tr_0_0 -----------------
//   STATE_1 ==
//   /\ x = (a :> 0 @@ b :> 0)
//   /\ lastAction = [name |-> "Init", params |-> <<>>]
//
//
//   STATE_2 ==
//   ...
//   =================================================

import { InputError } from '../errors.ts';
import { parseState } from './parse.ts';
import type { TlaState } from './value.ts';

const MODULE_START = /^-{4,}\s*MODULE\s+\S+\s*-{4,}\s*$/;
const MODULE_END = /^={4,}\s*$/;
const STATE_START = /^STATE_(\d+)\s*==/;

/** The states of one simulated behaviour, in order. */
export function parseSimulationTrace(text: string, file: string): TlaState[] {
  const lines = text.split('\n');
  const states: TlaState[] = [];
  let block: { firstLine: number; lines: string[] } | undefined;
  const finishBlock = () => {
    if (block !== undefined) states.push(parseState(block.lines.join('\n'), file, block.firstLine));
  };
  let moduleStarted = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    const lineNumber = i + 1;
    if (!moduleStarted) {
      if (MODULE_START.test(line)) moduleStarted = true;
      else if (line.trim() !== '') throw new InputError(file, lineNumber, 'expected the module header "---- MODULE ... ----"');
      continue;
    }
    if (MODULE_END.test(line)) {
      finishBlock();
      return states;
    }
    const start = STATE_START.exec(line);
    if (start !== null) {
      finishBlock();
      const number = Number(start[1]);
      if (number !== states.length + 1) throw new InputError(file, lineNumber, `expected STATE_${states.length + 1}, found STATE_${number}`, 1);
      // Blank out the definition's head, so positions in parse errors stay those of the file.
      block = { firstLine: lineNumber, lines: [' '.repeat(start[0].length) + line.slice(start[0].length)] };
    } else if (block !== undefined) {
      block.lines.push(line);
    } else if (line.trim() !== '') {
      throw new InputError(file, lineNumber, 'expected STATE_1 ==');
    }
  }
  throw new InputError(file, lines.length, moduleStarted ? 'the module has no end "====" (is the trace cut short?)' : 'empty trace file');
}
