import { simulate } from '../src/sim/simulator.ts';
import { loadScenario } from '../src/sim/scenario.ts';
import { raftSystem } from '../src/raft/host.ts';
import { describeRun } from '../src/cli/commands/simulate.ts';
const name = process.argv[2];
const seed = Number(process.argv[3] ?? 1);
const t = Date.now();
const r = simulate({ protocol: raftSystem, scenario: loadScenario(name), seed, skipLinearizability: true });
console.log(describeRun(r), Date.now() - t, 'ms');
