import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError, UserError } from '../../src/core/errors.ts';
import { loadScenario, namedScenarios, parseScenario } from '../../src/sim/scenario.ts';

describe('scenarios', () => {
  it('every named scenario parses', () => {
    expect(namedScenarios()).toEqual(expect.arrayContaining(['partitions', 'leader-crashes', 'unreliable-network', 'byzantine-primary']));
    for (const name of namedScenarios()) expect(loadScenario(name).name).toBe(name);
  });

  it('names the field that is wrong', () => {
    const error = (raw: unknown) => {
      try {
        parseScenario(raw, 'my.json');
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(error({ network: { loss: 2 } })).toMatch(/^my\.json: network\.loss: expected a number in \[0, 1\]/);
    expect(error({ timeline: [{ at: 5, fault: 'explode' }] })).toMatch(/^my\.json: timeline\[0\]\.fault: expected one of/);
    expect(error({ workload: { mix: { scan: 1 } } })).toMatch(/workload\.mix\.scan: unknown operation/);
    expect(error({ nodez: 3 })).toMatch(/nodez: unknown field/);
    expect(error({ timeline: [{ at: 5, fault: 'crash', target: { followers: 0 } }] })).toMatch(/followers/);
  });

  it('a missing scenario is one line that lists the named ones', () => {
    expect(() => loadScenario('no-such-scenario')).toThrow(UserError);
    expect(() => loadScenario('no-such-scenario')).toThrow(/partitions/);
  });

  it('never throws anything but an input error, whatever the JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        try {
          parseScenario(raw, 'x.json');
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
