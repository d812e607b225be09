import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.ts';
import { bundledLibrary, explainMissingModule, newerConfigKeyword, tlaLibraries } from '../../../src/core/tlc/libraries.ts';

describe('TLC libraries', () => {
  it('puts specs/lib first, then --lib, then TLA_LIBRARY; folders on the library path, jars on the class path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'libs-'));
    const jar = join(dir, 'community.jar');
    writeFileSync(jar, '');
    const libs = tlaLibraries([dir], [jar, dir].join(delimiter));
    expect(libs.folders).toEqual([bundledLibrary(), dir, dir]);
    expect(libs.jars).toEqual([jar]);
    expect(() => tlaLibraries(['/no/such/place'], undefined)).toThrow(new UserError('--lib /no/such/place: no such folder or jar'));
    writeFileSync(join(dir, 'notes.txt'), '');
    expect(() => tlaLibraries([], join(dir, 'notes.txt'))).toThrow(/TLA_LIBRARY .*notes\.txt: a library is a folder of \.tla modules or a \.jar/);
  });

  it('says what to do about a module TLC cannot find', () => {
    expect(explainMissingModule('Cannot find source file for module Json imported in module Spec.')).toMatch(/module Json \(Spec EXTENDS or INSTANCEs it\): the installed TLC 2\.18 does not have it; set TLA2TOOLS_JAR/);
    expect(explainMissingModule('Cannot find source file for module Mine imported in module Spec.')).toMatch(/put Mine\.tla beside the spec, or give its folder or jar with --lib PATH/);
    expect(explainMissingModule('Parse error at line 3')).toBeUndefined();
  });

  it('finds a config keyword TLC 2.18 lacks, and its line', () => {
    expect(newerConfigKeyword('INIT Init\nNEXT Next\n\\* ALIAS in a comment\n  ALIAS Alias\n')).toEqual([4, 'ALIAS']);
    expect(newerConfigKeyword('SPECIFICATION Spec\nPOSTCONDITION Done')).toEqual([2, 'POSTCONDITION']);
    expect(newerConfigKeyword('INIT Init\nNEXT Next\nINVARIANT TypeOK')).toBeUndefined();
    fc.assert(fc.property(fc.string(), (text) => {
      const found = newerConfigKeyword(text);
      if (found !== undefined) expect(text.split('\n')[found[0] - 1]).toContain(found[1]);
    }));
  });
});
