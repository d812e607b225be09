// How the CLI talks: results on stdout (a table for people, one JSON object with --json),
// progress and diagnostics on stderr, so that `--json` output can be piped as it is.

/** 1234567 -> "1,234,567" */
export const count = (n: number | undefined): string => (n === undefined ? '-' : n.toLocaleString('en-US'));
export const secs = (s: number | undefined): string => (s === undefined ? '-' : `${s.toFixed(1)} s`);

/** A plain-text table: columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * Progress of a long run on stderr: a line rewritten in place on a terminal, one line every
 * `intervalMs` otherwise (CI logs), nothing when quiet.
 */
export class Progress {
  private lastPrinted = 0;
  private live = false;

  constructor(
    private readonly quiet: boolean,
    private readonly intervalMs = process.stderr.isTTY ? 0 : 15_000,
  ) {}

  update(text: string): void {
    if (this.quiet) return;
    const now = Date.now();
    if (process.stderr.isTTY) {
      process.stderr.write(`\r\x1b[2K${text}`);
      this.live = true;
    } else if (now - this.lastPrinted >= this.intervalMs) {
      process.stderr.write(`${text}\n`);
      this.lastPrinted = now;
    }
  }

  /** A line that stays. */
  note(text: string): void {
    if (this.quiet) return;
    this.clear();
    process.stderr.write(`${text}\n`);
  }

  clear(): void {
    if (this.live) process.stderr.write('\r\x1b[2K');
    this.live = false;
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
