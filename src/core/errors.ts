// Errors a user can act on. The CLI prints their message as one line, with no stack trace,
// and exits with their exit code; anything else is a bug and is reported as one.

/** Exit codes: 0 all holds; 1 a check failed (a counterexample, a difference); 2 a usage, input or environment error. */
export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_USAGE = 2;

export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Malformed input: names the file and, where known, the line (1-based) and column (1-based). */
export class InputError extends UserError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly detail: string,
    readonly column?: number,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}${line !== undefined && column !== undefined ? `:${column}` : ''}: ${detail}`);
    this.name = 'InputError';
  }
}
