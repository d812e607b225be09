import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSimulationTrace } from '../../../src/core/tla/simulation.ts';
import { fn, int, modelValue, record, seq, showState, stateKey, str, tuple } from '../../../src/core/tla/value.ts';
import { arbitraryIdentifier, arbitraryStatesOver } from './arbitrary.ts';
import { errorOf } from '../../support/errors.ts';


// Written by TLC 2.18 with -simulate file=/tmp/t1/sim/tr,num=1 -depth 2.
const SMALL = String.raw`---------------- MODULE /tmp/t1/sim/tr_0_0 -----------------
STATE_1 == 
/\ x = (a :> 0 @@ b :> 0)
/\ lastAction = [name |-> "Init", params |-> <<>>]


STATE_2 == 
/\ x = (a :> 1 @@ b :> 0)
/\ lastAction = [name |-> "Inc", params |-> [s |-> a]]


=================================================
`;

// Written by TLC 2.18 for a spec whose values TLC wraps over several lines.
const WRAPPED = String.raw`---------------- MODULE /tmp/parsers-scratch/wrap/sim/tr_0_0 -----------------
STATE_1 == 
/\ msgs = ( [term |-> 1, type |-> "req", src |-> s1] :> 1 @@
  [term |-> 1, type |-> "req", src |-> s2] :> 1 @@
  [term |-> 1, type |-> "req", src |-> s3] :> 1 )
/\ recfn = ( s1 :>
      [ nextIndex |-> (s1 :> 1 @@ s2 :> 1 @@ s3 :> 1),
        matchIndex |-> (s1 :> 0 @@ s2 :> 0 @@ s3 :> 0),
        commit |-> 0 ] @@
  s2 :>
      [ nextIndex |-> (s1 :> 1 @@ s2 :> 1 @@ s3 :> 1),
        matchIndex |-> (s1 :> 0 @@ s2 :> 0 @@ s3 :> 0),
        commit |-> 0 ] @@
  s3 :>
      [ nextIndex |-> (s1 :> 1 @@ s2 :> 1 @@ s3 :> 1),
        matchIndex |-> (s1 :> 0 @@ s2 :> 0 @@ s3 :> 0),
        commit |-> 0 ] )
/\ bag = (-2 :> <<-2, "v">> @@ -1 :> <<-1, "v">> @@ 0 :> <<0, "v">> @@ 5 :> <<5, "v">>)
/\ r = [state |-> (s1 :> "follower" @@ s2 :> "follower" @@ s3 :> "follower"), log |-> (s1 :> <<[term |-> 1, cmd |-> "set \"k\" = \\v"], [term |-> 2, cmd |-> "x"]>> @@ s2 :> <<[term |-> 1, cmd |-> "set \"k\" = \\v"], [term |-> 2, cmd |-> "x"]>> @@ s3 :> <<[term |-> 1, cmd |-> "set \"k\" = \\v"], [term |-> 2, cmd |-> "x"]>>), votes |-> (s1 :> {s2, s3} @@ s2 :> {s1, s3} @@ s3 :> {s1, s2})]
/\ x = 0
/\ longseq = << 1000,
   2000,
   3000,
   4000,
   5000,
   6000,
   7000,
   8000,
   9000,
   10000,
   11000,
   12000,
   13000,
   14000,
   15000,
   16000,
   17000,
   18000,
   19000,
   20000,
   21000,
   22000,
   23000,
   24000,
   25000,
   26000,
   27000,
   28000,
   29000,
   30000,
   31000,
   32000,
   33000,
   34000,
   35000,
   36000,
   37000,
   38000,
   39000,
   40000 >>
/\ setfn = { (s1 :> 1 @@ s2 :> 1 @@ s3 :> 1),
  (s1 :> 2 @@ s2 :> 2 @@ s3 :> 2),
  (s1 :> 3 @@ s2 :> 3 @@ s3 :> 3) }


STATE_2 == 
/\ msgs = ( [term |-> 1, type |-> "req", src |-> s1] :> 1 @@
  [term |-> 1, type |-> "req", src |-> s2] :> 1 @@
  [term |-> 1, type |-> "req", src |-> s3] :> 1 )
/\ recfn = ( s1 :>
      [ nextIndex |-> (s1 :> 1 @@ s2 :> 1 @@ s3 :> 1),
        matchIndex |-> (s1 :> 0 @@ s2 :> 0 @@ s3 :> 0),
        commit |-> 0 ] @@
  s2 :>
      [ nextIndex |-> (s1 :> 1 @@ s2 :> 1 @@ s3 :> 1),
        matchIndex |-> (s1 :> 0 @@ s2 :> 0 @@ s3 :> 0),
        commit |-> 0 ] @@
  s3 :>
      [ nextIndex |-> (s1 :> 1 @@ s2 :> 1 @@ s3 :> 1),
        matchIndex |-> (s1 :> 0 @@ s2 :> 0 @@ s3 :> 0),
        commit |-> 0 ] )
/\ bag = (-2 :> <<-2, "v">> @@ -1 :> <<-1, "v">> @@ 0 :> <<0, "v">> @@ 5 :> <<5, "v">>)
/\ r = [state |-> (s1 :> "follower" @@ s2 :> "follower" @@ s3 :> "follower"), log |-> (s1 :> <<[term |-> 1, cmd |-> "set \"k\" = \\v"], [term |-> 2, cmd |-> "x"]>> @@ s2 :> <<[term |-> 1, cmd |-> "set \"k\" = \\v"], [term |-> 2, cmd |-> "x"]>> @@ s3 :> <<[term |-> 1, cmd |-> "set \"k\" = \\v"], [term |-> 2, cmd |-> "x"]>>), votes |-> (s1 :> {s2, s3} @@ s2 :> {s1, s3} @@ s3 :> {s1, s2})]
/\ x = 1
/\ longseq = << 1000,
   2000,
   3000,
   4000,
   5000,
   6000,
   7000,
   8000,
   9000,
   10000,
   11000,
   12000,
   13000,
   14000,
   15000,
   16000,
   17000,
   18000,
   19000,
   20000,
   21000,
   22000,
   23000,
   24000,
   25000,
   26000,
   27000,
   28000,
   29000,
   30000,
   31000,
   32000,
   33000,
   34000,
   35000,
   36000,
   37000,
   38000,
   39000,
   40000 >>
/\ setfn = { (s1 :> 1 @@ s2 :> 1 @@ s3 :> 1),
  (s1 :> 2 @@ s2 :> 2 @@ s3 :> 2),
  (s1 :> 3 @@ s2 :> 3 @@ s3 :> 3) }


=================================================
`;

function printTrace(states: readonly Record<string, unknown>[], print: (i: number) => string): string {
  return ['---------------- MODULE /tmp/sim/tr_0_0 -----------------', ...states.map((_, i) => print(i)), '================================================='].join('\n');
}

describe('parseSimulationTrace', () => {
  it('reads the states in order', () => {
    const ab = (a: number, b: number) => fn([[modelValue('a'), int(a)], [modelValue('b'), int(b)]]);
    expect(parseSimulationTrace(SMALL, 'tr_0_0')).toEqual([
      { x: ab(0, 0), lastAction: record({ name: str('Init'), params: seq([]) }) },
      { x: ab(1, 0), lastAction: record({ name: str('Inc'), params: record({ s: modelValue('a') }) }) },
    ]);
  });

  it('reads wrapped values', () => {
    const states = parseSimulationTrace(WRAPPED, 'tr_0_0');
    expect(states.map((s) => s.x)).toEqual([int(0), int(1)]);
    expect(states[0].longseq).toEqual(tuple(...Array.from({ length: 40 }, (_, i) => int((i + 1) * 1000))));
    expect(stateKey(states[0])).toBe(stateKey({ ...states[1], x: int(0) }));
  });

  it('reads back any behaviour printed the way TLC prints it', () => {
    const behaviour = fc.uniqueArray(arbitraryIdentifier, { minLength: 1, maxLength: 3 }).chain((vars) => arbitraryStatesOver(vars, 5));
    fc.assert(
      fc.property(behaviour, (states) => {
        const text = printTrace(states, (i) => `STATE_${i + 1} == \n${showState(states[i])}\n\n`);
        expect(parseSimulationTrace(text, 'tr').map(stateKey)).toEqual(states.map(stateKey));
      }),
      { numRuns: 300 },
    );
  });

  it('reads a state on the line of its definition, and CRLF line ends', () => {
    const text = printTrace([{}, {}], (i) => `STATE_${i + 1} == /\\ x = ${i}\r\n/\\ y = "s"\r\n`);
    expect(parseSimulationTrace(text, 'tr')).toEqual([
      { x: int(0), y: str('s') },
      { x: int(1), y: str('s') },
    ]);
  });

  it('reports errors with the line and column in the file', () => {
    const broken = SMALL.replace('params |-> [s |-> a]]', 'params |-> [s |-> ]]');
    expect(errorOf(() => parseSimulationTrace(broken, 'tr_0_0')).message).toBe('tr_0_0:9:52: expected a value, found "]]"');
    const sameLine = printTrace([{}], () => 'STATE_1 == /\\ x = {');
    expect(errorOf(() => parseSimulationTrace(sameLine, 'tr')).message).toBe('tr:2:20: expected a value, found end of input');
    expect(errorOf(() => parseSimulationTrace(SMALL.replace('STATE_2', 'STATE_3'), 'tr_0_0')).message).toBe(
      'tr_0_0:7:1: expected STATE_2, found STATE_3',
    );
    expect(errorOf(() => parseSimulationTrace(SMALL.replace('STATE_1', 'STATE_0'), 'tr_0_0')).message).toBe(
      'tr_0_0:2:1: expected STATE_1, found STATE_0',
    );
    expect(errorOf(() => parseSimulationTrace(SMALL.replace(/=+\n$/, ''), 'tr_0_0')).message).toBe(
      'tr_0_0:12: the module has no end "====" (is the trace cut short?)',
    );
    expect(errorOf(() => parseSimulationTrace(SMALL.replace('STATE_1 == ', 'Init == '), 'tr_0_0')).message).toBe('tr_0_0:2: expected STATE_1 ==');
    expect(errorOf(() => parseSimulationTrace('/\\ x = 1', 'tr_0_0')).message).toBe('tr_0_0:1: expected the module header "---- MODULE ... ----"');
    expect(errorOf(() => parseSimulationTrace('', 'tr_0_0')).message).toBe('tr_0_0:1: empty trace file');
  });
});
