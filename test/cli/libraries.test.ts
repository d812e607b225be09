// consensus-lab tlc on specs as their authors wrote them: with proofs (EXTENDS TLAPS), with
// their own module library or jar (--lib, TLA_LIBRARY), and with what the installed TLC lacks.

import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, expectOneLineError, root } from '../support/cli.ts';

const libs = join(root, 'test', 'cli', 'fixtures', 'libs');
let jar: string;

beforeAll(() => {
  // A jar of modules, as the CommunityModules jar is: made here with the JDK's jar tool.
  jar = join(mkdtempSync(join(tmpdir(), 'tla-jar-')), 'helpers.jar');
  const made = spawnSync('jar', ['cf', jar, 'JarHelpers.tla'], { cwd: join(libs, 'jar'), encoding: 'utf8' });
  expect(made.status, made.stderr).toBe(0);
});

describe('consensus-lab tlc and module libraries', () => {
  it('checks a spec that carries proofs and EXTENDS TLAPS', () => {
    const r = cli(['tlc', join(libs, 'Proved.tla'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, result: 'ok', distinctStates: 3 });
  });

  it('finds modules in a --lib folder and a --lib jar, or in TLA_LIBRARY', () => {
    expectOneLineError(cli(['tlc', join(libs, 'UsesLib.tla')]), /cannot find the module Helpers \(UsesLib EXTENDS or INSTANCEs it\): put Helpers\.tla beside the spec, or give its folder or jar with --lib PATH/);
    const withLib = cli(['tlc', join(libs, 'UsesLib.tla'), '--lib', join(libs, 'lib'), '--lib', jar, '--json']);
    expect(withLib.code, withLib.stderr).toBe(0);
    expect(JSON.parse(withLib.stdout).result).toBe('ok');
    const fromEnv = cli(['tlc', join(libs, 'UsesLib.tla'), '--json'], { ...process.env, TLA_LIBRARY: [join(libs, 'lib'), jar].join(delimiter) });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expectOneLineError(cli(['tlc', join(libs, 'UsesLib.tla'), '--lib', join(libs, 'nowhere')]), /--lib .*nowhere: no such folder or jar/);
  });

  it('says in one line what the installed TLC 2.18 lacks, and what brings it', () => {
    expectOneLineError(cli(['tlc', join(libs, 'UsesJson.tla')]), /cannot find the module Json .*the installed TLC 2\.18 does not have it; set TLA2TOOLS_JAR to the official tla2tools\.jar/);
    expectOneLineError(cli(['tlc', join(libs, 'Alias.tla')]), /Alias\.cfg:3: ALIAS needs a newer TLC than the installed 2\.18: set TLA2TOOLS_JAR/);
  });
});
