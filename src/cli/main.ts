// consensus-lab: the command line. Every command prints a short summary (or one JSON object
// with --json) and exits 0 only when everything it checked holds: 1 when a check fails,
// 2 on a usage, input or environment error, which is one line on stderr without a stack trace.

import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { EXIT_USAGE, UserError } from '../core/errors.ts';
import { clusterCommand } from './commands/cluster.ts';
import { kvCommand } from './commands/kv.ts';
import { conformCommand } from './commands/conform.ts';
import { driverCommand } from './commands/driver.ts';
import { exploreCommand } from './commands/explore.ts';
import { gateCommand } from './commands/gate.ts';
import { lincheckCommand } from './commands/lincheck.ts';
import { mutantsCommand } from './commands/mutants.ts';
import { setupCommand } from './commands/setup.ts';
import { simulateCommand } from './commands/simulate.ts';
import { tlcCommand } from './commands/tlc.ts';
import { tracesCommand } from './commands/traces.ts';
import { validateCommand } from './commands/validate.ts';

export const USAGE = `consensus-lab: TLA+ specs checked by TLC, and TypeScript reducers shown to be the same machines

usage:
  consensus-lab setup                                fetch TLC (Maven Central) into .cache/, check java
  consensus-lab tlc <protocol> [--model M]           TLC on a protocol's model (default: ci)
  consensus-lab tlc <Spec.tla> [--config Spec.cfg] [--lib PATH]...
                                                     TLC on any spec; --lib (and TLA_LIBRARY) add folders of
                                                     modules and jars (CommunityModules); TLAPS is built in
  consensus-lab explore <protocol> [--model M]       the TypeScript explorer on a model (default: ci)
  consensus-lab conform <protocol>                   the conformance suite: state graph, traces, counts
  consensus-lab traces generate <protocol>           regenerate traces/<protocol>/ with TLC
  consensus-lab traces replay <protocol> [file...]   replay TLC traces in TypeScript
  consensus-lab mutants [protocol...]                every seeded bug caught by TLC, the explorer, the
                                                     state graph and the simulator (--mutant NAME: one;
                                                     --markdown: docs/mutants.md)
  consensus-lab simulate <protocol> [--scenario NAME|FILE] [--seed N | --seeds N..M] [--nodes N] [--clients C]
                         [--ops K] [--out DIR] [--check] [--mutant NAME]
                                                     the protocol as a system (clients, a key-value store, a
                                                     hostile network) in the deterministic simulator
  consensus-lab validate <protocol> <log.ndjson>...  TLC decides whether an implementation's event log is a
                                                     behaviour of the spec (raft, paxos, multipaxos, pbft)
  consensus-lab driver <protocol>                    our reducer behind the driver protocol on stdin/stdout
                                                     (docs/driver.md): what the spec answers, for implementers
  consensus-lab gate [protocol...]                   all of it, for CI (--junit FILE for JUnit XML; the simulator
                                                     runs 5 seeds of each scenario, --seeds N or --full 200;
                                                     --mutant NAME: that seeded bug only)
  consensus-lab cluster start <protocol> [--nodes N] [--data DIR] [--port P]
                                                     the protocol as real processes on this machine (TCP, SQLite,
                                                     the key-value API over HTTP on ports P, P+1, ...); returns
                                                     when a leader serves (DIR: out/cluster, P: 7001)
  consensus-lab cluster status|stop [--data DIR]     each node's role, term, commit and applied index | stop all
  consensus-lab cluster restart|logs NODE [--data DIR]
                                                     start a stopped or killed node again | its output
  consensus-lab cluster test <protocol> [--time S] [--clients C] [--nemesis kill,pause,partition] [--validate-steps N]
                                                     Jepsen's test of a real cluster: clients, SIGKILL, SIGSTOP and
                                                     partitions, the history checked for linearizability, the
                                                     nodes' logs (or their first N steps) validated by TLC
  consensus-lab kv get KEY | put KEY VALUE | delete KEY | append KEY VALUE | cas KEY FROM TO [--data DIR]
                                                     a client of a running cluster: finds the leader, retries so that
                                                     a retry applies once; exit 1 when a cas fails or the outcome is unknown
  consensus-lab lincheck <history> --model M         is a Jepsen history linearizable? (M: register or kv; --html FILE)

options: --json (one JSON object on stdout), --quiet (no progress), --workers N, --timeout S,
         --mutant NAME (explore/conform/mutants/gate: a seeded bug),
         --impl "COMMAND" | ./reducer.ts (conform/explore/traces replay/gate: drive an implementation that
         is not ours, over JSON lines (docs/driver.md) or loaded as a module; raft), --impl-timeout S, --help
exit codes: 0 everything holds, 1 a check failed, 2 usage, input or environment error`;

export type Options = ParseArgsConfig['options'];

export interface CommandContext {
  readonly positionals: string[];
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
}

const COMMON: NonNullable<Options> = {
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

interface Command {
  readonly options: NonNullable<Options>;
  readonly run: (ctx: CommandContext) => Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  setup: { options: { postinstall: { type: 'boolean' } }, run: setupCommand },
  tlc: {
    options: { config: { type: 'string' }, model: { type: 'string' }, workers: { type: 'string' }, timeout: { type: 'string' }, lib: { type: 'string', multiple: true } },
    run: tlcCommand,
  },
  explore: { options: { model: { type: 'string' }, mutant: { type: 'string' }, impl: { type: 'string' }, 'impl-timeout': { type: 'string' } }, run: exploreCommand },
  conform: {
    options: { model: { type: 'string' }, 'counts-model': { type: 'string' }, mutant: { type: 'string' }, workers: { type: 'string' }, impl: { type: 'string' }, 'impl-timeout': { type: 'string' } },
    run: conformCommand,
  },
  traces: { options: { count: { type: 'string' }, impl: { type: 'string' }, 'impl-timeout': { type: 'string' } }, run: tracesCommand },
  mutants: { options: { markdown: { type: 'boolean' }, mutant: { type: 'string' } }, run: mutantsCommand },
  validate: { options: {}, run: validateCommand },
  driver: { options: {}, run: driverCommand },
  simulate: {
    options: {
      scenario: { type: 'string' },
      seed: { type: 'string' },
      seeds: { type: 'string' },
      nodes: { type: 'string' },
      clients: { type: 'string' },
      ops: { type: 'string' },
      out: { type: 'string' },
      check: { type: 'boolean' },
      'no-shrink': { type: 'boolean' },
      mutant: { type: 'string' },
    },
    run: simulateCommand,
  },
  gate: {
    options: {
      model: { type: 'string' },
      'graph-model': { type: 'string' },
      junit: { type: 'string' },
      workers: { type: 'string' },
      full: { type: 'boolean' },
      seeds: { type: 'string' },
      mutant: { type: 'string' },
      impl: { type: 'string' }, 'impl-timeout': { type: 'string' },
    },
    run: gateCommand,
  },
  cluster: {
    options: { nodes: { type: 'string' }, data: { type: 'string' }, port: { type: 'string' }, time: { type: 'string' }, clients: { type: 'string' }, nemesis: { type: 'string' }, 'validate-steps': { type: 'string' } },
    run: clusterCommand,
  },
  kv: { options: { data: { type: 'string' }, timeout: { type: 'string' } }, run: kvCommand },
  lincheck: { options: { model: { type: 'string' }, html: { type: 'string' }, timeout: { type: 'string' } }, run: lincheckCommand },
};

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name === undefined ? EXIT_USAGE : 0;
  }
  try {
    const command = COMMANDS[name];
    if (command === undefined) throw new UserError(`unknown command "${name}": run \`consensus-lab --help\` for the commands`);
    let parsed;
    try {
      parsed = parseArgs({ args: [...rest], options: { ...COMMON, ...command.options }, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UserError(`${name}: ${(e as Error).message.split('\n')[0]}`);
    }
    if (parsed.values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    return await command.run({ positionals: parsed.positionals, values: parsed.values });
  } catch (e) {
    if (e instanceof UserError) {
      process.stderr.write(`consensus-lab: ${e.message}\n`);
      return e.exitCode;
    }
    // Not the user's doing: a bug. Say so, with the stack, which is what a bug report needs.
    process.stderr.write(`consensus-lab: internal error (please report it): ${(e as Error).stack ?? String(e)}\n`);
    return 3;
  }
}

/** A whole-number option, or undefined; anything else is a usage error. */
export function intOption(values: CommandContext['values'], name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(n) || n < 1) throw new UserError(`--${name} takes a whole number above 0, not "${String(raw)}"`);
  return n;
}

/** A repeatable option's values (--lib A --lib B). */
export function stringsOption(values: CommandContext['values'], name: string): string[] {
  const raw = values[name];
  return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : typeof raw === 'string' ? [raw] : [];
}

export function stringOption(values: CommandContext['values'], name: string): string | undefined {
  const raw = values[name];
  return typeof raw === 'string' ? raw : undefined;
}
