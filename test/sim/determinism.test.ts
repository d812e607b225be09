// A run is a function of (seed, scenario, code): nothing on the simulation path may read a clock
// or draw randomness outside the seeded generator. This reads the sources of that path.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../support/cli.ts';

const PROTOCOLS = ['raft', 'paxos', 'multipaxos', 'pbft'];
const path = [
  ...['simulator.ts', 'queue.ts', 'random.ts', 'scenario.ts', 'shrink.ts'].map((f) => join('src', 'sim', f)),
  ...readdirSync(join(root, 'src', 'host')).map((f) => join('src', 'host', f)),
  ...PROTOCOLS.flatMap((p) => readdirSync(join(root, 'src', p)).filter((f) => /^(host|monitor|node|byzantine|roles|ballot)\.ts$/.test(f)).map((f) => join('src', p, f))),
];

describe('the simulation path', () => {
  it('reads no clock and draws no randomness but the seeded generator', () => {
    expect(path.length).toBeGreaterThan(15);
    for (const file of path) {
      const code = readFileSync(join(root, file), 'utf8').replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
      expect(code, file).not.toMatch(/\bDate\.now\b|\bnew Date\b|\bMath\.random\b|\bperformance\.now\b|\bsetTimeout\b|\bsetInterval\b|\bsetImmediate\b|\bprocess\.hrtime\b|\bcrypto\.random/);
    }
  });
});
